"""/imports: upload a file with its mapping, follow its progress, download its refused rows."""

import json
from datetime import datetime
from typing import Literal

from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field
from django.utils.translation import gettext_lazy as _

from comptoir.core.api import ERRORS
from comptoir.core.exceptions import ApplicationError
from comptoir.core.exports import INTEGER, Column, export_response
from comptoir.imports import selectors, services
from comptoir.imports.fields import FIELDS

router = Router(tags=["imports"])

BAD_MAPPING = _("La correspondance doit être un objet JSON : {\"colonne\": \"champ\"}.")
KindName = Literal["customers", "leads", "opportunities", "products", "users"]


class ImportCreated(Schema):
    id: int
    status: str


class ImportOut(Schema):
    id: int
    kind: str
    status: Literal["pending", "running", "done", "failed"]
    file_name: str
    file_format: str
    encoding: str
    delimiter: str
    mapping: dict[str, str]
    dry_run: bool
    on_duplicate: str
    total: int | None = Field(None, alias="total_rows")
    done: int = Field(alias="rows_done")
    progress_pct: int
    created: int = Field(alias="created_count")
    updated: int = Field(alias="updated_count")
    skipped: int = Field(alias="skipped_count")
    errors: int = Field(alias="error_count")
    failure: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class FieldOut(Schema):
    name: str
    label: str


def _mapping(text: str | None) -> dict | None:
    if text is None or not text.strip():
        return None
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, (str, type(None))) for v in mapping.values()):
        raise ApplicationError(BAD_MAPPING, field="mapping")
    return mapping


@router.post("", response={201: ImportCreated, **ERRORS},
             summary="Import a CSV or XLSX file (multipart: file, kind, mapping JSON, dry_run, on_duplicate)")
def import_create(request, file: File[UploadedFile], kind: Form[KindName],
                  mapping: Form[str | None] = None, dry_run: Form[bool] = False,
                  on_duplicate: Form[Literal["skip", "update", "create"]] = "skip"):
    job = services.import_start(actor=request.user, upload=file, kind=kind, mapping=_mapping(mapping),
                                dry_run=dry_run, on_duplicate=on_duplicate)
    job.refresh_from_db()
    return Status(201, {"id": job.pk, "status": job.status})


@router.get("", response=list[ImportOut], summary="Imports (one's own; an admin sees all)")
@paginate
def import_list(request):
    return selectors.import_list(actor=request.user)


@router.get("/fields", response={200: list[FieldOut], **ERRORS}, summary="The fields a kind of import fills")
def import_fields(request, kind: KindName):
    return [{"name": name, "label": str(label)} for name, (label, _words) in FIELDS[kind].items()]


@router.get("/{int:job_id}", response={200: ImportOut, **ERRORS}, summary="An import's status and counts")
def import_detail(request, job_id: int):
    return selectors.import_get(actor=request.user, pk=job_id)


@router.post("/{int:job_id}/resume", response={200: ImportOut, **ERRORS},
             summary="Run an unfinished import again from its first uncommitted row")
def import_resume(request, job_id: int):
    selectors.import_get(actor=request.user, pk=job_id)
    services.import_resume(actor=request.user, job_id=job_id)
    return selectors.import_get(actor=request.user, pk=job_id)


@router.get("/{int:job_id}/errors.csv", response={200: None, **ERRORS},
            summary="The refused rows: line, field, the rule's message, then the row as read")
def import_errors_csv(request, job_id: int):
    job = selectors.import_get(actor=request.user, pk=job_id)
    header = services.file_header(job)
    # The reader's language (core.exports): « ; » in French; the file's own columns keep their names.
    columns = (Column("line", _("Ligne"), INTEGER), Column("field", _("Champ")), Column("message", _("Message")),
               *(Column(name, name) for name in header))
    return export_response(request, f"import-{job.pk}-errors", columns, selectors.import_error_rows(job))
