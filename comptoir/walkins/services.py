"""Writes on walk-ins: reception records a store visit in one go (find or create the customer, mark the
walk-in, assign the salesperson, who is notified); reassigning it and linking its opportunity."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from comptoir.accounts.services import salesperson_resolve
from comptoir.activities.selectors import task_visible
from comptoir.activities.services import task_create, task_update
from comptoir.core import permissions
from comptoir.core.emails import public_url
from comptoir.core.exceptions import NOT_FOUND, ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.text import is_small_id
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.models import Channel, Customer
from comptoir.customers.selectors import customer_duplicates, customer_get
from comptoir.customers.services import (BAD_SALESPERSON, CHANNEL_MEDIA, TOO_LONG, customer_create,
                                         customer_update)
from comptoir.sales.selectors import opportunity_visible
from comptoir.timeline.services import timeline_record
from comptoir.walkins.models import StoreVisit
from comptoir.walkins.selectors import walk_in_visible

RECORD_FORBIDDEN = _("Votre rôle ne permet pas d'enregistrer des visites en magasin.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez enregistrer une visite que pour vous-même.")
SALESPERSON_REQUIRED = _("Choisissez le vendeur qui reçoit le client.")
CUSTOMER_REQUIRED = _("Choisissez le client dans la recherche, ou entrez le nouveau client.")
CUSTOMER_TWICE = _("Un client trouvé ou un nouveau client, pas les deux.")
DUPLICATE_CUSTOMER = _("Ce client existe déjà (même téléphone ou courriel) : choisissez sa fiche, ou confirmez "
                       "la création d'une nouvelle fiche.")
FUTURE_VISIT = _("Une visite ne peut pas être dans le futur.")
NOT_THE_CUSTOMERS = _("Cette opportunité n'est pas celle du client de la visite.")
TASK_TITLE = _("Client en magasin : %(name)s")

# A visit typed a moment "in the future" is a clock a little ahead, not a visit to come.
CLOCK_SKEW = timedelta(minutes=5)
# What the customer's record takes from a walk-in's quick form; the media and salesperson are the visit's.
NEW_CUSTOMER_FIELDS = ("first_name", "last_name", "company", "email", "no_email", "phones", "source",
                       "address_line1", "address_line2", "city", "province", "postal_code", "country",
                       "industry", "market_segment", "territory", "website")


def _serving(actor, value):
    """The salesperson put on the visit: an assigner puts anyone assignable; a salesperson themselves
    (403 for a colleague); nobody is no walk-in."""
    if value is None:
        raise ApplicationError(SALESPERSON_REQUIRED, field="salesperson")
    return salesperson_resolve(actor=actor, value=value, field="salesperson", forbidden_message=ASSIGN_FORBIDDEN,
                               invalid_message=BAD_SALESPERSON)


def _notes(text) -> str:
    notes = (text or "").strip()
    limit = StoreVisit._meta.get_field("notes").max_length  # a TextField's limit is the code's to keep
    if len(notes) > limit:
        raise ApplicationError(TOO_LONG % {"field": StoreVisit._meta.get_field("notes").verbose_name, "max": limit},
                               field="notes")
    return notes


def _visit_time(visited_at):
    now = timezone.now()
    if visited_at is None:
        return now
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > now + CLOCK_SKEW:
        raise ApplicationError(FUTURE_VISIT, field="visited_at")
    return visited_at


def _new_customer(actor, values: dict, serving, create_anyway: bool) -> Customer:
    """Through customer_create, so every customer rule applies (email, fake addresses, phones, name);
    DESIGN: manual creation = media « en magasin »; the customer is the serving salesperson's. A sure
    duplicate (same phone or email) is refused with its ids until the user picks it or confirms."""
    unknown = set(values) - set(NEW_CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected customer fields {sorted(unknown)}")
    customer = customer_create(actor=actor, **values, media=CHANNEL_MEDIA[Channel.MANUAL], salesperson=serving.pk)
    if not create_anyway:
        sure = [d["id"] for d in customer_duplicates(customer, actor=actor) if d["reason"] in ("phone", "email")]
        if sure:
            raise Conflict(DUPLICATE_CUSTOMER, field="customer",
                           errors=[{"field": "customer", "message": str(pk)} for pk in sure])
    return customer


def _existing_customer(actor, pk, serving, found: Customer | None = None) -> tuple[Customer, bool]:
    """The customer found (404 when the actor may not see them; `found` when already fetched), and whether
    the visit gave them to the serving salesperson: one nobody owns becomes theirs; one who has a
    salesperson keeps them (the visit says who served this time)."""
    customer = found or customer_get(actor=actor, pk=pk)
    if customer.salesperson_id is not None:
        return customer, False
    return customer_update(actor=actor, customer_id=customer.pk, salesperson=serving.pk), True


def _task_title(visit: StoreVisit) -> str:
    with translation.override(visit.salesperson.language):
        return str(TASK_TITLE % {"name": visit.customer.display_name})[:200]


def _notify(actor, visit: StoreVisit) -> None:
    """The serving salesperson's « Client en magasin » task, due now, and an email when they have an
    address (sent from the worker once the visit is committed)."""
    visit.task = task_create(actor=actor, title=_task_title(visit), due_at=timezone.now(), type="store_visit",
                             assignee=visit.salesperson_id, customer=visit.customer_id, notes=visit.notes)
    visit.save(update_fields=["task"])
    _email_on_commit(visit)


def _email_on_commit(visit: StoreVisit) -> None:
    if visit.salesperson.email:
        # Imported here, not at the top: walkins.tasks imports this module (its task runs walk_in_notify_send).
        from comptoir.walkins.tasks import walk_in_notify_task

        transaction.on_commit(lambda: walk_in_notify_task.enqueue(visit.pk))


def _timeline(actor, visit: StoreVisit, verb: str, data: dict) -> None:
    data = {"visit": visit.pk, "visited_at": visit.visited_at, **data}
    timeline_record(actor=actor, subject=visit, verb=verb, data=data)
    timeline_record(actor=actor, subject=visit.customer, verb=verb, data=data)


@transaction.atomic
def walk_in_record(*, actor, customer=None, new_customer: dict | None = None, salesperson=None, notes: str = "",
                   visited_at=None, create_anyway: bool = False) -> StoreVisit:
    """A walk-in of the day: the customer found (`customer`, an id) or created (`new_customer`, the
    values of customer_create), the salesperson serving them, notified by a task and an email, and the
    visit in both timelines. Reception, managers and admins record for anyone; a salesperson for
    themselves. Without `salesperson`: the found customer's own salesperson, else the actor when they
    sell, else it is asked for."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(RECORD_FORBIDDEN)
    if customer is not None and new_customer:
        raise ApplicationError(CUSTOMER_TWICE, field="customer")
    if customer is None and not new_customer:
        raise ApplicationError(CUSTOMER_REQUIRED, field="customer")
    found = None
    if salesperson is None and customer is not None:
        found = customer_get(actor=actor, pk=customer)
        salesperson = found.salesperson_id
    if salesperson is None and permissions.has_capability(actor, "work_own") and actor.department_id is not None:
        salesperson = actor.pk
    serving = _serving(actor, salesperson)
    moment, notes = _visit_time(visited_at), _notes(notes)
    if customer is not None:
        target, assigned = _existing_customer(actor, customer, serving, found)
    else:
        target, assigned = _new_customer(actor, new_customer, serving, create_anyway), True
    visit = StoreVisit(customer=target, visited_at=moment, salesperson=serving, recorded_by=actor,
                       notes=notes, customer_assigned=assigned)
    visit.full_clean(exclude=["visited_on"])
    visit.save()
    _notify(actor, visit)
    _timeline(actor, visit, "walk_in_recorded", {"served_by": serving.pk, "served_by_name": serving.display_name,
                                                 "notes": visit.notes[:200]})
    return visit


