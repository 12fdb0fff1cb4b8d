"""Vehicle identification numbers (ISO 3779; the check digit of 49 CFR 565 for North America)."""

from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError

BAD_VIN = _("NIV invalide : le chiffre de contrôle (9e caractère) ne correspond pas aux autres caractères.")
BAD_VIN_LETTERS = _("NIV invalide : un NIV nord-américain n'a que des chiffres et des lettres, sans I, O ni Q.")

_VALUES = {**{str(d): d for d in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
           **dict(zip("STUVWXYZ", range(2, 10)))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
NORTH_AMERICA = "12345"  # the world manufacturer identifier's first character: USA, Canada, Mexico


def vin_check_digit(vin: str) -> str:
    """The 9th character a 17-character VIN must carry: Σ value × weight mod 11, 10 written X."""
    remainder = sum(_VALUES[char] * weight for char, weight in zip(vin, _WEIGHTS)) % 11
    return "X" if remainder == 10 else str(remainder)


def serial_clean(value) -> str:
    """A unit's serial as stored: trimmed and upper-cased. A North American VIN (17 characters, first
    one 1 to 5) must carry its check digit; any other serial (European VIN, hull or engine number,
    a trailer's plate) is kept as typed."""
    serial = str(value or "").strip().upper()
    if len(serial) == 17 and serial[0] in NORTH_AMERICA:
        if any(char not in _VALUES for char in serial):
            raise ApplicationError(BAD_VIN_LETTERS, field="serial")
        if serial[8] != vin_check_digit(serial):
            raise ApplicationError(BAD_VIN, field="serial")
    return serial
