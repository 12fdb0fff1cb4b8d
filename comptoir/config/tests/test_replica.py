"""`DATABASE_REPLICA_URL`: reports read from the replica, everything else from the primary.

The test settings name a replica with its own empty database, never fed: what the primary holds
is not there yet, as on a replica that lags. So a report that counts nothing read the replica, and the
primary saw none of its queries."""

from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.customers.selectors import email_ratio_compute
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.selectors import conversion_compute, plan_compute
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


def _report_figures(manager, pipeline):
    today = timezone.localdate()
    conversion = conversion_compute(actor=manager, date_from=today - timedelta(days=7), date_to=today,
                                    by="salesperson")
    funnel = conversion_compute(actor=manager, date_from=today, date_to=today, by="stage")
    plan = plan_compute(actor=manager, target_sales=5, pipeline=pipeline)
    ratio = email_ratio_compute(year=today.year, month=today.month)
    return (conversion["overall"]["won"], len(funnel["groups"]), plan["won"], ratio["overall"]["created"])


@pytest.mark.django_db(databases=["default", "replica"])
def test_reports_read_the_replica_when_one_is_named(manager, salesperson, admin, settings):
    settings.COMPTOIR_REPORTS_DATABASE = "replica"
    pipeline = make_pipeline(admin)
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=timezone.now())

    with CaptureQueriesContext(connection) as on_primary, \
            CaptureQueriesContext(connections["replica"]) as on_replica:
        figures = _report_figures(manager, pipeline)

    assert figures == (0, 0, 0, 0)  # the replica has not caught up with the primary yet
    assert len(on_replica) >= 5
    assert not [q for q in on_primary if "sales_opportunity" in q["sql"] or "customers_customer" in q["sql"]]


def test_reports_read_the_primary_without_a_replica(manager, salesperson, admin):
    pipeline = make_pipeline(admin)
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=timezone.now())

    assert _report_figures(manager, pipeline) == (1, len(pipeline.stages.all()), 1, 1)
