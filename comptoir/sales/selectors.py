"""Reads on opportunities: visibility, lists, conversion analytics (DESIGN: analytics)."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count, DecimalField, DurationField, ExpressionWrapper, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery,
    Sum, Value,
)
from django.db.models.functions import Coalesce, Concat, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.selectors import inventory_unit_list
from comptoir.core import cards, permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.selectors import reports_db
from comptoir.core.text import is_small_id
from comptoir.core.figures import check_period, month_bounds, percentage, period_bounds, to_cents
from comptoir.accounts.models import User
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_search_q, email_ratio_compute
from comptoir.sales.models import Opportunity, Pipeline, Stage, StageChange, Status

CONVERSION_DIMENSIONS = ("salesperson", "manager", "location", "source", "media", "product", "competitor",
                         "decision_month", "stage", "month")
_GROUPS = {
    # by → (key expression, label expression)
    "salesperson": ("salesperson_id", Concat(F("salesperson__first_name"), Value(" "), F("salesperson__last_name"))),
    "manager": ("salesperson__manager_id",
                Concat(F("salesperson__manager__first_name"), Value(" "), F("salesperson__manager__last_name"))),
    "location": ("location_id", F("location__name")),
    "source": ("source_id", F("source__name")),
    "media": ("media_id", F("media__name")),
    "product": ("product", F("product")),
    # A deal against two competitors counts in both groups; the total is counted once (by salesperson).
    "competitor": ("competitors__id", F("competitors__name")),
}


def pipeline_default() -> Pipeline | None:
    """The sales process a page opens on when none is chosen: the first active one an admin created
    (a dealership sets up its main process first, « Véhicules neufs » before « Pièces et service »),
    whatever the names' alphabetical order."""
    return Pipeline.objects.filter(active=True).order_by("pk").first()


def opportunity_visible(actor) -> QuerySet:
    """A salesperson sees the opportunities they own or are assigned to; managers, reception, admin all."""
    if permissions.can_see_team(actor) or permissions.can_see_all_customers(actor):
        return Opportunity.objects.all()
    assigned = Opportunity.assignees.through.objects.filter(user_id=actor.pk).values("opportunity_id")
    return Opportunity.objects.filter(Q(salesperson=actor) | Q(pk__in=assigned))


def _with_relations(queryset: QuerySet, *, case_card: bool = True) -> QuerySet:
    # PostgreSQL plans a join of nine tables in ~20 ms, ten times what it takes to run it on a million
    # rows: the big relations are joined, the short reference lists fetched by id beside (one query each).
    queryset = queryset.select_related("customer", "pipeline", "stage", "salesperson").prefetch_related(
        "source", "media", "location", "lost_reason")
    if not case_card:  # the board shows none of the case card's lists
        return queryset
    # Since when the deal sits at its stage: the case card's « jours à l'étape ».
    arrived = StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage=OuterRef("stage")).order_by(
        "-changed_at").values("changed_at")[:1]
    return queryset.prefetch_related("assignees", "competitors", "contacts").annotate(stage_since=Subquery(arrived))


