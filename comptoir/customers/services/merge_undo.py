"""Undoing a merge (DESIGN: a manager can undo a merge for 30 days; undo gives back both records as they
were): the merged record comes back, the kept one gets back the values the merge changed, and exactly
the rows the merge moved go back; what happened since stays where it is."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.versioning import lock_rows, save_versioned
from comptoir.customers.merges_read import customer_merge_get, merge_undo_refusal
from comptoir.customers.models import Customer, CustomerAlias, CustomerEmail, CustomerMerge, CustomerPhone, EmailStatus
from comptoir.customers.services.keys import _refresh_keys, _save_tokens
from comptoir.customers.services.merge import chunks, columns
from comptoir.timeline.services import timeline_move, timeline_record


def _restore_fields(survivor: Customer, merge: CustomerMerge) -> tuple[list[str], list[str]]:
    """Each value the merge set that is still there goes back to what it was; one changed since stays.
    The email goes with its status; a secondary address the merge made of the survivor's own, bounced
    since, comes back bounced."""
    before, after, now = merge.survivor_before, merge.survivor_after, columns(survivor)
    restored, kept = [], []
    for name in after:
        if name == "email_status" and "email" in after:
            continue
        group = ("email", "email_status") if name == "email" else (name,)
        if now[name] != after[name]:
            kept.append(name)
            continue
        for column in group:
            setattr(survivor, column, before[column])
            restored.append(column)
        if name == "email":
            bounced = CustomerEmail.objects.filter(
                pk__in=merge.moved.get("created", {}).get("emails", []), email=before["email"],
                email_status=EmailStatus.INVALID)
            if bounced.exists():
                survivor.email_status = EmailStatus.INVALID
    details = dict(survivor.details)
    for key, value in merge.moved.get("details_added", {}).items():
        if details.get(key) == value:
            del details[key]
    if details != survivor.details:
        survivor.details = details
        restored.append("details")
    return restored, kept


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:  # a model removed since: its rows went with it
        return None


def _move_back(survivor: Customer, other: Customer, moved: dict) -> None:
    """Exactly the rows the merge moved, those still on the survivor: a row created since, or moved
    elsewhere since, stays where it is."""
    for key, pks in moved.get("rows", {}).items():
        label, column = key.rsplit(".", 1)
        model = _model(label)
        for chunk in chunks(pks) if model is not None else ():
            model._base_manager.filter(pk__in=chunk, **{column: survivor}).update(**{column: other})
    phones = moved.get("phones", {})
    holder = dict(CustomerPhone.objects.filter(pk__in=[int(pk) for pk in phones]).values_list("pk", "customer_id"))
    for pk, phone in phones.items():
        if holder.get(int(pk)) == other.pk:
            CustomerPhone.objects.filter(pk=int(pk)).update(position=phone["position"])
        elif int(pk) not in holder:  # rewritten by an edit of the kept card since: the merged record gets it back
            CustomerPhone.objects.create(customer=other, **phone)
    for key, link in moved.get("m2m", {}).items():
        label, column = key.rsplit(".", 1)
        through = _model(label)
        if through is None:
            continue
        for chunk in chunks(link["moved"]):
            through._base_manager.filter(pk__in=chunk, **{column: survivor}).update(**{column: other})
        for target in link["removed"]:  # the link both records had: the merged record gets its own back
            through._base_manager.get_or_create(**{f"{column}_id": other.pk, link["target"]: target})
    created = moved.get("created", {})
    CustomerAlias.objects.filter(pk__in=created.get("aliases", []), customer=survivor).delete()
    CustomerEmail.objects.filter(pk__in=created.get("emails", []), customer=survivor).delete()
    Customer.tags.through.objects.filter(customer=survivor, tag_id__in=moved.get("tags_added", [])).delete()
    for chunk in chunks(moved.get("merged_from", [])):
        Customer.objects.filter(pk__in=chunk, merged_into=survivor).update(merged_into=other)
    for chunk in chunks(moved.get("timeline", [])):
        timeline_move(from_subject=survivor, to_subject=other, ids=chunk)


@transaction.atomic
def customer_merge_undo(*, actor, merge_id) -> CustomerMerge:
    """Undo `merge_id`: a sales manager or an admin (403 otherwise), within COMPTOIR_MERGE_UNDO_DAYS of
    the merge, once (409), while the kept record was not merged into another since (409). Both
    timelines record it. Answers the merge, its `survivor` and `merged` (restored) loaded."""
    merge = customer_merge_get(actor=actor, pk=merge_id)  # 404 for a merge of customers the actor may not see
    merge = lock_rows(CustomerMerge.objects.filter(pk=merge.pk))[0]
    records = {c.pk: c for c in lock_rows(Customer.objects.filter(pk__in=[merge.survivor_id, merge.merged_id]))}
    survivor, other = records[merge.survivor_id], records[merge.merged_id]
    if not (permissions.can_see_customer(actor, survivor) and permissions.can_see_customer(actor, other)):
        raise NotFound()
    merge.survivor, merge.merged = survivor, other
    refusal = merge_undo_refusal(actor, merge)
    if refusal is not None:
        raise refusal

    restored, kept = _restore_fields(survivor, merge)
    _move_back(survivor, other, merge.moved)
    _refresh_keys(survivor)
    save_versioned(survivor, [*restored, "search_name", "name_key", "postal_key", "updated_at"])
    _save_tokens(survivor)
    other.merged_into, other.merged_at = None, None
    _refresh_keys(other)
    save_versioned(other, ["merged_into", "merged_at", "search_name", "name_key", "postal_key", "updated_at"])
    _save_tokens(other)
    merge.undone_at, merge.undone_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    timeline_record(actor=actor, subject=survivor, verb="customer_merge_undone",
                    data={"merge": merge.pk, "other": other.pk, "restored": restored, "kept": kept})
    timeline_record(actor=actor, subject=other, verb="customer_merge_undone",
                    data={"merge": merge.pk, "survivor": survivor.pk})
    return merge
