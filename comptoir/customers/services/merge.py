"""Merging two customers: one kept, its blanks filled from the other, every child row moved."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.text import is_small_id
from comptoir.core.versioning import lock_rows, save_versioned
from comptoir.customers.models import Customer, CustomerPhone, CustomerSearchToken, EmailStatus
from comptoir.customers.services.keys import _refresh_keys, _save_tokens
from comptoir.timeline.services import timeline_move, timeline_record

SELF_MERGE = _("Un client ne se fusionne pas avec lui-même.")

FILLABLE_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city",
                   "province", "postal_code", "country", "external_id", "industry", "market_segment", "territory",
                   "website", "source", "media", "salesperson")


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
