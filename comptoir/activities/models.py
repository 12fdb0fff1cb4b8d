"""Tasks, the private calendar and the morning reminders (DESIGN: activities). The timeline has its own
app (comptoir.timeline), notes are the customers' (comptoir.customers)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    """Something to do, by someone, by a date: a call unless said otherwise (DESIGN: activities)."""

    type = models.ForeignKey("core.TaskType", verbose_name=_("type"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsable"), on_delete=models.PROTECT,
                                 related_name="tasks")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="tasks")
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    opportunity = models.ForeignKey("sales.Opportunity", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="tasks")
    due_at = models.DateTimeField(_("échéance"))
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    outcome = models.TextField(_("résultat"), blank=True, max_length=2_000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_at"], name="task_assignee_idx")]

    def __str__(self) -> str:
        return self.title

    # activities.selectors.overdue_q: the same rule, in SQL.
    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class CalendarFeed(models.Model):
    """A user's private ICS feed: its secret in the URL is the only permission, so it can be revoked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agenda privé")
        verbose_name_plural = _("agendas privés")


class ReminderSent(models.Model):
    """One morning reminder per user per local day: the unique row is taken before the email leaves,
    so two workers running the job send it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_once_a_day")]
