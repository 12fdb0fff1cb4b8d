"""Imports: a file is stored and read, its columns mapped to fields, then its rows go through the
same services as the API, in batches, in the background. A batch lands whole or not at all, and
the job's row counter moves in the same transaction: a killed worker's job resumes at the first
row it had not committed (DESIGN: imports never bypass a rule)."""

import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from comptoir import bulk
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.versioning import lock_rows
from comptoir.imports import readers
from comptoir.imports.fields import DETAILS, FIELDS, IGNORE, REQUIRED_ONE_OF, guess_mapping, row_values
from comptoir.imports.kinds import HANDLERS
from comptoir.imports.models import ImportJob, ImportKind, ImportRowError, ImportStatus, OnDuplicate
from comptoir.imports.selectors import import_visible

logger = logging.getLogger(__name__)

IMPORT_FORBIDDEN = _("Votre rôle ne permet pas d'importer des %(kind)s.")
BAD_KIND = _("Type d'importation inconnu : customers, leads, opportunities, products ou users.")
BAD_ON_DUPLICATE = _("Doublons : skip, update ou create.")
FILE_REQUIRED = _("Joignez un fichier CSV ou XLSX.")
FILE_EMPTY = _("Ce fichier est vide.")
FILE_TOO_LARGE = _("Fichier trop volumineux (%(max)s Mo au plus).")
BAD_FIELD = _("« %(field)s » n'est pas un champ des %(kind)s.")
UNKNOWN_COLUMN = _("La colonne « %(column)s » n'est pas dans le fichier.")
FIELD_TWICE = _("Le champ « %(field)s » est associé à deux colonnes.")
MAPPING_NEEDS_ONE = _("Associez une colonne à l'un de ces champs : %(fields)s.")
ALREADY_STARTED = _("Cette importation est déjà lancée.")
NOT_RESUMABLE = _("Cette importation est terminée : rien à reprendre.")
INTERRUPTED = _("L'importation a été interrompue ; relancez-la pour reprendre où elle s'est arrêtée.")
INTERNAL = _("Erreur interne pendant l'importation ; les lots déjà importés sont conservés.")

KIND_CAPABILITY = {"products": "manage_lists", "users": "manage_users", "inventory": "manage_lists",
                   "lender_programs": "manage_lists"}


def _require_kind(actor, kind: str) -> None:
    if kind not in ImportKind.values:
        raise ApplicationError(BAD_KIND, field="kind")
    capability = KIND_CAPABILITY.get(kind)
    allowed = permissions.has_capability(actor, capability) if capability else permissions.can_enter_records(actor)
    if not allowed:
        raise Forbidden(IMPORT_FORBIDDEN % {"kind": ImportKind(kind).label})


def file_header(job: ImportJob) -> list[str]:
    header, _rows = readers.peek(Path(job.file.path), job.file_format, job.encoding, job.delimiter, 0)
    return header


def mapping_clean(kind: str, header: list[str], mapping: dict | None) -> dict[str, str]:
    """The column → field mapping, checked against the file and the kind; None guesses it."""
    if mapping is None:
        mapping = guess_mapping(kind, header)
    errors, used = [], {}
    for column, field in mapping.items():
        field = field or IGNORE
        if column not in header:
            errors.append({"field": f"mapping.{column}", "message": str(UNKNOWN_COLUMN % {"column": column})})
        elif field and field not in FIELDS[kind]:
            errors.append({"field": f"mapping.{column}",
                           "message": str(BAD_FIELD % {"field": field, "kind": ImportKind(kind).label})})
        elif field and field != DETAILS and field in used:
            errors.append({"field": f"mapping.{column}", "message": str(FIELD_TWICE % {"field": FIELDS[kind][field][0]})})
        used.setdefault(field, column)
    if errors:
        raise ApplicationError(errors[0]["message"], field=errors[0]["field"], errors=errors)
    if not set(REQUIRED_ONE_OF[kind]) & set(used):
        labels = ", ".join(str(FIELDS[kind][f][0]) for f in REQUIRED_ONE_OF[kind])
        raise ApplicationError(MAPPING_NEEDS_ONE % {"fields": labels}, field="mapping")
    return {column: mapping.get(column) or IGNORE for column in header}


def _store(job: ImportJob, upload) -> None:
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    limit = settings.COMPTOIR_IMPORT_MAX_MB
    if size > limit * 1024 * 1024:
        raise ApplicationError(FILE_TOO_LARGE % {"max": limit}, field="file")
    upload.seek(0)
    job.file_hash = digest.hexdigest()
    job.file_name = Path(upload.name or "import.csv").name[:255]
    job.file.save(job.file_name, File(upload), save=False)


