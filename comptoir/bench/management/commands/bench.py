"""`comptoir bench`: the speed goals, measured on the database DATABASE_URL points at (data generated
once and kept there): customer search, conversion by every dimension beside hand-written SQL, the
opportunity list and the email ratio, and the API's throughput under `comptoir serve`."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from comptoir.bench import api as api_bench
from comptoir.bench import customers as customer_bench
from comptoir.bench import opportunities as opportunity_bench
from comptoir.bench import report
from comptoir.customers.models import Customer


class Command(BaseCommand):
    help = "Benchmark search, conversion, lists and API throughput on generated data (kept in the database)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--opportunities", type=int, default=1_000_000)
        parser.add_argument("--seconds", type=float, default=api_bench.SECONDS, help="per throughput figure")

    def handle(self, *args, customers: int, queries: int, opportunities: int, seconds: float, **options):
        log = lambda line: (self.stdout.write(line), self.stdout.flush())  # noqa: E731
        database = connection.vendor
        log(f"{database}: {customers:,} customers, {opportunities:,} opportunities")
        creators = opportunity_bench.ensure_users(customers, log)
        token = customer_bench.bench_token()
        client, headers = Client(HTTP_HOST="localhost"), {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        rows = customer_bench.run(target=customers, queries=queries, log=log, creators=creators, client=client,
                                  headers=headers)
        rows += opportunity_bench.run(customers=customers, target=opportunities, client=client, headers=headers,
                                      log=log)
        customer_id = Customer.objects.order_by("pk").values_list("pk", flat=True)[customers // 2]
        rows += api_bench.run(token=token, customer_id=customer_id, log=log, seconds=seconds)
        for row in rows:
            row["database"] = database
        path = report.write(database, rows)
        for line in report.table(rows):
            log(line)
        log(f"(also in {path})")
