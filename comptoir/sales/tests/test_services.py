from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.customers.tests.factories import make_customer
from comptoir.sales import selectors, services
from comptoir.sales.models import Opportunity, StageChange
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


@pytest.fixture
def deal(salesperson, pipeline):
    return make_opportunity(salesperson, make_customer(salesperson), pipeline)


def test_numbers_are_prefix_year_sequence_and_never_reused(salesperson, pipeline):
    customer = make_customer(salesperson)
    year = timezone.localdate().year

    first = make_opportunity(salesperson, customer, pipeline)
    second = make_opportunity(salesperson, customer, pipeline)
    Opportunity.objects.filter(pk=second.pk).delete()
    third = make_opportunity(salesperson, customer, pipeline)

    assert [first.number, third.number] == [f"VN-{year}-00001", f"VN-{year}-00003"]


def test_a_new_opportunity_starts_at_the_first_stage_owned_by_its_creator(salesperson, deal):
    assert deal.stage.name == "Nouveau" and deal.status == "open"
    assert deal.salesperson == salesperson and deal.media.code == "in_store"
    assert StageChange.objects.filter(opportunity=deal).count() == 1


def test_only_users_with_a_department_can_be_assigned(manager, pipeline):
    customer = make_customer(manager)

    with pytest.raises(ApplicationError) as refused:
        make_opportunity(manager, customer, pipeline, assignees=[UserFactory(department=None).pk])

    assert refused.value.field == "assignees.0"
    assert not Opportunity.objects.exists()


def test_stage_moves_are_recorded_with_their_time(salesperson, deal):
    essai = deal.pipeline.stages.get(name="Essai")

    services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=essai.pk)

    change = StageChange.objects.filter(opportunity=deal).last()
    assert (change.from_stage.name, change.to_stage.name) == ("Nouveau", "Essai")
    assert change.changed_at is not None
    assert timeline_for(deal).first().verb == "opportunity_stage_changed"


def test_a_closed_deal_does_not_change_stage(salesperson, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="1", cost="1")

    with pytest.raises(ApplicationError) as refused:
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk,
                                    stage=deal.pipeline.stages.last().pk)

    assert refused.value.message == services.CLOSED_NO_STAGE


def test_a_sale_date_in_the_future_is_refused(salesperson, manager, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="1", cost="1")

    with pytest.raises(ApplicationError) as refused:
        services.opportunity_change_sale_date(actor=manager, opportunity_id=deal.pk,
                                              sale_date=timezone.localdate() + timedelta(days=1))

    assert refused.value.field == "sale_date"


def test_a_stage_of_another_pipeline_is_refused(admin, salesperson, deal):
    other = make_pipeline(admin, name="Occasion", prefix="VO")

    with pytest.raises(ApplicationError) as refused:
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=other.stages.first().pk)

    assert refused.value.field == "stage"


def test_lost_needs_a_reason(salesperson, deal):
    with pytest.raises(ApplicationError) as refused:
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="lost")

    deal.refresh_from_db()
    assert refused.value.message == services.LOST_NEEDS_REASON and deal.status == "open"


def test_lost_with_a_reason_closes_the_deal(salesperson, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="lost", lost_reason="Prix")

    deal.refresh_from_db()
    assert deal.status == "lost" and deal.lost_reason.code == "price" and deal.closed_at is not None


def test_won_needs_an_accepted_quote_when_the_pipeline_requires_quotes(admin, salesperson):
    pipeline = make_pipeline(admin, name="Bateaux", prefix="BA", requires_quote=True)
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, amount="100", cost="50")

    with pytest.raises(ApplicationError) as refused:
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won")

    assert refused.value.code == "quote_required"
    deal.refresh_from_db()
    assert deal.status == "open"


def test_without_quotes_winning_needs_amount_and_cost_and_sets_the_sale_date(salesperson, deal):
    with pytest.raises(ApplicationError) as refused:
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won")

    won = services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won",
                                             amount="24999.99", cost="21000")

    assert refused.value.field == "amount"
    assert (won.amount, won.cost) == (Decimal("24999.99"), Decimal("21000.00"))
    assert won.sale_date == timezone.localdate() and won.closed_at is not None


