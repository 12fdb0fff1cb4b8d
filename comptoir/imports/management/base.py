"""What the commands running an import here share (`comptoir import`, `comptoir sync-inventory`): the
acting user, the run with its progress bar, and the summary."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comptoir.accounts.models import Role, User
from comptoir.imports import services
from comptoir.imports.models import ImportJob


class ImportCommand(BaseCommand):
    def _actor(self, username):
        users = User.objects.filter(is_active=True)
        actor = users.filter(username=username).first() if username else \
            users.filter(role=Role.ADMIN).order_by("pk").first()
        if actor is None:
            raise CommandError("No such active user." if username else "No active admin: create one first.")
        return actor

    def _run(self, job: ImportJob) -> ImportJob:
        bar = tqdm(total=None, unit=" rows", file=self.stderr._out, disable=None)

        def progress(current: ImportJob) -> None:
            bar.total = current.total_rows
            bar.n = current.rows_done
            bar.set_postfix(created=current.created_count, errors=current.error_count, refresh=False)
            bar.refresh()

        try:
            return services.import_run(job_id=job.pk, on_progress=progress)
        finally:
            bar.close()

    def _summary(self, job: ImportJob) -> None:
        rows = [("import", job.pk), ("file", job.file_name), ("kind", job.kind), ("status", job.status),
                ("dry run", "yes" if job.dry_run else "no"), ("rows", job.rows_done),
                ("created", job.created_count), ("updated", job.updated_count), ("skipped", job.skipped_count),
                ("errors", job.error_count)]
        width = max(len(k) for k, _v in rows)
        for key, value in rows:
            self.stdout.write(f"{key:<{width}}  {value}")
        if job.error_count:
            self.stdout.write(f"Refused rows: GET /api/v1/imports/{job.pk}/errors.csv")
            for error in job.row_errors.order_by("line")[:10]:
                self.stdout.write(f"  line {error.line}: {error.message}")
