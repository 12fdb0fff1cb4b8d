"""`comptoir sync-inventory FILE`: a DMS inventory export (CSV or XLSX) through the import machinery."""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import CommandError

from comptoir.core.exceptions import ApplicationError
from comptoir.imports import services
from comptoir.imports.management.base import ImportCommand
from comptoir.imports.models import ImportStatus, OnDuplicate


class Command(ImportCommand):
    help = ("Bring the lot in line with a DMS export: units found by DMS id or serial are created or "
            "updated, units earlier exports delivered and this one does not are marked unavailable.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--mapping", help="JSON file of column → field (guessed from the header when absent).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, keep nothing.")
        parser.add_argument("--user", help="Username of the admin the sync runs as (default: the first admin).")

    def handle(self, *args, file, mapping=None, dry_run=False, user=None, **options):
        actor = self._actor(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with open(path, "rb") as handle:
                job = services.import_start(
                    actor=actor, upload=File(handle, name=path.name), kind="inventory",
                    mapping=json.loads(Path(mapping).read_text()) if mapping else None, dry_run=dry_run,
                    on_duplicate=OnDuplicate.UPDATE, enqueue=False)
            job = self._run(job)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self._summary(job)
        unavailable = job.options.get("unavailable")
        if not dry_run:
            self.stdout.write("unavailable  " + (str(unavailable) if unavailable is not None else
                                                 "none marked: rows were refused, fix them and sync again"))
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure)
