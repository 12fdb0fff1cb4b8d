"""Creating and updating one customer (values, channel, ownership), notes and bounced emails."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.services import salesperson_resolve
from comptoir.bulk import blank_instance
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.models import Media, Source, Tag
from comptoir.core.selectors import reference_resolve, site_settings_get
from comptoir.core.text import normalize
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.models import Channel, Customer, CustomerEmail, EmailStatus, Note
from comptoir.customers.selectors import customer_duplicates_described, customer_duplicates_of
from comptoir.customers.services.contact import (
    MAX_PHONES,
    _phones_summary,
    _save_phones,
    email_clean,
    phone_e164,
    phones_clean,
    phones_typed,
    placeholder_email,
)
from comptoir.customers.services.keys import _refresh_keys, _save_tokens, customer_keys
from comptoir.timeline.services import timeline_record

EMAIL_AND_NO_EMAIL = _("Choisissez : un courriel, ou « aucun courriel », pas les deux.")
NAME_REQUIRED = _("Il faut un prénom, un nom ou une entreprise.")
CUSTOMER_FORBIDDEN = _("Ce client appartient à un autre vendeur.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez attribuer un client qu'à vous-même.")
BAD_SALESPERSON = _("Ce vendeur n'existe pas, est inactif ou n'a pas de département.")
CREATE_FORBIDDEN = _("Votre rôle ne permet pas de créer des clients.")
NOTE_REQUIRED = _("La note est vide.")
DUPLICATE_CUSTOMER = _("Ce client existe déjà (même téléphone ou même courriel) : ouvrez sa fiche, ou confirmez "
                       "la création d'une nouvelle fiche.")
SAME_PHONE_AS = _("Même téléphone que %(name)s (fiche no %(id)s).")
SAME_EMAIL_AS = _("Même courriel que %(name)s (fiche no %(id)s).")

SYSTEM_MEDIA = {"phone": Channel.PHONE, "web_form": Channel.WEB_FORM, "import": Channel.IMPORT}
CHANNEL_MEDIA = {Channel.MANUAL: "in_store", Channel.PHONE: "phone", Channel.WEB_FORM: "web_form",
                 Channel.IMPORT: "import"}
# DESIGN: customers created by a system channel have no salesperson and count for nobody.
SYSTEM_CHANNELS = {Channel.PHONE, Channel.WEB_FORM}
TEXT_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city",
               "province", "postal_code", "country", "external_id", "industry", "market_segment", "territory",
               "website")
TRACKED_FIELDS = ("email", "phones", "salesperson")


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


class DuplicateCustomer(Conflict):
    """A new customer another one already is (DESIGN: same E.164 phone or email, a sure duplicate): 409,
    one error per duplicate on the field they share, and `duplicates` [{"id", "reason", "reasons",
    "display_name"}] for the API's answer (API.md: POST /customers)."""

    code = "duplicate"

    def __init__(self, duplicates: list[dict]):
        self.duplicates = duplicates
        super().__init__(DUPLICATE_CUSTOMER, errors=[
            {"field": "phones" if row["reason"] == "phone" else "email",
             "message": (SAME_PHONE_AS if row["reason"] == "phone" else SAME_EMAIL_AS)
             % {"name": row["display_name"], "id": row["id"]}}
            for row in duplicates])


def _refuse_sure_duplicates(actor, customer: Customer, phones: list[dict]) -> None:
    emails = [customer.email] if customer.email_status == EmailStatus.VALID else []
    sure = customer_duplicates_of(actor=actor, e164s=[phone["e164"] for phone in phones], emails=emails,
                                  possible=False)
    if sure:
        raise DuplicateCustomer([
            {"id": row["id"], "reason": row["reason"], "reasons": row["reasons"],
             "display_name": row["customer"].display_name}
            for row in customer_duplicates_described(sure, actor=actor)])


