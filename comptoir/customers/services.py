"""Writes on customers: the email, phone, duplicate-key, ownership and merge rules (DESIGN: customers)."""

import fnmatch
import re
from functools import lru_cache
from operator import attrgetter

import phonenumbers
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from comptoir.accounts.services import salesperson_resolve
from comptoir.core import permissions
from comptoir.core.bulk import blank_instance, insert_rows, reserve_ids
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.core.models import Media, Source, Tag
from comptoir.core.selectors import reference_resolve, site_settings_get
from comptoir.core.text import digits, is_small_id, normalize, words
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.models import (
    Channel,
    Customer,
    CustomerPhone,
    CustomerSearchToken,
    EmailStatus,
    Note,
    PhoneKind,
)
from comptoir.customers.selectors import customer_ids_by_name_and_postal
from comptoir.timeline.models import TimelineEvent
from comptoir.timeline.services import timeline_move, timeline_record

FAKE_EMAIL = _(
    "Cette adresse est fictive (« %(pattern)s ») : il faut le vrai courriel du client, "
    "ou « aucun courriel » s'il n'en a vraiment pas."
)
BAD_EMAIL = _("Adresse courriel invalide.")
EMAIL_AND_NO_EMAIL = _("Choisissez : un courriel, ou « aucun courriel », pas les deux.")
BAD_PHONE = _("Numéro de téléphone illisible : « %(number)s ».")
BAD_PHONE_KIND = _("Type de téléphone inconnu : mobile, home, work ou other.")
TOO_MANY_PHONES = _("Dix numéros au plus par client.")
NAME_REQUIRED = _("Il faut un prénom, un nom ou une entreprise.")
CUSTOMER_FORBIDDEN = _("Ce client appartient à un autre vendeur.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez attribuer un client qu'à vous-même.")
BAD_SALESPERSON = _("Ce vendeur n'existe pas, est inactif ou n'a pas de département.")
SELF_MERGE = _("Un client ne se fusionne pas avec lui-même.")
CREATE_FORBIDDEN = _("Votre rôle ne permet pas de créer des clients.")
NOTE_REQUIRED = _("La note est vide.")

MAX_PHONES = 10
SYSTEM_MEDIA = {"phone": Channel.PHONE, "web_form": Channel.WEB_FORM, "import": Channel.IMPORT}
CHANNEL_MEDIA = {Channel.MANUAL: "in_store", Channel.PHONE: "phone", Channel.WEB_FORM: "web_form",
                 Channel.IMPORT: "import"}
# DESIGN: customers created by a system channel have no salesperson and count for nobody.
SYSTEM_CHANNELS = {Channel.PHONE, Channel.WEB_FORM}
FILLABLE_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city",
                   "province", "postal_code", "country", "external_id", "industry", "market_segment", "territory",
                   "website", "source", "media", "salesperson")
TEXT_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city",
               "province", "postal_code", "country", "external_id", "industry", "market_segment", "territory",
               "website")
TRACKED_FIELDS = ("email", "phones", "salesperson")


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


# --- Keys -------------------------------------------------------------------------------------

def customer_keys(first_name: str, last_name: str, company: str, postal_code: str) -> dict:
    """The search and duplicate keys of a customer (also used by bulk loaders, so they match)."""
    return {
        "search_name": normalize(f"{first_name} {last_name} {company}")[:420],
        "name_key": normalize(f"{first_name} {last_name}")[:210],
        "postal_key": normalize(postal_code).replace(" ", "")[:20],
    }


def customer_tokens(first_name: str, last_name: str, company: str) -> set[str]:
    return {w[:50] for w in words(f"{first_name} {last_name} {company}")}


def _refresh_keys(customer: Customer) -> None:
    keys = customer_keys(customer.first_name, customer.last_name, customer.company, customer.postal_code)
    for name, value in keys.items():
        setattr(customer, name, value)


def _save_tokens(customer: Customer) -> None:
    CustomerSearchToken.objects.filter(customer=customer).delete()
    tokens = customer_tokens(customer.first_name, customer.last_name, customer.company)
    CustomerSearchToken.objects.bulk_create(CustomerSearchToken(customer=customer, token=t) for t in tokens)


