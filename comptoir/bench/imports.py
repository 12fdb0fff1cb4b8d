"""Import benchmark: the Maven dataset through the import services (goal: under 5 s), then a
generated customers CSV through a whole import job beside its floor, the database alone inserting the
same tables' rows in the same run (issue 25's goal: at least 0.8× the floor and 10,000 rows/s at a
million rows on PostgreSQL, memory flat)."""

import csv
import os
import random
import time
from decimal import Decimal
from operator import attrgetter
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from comptoir.bench.customers import CITIES, DOMAINS, FIRST_NAMES, _last_name
from comptoir import bulk
from comptoir.customers.models import Channel, Customer, CustomerPhone, CustomerSearchToken
from comptoir.customers.services import _CUSTOMER_FIELDS, customer_keys, customer_tokens
from comptoir.imports import services
from comptoir.imports.datasets import MAVEN_DIR, dataset_load
from comptoir.timeline.services import timeline_record_many

MAVEN_GOAL_SECONDS = 5.0
ROWS_GOAL_PER_SECOND = 10_000
FLOOR_GOAL_RATIO = 0.8


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576


def generate_csv(path: Path, rows: int, seed: int = 42) -> Path:
    """A customers file as a dealership's DMS exports it: semicolons, accents, phones typed by hand."""
    if path.exists():
        return path
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["No client", "Prénom", "Nom", "Courriel", "Cellulaire", "Adresse", "Ville", "Code postal"])
        for n in range(rows):
            first, last = rng.choice(FIRST_NAMES), _last_name(rng)
            city, fsa = rng.choice(CITIES)
            email = "" if n % 7 == 0 else f"{n}.{last.lower()}@{rng.choice(DOMAINS)}"
            writer.writerow([f"DMS-{n:07d}", first, last, email,
                             f"({rng.choice(['514', '819', '450', '418'])}) {200 + n // 10_000 % 800}-{n % 10_000:04d}",
                             f"{rng.randint(1, 9999)} rue Principale", city,
                             f"{fsa} {rng.randint(1, 9)}{chr(65 + rng.randint(0, 25))}{rng.randint(1, 9)}"])
    partial.rename(path)
    return path


def run_maven(actor, log) -> dict:
    started = time.perf_counter()
    result = dataset_load(actor=actor, name="maven-crm", directory=MAVEN_DIR, cost_ratio=Decimal("0.8"))
    seconds = time.perf_counter() - started
    deals = result.counts["opportunities"]["created"] + result.counts["opportunities"]["skipped"]
    return {"seconds": seconds, "deals": deals, "created": result.counts["opportunities"]["created"]}


def run_customers(actor, path: Path, log) -> dict:
    samples = []

    def progress(job):
        samples.append((job.rows_done, rss_mb()))
        if job.total_rows and len(samples) % 100 == 0:
            log(f"  {job.rows_done:,}/{job.total_rows:,} rows, {rss_mb():.0f} MB")

    with open(path, "rb") as handle:
        job = services.import_start(actor=actor, upload=File(handle, name=path.name), kind="customers",
                                    enqueue=False)
    started = time.perf_counter()
    job = services.import_run(job_id=job.pk, on_progress=progress)
    seconds = time.perf_counter() - started
    tenth = next((mb for done, mb in samples if done >= (job.total_rows or 0) // 10), samples[0][1])
    return {"rows": job.rows_done, "created": job.created_count, "errors": job.error_count, "seconds": seconds,
            "rows_per_second": job.rows_done / seconds if seconds else 0.0,
            "rss_at_10pct_mb": tenth, "rss_at_end_mb": samples[-1][1]}


def run_database_share(rows: int = 50_000) -> dict:
    """The database's own share of importing customers, after the big import: rows built beforehand
    as the services would, then inserted into the tables an imported customer fills (customer,
    phone, search tokens, timeline) and committed by batches of 5,000. No reading, no checking, no
    dedupe: whatever the import does besides, it cannot go faster than this."""
    rng = random.Random(7)
    now = timezone.now()
    customers = []
    for n in range(rows):
        customer = bulk.blank_instance(Customer)
        customer.first_name, customer.last_name = rng.choice(FIRST_NAMES), f"Part{rng.randrange(10 ** 9)}"
        customer.email, customer.email_status = f"part{n}.{rng.randrange(10 ** 9)}@exemple.ca", "valid"
        customer.postal_code = f"J{rng.randint(1, 9)}X {rng.randint(1, 9)}Y{rng.randint(1, 9)}"
        for key, value in customer_keys(customer.first_name, customer.last_name, "", customer.postal_code).items():
            setattr(customer, key, value)
        customer.external_id, customer.channel = f"PART-{n}", Channel.IMPORT
        customer.created_at = customer.updated_at = now
        customers.append(customer)
    values = attrgetter(*(f.attname for f in _CUSTOMER_FIELDS))
    bulk.tune_for_bulk_writes()
    started = time.perf_counter()
    for start in range(0, rows, 5000):
        chunk = customers[start:start + 5000]
        with transaction.atomic():
            for pk, customer in zip(bulk.reserve_ids(Customer, len(chunk)), chunk):
                customer.pk = pk
            bulk.insert_rows(Customer, [f.attname for f in _CUSTOMER_FIELDS], (values(c) for c in chunk))
            bulk.insert_rows(CustomerPhone, ["customer_id", "kind", "number", "e164", "digits_reversed", "position",
                                             "extension"],
                             ((c.pk, "mobile", "x", f"+1{rng.randrange(10 ** 10):010d}",
                               str(rng.randrange(10 ** 10)), 0, "") for c in chunk))
            bulk.insert_rows(CustomerSearchToken, ["customer_id", "token"],
                             ((c.pk, t) for c in chunk for t in customer_tokens(c.first_name, c.last_name, "")))
            timeline_record_many(model=Customer, rows=(
                (c.pk, None, "customer_created", {"channel": "import"}, now) for c in chunk))
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "us_per_row": seconds / rows * 1e6,
            "ceiling_rows_per_second": rows / seconds}
