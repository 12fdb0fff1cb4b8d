"""Planning: how many deals each stage needs for a sales target, from the last 90 days' rates
(DESIGN: analytics)."""

from datetime import timedelta

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.selectors import reports_db
from comptoir.sales.models import StageChange, Status
from comptoir.sales.selectors.opportunities import opportunity_visible

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