def _lock(actor, pk) -> StoreVisit:
    rows = lock_rows(StoreVisit.objects.select_related("customer", "salesperson").filter(pk=pk))
    if not rows or not walk_in_visible(actor).filter(pk=pk).exists():
        raise NotFound()
    return rows[0]


def _linkable_opportunity(actor, visit: StoreVisit, value):
    opportunity = opportunity_visible(actor).filter(pk=int(value)).first() if is_small_id(value) else None
    if opportunity is None:
        raise ApplicationError(NOT_FOUND, field="opportunity")
    if opportunity.customer_id != visit.customer_id:
        raise ApplicationError(NOT_THE_CUSTOMERS, field="opportunity")
    return opportunity


def _hand_over(actor, visit: StoreVisit, former_id: int) -> None:
    """The visit changed salesperson: a customer the visit gave to the former one follows it; the open
    « Client en magasin » task goes to the new one when the actor may change it, else the new one gets
    their own; either way the new one is emailed."""
    if visit.customer_assigned and visit.customer.salesperson_id == former_id:
        visit.customer = customer_update(actor=actor, customer_id=visit.customer_id, salesperson=visit.salesperson_id)
    task = visit.task
    if task is not None and task.done_at is None and task_visible(actor).filter(pk=task.pk).exists():
        task_update(actor=actor, task_id=task.pk, assignee=visit.salesperson_id, title=_task_title(visit))
        _email_on_commit(visit)
    else:
        _notify(actor, visit)


