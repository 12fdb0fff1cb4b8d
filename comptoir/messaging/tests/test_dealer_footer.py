"""DESIGN (Running): every customer email ends with the dealer's identity, in the recipient's language,
in its text and its HTML part; texts do not carry it, and without an identity nothing is added."""

from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from django.core import mail

from comptoir.accounts.services import user_update
from comptoir.core.services import site_settings_update
from comptoir.messaging import services, sms

pytestmark = pytest.mark.django_db

DEALER = {"dealer_legal_name": "9123-4567 Québec inc.", "dealer_trade_name": "Sports Motorisés des Laurentides",
          "dealer_address": "1250, boulevard du Curé-Labelle", "dealer_city": "Saint-Jérôme",
          "dealer_province": "QC", "dealer_postal_code": "J7Z 5T3", "dealer_phone": "450 555-0142",
          "dealer_website": "https://www.smlaurentides.ca/", "dealer_permit": "C-04512"}


def _send(admin, salesperson, deal, language, capture):
    template = services.template_create(actor=admin, name=f"Suivi {language}", subject="Votre {{ opportunity.number }}",
                                        body="Bonjour {{ customer.first_name }}", language=language)
    with capture(execute=True):
        return services.message_send(actor=salesperson, template_id=template.pk, opportunity=deal.pk)


@pytest.mark.parametrize("language,permit", [("fr-ca", "No de permis de commerçant : C-04512"),
                                             ("en", "Dealer permit No. C-04512")])
def test_a_customer_email_ends_with_the_dealers_identity_in_its_language(
        admin, salesperson, deal, language, permit, django_capture_on_commit_callbacks):
    site_settings_update(actor=admin, **DEALER)

    message = _send(admin, salesperson, deal, language, django_capture_on_commit_callbacks)

    email = mail.outbox[0]
    body, delimiter, footer = email.body.rpartition("\n-- \n")
    assert (body, delimiter) == ("Bonjour Julie\n", "\n-- \n")
    assert footer.splitlines() == [
        "Sports Motorisés des Laurentides", "1250, boulevard du Curé-Labelle, Saint-Jérôme QC J7Z 5T3",
        "450 555-0142 · www.smlaurentides.ca", f"9123-4567 Québec inc. · {permit}"]
    html = email.alternatives[0][0]
    assert "Sports Motorisés des Laurentides" in html and permit in html
    assert html.index("Bonjour Julie") < html.index("border-top") < html.index("Sports Motorisés")
    assert message.body_text == email.body


def test_without_a_dealer_identity_the_email_is_left_as_written(salesperson, admin, deal,
                                                               django_capture_on_commit_callbacks):
    _send(admin, salesperson, deal, "fr-ca", django_capture_on_commit_callbacks)

    assert mail.outbox[0].body == "Bonjour Julie"
    assert "border-top" not in mail.outbox[0].alternatives[0][0]


def test_a_text_message_does_not_carry_the_footer(admin, salesperson, deal, django_capture_on_commit_callbacks):
    site_settings_update(actor=admin, **DEALER)

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=salesperson, channel="sms", body="Bonjour {{ customer.first_name }}",
                              opportunity=deal.pk)

    assert sms.outbox[0]["body"] == "Bonjour Julie"


def test_a_customer_email_leaves_from_the_dealers_address_unless_the_server_gives_one(
        admin, salesperson, deal, settings, django_capture_on_commit_callbacks):
    site_settings_update(actor=admin, **DEALER, dealer_email="ventes@smlaurentides.ca")
    user_update(actor=admin, user_id=salesperson.pk, first_name="Timothée")
    salesperson.refresh_from_db()

    _send(admin, salesperson, deal, "fr-ca", django_capture_on_commit_callbacks)
    settings.COMPTOIR_FROM_EMAIL_GIVEN, settings.DEFAULT_FROM_EMAIL = True, "crm@envoi.smlaurentides.ca"
    _send(admin, salesperson, deal, "en", django_capture_on_commit_callbacks)

    senders = [parseaddr(email.from_email) for email in mail.outbox]
    # a name with accents (Timothée) travels encoded (RFC 2047): compare it decoded
    assert [str(make_header(decode_header(name))) for name, _address in senders] == [salesperson.display_name] * 2
    assert [address for _name, address in senders] == ["ventes@smlaurentides.ca", "crm@envoi.smlaurentides.ca"]