# --- Values -----------------------------------------------------------------------------------

class Lookups:
    """Resolves list entries and salespeople once per distinct value: a bulk caller keeps one for a
    whole file, so the rules run per value, not per row. A single write uses a fresh one."""

    def __init__(self, actor):
        self.actor = actor
        self.memo: dict = {}

    def remember(self, key, resolve):
        if key not in self.memo:
            try:
                self.memo[key] = (resolve(), None)
            except ApplicationError as error:
                self.memo[key] = (None, error)
        found, error = self.memo[key]
        if error is not None:
            raise error
        return found

    def reference(self, model, value, *, field: str):
        key = (model, value if isinstance(value, (int, str)) else str(value))
        found = self.remember(key, lambda: reference_resolve(model, value, field=field))
        return found

    def salesperson(self, value):
        return self.remember(("salesperson", value), lambda: salesperson_resolve(
            actor=self.actor, value=value, field="salesperson",
            forbidden_message=ASSIGN_FORBIDDEN, invalid_message=BAD_SALESPERSON))

    def tags(self, values) -> list[Tag]:
        return [self.reference(Tag, value, field=f"tags.{i}") for i, value in enumerate(values or [])]


def _apply_fields(lookups: Lookups, customer: Customer, values: dict) -> list[str]:
    changed = []
    for key in TEXT_FIELDS:
        if key in values:
            setattr(customer, key, (values[key] or "").strip())
            changed.append(key)
    if "source" in values:
        customer.source = lookups.reference(Source, values["source"], field="source")
        changed.append("source")
    if "media" in values:
        customer.media = lookups.reference(Media, values["media"], field="media")
        changed.append("media")
    if "salesperson" in values:
        customer.salesperson = lookups.salesperson(values["salesperson"])
        changed.append("salesperson")
    return changed


def _require_a_name(customer: Customer) -> None:
    if not (customer.first_name or customer.last_name or customer.company):
        raise ApplicationError(NAME_REQUIRED, field="last_name")


def _channel_for(actor, media: Media | None, channel: str | None) -> str:
    """The system's own callers pass `channel`. Through the API, a phone or web-form media marks a
    system channel only for an assigner's account (the integration's); a salesperson's entry
    stays manual whatever media it names, so it always counts in their email ratio."""
    if channel:
        return channel
    system = SYSTEM_MEDIA.get(media.code) if media is not None else None
    if system in SYSTEM_CHANNELS and permissions.has_capability(actor, "assign"):
        return system
    return Channel.MANUAL


# --- Create / update --------------------------------------------------------------------------

def customer_draft(*, actor, lookups: Lookups | None = None, channel: str | None = None, email: str | None = "",
                   no_email: bool = False, phones: list[dict] | None = None, tags=None, details=None, site=None,
                   **values) -> tuple[Customer, list[dict], list[Tag]]:
    """Every rule of a new customer, nothing saved: (customer, cleaned phones, tags).
    customer_create saves one; customers_import saves a batch of them."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(CREATE_FORBIDDEN)
    if no_email and (email or "").strip():
        raise ApplicationError(EMAIL_AND_NO_EMAIL, field="no_email")
    lookups = lookups or Lookups(actor)
    site = site or site_settings_get()
    customer = blank_instance(Customer)
    customer.created_by = actor if getattr(actor, "pk", None) else None
    _apply_fields(lookups, customer, values)
    customer.channel = _channel_for(actor, customer.media, channel)
    if customer.media is None:
        customer.media = lookups.reference(Media, CHANNEL_MEDIA[customer.channel], field="media")
    if customer.channel in SYSTEM_CHANNELS:
        customer.salesperson = None
    elif "salesperson" not in values and permissions.has_capability(actor, "work_own") \
            and actor.department_id is not None:
        customer.salesperson = actor  # one's own entry is one's own; reception's stays unowned
    customer.email, customer.email_status = email_clean(email, site=site)
    cleaned_phones = phones_clean(phones, site=site)
    _require_a_name(customer)
    _refresh_keys(customer)
    customer.details = {str(k)[:100]: str(v)[:1000] for k, v in (details or {}).items() if v not in (None, "")}
    if customer.created_by is not None and customer.channel == Channel.MANUAL \
            and customer.email_status != EmailStatus.VALID:
        customer.points_lost = site.email_missing_points
    return customer, cleaned_phones, lookups.tags(tags)


@transaction.atomic
def customer_create(*, actor, no_email: bool = False, **values) -> Customer:
    """Create a customer. `channel` is the system's (phone, web form, import); people get `manual`."""
    customer, cleaned_phones, tags = customer_draft(actor=actor, no_email=no_email, **values)
    customer.full_clean(exclude=["tags"])
    customer.save()
    if no_email:
        customer.email, customer.email_status = placeholder_email(customer.pk), EmailStatus.PLACEHOLDER
        customer.save(update_fields=["email", "email_status"])
    _save_phones(customer, cleaned_phones)
    customer.tags.set(tags)
    _save_tokens(customer)
    timeline_record(actor=actor, subject=customer, verb="customer_created", data={
        "channel": customer.channel, "email_status": customer.email_status,
        "salesperson": customer.salesperson_id, "points_lost": customer.points_lost,
    })
    return customer


