from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.activities.models import Task
from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.customers.selectors import customer_get
from comptoir.leads.models import Lead
from comptoir.leads.selectors import lead_get
from comptoir.sales.selectors import opportunity_get
from comptoir.timeline.models import TimelineEvent


def record_get(*, actor, kind: str | None, pk):
    """The customer, lead or opportunity `kind` names, through its own visibility rule: 404 when the
    actor may not see it, or the kind is none of these."""
    if kind == "customer":
        return customer_get(actor=actor, pk=pk)
    if kind == "lead":
        return lead_get(actor=actor, pk=pk)
    if kind == "opportunity":
        return opportunity_get(actor=actor, pk=pk)

    raise NotFound()


def overdue_q(now=None) -> Q:
    """DESIGN (tasks): a task is overdue once its due time has passed and it is not done — before
    now, not before today: a call due at 10 h is late at 14 h. The one meaning, read by every list,
    count, page and the API (Task.is_overdue is the same rule on one row)."""
    return Q(done_at__isnull=True, due_at__lt=now or timezone.now())


def task_visible(actor) -> QuerySet:
    """One's own tasks and those one gave; a manager sees the team's."""
    if permissions.can_see_team(actor):
        return Task.objects.all()
    return Task.objects.filter(Q(assignee=actor) | Q(created_by=actor))


def task_list(*, actor, assignee=None, overdue: bool | None = None, done: bool | None = None,
              customer=None, lead=None, opportunity=None):
    """Tasks the actor may see (their own, those they gave; a manager the team's), soonest first;
    `overdue` = not done and past due."""
    queryset = task_visible(actor).select_related("type", "assignee", "customer", "lead", "opportunity")
    for field, value in (("assignee_id", assignee), ("customer_id", customer), ("lead_id", lead),
                         ("opportunity_id", opportunity)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if done is not None:
        queryset = queryset.filter(done_at__isnull=not done)
    if overdue:
        queryset = queryset.filter(overdue_q())
    elif overdue is False:
        queryset = queryset.exclude(overdue_q())
    return queryset.order_by("due_at", "pk")


CALENDAR_PAST_DAYS, CALENDAR_FUTURE_DAYS = 30, 365


def calendar_entries(user) -> dict:
    """What a user's calendar shows: their open tasks and the next contacts of their leads, from a
    month ago to a year ahead (DESIGN: a lead's next-contact date is an event for its owner)."""
    now = timezone.now()
    start, end = now - timedelta(days=CALENDAR_PAST_DAYS), now + timedelta(days=CALENDAR_FUTURE_DAYS)
    tasks = (Task.objects.filter(assignee=user, done_at__isnull=True, due_at__gte=start, due_at__lte=end)
             .select_related("type", "customer", "lead", "opportunity").order_by("due_at"))
    leads = (Lead.objects.filter(owner=user, next_contact_at__gte=start, next_contact_at__lte=end)
             .exclude(status__in=["converted", "lost"]).order_by("next_contact_at"))
    return {"tasks": tasks, "leads": leads}


def leads_to_contact(*, user, start, end) -> QuerySet:
    """The user's leads whose next contact falls in [start, end), still to work."""
    return (Lead.objects.filter(owner=user, next_contact_at__gte=start, next_contact_at__lt=end)
            .exclude(status__in=["converted", "lost"]).order_by("next_contact_at"))


def audit_list(*, actor, user=None, verb: str | None = None, since=None, until=None) -> QuerySet:
    """The audit log: every change made by an admin (through the API, the pages or the Django admin),
    newest first. Admins only."""
    permissions.require(actor, "manage_settings")
    queryset = TimelineEvent.objects.filter(actor__role=Role.ADMIN).select_related("actor", "subject_type")
    if user is not None:
        queryset = queryset.filter(actor_id=user)
    if verb:
        queryset = queryset.filter(verb=verb)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if until is not None:
        queryset = queryset.filter(created_at__lt=until)
    return queryset.order_by("-created_at", "-pk")
