"""Reads: the day's list at a constant number of queries, and the showroom conversion figure, checked
against a count by hand."""

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.exceptions import ApplicationError
from comptoir.core.figures import PERIOD_BACKWARDS
from comptoir.sales.models import Opportunity
from comptoir.sales.services import opportunity_change_status
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.walkins.selectors import showroom_conversion, walk_in_list
from comptoir.walkins.services import walk_in_update
from comptoir.walkins.tests.factories import make_walk_in

pytestmark = pytest.mark.django_db


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _deal(actor, customer, pipeline, opened_at, *, won=False, excluded=False):
    deal = make_opportunity(actor, customer, pipeline)
    if won:
        opportunity_change_status(actor=actor, opportunity_id=deal.pk, status="won", amount="1000", cost="800")
    Opportunity.objects.filter(pk=deal.pk).update(created_at=opened_at, excluded=excluded)
    return deal


@pytest.mark.parametrize("visits", [1, 6])
def test_the_days_list_costs_the_same_queries_whatever_its_size(visits, reception, admin, make_api,
                                                                 django_assert_num_queries):
    pipeline = make_pipeline(admin)
    for index in range(visits):
        salesperson = UserFactory()
        visit = make_walk_in(reception, salesperson=salesperson)
        make_opportunity(reception, visit.customer, pipeline, salesperson=salesperson.pk)
        if index % 2:
            walk_in_update(actor=reception, walk_in_id=visit.pk, notes="Revient")
    api = make_api(reception)
    api.get("/me")  # the token's first use is written down once, and the token kept in the cache

    with django_assert_num_queries(1):
        rows = [(v.customer.display_name, v.salesperson.display_name, v.came_out_number)
                for v in walk_in_list(actor=reception)]
    with django_assert_num_queries(2):  # count, page (the token read from the cache)
        answer = api.get("/walk-ins")

    assert len(rows) == visits and all(number for _c, _s, number in rows)
    assert answer.status_code == 200 and answer.json()["count"] == visits


@pytest.fixture
def showroom(reception, admin):
    """Three days of walk-ins for two salespeople, and what came out of each (the hand count):

    day 1  anna  10h  deal at 11h the same day, later won     → opportunity, won
    day 1  anna  14h  deal at 13h, before the visit            → nothing
    day 1  bob   15h  nothing
    day 2  bob   09h  deal the next day, linked by hand         → opportunity
    day 2  bob   10h  excluded deal at 12h                      → nothing
    day 2  anna  16h  deal at 17h the same day                  → opportunity
    day 3  anna  10h  outside the period asked
    """
    pipeline = make_pipeline(admin)
    anna, bob = UserFactory(first_name="Anna", last_name="Aubé"), UserFactory(first_name="Bob", last_name="Bédard")
    today = timezone.localdate()
    day1, day2, day3 = today - timedelta(days=5), today - timedelta(days=4), today - timedelta(days=3)

    def visit(person, day, hour):
        return make_walk_in(reception, salesperson=person, visited_at=_at(day, hour))

    v = visit(anna, day1, 10)
    _deal(admin, v.customer, pipeline, _at(day1, 11), won=True)
    v = visit(anna, day1, 14)
    _deal(admin, v.customer, pipeline, _at(day1, 13))
    visit(bob, day1, 15)
    v = visit(bob, day2, 9)
    linked = _deal(admin, v.customer, pipeline, _at(day3, 9))
    walk_in_update(actor=reception, walk_in_id=v.pk, opportunity=linked.pk)
    v = visit(bob, day2, 10)
    _deal(admin, v.customer, pipeline, _at(day2, 12), excluded=True)
    v = visit(anna, day2, 16)
    _deal(admin, v.customer, pipeline, _at(day2, 17))
    v = visit(anna, day3, 10)
    _deal(admin, v.customer, pipeline, _at(day3, 11), won=True)
    return {"anna": anna, "bob": bob, "from": day1, "to": day2}