def _lock_customer(actor, pk) -> Customer:
    rows = lock_rows(Customer.objects.filter(pk=pk, merged_into__isnull=True))
    if not rows or not permissions.can_see_customer(actor, rows[0]):
        raise NotFound()
    return rows[0]


@transaction.atomic
def customer_update(*, actor, customer_id, version: int | None = None, email=None, no_email: bool | None = None,
                    phones: list[dict] | None = None, tags=None, details: dict | None = None,
                    **values) -> Customer:
    """Change what was sent; email, phones and salesperson changes land in the timeline with before/after."""
    customer = _lock_customer(actor, customer_id)
    check_version(customer, version)
    before = {"email": customer.email, "phones": _phones_summary(customer), "salesperson": customer.salesperson_id}
    changed = _apply_fields(Lookups(actor), customer, values)
    if no_email and (email or "").strip():
        raise ApplicationError(EMAIL_AND_NO_EMAIL, field="no_email")
    if no_email:
        customer.email, customer.email_status = placeholder_email(customer.pk), EmailStatus.PLACEHOLDER
        changed += ["email", "email_status"]
    elif email is not None and email.strip().lower() != customer.email:
        customer.email, customer.email_status = email_clean(email)
        changed += ["email", "email_status"]
    if phones is not None:
        cleaned_phones = phones_clean(phones)
    if details:
        customer.details = {**customer.details, **{str(k)[:100]: str(v)[:1000] for k, v in details.items() if v}}
        changed.append("details")
    _require_a_name(customer)
    _refresh_keys(customer)
    customer.full_clean(exclude=["tags"])
    save_versioned(customer, [*changed, "search_name", "name_key", "postal_key", "updated_at"])
    if phones is not None:
        _save_phones(customer, cleaned_phones)
    if tags is not None:
        customer.tags.set(Lookups(actor).tags(tags))
    _save_tokens(customer)
    after = {"email": customer.email, "phones": _phones_summary(customer), "salesperson": customer.salesperson_id}
    tracked = {k: {"from": before[k], "to": after[k]} for k in TRACKED_FIELDS if before[k] != after[k]}
    other = sorted(set(changed) - {"email", "email_status", "salesperson"})
    if tracked or other or tags is not None:
        timeline_record(actor=actor, subject=customer, verb="customer_updated",
                        data={**tracked, "fields": other + (["tags"] if tags is not None else [])})
    return customer


@transaction.atomic
def customer_mark_email_bounced(*, email: str, actor=None, reason: str = "", model=Customer) -> int:
    """DESIGN: a hard bounce marks the email invalid on every record having it: customers, or the
    records of `model` that follow the same email rules (leads)."""
    email = (email or "").strip().lower()
    records = lock_rows(model.objects.filter(email=email, email_status=EmailStatus.VALID))
    for record in records:
        record.email_status = EmailStatus.INVALID
        save_versioned(record, ["email_status", "updated_at"])
        timeline_record(actor=actor, subject=record, verb="customer_email_bounced",
                        data={"email": email, "reason": reason})
    return len(records)


