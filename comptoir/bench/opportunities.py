"""Sales benchmark on generated data: users in proportion to the customers (20,000 for a million, a
manager for every ten salespeople, in eight locations), 1 M opportunities over three years with their
sources, media and locations, and tasks. Measured: conversion by every dimension through the selector
(the API's path) beside the same aggregation written by hand in SQL, the opportunity list page of 50
with filters, and the email ratio of a month."""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from comptoir import bulk
from comptoir.accounts.models import Department, Location, Role, User
from comptoir.activities.models import Task
from comptoir.bench.customers import BATCH, _percentile, api_floor, bench_admin
from comptoir.core.figures import period_bounds
from comptoir.core.models import LostReason, Media, Source, TaskType
from comptoir.customers.models import Customer
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.sales.selectors import conversion_compute
from comptoir.sales.services import pipeline_create

COLUMNS = ("number", "customer_id", "pipeline_id", "stage_id", "status", "amount", "cost", "currency",
           "salesperson_id", "product", "inventory_unit", "excluded", "lost_reason_id", "source_id", "media_id",
           "location_id", "created_at", "closed_at", "version", "external_id")
TASK_COLUMNS = ("type_id", "title", "assignee_id", "customer_id", "due_at", "done_at", "notes", "outcome",
                "version", "created_at", "updated_at")
USER_COLUMNS = ("password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                "is_active", "date_joined", "role", "department_id", "location_id", "manager_id", "photo",
                "time_zone", "signature", "version")
PRODUCTS = ["Sea-Doo GTI 130", "Ski-Doo MXZ", "Can-Am Outlander", "Lund 1875", "Jayco Jay Flight", "Spyder RT"]
CUSTOMERS_PER_USER = 50
TASKS_PER_CUSTOMER = 0.2
YEARS = 3
DIMENSIONS = ("salesperson", "manager", "location", "source", "media", "product", "competitor", "decision_month",
              "month")