def test_a_salesperson_cannot_touch_another_salespersons_deal(salesperson, pipeline):
    other = UserFactory()
    theirs = make_opportunity(other, make_customer(other), pipeline)

    with pytest.raises(NotFound):
        services.opportunity_change_status(actor=salesperson, opportunity_id=theirs.pk, status="suspended")
    with pytest.raises(NotFound):
        services.opportunity_update(actor=salesperson, opportunity_id=theirs.pk, product="Ponton")

    theirs.refresh_from_db()
    assert theirs.status == "open" and theirs.product == ""


def test_an_assignee_sees_and_works_the_deal(salesperson, manager, pipeline):
    deal = make_opportunity(manager, make_customer(manager), pipeline, assignees=[salesperson.pk])

    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="suspended")

    assert selectors.opportunity_get(actor=salesperson, pk=deal.pk).status == "suspended"


def test_only_a_manager_reopens_a_won_deal(salesperson, manager, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="10", cost="5")

    with pytest.raises(Forbidden):
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="open")
    reopened = services.opportunity_change_status(actor=manager, opportunity_id=deal.pk, status="open")

    assert reopened.status == "open" and reopened.sale_date is None and reopened.closed_at is None


def test_only_a_manager_changes_the_sale_date_and_it_lands_in_the_timeline(salesperson, manager, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="10", cost="5")
    new_date = timezone.localdate() - timedelta(days=3)

    with pytest.raises(Forbidden):
        services.opportunity_change_sale_date(actor=salesperson, opportunity_id=deal.pk, sale_date=new_date)
    services.opportunity_change_sale_date(actor=manager, opportunity_id=deal.pk, sale_date=new_date)

    deal.refresh_from_db()
    assert deal.sale_date == new_date
    event = timeline_for(deal).first()
    assert event.verb == "opportunity_sale_date_changed" and event.data["to"] == new_date.isoformat()


def test_status_changes_land_in_the_customer_timeline_too(salesperson, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="suspended")

    assert timeline_for(deal.customer).first().data["number"] == deal.number


def _close(deal, status, *, days_ago=1, amount="100", cost="60", excluded=False):
    """Put a deal in a closed state at a known time (the history of a real dealership)."""
    closed = timezone.now() - timedelta(days=days_ago)
    Opportunity.objects.filter(pk=deal.pk).update(
        status=status, closed_at=closed if status in ("won", "lost") else None, amount=Decimal(amount),
        cost=Decimal(cost), excluded=excluded, created_at=closed - timedelta(days=10),
        lost_reason_id=1 if status == "lost" else None,
    )


def test_conversion_is_won_over_closed_with_open_and_excluded_left_out(manager, salesperson, pipeline):
    customer = make_customer(salesperson)
    deals = [make_opportunity(salesperson, customer, pipeline) for _ in range(7)]
    _close(deals[0], "won", amount="30000", cost="25000")
    _close(deals[1], "won", amount="10000", cost="9000")
    _close(deals[2], "lost")
    _close(deals[3], "lost")
    _close(deals[4], "won", excluded=True)
    _close(deals[5], "suspended")
    today = timezone.localdate()

    result = selectors.conversion_compute(actor=manager, date_from=today - timedelta(days=30), date_to=today,
                                          by="salesperson")

    overall = result["overall"]
    assert (overall["won"], overall["lost"], overall["open"], overall["suspended"]) == (2, 2, 1, 1)
    assert overall["conversion_pct"] == Decimal("50.00")
    assert overall["won_amount"] == Decimal("40000.00") and overall["avg_deal_size"] == Decimal("20000.00")
    assert overall["margin"] == Decimal("6000.00") and overall["avg_days_to_close"] == Decimal("10.0")
    assert [g["key"] for g in result["groups"]] == [salesperson.pk]


