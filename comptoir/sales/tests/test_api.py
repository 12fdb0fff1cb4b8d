import csv
import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.models import Competitor
from comptoir.customers.services import customer_merge
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.services import opportunity_create
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


def test_admin_creates_a_pipeline_with_stages_inline(admin_api):
    response = admin_api.post("/pipelines", {"name": "Motoneiges", "prefix": "mn", "requires_quote": False,
                                             "stages": ["Nouveau", "Essai", "Cotation"]})

    assert response.status_code == 201
    body = response.json()
    assert body["prefix"] == "MN" and [s["name"] for s in body["stages"]] == ["Nouveau", "Essai", "Cotation"]
    assert [s["order"] for s in body["stages"]] == [1, 2, 3]


def test_a_salesperson_cannot_create_a_pipeline(salesperson_api):
    response = salesperson_api.post("/pipelines", {"name": "X", "prefix": "X", "stages": ["A"]})

    assert response.status_code == 403


def test_creating_an_opportunity_answers_its_number(salesperson_api, salesperson, pipeline):
    customer = make_customer(salesperson)

    response = salesperson_api.post("/opportunities", {"customer": customer.pk, "pipeline": pipeline.pk,
                                                       "amount": "18999.50", "product": "Can-Am Outlander"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("VN-") and body["amount"] == "18999.50" and body["currency"] == "CAD"
    assert body["salesperson"] == salesperson.pk and body["stage_name"] == "Nouveau"


def test_status_endpoint_applies_the_rules(salesperson_api, manager, make_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    lost_without_reason = salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "lost"})
    won = salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "won", "amount": "10", "cost": "4"})
    reopen_by_salesperson = salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "open"})
    reopen_by_manager = make_api(manager).post(f"/opportunities/{deal.pk}/status", {"status": "open"})

    assert lost_without_reason.status_code == 422
    assert lost_without_reason.json()["errors"][0]["field"] == "lost_reason"
    assert won.status_code == 200 and won.json()["status"] == "won"
    assert reopen_by_salesperson.status_code == 403 and reopen_by_salesperson.json()["detail"]
    assert reopen_by_manager.status_code == 200 and reopen_by_manager.json()["status"] == "open"


def test_status_cannot_be_changed_by_patch(salesperson_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    salesperson_api.patch(f"/opportunities/{deal.pk}", {"status": "won"})

    deal.refresh_from_db()
    assert deal.status == "open"


def test_another_salespersons_deal_answers_404(salesperson_api, pipeline):
    other = UserFactory()
    deal = make_opportunity(other, make_customer(other), pipeline)

    assert salesperson_api.get(f"/opportunities/{deal.pk}").status_code == 404
    assert salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "suspended"}).status_code == 404


def test_only_a_manager_patches_the_sale_date(salesperson_api, manager, make_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "won", "amount": "10", "cost": "4"})
    day = (timezone.localdate() - timedelta(days=2)).isoformat()

    refused = salesperson_api.patch(f"/opportunities/{deal.pk}", {"sale_date": day})
    accepted = make_api(manager).patch(f"/opportunities/{deal.pk}", {"sale_date": day})

    assert refused.status_code == 403
    assert accepted.status_code == 200 and accepted.json()["sale_date"] == day


def test_listing_opportunities_costs_the_same_queries_whatever_the_page_size(manager, make_api, pipeline):
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    api = make_api(manager)
    customer = make_customer(manager)
    Competitor.objects.create(name="Concurrent A")
    for _ in range(10):
        make_opportunity(manager, customer, pipeline, assignees=[manager.pk], competitors=["Concurrent A"],
                         contacts=[{"name": "Conjointe"}])
    cache.clear()  # nothing remembered yet: the token and the lists are read once
    with CaptureQueriesContext(connection) as cold_queries:
        api.get("/opportunities", {"limit": 1})

    with CaptureQueriesContext(connection) as small_queries:
        small = api.get("/opportunities", {"limit": 2})
    with CaptureQueriesContext(connection) as large_queries:
        large = api.get("/opportunities", {"limit": 10, "status": "open"})
    with CaptureQueriesContext(connection) as deep_queries:
        deep = api.get("/opportunities", {"limit": 3, "offset": 8, "pipeline": pipeline.pk})

    assert len(small.json()["items"]) == 2 and len(large.json()["items"]) == 10 and len(deep.json()["items"]) == 2
    assert small.json()["count"] == large.json()["count"] == deep.json()["count"] == 10  # exact, filtered or not
    # Issue 25: count, page, assignees with competitors, contacts; the token and the lists' names from the cache.
    assert len(small_queries) == len(large_queries) == len(deep_queries) == 4
    assert len(cold_queries) <= 5 + 3  # + the token, the competitors' and lost reasons' lists, read once


