"""The case card: expected decision, probability, competitors, contacts, and what comes next."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.activities.services import task_create
from comptoir.core.exceptions import ApplicationError
from comptoir.core.models import Competitor
from comptoir.customers.tests.factories import make_customer
from comptoir.sales import selectors, services
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


@pytest.fixture
def rivals(db):
    return (Competitor.objects.create(name="Marine Lévis", code="marine-levis"),
            Competitor.objects.create(name="Sports Ste-Foy", code="sports-ste-foy"))


def test_the_case_card_keeps_decision_probability_competitors_and_contacts(salesperson_api, salesperson,
                                                                          pipeline, rivals):
    customer = make_customer(salesperson)

    created = salesperson_api.post("/opportunities", {
        "customer": customer.pk, "pipeline": pipeline.pk, "expected_decision_date": "2026-12-15",
        "probability": 60, "competitors": ["Marine Lévis"], "competitor_note": "offre à 21 000 $",
        "contacts": [{"name": "Julie Roy", "role": "conjointe", "phone": "418 555-0101"}]})

    body = created.json()
    assert created.status_code == 201, body
    assert (body["expected_decision_date"], body["probability"], body["competitors"]) == (
        "2026-12-15", 60, [rivals[0].pk])
    assert body["contacts"] == [{"name": "Julie Roy", "role": "conjointe", "phone": "418 555-0101", "email": ""}]
    assert body["stage_since"] is not None


def test_a_probability_over_100_is_refused_and_changes_nothing(salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    with pytest.raises(ApplicationError) as refused:
        services.opportunity_update(actor=salesperson, opportunity_id=deal.pk, probability=140)

    deal.refresh_from_db()
    assert refused.value.field == "probability" and deal.probability is None


def test_an_unknown_competitor_is_refused(salesperson_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    response = salesperson_api.patch(f"/opportunities/{deal.pk}", {"competitors": ["Nulle part"]})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "competitors.0"


def test_the_list_filters_by_expected_decision_and_competitor(salesperson_api, salesperson, pipeline, rivals):
    soon = make_opportunity(salesperson, make_customer(salesperson), pipeline, expected_decision_date=date(2026, 12, 1),
                            competitors=[rivals[0].pk])
    make_opportunity(salesperson, make_customer(salesperson), pipeline, expected_decision_date=date(2027, 3, 1))

    by_date = salesperson_api.get("/opportunities", {"decision_from": "2026-11-01", "decision_to": "2026-12-31"})
    by_rival = salesperson_api.get("/opportunities", {"competitor": rivals[0].pk})

    assert [o["number"] for o in by_date.json()["items"]] == [soon.number]
    assert [o["number"] for o in by_rival.json()["items"]] == [soon.number]


def test_conversion_by_competitor_counts_a_deal_in_each_of_its_groups_and_once_in_the_total(
        manager, salesperson, pipeline, rivals):
    both = make_opportunity(salesperson, make_customer(salesperson), pipeline, competitors=[r.pk for r in rivals])
    alone = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    Opportunity.objects.filter(pk__in=[both.pk, alone.pk]).update(status="won", closed_at=timezone.now(),
                                                                  amount=Decimal("100"), cost=Decimal("80"))
    today = timezone.localdate()

    result = selectors.conversion_compute(actor=manager, date_from=today, date_to=today, by="competitor")

    by_key = {g["key"]: g["won"] for g in result["groups"]}
    assert by_key == {rivals[0].pk: 1, rivals[1].pk: 1, None: 1}
    assert result["overall"]["won"] == 2


def test_conversion_by_expected_decision_month(manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, expected_decision_date=date(2026, 12, 20))
    Opportunity.objects.filter(pk=deal.pk).update(status="lost", closed_at=timezone.now(), lost_reason_id=1)
    today = timezone.localdate()

    result = selectors.conversion_compute(actor=manager, date_from=today, date_to=today, by="decision_month")
    deals = selectors.conversion_deals(actor=manager, date_from=today, date_to=today, by="decision_month",
                                       outcome="lost", group="2026-12")

    assert [(g["key"], g["lost"]) for g in result["groups"]] == [("2026-12", 1)]
    assert list(deals) == [deal]


def test_the_card_says_what_comes_next(client, salesperson, pipeline, rivals):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    deal.stage_changes.update(changed_at=timezone.now() - timedelta(days=4))
    task_create(actor=salesperson, title="Rappeler Julie", due_at=timezone.now() + timedelta(days=1),
                opportunity=deal.pk)
    client.force_login(salesperson)

    response = client.get(f"/sales/opportunities/{deal.pk}/")

    assert response.context["days_in_stage"] == 4 and response.context["next_task"].title == "Rappeler Julie"
    assert "Rappeler Julie" in response.content.decode()


def test_the_card_saves_the_follow_up_in_one_post(client, salesperson, pipeline, rivals):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    client.post(f"/sales/opportunities/{deal.pk}/case/", {
        "version": deal.version, "expected_decision_date": "2026-12-15", "probability": "75",
        "competitors": [rivals[1].pk], "contacts": "Julie Roy ; conjointe ; 418 555-0101\nMarc Roy ; père"})

    deal.refresh_from_db()
    assert (deal.probability, deal.expected_decision_date) == (75, date(2026, 12, 15))
    assert list(deal.competitors.all()) == [rivals[1]]
    assert [(c.name, c.role) for c in deal.contacts.all()] == [("Julie Roy", "conjointe"), ("Marc Roy", "père")]
