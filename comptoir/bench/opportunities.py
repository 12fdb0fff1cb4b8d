"""Conversion benchmark: 1 M generated opportunities, conversion by salesperson through the selector
(the API's path) side by side with the same aggregation written by hand in SQL."""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from comptoir.accounts.models import Department, Role, User
from comptoir.bench.customers import BATCH, _insert
from comptoir.core.models import LostReason
from comptoir.customers.models import Customer
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.core.figures import period_bounds
from comptoir.sales.selectors import conversion_compute
from comptoir.sales.services import pipeline_create

COLUMNS = ("number", "customer_id", "pipeline_id", "stage_id", "status", "amount", "cost", "currency",
           "salesperson_id", "product", "inventory_unit", "excluded", "lost_reason_id", "created_at", "closed_at",
           "version")
PRODUCTS = ["Sea-Doo GTI 130", "Ski-Doo MXZ", "Can-Am Outlander", "Lund 1875", "Jayco Jay Flight", "Spyder RT"]
SALESPEOPLE = 40


def _setup():
    admin = User.objects.filter(role=Role.ADMIN).first() or User.objects.create_superuser(
        "bench.admin", "bench@example.com", None)
    pipeline = Pipeline.objects.filter(prefix="BN").first() or pipeline_create(
        actor=admin, name="Banc d'essai", prefix="BN", requires_quote=False,
        stages=["Nouveau", "Essai", "Cotation", "Négociation"])
    sales = Department.objects.get(code="sales")
    password = make_password(None)
    for i in range(SALESPEOPLE - User.objects.filter(username__startswith="bench.sales").count()):
        User.objects.create(username=f"bench.sales{i:02d}-{random.random():.6f}", password=password,
                            first_name="Vendeur", last_name=f"{i:02d}", role=Role.SALESPERSON, department=sales)
    return pipeline, list(User.objects.filter(username__startswith="bench.sales").values_list("pk", flat=True))


def ensure_opportunities(target: int, log) -> int:
    existing = Opportunity.objects.count()
    if existing >= target:
        return existing
    pipeline, salespeople = _setup()
    stages = list(pipeline.stages.values_list("pk", flat=True))
    lost_reason = LostReason.objects.order_by("pk").values_list("pk", flat=True).first()
    top_customer = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng = random.Random(existing)
    now = timezone.now()
    started = time.perf_counter()
    while existing < target:
        size = min(BATCH, target - existing)
        rows = []
        for n in range(existing, existing + size):
            created = now - timedelta(days=rng.uniform(0, 730))
            status = rng.choices(["won", "lost", "open", "suspended"], weights=[30, 45, 20, 5])[0]
            closed = created + timedelta(days=rng.uniform(1, 90)) if status in ("won", "lost") else None
            if closed and closed > now:
                closed = now
            amount = Decimal(rng.randint(500, 90000))
            rows.append((f"BN-B-{n:08d}", rng.randint(1, top_customer), pipeline.pk, rng.choice(stages), status,
                         amount, (amount * Decimal("0.82")).quantize(Decimal("0.01")), "CAD",
                         rng.choice(salespeople), rng.choice(PRODUCTS), "", rng.random() < 0.02,
                         lost_reason if status == "lost" else None, created, closed, 1))
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, "sales_opportunity", COLUMNS, rows)
        existing += size
        if existing % 200_000 == 0 or existing == target:
            log(f"  {existing:>9,} opportunities ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sales_opportunity" if connection.vendor == "postgresql" else "ANALYZE")
    return existing


HAND_WRITTEN = """
SELECT o.salesperson_id,
       SUM(CASE WHEN o.status = 'won' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status = 'lost' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status = 'open' AND o.created_at < %(end)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status = 'won' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s THEN o.amount END),
       SUM(CASE WHEN o.status = 'won' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s THEN o.cost END)
FROM sales_opportunity o
WHERE NOT o.excluded
  AND ((o.status IN ('won', 'lost') AND o.closed_at >= %(start)s AND o.closed_at < %(end)s)
       OR (o.status = 'open' AND o.created_at < %(end)s))
GROUP BY o.salesperson_id
"""


def _time(function, runs: int = 5) -> float:
    function()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(*, target: int, log) -> list[dict]:
    total = ensure_opportunities(target, log)
    manager = User.objects.filter(role=Role.ADMIN).first()
    today = timezone.localdate()
    results = []
    for days in (90, 365):
        date_from = today - timedelta(days=days - 1)
        start, end = period_bounds(date_from, today)

        def through_selector():
            return conversion_compute(actor=manager, date_from=date_from, date_to=today, by="salesperson")

        def by_hand():
            adapt = connection.ops.adapt_datetimefield_value  # as the ORM stores them (UTC text on SQLite)
            with connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN, {"start": adapt(start), "end": adapt(end)})
                return cursor.fetchall()

        selector_rows = through_selector()
        hand_rows = by_hand()
        assert selector_rows["overall"]["won"] == sum(r[1] for r in hand_rows), "the two disagree"
        results.append({"database": connection.vendor, "opportunities": total, "period_days": days,
                        "selector_ms": _time(through_selector), "sql_ms": _time(by_hand)})
    return results
