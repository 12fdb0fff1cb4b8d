"""Reads of import jobs: one's own, or every one for an admin."""

from collections.abc import Iterator

from django.db.models import QuerySet

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.imports.models import ImportJob, ImportRowError


def import_visible(actor) -> QuerySet:
    jobs = ImportJob.objects.all()
    if permissions.has_capability(actor, "manage_users"):
        return jobs
    return jobs.filter(created_by=actor)


def import_list(*, actor) -> QuerySet:
    return import_visible(actor).select_related("created_by").order_by("-created_at", "-pk")


def import_get(*, actor, pk) -> ImportJob:
    job = import_visible(actor).select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job


def import_error_rows(job: ImportJob) -> Iterator[dict]:
    """The refused rows as export lines, read in chunks: line, field, message, then the row's cells."""
    for error in ImportRowError.objects.filter(job=job).order_by("line").iterator(chunk_size=2000):
        yield {**error.values, "line": error.line, "field": error.field, "message": error.message}
