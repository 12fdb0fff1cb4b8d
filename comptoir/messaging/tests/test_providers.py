"""Email providers through django-anymail (issue 24): each provider's documented sample event, posted to
its signed webhook, feeds the tracking services; unsigned or wrongly signed, it is refused and changes
nothing; replayed, it counts once."""

import base64
import hashlib
import hmac
import json
from email.message import EmailMessage

import pytest
from django.test import override_settings

from comptoir.messaging import services
from comptoir.messaging.models import Message, MessageEvent

WEBHOOK_SECRET = "comptoir:s3cret-webhook"
MAILGUN_KEY = "key-mailgun-signing"
ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(WEBHOOK_SECRET.encode()).decode()}
WRONG_AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"comptoir:wrong").decode()}
EMAIL = "julie.roy@exemple.ca"

pytestmark = pytest.mark.usefixtures("anymail_settings")


@pytest.fixture
def anymail_settings():
    with override_settings(ANYMAIL=ANYMAIL):
        yield


@pytest.fixture
def sent(salesperson, deal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=salesperson, opportunity=deal.pk, subject="Votre essai routier",
                                        body="Bonjour {{ customer.first_name }}")
    message.refresh_from_db()
    return message


def _post(client, provider, body, *, auth=AUTH, kind="tracking", headers=None, content_type="application/json"):
    data = json.dumps(body) if content_type == "application/json" else body
    return client.post(f"/api/v1/public/anymail/{provider}/{kind}/", data=data, content_type=content_type,
                       **(auth or {}), **(headers or {}))


def _status(deal):
    deal.customer.refresh_from_db()
    return deal.customer.email_status


# --- The providers' documented samples --------------------------------------------------------------------

def postmark_bounce(message_id, kind="HardBounce"):
    # Postmark's bounce webhook (postmarkapp.com/developer/webhooks/bounce-webhook)
    return {"RecordType": "Bounce", "MessageStream": "outbound", "ID": 4323372036854775807, "Type": kind,
            "TypeCode": 1 if kind == "HardBounce" else 4096, "Name": "Hard bounce",
            "Tag": "Test", "MessageID": message_id, "Metadata": {"a_key": "a_value"}, "ServerID": 23,
            "Description": ("The server was unable to deliver your message (ex: unknown user, mailbox not found)."
                            if kind == "HardBounce" else "Unable to temporarily deliver this message"),
            "Details": "Test bounce details", "Email": EMAIL, "From": "sender@example.com",
            "BouncedAt": "2019-11-05T16:33:54.9070259Z", "DumpAvailable": True, "Inactive": True,
            "CanActivate": True, "Subject": "Test subject", "Content": "Test content"}


def ses_notification(message_id, bounce_type="Permanent", sub_type="General",
                     diagnostic="smtp; 550 5.1.1 user unknown", sns_id="22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"):
    # Amazon SES bounce notification through SNS (docs.aws.amazon.com/ses/latest/dg/notification-examples.html)
    ses = {"notificationType": "Bounce",
           "bounce": {"bounceType": bounce_type, "bounceSubType": sub_type,
                      "bouncedRecipients": [{"emailAddress": EMAIL, "action": "failed", "status": "5.1.1",
                                             "diagnosticCode": diagnostic}],
                      "timestamp": "2016-01-27T14:59:38.237Z", "feedbackId": "0000013786031775-163e3910-fake",
                      "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com"},
           "mail": {"timestamp": "2016-01-27T14:59:38.237Z", "messageId": message_id,
                    "source": "john@example.com", "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
                    "sendingAccountId": "123456789012", "destination": [EMAIL]}}
    return {"Type": "Notification", "MessageId": sns_id,
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:SES_Notifications", "Message": json.dumps(ses),
            "Timestamp": "2016-01-27T14:59:38.284Z", "SignatureVersion": "1", "Signature": "EXAMPLEnTrFPa3...",
            "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"}


def ses_headers(body):
    return {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": body["Type"], "HTTP_X_AMZ_SNS_MESSAGE_ID": body["MessageId"]}


def mailgun_failed(message_id, severity="permanent", key=MAILGUN_KEY, token="a" * 50, timestamp="1529006854"):
    # Mailgun's webhook (documentation.mailgun.com: « Webhooks », event failed)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {"id": "CPgfbmQMTCKtHW6uIWtuVe", "timestamp": 1521472262.908181, "log-level": "error",
                           "event": "failed", "severity": severity, "reason": "bounce",
                           "recipient": EMAIL, "recipient-domain": "exemple.ca",
                           "delivery-status": {"attempt-no": 1, "code": 550, "session-seconds": 0.1,
                                               "message": "5.1.1 The email account that you tried to reach "
                                                          "does not exist.",
                                               "description": ""},
                           "message": {"headers": {"to": EMAIL, "message-id": message_id,
                                                   "from": "Bob <bob@example.com>", "subject": "Test"},
                                       "attachments": [], "size": 111},
                           "flags": {"is-routed": False, "is-authenticated": True, "is-system-test": False,
                                     "is-test-mode": False},
                           "tags": [], "user-variables": {}}}


