"""`comptoir import-dataset maven-crm DIR`: a public dataset as real data (imports.datasets)."""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from comptoir.accounts.models import Role, User
from comptoir.core.exceptions import ApplicationError
from comptoir.imports.datasets import DATASETS, dataset_load


class Command(BaseCommand):
    help = "Load a public dataset through the import services (maven-crm: the Maven CRM CSV files in DIR)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=DATASETS)
        parser.add_argument("directory")
        parser.add_argument("--actor", help="Username of the admin the records are entered by (default: the first).")
        parser.add_argument("--cost-ratio", default="0.80", help="Cost of a won deal as a share of its value.")
        parser.add_argument("--shift-days", type=int, default=0, help="Move every date by this many days.")

    def handle(self, *args, name, directory, actor=None, cost_ratio="0.80", shift_days=0, **options):
        admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
        user = admins.filter(username=actor).first() if actor else admins.first()
        if user is None:
            raise CommandError("No active admin to enter the records: create one first (comptoir createsuperuser).")
        try:
            result = dataset_load(actor=user, name=name, directory=directory, cost_ratio=Decimal(cost_ratio),
                                  shift_days=shift_days)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{'':<15}{'created':>9}{'updated':>9}{'skipped':>9}{'errors':>8}")
        for kind, counts in result.counts.items():
            self.stdout.write(f"{kind:<15}{counts['created']:>9}{counts['updated']:>9}{counts['skipped']:>9}"
                              f"{counts['error']:>8}")
