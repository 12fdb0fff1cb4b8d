"""/analytics: figures computed by SQL aggregation in each app's selectors."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from comptoir.analytics.exports import conversion_export, email_ratio_export, plan_export
from comptoir.core.api import ERRORS
from comptoir.core.figures import default_period
from comptoir.core.exceptions import ApplicationError
from comptoir.customers.selectors import email_ratio_compute
from comptoir.core.schemas import Id, RowSchema
from comptoir.sales.models import Pipeline
from comptoir.sales.selectors import conversion_compute, pipeline_default, plan_compute

router = Router(tags=["analytics"])
NO_PIPELINE = _("Aucun processus de vente de ce numéro.")


class RatioTotals(RowSchema):
    created: int
    with_valid_email: int
    ratio_pct: Decimal | None


class RatioRow(RatioTotals):
    user: int
    label: str
    points_lost: int


class EmailRatioOut(RowSchema):
    month: str
    target_pct: Decimal
    overall: RatioTotals
    by_salesperson: list[RatioRow]


@router.get("/email-ratio", response={200: EmailRatioOut, **ERRORS},
            summary="Email ratio per salesperson for a month (default: this month, America/Toronto); "
                    "a salesperson gets their own row beside the team's total; ?format=csv or xlsx as a file")
def email_ratio(request, month: str | None = Query(None, pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"),
                format: Literal["json", "csv", "xlsx"] = "json"):
    if month:
        year, month_number = (int(part) for part in month.split("-"))
    else:
        today = timezone.localdate()
        year, month_number = today.year, today.month
    result = email_ratio_compute(year=year, month=month_number, actor=request.user)
    if format != "json":
        return email_ratio_export(request, result, format)
    return result


class ConversionFigures(RowSchema):
    won: int
    lost: int
    open: int
    suspended: int | None = None
    conversion_pct: float | None = Field(description="A number with two decimals (API.md), null when nothing closed")
    won_amount: Decimal | None
    avg_deal_size: Decimal | None
    avg_days_to_close: Decimal | None
    margin: Decimal | None


class ConversionGroup(ConversionFigures):
    key: int | str | None
    label: str | None
    reached: int | None = None
    reached_next: int | None = None


class ConversionOut(RowSchema):
    from_: date = Field(alias="from")
    to: date
    by: str
    overall: ConversionFigures
    groups: list[ConversionGroup]


@router.get("/conversion", response={200: ConversionOut, **ERRORS}, by_alias=True,
            summary="Conversion = won / (won + lost) of deals closed in the period, by a dimension; "
                    "?format=csv or xlsx for the same table as a file in the caller's language")
def conversion(request, by: Literal["salesperson", "manager", "location", "source", "media", "product", "competitor",
                                    "decision_month", "stage", "month"] = "salesperson",
               date_from: date | None = Query(None, alias="from"), date_to: date | None = Query(None, alias="to"),
               format: Literal["json", "csv", "xlsx"] = "json"):
    date_from, date_to = default_period(date_from, date_to)
    result = conversion_compute(actor=request.user, date_from=date_from, date_to=date_to, by=by)
    if format != "json":
        return conversion_export(request, result, format)
    return result


class PlanStep(Schema):
    key: int | str
    label: str
    measured: int
    needed: int | None


class PlanGroup(Schema):
    key: int | None
    label: str | None
    won: int
    steps: list[PlanStep]


class PlanOut(Schema):
    from_: date = Field(alias="from")
    to: date
    pipeline: int
    target_sales: int
    won: int
    steps: list[PlanStep]
    groups: list[PlanGroup]


@router.get("/plan", response={200: PlanOut, **ERRORS}, by_alias=True,
            summary="How many opportunities each stage needs for a sales target, from the last 90 days")
def plan(request, target_sales: int = Query(..., ge=1, le=1_000_000), pipeline: Id | None = None,
         by: Literal["salesperson"] | None = None, format: Literal["json", "csv", "xlsx"] = "json"):
    chosen = Pipeline.objects.filter(pk=pipeline).first() if pipeline else \
        pipeline_default()
    if chosen is None:
        raise ApplicationError(NO_PIPELINE, field="pipeline", status=404)
    result = plan_compute(actor=request.user, target_sales=target_sales, pipeline=chosen, by=by)
    return plan_export(request, result, format) if format != "json" else result
