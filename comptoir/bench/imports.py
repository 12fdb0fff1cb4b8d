"""Import benchmark: the Maven dataset through the import services (goal: under 5 s), then a
generated customers CSV through a whole import job (goal: 20,000 rows/s, memory flat)."""

import csv
import random
import time
from decimal import Decimal
from pathlib import Path

from django.core.files import File

from comptoir.bench.customers import CITIES, DOMAINS, FIRST_NAMES, _last_name

MAVEN_GOAL_SECONDS = 5.0
ROWS_GOAL_PER_SECOND = 20_000


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    import os

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
    from comptoir.demo.services import DATA_DIR
    from comptoir.imports.datasets import dataset_load

    started = time.perf_counter()
    result = dataset_load(actor=actor, name="maven-crm", directory=DATA_DIR, cost_ratio=Decimal("0.8"))
    seconds = time.perf_counter() - started
    deals = result.counts["opportunities"]["created"] + result.counts["opportunities"]["skipped"]
    return {"seconds": seconds, "deals": deals, "created": result.counts["opportunities"]["created"]}


def run_customers(actor, path: Path, log) -> dict:
    from comptoir.imports import services

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