@transaction.atomic
def customer_note_add(*, actor, customer_id, body: str) -> Note:
    customer = _lock_customer(actor, customer_id)
    body = (body or "").strip()
    if not body:
        raise ApplicationError(NOTE_REQUIRED, field="body")
    note = Note.objects.create(customer=customer, author=actor, body=body)
    timeline_record(actor=actor, subject=customer, verb="note_added", data={"note": note.pk, "body": body[:200]})
    return note


# --- Merge ------------------------------------------------------------------------------------

def _snapshot(customer: Customer) -> dict:
    data = {f.name: getattr(customer, f.attname) for f in Customer._meta.concrete_fields}
    data["phones"] = [{"kind": p.kind, "number": p.number, "e164": p.e164} for p in customer.phones.all()]
    data["tags"] = list(customer.tags.values_list("name", flat=True))
    return data


def _move_children(survivor: Customer, other: Customer) -> dict:
    """Move every row that points at `other` to `survivor`, whatever model it is in.

    Walking `_meta.related_objects` means a model added later with a foreign key or
    many-to-many to Customer is moved without this function changing.
    """
    moved = {}
    handled = {CustomerPhone, CustomerSearchToken, Customer}
    for relation in Customer._meta.related_objects:
        model = relation.related_model
        if model in handled:
            continue
        if relation.many_to_many:
            through = relation.through
            source = next(f for f in through._meta.fields if f.related_model is Customer)
            target = next(f for f in through._meta.fields if f.is_relation and f is not source and f.related_model)
            already = through.objects.filter(**{source.name: survivor}).values(target.attname)
            rows = through.objects.filter(**{source.name: other})
            count = rows.exclude(**{f"{target.attname}__in": already}).update(**{source.name: survivor})
            rows.delete()
        else:
            count = model._base_manager.filter(**{relation.field.name: other}).update(**{relation.field.name: survivor})
        if count:
            moved[model._meta.label] = count
    return moved


@transaction.atomic
def customer_merge(*, actor, customer_id, other_id) -> Customer:
    """DESIGN: keep one, fill its empty fields from the other, move every child row, lose nothing."""
    if not (is_small_id(customer_id) and is_small_id(other_id)):
        raise NotFound()
    if int(customer_id) == int(other_id):
        raise ApplicationError(SELF_MERGE, field="other_id")
    rows = {c.pk: c for c in lock_rows(Customer.objects.filter(pk__in=[customer_id, other_id],
                                                                 merged_into__isnull=True))}
    survivor, other = rows.get(int(customer_id)), rows.get(int(other_id))
    for customer in (survivor, other):
        if customer is None or not permissions.can_see_customer(actor, customer):
            raise NotFound()
    snapshot = _snapshot(other)
    filled = []
    for name in FILLABLE_FIELDS:
        field = Customer._meta.get_field(name)
        if not getattr(survivor, field.attname) and getattr(other, field.attname):
            setattr(survivor, field.attname, getattr(other, field.attname))
            filled.append(name)
    # A valid address beats a bounced one, and any real address beats none or a placeholder.
    rank = {EmailStatus.VALID: 2, EmailStatus.INVALID: 1}
    if rank.get(other.email_status, 0) > rank.get(survivor.email_status, 0):
        survivor.email, survivor.email_status = other.email, other.email_status
        filled.append("email")
    if other.unsubscribed and not survivor.unsubscribed:
        survivor.unsubscribed = True  # the person asked for no mass mailing: a merge keeps their word
        filled.append("unsubscribed")
    known = set(survivor.phones.values_list("e164", flat=True))
    start = survivor.phones.count()
    for offset, phone in enumerate(p for p in other.phones.all() if p.e164 not in known):
        phone.customer, phone.position = survivor, start + offset
        phone.save(update_fields=["customer", "position"])
    survivor.tags.add(*other.tags.all())
    moved = _move_children(survivor, other)
    # Records merged into `other` earlier now point at the survivor: no chain to follow.
    Customer.objects.filter(merged_into=other).update(merged_into=survivor)
    timeline_move(from_subject=other, to_subject=survivor)
    _refresh_keys(survivor)
    save_versioned(survivor, [*filled, "email_status", "search_name", "name_key", "postal_key", "updated_at"])
    _save_tokens(survivor)
    other.merged_into, other.merged_at = survivor, timezone.now()
    save_versioned(other, ["merged_into", "merged_at", "updated_at"])
    CustomerSearchToken.objects.filter(customer=other).delete()
    timeline_record(actor=actor, subject=survivor, verb="customer_merged",
                    data={"other": other.pk, "filled": filled, "moved": moved, "snapshot": snapshot})
    timeline_record(actor=actor, subject=other, verb="customer_merged_into", data={"survivor": survivor.pk})
    return survivor


