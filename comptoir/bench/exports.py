"""Export benchmark (issue 23, part 7): the deals behind a conversion figure downloaded from the page
(/sales/analytics/deals/?format=csv|xlsx), as a sales manager does, through the whole request: the
view, the selector's plain values read in chunks, core.exports writing the file, the response read to
its last byte. Its own data: `rows` won deals in one pipeline, closed over the last 300 days, generated
once and kept (var/bench/exports.sqlite3 under `make bench`).

Beside each time, its floor measured in the same run: the same rows read by the query alone. Each
file's peak Python memory (tracemalloc) is measured at the full size and at half of it: flat when the
file is written row by row."""

import random
import statistics
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import Department, Role, User
from comptoir.bench.customers import bench_admin
from comptoir.customers.models import Customer
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.sales.selectors import conversion_deal_rows
from comptoir.sales.services import pipeline_create

GOAL_SECONDS = 1.0
PREFIX = "BX"
DAYS = 300
SELLERS = 20
PRODUCTS = ["Sea-Doo GTI 130", "Ski-Doo MXZ X-RS 850", "Can-Am Outlander 700", "Lund 1875 Crossover XS"]
FIRST = ["Léa", "Éric", "Chloé", "François", "Zoé", "Mathieu", "Geneviève", "Stéphane"]
LAST = ["Tremblay", "Gagnon", "Côté", "Bouchard", "Gauthier", "Morin", "Lévesque", "Bélanger"]


def _sellers() -> list[User]:
    have = list(User.objects.filter(username__startswith="bench.export."))
    sales = Department.objects.filter(code="sales").first()
    for n in range(len(have), SELLERS):
        have.append(User.objects.create_user(f"bench.export.{n:02d}", f"export{n}@example.com", None,
                                             first_name=FIRST[n % len(FIRST)], last_name=f"Vendeur {n:02d}",
                                             role=Role.SALESPERSON, department=sales))
    return have


def ensure_deals(rows: int, log) -> Pipeline:
    """Exactly `rows` won deals in the benchmark's pipeline (made again when another size is asked)."""
    admin = bench_admin()
    pipeline = Pipeline.objects.filter(prefix=PREFIX).first() or pipeline_create(
        actor=admin, name="Banc d'essai des exports", prefix=PREFIX, requires_quote=False,
        stages=["Nouveau", "Essai", "Livraison"])
    deals = Opportunity.objects.filter(pipeline=pipeline)
    if deals.count() == rows:
        return pipeline
    started = time.perf_counter()
    rng, now = random.Random(rows), timezone.now()
    sellers = _sellers()
    stage = pipeline.stages.order_by("order").last()
    with transaction.atomic():
        deals.delete()
        Customer.objects.filter(external_id__startswith="BX-").delete()
        customers = Customer.objects.bulk_create(
            [Customer(first_name=rng.choice(FIRST), last_name=rng.choice(LAST), external_id=f"BX-{n}",
                      created_by_id=rng.choice(sellers).pk) for n in range(max(1, rows // 2))],
            batch_size=2000)
        Opportunity.objects.bulk_create(
            [Opportunity(number=f"{PREFIX}-B-{n:07d}", customer=rng.choice(customers), pipeline=pipeline, stage=stage,
                         status="won", amount=Decimal(rng.randint(2000, 60000)) + Decimal("0.99"),
                         cost=Decimal(rng.randint(1500, 50000)), currency="CAD",
                         salesperson_id=rng.choice(sellers).pk, product=rng.choice(PRODUCTS),
                         closed_at=now - timedelta(days=rng.uniform(1, DAYS))) for n in range(rows)],
            batch_size=2000)
        # Created some weeks before they closed (created_at is set on insert).
        deals.update(created_at=F("closed_at") - timedelta(days=24))
    log(f"  {rows:,} won deals generated ({time.perf_counter() - started:.1f} s)")
    return pipeline


def _download(client, params: dict) -> int:
    response = client.get("/sales/analytics/deals/", params)
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def _median_seconds(function, runs: int) -> float:
    function()  # warm: the first request loads templates and catalogues
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _peak_mb(function) -> float:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 1_048_576
    finally:
        tracemalloc.stop()


def run(*, rows: int = 10_000, runs: int = 5, log=print) -> list[dict]:
    """The export's figures as the benchmark's table lines (comptoir.bench.report)."""
    ensure_deals(rows, log)
    admin = bench_admin()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    today = timezone.localdate()
    period = {"from": (today - timedelta(days=DAYS + 1)).isoformat(), "to": today.isoformat()}
    params = {**period, "by": "source", "group": "", "outcome": "won"}  # these deals have no source
    size = _download(client, {**params, "format": "csv"})
    log(f"  the CSV of {rows:,} deals: {size / 1_048_576:.1f} MB")

    def query_alone():
        return list(conversion_deal_rows(actor=admin, date_from=today - timedelta(days=DAYS + 1), date_to=today,
                                         by="source", outcome="won", group=""))

    assert len(query_alone()) == rows, "the benchmark's figure does not count its own deals"
    floor = _median_seconds(query_alone, runs)
    csv_seconds = _median_seconds(lambda: _download(client, {**params, "format": "csv"}), runs)
    xlsx_seconds = _median_seconds(lambda: _download(client, {**params, "format": "xlsx"}), max(1, runs // 2))
    log(f"  deals export, {rows:,} rows: CSV {csv_seconds:.2f} s, XLSX {xlsx_seconds:.2f} s, "
        f"the query alone {floor:.2f} s")
    # Peak Python memory at this size and at half of it (the deals closed in the last half of the period;
    # both past the 2,000 rows the selector reads at a time): flat when the file is written row by row.
    half = {**params, "from": (today - timedelta(days=DAYS // 2)).isoformat()}
    memory = {fmt: (_peak_mb(lambda fmt=fmt: _download(client, {**params, "format": fmt})),
                    _peak_mb(lambda fmt=fmt: _download(client, {**half, "format": fmt}))) for fmt in ("csv", "xlsx")}
    log(f"  peak Python memory: XLSX {memory['xlsx'][0]:.1f} MB ({memory['xlsx'][1]:.1f} MB for half), "
        f"CSV {memory['csv'][0]:.1f} MB ({memory['csv'][1]:.1f} MB for half)")
    label = f"{rows:,} rows"
    return [
        {"figure": f"deals export, {label} (CSV)", "value": csv_seconds, "unit": "s", "floor": floor,
         "floor_label": "the query alone", "goal": f"< {GOAL_SECONDS:.0f} s", "meets": csv_seconds < GOAL_SECONDS},
        {"figure": f"deals export, {label} (XLSX)", "value": xlsx_seconds, "unit": "s", "floor": floor,
         "floor_label": "the query alone", "goal": "", "meets": None},
        *({"figure": f"deals export, {label} ({fmt.upper()}), peak Python memory", "value": full, "unit": "MB",
           "floor": half_mb, "floor_label": "half of the rows", "goal": "flat", "meets": full <= 1.25 * half_mb + 0.5}
          for fmt, (full, half_mb) in memory.items()),
    ]
