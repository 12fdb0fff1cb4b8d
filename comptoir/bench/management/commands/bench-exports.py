"""`comptoir bench-exports`: the deals export (CSV and XLSX) of --rows won deals through the page, on the
database DATABASE_URL points at (its own data, generated once and kept)."""

from django.core.management.base import BaseCommand
from django.db import connection

from comptoir.bench import exports as bench
from comptoir.bench import report


class Command(BaseCommand):
    help = "Benchmark the deals export: --rows won deals as CSV and XLSX, beside the query alone."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, rows: int, runs: int, **options):
        log = lambda line: (self.stdout.write(line), self.stdout.flush())  # noqa: E731
        database = connection.vendor
        log(f"{database}: deals export of {rows:,} rows")
        lines = bench.run(rows=rows, runs=runs, log=log)
        for line in lines:
            line["database"] = database
        path = report.write(f"exports-{database}", lines)
        for line in report.table(lines):
            log(line)
        log(f"(also in {path})")
