import hashlib
import hmac
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.customers.selectors import email_ratio_compute
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import inbound, services
from comptoir.messaging.models import Message, MessageEvent

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = b"test-webhook-secret"


def _dsn(message_id: str, email: str) -> bytes:
    return (FIXTURES / "bounce.eml").read_text().format(message_id=message_id, email=email).encode()


@pytest.fixture
def sent(salesperson, deal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=salesperson, opportunity=deal.pk, subject="Votre essai routier",
                                        body="Bonjour {{ customer.first_name }}")
    message.refresh_from_db()
    return message


def test_a_dsn_bounce_marks_the_email_invalid_and_lowers_the_salespersons_email_ratio(salesperson, sent, deal):
    make_customer(salesperson, email="autre.client@exemple.ca")
    today = timezone.localdate()
    before = email_ratio_compute(year=today.year, month=today.month)["by_salesperson"][0]
    assert (before["with_valid_email"], before["created"]) == (2, 2)

    assert inbound.mail_ingest(_dsn(sent.message_id, "julie.roy@exemple.ca")) == "bounce"

    deal.customer.refresh_from_db()
    sent.refresh_from_db()
    assert deal.customer.email_status == "invalid" and sent.status == "bounced"
    after = email_ratio_compute(year=today.year, month=today.month)["by_salesperson"][0]
    assert (after["with_valid_email"], after["ratio_pct"]) == (1, 50)
    assert MessageEvent.objects.get(message=sent, kind="bounce").detail.startswith("5.1.1")


def test_a_bounce_report_read_twice_counts_once(sent):
    raw = _dsn(sent.message_id, "julie.roy@exemple.ca")
    assert inbound.mail_ingest(raw) == "bounce"
    assert inbound.mail_ingest(raw) == "duplicate"
    assert MessageEvent.objects.filter(kind="bounce").count() == 1


def test_a_delayed_delivery_report_does_not_invalidate_the_email(sent, deal):
    raw = _dsn(sent.message_id, "julie.roy@exemple.ca").replace(b"Action: failed", b"Action: delayed").replace(
        b"Status: 5.1.1", b"Status: 4.4.1")
    inbound.mail_ingest(raw)
    deal.customer.refresh_from_db()
    assert deal.customer.email_status == "valid"
    assert MessageEvent.objects.filter(message=sent, kind="soft_bounce").exists()


def _reply(*, in_reply_to: str | None, sender="Julie Roy <julie.roy@exemple.ca>", message_id="<r1@exemple.ca>"):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "crm@concession.example", "Re: Votre essai routier"
    mail["Message-ID"] = message_id
    mail["Date"] = "Mon, 23 Nov 2026 11:02:00 -0500"
    if in_reply_to:
        mail["In-Reply-To"] = f"<{in_reply_to}>"
    mail.set_content("Oui, jeudi à 10 h me convient.\n\n> Bonjour Julie")
    return mail.as_bytes()


def test_a_reply_is_attached_to_the_history_of_the_message_it_answers(sent, deal, salesperson_api):
    assert inbound.mail_ingest(_reply(in_reply_to=sent.message_id)) == "reply"
    reply = Message.objects.get(direction="in")
    assert (reply.in_reply_to, reply.customer, reply.opportunity) == (sent, deal.customer, deal)
    assert reply.body_text.startswith("Oui, jeudi") and reply.read_at is None
    unread = salesperson_api.get("/messages", {"unread": "true"}).json()
    assert [m["id"] for m in unread["items"]] == [reply.pk]
    assert salesperson_api.post(f"/messages/{reply.pk}/read", {}).json()["read_at"]
    assert salesperson_api.get("/messages", {"unread": "true"}).json()["count"] == 0


def test_a_reply_without_references_is_filed_by_its_address(deal):
    assert inbound.mail_ingest(_reply(in_reply_to=None)) == "reply"
    assert Message.objects.get(direction="in").customer == deal.customer


def test_mail_from_nobody_we_know_is_ignored(db):
    assert inbound.mail_ingest(_reply(in_reply_to=None, sender="inconnu@ailleurs.ca")) == "ignored"
    assert not Message.objects.exists()


def test_fetch_mail_reads_an_mbox_once(sent, tmp_path, capsys):
    path = tmp_path / "reponses.mbox"
    box = mailbox.mbox(path)
    box.add(_dsn(sent.message_id, "julie.roy@exemple.ca"))
    box.add(_reply(in_reply_to=sent.message_id))
    box.flush()
    call_command("fetch-mail", mbox=[str(path)])
    assert "bounce: 1" in capsys.readouterr().out
    call_command("fetch-mail", mbox=[str(path)])
    assert Message.objects.filter(direction="in").count() == 1
    assert MessageEvent.objects.filter(kind="bounce").count() == 1


