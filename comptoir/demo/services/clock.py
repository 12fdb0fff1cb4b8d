"""The demo's past: the services stamp their rows with `timezone.now()`, so a sale made eighteen
months ago is written while the clock says it is then. Nothing is sent from the past either: the
loaded history's notifications and emails are recorded, never delivered."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.apps import apps
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

_REAL_NOW = timezone.now


_STAMPED: list = []


def _fields_stamped_now() -> list:
    """The model fields whose default is the clock itself (`default=timezone.now`): Django keeps the
    function they were given, so patching the module is not enough for them."""
    if not _STAMPED:
        _STAMPED.extend(field for model in apps.get_models() for field in model._meta.concrete_fields
                        if field.default is _REAL_NOW)
    return _STAMPED


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """For the duration of one service call, `django.utils.timezone.now()` answers `moment`: its
    rows (created_at, closed_at, the sale date, the timeline) are dated as if the call happened
    then. Only the demo uses it, to write a history through the same services as a live sale."""
    fields = _fields_stamped_now()
    previous = timezone.now, [field.__dict__.get("_get_default") for field in fields]
    timezone.now = lambda: moment
    for field in fields:
        field.__dict__["_get_default"] = timezone.now  # Field caches its default's callable here
    try:
        yield
    finally:
        timezone.now = previous[0]
        for field, default in zip(fields, previous[1]):
            if default is None:
                field.__dict__.pop("_get_default", None)
            else:
                field.__dict__["_get_default"] = default


# The history's emails, walk-in notifications and quote emails happened long ago: the demo records
# them, and the tasks that would deliver them (and the email backend, for the messages it marks as
# sent at their date) go nowhere.
QUIET = {
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}


@contextmanager
def nothing_delivered() -> Iterator[None]:
    """Wrap the demo's transaction: its on-commit steps (the tasks that would send) run at its commit,
    still with nowhere to send to. Loaded inside an outer transaction (a test), they would run at that
    one's commit, once the quiet settings are gone: they are dropped instead."""
    registered = len(connection.run_on_commit)
    with override_settings(**QUIET):
        yield
        if connection.in_atomic_block:
            del connection.run_on_commit[registered:]
