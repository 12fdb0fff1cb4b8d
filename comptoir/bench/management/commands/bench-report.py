"""`comptoir bench-report`: the last benchmark runs (var/bench/*.json) as one table."""

from django.core.management.base import BaseCommand

from comptoir.bench import report


class Command(BaseCommand):
    help = "Print the figures of the last `make bench` (var/bench/*.json) as one table."

    def handle(self, *args, **options):
        for line in report.table(report.collected()):
            self.stdout.write(line)
