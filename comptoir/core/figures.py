"""Small arithmetic shared by every figure: percentages and local periods (America/Toronto)."""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError

PERIOD_OUT_OF_RANGE = _("La période doit tenir entre 1900 et 2999.")
PERIOD_BACKWARDS = _("La période commence après sa fin.")

CENT = Decimal("0.01")


def percentage(part, whole) -> Decimal | None:
    """part / whole × 100, two decimals rounded half-up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value) -> Decimal:
    """Money rounded half-up to the cent (None counts as zero)."""
    return (value or Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ApplicationError(PERIOD_BACKWARDS, field="from")
    if date_from.year < 1900 or date_to.year > 2999:
        raise ApplicationError(PERIOD_OUT_OF_RANGE, field="from" if date_from.year < 1900 else "to")


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[from 00:00, the day after `to` 00:00) in the site's time zone."""
    return local_midnight(date_from), local_midnight(date_to + timedelta(days=1))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """A calendar month in the site's time zone."""
    return local_midnight(date(year, month, 1)), local_midnight(date(year + (month == 12), month % 12 + 1, 1))
