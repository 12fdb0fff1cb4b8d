"""The timeline: everything that happens to a record, in order (DESIGN: activities)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimelineEvent(models.Model):
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.BigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.SlugField(_("action"), max_length=60)
    data = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("historique")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"], name="timeline_subject_idx")]

    def __str__(self) -> str:
        return f"{self.verb} #{self.subject_id}"


class Note(models.Model):
    """A free-text note on a customer's card."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=10_000)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:60]
