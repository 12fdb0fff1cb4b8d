from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from comptoir.timeline.models import TimelineEvent


def timeline_for(subject) -> QuerySet:
    """Everything that happened to `subject`, newest first."""
    return (
        TimelineEvent.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            subject_id=subject.pk,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
