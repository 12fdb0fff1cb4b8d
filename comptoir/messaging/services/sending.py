"""Composing one message or a bulk send, queued, and its delivery by the worker."""

import secrets
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from comptoir.core.emails import email_html, public_url, sender_address, with_dealer_footer
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.customers.services import email_clean, phones_clean
from comptoir.messaging import selectors
from comptoir.messaging.models import BulkSend, Channel, Direction, Message, MessageStatus, MessageTemplate
from comptoir.messaging.rendering import Compiled, render, unsubscribe_url
from comptoir.messaging.services.templates import _check_template
from comptoir.messaging.sms import get_backend
from comptoir.timeline.services import timeline_record

TEMPLATE_INACTIVE = _("Ce modèle est désactivé.")
ONE_TARGET = _("Indiquez un seul destinataire : une opportunité, un client ou une piste.")
NOBODY_TO_SEND = _("Aucun destinataire à qui envoyer ce message.")
MISSING_FIELDS = _("Ces champs sont vides pour ce destinataire : %(fields)s.")
UNSUBSCRIBE_FOOTER = _("Pour ne plus recevoir nos envois : %(url)s")
SKIP_MESSAGES = {
    "not_found": _("introuvable"),
    "unsubscribed": _("désabonné"),
    "no_email": _("pas de courriel"),
    "placeholder": _("aucun courriel (adresse fictive)"),
    "invalid_email": _("courriel invalide"),
    "no_phone": _("pas de téléphone"),
    "missing_field": _("champ vide"),
}
CLICK_SALT = "comptoir.messaging.click"
MAX_RECIPIENTS = 10_000  # in one bulk send
CLAIM_LEASE = timedelta(minutes=10)


# --- Composing ----------------------------------------------------------------------------------------

def _compiled_from(*, template_id=None, channel=None, subject="", body="", language=None):
    """The template to render: an admin's (by id), or a subject and body typed for this one message."""
    if template_id is not None:
        template = selectors.template_get(template_id)
        if not template.active:
            raise ApplicationError(TEMPLATE_INACTIVE, field="template")
        return template, template.channel, _check_template(template)
    draft = MessageTemplate(channel=channel or Channel.EMAIL, subject=subject, body=body,
                            language=language or translation.get_language() or settings.LANGUAGE_CODE)
    return None, draft.channel, _check_template(draft)


def _plan(actor, compiled: Compiled, target: str, ids: list[int], channel: str, *, mailing: bool = True,
          to: str | None = None):
    """Each recipient rendered, or skipped with its reason: (to send, skipped). One-to-one (not a
    mailing) writes to the unsubscribed too, and `to` replaces the person's own address."""
    ready, skipped = [], []
    with translation.override(compiled.language):
        for recipient in selectors.recipients(actor=actor, target=target, ids=ids, channel=channel, mailing=mailing):
            if to and recipient.skip != "not_found":
                recipient.address, recipient.skip = _clean_address(to, channel), None
            if recipient.skip is None:
                rendered = render(compiled, selectors.merge_data(recipient))
                if rendered.missing:
                    recipient.skip = "missing_field"
                    skipped.append({"id": recipient.target_id, "reason": "missing_field", "fields": rendered.missing})
                    continue
                ready.append((recipient, rendered))
            else:
                skipped.append({"id": recipient.target_id, "reason": recipient.skip, "fields": []})
    return ready, skipped


def skip_summary(skipped: list[dict]) -> list[dict]:
    """How many were skipped and why, for the preview: [{"reason", "label", "count", "fields"}]."""
    rows: dict[str, dict] = {}
    for item in skipped:
        row = rows.setdefault(item["reason"], {"reason": item["reason"], "label": str(SKIP_MESSAGES[item["reason"]]),
                                               "count": 0, "fields": []})
        row["count"] += 1
        row["fields"] = sorted({*row["fields"], *item.get("fields", [])})
    return list(rows.values())


def messages_preview(*, actor, target: str, ids: list[int], template_id=None, channel=None, subject="", body="",
                     limit: int = 20, mailing: bool = True, to: str | None = None) -> dict:
    """What a send would do, per recipient, before anything is sent: the rendered messages (the first
    `limit`), and who is skipped and why, a field empty for a recipient included. `mailing=False`
    and `to` preview a one-to-one message as message_send sends it."""
    _template, channel, compiled = _compiled_from(template_id=template_id, channel=channel, subject=subject, body=body)
    ready, skipped = _plan(actor, compiled, target, ids, channel, mailing=mailing, to=to)
    return {
        "channel": channel,
        "to_send": len(ready),
        "skipped": skipped,
        "skipped_by_reason": skip_summary(skipped),
        "previews": [{"id": r.target_id, "to": r.address, "subject": rendered.subject, "body_text": rendered.body_text}
                     for r, rendered in ready[:limit]],
    }


def _sender_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "comptoir.local"