def sendgrid_events(message_id):
    # SendGrid's event webhook (docs.sendgrid.com: « Event Webhook Reference »)
    return [{"email": EMAIL, "timestamp": 1513299569, "smtp-id": f"<{message_id}>", "event": "bounce",
             "category": "cat facts", "sg_event_id": "6g4ZI7SA-xmRDv57GoPIPw==",
             "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
             "reason": "500 unknown recipient", "status": "5.0.0", "type": "bounce"},
            {"email": EMAIL, "timestamp": 1513299570, "smtp-id": f"<{message_id}>", "event": "open",
             "sg_event_id": "FOTFFO0ecsBE-zxFXfs6WA==", "useragent": "Mozilla/4.0", "ip": "255.255.255.255"}]


def brevo_event(message_id, event="hard_bounce", reason="550 5.1.1 Recipient address does not exist"):
    # Brevo's transactional webhook (developers.brevo.com: « Transactional webhooks »)
    return {"event": event, "email": EMAIL, "id": 1, "date": "2020-10-09 00:00:00", "ts": 1604933619,
            "message-id": f"<{message_id}>", "ts_event": 1604933654, "subject": "My first Transactional",
            "tag": '["transactionalTag"]', "sending_ip": "185.41.28.109", "ts_epoch": 1604933654,
            "reason": reason}


# --- Hard bounces, each provider --------------------------------------------------------------------------

def test_a_signed_postmark_hard_bounce_marks_the_email_invalid_once(client, sent, deal):
    body = postmark_bounce(sent.message_id)
    assert _post(client, "postmark", body).status_code == 200
    assert _post(client, "postmark", body).status_code == 200  # Postmark retried: nothing more changes
    sent.refresh_from_db()
    assert (_status(deal), sent.status) == ("invalid", "bounced")
    assert MessageEvent.objects.filter(message=sent, kind="bounce").count() == 1


def test_a_signed_amazon_ses_hard_bounce_marks_the_email_invalid(client, sent, deal):
    body = ses_notification(sent.message_id)
    assert _post(client, "amazon_ses", body, headers=ses_headers(body)).status_code == 200
    assert _post(client, "amazon_ses", body, headers=ses_headers(body)).status_code == 200
    assert _status(deal) == "invalid"
    assert MessageEvent.objects.filter(message=sent, kind="bounce").count() == 1


def test_a_signed_mailgun_permanent_failure_marks_the_email_invalid(client, sent, deal):
    body = mailgun_failed(sent.message_id)
    assert _post(client, "mailgun", body).status_code == 200
    assert _post(client, "mailgun", body).status_code == 200
    assert _status(deal) == "invalid"
    assert MessageEvent.objects.filter(message=sent, kind="bounce").count() == 1


def test_signed_sendgrid_events_bounce_and_open(client, sent, deal):
    assert _post(client, "sendgrid", sendgrid_events(sent.message_id)).status_code == 200
    assert _post(client, "sendgrid", sendgrid_events(sent.message_id)).status_code == 200
    sent.refresh_from_db()
    assert (_status(deal), sent.open_count) == ("invalid", 1)


def test_a_signed_brevo_hard_bounce_marks_the_email_invalid(client, sent, deal):
    assert _post(client, "brevo", brevo_event(sent.message_id)).status_code == 200
    assert _post(client, "brevo", brevo_event(sent.message_id)).status_code == 200
    assert _status(deal) == "invalid"
    assert MessageEvent.objects.filter(message=sent, kind="bounce").count() == 1


# --- Soft bounces, complaints, deliveries, opens ----------------------------------------------------------

def test_a_postmark_soft_bounce_keeps_the_email(client, sent, deal):
    assert _post(client, "postmark", postmark_bounce(sent.message_id, kind="SoftBounce")).status_code == 200
    assert _status(deal) == "valid"
    assert MessageEvent.objects.get(message=sent).kind == "soft_bounce"


def test_an_amazon_ses_full_mailbox_keeps_the_email(client, sent, deal):
    body = ses_notification(sent.message_id, bounce_type="Transient", sub_type="MailboxFull",
                            diagnostic="smtp; 552 5.2.2 Mailbox full")
    assert _post(client, "amazon_ses", body, headers=ses_headers(body)).status_code == 200
    assert _status(deal) == "valid"
    assert MessageEvent.objects.get(message=sent).kind == "soft_bounce"


