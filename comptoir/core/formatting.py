"""Figures as people read them, in the active language: the one place money is written out.

Grouping and decimals come from the language's format module (comptoir/formats, then Django's):
fr-CA `1 234,50 $`, en `$1,234.50`, pl `1 234,50 $` (the spaces are no-break spaces, so an
amount never wraps inside a table cell)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, translation

from comptoir.core.figures import to_cents

# A sign people know beats the ISO code; anything else is written as its code ("1 234,50 CHF").
CURRENCY_SIGNS = {"CAD": "$", "USD": "$", "EUR": "€", "PLN": "zł"}
# Languages that put the sign before the number, minus sign first: -$1,234.50.
SIGN_FIRST = ("en",)
NO_VALUE = "—"


def money_text(amount, currency: str, *, language: str | None = None) -> str:
    """'2 586,93 $' in French and Polish, '$2,586.93' in English: the language's grouping and
    decimals, two decimals always. `language` defaults to the active one."""
    amount = to_cents(Decimal(amount))  # half-up, like every amount typed (core.figures)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    sign = CURRENCY_SIGNS.get((currency or "").upper(), currency or "")
    with translation.override(language):
        number = formats.number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
    minus = "-" if amount < 0 else ""
    if language.split("-")[0] in SIGN_FIRST:
        # A sign made of letters (a currency code, zł) is kept apart from the digits: CHF 1,234.50.
        return f"{minus}{sign}\u00a0{number}" if sign.isalpha() else f"{minus}{sign}{number}"
    return f"{minus}{number}\u00a0{sign}"


def money_or_dash(amount, currency: str, *, language: str | None = None) -> str:
    """money_text, or a dash where there is no amount (None, empty, not a number)."""
    if amount is None or amount == "":
        return NO_VALUE
    try:
        return money_text(amount, currency, language=language)
    except (InvalidOperation, TypeError, ValueError):
        return NO_VALUE
