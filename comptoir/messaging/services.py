"""Messaging writes (DESIGN: messaging): templates, one message or a bulk follow-up queued with its
personalised text, delivery by the worker (throttled, retried with backoff, a restarted worker sends
what is left and nothing twice), opens and clicks, bounces and replies."""

import secrets
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.emails import email_html, public_url, sender_address, with_dealer_footer
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound
from comptoir.core.versioning import check_version, lock_one, save_versioned
from comptoir.customers.models import Customer
from comptoir.customers.services import customer_mark_email_bounced, email_clean, phones_clean
from comptoir.leads.models import Lead
from comptoir.messaging import selectors
from comptoir.messaging.models import (
    BulkSend,
    Channel,
    Direction,
    Message,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
)
from comptoir.messaging.rendering import Compiled, compile_message, render, unsubscribe_url
from comptoir.messaging.sms import get_backend
from comptoir.timeline.services import timeline_record

TEMPLATES_FORBIDDEN = _("Seul un administrateur gère les modèles de message.")
TEMPLATE_NAME_TAKEN = _("Un modèle porte déjà ce nom dans cette langue pour ce canal.")
TEMPLATE_IN_USE = _("Ce modèle a servi à un envoi groupé : désactivez-le plutôt.")
TEMPLATE_INACTIVE = _("Ce modèle est désactivé.")
SUBJECT_REQUIRED = _("Un courriel a besoin d'un objet.")
BODY_REQUIRED = _("Le message est vide.")
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
TEMPLATE_FIELDS = ("name", "channel", "language", "subject", "body", "active")


# --- Templates --------------------------------------------------------------------------------------

def _check_template(template: MessageTemplate) -> Compiled:
    template.name = (template.name or "").strip()
    template.subject = (template.subject or "").strip()
    if not (template.body or "").strip():
        raise ApplicationError(BODY_REQUIRED, field="body")
    if template.channel == Channel.EMAIL and not template.subject:
        raise ApplicationError(SUBJECT_REQUIRED, field="subject")
    return compile_message(subject=template.subject, body=template.body, language=template.language)


def _save_template(template: MessageTemplate, fields: list[str] | None) -> None:
    taken = MessageTemplate.objects.filter(name=template.name, channel=template.channel, language=template.language)
    if taken.exclude(pk=template.pk).exists():
        raise Conflict(TEMPLATE_NAME_TAKEN, field="name")
    if fields is None:
        template.save()
    else:
        save_versioned(template, [*fields, "updated_at"])


@transaction.atomic
def template_create(*, actor, **values) -> MessageTemplate:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = MessageTemplate(**{k: v for k, v in values.items() if k in TEMPLATE_FIELDS})
    _check_template(template)
    _save_template(template, None)
    timeline_record(actor=actor, subject=template, verb="message_template_created", data={"name": template.name})
    return template


@transaction.atomic
def template_update(*, actor, template_id, version: int | None = None, **values) -> MessageTemplate:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = lock_one(MessageTemplate, template_id)
    check_version(template, version)
    changed = [k for k, v in values.items() if k in TEMPLATE_FIELDS and getattr(template, k) != v]
    for name in changed:
        setattr(template, name, values[name])
    _check_template(template)
    _save_template(template, changed)
    timeline_record(actor=actor, subject=template, verb="message_template_updated", data={"fields": changed})
    return template


@transaction.atomic
def template_delete(*, actor, template_id) -> None:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = lock_one(MessageTemplate, template_id)
    try:
        with transaction.atomic():
            template.delete()
    except ProtectedError:
        raise Conflict(TEMPLATE_IN_USE) from None


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
    return email


def _send(message: Message, connection) -> str:
    """Hand the message to the email backend or the SMS backend; answers the provider's id."""
    if message.channel == Channel.SMS:
        return get_backend().send(to=message.to, body=message.body_text, sender=message.from_address) or ""
    _email(message, connection).send()
    return message.message_id


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


def message_for(*, message_id: str = "", provider_id: str = "") -> Message | None:
    message_id, provider_id = message_id.strip().strip("<>"), provider_id.strip().strip("<>")
    queryset = Message.objects.filter(direction=Direction.OUT)
    if message_id:
        found = queryset.filter(message_id=message_id).first()
        if found:
            return found
    # An email sent by SMTP has its Message-ID as provider id: one lookup finds both kinds.
    return queryset.filter(provider_message_id=provider_id).first() if provider_id else None


@transaction.atomic
def email_bounced(*, email: str, message: Message | None, hard: bool, reason: str = "",
                  external_id: str | None = None) -> bool:
    """DESIGN: a hard bounce marks the email invalid (customers service; leads too) and the message
    bounced; a soft one is only noted. A report read twice counts once."""
    email = (email or (message.to if message else "")).strip().lower()
    if message is not None:
        kind = MessageEvent.Kind.BOUNCE if hard else MessageEvent.Kind.SOFT_BOUNCE
        if not _event_once(message, kind, external_id=external_id, detail=reason):
            return False
    elif external_id and MessageEvent.objects.filter(external_id=external_id).exists():
        return False
    if not hard:
        return True
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
    if kind in (MessageEvent.Kind.OPEN, MessageEvent.Kind.CLICK):
        return _count(message, kind, now=now or timezone.now(), url=url[:2000], external_id=external_id)
    return _event_once(message, kind, external_id=external_id, url=url, detail=detail)


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


# --- Read and unread (the inbox) -----------------------------------------------------------------------------

def message_mark_read(*, actor, message_id, read: bool = True) -> Message:
    """Mark a message the actor sees read (or unread with read=False); 404 for one they may not see.
    Idempotent: a read message keeps the time it was first read, and two people marking it at once
    write it once. The flag is the message's, whoever marks it; nothing lands in the timeline (reading
    is not history)."""
    message = selectors.message_get(actor=actor, pk=message_id)
    if read and message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    elif not read and message.read_at is not None:
        Message.objects.filter(pk=message.pk).update(read_at=None)
        message.read_at = None
    return message


def message_mark_unread(*, actor, message_id) -> Message:
    """Back to unread (« Marquer comme non lu »): it counts again in its owner's inbox."""
    return message_mark_read(actor=actor, message_id=message_id, read=False)


def inbox_message_open(*, actor, message_id) -> Message:
    """A reply opened from the inbox: read once the user whose inbox it is in opens it; a manager looking
    at a salesperson's inbox leaves it unread for them."""
    message = selectors.inbox_message_get(actor=actor, pk=message_id)
    if message.read_at is None and message.inbox_owner_id == actor.pk:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    return message
