"""/analytics: figures computed by SQL aggregation in each app's selectors."""

from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.core.api import ERRORS
from comptoir.customers.selectors import email_ratio_compute

router = Router(tags=["analytics"])


class RatioTotals(Schema):
    created: int
    with_valid_email: int
    ratio_pct: Decimal | None


class RatioRow(RatioTotals):
    user: int
    label: str
    points_lost: int


class EmailRatioOut(Schema):
    month: str
    target_pct: Decimal
    overall: RatioTotals
    by_salesperson: list[RatioRow]


@router.get("/email-ratio", response={200: EmailRatioOut, **ERRORS},
            summary="Email ratio per salesperson for a month (default: this month, America/Toronto); "
                    "a salesperson gets their own row beside the team's total")
def email_ratio(request, month: str | None = Query(None, pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$")):
    if month:
        year, month_number = (int(part) for part in month.split("-"))
    else:
        today = timezone.localdate()
        year, month_number = today.year, today.month
    return email_ratio_compute(year=year, month=month_number, actor=request.user)