def opportunity_list(*, actor, customer=None, salesperson=None, status=None, pipeline=None, stage=None,
                     q: str | None = None, decision_from: date | None = None, decision_to: date | None = None,
                     competitor=None, case_card: bool = True) -> QuerySet:
    queryset = opportunity_visible(actor)
    for field, value in (("customer_id", customer), ("salesperson_id", salesperson), ("status", status),
                         ("pipeline_id", pipeline), ("stage_id", stage),
                         ("expected_decision_date__gte", decision_from),
                         ("expected_decision_date__lte", decision_to)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if competitor is not None:
        queryset = queryset.filter(pk__in=Opportunity.competitors.through.objects.filter(
            competitor_id=competitor).values("opportunity_id"))
    if q and q.strip():
        text = q.strip()[:100]
        customers = Customer.objects.filter(customer_search_q(text)).values("pk")
        queryset = queryset.filter(Q(number__startswith=text.upper()) | Q(customer_id__in=customers))
    return _with_relations(queryset, case_card=case_card).order_by("-created_at", "-pk")


def board_cards(*, actor, pipeline, salesperson=None, status=None, source=None, location=None,
                created_from: date | None = None, created_to: date | None = None) -> QuerySet:
    """The sales board's cards: the opportunity list, with what the apps above add to each card in the
    same query (core.cards.annotations: activities' next open task, its due date and title)."""
    queryset = opportunity_list(actor=actor, pipeline=pipeline, status=status, salesperson=salesperson,
                                case_card=False)
    for field, value in (("source_id", source), ("location_id", location)):
        if value is not None:
            queryset = queryset.filter(**{field: value})
    if created_from is not None:
        queryset = queryset.filter(created_at__gte=period_bounds(created_from, created_from)[0])
    if created_to is not None:
        queryset = queryset.filter(created_at__lt=period_bounds(created_to, created_to)[1])
    # The next open task (due date, title) is activities', registered in core.cards: same query.
    return queryset.annotate(**cards.annotations(Opportunity._meta.label))


def board_team_figures(*, actor, year: int, month: int, salesperson=None) -> list[dict]:
    """The board's strip, one entry per salesperson for a calendar month: opportunities created,
    sales, closing rate (won / (won + lost) closed in the month), email ratio and points lost.
    One grouped query on opportunities, the email ratio's own, and the people."""
    start, end = month_bounds(year, month)
    scope = opportunity_visible(actor).using(reports_db()).filter(excluded=False, salesperson__isnull=False)
    if not permissions.can_see_team(actor):
        salesperson = actor.pk
    if salesperson is not None:
        scope = scope.filter(salesperson=salesperson)
    created = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (scope.filter(created | closed).values("salesperson")
            .annotate(created=Count("pk", filter=created), won=Count("pk", filter=closed & Q(status=Status.WON)),
                      lost=Count("pk", filter=closed & Q(status=Status.LOST)))
            .order_by())
    figures = {row["salesperson"]: row for row in rows}
    ratios = {row["user"]: row for row in email_ratio_compute(year=year, month=month, actor=actor)["by_salesperson"]
              if salesperson is None or row["user"] == salesperson}
    people = User.objects.filter(pk__in=set(figures) | set(ratios)).order_by("last_name", "first_name", "pk")
    strip = []
    for person in people:  # one entry per person, every figure already aggregated in SQL
        row = figures.get(person.pk, {"created": 0, "won": 0, "lost": 0})
        ratio = ratios.get(person.pk, {})
        strip.append({"person": person, "created": row["created"], "won": row["won"],
                      "closing_pct": percentage(row["won"], row["won"] + row["lost"]),
                      "email_ratio_pct": ratio.get("ratio_pct"), "points_lost": ratio.get("points_lost", 0)})
    return strip


def unit_rivals(opportunity: Opportunity) -> list[Opportunity]:
    """The other open or suspended deals on this deal's unit, with their salesperson (the card warns)."""
    if opportunity.unit_id is None:
        return []
    return list(Opportunity.objects.filter(unit_id=opportunity.unit_id, status__in=[Status.OPEN, Status.SUSPENDED])
                .exclude(pk=opportunity.pk).select_related("salesperson").order_by("created_at"))


# Open, suspended and won deals hold a unit: the lists show them beside it.
UNIT_HOLDING = (Status.OPEN, Status.SUSPENDED, Status.WON)


def unit_list(*, q: str | None = None, status: str | None = None, condition: str | None = None) -> QuerySet:
    """The lot as catalog.selectors.inventory_unit_list finds it, each unit with the deals holding it
    (`unit.holders`, newest first, with their salesperson): one query more, whatever the page's size."""
    holders = Opportunity.objects.filter(status__in=UNIT_HOLDING).select_related("salesperson").only(
        "pk", "number", "status", "unit_id", "salesperson__first_name", "salesperson__last_name",
        "salesperson__username").order_by("-created_at")
    return inventory_unit_list(q=q, status=status, condition=condition).prefetch_related(
        Prefetch("opportunities", queryset=holders, to_attr="holders"))


def unit_deals(*, actor, unit_id) -> list[dict]:
    """The unit card's deals, every one that ever named the unit, newest first: who held it and how it
    ended, for everyone on the floor; the customer's name only on the deals the user may open. Two
    queries."""
    deals = list(Opportunity.objects.filter(unit_id=unit_id).select_related(
        "customer", "salesperson", "stage").order_by("-created_at", "-pk"))
    mine = set(opportunity_visible(actor).filter(unit_id=unit_id).values_list("pk", flat=True))
    return [{"id": deal.pk, "number": deal.number, "status": deal.status, "stage_name": deal.stage.name,
             "salesperson": deal.salesperson.display_name if deal.salesperson_id else None,
             "customer_name": deal.customer.display_name if deal.pk in mine else None,
             "created_at": deal.created_at, "closed_at": deal.closed_at, "visible": deal.pk in mine,
             "status_label": deal.get_status_display()}
            for deal in deals]


def opportunity_get(*, actor, pk) -> Opportunity:
    opportunity = _with_relations(opportunity_visible(actor)).filter(pk=pk).first()
    if opportunity is None:
        raise NotFound()
    return opportunity


# --- Conversion -------------------------------------------------------------------------------

def _days(duration: timedelta | None, count: int) -> Decimal | None:
    if not count or duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400 / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _figures(won: int, lost: int, open_: int, suspended: int, won_amount, won_cost, days_sum) -> dict:
    won_amount, won_cost = to_cents(won_amount), to_cents(won_cost)
    return {
        "won": won, "lost": lost, "open": open_, "suspended": suspended,
        "conversion_pct": percentage(won, won + lost),
        "won_amount": won_amount,
        "avg_deal_size": to_cents(won_amount / won) if won else None,
        "avg_days_to_close": _days(days_sum, won),
        "margin": won_amount - won_cost,
    }


def _conversion_scope(actor, date_from: date, date_to: date):
    """What the conversion counts, once for the figures and for the deals behind them: the deals the
    actor may count, the period's bounds, and each outcome's condition. Won and lost: closed in the
    period; open and suspended: still so now, created before the period ended."""
    start, end = period_bounds(date_from, date_to)
    scope = opportunity_visible(actor).using(reports_db()).filter(excluded=False)
    if not permissions.can_see_team(actor):
        scope = scope.filter(salesperson=actor)
    outcomes = {
        "won": Q(status=Status.WON, closed_at__gte=start, closed_at__lt=end),
        "lost": Q(status=Status.LOST, closed_at__gte=start, closed_at__lt=end),
        "open": Q(status=Status.OPEN, created_at__lt=end),
        "suspended": Q(status=Status.SUSPENDED, created_at__lt=end),
    }
    return scope, start, end, outcomes


OUTCOMES = ("won", "lost", "open", "suspended")
NO_GROUP = ""


def conversion_deals(*, actor, date_from: date, date_to: date, by: str, outcome: str, group=None) -> QuerySet:
    """The deals behind one figure of the conversion: `outcome` of the group `group` (None: every
    group; NO_GROUP: the deals without one). For `by=stage`, the funnel's cohort: created in the
    period and now at that stage."""
    check_period(date_from, date_to)
    scope, start, end, outcomes = _conversion_scope(actor, date_from, date_to)
    if by == "stage":
        scope = scope.filter(created_at__gte=start, created_at__lt=end)
        outcome_q = Q(status=outcome)
    else:
        outcome_q = outcomes[outcome]
    scope = scope.filter(outcome_q)
    if group is not None:
        if by in ("month", "decision_month"):
            if by == "decision_month" and group == NO_GROUP:
                return _with_relations(scope.filter(expected_decision_date__isnull=True)).order_by(
                    "-closed_at", "-created_at", "-pk")
            try:
                year, month = (int(part) for part in str(group).split("-"))
                month_start, month_end = month_bounds(year, month)
            except ValueError:
                return scope.none()
            if by == "month":
                scope = scope.filter(closed_at__gte=month_start, closed_at__lt=month_end)
            else:
                scope = scope.filter(expected_decision_date__gte=timezone.localtime(month_start).date(),
                                     expected_decision_date__lt=timezone.localtime(month_end).date())
        else:
            field = "stage_id" if by == "stage" else _GROUPS[by][0]
            if group == NO_GROUP:
                scope = scope.filter(**{f"{field}__isnull": True} if field != "product" else {"product": ""})
            elif by == "competitor" and is_small_id(group):
                scope = scope.filter(pk__in=Opportunity.competitors.through.objects.filter(
                    competitor_id=int(group)).values("opportunity_id"))
            elif field == "product":
                scope = scope.filter(product=group)
            elif is_small_id(group):
                scope = scope.filter(**{field: int(group)})
            else:
                return scope.none()
    return _with_relations(scope).order_by("-closed_at", "-created_at", "-pk")


def conversion_funnel(*, actor, date_from: date, date_to: date) -> dict:
    """The funnel alone (`by=stage` without the period's overall rate): the analytics page draws it
    beside a conversion it has already computed."""
    check_period(date_from, date_to)
    scope, start, end, _outcomes = _conversion_scope(actor, date_from, date_to)
    return _funnel(scope, start, end, date_from, date_to)


def conversion_compute(*, actor, date_from: date, date_to: date, by: str) -> dict:
    """DESIGN: won / (won + lost) over opportunities closed in the period; open ones counted beside
    (those open now and created before the period ended), excluded ones nowhere. One grouped query;
    the overall figures add the groups up."""
    check_period(date_from, date_to)
    scope, start, end, outcomes = _conversion_scope(actor, date_from, date_to)
    if by == "stage":
        funnel = _funnel(scope, start, end, date_from, date_to)
        # The rate beside the funnel is the period's, as for every other dimension.
        funnel["overall"] = conversion_compute(actor=actor, date_from=date_from, date_to=date_to,
                                               by="salesperson")["overall"]
        return funnel
    closed = outcomes["won"] | outcomes["lost"]
    won, open_now, suspended_now = outcomes["won"], outcomes["open"], outcomes["suspended"]
    if by == "month":
        key, label = TruncMonth("closed_at", tzinfo=timezone.get_default_timezone()), None
        scope = scope.filter(closed)
    elif by == "decision_month":
        key, label = TruncMonth("expected_decision_date"), None
        scope = scope.filter(closed | open_now | suspended_now)
    else:
        key, label = _GROUPS[by]
        scope = scope.filter(closed | open_now | suspended_now)
    duration = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    money = DecimalField(max_digits=18, decimal_places=2)
    measures = {
        "n_won": Count("pk", filter=won),
        "n_lost": Count("pk", filter=outcomes["lost"]),
        "n_open": Count("pk", filter=open_now),
        "n_suspended": Count("pk", filter=suspended_now),
        "won_amount": Coalesce(Sum("amount", filter=won), Value(Decimal("0")), output_field=money),
        "won_cost": Coalesce(Sum("cost", filter=won), Value(Decimal("0")), output_field=money),
        "days": Sum(duration, filter=won),
    }
    rows = (
        scope.annotate(group_key=key if not isinstance(key, str) else F(key))
        .values("group_key")
        .annotate(**measures, **({"group_label": Max(label)} if label is not None else {}))
        .order_by("group_key")
    )
    groups, totals = [], {"won": 0, "lost": 0, "open": 0, "suspended": 0, "amount": Decimal("0"),
                          "cost": Decimal("0"), "days": timedelta(0)}
    for row in rows:  # one row per group, already aggregated in SQL
        key_value = row["group_key"]
        if by == "month":
            key_value = timezone.localtime(key_value).strftime("%Y-%m") if key_value else None
            group_label = key_value
        elif by == "decision_month":
            key_value = key_value.strftime("%Y-%m") if key_value else None
            group_label = key_value
        else:
            group_label = (row.get("group_label") or "").strip() or None
        groups.append({"key": key_value, "label": group_label,
                       **_figures(row["n_won"], row["n_lost"], row["n_open"], row["n_suspended"],
                                  row["won_amount"], row["won_cost"], row["days"])})
        totals["won"] += row["n_won"]
        totals["lost"] += row["n_lost"]
        totals["open"] += row["n_open"]
        totals["suspended"] += row["n_suspended"]
        totals["amount"] += row["won_amount"] or 0
        totals["cost"] += row["won_cost"] or 0
        totals["days"] += row["days"] or timedelta(0)
    overall = _figures(totals["won"], totals["lost"], totals["open"], totals["suspended"], totals["amount"],
                       totals["cost"], totals["days"])
    if by == "competitor":  # a deal may sit in several groups: the total counts each deal once
        row = scope.aggregate(**measures)
        overall = _figures(row["n_won"], row["n_lost"], row["n_open"], row["n_suspended"], row["won_amount"],
                           row["won_cost"], row["days"])
    return {"from": date_from, "to": date_to, "by": by, "overall": overall, "groups": groups}


def _funnel(scope: QuerySet, start, end, date_from, date_to) -> dict:
    """`by=stage`: of the opportunities created in the period, how many reached each stage and how
    many went on to the next one. A won deal has reached every stage of its pipeline."""
    cohort = scope.filter(created_at__gte=start, created_at__lt=end).annotate(
        furthest=Coalesce(Subquery(
            StageChange.objects.filter(opportunity=OuterRef("pk")).order_by().values("opportunity")
            .annotate(top=Max("to_stage__order")).values("top")
        ), 0),
    )
    stages = list(Stage.objects.using(cohort.db).filter(pipeline__in=cohort.values("pipeline"))
                  .select_related("pipeline")
                  .order_by("pipeline__name", "order"))
    reached = {}
    for stage in stages:
        reached_q = Q(pipeline_id=stage.pipeline_id) & (Q(furthest__gte=stage.order) | Q(status=Status.WON))
        reached[f"r{stage.pk}"] = Count("pk", filter=reached_q)
        reached[f"w{stage.pk}"] = Count("pk", filter=Q(pipeline_id=stage.pipeline_id, stage_id=stage.pk,
                                                       status=Status.WON))
        reached[f"l{stage.pk}"] = Count("pk", filter=Q(pipeline_id=stage.pipeline_id, stage_id=stage.pk,
                                                       status=Status.LOST))
        reached[f"o{stage.pk}"] = Count("pk", filter=Q(pipeline_id=stage.pipeline_id, stage_id=stage.pk,
                                                       status=Status.OPEN))
        reached[f"won{stage.pipeline_id}"] = Count("pk", filter=Q(pipeline_id=stage.pipeline_id, status=Status.WON))
    counts = cohort.aggregate(**reached) if stages else {}
    groups = []
    for index, stage in enumerate(stages):
        following = stages[index + 1] if index + 1 < len(stages) and stages[index + 1].pipeline_id == \
            stage.pipeline_id else None
        here = counts[f"r{stage.pk}"]
        # After the last stage comes the sale: every won deal of the pipeline went on from it.
        onward = counts[f"r{following.pk}"] if following else counts[f"won{stage.pipeline_id}"]
        groups.append({
            "key": stage.pk, "label": f"{stage.pipeline.name} · {stage.name}",
            "won": counts[f"w{stage.pk}"], "lost": counts[f"l{stage.pk}"], "open": counts[f"o{stage.pk}"],
            "suspended": None,
            "reached": here, "reached_next": onward, "conversion_pct": percentage(onward, here),
            "won_amount": None, "avg_deal_size": None, "avg_days_to_close": None, "margin": None,
        })
    return {"from": date_from, "to": date_to, "by": "stage", "overall": None, "groups": groups}


# --- Planning ---------------------------------------------------------------------------------

PLAN_DAYS = 90
SALES_STEP = _("Ventes")


def _needed(target: int, measured: int, won: int) -> int | None:
    """DESIGN (planning): 5 sales from 50 calls means 25 sales need 250 calls (rounded up)."""
    if not won:
        return None
    return -(-target * measured // won)


def plan_compute(*, actor, target_sales: int, pipeline, by: str | None = None) -> dict:
    """From the last 90 days of one pipeline: how many opportunities reached each stage per sale
    won, so how many each stage needs for `target_sales`. Overall, and per salesperson when asked.
    One grouped query over the stage history."""
    end = timezone.now()
    start = end - timedelta(days=PLAN_DAYS)
    cohort = opportunity_visible(actor).using(reports_db()).filter(excluded=False, pipeline=pipeline,
                                               created_at__gte=start, created_at__lt=end)
    if not permissions.can_see_team(actor):
        cohort = cohort.filter(salesperson=actor)
    cohort = cohort.annotate(furthest=Coalesce(Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk")).order_by().values("opportunity")
        .annotate(top=Max("to_stage__order")).values("top")
    ), 0))
    stages = list(pipeline.stages.using(cohort.db).order_by("order"))
    counts = {f"r{s.pk}": Count("pk", filter=Q(furthest__gte=s.order) | Q(status=Status.WON)) for s in stages}
    counts["won"] = Count("pk", filter=Q(status=Status.WON))

    def steps(row) -> list[dict]:
        return [{"key": s.pk, "label": s.name, "measured": row[f"r{s.pk}"],
                 "needed": _needed(target_sales, row[f"r{s.pk}"], row["won"])} for s in stages] + [
            {"key": "won", "label": str(SALES_STEP), "measured": row["won"], "needed": target_sales}]

    overall = cohort.aggregate(**counts)
    result = {"from": timezone.localtime(start).date(), "to": timezone.localtime(end).date(),
              "pipeline": pipeline.pk, "target_sales": target_sales, "won": overall["won"],
              "steps": steps(overall), "groups": []}
    if by == "salesperson":
        rows = (cohort.values("salesperson")
                .annotate(label=Max(Concat(F("salesperson__first_name"), Value(" "), F("salesperson__last_name"))),
                          **counts)
                .order_by("salesperson"))
        result["groups"] = [{"key": row["salesperson"], "label": (row["label"] or "").strip() or None,
                             "won": row["won"], "steps": steps(row)} for row in rows]
    return result