@transaction.atomic
def walk_in_update(*, actor, walk_in_id, version: int | None = None, **values) -> StoreVisit:
    """Reassign the salesperson (the new one is notified), link the opportunity that came out of the visit
    (an opportunity of the visit's customer; null unlinks it, and the day's match applies again), or
    change the notes. Send the version read: a stale one is refused (409)."""
    visit = _lock(actor, walk_in_id)
    check_version(visit, version)
    changed, data = [], {}
    former_id = visit.salesperson_id
    if "salesperson" in values:
        serving = _serving(actor, values["salesperson"])
        if serving.pk != former_id:
            data["served_by"] = {"from": former_id, "to": serving.pk}
            visit.salesperson = serving
            changed.append("salesperson")
    if "opportunity" in values:
        value = values["opportunity"]
        visit.opportunity = None if value is None else _linkable_opportunity(actor, visit, value)
        data["opportunity"] = visit.opportunity_id
        changed.append("opportunity")
    if "notes" in values:
        visit.notes = _notes(values["notes"])
        changed.append("notes")
    visit.full_clean(exclude=["visited_on"])
    save_versioned(visit, [*changed, "updated_at"])
    if visit.salesperson_id != former_id:
        _hand_over(actor, visit, former_id)
    if changed:
        _timeline(actor, visit, "walk_in_updated", {"fields": changed, **data})
    return visit


def walk_in_notify_send(*, visit_id: int) -> bool:
    """The email telling the serving salesperson a customer waits for them (run by the worker), in the
    salesperson's language. Answers whether it left."""
    visit = (StoreVisit.objects.select_related("customer", "salesperson", "recorded_by")
             .prefetch_related("customer__phones").filter(pk=visit_id).first())
    if visit is None or not visit.salesperson.email:
        return False
    customer, salesperson = visit.customer, visit.salesperson
    with translation.override(salesperson.language):
        link = public_url(reverse("customer-card", args=[customer.pk]))
        lines = [
            gettext("Bonjour %(name)s,") % {"name": salesperson.first_name or salesperson.username},
            gettext("%(customer)s vous attend en magasin depuis %(time)s (visite enregistrée par %(by)s).") % {
                "customer": customer.display_name,
                "time": formats.time_format(timezone.localtime(visit.visited_at)),
                "by": visit.recorded_by.display_name if visit.recorded_by else "—"},
        ]
        phones = ", ".join(phone.number for phone in customer.phones.all())
        if phones:
            lines.append(gettext("Téléphone : %(phones)s") % {"phones": phones})
        if visit.notes:
            lines.append(gettext("Notes : %(notes)s") % {"notes": visit.notes})
        lines.append(gettext("Fiche du client : %(link)s") % {"link": link})
        send_mail(str(TASK_TITLE % {"name": customer.display_name}), "\n\n".join(lines), None, [salesperson.email])
    return True
