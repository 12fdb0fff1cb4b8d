"""`comptoir bench`: the speed goals, measured on the database DATABASE_URL points at."""

import json

from django.core.management.base import BaseCommand

from comptoir.bench import customers as customer_bench
from comptoir.bench import opportunities as opportunity_bench

TARGET_P95_MS = 50.0


class Command(BaseCommand):
    help = "Benchmark customer search on N generated customers (generated once, kept in the database)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--opportunities", type=int, default=1_000_000)
        parser.add_argument("--json", dest="json_path", help="Also write the figures to this file.")

    def handle(self, *args, customers: int, queries: int, opportunities: int, json_path: str | None = None,
               **options):
        log = lambda line: (self.stdout.write(line), self.stdout.flush())  # noqa: E731
        log(f"Customer search on {customers:,} customers:")
        results = customer_bench.run(target=customers, queries=queries, log=log)
        log(f"{'database':<11}{'query':<24}{'n':>5}{'found':>7}{'p50 ms':>9}{'p95 ms':>9}{'goal':>7}"
            f"{'p95/goal':>10}{'scan ms':>9}{'scan/p50':>10}")
        for r in results:
            scan = f"{r['scan_p50_ms']:>9.1f}{r['scan_p50_ms'] / r['p50_ms']:>9.0f}×" if r["scan_p50_ms"] else ""
            log(f"{r['database']:<11}{r['query']:<24}{r['n']:>5}{r['found']:>7}{r['p50_ms']:>9.1f}"
                f"{r['p95_ms']:>9.1f}{TARGET_P95_MS:>7.0f}{r['p95_ms'] / TARGET_P95_MS:>10.2f}{scan}")
        log(f"Conversion by salesperson on {opportunities:,} opportunities:")
        conversion = opportunity_bench.run(target=opportunities, log=log)
        log(f"{'database':<11}{'period':>8}{'selector ms':>13}{'hand SQL ms':>13}{'selector/SQL':>14}")
        for r in conversion:
            log(f"{r['database']:<11}{r['period_days']:>7}d{r['selector_ms']:>13.1f}{r['sql_ms']:>13.1f}"
                f"{r['selector_ms'] / r['sql_ms']:>13.2f}×")
        if json_path:
            with open(json_path, "w") as handle:
                json.dump({"search": results, "conversion": conversion}, handle, indent=2, default=str)
