"""`comptoir bench-imports`: import speed on the (empty) database DATABASE_URL points at."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comptoir.accounts.models import User
from comptoir.bench import imports as bench
from comptoir.bench import report


class Command(BaseCommand):
    help = "Benchmark imports: the Maven dataset, then a generated customers CSV of --rows rows."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)

    def handle(self, *args, rows: int, **options):
        if User.objects.exclude(username="bench").exists():
            raise CommandError("bench-imports writes a million rows: point DATABASE_URL at an empty database.")
        log = lambda line: (self.stdout.write(line), self.stdout.flush())  # noqa: E731
        actor = User.objects.filter(username="bench").first() or User.objects.create_superuser(
            "bench", "bench@example.com", None)
        database = connection.vendor
        maven = bench.run_maven(actor, log)
        path = bench.generate_csv(Path(settings.VAR_DIR) / "bench" / f"customers-{rows}.csv", rows)
        log(f"Importing {path.name} ({path.stat().st_size / 1_048_576:.0f} MB) on {database}…")
        customers = bench.run_customers(actor, path, log)
        log(f"{'database':<11}{'import':<22}{'rows':>10}{'seconds':>9}{'rows/s':>9}{'goal':>9}{'goal ratio':>12}")
        log(f"{database:<11}{'Maven dataset':<22}{maven['deals']:>10,}{maven['seconds']:>9.2f}"
            f"{maven['deals'] / maven['seconds']:>9,.0f}{bench.MAVEN_GOAL_SECONDS:>8.0f}s"
            f"{maven['seconds'] / bench.MAVEN_GOAL_SECONDS:>11.2f}×")
        log(f"{database:<11}{'customers CSV':<22}{customers['rows']:>10,}{customers['seconds']:>9.1f}"
            f"{customers['rows_per_second']:>9,.0f}{bench.ROWS_GOAL_PER_SECOND:>9,}"
            f"{customers['rows_per_second'] / bench.ROWS_GOAL_PER_SECOND:>11.2f}×")
        share = bench.run_database_share(min(rows, 50_000))
        log(f"{database:<11}{'database share only':<22}{share['rows']:>10,}{share['seconds']:>9.1f}"
            f"{share['ceiling_rows_per_second']:>9,.0f}{bench.ROWS_GOAL_PER_SECOND:>9,}"
            f"{share['ceiling_rows_per_second'] / bench.ROWS_GOAL_PER_SECOND:>11.2f}×"
            f"   ({share['us_per_row']:.0f} µs/row: inserting and committing alone, at this size)")
        ratio = customers["rows_per_second"] / share["ceiling_rows_per_second"]
        log(f"{database:<11}import / database share: {ratio:.2f}× (goal ≥ {bench.FLOOR_GOAL_RATIO}×)")
        log(f"{database:<11}memory: {customers['rss_at_10pct_mb']:.0f} MB at 10 % of the rows, "
            f"{customers['rss_at_end_mb']:.0f} MB at the end "
            f"({customers['rss_at_end_mb'] / customers['rss_at_10pct_mb']:.2f}×)")
        report.write(f"imports-{database}", [
            {"database": database, "figure": f"Maven dataset import ({maven['deals']:,} deals)",
             "value": maven["seconds"], "unit": "s", "goal": f"< {bench.MAVEN_GOAL_SECONDS:.0f} s",
             "no_floor": "none: a fixed goal",
             "meets": maven["seconds"] < bench.MAVEN_GOAL_SECONDS},
            {"database": database, "figure": f"customers CSV import ({customers['rows']:,} rows)",
             "value": customers["rows_per_second"], "unit": "rows/s", "floor": share["ceiling_rows_per_second"],
             "floor_label": "database share alone",
             "goal": f"≥{bench.FLOOR_GOAL_RATIO}× floor, ≥{bench.ROWS_GOAL_PER_SECOND // 1000}k/s",
             "meets": customers["rows_per_second"] >= bench.ROWS_GOAL_PER_SECOND
             and ratio >= bench.FLOOR_GOAL_RATIO},
            {"database": database, "figure": "customers CSV import, peak memory (RSS at the end)",
             "value": customers["rss_at_end_mb"], "unit": "MB", "floor": customers["rss_at_10pct_mb"],
             "floor_label": "RSS at 10 % of the rows", "goal": "flat", "meets": None},
        ])