def click_url(tracking_key: str, url: str) -> str:
    token = signing.dumps([tracking_key, url], salt=CLICK_SALT, compress=True)
    return public_url(reverse("message-click", args=[token]))


def _new_message(actor, recipient, rendered, *, channel: str, template, bulk=None, now) -> Message:
    salesperson = recipient.salesperson
    message = Message(
        channel=channel, direction=Direction.OUT, status=MessageStatus.QUEUED, to=recipient.address,
        subject=rendered.subject if channel == Channel.EMAIL else "", body_text=rendered.body_text,
        template=template, customer=recipient.customer,
        lead=recipient.lead, opportunity=recipient.opportunity, sender=actor, bulk=bulk, next_attempt_at=now,
    )
    if channel == Channel.EMAIL:
        message.tracking_key = secrets.token_urlsafe(24)
        message.message_id = make_msgid(domain=_sender_domain()).strip("<>")
        message.from_address = sender_address(salesperson.display_name if salesperson else "")
        message.body_text = with_dealer_footer(message.body_text)
        if bulk is not None:
            message.body_text += "\n\n--\n" + gettext(UNSUBSCRIBE_FOOTER) % {"url": recipient.unsubscribe_url}
        message.body_html = email_html(
            message.body_text, click_url=lambda url: click_url(message.tracking_key, url),
            pixel_url=public_url(reverse("message-open", args=[message.tracking_key])))
    else:
        message.from_address = settings.COMPTOIR_SMS_FROM or ""
        if bulk is not None:  # a mass text, like a mass email, says how to stop them
            message.body_text += "\n" + gettext(UNSUBSCRIBE_FOOTER) % {"url": recipient.unsubscribe_url}
    return message


def _enqueue_delivery() -> None:
    # Imported here, not at the top: messaging.tasks imports this module (its task runs messages_deliver_due).
    from comptoir.messaging.tasks import deliver_due_task

    transaction.on_commit(deliver_due_task.enqueue)


def target_of(*, opportunities=None, customers=None, leads=None, field: str = "opportunities") -> tuple[str, object]:
    """The one kind of recipient a request names (`opportunities`, `customers` or `leads`) and its value."""
    given = [(name, value) for name, value in (("opportunities", opportunities), ("customers", customers),
                                               ("leads", leads)) if value is not None]
    if len(given) != 1:
        raise ApplicationError(ONE_TARGET, field=field)
    return given[0]


@transaction.atomic
def message_send(*, actor, channel=None, template_id=None, subject: str = "", body: str = "", opportunity=None,
                 customer=None, lead=None, to: str | None = None) -> Message:
    """One message to one person, from their card: queued now, sent by the worker. Unlike a bulk send
    it goes to an unsubscribed person (a reply to them is not a mailing), never to a bad address nor
    with a merge field empty for them."""
    target, pk = target_of(opportunities=opportunity, customers=customer, leads=lead, field="customer")
    template, channel, compiled = _compiled_from(template_id=template_id, channel=channel, subject=subject, body=body)
    ready, skipped = _plan(actor, compiled, target, [pk], channel, mailing=False, to=to)
    if skipped:
        reason, fields = skipped[0]["reason"], skipped[0]["fields"]
        if reason == "not_found":
            raise NotFound()
        if reason == "missing_field":
            raise ApplicationError(MISSING_FIELDS % {"fields": ", ".join(fields)}, field="body", code=reason)
        raise ApplicationError(SKIP_MESSAGES[reason], field="to", code=reason)
    [(recipient, rendered)] = ready
    with translation.override(compiled.language):
        message = _new_message(actor, recipient, rendered, channel=channel, template=template, now=timezone.now())
    message.save()
    _enqueue_delivery()
    return message


def _clean_address(to: str, channel: str) -> str:
    if channel == Channel.SMS:
        return phones_clean([{"number": to}], field="to")[0]["e164"]

    address, status = email_clean(to, field="to")
    if status != "valid":
        raise ApplicationError(SKIP_MESSAGES["no_email"], field="to")
    return address


@transaction.atomic
def bulk_send(*, actor, template_id, target: str, ids: list[int]) -> BulkSend:
    """DESIGN: one personalised message each, skipping the unsubscribed, placeholder and invalid
    addresses and anyone a merge field is empty for. Every message is written here, queued: the worker
    sends them at the settings' pace, each once."""
    template, channel, compiled = _compiled_from(template_id=template_id)
    ready, skipped = _plan(actor, compiled, target, ids, channel)
    if not ready:
        raise ApplicationError(NOBODY_TO_SEND, field=target,
                               errors=[{"field": target, "message": str(NOBODY_TO_SEND)}])
    job = BulkSend.objects.create(template=template, target=target, created_by=actor, to_send=len(ready),
                                  skipped=skipped)
    now = timezone.now()
    with translation.override(compiled.language):
        messages = [_new_message(actor, r, rendered, channel=channel, template=template, bulk=job, now=now)
                    for r, rendered in ready]
    Message.objects.bulk_create(messages, batch_size=500)
    timeline_record(actor=actor, subject=job, verb="bulk_send_created",
                    data={"template": template.pk, "target": target, "to_send": len(ready), "skipped": len(skipped)})
    _enqueue_delivery()
    return job


