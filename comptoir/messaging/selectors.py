"""Reads of messaging: who a message may be sent to (and why not), the merge data of each recipient,
the messages a user may see, a bulk send's progress."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from comptoir.core.exceptions import NotFound
from comptoir.customers.models import Customer, EmailStatus
from comptoir.customers.selectors import customer_visible
from comptoir.leads.models import Lead
from comptoir.leads.selectors import lead_visible
from comptoir.messaging.models import BulkSend, Channel, Message, MessageStatus, MessageTemplate
from comptoir.messaging.rendering import public_url, unsubscribe_url
from comptoir.sales.models import Opportunity
from comptoir.sales.selectors import opportunity_visible

# Why a recipient is left out of a send: the codes the API answers in `skipped`.
EMAIL_SKIPS = {EmailStatus.MISSING: "no_email", EmailStatus.PLACEHOLDER: "placeholder",
               EmailStatus.INVALID: "invalid_email"}


@dataclass
class Recipient:
    target_id: int
    customer: Customer | None = None
    lead: Lead | None = None
    opportunity: Opportunity | None = None
    salesperson: object = None
    address: str = ""
    skip: str | None = None
    quote: object = None

    @property
    def person(self):
        return self.customer or self.lead

    @cached_property
    def unsubscribe_url(self) -> str:
        """Signed once per recipient: the template's {{ unsubscribe_url }} and a bulk send's footer."""
        return unsubscribe_url(self.person)


def _mobile(phones) -> str:
    """The number a text goes to: the first mobile, else the first number."""
    phones = [(p["kind"], p["e164"]) if isinstance(p, dict) else (p.kind, p.e164) for p in phones]
    phones = [(kind, e164) for kind, e164 in phones if e164]
    mobile = [e164 for kind, e164 in phones if kind == "mobile"]
    return (mobile or [e164 for _kind, e164 in phones] or [""])[0]


def _address(recipient: Recipient, channel: str, mailing: bool) -> None:
    person = recipient.person
    if mailing and person.unsubscribed:
        recipient.skip = "unsubscribed"
    elif channel == Channel.SMS:
        phones = person.phones if isinstance(person, Lead) else person.phones.all()
        recipient.address = _mobile(phones)
        recipient.skip = None if recipient.address else "no_phone"
    elif person.email_status == EmailStatus.VALID:
        recipient.address = person.email
    else:
        recipient.skip = EMAIL_SKIPS.get(person.email_status, "no_email")


def _latest_sent_quotes(opportunity_ids: list[int]) -> dict:
    from comptoir.quotes.models import QuoteVariant

    variants = (QuoteVariant.objects.filter(quote__opportunity_id__in=opportunity_ids, tracking_key__isnull=False)
                .select_related("quote").order_by("sent_at", "pk"))
    return {variant.quote.opportunity_id: variant for variant in variants}


def recipients(*, actor, target: str, ids: list[int], channel: str, mailing: bool = True) -> list[Recipient]:
    """One recipient per distinct id, in the order given; those the actor may not see are `not_found`;
    a mailing (a bulk send) skips the unsubscribed. A constant number of queries whatever the number of ids."""
    ids = list(dict.fromkeys(ids))
    phones = channel == Channel.SMS
    if target == "opportunities":
        queryset = opportunity_visible(actor).select_related("customer", "salesperson", "pipeline", "stage")
        if phones:
            queryset = queryset.prefetch_related("customer__phones")
        found = {o.pk: Recipient(o.pk, customer=o.customer, opportunity=o, salesperson=o.salesperson)
                 for o in queryset.filter(pk__in=ids)}
        quotes = _latest_sent_quotes(list(found))
        for recipient in found.values():
            recipient.quote = quotes.get(recipient.target_id)
    elif target == "customers":
        queryset = customer_visible(actor).select_related("salesperson")
        if phones:
            queryset = queryset.prefetch_related("phones")
        found = {c.pk: Recipient(c.pk, customer=c, salesperson=c.salesperson) for c in queryset.filter(pk__in=ids)}
    else:
        found = {lead.pk: Recipient(lead.pk, lead=lead, salesperson=lead.owner)
                 for lead in lead_visible(actor).select_related("owner").filter(pk__in=ids)}
    result = []
    for pk in ids:
        recipient = found.get(pk)
        if recipient is None:
            result.append(Recipient(pk, skip="not_found"))
            continue
        recipient.salesperson = recipient.salesperson or actor
        _address(recipient, channel, mailing)
        result.append(recipient)
    return result


def merge_data(recipient: Recipient) -> dict:
    """What a template may print for this recipient (rendering.MERGE_FIELDS), formatted in the active
    language. Empty values stay empty: the renderer reports them as missing."""
    from comptoir.quotes.documents import money_text

    person = recipient.person
    user = recipient.salesperson
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    signature = user.signature or "\n".join(p for p in (user.display_name, user.email) if p)
    data = {
        "customer": {"first_name": person.first_name, "last_name": person.last_name,
                     "display_name": name or person.company, "company": person.company,
                     "email": person.email if person.email_status == EmailStatus.VALID else "", "city": person.city},
        "salesperson": {"first_name": user.first_name, "last_name": user.last_name,
                        "display_name": user.display_name, "email": user.email, "signature": signature},
        "opportunity": {},
        "quote": {},
        "unsubscribe_url": recipient.unsubscribe_url,
    }
    opportunity = recipient.opportunity
    if opportunity is not None:
        data["opportunity"] = {
            "number": opportunity.number, "product": opportunity.product,
            "amount": money_text(opportunity.amount, opportunity.currency) if opportunity.amount is not None else "",
            "stage": opportunity.stage.name, "pipeline": opportunity.pipeline.name,
        }
    variant = recipient.quote
    if variant is not None:
        data["quote"] = {"number": variant.quote.number, "total": money_text(variant.total, variant.currency),
                         "link": public_url(reverse("quote-view", args=[variant.tracking_key]))}
    return data


# --- Messages --------------------------------------------------------------------------------------

def message_visible(actor) -> QuerySet:
    """A message is seen by whoever sees the customer, lead or opportunity it belongs to."""
    from comptoir.core import permissions

    if permissions.can_see_team(actor) or permissions.can_see_all_customers(actor):
        return Message.objects.all()
    return Message.objects.filter(
        Q(customer__in=customer_visible(actor)) | Q(lead__in=lead_visible(actor))
        | Q(opportunity__in=opportunity_visible(actor)) | Q(sender=actor)
    )


def message_list(*, actor, customer=None, lead=None, opportunity=None, channel=None, direction=None,
                 status=None, unread=None) -> QuerySet:
    queryset = message_visible(actor)
    for name, value in (("customer_id", customer), ("lead_id", lead), ("opportunity_id", opportunity),
                        ("channel", channel), ("direction", direction), ("status", status)):
        if value is not None:
            queryset = queryset.filter(**{name: value})
    if unread is not None:
        queryset = queryset.filter(direction="in", read_at__isnull=unread)
    return queryset.order_by("-created_at", "-pk")


def message_get(*, actor, pk) -> Message:
    message = message_visible(actor).filter(pk=pk).first()
    if message is None:
        raise NotFound()
    return message


def template_list(*, channel=None, language=None, active=True) -> QuerySet:
    queryset = MessageTemplate.objects.all()
    if channel:
        queryset = queryset.filter(channel=channel)
    if language:
        queryset = queryset.filter(language=language)
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset.order_by("name", "language", "pk")


def template_get(pk) -> MessageTemplate:
    template = MessageTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise NotFound()
    return template


def bulk_progress(*, actor, pk) -> dict:
    """How far a bulk send is: its messages counted by status in one query."""
    from comptoir.core import permissions

    job = BulkSend.objects.filter(pk=pk).first()
    if job is None or not (job.created_by_id == actor.pk or permissions.can_see_team(actor)):
        raise NotFound()
    counts = dict(job.messages.values_list("status").annotate(n=Count("pk")).order_by())
    waiting = counts.get(MessageStatus.QUEUED, 0) + counts.get(MessageStatus.SENDING, 0)
    return {
        "id": job.pk, "template": job.template_id, "target": job.target, "created_at": job.created_at,
        "to_send": job.to_send, "skipped": job.skipped,
        "queued": waiting, "sent": counts.get(MessageStatus.SENT, 0),
        "failed": counts.get(MessageStatus.FAILED, 0), "bounced": counts.get(MessageStatus.BOUNCED, 0),
        "done": waiting == 0,
    }
