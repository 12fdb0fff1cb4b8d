"""Small arithmetic shared by every figure: percentages and local periods (America/Toronto)."""

import re
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError
from comptoir.core.text import is_small_id

PERIOD_OUT_OF_RANGE = _("La période doit tenir entre 1900 et 2999.")
PERIOD_BACKWARDS = _("La période commence après sa fin.")
BAD_DATE = _("Date illisible : AAAA-MM-JJ (p. ex. 2026-03-01), avec ou sans l'heure.")
NEGATIVE_MONEY = _("Le montant ne peut pas être négatif.")
BAD_MONEY = _("Montant illisible : un nombre comme 24999.99.")

BAD_ODOMETER = _("L'odomètre est un nombre entier de kilomètres.")

MAX_MONEY = Decimal("999999999999.99")  # what a 14-digit, 2-decimal column holds
MAX_ODOMETER_KM = 9_999_999

CENT = Decimal("0.01")


def percentage(part, whole) -> Decimal | None:
    """part / whole × 100, two decimals rounded half-up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value) -> Decimal:
    """Money rounded half-up to the cent (None counts as zero)."""
    return (value or Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)


def money_clean(value, *, field: str) -> Decimal | None:
    """A money amount as typed or imported ("24999.99", 24999.99, " 1054 "): a non-negative
    Decimal rounded half-up to the cent; None stays None; anything else is the field's error."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApplicationError(BAD_MONEY, field=field) from None
    if not amount.is_finite() or amount > MAX_MONEY:
        raise ApplicationError(BAD_MONEY, field=field)
    if amount < 0:
        raise ApplicationError(NEGATIVE_MONEY, field=field)
    return to_cents(amount)


def odometer_clean(value, *, field: str) -> int | None:
    """Kilometres as typed or exported (« 48 250 », « 48,250 », « 48250 km ») → 48250; nothing → None.
    A unit's odometer and a trade-in's read the same way."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ApplicationError(BAD_ODOMETER, field=field)
    text = re.sub(r"[\s\u202f\xa0]", "", str(value).lower()).removesuffix("km")
    if re.fullmatch(r"\d{1,3}([,.']\d{3})+", text):  # thousands grouped the English or the Polish way
        text = re.sub(r"[,.']", "", text)
    if not is_small_id(text) or int(text) > MAX_ODOMETER_KM:
        raise ApplicationError(BAD_ODOMETER, field=field)
    return int(text)


def moment_clean(value, *, field: str) -> datetime | None:
    """A date or date-time from a file or a form. A bare date (no time) is stored at 12:00 UTC: the
    same calendar day in the Americas and in Europe, and whole days between two such dates."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(12), tzinfo=dt_timezone.utc)
    else:
        text = str(value).strip().replace("/", "-")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ApplicationError(BAD_DATE, field=field) from None
        if len(text) <= 10:
            moment = moment.replace(hour=12, tzinfo=dt_timezone.utc)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not 1900 <= moment.year <= 2999:
        raise ApplicationError(BAD_DATE, field=field)
    return moment


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day from its midnight to the next, in the active time zone (the user's): « today » of a
    page, a list or a count."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


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


REPORT_DAYS = 90


def default_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """A report's period when it is not given: the last 90 days to today (America/Toronto)."""
    date_to = date_to or timezone.localdate()
    return date_from or date_to - timedelta(days=REPORT_DAYS - 1), date_to
