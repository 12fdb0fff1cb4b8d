"""Small arithmetic shared by every figure: percentages and local periods (America/Toronto)."""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

CENT = Decimal("0.01")


def percentage(part, whole) -> Decimal | None:
    """part / whole × 100, two decimals rounded half-up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00, the day after `to` 00:00) in the site's time zone."""
    return local_midnight(date_from), local_midnight(date_to + timedelta(days=1))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """A calendar month in the site's time zone."""
    return local_midnight(date(year, month, 1)), local_midnight(date(year + (month == 12), month % 12 + 1, 1))
