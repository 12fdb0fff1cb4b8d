"""Opens and clicks, and what providers report back: bounces, deliveries, complaints and replies."""

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptoir.core.exceptions import NotFound
from comptoir.customers.models import Customer
from comptoir.customers.services import customer_mark_email_bounced
from comptoir.leads.models import Lead
from comptoir.messaging.models import Channel, Direction, Message, MessageEvent, MessageStatus
from comptoir.messaging.services.sending import CLICK_SALT, _record_on_subjects
from comptoir.timeline.selectors import timeline_for
from comptoir.timeline.services import timeline_record


# --- Tracking ---------------------------------------------------------------------------------------------

def _count(message: Message, kind: str, *, now, url: str = "", external_id: str | None = None) -> bool:
    """One open or click: counted on the message, kept with its time, the first in the timeline."""
    count, first = ("open_count", "opened_at") if kind == MessageEvent.Kind.OPEN else ("click_count", "clicked_at")
    values = {count: F(count) + 1, first: Coalesce(F(first), now)}
    if kind == MessageEvent.Kind.CLICK:
        values["opened_at"] = Coalesce(F("opened_at"), now)  # a click proves the message was opened
    with transaction.atomic():
        if not _event_once(message, kind, external_id=external_id, url=url):
            return False
        Message.objects.filter(pk=message.pk).update(**values)
        if getattr(message, first) is None:
            _record_on_subjects(message, f"message_{'opened' if kind == MessageEvent.Kind.OPEN else 'clicked'}",
                                {"url": url[:300]} if url else {})
    return True


def message_opened(*, tracking_key: str, now=None) -> bool:
    """The open pixel was loaded: the first open is dated and lands in the timeline, each one counts."""
    message = Message.objects.filter(tracking_key=tracking_key).first() if tracking_key else None
    return message is not None and _count(message, MessageEvent.Kind.OPEN, now=now or timezone.now())


def message_clicked(*, token: str, now=None) -> str:
    """A tracked link was followed: count it and answer where it goes. A forged token is a 404."""
    try:
        tracking_key, url = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound() from None
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise NotFound()
    message = Message.objects.filter(tracking_key=tracking_key).first()
    if message is not None:
        _count(message, MessageEvent.Kind.CLICK, now=now or timezone.now(), url=url[:2000])
    return url


# --- Bounces, deliveries, replies --------------------------------------------------------------------------

def _event_once(message, kind: str, *, external_id: str | None, detail: str = "", url: str = "") -> bool:
    """Record an event unless the same report was already read (its external id): True when new."""
    try:
        with transaction.atomic():
            MessageEvent.objects.create(message=message, kind=kind, external_id=external_id or None,
                                        detail=detail[:500], url=url[:2000])
    except IntegrityError:
        return False
    return True


def message_for(*, message_id: str = "", provider_id: str = "", pk: int | None = None) -> Message | None:
    """Our outbound message a report names: by its Message-ID, the provider's id, or (a provider's event
    carrying the metadata we sent) its own id."""
    message_id, provider_id = message_id.strip().strip("<>"), provider_id.strip().strip("<>")
    queryset = Message.objects.filter(direction=Direction.OUT)
    if pk is not None:
        found = queryset.filter(pk=pk).first()
        if found:
            return found
    if message_id:
        found = queryset.filter(message_id=message_id).first()
        if found:
            return found
    # An email sent by SMTP has its Message-ID as provider id: one lookup finds both kinds.
    return queryset.filter(provider_message_id=provider_id).first() if provider_id else None


def _last_sent_to(email: str) -> Message | None:
    """A report that names no message of ours is about the last email we sent to that address."""
    if not email:
        return None
    return (Message.objects.filter(direction=Direction.OUT, channel=Channel.EMAIL, to__iexact=email)
            .exclude(sent_at__isnull=True).order_by("-sent_at", "-pk").first())


def _soft_bounce_on_people(email: str, reason: str, external_id: str | None) -> bool:
    """A soft bounce on no message of ours is kept in the history of everyone having that address, once."""
    people = [*Customer.objects.filter(email=email, merged_into__isnull=True), *Lead.objects.filter(email=email)]
    recorded = not people  # nobody has it: nothing to keep, nothing read twice
    for person in people:
        if external_id and timeline_for(person).filter(verb="email_soft_bounced",
                                                       data__external_id=external_id).exists():
            continue
        timeline_record(actor=None, subject=person, verb="email_soft_bounced",
                        data={"email": email, "reason": reason[:300], "external_id": external_id or ""})
        recorded = True
    return recorded