# --- Import -----------------------------------------------------------------------------------

class OnDuplicate:
    SKIP, UPDATE, CREATE = "skip", "update", "create"


def _existing_duplicates(drafts: list[tuple[int, Customer, list[dict]]]) -> dict[int, int]:
    """For each draft (by its position), the customer it duplicates: the same DMS id first (the
    other system's identity of the record), then DESIGN's sure rules, E.164 phone and email, then
    the possible one an import can tell without fuzz, name + postal code. One indexed query per
    rule for the whole batch."""
    external_ids = {c.external_id for _i, c, _p in drafts if c.external_id}
    e164s = {p["e164"] for _i, _c, phones in drafts for p in phones}
    emails = {c.email for _i, c, _p in drafts if c.email_status == EmailStatus.VALID}
    live = Customer.objects.filter(merged_into__isnull=True)
    by_external = dict(live.filter(external_id__in=external_ids).values_list("external_id", "pk")) \
        if external_ids else {}
    by_phone = dict(CustomerPhone.objects.filter(e164__in=e164s, customer__merged_into__isnull=True)
                    .order_by().values_list("e164", "customer_id")) if e164s else {}
    by_email = dict(live.filter(email__in=emails).values_list("email", "pk")) if emails else {}
    pairs = {(c.name_key, c.postal_key) for _i, c, _p in drafts if c.postal_key and c.name_key}
    by_name = customer_ids_by_name_and_postal(pairs) if pairs else {}
    found = {}
    for index, customer, phones in drafts:
        match = by_external.get(customer.external_id or None) \
            or next((by_phone[p["e164"]] for p in phones if p["e164"] in by_phone), None) \
            or by_email.get(customer.email if customer.email_status == EmailStatus.VALID else None) \
            or (by_name.get((customer.name_key, customer.postal_key)) if customer.postal_key else None)
        if match:
            found[index] = match
    return found


def _batch_keys(customer: Customer, phones: list[dict]) -> list[tuple]:
    keys = [("external_id", customer.external_id)] if customer.external_id else []
    keys += [("phone", p["e164"]) for p in phones]
    if customer.email_status == EmailStatus.VALID:
        keys.append(("email", customer.email))
    if customer.postal_key and customer.name_key:
        keys.append(("name", customer.name_key, customer.postal_key))
    return keys


def customers_import(*, actor, rows: list[dict], on_duplicate: str = OnDuplicate.SKIP, lookups: Lookups,
                     job_id: int | None = None) -> list[tuple[str, object]]:
    """A batch of imported rows, each with every rule of customer_create (channel import), saved in
    bulk. Answers one outcome per row: ("created" | "updated" | "skipped", customer id) or
    ("error", ApplicationError). The caller holds the transaction: a batch lands whole or not at all."""
    site = site_settings_get()
    outcomes: list[tuple[str, object]] = [None] * len(rows)
    drafts = []
    for index, row in enumerate(rows):
        try:
            customer, phones, tags = customer_draft(actor=actor, lookups=lookups, channel=Channel.IMPORT,
                                                    site=site, **row)
            _check_lengths(customer)
        except ApplicationError as error:
            outcomes[index] = ("error", error)
            continue
        drafts.append((index, customer, phones, tags))
    existing = _existing_duplicates([(i, c, p) for i, c, p, _t in drafts]) \
        if on_duplicate != OnDuplicate.CREATE else {}
    new, seen = [], {}
    for index, customer, phones, tags in drafts:
        match = existing.get(index)
        if match is None and on_duplicate != OnDuplicate.CREATE:
            # A duplicate of an earlier row of the same batch: that row's customer, once saved.
            match = next((seen[k] for k in _batch_keys(customer, phones) if k in seen), None)
        if match is not None:
            if on_duplicate == OnDuplicate.UPDATE:
                outcomes[index] = _import_update(actor, match, rows[index], phones)
            else:
                outcomes[index] = ("skipped", match if isinstance(match, int) else None)
            continue
        new.append((index, customer, phones, tags))
        for key in _batch_keys(customer, phones):
            seen.setdefault(key, customer)
    _bulk_save(actor, new, job_id)
    for index, customer, _phones, _tags in new:
        outcomes[index] = ("created", customer.pk)
    # Rows that matched a customer created earlier in the batch now know its id.
    return [(kind, value.pk if isinstance(value, Customer) else value) for kind, value in outcomes]


