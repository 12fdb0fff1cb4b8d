"""Conversion analytics: won / (won + lost) by every dimension, the funnel, the deals behind a
figure (DESIGN: analytics)."""

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import (
    Count, DecimalField, DurationField, ExpressionWrapper, F, Func, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value,
)
from django.db.models.functions import Coalesce, Concat, TruncMonth
from django.utils import timezone

from comptoir.core import permissions
from comptoir.core.figures import CENT, check_period, month_bounds, percentage, period_bounds
from comptoir.core.selectors import reports_db
from comptoir.core.text import is_small_id
from comptoir.sales.models import Opportunity, Stage, StageChange, Status
from comptoir.sales.selectors.opportunities import _with_relations, opportunity_visible

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



DAY_US = 86_400_000_000
MONEY_SUM = DecimalField(max_digits=18, decimal_places=2)


class _SQLiteDuration(Func):
    """closed_at − created_at in whole microseconds on SQLite, with its own functions: Django's subtraction
    calls a Python function for every row (half of conversion's time there). SQLite keeps a moment as
    « YYYY-MM-DD HH:MM:SS[.ffffff] » in UTC: whole seconds from strftime('%s') (exact), the microseconds
    from the text."""

    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.source_expressions)

        def micro(column):
            return f"(CAST(strftime('%%s', {column}) AS INTEGER) * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"

        return f"({micro(later)} - {micro(earlier)})", (*later_params, *later_params, *earlier_params,
                                                        *earlier_params)


def _cents(amount: Decimal | None) -> int:
    """A sum of money in whole cents, rounded half-up (SQLite's float sums carry more decimals)."""
    return int(amount.quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2)) if amount is not None else 0