def test_a_mailgun_temporary_failure_keeps_the_email(client, sent, deal):
    assert _post(client, "mailgun", mailgun_failed(sent.message_id, severity="temporary")).status_code == 200
    assert _status(deal) == "valid"


def test_a_brevo_soft_bounce_keeps_the_email(client, sent, deal):
    body = brevo_event(sent.message_id, event="soft_bounce", reason="452 4.2.2 Mailbox full")
    assert _post(client, "brevo", body).status_code == 200
    assert _status(deal) == "valid"
    assert MessageEvent.objects.get(message=sent).kind == "soft_bounce"


def test_a_complaint_unsubscribes_the_customer(client, sent, deal):
    body = brevo_event(sent.message_id, event="spam", reason="")
    assert _post(client, "brevo", body).status_code == 200
    assert _post(client, "brevo", body).status_code == 200
    deal.customer.refresh_from_db()
    assert deal.customer.unsubscribed and deal.customer.email_status == "valid"
    assert MessageEvent.objects.filter(message=sent, kind="complaint").count() == 1


def test_delivered_and_opened_events_are_counted_once(client, sent):
    delivered = {**brevo_event(sent.message_id, event="delivered", reason="sent"), "id": 2}
    opened = {**brevo_event(sent.message_id, event="opened", reason=""), "id": 3}
    for body in (delivered, opened, opened):
        assert _post(client, "brevo", body).status_code == 200
    sent.refresh_from_db()
    assert sent.open_count == 1 and sent.opened_at is not None
    assert MessageEvent.objects.filter(message=sent, kind="delivered").count() == 1


def test_an_inbound_reply_lands_in_the_history(client, sent, deal):
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = f"Julie Roy <{EMAIL}>", "crm@concession.example", "Re: Essai"
    reply["Message-ID"], reply["In-Reply-To"] = "<r1@exemple.ca>", f"<{sent.message_id}>"
    reply.set_content("Jeudi 10 h me convient.")
    body = {"RecordType": "Inbound", "MessageID": "22c74902-a0c1-4511-804f0-341342852c90", "From": EMAIL,
            "FromFull": {"Email": EMAIL, "Name": "Julie Roy"}, "To": "crm@concession.example",
            "ToFull": [{"Email": "crm@concession.example", "Name": ""}], "Subject": "Re: Essai",
            "Date": "Thu, 5 Apr 2012 16:59:01 +0200", "TextBody": "Jeudi 10 h me convient.",
            "Headers": [{"Name": "In-Reply-To", "Value": f"<{sent.message_id}>"},
                        {"Name": "Message-ID", "Value": "<r1@exemple.ca>"}],
            "RawEmail": reply.as_string()}
    assert _post(client, "postmark", body, kind="inbound").status_code == 200
    assert _post(client, "postmark", body, kind="inbound").status_code == 200
    received = Message.objects.get(direction="in")
    assert (received.in_reply_to, received.customer) == (sent, deal.customer)


# --- Refusals -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("provider", ["postmark", "amazon_ses", "mailgun", "sendgrid", "brevo"])
def test_an_unsigned_or_wrongly_signed_event_is_refused_and_changes_nothing(client, sent, deal, provider):
    body = {"postmark": postmark_bounce, "amazon_ses": ses_notification, "mailgun": mailgun_failed,
            "sendgrid": sendgrid_events, "brevo": brevo_event}[provider](sent.message_id)
    headers = ses_headers(body) if provider == "amazon_ses" else None
    for auth in (None, WRONG_AUTH):
        response = _post(client, provider, body, auth=auth, headers=headers)
        assert response.status_code in (401, 403)
        if response.status_code == 403:
            assert response.json()["detail"]
    assert _status(deal) == "valid" and not MessageEvent.objects.exists()


def test_an_unsigned_postmark_event_is_refused(client, sent, deal):
    response = _post(client, "postmark", postmark_bounce(sent.message_id), auth=None)
    assert response.status_code == 403 and response.json()["detail"]
    assert _status(deal) == "valid"


def test_a_mailgun_event_with_a_forged_signature_is_refused(client, sent, deal):
    response = _post(client, "mailgun", mailgun_failed(sent.message_id, key="not-the-key"))
    assert response.status_code == 403
    assert _status(deal) == "valid"


def test_webhooks_are_refused_when_no_secret_is_configured(client, sent, deal):
    with override_settings(ANYMAIL={}):
        response = _post(client, "postmark", postmark_bounce(sent.message_id))
    assert response.status_code == 403 and "COMPTOIR_ANYMAIL_WEBHOOK_SECRET" in response.json()["detail"]
    assert _status(deal) == "valid"


def test_an_unreadable_event_is_a_400(client, db):
    response = _post(client, "postmark", "pas du json", content_type="text/plain")
    assert response.status_code == 400 and response.json()["detail"]
