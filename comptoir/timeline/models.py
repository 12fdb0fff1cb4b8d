"""The timeline: everything that happens to a record, in order (DESIGN: activities).

The table kept its name from when the timeline lived in activities: the rows never moved."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimelineEvent(models.Model):
    # No index of their own: timeline_subject_idx and timeline_actor_idx lead with them (every row of an
    # import paid for two indexes no query needed).
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", db_index=False)
    subject_id = models.BigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    verb = models.SlugField(_("action"), max_length=60)
    data = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "activities_timelineevent"
        verbose_name = _("événement")
        verbose_name_plural = _("historique")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-created_at"], name="timeline_subject_idx"),
            # The audit log: one user's (an admin's) changes, newest first.
            models.Index(fields=["actor", "-created_at"], name="timeline_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} #{self.subject_id}"
