"""Writes on leads. Email and phones follow the customers' rules (API.md: /leads)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.services import salesperson_resolve
from comptoir.activities.services import timeline_record
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.core.models import Media, Source
from comptoir.core.selectors import reference_resolve
from comptoir.customers.models import Channel
from comptoir.customers.services import CHANNEL_MEDIA, SYSTEM_CHANNELS, email_clean, phones_clean
from comptoir.leads.models import Lead, LeadStatus

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
    if not permissions.can_enter_records(actor):
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
    elif permissions.has_capability(actor, "work_own") and actor.department_id is not None:
        lead.owner = actor
    lead.email, lead.email_status = email_clean(email)
    lead.phones = [{k: p[k] for k in ("kind", "number", "e164")} for p in phones_clean(phones)]
    if not (lead.first_name or lead.last_name or lead.company):
        raise ApplicationError(NAME_REQUIRED, field="last_name")
    lead.full_clean()
    lead.save()
    timeline_record(actor=actor, subject=lead, verb="lead_created",
                    data={"channel": channel, "owner": lead.owner_id, "email_status": lead.email_status})
    return lead