def _import_update(actor, match, row: dict, phones: list[dict]) -> tuple[str, object]:
    if isinstance(match, Customer):
        return ("skipped", match)  # the same file names the customer twice: the first row wins
    values = {k: v for k, v in row.items() if v not in (None, "", []) and k not in ("phones", "no_email")}
    try:
        with transaction.atomic():
            current = list(CustomerPhone.objects.filter(customer_id=match).values("kind", "number"))
            known = {p["number"] for p in current}
            values["phones"] = current + [{"kind": p["kind"], "number": p["number"]} for p in phones
                                          if p["number"] not in known]
            customer_update(actor=actor, customer_id=match, **values)
    except ApplicationError as error:
        return ("error", error)
    return ("updated", match)


TOO_LONG = _("« %(field)s » dépasse %(max)s caractères.")
_LENGTHS = {f.name: f.max_length for f in Customer._meta.concrete_fields
            if getattr(f, "max_length", None) and f.name in TEXT_FIELDS + ("email",)}


def _check_lengths(customer: Customer) -> None:
    """What full_clean checks of an imported row, without its per-field cost."""
    for name, limit in _LENGTHS.items():
        if len(getattr(customer, name)) > limit:
            raise ApplicationError(TOO_LONG % {"field": Customer._meta.get_field(name).verbose_name, "max": limit},
                                   field=name)


_CUSTOMER_FIELDS = [f for f in Customer._meta.concrete_fields]


def _bulk_save(actor, new: list[tuple[int, Customer, list[dict], list[Tag]]], job_id) -> None:
    """Insert the batch's customers and everything customer_create writes with them: phones, search
    tokens, tags and the timeline row, with one statement per table (core.bulk)."""
    if not new:
        return
    now = timezone.now()
    ids = reserve_ids(Customer, len(new))
    for pk, (_i, customer, _p, _t) in zip(ids, new):
        customer.pk, customer.created_at, customer.updated_at = pk, now, now
    values = attrgetter(*(f.attname for f in _CUSTOMER_FIELDS))
    insert_rows(Customer, [f.attname for f in _CUSTOMER_FIELDS], (values(c) for _i, c, _p, _t in new))
    insert_rows(CustomerPhone, ["customer_id", "kind", "number", "e164", "digits_reversed", "position"],
                ((c.pk, p["kind"], p["number"], p["e164"], p["digits_reversed"], n)
                 for _i, c, phones, _t in new for n, p in enumerate(phones)))
    insert_rows(CustomerSearchToken, ["customer_id", "token"],
                ((c.pk, t) for _i, c, _p, _t in new for t in customer_tokens(c.first_name, c.last_name, c.company)))
    insert_rows(Customer.tags.through, ["customer_id", "tag_id"],
                ((c.pk, t.pk) for _i, c, _p, tags in new for t in tags))
    subject_type = ContentType.objects.get_for_model(Customer)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    insert_rows(TimelineEvent, ["subject_type_id", "subject_id", "actor_id", "verb", "data", "created_at"],
                ((subject_type.pk, c.pk, actor_id, "customer_created",
                  {"channel": Channel.IMPORT, "email_status": c.email_status, "import": job_id,
                   "salesperson": c.salesperson_id}, now) for _i, c, _p, _t in new))