def test_pages_past_the_middle_are_the_same_pages_read_from_the_other_end(manager, make_api, pipeline, monkeypatch,
                                                                       django_assert_num_queries):
    from comptoir.sales.selectors.opportunities import OpportunityPage

    api = make_api(manager)
    customer = make_customer(manager)
    deals = [make_opportunity(manager, customer, pipeline).pk for _ in range(12)]
    Opportunity.objects.filter(pk__in=deals[:4]).update(created_at=timezone.now() - timedelta(days=3))  # ties
    expected = list(Opportunity.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    api.get("/opportunities", {"limit": 1})

    def page(offset, limit):
        return [item["id"] for item in api.get("/opportunities", {"limit": limit, "offset": offset}).json()["items"]]

    forwards = {(offset, limit): page(offset, limit) for offset in range(13) for limit in (1, 3, 5)}
    monkeypatch.setattr(OpportunityPage, "DEEP", 0)  # every page past the middle from the other end
    with django_assert_num_queries(4):
        page(9, 5)
    for (offset, limit), ids in forwards.items():
        assert page(offset, limit) == ids == expected[offset:offset + limit]


def test_a_listed_deal_is_the_deal_as_its_card_shows_it(manager, admin, make_api, pipeline):
    # given: a lost deal with two assignees, two competitors and contacts, among others
    api = make_api(manager)
    customer = make_customer(manager)
    Competitor.objects.create(name="Zèbre Sports", position=1)
    Competitor.objects.create(name="Alpha Marine", position=2)
    second = UserFactory(role="salesperson", first_name="Aa", last_name="Zz")
    first = UserFactory(role="salesperson", first_name="Bb", last_name="Aa")
    deal = make_opportunity(manager, customer, pipeline, assignees=[second.pk, first.pk],
                            competitors=["Zèbre Sports", "Alpha Marine"],
                            contacts=[{"name": "Conjointe", "role": "co-acheteuse"}, {"name": "Fils"}])
    make_opportunity(manager, customer, pipeline)
    api.post(f"/opportunities/{deal.pk}/status", {"status": "lost", "lost_reason": "Prix"})

    # when
    listed = [item for item in api.get("/opportunities", {"customer": customer.pk}).json()["items"]
              if item["id"] == deal.pk][0]
    card = api.get(f"/opportunities/{deal.pk}").json()

    # then
    assert listed == card
    assert listed["assignees"] == [first.pk, second.pk]  # by last name
    assert [c["name"] for c in listed["contacts"]] == ["Conjointe", "Fils"]
    assert listed["competitors"] == list(Competitor.objects.order_by("position").values_list("pk", flat=True))
    assert listed["lost_reason_name"] == "Prix"
    assert listed["customer_name"] == customer.display_name and listed["stage_name"]
    assert listed["status"] == "lost" and listed["amount_locked"] is False and listed["stage_since"]


def test_merging_customers_moves_their_opportunities(manager, pipeline):
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")
    deal = make_opportunity(manager, other, pipeline)

    customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk)

    deal.refresh_from_db()
    assert deal.customer_id == keep.pk


def test_conversion_csv_recomputes_to_the_same_figures(manager, make_api, salesperson, pipeline):
    customer = make_customer(salesperson)
    closed = timezone.now() - timedelta(days=1)
    for i, status in enumerate(("won", "won", "lost", "won", "lost")):
        deal = make_opportunity(salesperson if i % 2 else manager, customer, pipeline)
        Opportunity.objects.filter(pk=deal.pk).update(status=status, closed_at=closed, amount=Decimal("1000.10"),
                                                      cost=Decimal("800"), lost_reason_id=1 if status == "lost" else None)
    api = make_api(manager)

    as_json = api.get("/analytics/conversion", {"by": "salesperson"}).json()
    as_csv = api.get("/analytics/conversion", {"by": "salesperson", "format": "csv"})

    # In the caller's language (API.md): French headers, « ; » and a decimal comma.
    text = b"".join(as_csv.streaming_content).decode("utf-8-sig").replace(",", ".")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert as_csv["Content-Type"].startswith("text/csv")
    assert rows[0]["Vendeur"] == "Total"
    for row, group in zip(rows[1:], as_json["groups"]):
        won, lost = int(row["Gagnées"]), int(row["Perdues"])
        assert Decimal(row["Conversion (%)"]) == (Decimal(won) * 100 / (won + lost)).quantize(Decimal("0.01"))
        assert Decimal(row["Conversion (%)"]) == Decimal(str(group["conversion_pct"])).quantize(Decimal("0.01"))
        assert Decimal(row["Montant gagné"]) == Decimal(group["won_amount"])
        assert Decimal(row["Vente moyenne"]) == (Decimal(row["Montant gagné"]) / won).quantize(Decimal("0.01"))
        assert Decimal(row["Marge"]) == Decimal(group["margin"])
    assert len(rows) == 1 + len(as_json["groups"])
    assert sum(int(r["Gagnées"]) for r in rows[1:]) == int(rows[0]["Gagnées"]) == as_json["overall"]["won"] == 3
    assert as_json["overall"]["conversion_pct"] == 60.0  # a number, as API.md says


