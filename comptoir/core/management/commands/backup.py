"""`comptoir backup [PATH]`: a consistent copy of the database while it serves (see core.backup)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from comptoir.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back the database up (SQLite online backup, or pg_dump) into PATH (default var/backups/…)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")

    def handle(self, *args, path=None, **options):
        suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
        path = path or settings.VAR_DIR / "backups" / f"comptoir-{timezone.now():%Y%m%d-%H%M%S}.{suffix}"
        try:
            written = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(written))
