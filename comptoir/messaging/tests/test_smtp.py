"""One send end to end through a real SMTP server (aiosmtpd on loopback, started by the test)."""

from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from comptoir.core.net import free_port
from comptoir.messaging import services


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "crm@concession.example"
    yield inbox
    controller.stop()


def test_a_bulk_follow_up_reaches_a_real_smtp_server_with_its_tracking_and_unsubscribe_headers(
        smtp_server, salesperson, deal, follow_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities", ids=[deal.pk])
    message = job.messages.get()
    assert message.status == "sent"
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["julie.roy@exemple.ca"] and envelope.mail_from == "crm@concession.example"
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Message-ID"] == f"<{message.message_id}>"
    assert received["Subject"] == "Votre Can-Am Outlander"
    assert received["List-Unsubscribe"].strip().startswith("<http") and received["List-Unsubscribe-Post"]
    assert str(salesperson.display_name) in received["From"]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert text.startswith("Bonjour Julie,") and "/unsubscribe/" in text
    assert f"/m/o/{message.tracking_key}.gif" in html
