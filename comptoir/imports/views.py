"""Import pages: upload a file, check the guessed mapping on its first rows, then follow the run.
Thin: services and selectors decide."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import WORKER_STALE, worker_status
from comptoir.core.views import refusal_as_message
from comptoir.imports import readers, selectors, services
from comptoir.imports.fields import field_choices
from comptoir.imports.models import ImportKind, ImportStatus, OnDuplicate

PAGE_SIZE = 25
PREVIEW_ROWS = 20
ERROR_ROWS = 50
FILE_MISSING = gettext_lazy("Le fichier de cette importation est introuvable ; téléversez-le de nouveau.")


# --- List and upload ------------------------------------------------------------------------------

def _list_page(request, *, kind="", error=None):
    page = Paginator(selectors.import_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {
        "page": page,
        "q": "",
        "kinds": ImportKind.choices,
        "kind": kind,
        "error": error,
    }, status=error.status if error else 200)


@login_required
def import_list(request):
    if request.method != "POST":
        return _list_page(request)
    kind = request.POST.get("kind", "")
    try:
        job = services.import_upload(actor=request.user, upload=request.FILES.get("file"), kind=kind)
    except ApplicationError as error:
        return _list_page(request, kind=kind, error=error)
    return redirect("import-detail", job.pk)


# --- Preview and confirmation ---------------------------------------------------------------------

def _preview_page(request, job, *, mapping=None, dry_run=None, on_duplicate=None, error=None):
    """The first rows under one select per column, preselected with the guess (or what was sent)."""
    mapping = job.mapping if mapping is None else mapping
    header, rows, read_error = [], [], None
    try:
        header, rows = readers.peek(Path(job.file.path), job.file_format, job.encoding, job.delimiter,
                                    PREVIEW_ROWS)
    except ApplicationError as unreadable:
        read_error = str(unreadable.message)
    except OSError:
        read_error = str(FILE_MISSING)
    column_errors = {}
    for item in (error.errors if error else []):
        field = item.get("field") or ""
        if field.startswith("mapping."):
            column_errors.setdefault(field.removeprefix("mapping."), item["message"])
    columns = [{"name": name, "selected": mapping.get(name) or "", "error": column_errors.get(name, "")}
               for name in header]
    return render(request, "imports/preview.html", {
        "job": job,
        "columns": columns,
        "rows": rows,
        "choices": field_choices(job.kind),
        "on_duplicate_choices": OnDuplicate.choices,
        "dry_run": job.dry_run if dry_run is None else dry_run,
        "on_duplicate": job.on_duplicate if on_duplicate is None else on_duplicate,
        "error": str(error.message) if error else read_error,
        "preview_rows": PREVIEW_ROWS,
    }, status=error.status if error else 200)


def _progress_context(job) -> dict:
    error_rows = []
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED) and job.error_count:
        labels = dict(field_choices(job.kind))
        error_rows = [{"line": row.line, "field": labels.get(row.field) or row.field, "message": row.message}
                      for row in job.row_errors.all()[:ERROR_ROWS]]
    return {
        "job": job,
        # DESIGN (Running): a pending run with no worker alive waits for one, not for its turn.
        "no_worker": job.status == ImportStatus.PENDING and worker_status() == WORKER_STALE,
        "polling": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
        "resumable": job.status in (ImportStatus.RUNNING, ImportStatus.FAILED),
        "error_rows": error_rows,
        "error_rows_shown": ERROR_ROWS,
    }


@login_required
def import_detail(request, pk):
    job = selectors.import_get(actor=request.user, pk=pk)
    if request.method == "POST":
        # One hidden "column" input before each "field" select: the two lists come back in order.
        mapping = dict(zip(request.POST.getlist("column"), request.POST.getlist("field")))
        dry_run = request.POST.get("dry_run") == "on"
        on_duplicate = request.POST.get("on_duplicate", "")
        try:
            job = services.import_confirm(actor=request.user, job_id=job.pk, mapping=mapping, dry_run=dry_run,
                                          on_duplicate=on_duplicate)
        except ApplicationError as error:
            if job.confirmed_at is not None:  # already launched: the run's page says where it is
                messages.error(request, str(error.message))
                return redirect("import-detail", job.pk)
            return _preview_page(request, job, mapping=mapping, dry_run=dry_run, on_duplicate=on_duplicate,
                                 error=error)
        messages.success(request, _("Importation lancée."))
        return redirect("import-detail", job.pk)
    if job.confirmed_at is None:
        return _preview_page(request, job)
    return render(request, "imports/detail.html", _progress_context(job))


# --- Progress and resume --------------------------------------------------------------------------

@login_required
@require_GET
def import_progress(request, pk):
    """The progress fragment htmx polls every second while the run is pending or running."""
    job = selectors.import_get(actor=request.user, pk=pk)
    return render(request, "imports/_progress.html", _progress_context(job))


@login_required
@require_POST
def import_resume(request, pk):
    job = selectors.import_get(actor=request.user, pk=pk)
    with refusal_as_message(request):
        services.import_resume(actor=request.user, job_id=job.pk)
        messages.success(request, _("Importation relancée : elle reprend à la première ligne non importée."))
    return redirect("import-detail", job.pk)
