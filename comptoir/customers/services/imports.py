"""Importing customers in batches: every rule of a new customer, duplicates found, saved in bulk."""

from operator import attrgetter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.bulk import insert_rows, reserve_ids
from comptoir.core.exceptions import ApplicationError
from comptoir.core.models import Tag
from comptoir.core.selectors import site_settings_get
from comptoir.customers.models import Channel, Customer, CustomerPhone, CustomerSearchToken, EmailStatus
from comptoir.customers.selectors import customer_ids_by_name_and_postal
from comptoir.customers.services.keys import customer_tokens
from comptoir.customers.services.records import TEXT_FIELDS, Lookups, customer_draft, customer_update
from comptoir.timeline.services import timeline_record_many


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
    tokens, tags and the timeline row, with one statement per table (comptoir.bulk)."""
    if not new:
        return
    now = timezone.now()
    ids = reserve_ids(Customer, len(new))
    for pk, (_i, customer, _p, _t) in zip(ids, new):
        customer.pk, customer.created_at, customer.updated_at = pk, now, now
    values = attrgetter(*(f.attname for f in _CUSTOMER_FIELDS))
    insert_rows(Customer, [f.attname for f in _CUSTOMER_FIELDS], (values(c) for _i, c, _p, _t in new))
    insert_rows(CustomerPhone, ["customer_id", "kind", "number", "e164", "digits_reversed", "position", "extension"],
                ((c.pk, p["kind"], p["number"], p["e164"], p["digits_reversed"], n, p.get("extension", ""))
                 for _i, c, phones, _t in new for n, p in enumerate(phones)))
    insert_rows(CustomerSearchToken, ["customer_id", "token"],
                ((c.pk, t) for _i, c, _p, _t in new for t in customer_tokens(c.first_name, c.last_name, c.company)))
    insert_rows(Customer.tags.through, ["customer_id", "tag_id"],
                ((c.pk, t.pk) for _i, c, _p, tags in new for t in tags))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    timeline_record_many(model=Customer, rows=(
        (c.pk, actor_id, "customer_created", {"channel": Channel.IMPORT, "email_status": c.email_status,
                                              "import": job_id, "salesperson": c.salesperson_id}, now)
        for _i, c, _p, _t in new))
