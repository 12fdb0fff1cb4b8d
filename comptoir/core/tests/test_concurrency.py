"""Concurrency on PostgreSQL: threads, each with its own connection, as many web processes would be.
No edit is silently lost, merges and status changes keep their invariants."""

import threading

import pytest
from django.db import connection, connections

from comptoir.conftest import ApiClient, issue_token
from comptoir.customers.models import Customer
from comptoir.customers.services import customer_merge
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.models import TimelineEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _together(count: int, work) -> list:
    """Run work(i) in `count` threads released at once; answers their results (or exceptions)."""
    start, results = threading.Barrier(count), [None] * count

    def run(i):
        start.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test asserts on what each one met
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_concurrent_updates_of_one_opportunity_lose_none_silently(admin, salesperson):
    deal = make_opportunity(salesperson, make_customer(salesperson), make_pipeline(admin))
    token = issue_token(salesperson)

    def update(i):
        response = ApiClient(token).patch(f"/opportunities/{deal.pk}", {"product": f"Modèle {i}", "version": 1})
        return response.status_code, response.json()

    results = _together(50, update)

    codes = sorted(code for code, _body in results)
    assert codes == [200] + [409] * 49
    [winner] = [body for code, body in results if code == 200]
    deal.refresh_from_db()
    assert (deal.product, deal.version) == (winner["product"], 2)
    assert all(body["detail"] for code, body in results if code == 409)


def test_twenty_concurrent_merges_into_one_customer_move_everything_and_lose_nothing(admin, salesperson):
    pipeline = make_pipeline(admin)
    survivor = make_customer(salesperson, last_name="Gardée")
    others = [make_customer(salesperson, last_name=f"Double{i}") for i in range(20)]
    deals = [make_opportunity(salesperson, other, pipeline) for other in others]

    results = _together(20, lambda i: customer_merge(actor=admin, customer_id=survivor.pk, other_id=others[i].pk))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert survivor.opportunities.count() == 20 and {d.pk for d in survivor.opportunities.all()} == {d.pk for d in deals}
    assert Customer.objects.filter(merged_into=survivor).count() == 20
    survivor.refresh_from_db()
    assert survivor.version == 21  # each merge saw the one before it


def test_two_records_merged_into_each_other_at_once_never_make_a_cycle(admin, salesperson):
    first, second = make_customer(salesperson, last_name="Un"), make_customer(salesperson, last_name="Deux")
    pairs = [(first.pk, second.pk), (second.pk, first.pk)] * 5

    results = _together(10, lambda i: customer_merge(actor=admin, customer_id=pairs[i][0], other_id=pairs[i][1]))

    assert sum(not isinstance(r, Exception) for r in results) == 1
    live = Customer.objects.filter(pk__in=[first.pk, second.pk], merged_into__isnull=True)
    assert live.count() == 1
    assert Customer.objects.get(merged_into__isnull=False, pk__in=[first.pk, second.pk]).merged_into_id == live.get().pk


def test_twenty_concurrent_status_changes_each_start_from_the_status_they_saw(admin, manager, salesperson):
    from comptoir.core.models import LostReason
    from comptoir.sales.services import opportunity_change_status

    deal = make_opportunity(salesperson, make_customer(salesperson), make_pipeline(admin))
    reason = LostReason.objects.first().pk
    moves = [("suspended", None), ("lost", reason)] * 10

    results = _together(20, lambda i: opportunity_change_status(actor=manager, opportunity_id=deal.pk,
                                                                status=moves[i][0], lost_reason=moves[i][1]))

    applied = [r for r in results if not isinstance(r, Exception)]
    events = list(TimelineEvent.objects.filter(verb="opportunity_status_changed", subject_id=deal.pk)
                  .order_by("pk").values_list("data", flat=True))
    assert len(events) == len(applied) >= 1
    # The changes form one chain: each starts where the previous one ended.
    assert events[0]["from"] == "open"
    assert all(a["to"] == b["from"] for a, b in zip(events, events[1:]))
    deal.refresh_from_db()
    assert deal.status == events[-1]["to"] and deal.version == 1 + len(applied)