@transaction.atomic
def email_bounced(*, email: str, message: Message | None, hard: bool, reason: str = "",
                  external_id: str | None = None) -> bool:
    """DESIGN: a hard bounce (the address cannot receive mail) marks the email invalid (customers service;
    leads too) and the message bounced; a soft one (full mailbox, spam filter, time-out…) never does: it is
    kept on the message and in the history of whoever it was for. A report read twice counts once.
    A report naming no message of ours is filed on the last email sent to that address."""
    email = (email or (message.to if message else "")).strip().lower()
    message = message or _last_sent_to(email)
    if message is not None:
        kind = MessageEvent.Kind.BOUNCE if hard else MessageEvent.Kind.SOFT_BOUNCE
        if not _event_once(message, kind, external_id=external_id, detail=reason):
            return False
    elif external_id and MessageEvent.objects.filter(external_id=external_id).exists():
        return False
    if not hard:
        if message is not None:
            _record_on_subjects(message, "message_soft_bounced", {"reason": reason[:300]})
            return True
        return _soft_bounce_on_people(email, reason, external_id)
    if message is not None and message.status != MessageStatus.BOUNCED:
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.BOUNCED, error=reason[:2000])
        _record_on_subjects(message, "message_bounced", {"reason": reason[:300]})
    if email:
        customer_mark_email_bounced(email=email, reason=reason)
        customer_mark_email_bounced(email=email, reason=reason, model=Lead)
    return True


def email_event(*, kind: str, message: Message | None, external_id: str | None = None, url: str = "",
                detail: str = "", now=None) -> bool:
    """A provider's delivered / open / click / complaint report on one of our messages, once."""
    if message is None:
        return False
    if kind == MessageEvent.Kind.COMPLAINT:
        return email_unsubscribed(email=message.to, message=message, complaint=True, external_id=external_id,
                                  detail=detail)
    if kind in (MessageEvent.Kind.OPEN, MessageEvent.Kind.CLICK):
        return _count(message, kind, now=now or timezone.now(), url=url[:2000], external_id=external_id)
    return _event_once(message, kind, external_id=external_id, url=url, detail=detail)


@transaction.atomic
def email_unsubscribed(*, email: str, message: Message | None, complaint: bool, external_id: str | None = None,
                       detail: str = "") -> bool:
    """DESIGN: a complaint (the person reported the email as spam) or the provider's own unsubscribe link
    sets `unsubscribed` on whoever the message was for (else on everyone with that address): bulk sends
    skip them. Once per report."""
    email = (email or (message.to if message else "")).strip().lower()
    message = message or _last_sent_to(email)
    if message is not None:
        if complaint and not _event_once(message, MessageEvent.Kind.COMPLAINT, external_id=external_id,
                                         detail=detail):
            return False
        people = [person for person in (message.customer, message.lead) if person is not None]
    else:
        if not email:
            return False
        people = [*Customer.objects.filter(email=email, merged_into__isnull=True), *Lead.objects.filter(email=email)]
    changed = False
    for person in people:
        if person.unsubscribed:
            continue
        type(person).objects.filter(pk=person.pk).update(unsubscribed=True)
        person.unsubscribed = True
        timeline_record(actor=None, subject=person, verb="message_complaint" if complaint else "unsubscribed",
                        data={"email": email, "detail": detail[:300]})
        changed = True
    return changed or message is not None


@transaction.atomic
def reply_received(*, from_address: str, subject: str, body_text: str, message_id: str, references: list[str],
                   received_at=None) -> Message | None:
    """A reply lands in the history of whoever it answers: the message named by In-Reply-To or
    References, else the live customer (or lead) with that address. None when nobody matches or it was
    already read."""
    if Message.objects.filter(direction=Direction.IN, message_id=message_id).exists():
        return None
    original = next((m for m in (message_for(message_id=ref) for ref in references) if m is not None), None)
    address = (from_address or "").strip().lower()
    customer = lead = opportunity = None
    if original is not None:
        customer, lead, opportunity = original.customer, original.lead, original.opportunity
    elif address:
        customer = Customer.objects.filter(email=address, merged_into__isnull=True).order_by("pk").first()
        if customer is None:
            lead = Lead.objects.filter(email=address).order_by("-pk").first()
    if customer is None and lead is None:
        return None
    received_at = received_at or timezone.now()
    reply = Message.objects.create(
        channel=Channel.EMAIL, direction=Direction.IN, status=MessageStatus.RECEIVED, to="",
        from_address=address, subject=subject[:300], body_text=body_text[:100_000], message_id=message_id,
        in_reply_to=original, customer=customer, lead=lead, opportunity=opportunity, received_at=received_at,
        sent_at=received_at, sender=None,
    )
    if original is not None:
        _event_once(original, MessageEvent.Kind.REPLY, external_id=f"reply:{message_id}")
    _record_on_subjects(reply, "message_received", {"from": address})
    return reply