def _integers(measures) -> tuple:
    """A group's sums as integers: counts, then the won amount and cost in cents and the days to close in
    microseconds (a timedelta: exact)."""
    won, lost, open_, suspended, amount, cost, days = measures
    return (won, lost, open_, suspended, _cents(amount), _cents(cost),
            (days.days * 86_400 + days.seconds) * 1_000_000 + days.microseconds if days is not None else 0)


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, for non-negative integers (exact: no float, no Decimal)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _figures(won: int, lost: int, open_: int, suspended: int, won_cents: int, cost_cents: int, days_us: int) -> dict:
    """A group's figures from its integer measures (issue 25: cents and microseconds, so a group costs a few
    integer operations, no Decimal division or timedelta arithmetic): the same half-up roundings as
    core.figures, to the cent, to the hundredth of a percent and to the tenth of a day."""
    closed = won + lost
    return {
        "won": won, "lost": lost, "open": open_, "suspended": suspended,
        "conversion_pct": Decimal(_half_up(10_000 * won, closed)).scaleb(-2) if closed else None,
        "won_amount": Decimal(won_cents).scaleb(-2),
        "avg_deal_size": Decimal(_half_up(won_cents, won)).scaleb(-2) if won else None,
        "avg_days_to_close": Decimal(_half_up(10 * days_us, DAY_US * won)).scaleb(-1) if won else None,
        "margin": Decimal(won_cents - cost_cents).scaleb(-2),
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


def _deals_scope(*, actor, date_from: date, date_to: date, by: str, outcome: str, group=None) -> QuerySet:
    """The deals behind one figure, unordered and without their relations."""
    check_period(date_from, date_to)
    scope, start, end, outcomes = _conversion_scope(actor, date_from, date_to)
    if by == "stage":
        scope = scope.filter(created_at__gte=start, created_at__lt=end)
        outcome_q = Q(status=outcome)
    else:
        outcome_q = outcomes[outcome]
    scope = scope.filter(outcome_q)
    if group is None:
        return scope
    if by in ("month", "decision_month"):
        if by == "decision_month" and group == NO_GROUP:
            return scope.filter(expected_decision_date__isnull=True)
        try:
            year, month = (int(part) for part in str(group).split("-"))
            month_start, month_end = month_bounds(year, month)
        except ValueError:
            return scope.none()
        if by == "month":
            return scope.filter(closed_at__gte=month_start, closed_at__lt=month_end)
        return scope.filter(expected_decision_date__gte=timezone.localtime(month_start).date(),
                            expected_decision_date__lt=timezone.localtime(month_end).date())
    field = "stage_id" if by == "stage" else _GROUPS[by][0]
    if group == NO_GROUP:
        return scope.filter(**{f"{field}__isnull": True} if field != "product" else {"product": ""})
    if by == "competitor" and is_small_id(group):
        return scope.filter(pk__in=Opportunity.competitors.through.objects.filter(
            competitor_id=int(group)).values("opportunity_id"))
    if field == "product":
        return scope.filter(product=group)
    if is_small_id(group):
        return scope.filter(**{field: int(group)})
    return scope.none()


DEALS_ORDER = ("-closed_at", "-created_at", "-pk")


def conversion_deals(*, actor, date_from: date, date_to: date, by: str, outcome: str, group=None) -> QuerySet:
    """The deals behind one figure of the conversion: `outcome` of the group `group` (None: every
    group; NO_GROUP: the deals without one). For `by=stage`, the funnel's cohort: created in the
    period and now at that stage."""
    scope = _deals_scope(actor=actor, date_from=date_from, date_to=date_to, by=by, outcome=outcome, group=group)
    return _with_relations(scope).order_by(*DEALS_ORDER)


# The export's plain values, in this order: no model per row, the related names joined in the same query.
DEAL_EXPORT_FIELDS = ("number", "customer__first_name", "customer__last_name", "customer__company", "customer_id",
                      "salesperson__first_name", "salesperson__last_name", "salesperson__username", "product",
                      "stage__name", "status", "amount", "currency", "created_at", "closed_at")


def conversion_deal_rows(*, actor, date_from: date, date_to: date, by: str, outcome: str, group=None,
                         chunk_size: int = 2000) -> Iterator[tuple]:
    """The same deals as conversion_deals, for an export: tuples of DEAL_EXPORT_FIELDS read `chunk_size`
    at a time through one query (a cursor, not a list), so 100,000 deals never sit in memory."""
    scope = _deals_scope(actor=actor, date_from=date_from, date_to=date_to, by=by, outcome=outcome, group=group)
    return scope.order_by(*DEALS_ORDER).values_list(*DEAL_EXPORT_FIELDS).iterator(chunk_size=chunk_size)


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
    measures = {
        "n_won": Count("pk", filter=won),
        "n_lost": Count("pk", filter=outcomes["lost"]),
        "n_open": Count("pk", filter=open_now),
        "n_suspended": Count("pk", filter=suspended_now),
        # The sums as the database keeps them (what hand-written SQL would sum); each group's turned into
        # whole cents and microseconds below, a few integer operations.
        # 18 digits, as always: SQLite sums decimals as floats, and the digits kept before rounding to the
        # cent decide the last cent of a sum of millions.
        "won_amount": Sum("amount", filter=won, output_field=MONEY_SUM),
        "won_cost": Sum("cost", filter=won, output_field=MONEY_SUM),
        "days": Sum(_SQLiteDuration("closed_at", "created_at") if connections[scope.db].vendor == "sqlite" else
                    ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()), filter=won),
    }
    names = ("n_won", "n_lost", "n_open", "n_suspended", "won_amount", "won_cost", "days")
    # Issue 25: no ORDER BY on the grouped statement (it turned PostgreSQL's hash aggregation into a sort of
    # every row); the groups, a few thousand at most, are put in the key's order here, NULL where the
    # database put it (last on PostgreSQL, first on SQLite). Products are text: the database's collation
    # orders them, as before.
    grouped = scope.annotate(group_key=key if not isinstance(key, str) else F(key)).values("group_key") \
        .annotate(**measures, **({"group_label": Max(label)} if label is not None else {}))
    fields = ("group_key", *names, *(("group_label",) if label is not None else ()))
    if by == "product":
        rows = list(grouped.order_by("group_key").values_list(*fields))
    else:
        nulls_first = connections[scope.db].vendor != "postgresql"
        rows = sorted(grouped.order_by().values_list(*fields),
                      key=lambda row: (row[0] is not None if nulls_first else row[0] is None, row[0] or 0))
    groups, measured = [], []
    for row in rows:  # one row per group, already aggregated in SQL
        measured.append(_integers(row[1:8]))
        key_value = row[0]
        if by == "month":
            key_value = timezone.localtime(key_value).strftime("%Y-%m") if key_value else None
            group_label = key_value
        elif by == "decision_month":
            key_value = key_value.strftime("%Y-%m") if key_value else None
            group_label = key_value
        else:
            group_label = (row[8] or "").strip() or None
        groups.append({"key": key_value, "label": group_label, **_figures(*measured[-1])})
    if by == "competitor":  # a deal may sit in several groups: the total counts each deal once
        totals = scope.aggregate(**measures)
        overall = _figures(*_integers([totals[name] for name in names]))
    else:  # the groups add up (the money as read, then to the cent, as one sum of every deal would be)
        money = [sum((row[index] for row in rows if row[index] is not None), Decimal("0")) for index in (5, 6)]
        counts = [sum(row[index] for row in measured) for index in (0, 1, 2, 3, 6)]
        overall = _figures(*counts[:4], _cents(money[0]), _cents(money[1]), counts[4])
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