def test_two_won_of_two_thousand_closed_is_a_tenth_of_a_percent(manager, salesperson, pipeline):
    customer = make_customer(salesperson)
    deal = make_opportunity(salesperson, customer, pipeline)
    closed = timezone.now() - timedelta(days=1)
    Opportunity.objects.filter(pk=deal.pk).update(status="lost", closed_at=closed, lost_reason_id=1)
    template = Opportunity.objects.get(pk=deal.pk)
    clones = []
    for i in range(1999):
        template.pk, template.number = None, f"VN-X-{i:05d}"
        template.status, template.lost_reason_id = ("won", None) if i < 2 else ("lost", 1)
        template.amount = template.cost = Decimal("1")
        clones.append(Opportunity(**{f.attname: getattr(template, f.attname) for f in Opportunity._meta.concrete_fields}))
    Opportunity.objects.bulk_create(clones)
    today = timezone.localdate()

    overall = selectors.conversion_compute(actor=manager, date_from=today - timedelta(days=7), date_to=today,
                                           by="salesperson")["overall"]

    assert (overall["won"], overall["won"] + overall["lost"]) == (2, 2000)
    assert overall["conversion_pct"] == Decimal("0.10")


def test_conversion_rounds_half_up_from_integer_cents_and_microseconds_and_orders_groups_by_key(
        manager, salesperson, pipeline, django_assert_num_queries):
    # given (issue 25: cents and durations summed as integers in SQL, no ORDER BY on the grouped statement):
    # three won deals of 10.00, 10.00 and 10.01 (average 10.0033 → 10.00), costs of 7.555 each rounded by
    # the column, closed after 1 day 2:24 (1.1 days), 1 day and 1 day 0:00:00.000001 → 1.0333 → 1.0; five
    # lost (3 of 8 = 37.5 %); one won by nobody, closed after exactly 1.05 days (half-up: 1.1)
    other = UserFactory(role="salesperson", first_name="Zoé", last_name="Zorro")
    customer = make_customer(salesperson)
    now = timezone.now().replace(microsecond=0) - timedelta(days=1)
    plan = [(salesperson, "won", "10.00", timedelta(days=1, hours=2, minutes=24)),
            (salesperson, "won", "10.00", timedelta(days=1)),
            (salesperson, "won", "10.01", timedelta(days=1, microseconds=1)),
            *[(salesperson, "lost", "5.00", timedelta(days=2))] * 5,
            (other, "won", "0.05", timedelta(days=1, hours=1, minutes=12)),
            (None, "won", "3.33", timedelta(days=1, hours=1, minutes=12))]
    for owner, status, amount, duration in plan:
        deal = make_opportunity(manager, customer, pipeline)
        Opportunity.objects.filter(pk=deal.pk).update(
            status=status, amount=Decimal(amount), cost=Decimal("7.56"), salesperson=owner,
            lost_reason_id=1 if status == "lost" else None, created_at=now - duration, closed_at=now)
    today = timezone.localdate()

    # when
    with django_assert_num_queries(1):
        result = selectors.conversion_compute(actor=manager, date_from=today - timedelta(days=7), date_to=today,
                                              by="salesperson")

    # then
    first, second, nobody = (result["groups"] if connection.vendor == "postgresql"
                             else result["groups"][1:] + result["groups"][:1])
    assert (first["key"], second["key"], nobody["key"]) == tuple(sorted([salesperson.pk, other.pk])) + (None,)
    mine = first if first["key"] == salesperson.pk else second
    assert (mine["won"], mine["lost"], str(mine["conversion_pct"])) == (3, 5, "37.50")
    assert (str(mine["won_amount"]), str(mine["avg_deal_size"]), str(mine["margin"])) == ("30.01", "10.00", "7.33")
    assert str(mine["avg_days_to_close"]) == "1.0"  # (1.1 + 1 + 1.0000…) / 3 = 1.0333…
    assert str(nobody["avg_days_to_close"]) == "1.1" and nobody["label"] is None  # exactly 1.05: half-up
    overall = result["overall"]
    assert (overall["won"], overall["lost"], str(overall["conversion_pct"])) == (5, 5, "50.00")
    assert (str(overall["won_amount"]), str(overall["avg_deal_size"])) == ("33.39", "6.68")  # 6.678 → 6.68
    assert str(overall["margin"]) == "-4.41" and str(overall["avg_days_to_close"]) == "1.0"  # 5.2000… / 5


