"""`comptoir import FILE --kind K [--mapping M.json] [--dry-run]`: an import run here, with a progress bar."""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import CommandError

from comptoir.core.exceptions import ApplicationError
from comptoir.imports import services
from comptoir.imports.management.base import ImportCommand
from comptoir.imports.models import ImportJob, ImportKind, ImportStatus, OnDuplicate


class Command(ImportCommand):
    help = "Import a CSV or XLSX file through the same services as the API, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--kind", choices=ImportKind.values)
        parser.add_argument("--mapping", help="JSON file of column → field (guessed from the header when absent).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, keep nothing.")
        parser.add_argument("--on-duplicate", choices=OnDuplicate.values, default=OnDuplicate.SKIP)
        parser.add_argument("--user", help="Username the records are entered by (default: the first admin).")
        parser.add_argument("--resume", type=int, metavar="ID", help="Resume an unfinished import.")

    def handle(self, *args, file=None, kind=None, mapping=None, dry_run=False, on_duplicate="skip", user=None,
               resume=None, **options):
        actor = self._actor(user)
        try:
            if resume:
                job = ImportJob.objects.filter(pk=resume).first()
                if job is None or job.status == ImportStatus.DONE:
                    raise CommandError(f"No unfinished import {resume}.")
            else:
                if not file or not kind:
                    raise CommandError("FILE and --kind are required (or --resume ID).")
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"No such file: {path}")
                mapping_values = json.loads(Path(mapping).read_text()) if mapping else None
                with open(path, "rb") as handle:
                    job = services.import_start(actor=actor, upload=File(handle, name=path.name), kind=kind,
                                                mapping=mapping_values, dry_run=dry_run, on_duplicate=on_duplicate,
                                                enqueue=False)
            job = self._run(job)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self._summary(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure)