def test_the_showroom_conversion_equals_the_hand_count(showroom, reception):
    result = showroom_conversion(actor=reception, date_from=showroom["from"], date_to=showroom["to"],
                                 by="salesperson")

    anna, bob = showroom["anna"], showroom["bob"]
    assert result["overall"] == {"visits": 6, "with_opportunity": 3, "won": 1, "conversion_pct": Decimal("50.00"),
                                 "won_pct": Decimal("16.67")}
    assert result["groups"] == [
        {"key": anna.pk, "label": "Anna Aubé", "visits": 3, "with_opportunity": 2, "won": 1,
         "conversion_pct": Decimal("66.67"), "won_pct": Decimal("33.33")},
        {"key": bob.pk, "label": "Bob Bédard", "visits": 3, "with_opportunity": 1, "won": 0,
         "conversion_pct": Decimal("33.33"), "won_pct": Decimal("0.00")},
    ]


def test_the_figure_equals_the_outcomes_the_days_lists_show(showroom, reception):
    """The same rule on the list (each visit) and in the figure (the aggregation)."""
    days = [showroom["from"] + timedelta(days=n) for n in range((showroom["to"] - showroom["from"]).days + 1)]
    visits = [visit for day in days for visit in walk_in_list(actor=reception, day=day)]

    overall = showroom_conversion(actor=reception, date_from=showroom["from"], date_to=showroom["to"])["overall"]

    assert overall["visits"] == len(visits)
    assert overall["with_opportunity"] == sum(1 for visit in visits if visit.came_out_id)
    assert overall["won"] == sum(1 for visit in visits if visit.came_out_status == "won")


def test_the_figure_is_one_sql_statement(showroom, reception, django_assert_num_queries):
    with django_assert_num_queries(1):
        showroom_conversion(actor=reception, date_from=showroom["from"], date_to=showroom["to"], by="salesperson")
    with django_assert_num_queries(1):
        showroom_conversion(actor=reception, date_from=showroom["from"], date_to=showroom["to"])


def test_a_salesperson_counts_only_the_walk_ins_they_served(showroom):
    result = showroom_conversion(actor=showroom["bob"], date_from=showroom["from"], date_to=showroom["to"],
                                 by="salesperson")

    assert [group["key"] for group in result["groups"]] == [showroom["bob"].pk]
    assert (result["overall"]["visits"], result["overall"]["with_opportunity"]) == (3, 1)


def test_without_visits_the_rate_is_null_and_a_backwards_period_is_refused(reception):
    today = timezone.localdate()

    empty = showroom_conversion(actor=reception, date_from=today, date_to=today)
    with pytest.raises(ApplicationError) as refused:
        showroom_conversion(actor=reception, date_from=today, date_to=today - timedelta(days=1))

    assert empty["overall"] == {"visits": 0, "with_opportunity": 0, "won": 0, "conversion_pct": None,
                                "won_pct": None}
    assert refused.value.message == PERIOD_BACKWARDS


def test_the_api_gives_the_figure_and_the_same_as_csv(showroom, make_api, manager):
    api = make_api(manager)
    period = {"from": showroom["from"].isoformat(), "to": showroom["to"].isoformat(), "by": "salesperson"}

    answer = api.get("/analytics/showroom", period)
    exported = api.get("/analytics/showroom", {**period, "format": "csv"})
    backwards = api.get("/analytics/showroom", {"from": period["to"], "to": period["from"]})

    assert answer.status_code == 200
    body = answer.json()
    assert (body["from"], body["to"], body["by"]) == (period["from"], period["to"], "salesperson")
    assert body["overall"] == {"visits": 6, "with_opportunity": 3, "won": 1, "conversion_pct": 50.0,
                               "won_pct": 16.67}
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # in the caller's language: French
    assert [row["Vendeur"] for row in rows] == ["Total", showroom["anna"].display_name, showroom["bob"].display_name]
    assert (rows[0]["Visites"], rows[0]["Avec opportunité"], rows[0]["Conversion (%)"]) == ("6", "3", "50,00")
    # Every rate is recomputed from the counts of its own line.
    assert all(round(int(r["Avec opportunité"]) * 100 / int(r["Visites"]), 2)
               == float(r["Conversion (%)"].replace(",", ".")) for r in rows)
    assert backwards.status_code == 422
