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


# An extension as people write it after the number: « poste 4 », « p. 4 », « ext. 12 », « x305 », « #22 ».
_EXTENSION = re.compile(r"^(.*?)[\s,;]*(?:poste|p\.|ext\.?|extension|x|#)\s*(\d{1,10})\s*$", re.IGNORECASE)


def _split_extension(typed: str) -> tuple[str, str]:
    match = _EXTENSION.fullmatch(typed)
    return (match.group(1).strip(), match.group(2)) if match else (typed, "")


def _parsed(number: str, region: str) -> tuple[str, str] | None:
    """(E.164, the number shown): national format for the dealership's country, « (418) 555-0199 »,
    international for the others, « +33 1 23 45 67 89 »; None when nobody could dial it."""
    if region in _NANP_REGIONS:
        match = _NANP_NUMBER.fullmatch(number)
        if match:
            area, exchange, line = match.groups()
            return f"+1{area}{exchange}{line}", f"({area}) {exchange}-{line}"
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL if home
                                       else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), shown


def phones_clean(phones: list[dict] | None, *, field: str = "phones", site=None) -> list[dict]:
    """Each {kind, number} as stored: `number` in one format (national, international abroad),
    `e164`, `extension` (typed in the number, « poste 4 », or given apart) and `typed`, the number as
    the person wrote it, for the history. A number nobody could dial is refused on its row; the
    same number and extension twice is kept once."""
    phones = phones or []
    if len(phones) > MAX_PHONES:
        raise ApplicationError(TOO_MANY_PHONES, field=field)
    region = (site or site_settings_get()).default_phone_region
    cleaned, seen = [], set()
    for index, phone in enumerate(phones):
        kind = phone.get("kind") or PhoneKind.MOBILE
        if kind not in _PHONE_KINDS:
            raise ApplicationError(BAD_PHONE_KIND, field=f"{field}.{index}.kind")
        typed = (phone.get("number") or "").strip()
        number, extension = _split_extension(typed)
        extension = extension or digits(str(phone.get("extension") or ""))[:10]
        parsed = _parsed(number, region)
        if parsed is None:
            raise ApplicationError(BAD_PHONE % {"number": typed}, field=f"{field}.{index}.number")
        e164, shown = parsed
        if (e164, extension) in seen:
            continue
        seen.add((e164, extension))
        cleaned.append({"kind": kind, "number": shown, "e164": e164, "extension": extension, "typed": typed,
                        "digits_reversed": phone_digits_reversed(e164)})
    return cleaned


def phone_e164(typed: str, *, region: str) -> str | None:
    """The E.164 of a number as someone is typing it (« 819 555-0142 poste 4 » → +18195550142), or None
    while nobody could dial it yet: the duplicates panel asks as the user types, and refuses nothing."""
    number, _extension = _split_extension((typed or "").strip()[:40])
    parsed = _parsed(number, region) if number else None
    return parsed[0] if parsed else None


def phone_digits_reversed(e164: str) -> str:
    return digits(e164)[::-1]


def _save_phones(customer: Customer, phones: list[dict]) -> None:
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create(
        CustomerPhone(customer=customer, position=i, kind=phone["kind"], number=phone["number"], e164=phone["e164"],
                      extension=phone["extension"], digits_reversed=phone["digits_reversed"])
        for i, phone in enumerate(phones)
    )


def _phones_summary(customer: Customer) -> list[str]:
    return [p.display for p in customer.phones.all()]


def phones_typed(phones: list[dict]) -> list[str]:
    """The numbers as the person wrote them (the history keeps them beside the formatted ones)."""
    return [p["typed"] for p in phones]