def test_a_period_with_nothing_closed_has_a_null_rate(manager):
    overall = selectors.conversion_compute(actor=manager, date_from=date(2020, 1, 1), date_to=date(2020, 1, 31),
                                           by="salesperson")["overall"]

    assert overall["conversion_pct"] is None and overall["won"] == overall["lost"] == 0


@pytest.mark.parametrize("by", ["manager", "location", "source", "media", "product", "month"])
def test_conversion_groups_by_every_dimension(manager, salesperson, pipeline, by):
    salesperson.manager = manager
    salesperson.save()
    customer = make_customer(salesperson)
    won = make_opportunity(salesperson, customer, pipeline, product="Sea-Doo GTI", source="Salon",
                           location=salesperson.location_id)
    _close(won, "won")
    today = timezone.localdate()

    result = selectors.conversion_compute(actor=manager, date_from=today - timedelta(days=7), date_to=today, by=by)

    assert len(result["groups"]) == 1 and result["groups"][0]["won"] == 1
    assert result["groups"][0]["label"]


def test_the_funnel_counts_who_reached_each_stage_and_the_next(manager, salesperson, pipeline):
    customer = make_customer(salesperson)
    stages = list(pipeline.stages.order_by("order"))
    deals = [make_opportunity(salesperson, customer, pipeline) for _ in range(4)]
    for deal, furthest in zip(deals, (0, 1, 1, 2)):
        for stage in stages[1:furthest + 1]:
            services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=stage.pk)
    today = timezone.localdate()

    groups = selectors.conversion_compute(actor=manager, date_from=today, date_to=today, by="stage")["groups"]

    assert [(g["reached"], g["reached_next"]) for g in groups] == [(4, 3), (3, 1), (1, 0), (0, 0)]
    assert groups[0]["conversion_pct"] == Decimal("75.00")


def test_a_salesperson_sees_only_their_own_conversion(salesperson, pipeline):
    other = UserFactory()
    _close(make_opportunity(other, make_customer(other), pipeline), "won")
    _close(make_opportunity(salesperson, make_customer(salesperson), pipeline), "lost")
    today = timezone.localdate()

    overall = selectors.conversion_compute(actor=salesperson, date_from=today - timedelta(days=7), date_to=today,
                                           by="salesperson")["overall"]

    assert (overall["won"], overall["lost"]) == (0, 1)


def test_planning_scales_the_measured_ratios_to_the_target(manager, salesperson, admin):
    # given: the article's example, 50 first contacts of which 5 became sales
    pipeline = make_pipeline(admin, name="Appels", prefix="AP", stages=("Appel", "Rendez-vous"))
    customer = make_customer(salesperson)
    rendezvous = pipeline.stages.get(name="Rendez-vous")
    deals = [make_opportunity(salesperson, customer, pipeline) for _ in range(50)]
    for deal in deals[:20]:
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, stage=rendezvous.pk)
    Opportunity.objects.filter(pk__in=[d.pk for d in deals[:5]]).update(status="won")

    # when
    plan = selectors.plan_compute(actor=manager, target_sales=25, pipeline=pipeline, by="salesperson")

    # then: 25 sales need 250 calls and 100 appointments
    assert [(s["label"], s["measured"], s["needed"]) for s in plan["steps"]] == [
        ("Appel", 50, 250), ("Rendez-vous", 20, 100), ("Ventes", 5, 25)]
    assert plan["groups"][0]["key"] == salesperson.pk and plan["groups"][0]["steps"][0]["needed"] == 250


