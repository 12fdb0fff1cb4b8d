"""`comptoir bench-desk`: a deal's full desk grid beside its plain quote, on the database DATABASE_URL
points at (its own deal, made once and kept)."""

from django.core.management.base import BaseCommand
from django.db import connection

from comptoir.bench import desk as bench
from comptoir.bench import report


class Command(BaseCommand):
    help = "Benchmark the desk: a deal's 3 × 3 × 2 payment grid beside a plain quote of the same lines."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)

    def handle(self, *args, runs: int, **options):
        log = lambda line: (self.stdout.write(line), self.stdout.flush())  # noqa: E731
        database = connection.vendor
        log(f"{database}: the desk's grid")
        lines = bench.run(runs=runs, log=log)
        for line in lines:
            line["database"] = database
        path = report.write(f"desk-{database}", lines)
        for line in report.table(lines):
            log(line)
        log(f"(also in {path})")
