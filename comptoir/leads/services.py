"""Writes on leads. Email and phones follow the customers' rules (API.md: /leads)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.services import salesperson_resolve
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.models import Media, Source
from comptoir.core.selectors import reference_resolve
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.models import Channel
from comptoir.customers.selectors import customer_duplicates, customer_get
from comptoir.customers.services import (
    CHANNEL_MEDIA, SYSTEM_CHANNELS, customer_create, customer_note_add, customer_update, email_clean, phones_clean,
)
from comptoir.leads.conversion import followers_run
from comptoir.leads.models import Lead, LeadStatus, WebForm
from comptoir.leads.selectors import lead_visible
from comptoir.sales.services import opportunity_create
from comptoir.timeline.services import timeline_copy, timeline_record

CREATE_FORBIDDEN = _("Votre rôle ne permet pas de créer des pistes.")
NAME_REQUIRED = _("Il faut un prénom, un nom ou une entreprise.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez attribuer une piste qu'à vous-même.")
BAD_OWNER = _("Ce responsable n'existe pas, est inactif ou n'a pas de département.")
BAD_STATUS = _("Statut de piste inconnu : new, contacted, qualified, converted ou lost.")

TEXT_FIELDS = ("first_name", "last_name", "company", "address_line1", "address_line2", "city", "province",
               "postal_code", "country", "industry", "market_segment", "territory", "website", "notes",
               "external_id")


@transaction.atomic
def lead_create(*, actor, channel: str = Channel.MANUAL, email: str | None = "", phones: list[dict] | None = None,
                **values) -> Lead:
    """A lead as a person, a web form or an import enters it; its owner defaults to a salesperson
    creating it, and a system channel leaves it to nobody (DESIGN: customers, media)."""
    # A system channel (the web form) enters leads with no one signed in; people need the right.
    if actor is None and channel not in SYSTEM_CHANNELS or actor is not None and not permissions.can_enter_records(actor):
        raise Forbidden(CREATE_FORBIDDEN)
    lead = Lead(created_by=actor if getattr(actor, "pk", None) else None, channel=channel)
    for key in TEXT_FIELDS:
        if key in values:
            setattr(lead, key, (values[key] or "").strip())
    lead.source = reference_resolve(Source, values.get("source"), field="source")
    lead.media = reference_resolve(Media, values.get("media"), field="media") \
        or Media.objects.filter(code=CHANNEL_MEDIA[channel]).first()
    if values.get("status"):
        if values["status"] not in LeadStatus.values:
            raise ApplicationError(BAD_STATUS, field="status")
        lead.status = values["status"]
    if "next_contact_at" in values:
        lead.next_contact_at = values["next_contact_at"]
    if channel in SYSTEM_CHANNELS:
        lead.owner = None
    elif values.get("owner") is not None:
        lead.owner = salesperson_resolve(actor=actor, value=values["owner"], field="owner",
                                         forbidden_message=ASSIGN_FORBIDDEN, invalid_message=BAD_OWNER)
    elif actor is not None and permissions.has_capability(actor, "work_own") and actor.department_id is not None:
        lead.owner = actor
    lead.email, lead.email_status = email_clean(email)
    lead.phones = [{k: p[k] for k in ("kind", "number", "e164", "extension")} for p in phones_clean(phones)]
    if not (lead.first_name or lead.last_name or lead.company):
        raise ApplicationError(NAME_REQUIRED, field="last_name")
    lead.full_clean()
    lead.save()
    timeline_record(actor=actor, subject=lead, verb="lead_created",
                    data={"channel": channel, "owner": lead.owner_id, "email_status": lead.email_status})
    return lead


UPDATE_FIELDS = TEXT_FIELDS + ("source", "media", "owner", "status", "next_contact_at", "unsubscribed")
ALREADY_CONVERTED = _("Cette piste est déjà convertie.")
LOST_NOT_CONVERTED = _("Une piste perdue ne se convertit pas : rouvrez-la d'abord.")
DUPLICATE_CUSTOMER = _("Ce client existe déjà (même téléphone ou courriel) : liez la piste à sa fiche, ou "
                       "confirmez la création d'une nouvelle fiche.")
LEAD_NOTES = _("Notes de la piste « %(lead)s » :\n%(notes)s")
FORMS_FORBIDDEN = _("Seul un administrateur gère les formulaires web.")
FORM_NAME_TAKEN = _("Un formulaire web porte déjà ce nom.")


def _lock_lead(actor, pk) -> Lead:
    rows = lock_rows(Lead.objects.filter(pk=pk))
    if not rows or not lead_visible(actor).filter(pk=pk).exists():
        raise NotFound()
    return rows[0]


@transaction.atomic
def lead_update(*, actor, lead_id, version: int | None = None, email=None, phones=None, **values) -> Lead:
    lead = _lock_lead(actor, lead_id)
    check_version(lead, version)
    changed = []
    for key in TEXT_FIELDS:
        if key in values:
            setattr(lead, key, (values[key] or "").strip())
            changed.append(key)
    if "source" in values:
        lead.source = reference_resolve(Source, values["source"], field="source")
        changed.append("source")
    if "media" in values:
        lead.media = reference_resolve(Media, values["media"], field="media")
        changed.append("media")
    owner = values.get("owner")
    if "owner" in values and (owner.pk if hasattr(owner, "pk") else owner) != lead.owner_id:
        # Keeping the owner is no change, even one who has left since (no longer assignable).
        lead.owner = salesperson_resolve(actor=actor, value=values["owner"], field="owner",
                                         forbidden_message=ASSIGN_FORBIDDEN, invalid_message=BAD_OWNER)
        changed.append("owner")
    if "status" in values:
        if values["status"] not in LeadStatus.values or values["status"] == LeadStatus.CONVERTED:
            raise ApplicationError(BAD_STATUS, field="status")
        lead.status = values["status"]
        changed.append("status")
    for key in ("next_contact_at", "unsubscribed"):
        if key in values:
            setattr(lead, key, values[key])
            changed.append(key)
    if "owner" in changed and lead.owner is not None and lead.owner != actor and lead.next_contact_at is None:
        # A lead handed to a salesperson is theirs to call now: it lands in their day (« Pistes à
        # relancer »), their calendar and their morning reminder, not only in the list of every lead.
        lead.next_contact_at = timezone.now()
        changed.append("next_contact_at")
    if email is not None:
        lead.email, lead.email_status = email_clean(email)
        changed += ["email", "email_status"]
    if phones is not None:
        lead.phones = [{k: p[k] for k in ("kind", "number", "e164", "extension")} for p in phones_clean(phones)]
        changed.append("phones")
    if not (lead.first_name or lead.last_name or lead.company):
        raise ApplicationError(NAME_REQUIRED, field="last_name")
    lead.full_clean()
    save_versioned(lead, [*changed, "updated_at"])
    timeline_record(actor=actor, subject=lead, verb="lead_updated",
                    data={"fields": sorted(set(changed)), **({"owner": lead.owner_id} if "owner" in changed else {})})
    return lead


@transaction.atomic
def lead_convert(*, actor, lead_id, customer=None, create_anyway: bool = False,
                 create_opportunity: dict | None = None) -> tuple[Lead, object, object]:
    """DESIGN: converting creates the customer with every field of the lead (or links the existing
    one named, or found as a sure duplicate once the user confirms), optionally an opportunity,
    marks the lead converted and pointing to them, and the lead's history follows to the customer.

    Nothing of the lead is lost: its notes become a note on the customer's card, its source and
    media the opportunity's (and a linked customer's where it has none), its tasks and messages
    follow through the apps that own them (leads.conversion)."""
    lead = _lock_lead(actor, lead_id)
    if lead.status == LeadStatus.CONVERTED:
        raise Conflict(ALREADY_CONVERTED)
    if lead.status == LeadStatus.LOST:
        raise ApplicationError(LOST_NOT_CONVERTED, field="status")
    if customer is not None:
        target = customer_get(actor=actor, pk=customer)
        missing = {key: getattr(lead, f"{key}_id") for key in ("source", "media")
                   if getattr(target, f"{key}_id") is None and getattr(lead, f"{key}_id") is not None}
        if missing:
            target = customer_update(actor=actor, customer_id=target.pk, **missing)
    else:
        values = {key: getattr(lead, key) for key in ("first_name", "last_name", "company", "address_line1",
                                                      "address_line2", "city", "province", "postal_code",
                                                      "country", "industry", "market_segment", "territory",
                                                      "website")}
        channel = lead.channel
        phones = [{k: p.get(k, "") for k in ("kind", "number", "extension")} for p in lead.phones]
        target = customer_create(actor=actor, channel=channel, email=lead.email if lead.email_status == "valid"
                                 else "", phones=phones, source=lead.source_id, media=lead.media_id, **values)
        if not create_anyway:
            sure = [d for d in customer_duplicates(target, actor=actor) if d["reason"] in ("phone", "email")]
            if sure:
                raise Conflict(DUPLICATE_CUSTOMER, field="customer",
                               errors=[{"field": "customer", "message": str(d["id"])} for d in sure])
        owner = lead.owner or (actor if permissions.has_capability(actor, "work_own") and actor.department_id
                               else None)
        if owner is not None and target.salesperson_id != owner.pk:
            target = customer_update(actor=actor, customer_id=target.pk, salesperson=owner.pk)
    opportunity = None
    if create_opportunity:
        values = {key: value for key, value in create_opportunity.items() if value not in (None, "")}
        values.setdefault("source", lead.source_id)
        values.setdefault("media", lead.media_id)
        if target.salesperson_id is not None:
            values.setdefault("salesperson", target.salesperson_id)  # the lead's owner, now the customer's
        opportunity = opportunity_create(actor=actor, customer=target.pk, **values)
    lead.status, lead.customer = LeadStatus.CONVERTED, target
    save_versioned(lead, ["status", "customer", "updated_at"])
    if lead.notes.strip():
        customer_note_add(actor=actor, customer_id=target.pk,
                          body=LEAD_NOTES % {"lead": str(lead), "notes": lead.notes.strip()})
    moved = followers_run(actor=actor, lead=lead, customer=target, opportunity=opportunity)
    # The lead's history, on the customer's timeline too, with its own dates.
    timeline_copy(from_subject=lead, to_subject=target, data={"lead": lead.pk})
    data = {"lead": lead.pk, "customer": target.pk, "opportunity": opportunity.pk if opportunity else None,
            **({"moved": moved} if moved else {})}
    timeline_record(actor=actor, subject=lead, verb="lead_converted", data=data)
    timeline_record(actor=actor, subject=target, verb="lead_converted", data=data)
    return lead, target, opportunity


@transaction.atomic
def web_form_create(*, actor, name: str) -> WebForm:
    permissions.require(actor, "manage_lists", FORMS_FORBIDDEN)
    name = (name or "").strip()
    if WebForm.objects.filter(name__iexact=name).exists():
        raise Conflict(FORM_NAME_TAKEN, field="name")
    form = WebForm(name=name, key=secrets.token_urlsafe(32))
    form.full_clean()
    form.save()
    timeline_record(actor=actor, subject=form, verb="web_form_created", data={"name": name})
    return form


def web_form_submit(*, key: str, honeypot: str = "", **values) -> Lead | None:
    """A lead from the dealership's site: media web form, no owner (DESIGN: system channel). A filled
    honeypot field means a robot: nothing is created, and it is not told."""
    form = WebForm.objects.filter(key=key, active=True).first() if key else None
    if form is None:
        raise NotFound()
    if honeypot:
        return None
    allowed = {k: v for k, v in values.items() if k in TEXT_FIELDS and k != "external_id"}
    return lead_create(actor=None, channel=Channel.WEB_FORM, email=values.get("email") or "",
                       phones=values.get("phones") or [], source=values.get("source") or None, **allowed)
