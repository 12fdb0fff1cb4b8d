"""Optimistic versions and row locks shared by every service (STYLE: writes).

A client that read version N sends it back with its change; if someone saved in
between, the row is at N+1 and the change is refused with 409 instead of silently
overwriting theirs.
"""

from django.db.models import F, Model, QuerySet

from comptoir.core.exceptions import NotFound, StaleUpdate


def lock_rows(queryset: QuerySet) -> list:
    """Lock rows in primary-key order, so two transactions never wait on each other in a cycle."""
    return list(queryset.select_for_update().order_by("pk"))


def lock_one(model: type[Model], pk) -> Model:
    rows = lock_rows(model.objects.filter(pk=pk))
    if not rows:
        raise NotFound()
    return rows[0]


def check_version(instance: Model, expected: int | None) -> None:
    if expected is not None and expected != instance.version:
        raise StaleUpdate()


def save_versioned(instance: Model, update_fields: list[str]) -> None:
    """Save the named fields and bump the version; the caller holds the row lock."""
    instance.version = F("version") + 1
    instance.save(update_fields=[*update_fields, "version"])
    instance.refresh_from_db(fields=["version"])
