"""What the home page shows, composed from the other apps' selectors: no rule of its own but one,
the deals waiting on a manager (a price under the margin alert). Every list is one query and every
figure an SQL aggregate, so the page costs the same number of queries for 2 salespeople or 200."""

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from comptoir.accounts.models import User
from comptoir.accounts.selectors import ASSIGNABLE
from comptoir.activities.selectors import leads_to_contact, overdue_q, task_list
from comptoir.core import permissions
from comptoir.core.figures import day_bounds
from comptoir.core.selectors import site_settings_get
from comptoir.leads.models import LeadStatus
from comptoir.leads.selectors import lead_list
from comptoir.quotes.models import QuoteVariant, VariantStatus
from comptoir.quotes.selectors import quote_visible
from comptoir.sales.models import Status
from comptoir.sales.selectors import STRIP_SORTS, board_team_figures, opportunity_visible, team_rows_sorted
from comptoir.walkins.selectors import walk_in_list

# The task types that are an appointment with someone (core's default list): shown apart from the calls.
APPOINTMENT_TYPES = ("meeting", "store_visit")
# A lead whose next contact has passed is still to call, however long ago (DESIGN: next-contact date).
SINCE_EVER = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)

# The team table's columns, sortable like the board's (sales.selectors.team_rows_sorted), plus the
# overdue tasks: ?sort=won, ?sort=-won.
TEAM_SORTS = {**STRIP_SORTS, "overdue": lambda row: row["overdue"]}
DEFAULT_TEAM_SORT = "name"
# A month without a deal nor a customer yet: a line of zeros (no rate where there is nothing to divide).
EMPTY_MONTH = {"created": 0, "won": 0, "closing_pct": None, "email_ratio_pct": None, "points_lost": 0}


def _first_rows(queryset: QuerySet, limit: int) -> tuple[list, bool]:
    """At most `limit` rows and whether there were more, in one query."""
    rows = list(queryset[:limit + 1])
    return rows[:limit], len(rows) > limit


def salesperson_day(*, actor, limit: int = 25) -> dict:
    """A salesperson's day: today's appointments (meetings, store visits, past or to come), their
    overdue tasks (past due and not done: activities' rule; today's appointments are in their own
    list), the rest of today's, the leads to call (next contact today or passed), today's walk-ins
    they serve. Only the actor's own, whatever their role: a manager's team is on the team page."""
    now = timezone.now()
    start, end = day_bounds(timezone.localdate())
    own = task_list(actor=actor, assignee=actor.pk, done=False)
    appointment = Q(type__code__in=APPOINTMENT_TYPES)
    todays_appointment = appointment & Q(due_at__gte=start, due_at__lt=end)
    appointments, more_appointments = _first_rows(own.filter(todays_appointment), limit)
    overdue, more_overdue = _first_rows(own.filter(overdue_q(now)).exclude(todays_appointment), limit)
    tasks, more_tasks = _first_rows(own.filter(due_at__gte=now, due_at__lt=end).exclude(appointment), limit)
    leads, more_leads = _first_rows(leads_to_contact(user=actor, start=SINCE_EVER, end=end), limit)
    walk_ins, more_walk_ins = _first_rows(walk_in_list(actor=actor, salesperson=actor.pk), limit)
    return {"day_start": start, "overdue": overdue, "tasks": tasks, "appointments": appointments, "leads": leads,
            "walk_ins": walk_ins,
            "more": {"overdue": more_overdue, "tasks": more_tasks, "appointments": more_appointments,
                     "leads": more_leads, "walk_ins": more_walk_ins}}


def own_task_counts(*, actor) -> dict:
    """How many of the actor's own open tasks are overdue and due later today: one aggregate."""
    now = timezone.now()
    _start, end = day_bounds(timezone.localdate())
    return task_list(actor=actor, assignee=actor.pk, done=False).order_by().aggregate(
        overdue=Count("pk", filter=overdue_q(now)), today=Count("pk", filter=Q(due_at__gte=now, due_at__lt=end)))


def salesperson_month(*, actor, year: int, month: int) -> dict:
    """The actor's own line of the board's strip for the month (opportunities created, sales, closing
    rate, email ratio, points lost), zeros when they have none yet."""
    strip = board_team_figures(actor=actor, year=year, month=month, salesperson=actor.pk)
    mine = next((row for row in strip if row["person"].pk == actor.pk), None)
    return mine or {**EMPTY_MONTH, "person": actor}


