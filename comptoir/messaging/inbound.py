"""Mail coming back: delivery-failure notices (read by messaging.bounces) and replies, from the reply
mailbox by `comptoir fetch-mail` (IMAP or mbox), and provider webhooks. Reading lives here; what each one
changes goes through messaging.services."""

import hashlib
import hmac
import imaplib
import json
import mailbox
import re
from email import message_from_bytes, policy
from email.utils import parseaddr, parsedate_to_datetime
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.messaging import services
from comptoir.messaging.bounces import bounce_read

MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")
BAD_SIGNATURE = _("Signature du webhook invalide.")
NOT_CONFIGURED = _("Aucun secret de webhook n'est configuré (COMPTOIR_EMAIL_WEBHOOK_SECRET).")
BAD_PAYLOAD = _("Contenu du webhook illisible.")


def _ids(value) -> list[str]:
    return MESSAGE_IDS.findall(str(value or ""))


def _report_id(mail, raw: bytes) -> str:
    found = _ids(mail.get("Message-ID"))
    return found[0] if found else f"{hashlib.sha256(raw).hexdigest()}@comptoir.invalid"


def _text(mail) -> str:
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return strip_tags(content) if part.get_content_type() == "text/html" else content


def mail_ingest(raw: bytes) -> str:
    """Read one mail: 'bounce' (a DSN, each failed recipient handled), 'reply' (attached to a history),
    'duplicate' (already read), or 'ignored' (nobody of ours)."""
    mail = message_from_bytes(raw, policy=policy.default)
    report = bounce_read(raw)
    if report is not None:
        # DESIGN: only « the address cannot receive mail » invalidates it (bounces.failure_is_hard); any
        # other failure is a soft bounce kept on the message and the person's history.
        if not report.failures:
            return "ignored"
        message = services.message_for(message_id=report.original_message_id)
        report_id = _report_id(mail, raw)
        new = False
        for failure in report.failures:
            new |= services.email_bounced(email=failure.email, message=message, hard=failure.hard,
                                          reason=failure.reason, external_id=f"dsn:{report_id}:{failure.email}")
        return "bounce" if new else "duplicate"
    message_id = _report_id(mail, raw)
    references = _ids(mail.get("In-Reply-To")) + list(reversed(_ids(mail.get("References"))))
    try:
        received_at = parsedate_to_datetime(str(mail.get("Date")))
    except (TypeError, ValueError):
        received_at = None
    if received_at is not None and received_at.tzinfo is None:
        received_at = None
    reply = services.reply_received(from_address=parseaddr(str(mail.get("From", "")))[1],
                                    subject=str(mail.get("Subject", "")), body_text=_text(mail),
                                    message_id=message_id, references=references, received_at=received_at)
    return "reply" if reply is not None else "ignored"


# --- Mailboxes --------------------------------------------------------------------------------------------

def read_mbox(path: str):
    for item in mailbox.mbox(path, create=False):
        yield item.as_bytes()


class ImapMailbox:
    """The unread mails of one IMAP folder (imaps://user:password@host:port/INBOX); each one read is
    flagged seen, so the next run starts where this one stopped."""

    def __init__(self, url: str, *, connect=None):
        parsed = urlparse(url)
        if parsed.scheme not in ("imap", "imaps"):
            raise ValueError("COMPTOIR_IMAP_URL must start with imap:// or imaps://")
        self.folder = unquote(parsed.path.lstrip("/")) or "INBOX"
        factory = connect or (imaplib.IMAP4_SSL if parsed.scheme == "imaps" else imaplib.IMAP4)
        self.client = factory(parsed.hostname, parsed.port or (993 if parsed.scheme == "imaps" else 143))
        self.client.login(unquote(parsed.username or ""), unquote(parsed.password or ""))
        self.client.select(self.folder)

    def unread(self):
        _status, data = self.client.search(None, "UNSEEN")
        for number in (data[0] or b"").split():
            _status, parts = self.client.fetch(number, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is not None:
                yield number, raw

    def mark_seen(self, number) -> None:
        self.client.store(number, "+FLAGS", "\\Seen")

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            self.client.logout()


# --- Provider webhooks --------------------------------------------------------------------------------------

def _secret() -> bytes:
    if not settings.COMPTOIR_EMAIL_WEBHOOK_SECRET:
        raise Forbidden(NOT_CONFIGURED)
    return settings.COMPTOIR_EMAIL_WEBHOOK_SECRET.encode()


def _check(expected: str, given: str) -> None:
    if not given or not hmac.compare_digest(expected, given.strip()):
        raise Forbidden(BAD_SIGNATURE)


def _generic(body: bytes, headers) -> list[dict]:
    """Comptoir's own format: header X-Comptoir-Signature: sha256=<hex HMAC-SHA256 of the body>, body
    {"events": [{"id", "type": delivered|open|click|bounce|soft_bounce|complaint, "message_id",
    "email", "reason", "url"}]}."""
    _check("sha256=" + hmac.new(_secret(), body, hashlib.sha256).hexdigest(), headers.get("X-Comptoir-Signature", ""))
    data = json.loads(body)
    return [{"id": e.get("id"), "type": e.get("type"), "message_id": e.get("message_id", ""),
             "email": e.get("email", ""), "reason": e.get("reason", ""), "url": e.get("url", "")}
            for e in data.get("events", [])]


MAILGUN_TYPES = {"delivered": "delivered", "opened": "open", "clicked": "click", "complained": "complaint"}


def _mailgun(body: bytes, headers) -> list[dict]:
    """Mailgun's webhook: signed with the webhook signing key over timestamp + token."""
    data = json.loads(body)
    signature = data.get("signature") or {}
    _check(hmac.new(_secret(), f"{signature.get('timestamp', '')}{signature.get('token', '')}".encode(),
                    hashlib.sha256).hexdigest(), str(signature.get("signature", "")))
    event = data.get("event-data") or {}
    kind = event.get("event")
    if kind == "failed":
        kind = "bounce" if event.get("severity") == "permanent" else "soft_bounce"
    else:
        kind = MAILGUN_TYPES.get(kind)
    status = event.get("delivery-status") or {}
    return [{"id": event.get("id"), "type": kind,
             "message_id": ((event.get("message") or {}).get("headers") or {}).get("message-id", ""),
             "email": event.get("recipient", ""), "url": event.get("url", ""),
             "reason": str(status.get("description") or status.get("message") or "")}]


PROVIDERS = {"generic": _generic, "mailgun": _mailgun}
KINDS = {"delivered", "open", "click", "bounce", "soft_bounce", "complaint"}


def email_events_receive(*, provider: str, body: bytes, headers) -> int:
    """Check the provider's signature, then apply each event it reports; answers how many were new."""
    parse = PROVIDERS.get(provider)
    if parse is None:
        raise NotFound()
    try:
        events = parse(body, headers)
    except (ValueError, AttributeError, TypeError):
        raise ApplicationError(BAD_PAYLOAD) from None
    applied = 0
    for event in events:
        kind = event["type"]
        if kind not in KINDS:
            continue
        message = services.message_for(message_id=str(event["message_id"] or ""),
                                       provider_id=str(event["message_id"] or ""))
        external_id = f"{provider}:{event['id']}" if event["id"] else None
        if kind in ("bounce", "soft_bounce"):
            applied += services.email_bounced(email=str(event["email"] or ""), message=message,
                                              hard=kind == "bounce", reason=str(event["reason"] or ""),
                                              external_id=external_id)
        else:
            applied += services.email_event(kind=kind, message=message, external_id=external_id,
                                            url=str(event["url"] or ""), detail=str(event["reason"] or ""))
    return applied