def test_planning_without_a_sale_cannot_say_what_is_needed(manager, salesperson, pipeline):
    make_opportunity(salesperson, make_customer(salesperson), pipeline)

    plan = selectors.plan_compute(actor=manager, target_sales=10, pipeline=pipeline)

    assert plan["steps"][0]["measured"] == 1 and plan["steps"][0]["needed"] is None


def test_the_last_stage_leads_to_every_sale_even_one_won_from_an_earlier_stage(manager, salesperson, pipeline):
    customer = make_customer(salesperson)
    early_win = make_opportunity(salesperson, customer, pipeline)
    services.opportunity_change_status(actor=salesperson, opportunity_id=early_win.pk, status="won",
                                       amount="10", cost="5")
    today = timezone.localdate()

    groups = selectors.conversion_compute(actor=manager, date_from=today, date_to=today, by="stage")["groups"]

    assert (groups[-1]["reached"], groups[-1]["reached_next"]) == (1, 1)


def test_the_funnel_gives_the_same_overall_rate_as_every_other_dimension(manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    Opportunity.objects.filter(pk=deal.pk).update(created_at=timezone.now() - timedelta(days=40))
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="lost", lost_reason="Prix")
    today = timezone.localdate()

    funnel = selectors.conversion_compute(actor=manager, date_from=today, date_to=today, by="stage")["overall"]
    by_person = selectors.conversion_compute(actor=manager, date_from=today, date_to=today,
                                             by="salesperson")["overall"]

    assert funnel == by_person and funnel["lost"] == 1


def test_a_salesperson_cannot_add_a_colleague_to_a_deal_or_hand_it_over(salesperson, manager, pipeline):
    colleague = UserFactory()
    mine = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=mine.pk, assignees=[colleague.pk])
    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=mine.pk, salesperson=colleague.pk)
    services.opportunity_update(actor=manager, opportunity_id=mine.pk, assignees=[colleague.pk])

    assert list(mine.assignees.values_list("pk", flat=True)) == [colleague.pk]


def test_an_assignee_cannot_take_over_the_deal(salesperson, manager, pipeline):
    deal = make_opportunity(manager, make_customer(manager), pipeline, assignees=[salesperson.pk])

    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, salesperson=salesperson.pk)

    deal.refresh_from_db()
    assert deal.salesperson == manager


def test_only_a_manager_excludes_a_deal_or_changes_a_closed_deals_figures(salesperson, manager, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="100",
                                       cost="60")

    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, excluded=True)
    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, amount="1")
    services.opportunity_update(actor=manager, opportunity_id=deal.pk, excluded=True)

    deal.refresh_from_db()
    assert deal.excluded and deal.amount == Decimal("100.00")


def test_a_refused_sale_date_undoes_the_rest_of_the_same_change(salesperson, deal):
    services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="1", cost="1")

    with pytest.raises(Forbidden):
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, product="Changé",
                                    sale_date=timezone.localdate())

    deal.refresh_from_db()
    assert deal.product == "" and deal.version == 2


def test_a_salesperson_without_a_department_must_name_a_salesperson(admin, pipeline):
    loner = UserFactory(department=None)

    with pytest.raises(ApplicationError) as refused:
        make_opportunity(loner, make_customer(loner), pipeline)

    assert refused.value.field == "salesperson" and not Opportunity.objects.exists()


@pytest.mark.parametrize("amount", ["abc", "NaN", "1e20", "-5"])
def test_an_unreadable_or_negative_amount_is_refused(salesperson, deal, amount):
    with pytest.raises(ApplicationError) as refused:
        services.opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount=amount,
                                           cost="1")

    deal.refresh_from_db()
    assert refused.value.field == "amount" and deal.status == "open"


def test_the_period_of_a_conversion_must_be_sane(manager):
    with pytest.raises(ApplicationError):
        selectors.conversion_compute(actor=manager, date_from=date(1, 1, 3), date_to=date(2026, 1, 1),
                                     by="salesperson")
    with pytest.raises(ApplicationError):
        selectors.conversion_compute(actor=manager, date_from=date(2026, 1, 1), date_to=date(9999, 12, 31),
                                     by="salesperson")
