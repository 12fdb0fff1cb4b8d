"""The one way a write lands in a timeline (STYLE: every write records a timeline row)."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
import json

from comptoir.activities.models import TimelineEvent


def timeline_record(*, actor, subject, verb: str, data: dict | None = None) -> TimelineEvent:
    # Round-trip through Django's encoder so Decimals, dates and lazy strings are stored as text.
    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return TimelineEvent.objects.create(
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        subject_id=subject.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        data=payload,
    )