def import_upload(*, actor, upload, kind: str) -> ImportJob:
    """Store the file and read its header; the job waits for its mapping (import_confirm)."""
    _require_kind(actor, kind)
    if upload is None:
        raise ApplicationError(FILE_REQUIRED, field="file")
    if not getattr(upload, "size", 0):
        raise ApplicationError(FILE_EMPTY, field="file")
    job = ImportJob(kind=kind, created_by=actor)
    _store(job, upload)
    path = Path(job.file.path)
    try:
        with open(path, "rb") as handle:
            job.file_format = readers.file_format(job.file_name, handle.read(4))
        if job.file_format == "csv":
            readers.check_text(path)
            job.encoding, job.delimiter = readers.csv_dialect(path)
        job.mapping = guess_mapping(kind, file_header(job))
    except ApplicationError:
        job.file.delete(save=False)
        raise
    job.save()
    return job


def _unfinished_twin(job: ImportJob) -> ImportJob | None:
    """The same file, kind and person, confirmed but never finished: a re-run resumes it."""
    return (ImportJob.objects.filter(file_hash=job.file_hash, kind=job.kind, created_by=job.created_by_id,
                                     dry_run=job.dry_run, confirmed_at__isnull=False,
                                     status__in=[ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.FAILED])
            .exclude(pk=job.pk).order_by("-pk").first())


def _confirm(actor, job_id, mapping, dry_run, on_duplicate, options) -> ImportJob:
    rows = lock_rows(ImportJob.objects.filter(pk=job_id, created_by=actor))
    if not rows:
        raise NotFound()
    job = rows[0]
    if job.confirmed_at is not None:
        raise Conflict(ALREADY_STARTED)
    if on_duplicate not in OnDuplicate.values:
        raise ApplicationError(BAD_ON_DUPLICATE, field="on_duplicate")
    job.mapping = mapping_clean(job.kind, file_header(job), mapping)
    job.dry_run, job.on_duplicate = bool(dry_run), on_duplicate
    # The refused rows' messages are written by the worker, in the language of whoever launched it.
    job.options = {"language": translation.get_language() or settings.LANGUAGE_CODE, **(options or {})}
    twin = _unfinished_twin(job)
    if twin is not None and twin.mapping == job.mapping and twin.on_duplicate == job.on_duplicate:
        job.file.delete(save=False)
        job.delete()
        job = twin
    else:
        job.confirmed_at = timezone.now()
        job.save()
    return job


def import_confirm(*, actor, job_id, mapping: dict | None = None, dry_run: bool = False,
                   on_duplicate: str = OnDuplicate.SKIP, options: dict | None = None,
                   enqueue: bool = True) -> ImportJob:
    """Fix the mapping and options, then run the job in the background. The same file sent again
    while an earlier run of it is unfinished resumes that run instead (row number + file hash)."""
    with transaction.atomic():
        job = _confirm(actor, job_id, mapping, dry_run, on_duplicate, options)
    if enqueue:
        _enqueue(job)
        job.refresh_from_db()  # a backend that runs at once has already run it
    return job


def import_start(*, actor, upload, kind: str, mapping: dict | None = None, dry_run: bool = False,
                 on_duplicate: str = OnDuplicate.SKIP, enqueue: bool = True) -> ImportJob:
    """API.md: POST /imports — upload, map (given or guessed) and run in one call."""
    _require_kind(actor, kind)
    if on_duplicate not in OnDuplicate.values:
        raise ApplicationError(BAD_ON_DUPLICATE, field="on_duplicate")
    job = import_upload(actor=actor, upload=upload, kind=kind)
    try:
        return import_confirm(actor=actor, job_id=job.pk, mapping=mapping, dry_run=dry_run,
                              on_duplicate=on_duplicate, enqueue=enqueue)
    except ApplicationError:
        job.file.delete(save=False)
        job.delete()
        raise


def import_resume(*, actor, job_id) -> ImportJob:
    """Its author, or an admin (whoever sees the job), restarts an interrupted import."""
    job = import_visible(actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    if job.status == ImportStatus.DONE or job.confirmed_at is None:
        raise Conflict(NOT_RESUMABLE)
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: ImportJob) -> None:
    # Imported here, not at the top: imports.tasks imports this module (its task runs import_run).
    from comptoir.imports.tasks import import_run_task

    import_run_task.enqueue(job.pk)


# --- The run ------------------------------------------------------------------------------------

