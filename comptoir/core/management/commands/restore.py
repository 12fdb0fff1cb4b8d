"""`comptoir restore PATH`: replace the database's content with a backup (stop the web processes and
workers first)."""

from django.core.management.base import BaseCommand, CommandError

from comptoir.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `comptoir backup` (replaces everything in it)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, yes=False, **options):
        if not yes and input(f"Replace everything in the database with {path}? [y/N] ").strip().lower() != "y":
            raise CommandError("Nothing restored.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {path}")
