"""Reads on walk-ins: who may see which, the day's list with what came out of each visit, and the
showroom conversion (walk-ins of a period that led to an opportunity ÷ walk-ins)."""

from datetime import date

from django.db.models import BigIntegerField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.utils import timezone

from comptoir.accounts.selectors import users_assignable
from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.figures import check_period, percentage
from comptoir.core.selectors import reports_db
from comptoir.sales.models import Opportunity, Status
from comptoir.walkins.models import StoreVisit

SHOWROOM_DIMENSIONS = ("salesperson",)


def walk_in_visible(actor) -> QuerySet:
    """The one visibility rule of walk-ins: managers, reception and admins see every one; a salesperson
    sees those they serve; anyone else none."""
    if permissions.can_see_all_customers(actor):
        return StoreVisit.objects.all()
    if permissions.has_capability(actor, "work_own"):
        return StoreVisit.objects.filter(salesperson=actor)
    return StoreVisit.objects.none()


def _matched_opportunities() -> QuerySet:
    """The visit's customer's opportunities created from the visit's time to the end of its local day
    (StoreVisit's rule 2), first one first; excluded deals count in no statistic (DESIGN)."""
    return (Opportunity.objects
            .annotate(local_day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
            .filter(customer_id=OuterRef("customer_id"), excluded=False, created_at__gte=OuterRef("visited_at"),
                    local_day=OuterRef("visited_on"))
            .order_by("created_at", "pk"))


def came_out_status():
    """The status of the opportunity that came out of the visit (the linked one, else the day's match),
    null when none did: one correlated subquery, so a period's figure stays one SQL statement."""
    return Coalesce(F("opportunity__status"), Subquery(_matched_opportunities().values("status")[:1]))


def with_outcome(queryset: QuerySet) -> QuerySet:
    """Each visit with the id, number and status of the opportunity that came out of it (null when
    none), in the same query."""
    matched = _matched_opportunities()
    return queryset.annotate(
        came_out_id=Coalesce(F("opportunity_id"), Subquery(matched.values("pk")[:1]), output_field=BigIntegerField()),
        came_out_number=Coalesce(F("opportunity__number"), Subquery(matched.values("number")[:1])),
        came_out_status=came_out_status(),
    )


def _with_relations(queryset: QuerySet) -> QuerySet:
    return with_outcome(queryset.select_related("customer", "salesperson", "recorded_by"))


def walk_in_list(*, actor, day: date | None = None, salesperson=None, customer=None) -> QuerySet:
    """The walk-ins of a local day (today by default) the actor may see, latest first, each with its
    customer, salesperson and outcome: one query whatever their number."""
    queryset = walk_in_visible(actor).filter(visited_on=day or timezone.localdate())
    if salesperson is not None:
        queryset = queryset.filter(salesperson_id=salesperson)
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    return _with_relations(queryset).order_by("-visited_at", "-pk")


def walk_in_get(*, actor, pk) -> StoreVisit:
    visit = _with_relations(walk_in_visible(actor)).filter(pk=pk).first()
    if visit is None:
        raise NotFound()
    return visit


def walk_in_salespeople(*, actor) -> QuerySet:
    """Whom the actor may put on a walk-in: an assigner anyone assignable (active, in a department);
    a salesperson themselves (core.permissions.can_assign)."""
    assignable = users_assignable()
    if permissions.has_capability(actor, "assign"):
        return assignable
    return assignable.filter(pk=actor.pk) if permissions.has_capability(actor, "work_own") else assignable.none()


def _figures(visits: int, with_opportunity: int, won: int) -> dict:
    return {"visits": visits, "with_opportunity": with_opportunity, "won": won,
            "conversion_pct": percentage(with_opportunity, visits), "won_pct": percentage(won, visits)}


def showroom_conversion(*, actor, date_from: date, date_to: date, by: str | None = None) -> dict:
    """Showroom conversion of the walk-ins the actor may see whose local day is in [from, to]: visits,
    visits an opportunity came out of, visits whose opportunity is won, and the two rates in % (two
    decimals, null without visits). One SQL aggregation, grouped by salesperson when asked; the overall
    line is then the sum of the groups (a salesperson sits in one group)."""
    check_period(date_from, date_to)
    if by is not None and by not in SHOWROOM_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    visits = (walk_in_visible(actor).using(reports_db())
              .filter(visited_on__gte=date_from, visited_on__lte=date_to)
              .annotate(outcome=came_out_status()))
    counts = {"visits": Count("pk"), "with_opportunity": Count("pk", filter=Q(outcome__isnull=False)),
              "won": Count("pk", filter=Q(outcome=Status.WON))}
    result = {"from": date_from, "to": date_to, "by": by, "groups": []}
    if by is None:
        result["overall"] = _figures(**visits.aggregate(**counts))
        return result
    rows = (visits.values("salesperson")
            .annotate(**counts, label=Concat(F("salesperson__first_name"), Value(" "), F("salesperson__last_name")),
                      username=F("salesperson__username"))
            .order_by("salesperson__last_name", "salesperson__first_name", "salesperson"))
    for row in rows:
        result["groups"].append({"key": row["salesperson"], "label": row["label"].strip() or row["username"],
                                 **_figures(row["visits"], row["with_opportunity"], row["won"])})
    result["overall"] = _figures(*(sum(group[name] for group in result["groups"])
                                   for name in ("visits", "with_opportunity", "won")))
    return result
