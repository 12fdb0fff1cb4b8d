"""Reads of messaging: who a message may be sent to (and why not), the merge data of each recipient,
the messages a user may see, a bulk send's progress."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.core import permissions
from comptoir.core.emails import public_url
from comptoir.core.exceptions import Forbidden, NotFound
from comptoir.core.formatting import money_text
from comptoir.customers.models import Customer, EmailStatus
from comptoir.customers.selectors import customer_visible
from comptoir.leads.models import Lead
from comptoir.leads.selectors import lead_visible
from comptoir.messaging.models import BulkSend, Channel, Direction, Message, MessageStatus, MessageTemplate
from comptoir.messaging.rendering import unsubscribe_url
from comptoir.quotes.models import QuoteVariant
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


def text_phone(phones):
    """The phone a text goes to: the first mobile, else the first number (phones as rows or dicts)."""
    def field(phone, name):
        return phone[name] if isinstance(phone, dict) else getattr(phone, name)

    usable = [phone for phone in phones if field(phone, "e164")]
    return next((phone for phone in usable if field(phone, "kind") == "mobile"), usable[0] if usable else None)


def _mobile(phones) -> str:
    phone = text_phone(phones)
    if phone is None:
        return ""
    return phone["e164"] if isinstance(phone, dict) else phone.e164


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


# --- The inbox (« Courriels »): the replies each user should answer ----------------------------------

INBOX_FORBIDDEN = _("Seuls un directeur des ventes et un administrateur peuvent consulter les courriels d'un "
                    "autre utilisateur.")


def inbox_owner():
    """Whose inbox a received message is in: the user who should answer it, the first of

    1. the salesperson of the opportunity it was filed under;
    2. else the salesperson of its customer;
    3. else the owner of its lead;
    4. else, when none of these has anyone, the sender of the message it answers (In-Reply-To /
       References named one of ours).

    The record's salesperson comes before the sender: a deal or customer given to another salesperson
    takes its replies with it, and the replies to a manager's bulk follow-up go to each deal's
    salesperson. A reply filed under nobody's record that answers nothing of ours (an unowned customer
    writing first) is in no inbox; it stays on the card, in the record's communications.

    The owner always sees the message (message_visible): they own the deal, customer or lead, or (4)
    these are unowned, which every salesperson sees. One SQL expression over the message's own
    foreign keys (left joins on primary keys), so a list and a count filter on it in one query."""
    return Coalesce("opportunity__salesperson", "customer__salesperson", "lead__owner", "in_reply_to__sender")


def _inbox_user_id(actor, user) -> int:
    """Whose inbox the actor asks for: their own by default; another user's only for a manager or an
    admin (403 otherwise, 404 for a user who does not exist)."""
    user_id = getattr(user, "pk", user)
    if user_id is None or user_id == actor.pk:
        return actor.pk
    if not permissions.can_see_team(actor):
        raise Forbidden(INBOX_FORBIDDEN)
    if not User.objects.filter(pk=user_id).exists():
        raise NotFound()
    return user_id


def _received_by(user_id: int) -> QuerySet:
    # DESIGN: replies only; message_inbox_idx holds (direction, read_at) and the four keys inbox_owner reads.
    return Message.objects.filter(direction=Direction.IN).alias(inbox_owner=inbox_owner()).filter(
        inbox_owner=user_id)


def inbox(actor, user=None, unread_only: bool = True) -> QuerySet:
    """The replies in `user`'s inbox (the actor's own by default; see inbox_owner for the rule), unread
    ones only unless `unread_only` is false, newest first, with their customer, lead, opportunity and
    sender joined: one query for a page of any size."""
    queryset = _received_by(_inbox_user_id(actor, user))
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return (queryset.select_related("customer", "lead", "opportunity", "sender").defer("body_html")
            .order_by("-received_at", "-pk"))


def inbox_unread_count(user) -> int:
    """How many replies in the user's inbox are unread: one COUNT over message_inbox_idx."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return _received_by(user.pk).filter(read_at__isnull=True).count()


def inbox_message_get(*, actor, pk) -> Message:
    """A received message opened from the inbox, with `inbox_owner_id`: 404 when the actor may not see
    it, or it is not a reply."""
    message = (message_visible(actor).filter(pk=pk, direction=Direction.IN)
               .annotate(inbox_owner_id=inbox_owner())
               .select_related("customer", "lead", "opportunity", "sender", "in_reply_to").first())
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
