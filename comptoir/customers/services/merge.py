"""Merging two customers: one kept, showing the values chosen field by field, every other value kept on it
(other names, other emails, phones, « Autre … » details, tags), every child row moved; and what it did
written down, so it can be undone (services.merge_undo)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.text import is_small_id
from comptoir.core.versioning import lock_rows, save_versioned
from comptoir.customers.merges_read import (
    SELF_MERGE,
    merge_child_relations,
    merge_child_rows,
    merge_keep_check,
    merge_plan,
)
from comptoir.customers.models import (
    Customer,
    CustomerAlias,
    CustomerEmail,
    CustomerMerge,
    CustomerPhone,
    CustomerSearchToken,
)
from comptoir.customers.services.keys import _refresh_keys, _save_tokens
from comptoir.timeline.selectors import timeline_for
from comptoir.timeline.services import timeline_move, timeline_record

# The fields a merge may set on the kept record (kept for callers; merges_read.CHOICE_KEYS says how).
FILLABLE_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city",
                   "province", "postal_code", "country", "external_id", "industry", "market_segment", "territory",
                   "website", "source", "media", "salesperson")
PHONE_COLUMNS = ("kind", "number", "e164", "extension", "digits_reversed", "position")
# pk IN (…) lists stay under every database's limit on bound parameters.
CHUNK = 500


def chunks(ids: list) -> list[list]:
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def columns(customer: Customer) -> dict:
    """Every column of the record, as JSON stores it."""
    values = {f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields}
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _snapshot(customer: Customer) -> dict:
    data = {f.name: getattr(customer, f.attname) for f in Customer._meta.concrete_fields}
    data["phones"] = [{"kind": p.kind, "number": p.number, "e164": p.e164, "extension": p.extension}
                      for p in customer.phones.all()]
    data["tags"] = list(customer.tags.values_list("name", flat=True))
    data["aliases"] = list(customer.aliases.values_list("first_name", "last_name", "company"))
    data["other_emails"] = list(customer.other_emails.values_list("email", "email_status"))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _move(model, column: str, pks: list[int], to: Customer) -> None:
    for chunk in chunks(pks):
        model._base_manager.filter(pk__in=chunk).update(**{column: to})


def _move_children(survivor: Customer, other: Customer) -> tuple[dict, dict, dict]:
    """Move every row that points at `other` to `survivor`, whatever model it is in, and answer what
    moved: ({"app.Model.column": [pks]}, {"app.Through.column": {"moved", "removed", "target"}}, counts).

    A many-to-many row whose target the survivor already has is deleted (it would be a duplicate);
    its target is kept, so an undo puts it back."""
    rows, links, counts = {}, {}, {}
    for relation in merge_child_relations():
        found, column = merge_child_rows(relation, other)
        if relation.many_to_many:
            through, target = relation.through, relation.field.m2m_field_name() + "_id"
            already = through._base_manager.filter(**{column: survivor}).values(target)
            removed = list(found.filter(**{f"{target}__in": already}).values_list(target, flat=True))
            found.filter(**{f"{target}__in": removed}).delete()
            pks = list(found.values_list("pk", flat=True))
            _move(through, column, pks, survivor)
            if pks or removed:
                links[f"{through._meta.label}.{column}"] = {"moved": pks, "removed": removed, "target": target}
        else:
            pks = list(found.values_list("pk", flat=True))
            _move(relation.related_model, column, pks, survivor)
            if pks:
                rows[f"{relation.related_model._meta.label}.{column}"] = pks
        if pks:
            label = relation.related_model._meta.label
            counts[label] = counts.get(label, 0) + len(pks)
    return rows, links, counts


def _keep_values(survivor: Customer, other: Customer, plan) -> dict:
    """Move or create the rows that keep every value the survivor does not show; answer what it did."""
    aliases = CustomerAlias.objects.bulk_create(
        CustomerAlias(customer=survivor, first_name=first, last_name=last, company=company)
        for first, last, company in plan.new_aliases)
    emails = CustomerEmail.objects.bulk_create(
        CustomerEmail(customer=survivor, email=email, email_status=status) for email, status in plan.new_emails)
    _move(CustomerAlias, "customer", plan.aliases_moved, survivor)
    _move(CustomerEmail, "customer", plan.emails_moved, survivor)
    start = (survivor.phones.aggregate(last=Max("position"))["last"] or 0) + 1
    phones = {}
    for offset, phone in enumerate(CustomerPhone.objects.filter(pk__in=plan.phones_moved).order_by("position", "pk")):
        # As it was: an edit of the kept card rewrites its phones, and an undo then gives this one back as a copy.
        phones[str(phone.pk)] = {name: getattr(phone, name) for name in PHONE_COLUMNS}
        phone.customer, phone.position = survivor, start + offset
        phone.save(update_fields=["customer", "position"])
    through = Customer.tags.through
    through.objects.bulk_create(through(customer_id=survivor.pk, tag_id=tag) for tag in plan.tags_added)
    return {
        "rows": {"customers.CustomerAlias.customer": plan.aliases_moved,
                 "customers.CustomerEmail.customer": plan.emails_moved,
                 "customers.CustomerPhone.customer": [int(pk) for pk in phones]},
        "phones": phones,
        "created": {"aliases": [alias.pk for alias in aliases], "emails": [email.pk for email in emails]},
        "tags_added": plan.tags_added,
    }


@transaction.atomic
def customer_merge(*, actor, customer_id, other_id, keep: dict | None = None) -> Customer:
    """DESIGN: keep one record; it shows, field by field, the value chosen in `keep` ({"first_name":
    "other", …}, merges_read.CHOICE_KEYS) where both have a different one, else the newer non-empty one
    (never a placeholder, a valid email before a bounced one); every value it does not show stays on
    it; every child row moves. The merge is recorded (CustomerMerge) with what it changed and moved."""
    if not (is_small_id(customer_id) and is_small_id(other_id)):
        raise NotFound()
    if int(customer_id) == int(other_id):
        raise ApplicationError(SELF_MERGE, field="other_id")
    keep = merge_keep_check(keep)
    rows = {c.pk: c for c in lock_rows(Customer.objects.filter(pk__in=[customer_id, other_id],
                                                                 merged_into__isnull=True))}
    survivor, other = rows.get(int(customer_id)), rows.get(int(other_id))
    for customer in (survivor, other):
        if customer is None or not permissions.can_see_customer(actor, customer):
            raise NotFound()
    before, snapshot = columns(survivor), _snapshot(other)
    plan = merge_plan(survivor, other, keep)

    filled = [name for name, value in plan.shown.items() if getattr(survivor, name) != value]
    for name in filled:
        setattr(survivor, name, plan.shown[name])
    if plan.unsubscribe:
        survivor.unsubscribed = True  # the person asked for no mass mailing: a merge keeps their word
        filled.append("unsubscribed")
    if plan.details_added:
        survivor.details = {**survivor.details, **plan.details_added}
    _refresh_keys(survivor)
    save_versioned(survivor, [*filled, *(["details"] if plan.details_added else []), "search_name", "name_key",
                              "postal_key", "updated_at"])
    after = columns(survivor)

    moved = _keep_values(survivor, other, plan)
    rows_moved, links, counts = _move_children(survivor, other)
    moved["rows"].update(rows_moved)
    moved["m2m"] = links
    moved["details_added"] = plan.details_added
    # Records merged into `other` earlier now point at the survivor: no chain to follow.
    moved["merged_from"] = list(Customer.objects.filter(merged_into=other).values_list("pk", flat=True))
    Customer.objects.filter(pk__in=moved["merged_from"]).update(merged_into=survivor)
    moved["timeline"] = list(timeline_for(other).values_list("pk", flat=True))
    timeline_move(from_subject=other, to_subject=survivor)
    moved["merged_record"] = columns(other)
    _save_tokens(survivor)

    other.merged_into, other.merged_at = survivor, timezone.now()
    save_versioned(other, ["merged_into", "merged_at", "updated_at"])
    CustomerSearchToken.objects.filter(customer=other).delete()
    merge = CustomerMerge.objects.create(
        survivor=survivor, merged=other, actor=actor if getattr(actor, "pk", None) else None,
        survivor_before=before, survivor_after={name: after[name] for name in filled}, choices=plan.choices,
        moved=moved)
    names = {"new_aliases": plan.new_aliases, "new_emails": [email for email, _status in plan.new_emails],
             "details": sorted(plan.details_added)}
    timeline_record(actor=actor, subject=survivor, verb="customer_merged",
                    data={"other": other.pk, "merge": merge.pk, "filled": filled, "choices": plan.choices,
                          "moved": counts, "kept": names, "snapshot": snapshot})
    timeline_record(actor=actor, subject=other, verb="customer_merged_into",
                    data={"survivor": survivor.pk, "merge": merge.pk})
    return survivor
