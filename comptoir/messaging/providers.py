"""Email providers through django-anymail: their signed webhooks (tracking, bounces, complaints, inbound
mail) and what each event changes. Anymail checks each provider's signature and turns its payload into
normalised events; the handlers below only hand them to the tracking services (thin), so a provider's
event and a bounce read from the reply mailbox obey the same rules.

URLs (config/urls.py): /api/v1/public/anymail/<provider>/tracking/ and …/inbound/ (Mailgun also
…/inbound_mime/, Mandrill one combined URL …/mandrill/)."""

import hashlib
import re

from anymail import signals as anymail_signals
from anymail.exceptions import AnymailAPIError, AnymailWebhookValidationFailure
from anymail.signals import EventType, RejectReason
from anymail.urls import urlpatterns as anymail_urlpatterns
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from comptoir.messaging import services
from comptoir.messaging.bounces import failure_is_hard
from comptoir.messaging.inbound import mail_ingest

BAD_SIGNATURE = _("Signature du webhook invalide.")
NOT_CONFIGURED = _("Ce fournisseur n'est pas configuré pour les webhooks (COMPTOIR_ANYMAIL_WEBHOOK_SECRET et, "
                   "selon le fournisseur, sa clé de signature).")
BAD_PAYLOAD = _("Contenu du webhook illisible.")

# Sent with each email (Anymail's metadata, returned by the providers' events): our message's id, for the
# events that name no Message-ID we know.
METADATA_KEY = "comptoir_message"


# --- Events -> services -----------------------------------------------------------------------------------

def _external_id(esp_name: str, event) -> str:
    """The provider's id of this event for this recipient (one notification may cover several), or, when
    it gives none, a digest of what the event says: a replayed event has the same id and counts once."""
    given = event.event_id or hashlib.sha256(
        f"{event.event_type}|{event.message_id}|{event.timestamp}|{event.click_url}".encode()).hexdigest()[:40]
    return f"anymail:{esp_name}:{given}:{(event.recipient or '').lower()}:{event.event_type}"[:250]


def _message_of(event):
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    pk = str(metadata.get(METADATA_KEY, ""))
    return services.message_for(message_id=str(event.message_id or ""), provider_id=str(event.message_id or ""),
                                pk=int(pk) if pk.isdigit() else None)


def _is_hard(event) -> bool:
    """Only « the address cannot receive mail » is hard (messaging.bounces): the provider's verdict that the
    address is invalid, or the receiving server's reply read by the same rules as a bounce by mail."""
    if event.reject_reason == RejectReason.INVALID:
        return True
    if event.event_type != EventType.BOUNCED or _provider_says_temporary(event):
        return False
    description = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(event.description or ""))  # « MailboxFull »
    # The provider judged it permanent (not temporary, above): its « user unknown » is about the address.
    return failure_is_hard(diagnostic=str(event.mta_response or ""), notice=description, permanent=True)


TEMPORARY = {"soft_bounce", "softbounce", "transient", "deferred", "blocked", "temporary", "dnserror"}


def _provider_says_temporary(event) -> bool:
    """The provider's own word that the failure is temporary (Brevo's soft_bounce, Postmark's SoftBounce,
    Amazon SES's Transient, Mailgun's temporary severity, SendGrid's blocked): never hard."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    bounce = raw.get("bounce") if isinstance(raw.get("bounce"), dict) else {}
    words = [raw.get("event"), raw.get("Type"), raw.get("type"), raw.get("severity"), bounce.get("bounceType"),
             str(event.description or "").split(":", 1)[0]]
    event_data = raw.get("event-data") if isinstance(raw.get("event-data"), dict) else {}
    words.append(event_data.get("severity"))
    return any(str(word or "").strip().lower().replace(" ", "") in TEMPORARY for word in words)


def tracking_received(sender, event, esp_name, **kwargs) -> None:
    """Anymail's tracking signal: delivered, opened, clicked, bounced (hard or soft), complained."""
    kind, external_id = event.event_type, _external_id(esp_name, event)
    if kind in (EventType.BOUNCED, EventType.DEFERRED, EventType.REJECTED):
        if kind == EventType.REJECTED and event.reject_reason in (RejectReason.SPAM, RejectReason.UNSUBSCRIBED):
            return  # the provider kept to an earlier complaint or unsubscribe: nothing failed
        reason = " ".join(str(part) for part in (event.description, event.mta_response) if part)[:500]
        services.email_bounced(email=str(event.recipient or ""), message=_message_of(event), hard=_is_hard(event),
                               reason=reason, external_id=external_id)
    elif kind in (EventType.COMPLAINED, EventType.UNSUBSCRIBED):
        services.email_unsubscribed(email=str(event.recipient or ""), message=_message_of(event),
                                    complaint=kind == EventType.COMPLAINED, external_id=external_id,
                                    detail=str(event.description or ""))
    elif kind in (EventType.DELIVERED, EventType.OPENED, EventType.CLICKED):
        services.email_event(kind={"delivered": "delivered", "opened": "open", "clicked": "click"}[kind],
                             message=_message_of(event), external_id=external_id, url=str(event.click_url or ""),
                             detail=str(event.mta_response or ""), now=event.timestamp)


def inbound_received(sender, event, esp_name, **kwargs) -> None:
    """Anymail's inbound signal: a reply (to the history) or a bounce notice, read like the reply mailbox's."""
    if event.message is not None:
        mail_ingest(event.message.as_bytes())


def connect() -> None:
    """Called once from MessagingConfig.ready."""
    anymail_signals.tracking.connect(tracking_received, dispatch_uid="comptoir.messaging.providers.tracking")
    anymail_signals.inbound.connect(inbound_received, dispatch_uid="comptoir.messaging.providers.inbound")


# --- The webhook URLs -------------------------------------------------------------------------------------

class BadPayload(Exception):
    pass


def _guarded(view_class):
    """Anymail's view, its parsing errors told apart from ours: an unreadable payload is the provider's
    fault (400, not retried), a failure of our own services stays a 500 (the provider retries later)."""

    class Guarded(view_class):
        def parse_events(self, request):
            try:
                return super().parse_events(request)
            except (ValueError, KeyError, TypeError, AttributeError, IndexError, AnymailAPIError) as exc:
                raise BadPayload() from exc

        def run_validators(self, request):
            try:
                super().run_validators(request)
            except AnymailAPIError as exc:  # a body Anymail cannot even read to check
                raise BadPayload() from exc

    Guarded.__name__ = Guarded.__qualname__ = view_class.__name__
    return Guarded.as_view()


def _refusal(message, status: int) -> JsonResponse:
    return JsonResponse({"detail": str(message), "errors": []}, status=status)


def _webhook(view):
    @csrf_exempt
    def webhook(request, *args, **kwargs):
        # Never open to anyone: Anymail only warns when no secret is set (API.md: a refused call changes nothing).
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            return _refusal(NOT_CONFIGURED, 403)
        try:
            return view(request, *args, **kwargs)
        except AnymailWebhookValidationFailure:
            return _refusal(BAD_SIGNATURE, 403)
        except ImproperlyConfigured:  # e.g. Mailgun's signing key missing
            return _refusal(NOT_CONFIGURED, 403)
        except BadPayload:
            return _refusal(BAD_PAYLOAD, 400)

    return webhook


def _urls():
    patterns = []
    for pattern in anymail_urlpatterns:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None:
            continue
        patterns.append(re_path(pattern.pattern.regex.pattern, _webhook(_guarded(view_class)),
                                name=f"anymail-{pattern.name}"))
    return patterns


urlpatterns = _urls()
