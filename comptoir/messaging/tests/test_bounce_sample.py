"""Bounces judged right (issue 24): real delivery-failure mails from many servers, read by `comptoir
fetch-mail`, against the verdict of sisimai, the reference classifier (data/bounces/README.md)."""

import json
import mailbox
import re
from email import message_from_bytes
from email.utils import getaddresses
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from comptoir.core.exceptions import ApplicationError
from comptoir.core.services import site_settings_update
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import inbound, services
from comptoir.messaging.models import MessageEvent
from comptoir.timeline.selectors import timeline_for

SAMPLE = Path(__file__).parent / "data" / "bounces"
ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
HARD_GOAL, SOFT_LIMIT = 90.0, 3.0


def _customers_for_every_address_in(raw: bytes, actor) -> set[str]:
    """A customer for each address the mail names, whoever it is: the test does not tell the reader which
    one failed. Answers the addresses the notice itself is from or to (never the failed recipient)."""
    text = raw.decode("utf-8", "replace")
    for address in dict.fromkeys(a.lower().strip(".'") for a in ADDRESS.findall(text)):
        try:
            make_customer(actor, email=address, last_name="Échantillon")
        except (ApplicationError, ValueError):
            continue  # an address the customer rules refuse (fake, malformed) has no customer
    mail = message_from_bytes(raw)
    return {a.lower() for _n, a in getaddresses([str(mail.get("From", "")), str(mail.get("To", ""))]) if a}


def _judged_hard(path: Path, tmp_path: Path, actor) -> tuple[bool, bool]:
    """Runs one mail through fetch-mail in a savepoint rolled back after: (an address it named was marked
    invalid, that address was the failed recipient's — not the notice's sender or ours)."""
    box_path = tmp_path / f"{path.stem}.mbox"
    box = mailbox.mbox(box_path)
    box.add(path.read_bytes())
    box.flush()
    with transaction.atomic():
        own = _customers_for_every_address_in(path.read_bytes(), actor)
        call_command("fetch-mail", mbox=[str(box_path)], stdout=open("/dev/null", "w"))  # noqa: SIM115
        invalid = set(Customer.objects.filter(email_status="invalid").values_list("email", flat=True))
        transaction.set_rollback(True)
    return bool(invalid), bool(invalid - own)


def test_real_bounces_invalidate_hard_ones_and_keep_the_others(salesperson, admin, tmp_path):
    # The sample's addresses are at reserved test domains (example.com…), which the default fake-email
    # list refuses for customers: the dealer's list here is the one rule it has.
    site_settings_update(actor=admin, fake_email_patterns=["aucun@*"])
    truth = json.loads((SAMPLE / "truth.json").read_text())
    hard_right, soft_wrong, misses, wrongs = 0, 0, [], []
    for name, verdict in sorted(truth.items()):
        marked, marked_the_recipient = _judged_hard(SAMPLE / name, tmp_path, salesperson)
        if verdict["hard"]:
            hard_right += marked_the_recipient
            if not marked_the_recipient:
                misses.append(name)
        elif marked:
            soft_wrong += 1
            wrongs.append(name)
    hard_total = sum(v["hard"] for v in truth.values())
    soft_total = len(truth) - hard_total
    hard_pct, soft_pct = 100 * hard_right / hard_total, 100 * soft_wrong / soft_total
    report = (f"bounce sample: {hard_pct:.1f} % of {hard_total} hard bounces marked the email invalid (goal ≥ "
              f"{HARD_GOAL:.0f} %), {soft_pct:.1f} % of {soft_total} others did (limit ≤ {SOFT_LIMIT:.0f} %); "
              f"missed: {misses}; wrongly invalidated: {wrongs}")
    print(f"\n{report}")
    assert hard_pct >= HARD_GOAL and soft_pct <= SOFT_LIMIT, report


# --- The rules, one mail each ----------------------------------------------------------------------------

def _read(name: str) -> bytes:
    return (SAMPLE / name).read_bytes()


@pytest.fixture
def customer(salesperson):
    def make(email):
        return make_customer(salesperson, email=email, first_name="Julie", last_name="Roy")
    return make


def test_an_unknown_user_marks_the_email_invalid(customer):
    # Gmail's « The email account that you tried to reach does not exist » (5.1.1 at RCPT TO).
    julie = customer("kijitora@gmail.com")
    assert inbound.mail_ingest(_read("lhost-postfix-31.eml")) == "bounce"
    julie.refresh_from_db()
    assert julie.email_status == "invalid"


def test_a_non_standard_notice_is_read_too(customer):
    # qmail's own format, no delivery-status report: two recipients, both unknown at RCPT TO.
    first, second = customer("userunknown@example.jp"), customer("filtered@example.jp")
    assert inbound.mail_ingest(_read("lhost-qmail-02.eml")) == "bounce"
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.email_status, second.email_status) == ("invalid", "invalid")


def test_an_unknown_domain_marks_the_email_invalid(customer):
    julie = customer("nyan@haineko.org")
    inbound.mail_ingest(_read("rhost-aol-05.eml"))  # « Host or domain name not found »
    julie.refresh_from_db()
    assert julie.email_status == "invalid"


def test_a_full_mailbox_is_a_soft_bounce(customer):
    julie = customer("kijitora@example.jp")
    assert inbound.mail_ingest(_read("rhost-outlook-01.eml")) == "bounce"  # 5.2.2 Mailbox Full
    julie.refresh_from_db()
    assert julie.email_status == "valid"
    assert [e.verb for e in timeline_for(julie)][:1] == ["email_soft_bounced"]


def test_a_spam_or_policy_block_never_invalidates_the_email(customer):
    people = [customer("kijitora@example.jp"), customer("kijitora@example.org")]
    inbound.mail_ingest(_read("lhost-barracuda-02.eml"))  # 550 5.7.1 Message content rejected, UBE
    inbound.mail_ingest(_read("rhost-microsoft-01.eml"))  # banned sending IP
    for person in people:
        person.refresh_from_db()
        assert person.email_status == "valid"


def test_user_unknown_said_to_the_content_is_a_soft_bounce(customer):
    # « 550 Unknown user … (in reply to end of DATA command) »: the address had been accepted at RCPT TO.
    julie = customer("kijitora@example.net")
    inbound.mail_ingest(_read("lhost-postfix-03.eml"))
    julie.refresh_from_db()
    assert julie.email_status == "valid"


def test_an_expired_delivery_is_a_soft_bounce(customer):
    julie = customer("kijitora@example.net")
    # 4.4.7 Message expired: unable to deliver in 840 minutes
    inbound.mail_ingest(_read("lhost-amazonses-17.eml").replace(b"kijitora@example.com", b"kijitora@example.net"))
    julie.refresh_from_db()
    assert julie.email_status == "valid"
    assert "email_soft_bounced" in [e.verb for e in timeline_for(julie)]


def test_a_soft_bounce_is_kept_on_the_last_message_sent_to_that_address(salesperson, deal,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.message_send(actor=salesperson, opportunity=deal.pk, subject="Essai", body="Bonjour")
    raw = _read("rhost-outlook-01.eml").replace(b"kijitora@example.jp", b"julie.roy@exemple.ca")
    assert inbound.mail_ingest(raw) == "bounce"
    assert inbound.mail_ingest(raw) == "duplicate"
    deal.customer.refresh_from_db()
    event = MessageEvent.objects.get(message=sent)
    assert (event.kind, deal.customer.email_status) == ("soft_bounce", "valid")
    assert "message_soft_bounced" in [e.verb for e in timeline_for(deal.customer)]