def ensure_users(customers: int, log) -> list[int]:
    """Salespeople in proportion to the customers, each reporting to a manager, in eight locations."""
    wanted = max(40, customers // CUSTOMERS_PER_USER)
    have = User.objects.filter(username__startswith="bench.").count()
    if have < wanted:
        sales = Department.objects.get(code="sales")
        locations = [Location.objects.get_or_create(name=f"Succursale {n}")[0].pk for n in range(1, 9)]
        password, now, rng = make_password(None), timezone.now(), random.Random(have)
        managers = list(User.objects.filter(username__startswith="bench.manager").values_list("pk", flat=True))
        rows, n = [], have
        while n < wanted:
            role = Role.SALES_MANAGER if n % 10 == 0 or not managers else Role.SALESPERSON
            name = f"bench.{'manager' if role == Role.SALES_MANAGER else 'sales'}{n:06d}"
            rows.append((password, False, name, "Vendeur" if role == Role.SALESPERSON else "Directeur", f"{n:06d}",
                         f"{name}@example.com", False, True, now, role, sales.pk, rng.choice(locations),
                         rng.choice(managers) if role == Role.SALESPERSON else None, "", "America/Toronto", "", 1))
            n += 1
            if role == Role.SALES_MANAGER:
                with transaction.atomic():
                    bulk.insert_rows(User, USER_COLUMNS, rows)
                rows = []
                managers = list(User.objects.filter(username__startswith="bench.manager").values_list("pk", flat=True))
        with transaction.atomic():
            bulk.insert_rows(User, USER_COLUMNS, rows)
        log(f"  {wanted:,} users")
    return list(User.objects.filter(username__startswith="bench.sales").values_list("pk", flat=True))


def _setup():
    admin = bench_admin()
    pipeline = Pipeline.objects.filter(prefix="BN").first() or pipeline_create(
        actor=admin, name="Banc d'essai", prefix="BN", requires_quote=False,
        stages=["Nouveau", "Essai", "Cotation", "Négociation"])
    return pipeline


def ensure_opportunities(target: int, salespeople: list[int], log) -> int:
    existing = Opportunity.objects.count()
    if existing >= target:
        return existing
    pipeline = _setup()
    stages = list(pipeline.stages.values_list("pk", flat=True))
    lost_reason = LostReason.objects.order_by("pk").values_list("pk", flat=True).first()
    sources = list(Source.objects.values_list("pk", flat=True)) or [None]
    media = list(Media.objects.values_list("pk", flat=True)) or [None]
    location_of = dict(User.objects.filter(pk__in=salespeople).values_list("pk", "location_id"))
    top_customer = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng = random.Random(existing)
    now = timezone.now()
    started = time.perf_counter()
    while existing < target:
        size = min(BATCH, target - existing)
        rows = []
        for n in range(existing, existing + size):
            created = now - timedelta(days=rng.uniform(0, 365 * YEARS))
            status = rng.choices(["won", "lost", "open", "suspended"], weights=[30, 45, 20, 5])[0]
            closed = created + timedelta(days=rng.uniform(1, 90)) if status in ("won", "lost") else None
            if closed and closed > now:
                closed = now
            amount = Decimal(rng.randint(500, 90000))
            salesperson = rng.choice(salespeople)
            rows.append((f"BN-B-{n:08d}", rng.randint(1, top_customer), pipeline.pk, rng.choice(stages), status,
                         amount, (amount * Decimal("0.82")).quantize(Decimal("0.01")), "CAD", salesperson,
                         rng.choice(PRODUCTS), "", rng.random() < 0.02, lost_reason if status == "lost" else None,
                         rng.choice(sources), rng.choice(media), location_of[salesperson], created, closed, 1, ""))
        with transaction.atomic():
            bulk.insert_rows(Opportunity, COLUMNS, rows)
        existing += size
        if existing % 200_000 == 0 or existing == target:
            log(f"  {existing:>9,} opportunities ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return existing


def ensure_tasks(customers: int, salespeople: list[int], log) -> int:
    target, existing = int(customers * TASKS_PER_CUSTOMER), Task.objects.count()
    if existing >= target:
        return existing
    call = TaskType.objects.get(code="call").pk
    top_customer = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng, now = random.Random(existing), timezone.now()
    while existing < target:
        size = min(BATCH, target - existing)
        rows = []
        for _ in range(size):
            due = now + timedelta(days=rng.uniform(-60, 30))
            rows.append((call, "Rappeler", rng.choice(salespeople), rng.randint(1, top_customer), due,
                         due if due < now and rng.random() < 0.8 else None, "", "", 1, now, now))
        with transaction.atomic():
            bulk.insert_rows(Task, TASK_COLUMNS, rows)
        existing += size
    log(f"  {existing:,} tasks")
    return existing


def _hand_written(by: str) -> str:
    """The aggregation conversion_compute makes, as one would write it by hand, label joins included."""
    pg = connection.vendor == "postgresql"
    won = "o.status = 'won' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s"
    lost = "o.status = 'lost' AND o.closed_at >= %(start)s AND o.closed_at < %(end)s"
    days = "EXTRACT(EPOCH FROM o.closed_at - o.created_at) / 86400" if pg else \
        "julianday(o.closed_at) - julianday(o.created_at)"
    user = "LEFT JOIN accounts_user u ON u.id = o.salesperson_id"
    key, label, joins = {
        "salesperson": ("o.salesperson_id", "u.first_name || ' ' || u.last_name", user),
        "manager": ("u.manager_id", "m.first_name || ' ' || m.last_name",
                    f"{user} LEFT JOIN accounts_user m ON m.id = u.manager_id"),
        "location": ("o.location_id", "l.name", "LEFT JOIN accounts_location l ON l.id = o.location_id"),
        "source": ("o.source_id", "s.name", "LEFT JOIN core_source s ON s.id = o.source_id"),
        "media": ("o.media_id", "d.name", "LEFT JOIN core_media d ON d.id = o.media_id"),
        "product": ("o.product", "o.product", ""),
        "competitor": ("c.competitor_id", "k.name", "LEFT JOIN sales_opportunity_competitors c ON c.opportunity_id = o.id "
                       "LEFT JOIN core_competitor k ON k.id = c.competitor_id"),
        # Every deal once, no group: what the competitor dimension answers as its overall (a deal may sit in
        # several competitors' groups, so the groups do not add up to it).
        "overall": ("NULL", "NULL", ""),
        "decision_month": ("date_trunc('month', o.expected_decision_date)" if pg
                           else "strftime('%%Y-%%m', o.expected_decision_date)", "NULL", ""),
        # The same time zone conversion as the ORM's: SQLite's is the function Django registers on it.
        "month": ("date_trunc('month', o.closed_at AT TIME ZONE 'America/Toronto')" if pg
                  else "django_datetime_trunc('month', o.closed_at, 'America/Toronto', 'UTC')", "NULL", ""),
    }[by]
    scope = (f"({won} OR {lost})" if by == "month" else
             f"(({won} OR {lost}) OR (o.status IN ('open', 'suspended') AND o.created_at < %(end)s))")
    return f"""
SELECT {key}, MAX({label}),
       SUM(CASE WHEN {won} THEN 1 ELSE 0 END), SUM(CASE WHEN {lost} THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status = 'open' AND o.created_at < %(end)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status = 'suspended' AND o.created_at < %(end)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN {won} THEN o.amount END), SUM(CASE WHEN {won} THEN o.cost END),
       SUM(CASE WHEN {won} THEN {days} END)
FROM sales_opportunity o {joins}
WHERE NOT o.excluded AND {scope}
{"" if by == "overall" else f"GROUP BY {key}"}"""


def hand_conversion(by: str, date_from, date_to) -> list[tuple]:
    """The hand SQL's rows for the period: (key, label, won, lost, open, suspended, won amount, won cost, days)."""
    start, end = period_bounds(date_from, date_to)
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM stores them (UTC text on SQLite)
    with connection.cursor() as cursor:
        cursor.execute(_hand_written(by), {"start": adapt(start), "end": adapt(end)})
        rows = cursor.fetchall()
        if by == "competitor":  # its overall is a statement of its own, by hand too
            cursor.execute(_hand_written("overall"), {"start": adapt(start), "end": adapt(end)})
            cursor.fetchall()
        return rows


def _time(function, runs: int = 5) -> list[float]:
    function()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def conversion(*, manager, log) -> list[dict]:
    today = timezone.localdate()
    date_from = today - timedelta(days=364)
    results = []
    for by in DIMENSIONS:
        def through_selector():
            return conversion_compute(actor=manager, date_from=date_from, date_to=today, by=by)

        def by_hand():
            return hand_conversion(by, date_from, today)

        selected, hand = through_selector(), by_hand()
        assert sum(g["won"] for g in selected["groups"]) == sum(r[2] for r in hand) \
            and len(selected["groups"]) == len(hand), f"{by}: the selector and the SQL disagree"
        selector_ms, sql_ms = statistics.median(_time(through_selector)), statistics.median(_time(by_hand))
        log(f"  conversion by {by}: {selector_ms:.0f} ms, by hand {sql_ms:.0f} ms")
        # Issue 25: every dimension within 1.1× its hand SQL; by salesperson also ≤ 300 ms at a million deals.
        fast = selector_ms <= 300 if by == "salesperson" else True
        results.append({"figure": f"conversion by {by}, 365 days (p50)", "value": selector_ms, "unit": "ms",
                        "floor": sql_ms, "floor_label": "hand SQL",
                        "goal": "≤ 1.1× SQL, ≤ 300 ms" if by == "salesperson" else "≤ 1.1× SQL",
                        "meets": selector_ms <= 1.1 * sql_ms and fast, "groups": len(hand)})
    return results


def api_pages(*, client, headers, log) -> list[dict]:
    """The opportunity list (a page of 50, with filters) and the email ratio, through the API."""
    salesperson = User.objects.filter(username__startswith="bench.sales").order_by("pk").values_list(
        "pk", flat=True).first()
    pipeline = Pipeline.objects.get(prefix="BN").pk
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    pages = [
        ("opportunity list, 50, no filter", "/api/v1/opportunities", {"limit": 50}),
        ("opportunity list, 50, open of one salesperson", "/api/v1/opportunities",
         {"limit": 50, "status": "open", "salesperson": salesperson}),
        ("opportunity list, 50, won in one pipeline", "/api/v1/opportunities",
         {"limit": 50, "status": "won", "pipeline": pipeline}),
        ("opportunity list, 50, page 200", "/api/v1/opportunities", {"limit": 50, "offset": 10_000}),
        ("opportunity list, 50, last page", "/api/v1/opportunities",
         {"limit": 50, "offset": max(0, Opportunity.objects.count() - 50)}),
        (f"email ratio of {month:%Y-%m}", "/api/v1/analytics/email-ratio", {"month": f"{month:%Y-%m}"}),
    ]
    results, request = [], api_floor(client, headers)
    log(f"  signed-in GET /me: p95 {request:.1f} ms")
    for label, path, params in pages:
        def call(params=params, path=path):
            response = client.get(path, params, **headers)
            assert response.status_code == 200, response.content[:300]
            return response

        samples = _time(call, runs=30)
        queries = _queries(call)
        p50, p95 = statistics.median(samples), _percentile(samples, 95)
        log(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
        # Issue 25: every list page within 50 ms, deep ones included; the email ratio of a month within 100 ms.
        limit = 50 if "list" in label else 100
        results.append({"figure": f"{label} (p95)", "value": p95, "unit": "ms", "p50": p50, "queries": queries,
                        "goal": f"≤ {limit} ms", "floor": request, "floor_label": "signed-in GET /me p95",
                        "meets": p95 <= limit})
    # Pages with every kind of deal on them (a lost one fetches its reason): the count does not grow.
    fifty = _queries(lambda: client.get("/api/v1/opportunities", {"limit": 50}, **headers))
    most = _queries(lambda: client.get("/api/v1/opportunities", {"limit": 500}, **headers))
    results.append({"figure": "opportunity list queries, page of 500 vs page of 50", "value": most,
                    "unit": "queries", "floor": fifty, "floor_label": "page of 50", "goal": "flat, ≤ 5",
                    "meets": most <= fifty and most <= 5})
    return results


def _queries(function) -> int:
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return count


def run(*, customers: int, target: int, client, headers, log) -> list[dict]:
    salespeople = ensure_users(customers, log)
    ensure_opportunities(target, salespeople, log)
    ensure_tasks(customers, salespeople, log)
    admin = bench_admin()
    counts = Opportunity.objects.aggregate(n=Max("pk"))
    log(f"  {counts['n']:,} opportunities, {len(salespeople):,} salespeople")
    return conversion(manager=admin, log=log) + api_pages(client=client, headers=headers, log=log)
