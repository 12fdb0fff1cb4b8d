"""A customer's email and phones: cleaning what a user typed, fakes refused, numbers in E.164."""

import fnmatch
import re
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import digits
from comptoir.customers.models import Customer, CustomerPhone, EmailStatus, PhoneKind

FAKE_EMAIL = _(
    "Cette adresse est fictive (« %(pattern)s ») : il faut le vrai courriel du client, "
    "ou « aucun courriel » s'il n'en a vraiment pas."
)
BAD_EMAIL = _("Adresse courriel invalide.")
BAD_PHONE = _("Numéro de téléphone illisible : « %(number)s ».")
BAD_PHONE_KIND = _("Type de téléphone inconnu : mobile, home, work ou other.")
TOO_MANY_PHONES = _("Dix numéros au plus par client.")

MAX_PHONES = 10


# --- Email ------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _fake_matcher(patterns: tuple[str, ...]):
    """One compiled expression for the settings' fake-address patterns (an import checks millions)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p if '@' in p else '*@' + p)})" for p in patterns))


def _fake_pattern(email: str, patterns: list[str]) -> str | None:
    matcher = _fake_matcher(tuple(patterns))
    if matcher is None or not matcher.match(email):
        return None
    domain = email.rpartition("@")[2]
    for pattern in patterns:
        target = email if "@" in pattern else domain
        if fnmatch.fnmatchcase(target, pattern):
            return pattern
    return None


# A plain ASCII address email-validator accepts unchanged (tested against it, property-based):
# atoms of letters, digits, _ + - joined by single dots; domain labels of letters, digits and inner
# hyphens (no "--", which could be punycode); a TLD of letters that is not a special-use name.
_PLAIN_EMAIL = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_SPECIAL_USE_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test"}


def _plain_email(email: str) -> bool:
    local, _at, domain = email.partition("@")
    return (len(email) <= 254 and len(local) <= 64 and len(domain) <= 253 and "--" not in domain
            and _PLAIN_EMAIL.fullmatch(email) is not None and domain.rpartition(".")[2] not in _SPECIAL_USE_TLDS)


def email_clean(raw: str | None, *, field: str = "email", site=None) -> tuple[str, str]:
    """(address, status) for what a user typed: trimmed, lowercased, syntax-checked, fakes refused.
    `site` spares a bulk caller one settings read per row."""
    email = (raw or "").strip().lower()
    if not email:
        return "", EmailStatus.MISSING
    site = site or site_settings_get()
    if email.endswith("@" + site.placeholder_email_domain):
        # Only `no_email` makes a placeholder; typing one (someone else's) is a fake address.
        raise ApplicationError(FAKE_EMAIL % {"pattern": site.placeholder_email_domain}, field=field,
                               code="fake_email")
    pattern = _fake_pattern(email, site.fake_email_patterns)
    if pattern is not None:
        raise ApplicationError(FAKE_EMAIL % {"pattern": pattern}, field=field, code="fake_email")
    if not _plain_email(email):
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ApplicationError(BAD_EMAIL, field=field, code="bad_email") from None
    pattern = _fake_pattern(email, site.fake_email_patterns)
    if pattern is not None:
        raise ApplicationError(FAKE_EMAIL % {"pattern": pattern}, field=field, code="fake_email")
    return email, EmailStatus.VALID


def placeholder_email(pk: int) -> str:
    return f"nomail_{pk}@{site_settings_get().placeholder_email_domain}"


# --- Phones -----------------------------------------------------------------------------------

# A North American number as people type it: what phonenumbers reads as +1 and the ten digits
# (tested against it, property-based), without the cost of a full parse.
_NANP_NUMBER = re.compile(r"(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*([2-9]\d{2})[\s.-]*(\d{4})")
_NANP_REGIONS = {"CA", "US"}
_PHONE_KINDS = frozenset(PhoneKind.values)


def _e164(number: str, region: str) -> str | None:
    if region in _NANP_REGIONS:
        match = _NANP_NUMBER.fullmatch(number)
        if match:
            return "+1" + "".join(match.groups())
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phones_clean(phones: list[dict] | None, *, field: str = "phones", site=None) -> list[dict]:
    """Each {kind, number} with its E.164 form; a number nobody could dial is refused on its row."""
    phones = phones or []
    if len(phones) > MAX_PHONES:
        raise ApplicationError(TOO_MANY_PHONES, field=field)
    region = (site or site_settings_get()).default_phone_region
    cleaned, seen = [], set()
    for index, phone in enumerate(phones):
        kind = phone.get("kind") or PhoneKind.MOBILE
        if kind not in _PHONE_KINDS:
            raise ApplicationError(BAD_PHONE_KIND, field=f"{field}.{index}.kind")
        number = (phone.get("number") or "").strip()
        e164 = _e164(number, region)
        if e164 is None:
            raise ApplicationError(BAD_PHONE % {"number": number}, field=f"{field}.{index}.number")
        if e164 in seen:
            continue
        seen.add(e164)
        cleaned.append({"kind": kind, "number": number, "e164": e164, "digits_reversed": phone_digits_reversed(e164)})
    return cleaned


def phone_digits_reversed(e164: str) -> str:
    return digits(e164)[::-1]


def _save_phones(customer: Customer, phones: list[dict]) -> None:
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create(
        CustomerPhone(customer=customer, position=i, **phone) for i, phone in enumerate(phones)
    )


def _phones_summary(customer: Customer) -> list[str]:
    return [p.number for p in customer.phones.all()]
