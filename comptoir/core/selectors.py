"""Reads of the site settings and the reference lists."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from comptoir.core.exceptions import ApplicationError
from comptoir.core.models import ReferenceItem, SiteSettings, WorkerHeartbeat
from comptoir.core.text import is_small_id

SITE_SETTINGS_CACHE_KEY = "comptoir:site-settings"
UNKNOWN_ITEM = _("« %(value)s » ne figure pas dans la liste %(list)s.")


def site_settings_get() -> SiteSettings:
    """The site settings, from the cache when it has them (every process shares it)."""
    cached = cache.get(SITE_SETTINGS_CACHE_KEY)
    if cached is not None:
        return cached
    site_settings, _created = SiteSettings.objects.get_or_create(pk=1)
    cache.set(SITE_SETTINGS_CACHE_KEY, site_settings, settings.COMPTOIR_SETTINGS_CACHE_SECONDS)
    return site_settings


def site_settings_forget() -> None:
    cache.delete(SITE_SETTINGS_CACHE_KEY)


def reference_list(model: type[ReferenceItem], *, q: str | None = None,
                   active: bool | None = None) -> QuerySet:
    queryset = model.objects.all()
    if active is not None:
        queryset = queryset.filter(active=active)
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(name_pl__icontains=q) | Q(code__iexact=q)
        )
    return queryset.order_by("position", "name", "pk")


# Issue 25: pages and API answers named their list entries (source, media, lost reason, tags) by reading
# the lists again each time. An admin-managed list is a few dozen rows: each is kept whole in the shared
# cache, and every save or delete of an entry forgets its list (core/apps.py), in every process at once.
REFERENCE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ReferenceEntry:
    """An entry of a list as the cache keeps it: what naming it takes, with ReferenceItem's `label`."""

    pk: int
    code: str | None
    name: str
    name_en: str
    name_pl: str
    position: int
    active: bool

    label = ReferenceItem.label


def _reference_cache_key(model) -> str:
    return f"comptoir:reference-list:{model._meta.label_lower}"


def reference_entries(model: type[ReferenceItem]) -> dict[int, ReferenceEntry]:
    """Every entry of a list by id, in the list's order, from the shared cache when it has them."""
    key = _reference_cache_key(model)
    entries = cache.get(key)
    if entries is None:
        entries = {row[0]: ReferenceEntry(*row) for row in model.objects.order_by("position", "name", "pk")
                   .values_list("pk", "code", "name", "name_en", "name_pl", "position", "active")}
        cache.set(key, entries, REFERENCE_CACHE_SECONDS)
    return entries


def reference_label(model: type[ReferenceItem], pk: int | None) -> str | None:
    """The entry's name in the active language; None for no entry (or one deleted since)."""
    entry = reference_entries(model).get(pk) if pk is not None else None
    return entry.label if entry is not None else None


def reference_forget(model: type[ReferenceItem]) -> None:
    cache.delete(_reference_cache_key(model))


def reference_resolve(model: type[ReferenceItem], value, *, field: str) -> ReferenceItem | None:
    """API.md: a field that takes a list entry accepts its id or its exact name (any language) or code."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int) or (isinstance(value, str) and is_small_id(value)):
        found = model.objects.filter(pk=int(value)).first() if is_small_id(value) else None
    else:
        text = str(value).strip()
        found = model.objects.filter(
            Q(name=text) | Q(name_en=text) | Q(name_pl=text) | Q(code=text)
        ).order_by("pk").first()
    if found is None:
        raise ApplicationError(
            UNKNOWN_ITEM % {"value": value, "list": model._meta.verbose_name_plural},
            field=field,
        )
    return found


def object_by_id(model: type[Model], pk) -> Model | None:
    return model.objects.filter(pk=pk).first()


def reports_db() -> str:
    """The database alias reports read from: the replica when `DATABASE_REPLICA_URL` names one."""
    return settings.COMPTOIR_REPORTS_DATABASE


# --- The background worker ------------------------------------------------------------------------

WORKER_OK = "ok"  # a worker was seen in the last two minutes
WORKER_STALE = "stale"  # tasks wait and no worker was seen for two minutes
WORKER_IDLE = "idle"  # no worker seen, but nothing waits either (a web-only machine, between runs)
WORKER_STALE_AFTER_SECONDS = 120
WORKER_STATUS_CACHE_KEY = "comptoir:worker-status"
WORKER_STATUS_CACHE_SECONDS = 5


def worker_status() -> str:
    """DESIGN (Running): whether the background worker keeps up: "ok", "stale" or "idle".

    Every page a manager sees and /healthz ask, so the answer is kept a few seconds in the shared cache;
    a miss costs one indexed query when a worker is alive, two (the waiting tasks) when none is."""
    status = cache.get(WORKER_STATUS_CACHE_KEY)
    if status is None:
        status = worker_status_compute()
        cache.set(WORKER_STATUS_CACHE_KEY, status, WORKER_STATUS_CACHE_SECONDS)
    return status


def worker_status_compute() -> str:
    cutoff = timezone.now() - timedelta(seconds=WORKER_STALE_AFTER_SECONDS)
    if WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).exists():
        return WORKER_OK
    # READY and due now (no run_after, or one past): what a running worker would take next.
    return WORKER_STALE if DBTaskResult.objects.ready().exists() else WORKER_IDLE


def worker_status_forget() -> None:
    cache.delete(WORKER_STATUS_CACHE_KEY)
