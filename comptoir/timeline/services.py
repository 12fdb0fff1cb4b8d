"""The one way a write lands in a timeline (STYLE: every write records a timeline row), and the one
way rows change subject (a customer merged into another)."""

import json
from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from comptoir.bulk import insert_rows
from comptoir.timeline.models import TimelineEvent

_COLUMNS = ["subject_type_id", "subject_id", "actor_id", "verb", "data", "created_at"]


def _subject_type(subject) -> ContentType:
    return ContentType.objects.get_for_model(subject, for_concrete_model=True)


def timeline_record(*, actor, subject, verb: str, data: dict | None = None) -> TimelineEvent:
    # Round-trip through Django's encoder so Decimals, dates and lazy strings are stored as text.
    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return TimelineEvent.objects.create(
        subject_type=_subject_type(subject),
        subject_id=subject.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        data=payload,
    )


def timeline_record_many(*, model, rows: Iterable[tuple[int, int | None, str, dict, datetime | None]]) -> int:
    """Many rows at once, for records of one `model` written in bulk (an import): each row is
    (subject_id, actor_id, verb, data, created_at or None for now), `data` already plain JSON.
    Streamed (COPY on PostgreSQL); answers how many rows were written."""
    subject_type_id, now = ContentType.objects.get_for_model(model, for_concrete_model=True).pk, timezone.now()
    return insert_rows(TimelineEvent, _COLUMNS, ((subject_type_id, subject_id, actor_id, verb, data, at or now)
                                                 for subject_id, actor_id, verb, data, at in rows))


def timeline_copy(*, from_subject, to_subject, data: dict) -> int:
    """Every row of `from_subject` copied onto `to_subject`'s timeline with its own date and actor,
    `data` added to each (a converted lead's history on its customer); the original stays."""
    events = TimelineEvent.objects.filter(subject_type=_subject_type(from_subject), subject_id=from_subject.pk)
    return timeline_record_many(model=type(to_subject), rows=(
        (to_subject.pk, e.actor_id, e.verb, {**e.data, **data}, e.created_at) for e in events.order_by("pk")))


def timeline_move(*, from_subject, to_subject, ids: Iterable[int] | None = None) -> int:
    """Every row of `from_subject` now belongs to `to_subject` (of the same model), dates and actors
    kept: a merge loses no history. With `ids`, only those of its rows (an undone merge gives back the
    rows it moved, not those written since). Answers how many rows moved."""
    subject_type = _subject_type(from_subject)
    if _subject_type(to_subject) != subject_type:
        raise ValueError("a timeline moves between two records of the same model")
    rows = TimelineEvent.objects.filter(subject_type=subject_type, subject_id=from_subject.pk)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(subject_id=to_subject.pk)


ADMIN_SITE_VERBS = {1: "admin_site_added", 2: "admin_site_changed", 3: "admin_site_deleted"}


def admin_site_change_record(sender, instance, created: bool, **kwargs) -> None:
    """A Django admin LogEntry, copied into the timeline of the object it is about."""
    if not created or not instance.content_type_id or not str(instance.object_id or "").isdigit():
        return
    TimelineEvent.objects.create(
        subject_type_id=instance.content_type_id, subject_id=int(instance.object_id), actor_id=instance.user_id,
        verb=ADMIN_SITE_VERBS.get(instance.action_flag, "admin_site_changed"),
        data={"object": instance.object_repr, "change": instance.get_change_message()},
    )