def overdue_task_counts(*, actor) -> dict[int, int]:
    """Overdue tasks per assignee among those the actor may see: one grouped query."""
    rows = task_list(actor=actor, overdue=True).order_by().values("assignee").annotate(count=Count("pk"))
    return {row["assignee"]: row["count"] for row in rows}


def _selling_roles() -> list[str]:
    """The roles that work their own deals without seeing the team's: the salespeople a manager follows."""
    roles = settings.COMPTOIR_ROLE_CAPABILITIES
    return [role for role, granted in roles.items() if "work_own" in granted and "see_team" not in granted]


def team_month(*, actor, year: int, month: int, sort: str = DEFAULT_TEAM_SORT) -> dict:
    """The team's month for a manager: each salesperson's line of the board's strip and their overdue
    tasks, sorted by `sort` (a TEAM_SORTS key, '-' first for the largest first). Every active
    salesperson in a department has a line, zeros included (a month without a deal is news), and so
    has anyone else with a figure. Constant queries: the strip's, the overdue counts, the people.
    A salesperson gets only their own line (board_team_figures' rule)."""
    strip = {row["person"].pk: row for row in board_team_figures(actor=actor, year=year, month=month)}
    overdue = overdue_task_counts(actor=actor)
    if permissions.can_see_team(actor):
        people = User.objects.filter(Q(pk__in=set(strip) | set(overdue))
                                     | (ASSIGNABLE & Q(role__in=_selling_roles())))
    else:
        people = User.objects.filter(pk=actor.pk)
    rows = []
    for person in people:  # one line per person; every figure already aggregated in SQL
        row = strip.get(person.pk) or EMPTY_MONTH
        rows.append({**row, "person": person, "overdue": overdue.get(person.pk, 0)})
    rows, sort = team_rows_sorted(rows, sort, sorts=TEAM_SORTS, default=DEFAULT_TEAM_SORT)
    return {"rows": rows, "sort": sort, "email_target": site_settings_get().email_ratio_target_pct}


def overdue_tasks_of(*, actor, assignee: int, limit: int = 50) -> tuple[list, bool]:
    """One person's overdue tasks, as far as the actor may see them (a manager: anyone's)."""
    return _first_rows(task_list(actor=actor, assignee=assignee, overdue=True), limit)


def opportunities_awaiting_manager(*, actor) -> QuerySet:
    """Open deals whose price a manager must look at: their accepted quote variant, or while none is
    accepted a sent one, has a margin % under the settings' margin alert (the threshold the quote
    editor shows in red). Each with that variant's margin, margin % and amount (the lowest margin
    when several are sent), lowest margin first; one query."""
    threshold: Decimal = site_settings_get().margin_warning_pct
    # A sent variant stops counting once another of the deal's variants is accepted: that one is the price.
    accepted_beside = QuoteVariant.objects.filter(quote__opportunity=OuterRef("quote__opportunity"),
                                                  status=VariantStatus.ACCEPTED)
    priced = QuoteVariant.objects.filter(quote__in=quote_visible(actor), quote__opportunity=OuterRef("pk")).filter(
        Q(status=VariantStatus.ACCEPTED) | Q(status=VariantStatus.SENT) & ~Exists(accepted_beside))
    low = priced.filter(margin_pct__lt=threshold).order_by("margin_pct", "pk")
    return (opportunity_visible(actor).filter(status=Status.OPEN).filter(Exists(low))
            .select_related("customer", "salesperson")
            .annotate(quote_margin=Subquery(low.values("margin")[:1]),
                      quote_margin_pct=Subquery(low.values("margin_pct")[:1]),
                      quote_amount=Subquery(low.values("subtotal")[:1]),
                      quote_currency=Subquery(low.values("currency")[:1]))
            .order_by("quote_margin_pct", "pk"))


def reception_day(*, actor, limit: int = 25) -> dict:
    """Reception's start of the day: today's walk-ins and the leads nobody owns yet, still to work."""
    walk_ins, more_walk_ins = _first_rows(walk_in_list(actor=actor), limit)
    unassigned = (lead_list(actor=actor).filter(owner__isnull=True)
                  .exclude(status__in=[LeadStatus.CONVERTED, LeadStatus.LOST]))
    leads, more_leads = _first_rows(unassigned, limit)
    return {"walk_ins": walk_ins, "leads": leads, "more": {"walk_ins": more_walk_ins, "leads": more_leads}}