class FakeImap:
    """The part of imaplib.IMAP4 the poller uses, over a list of mails."""

    def __init__(self, host, port):
        self.mails, self.seen = FakeImap.mails, set()
        FakeImap.instance = self

    def login(self, user, password):
        self.user = user

    def select(self, folder):
        self.folder = folder

    def search(self, charset, criterion):
        return "OK", [b" ".join(str(n + 1).encode() for n in range(len(self.mails)) if n + 1 not in self.seen)]

    def fetch(self, number, parts):
        return "OK", [(b"1 (BODY[] {100}", self.mails[int(number) - 1]), b")"]

    def store(self, number, command, flags):
        self.seen.add(int(number))

    def close(self):
        pass

    def logout(self):
        pass


def test_the_imap_poller_flags_what_it_read(sent):
    FakeImap.mails = [_reply(in_reply_to=sent.message_id)]
    box = inbound.ImapMailbox("imaps://crm%40concession.example:secret@imap.concession.example/INBOX",
                              connect=FakeImap)
    for number, raw in box.unread():
        inbound.mail_ingest(raw)
        box.mark_seen(number)
    assert FakeImap.instance.user == "crm@concession.example" and FakeImap.instance.seen == {1}
    assert Message.objects.filter(direction="in").count() == 1


def _signed(body: dict) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()


def _post_events(client, provider, raw, signature=None):
    headers = {"HTTP_X_COMPTOIR_SIGNATURE": signature} if signature else {}
    return client.post(f"/api/v1/public/email-events/{provider}", data=raw, content_type="application/json", **headers)


def test_a_signed_webhook_bounce_marks_the_email_invalid_once(client, sent, deal):
    raw, signature = _signed({"events": [{"id": "ev-1", "type": "bounce", "message_id": sent.message_id,
                                          "email": "julie.roy@exemple.ca", "reason": "550 user unknown"}]})
    assert _post_events(client, "generic", raw, signature).json() == {"applied": 1}
    assert _post_events(client, "generic", raw, signature).json() == {"applied": 0}  # the provider retried
    deal.customer.refresh_from_db()
    assert deal.customer.email_status == "invalid"


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client, sent, deal):
    raw, _signature = _signed({"events": [{"id": "ev-1", "type": "bounce", "message_id": sent.message_id}]})
    response = _post_events(client, "generic", raw, "sha256=" + "0" * 64)
    assert response.status_code == 403 and response.json()["detail"]
    assert _post_events(client, "generic", raw).status_code == 403
    assert _post_events(client, "inconnu", raw).status_code == 404
    deal.customer.refresh_from_db()
    assert deal.customer.email_status == "valid"


def test_webhook_opens_and_clicks_count_like_the_pixel(client, sent):
    raw, signature = _signed({"events": [
        {"id": "ev-2", "type": "open", "message_id": sent.message_id},
        {"id": "ev-3", "type": "click", "message_id": sent.message_id, "url": "https://concession.example/"}]})
    assert _post_events(client, "generic", raw, signature).json() == {"applied": 2}
    sent.refresh_from_db()
    assert (sent.open_count, sent.click_count) == (1, 1)


def test_mailgun_permanent_failures_are_hard_bounces(client, sent, deal):
    token, timestamp = "a" * 50, "1795446847"
    body = {"signature": {"timestamp": timestamp, "token": token,
                          "signature": hmac.new(SECRET, f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()},
            "event-data": {"id": "mg-1", "event": "failed", "severity": "permanent",
                           "recipient": "julie.roy@exemple.ca",
                           "message": {"headers": {"message-id": sent.message_id}},
                           "delivery-status": {"description": "No such mailbox"}}}
    assert _post_events(client, "mailgun", json.dumps(body).encode()).json() == {"applied": 1}
    deal.customer.refresh_from_db()
    assert deal.customer.email_status == "invalid"


def test_an_unreadable_webhook_is_a_422(client, db):
    raw = b"pas du json"
    signature = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
    assert _post_events(client, "generic", raw, signature).status_code == 422


def test_a_hard_bounce_marks_a_leads_email_invalid_too(salesperson, client):
    from comptoir.leads.services import lead_create

    lead = lead_create(actor=salesperson, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")
    raw, signature = _signed({"events": [{"id": "ev-9", "type": "bounce", "email": "marc.cote@exemple.ca"}]})
    assert _post_events(client, "generic", raw, signature).json() == {"applied": 1}
    lead.refresh_from_db()
    assert lead.email_status == "invalid"