# --- Delivery -------------------------------------------------------------------------------------------

def _email(message: Message, connection):
    reply_to = settings.COMPTOIR_EMAIL_REPLY_TO or (message.sender.email if message.sender_id else "")
    headers = {"Message-ID": f"<{message.message_id}>"}
    if message.bulk_id:
        person = message.customer or message.lead
        if person is not None:
            headers["List-Unsubscribe"] = f"<{unsubscribe_url(person)}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: the link takes a POST
    email = EmailMultiAlternatives(message.subject, message.body_text, message.from_address, [message.to],
                                   reply_to=[reply_to] if reply_to else None, headers=headers, connection=connection)
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    # Through an email provider (django-anymail), its events carry our message's id back (messaging.providers).
    email.metadata = {"comptoir_message": str(message.pk)}
    return email


def _send(message: Message, connection) -> str:
    """Hand the message to the email backend or the SMS backend; answers the provider's id."""
    if message.channel == Channel.SMS:
        return get_backend().send(to=message.to, body=message.body_text, sender=message.from_address) or ""
    email = _email(message, connection)
    email.send()
    # A provider's own id (django-anymail), which its webhooks name; SMTP's is our Message-ID.
    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    return provider_id if isinstance(provider_id, str) and provider_id else message.message_id


def _record_on_subjects(message: Message, verb: str, data: dict, actor=None) -> None:
    payload = {"message": message.pk, "channel": message.channel, "subject": message.subject, "to": message.to,
               **data}
    for subject in (message.customer, message.lead, message.opportunity):
        if subject is not None:
            timeline_record(actor=actor, subject=subject, verb=verb, data=payload)


def _claim(now, channels: list[str]) -> Message | None:
    """Take the next due message of these channels for this worker: an UPDATE only one worker can win."""
    while True:
        pk = (Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now, channel__in=channels)
              .order_by("next_attempt_at", "pk").values_list("pk", flat=True).first())
        if pk is None:
            return None
        won = Message.objects.filter(pk=pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if won:
            return Message.objects.select_related("customer", "lead", "opportunity", "sender").get(pk=pk)


def _budget(channel: str, now) -> int:
    recent = Message.objects.filter(channel=channel, direction=Direction.OUT, sent_at__gt=now - timedelta(minutes=1))
    return settings.COMPTOIR_MESSAGES_PER_MINUTE - recent.count()


def messages_deliver_due(*, now=None) -> dict:
    """Send what is due, at most the per-minute limit, one message per transaction (run by the worker,
    on every new message and every minute). A message whose worker died mid-send is taken again once
    its claim is older than CLAIM_LEASE; a failed send is retried after 1, 2, 4... delays, then failed."""
    clock = (lambda: now) if now is not None else timezone.now
    Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=clock() - CLAIM_LEASE).update(
        status=MessageStatus.QUEUED)
    budgets = {channel: _budget(channel, clock()) for channel in Channel.values}
    done = {"sent": 0, "retried": 0, "failed": 0}
    connection = get_connection()
    try:
        while open_channels := [channel for channel, budget in budgets.items() if budget > 0]:
            message = _claim(clock(), open_channels)
            if message is None:
                break
            budgets[message.channel] -= 1
            done[_deliver_one(message, connection, clock())] += 1
    finally:
        connection.close()
    return done


def _deliver_one(message: Message, connection, now) -> str:
    try:
        provider_id = _send(message, connection)
    except Exception as exc:  # noqa: BLE001 — any backend failure is recorded on the message and retried
        with transaction.atomic():
            message.error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                message.save(update_fields=["status", "error"])
                _record_on_subjects(message, "message_failed", {"error": message.error})
                return "failed"
            delay = settings.COMPTOIR_MESSAGE_RETRY_SECONDS * 2 ** (message.attempts - 1)
            message.status, message.next_attempt_at = MessageStatus.QUEUED, now + timedelta(seconds=delay)
            message.save(update_fields=["status", "error", "next_attempt_at"])
            return "retried"
    with transaction.atomic():
        message.status, message.sent_at, message.error = MessageStatus.SENT, now, ""
        message.provider_message_id = provider_id or ""
        message.save(update_fields=["status", "sent_at", "error", "provider_message_id"])
        _record_on_subjects(message, "message_sent", {}, actor=message.sender)
    return "sent"


def messages_follow_lead(*, actor, lead, customer, opportunity) -> dict[str, int]:
    """A converted lead's emails and texts: the customer's communications start with them (leads.conversion
    calls it; a message already on a customer stays there)."""
    count = Message.objects.filter(lead=lead, customer__isnull=True).update(customer=customer)
    return {"messages": count} if count else {}