def import_run(*, job_id, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Run (or resume) a confirmed job to its end, batch by batch."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        return _run(job, on_progress)


def _run(job: ImportJob, on_progress) -> ImportJob:
    if job.status == ImportStatus.DONE or job.confirmed_at is None:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, failure="",
                                               started_at=job.started_at or timezone.now())
    job.refresh_from_db()
    path = Path(job.file.path)
    try:
        if job.total_rows is None:
            job.total_rows = readers.count_rows(path, job.file_format, job.encoding, job.delimiter)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
        handler = HANDLERS[job.kind](job)
        batch_size = settings.COMPTOIR_IMPORT_BATCH_ROWS
        bulk.tune_for_bulk_writes()
        with readers.open_rows(path, job.file_format, job.encoding, job.delimiter) as (header, rows):
            for _skipped in islice(rows, job.rows_done):
                pass  # committed by an earlier run
            if on_progress:
                on_progress(job)
            for number, (batch, values) in enumerate(_prepared_batches(job, handler, header, rows, batch_size)):
                if number % STATISTICS_EVERY == 0 or number in STATISTICS_EARLY:
                    bulk.refresh_statistics(handler.grown_models)
                _run_batch(job, handler, header, batch, values)
                if on_progress:
                    on_progress(job)
    except _TakenOver:
        logger.info("import %s: another run is ahead, this one stops", job.pk)
        return ImportJob.objects.get(pk=job.pk)
    except ApplicationError as error:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure=str(error.message),
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    except Exception:
        logger.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure=str(INTERNAL),
                                                   finished_at=timezone.now())
        raise
    if not job.dry_run:
        job.refresh_from_db()
        handler.finish()  # what a kind does once every row is in (a DMS feed: the units it left out)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, failure="", finished_at=timezone.now())
    job.refresh_from_db()
    return job


STATISTICS_EVERY = 20  # batches between two ANALYZE of the tables an import grows (PostgreSQL)
# And while a table doubles from empty: without them a fresh million-row import ran at 1,671 rows/s instead of
# about 4,400 (make bench, issue 25), for ~0.1 s each on a table of a million rows.
STATISTICS_EARLY = {1, 2, 4, 8}


def _overlapped() -> bool:
    """Python prepares the next batch in a thread while the database writes this one (its waits
    release the GIL): on PostgreSQL, outside a caller's transaction, whose uncommitted rows the
    thread's own connection could not see (a test's). COMPTOIR_IMPORT_OVERLAP=False turns it off.
    Measured on 2 cores (issue 25), interleaved runs of 30,000 new customers into a million: 6 % more
    rows/s idle (3,284 against 3,089), the same when other work held the cores (2,409 against 2,404):
    the database's process and Python's two threads then want more cores than there are."""
    return (settings.COMPTOIR_IMPORT_OVERLAP and connection.vendor == "postgresql"
            and not connection.in_atomic_block)


def _prepared_batches(job: ImportJob, handler, header: list[str], rows, size: int) -> Iterator[tuple[list, list]]:
    """(rows of the file, what the handler made of them) batch by batch, the next one made meanwhile
    when _overlapped. Preparing writes nothing: a batch prepared and never run leaves no trace."""
    language = translation.get_language()

    def prepare():
        batch = list(islice(rows, size))
        with translation.override(language):  # a refused row's message, in the job's language
            return batch, handler.prepare([row_values(job.kind, job.mapping, header, cells) for _l, cells in batch])

    if not _overlapped():
        while (prepared := prepare())[0]:
            yield prepared
        return

    def prepare_in_thread():
        try:
            return prepare()
        finally:
            connections.close_all()  # the thread's own connection (lists and salespeople read)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"import-{job.pk}") as pool:
        ahead = pool.submit(prepare_in_thread)
        while (prepared := ahead.result())[0]:
            ahead = pool.submit(prepare_in_thread)
            yield prepared
        ahead.cancel()


class _TakenOver(Exception):
    """Another run of the same job committed a batch meanwhile: it goes on, this one stops."""


OUTCOME_COUNTERS = {"created": "created_count", "updated": "updated_count", "skipped": "skipped_count",
                    "error": "error_count"}


@transaction.atomic
def _run_batch(job: ImportJob, handler, header: list[str], batch: list[tuple[int, list[str]]], values: list) -> None:
    locked = lock_rows(ImportJob.objects.filter(pk=job.pk))[0]
    if locked.rows_done != job.rows_done:
        raise _TakenOver()
    rollback = transaction.savepoint() if job.dry_run else None
    outcomes = handler(values)
    if rollback is not None:
        transaction.savepoint_rollback(rollback)  # a dry run counts what would happen, keeps nothing
    counts = dict.fromkeys(OUTCOME_COUNTERS.values(), 0)
    errors = []
    for (line, cells), (outcome, value) in zip(batch, outcomes):
        counts[OUTCOME_COUNTERS[outcome]] += 1
        if outcome == "error":
            errors.append(ImportRowError(
                job=job, line=line, field=value.field or "", values=dict(zip(header, cells)),
                message="; ".join(e["message"] for e in value.errors) or str(value.message)))
    ImportRowError.objects.bulk_create(errors)
    for name, count in counts.items():
        setattr(job, name, getattr(locked, name) + count)
    job.rows_done = locked.rows_done + len(batch)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=job.rows_done, **{n: getattr(job, n) for n in counts})
