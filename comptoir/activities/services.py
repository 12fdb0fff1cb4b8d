"""Tasks: who may give a task to whom, completion with its outcome, every change in the timeline of the
task and of what it is about; the private calendar; the morning reminders (DESIGN: activities)."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.activities.models import CalendarFeed, ReminderSent, Task
from comptoir.activities.selectors import record_get, task_visible
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.models import TaskType
from comptoir.core.selectors import reference_resolve, site_settings_get
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.leads.models import Lead
from comptoir.timeline.services import timeline_record

# --- Tasks ---------------------------------------------------------------------------------------
TITLE_REQUIRED = _("Il faut un titre à la tâche.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez donner une tâche qu'à vous-même.")
BAD_ASSIGNEE = _("Ce responsable n'existe pas ou est inactif.")
ALREADY_DONE = _("Cette tâche est déjà faite.")
TASK_FIELDS = ("type", "title", "assignee", "customer", "lead", "opportunity", "due_at", "notes")


def _subject(actor, model_path: str, pk):
    """The customer, lead or opportunity a task is about: 404 when the actor may not see it."""
    return None if pk is None else record_get(actor=actor, kind=model_path, pk=pk)


def _record(actor, task: Task, verb: str, data: dict) -> None:
    timeline_record(actor=actor, subject=task, verb=verb, data=data)
    for subject in (task.customer, task.lead, task.opportunity):
        if subject is not None:
            timeline_record(actor=actor, subject=subject, verb=verb, data={"task": task.pk, **data})


def _apply(actor, task: Task, values: dict) -> list[str]:
    changed = []
    for key in TASK_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "type":
            value = reference_resolve(TaskType, value or "call", field="type")
        elif key == "title":
            value = (value or "").strip()
        elif key == "notes":
            value = (value or "").strip()
        elif key == "assignee":
            if value != actor.pk and not permissions.has_capability(actor, "assign"):
                raise Forbidden(ASSIGN_FORBIDDEN)

            value = User.objects.filter(pk=value, is_active=True).first()
            if value is None:
                raise ApplicationError(BAD_ASSIGNEE, field="assignee")
        elif key in ("customer", "lead", "opportunity"):
            value = _subject(actor, key, value)
        setattr(task, key, value)
        changed.append(key)
    if not task.title:
        raise ApplicationError(TITLE_REQUIRED, field="title")
    return changed


def tasks_follow_lead(*, actor, lead: Lead, customer, opportunity) -> dict[str, int]:
    """A converted lead's tasks are its customer's too; those still to do are about the sale, so
    they go on the opportunity the conversion created (leads.conversion calls it)."""
    tasks = Task.objects.filter(lead=lead)
    count = tasks.update(customer=customer, version=F("version") + 1)
    if opportunity is not None:
        tasks.filter(done_at__isnull=True, opportunity__isnull=True).update(opportunity=opportunity)
    return {"tasks": count} if count else {}


def tasks_follow_reassignment(*, actor, opportunity, old, new) -> dict[str, int]:
    """Issue 23: a deal given to another salesperson takes along its open tasks that were the old one's
    (sales.reassign calls it in the reassignment's transaction); each raises its version, so a form
    still showing the old assignee answers 409, and its history says who had it. Done tasks stay with
    whoever did them; a colleague's tasks on the deal stay theirs."""
    if old is None or new is None:
        return {}
    tasks = lock_rows(Task.objects.filter(opportunity=opportunity, assignee=old, done_at__isnull=True))
    if not tasks:
        return {}
    Task.objects.filter(pk__in=[task.pk for task in tasks]).update(
        assignee=new, version=F("version") + 1, updated_at=timezone.now())
    for task in tasks:
        timeline_record(actor=actor, subject=task, verb="task_updated", data={
            "fields": ["assignee"], "assignee": {"from": old.pk, "to": new.pk},
            "opportunity_reassigned": opportunity.pk})
    return {"tasks": len(tasks)}


@transaction.atomic
def task_create(*, actor, title: str, due_at, type="call", assignee=None, **values) -> Task:
    task = Task(created_by=actor)
    _apply(actor, task, {"type": type, "title": title, "due_at": due_at,
                         "assignee": assignee if assignee is not None else actor.pk, **values})
    task.full_clean()
    task.save()
    _record(actor, task, "task_created", {"title": task.title, "type": task.type.code, "due_at": task.due_at,
                                          "assignee": task.assignee_id})
    return task


def _lock(actor, task_id) -> Task:
    rows = lock_rows(Task.objects.filter(pk=task_id))
    if not rows or not task_visible(actor).filter(pk=task_id).exists():
        raise NotFound()
    return rows[0]


@transaction.atomic
def task_update(*, actor, task_id, version: int | None = None, **values) -> Task:
    task = _lock(actor, task_id)
    check_version(task, version)
    changed = _apply(actor, task, values)
    task.full_clean()
    save_versioned(task, [*changed, "updated_at"])
    _record(actor, task, "task_updated", {"fields": changed, "due_at": task.due_at})
    return task


@transaction.atomic
def task_complete(*, actor, task_id, outcome: str = "", version: int | None = None) -> Task:
    """Done now; a call's outcome ("left a message", "booked a test ride") is kept with it."""
    task = _lock(actor, task_id)
    check_version(task, version)
    if task.done_at is not None:
        raise Conflict(ALREADY_DONE)
    task.done_at, task.outcome = timezone.now(), (outcome or "").strip()[:2000]
    save_versioned(task, ["done_at", "outcome", "updated_at"])
    _record(actor, task, "task_completed", {"title": task.title, "outcome": task.outcome})
    return task


# --- Calendar -------------------------------------------------------------------------------------

def calendar_feed_get(*, actor):
    """The actor's private feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=actor, defaults={"secret": secrets.token_urlsafe(32)})
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor):
    """A new secret: the old address stops working (a lost phone, a colleague who left)."""
    feed = calendar_feed_get(actor=actor)
    feed.secret = secrets.token_urlsafe(32)
    feed.save(update_fields=["secret", "created_at"])
    timeline_record(actor=actor, subject=actor, verb="calendar_feed_reset", data={})
    return feed


# --- Morning reminders ------------------------------------------------------------------------------

def _local_now(user, now):
    try:
        zone = ZoneInfo(user.time_zone or "America/Toronto")
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return now.astimezone(zone)


def reminders_send_due(*, now=None) -> int:
    """DESIGN: each morning, from the settings' hour in their time zone, every active user gets one
    email listing that day's contacts and their overdue tasks. The (user, day) row is inserted
    before the email leaves: whichever worker inserts it sends, the others skip."""
    now = now or timezone.now()
    at = site_settings_get().reminder_time
    sent = 0
    for user in User.objects.filter(is_active=True).exclude(email=""):
        local = _local_now(user, now)
        if local.time() < at:
            continue
        day = local.date()
        start = datetime.combine(day, datetime.min.time(), tzinfo=local.tzinfo)
        try:
            if ReminderSent.objects.filter(user=user, day=day).exists():
                continue
            tasks = list(Task.objects.filter(assignee=user, done_at__isnull=True,
                                             due_at__lt=start + timedelta(days=1))
                         .select_related("type").order_by("due_at"))
            leads = list(Lead.objects.filter(owner=user, next_contact_at__gte=start,
                                             next_contact_at__lt=start + timedelta(days=1))
                         .exclude(status__in=["converted", "lost"]).order_by("next_contact_at"))
            with transaction.atomic():
                ReminderSent.objects.create(user=user, day=day, items=len(tasks) + len(leads))
        except (IntegrityError, OperationalError):
            # Another worker took this user's morning, or holds the table: it sends, or the next run
            # (every few minutes) does; one user never stops the others' reminders.
            continue
        if tasks or leads:
            _reminder_email(user, day, start, tasks, leads)
            sent += 1
    return sent


def _reminder_email(user, day, start, tasks, leads) -> None:
    with translation.override(user.language):
        lines = [gettext("Bonjour %(name)s, voici votre journée du %(day)s.") % {
            "name": user.first_name or user.username, "day": formats.date_format(day)}]
        today = [t for t in tasks if t.due_at >= start]
        late = [t for t in tasks if t.due_at < start]
        if leads:
            lines.append("\n" + gettext("Pistes à relancer aujourd'hui :"))
            lines += [f"- {formats.time_format(timezone.localtime(lead.next_contact_at))} {lead}" for lead in leads]
        if today:
            lines.append("\n" + gettext("Tâches du jour :"))
            lines += [f"- {formats.time_format(timezone.localtime(t.due_at))} {t.type.label} : {t.title}" for t in today]
        if late:
            lines.append("\n" + gettext("Tâches en retard :"))
            lines += [f"- {formats.date_format(timezone.localtime(t.due_at).date())} {t.type.label} : {t.title}"
                      for t in late]
        send_mail(gettext("Votre journée du %(day)s") % {"day": formats.date_format(day)}, "\n".join(lines),
                  None, [user.email])