def test_conversion_answers_the_contract_keys(manager, make_api):
    body = make_api(manager).get("/analytics/conversion", {"from": "2026-01-01", "to": "2026-03-31",
                                                           "by": "month"}).json()

    assert {"from", "to", "overall", "groups"} <= set(body)
    assert {"won", "lost", "open", "conversion_pct", "won_amount", "avg_days_to_close"} <= set(body["overall"])


def test_a_backwards_period_or_unknown_dimension_is_a_422(manager, make_api):
    api = make_api(manager)

    assert api.get("/analytics/conversion", {"from": "2026-03-01", "to": "2026-01-01"}).status_code == 422
    assert api.get("/analytics/conversion", {"by": "color"}).status_code == 422


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a server database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_creations_get_twenty_different_numbers(admin, salesperson):
    pipeline = make_pipeline(admin, prefix="CC")
    customer = make_customer(salesperson)
    numbers, errors = [], []

    def create():
        try:
            numbers.append(opportunity_create(actor=salesperson, customer=customer.pk, pipeline=pipeline.pk).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == len(set(numbers)) == 20
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 21))


def test_plan_answers_json_and_the_same_figures_as_csv(manager, make_api, salesperson, pipeline):
    deals = [make_opportunity(salesperson, make_customer(salesperson), pipeline) for _ in range(4)]
    Opportunity.objects.filter(pk=deals[0].pk).update(status="won")
    api = make_api(manager)

    body = api.get("/analytics/plan", {"target_sales": 3, "pipeline": pipeline.pk}).json()
    exported = api.get("/analytics/plan", {"target_sales": 3, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")), delimiter=";"))

    assert body["steps"][0] == {"key": pipeline.stages.first().pk, "label": "Nouveau", "measured": 4, "needed": 12}
    assert [int(r["Nécessaire"]) for r in rows if r["Vendeur"] == "Toute l'équipe"] == [
        s["needed"] for s in body["steps"]]



@pytest.mark.parametrize("payload", [{"pipeline": "²"}, {"source": True}, {"stage": "²"}])
def test_odd_values_on_create_are_a_4xx(salesperson_api, salesperson, pipeline, payload):
    customer = make_customer(salesperson)

    response = salesperson_api.post("/opportunities", {"customer": customer.pk, "pipeline": pipeline.pk, **payload})

    assert response.status_code in (404, 422)
    assert not Opportunity.objects.exists()


def test_a_null_stage_on_create_means_the_first_stage(salesperson_api, salesperson, pipeline):
    customer = make_customer(salesperson)

    response = salesperson_api.post("/opportunities", {"customer": customer.pk, "pipeline": pipeline.pk,
                                                       "stage": None})

    assert response.status_code == 201 and response.json()["stage_name"] == "Nouveau"


@pytest.mark.parametrize("params", [{"from": "0001-01-03"}, {"to": "9999-12-31"}])
def test_extreme_periods_are_a_422_naming_the_field(manager, make_api, params):
    response = make_api(manager).get("/analytics/conversion", params)

    assert response.status_code == 422


def test_csv_cells_that_would_be_formulas_are_quoted(manager, make_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="=HYPERLINK(\"x\")")
    Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=timezone.now(), amount=1, cost=1)

    exported = make_api(manager).get("/analytics/conversion", {"by": "product", "format": "csv"})
    body = b"".join(exported.streaming_content).decode("utf-8-sig")

    assert "'=HYPERLINK" in body


def test_a_boolean_is_not_a_lost_reason(salesperson_api, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    response = salesperson_api.post(f"/opportunities/{deal.pk}/status", {"status": "lost", "lost_reason": True})

    deal.refresh_from_db()
    assert response.status_code == 422 and deal.status == "open"
