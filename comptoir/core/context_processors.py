"""The banner a manager or an admin sees on every page while the background worker is stale."""

from django.utils.functional import SimpleLazyObject

from comptoir.core.permissions import can_see_team
from comptoir.core.selectors import WORKER_STALE, worker_status as status


def worker_status(request) -> dict:
    """`worker_stale`: asked only when a template prints it, and only for who oversees the team (the
    "see_team" capability: sales managers and admins), who can have the worker started; a salesperson
    could not act on it. The status itself is cached a few seconds (core.selectors.worker_status)."""

    def stale() -> bool:
        return can_see_team(getattr(request, "user", None)) and status() == WORKER_STALE

    return {"worker_stale": SimpleLazyObject(stale)}