def customer_duplicates_check(*, actor, phones=(), email: str = "", first_name: str = "", last_name: str = "",
                              company: str = "", postal_code: str = "", exclude: int | None = None) -> list[dict]:
    """The duplicates of a customer being typed, nothing saved (the form's panel, the API's
    duplicates-check): the values read as customer_create would read them, except that what cannot be
    read yet (half a phone number, an address without its domain) is left out rather than refused.
    Only customers the actor may see; `exclude` is the record being edited."""
    region = site_settings_get().default_phone_region
    e164s = [e164 for e164 in (phone_e164(str(typed), region=region) for typed in list(phones)[:MAX_PHONES]) if e164]
    email = (email or "").strip().lower()[:254]
    local, _at, domain = email.partition("@")
    keys = customer_keys((first_name or "")[:100], (last_name or "")[:100], (company or "")[:200],
                         (postal_code or "")[:20])
    return customer_duplicates_of(
        actor=actor, e164s=e164s, emails=[email] if local and "." in domain else [], name_key=keys["name_key"],
        postal_key=keys["postal_key"], company_key="" if keys["name_key"] else normalize(company)[:200],
        exclude=exclude)


@transaction.atomic
def customer_create(*, actor, no_email: bool = False, create_anyway: bool = True, **values) -> Customer:
    """Create a customer. `channel` is the system's (phone, web form, import); people get `manual`.

    `create_anyway=False` is for a person who can still answer (the API, the customer form): a sure
    duplicate (DESIGN: same E.164 phone or email) is refused with DuplicateCustomer (409) naming the
    duplicates, and nothing is saved; they open the existing record or ask again with create_anyway.
    The default creates, as every caller did before the question existed: imports and the demo, and
    the lead conversion and the walk-in, which ask their own question once the record is drafted."""
    customer, cleaned_phones, tags = customer_draft(actor=actor, no_email=no_email, **values)
    if not create_anyway:
        _refuse_sure_duplicates(actor, customer, cleaned_phones)
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
        **({"phones_typed": phones_typed(cleaned_phones)} if cleaned_phones else {}),
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
    if "phones" in tracked:
        tracked["phones_typed"] = phones_typed(cleaned_phones)  # as the person wrote them
    if tracked or other or tags is not None:
        timeline_record(actor=actor, subject=customer, verb="customer_updated",
                        data={**tracked, "fields": other + (["tags"] if tags is not None else [])})
    return customer


@transaction.atomic
def customer_mark_email_bounced(*, email: str, actor=None, reason: str = "", model=Customer) -> int:
    """DESIGN: a hard bounce marks the email invalid on every record having it: customers (their
    secondary addresses too), or the records of `model` that follow the same email rules (leads)."""
    email = (email or "").strip().lower()
    records = lock_rows(model.objects.filter(email=email, email_status=EmailStatus.VALID))
    for record in records:
        record.email_status = EmailStatus.INVALID
        save_versioned(record, ["email_status", "updated_at"])
        timeline_record(actor=actor, subject=record, verb="customer_email_bounced",
                        data={"email": email, "reason": reason})
    if model is not Customer:
        return len(records)
    # A secondary address (one a merge kept) that bounced is marked on the customer holding it.
    secondary = lock_rows(CustomerEmail.objects.filter(email=email, email_status=EmailStatus.VALID))
    for row in secondary:
        row.email_status = EmailStatus.INVALID
        row.save(update_fields=["email_status"])
        timeline_record(actor=actor, subject=row.customer, verb="customer_email_bounced",
                        data={"email": email, "reason": reason, "secondary": True})
    return len(records) + len(secondary)


@transaction.atomic
def customer_note_add(*, actor, customer_id, body: str) -> Note:
    customer = _lock_customer(actor, customer_id)
    body = (body or "").strip()
    if not body:
        raise ApplicationError(NOTE_REQUIRED, field="body")
    note = Note.objects.create(customer=customer, author=actor, body=body)
    timeline_record(actor=actor, subject=customer, verb="note_added", data={"note": note.pk, "body": body[:200]})
    return note
