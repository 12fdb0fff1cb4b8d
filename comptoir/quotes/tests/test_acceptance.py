"""Issue 23: accepting a variant wins the deal when its pipeline says so (« l'acceptation conclut la
vente »), under the status rules, refused as a whole otherwise; the customer accepts and signs online on
the tracked page (/q/<key>/), the salesperson is told at once (email and inbox), and the accepted PDF
carries the signature block."""

import hashlib
import html
import io
from copy import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import formats, timezone, translation

from comptoir.catalog.services import inventory_unit_save
from comptoir.core.addresses import client_ip
from comptoir.core.services import site_settings_update
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging.models import Direction, Message
from comptoir.quotes import selectors, services, views
from comptoir.quotes.documents import variant_pdf
from comptoir.quotes.models import QuoteVariant
from comptoir.sales.models import Opportunity, Pipeline, Status
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db

CASH = [{"description": "Motoneige Summit X 850", "unit_price": "18999.00", "unit_cost": "16500.00"},
        {"description": "Préparation et transport", "unit_price": "899.00", "unit_cost": "300.00"}]
FINANCED = [{"description": "Motoneige Summit X 850", "unit_price": "19499.00", "unit_cost": "16500.00"}]
SIGNER = "Jean-François Tremblay"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) " + "AppleWebKit/605.1.15 " * 40


@pytest.fixture
def deal(admin, salesperson):
    pipeline = make_pipeline(admin, name="Motoneiges", prefix="MN", requires_quote=True)
    customer = make_customer(salesperson, first_name="Jean-François", last_name="Tremblay",
                             email="jf.tremblay@videotron.ca")
    return make_opportunity(salesperson, customer, pipeline, product="Summit X 850")


def _quote(actor, deal, valid_until=None):
    return services.quote_create(actor=actor, opportunity_id=deal.pk, title="Summit X 850", variants=[
        {"name": "Comptant", "lines": CASH, "valid_until": valid_until},
        {"name": "Financé 60 mois", "lines": FINANCED, "valid_until": valid_until}])


def _sent(salesperson, deal, valid_until=None):
    """A quote whose two variants were emailed to the customer."""
    quote = _quote(salesperson, deal, valid_until)
    for variant in quote.variants.order_by("position"):
        services.quote_variant_send(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk)
    cash, financed = quote.variants.order_by("position")
    return quote, cash, financed


def _sign(client, key, variant, name=SIGNER, consent="1", language="fr-ca", **extra):
    data = {"variant": variant.pk, "signed_name": name, "language": language}
    if consent:
        data["consent"] = consent
    return client.post(f"/q/{key}/accept/", data, HTTP_USER_AGENT=BROWSER, **extra)


def _history(deal) -> list[str]:
    return list(TimelineEvent.objects.filter(subject_id=deal.pk, subject_type__model="opportunity")
                .order_by("pk").values_list("verb", flat=True))


def _page(response) -> str:
    """The page as a person reads it (entities such as &#x27; turned back into characters)."""
    return html.unescape(response.content.decode())


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def _unchanged(deal, *variants):
    """Nothing of an acceptance was written: the deal open and unpriced, the variants as sent."""
    opportunity = Opportunity.objects.get(pk=deal.pk)
    assert (opportunity.status, opportunity.amount, opportunity.sale_date, opportunity.quote_accepted_at) == (
        Status.OPEN, None, None, None)
    for variant in variants:
        variant = QuoteVariant.objects.get(pk=variant.pk)
        assert (variant.status, variant.accepted_at, variant.signed_name, variant.signed_pdf_sha256) == (
            "sent", None, "", "")
    assert not Message.objects.filter(direction=Direction.IN).exists()
    assert not [m for m in mail.outbox if "acceptée en ligne" in m.subject]


# --- Accepting in the CRM ------------------------------------------------------------------------

def test_accepting_a_variant_wins_the_deal_when_the_pipeline_says_so(salesperson, salesperson_api, deal):
    quote = _quote(salesperson, deal)
    cash = quote.variants.get(position=0)

    response = salesperson_api.post(f"/quotes/{quote.pk}/variants/{cash.pk}/accept")

    assert response.status_code == 200, response.content
    assert [v["status"] for v in response.json()["variants"]] == ["accepted", "rejected"]
    won = salesperson_api.get(f"/opportunities/{deal.pk}").json()
    # subtotal 18 999,00 + 899,00 = 19 898,00; cost 16 500,00 + 300,00 = 16 800,00
    assert (won["status"], won["amount"], won["cost"]) == ("won", "19898.00", "16800.00")
    assert won["sale_date"] == timezone.localdate().isoformat() and won["closed_at"] is not None
    assert _history(deal)[-2:] == ["quote_variant_accepted", "opportunity_status_changed"]
    change = TimelineEvent.objects.filter(verb="opportunity_status_changed", subject_id=deal.pk).last()
    assert (change.actor, change.data["to"], change.data["quote_accepted"]) == (salesperson, "won", True)


def test_accepting_leaves_the_deal_open_when_the_pipeline_does_not_conclude_the_sale(salesperson, deal):
    Pipeline.objects.filter(pk=deal.pipeline_id).update(accept_wins=False)
    quote = _quote(salesperson, deal)

    services.quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=quote.variants.get(position=0).pk)

    opportunity = Opportunity.objects.get(pk=deal.pk)
    assert (opportunity.status, opportunity.amount, opportunity.sale_date) == (Status.OPEN, Decimal("19898.00"), None)
    assert opportunity.quote_accepted_at is not None
    assert "opportunity_status_changed" not in _history(deal)


def test_accepting_wins_through_the_status_rules_and_sells_the_deals_unit(admin, salesperson, deal):
    unit = inventory_unit_save(actor=admin, serial="2BPSUCHB9KV000017", make="Ski-Doo", model="Summit X 850")
    Opportunity.objects.filter(pk=deal.pk).update(unit=unit)
    quote = _quote(salesperson, deal)

    services.quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=quote.variants.get(position=0).pk)

    unit.refresh_from_db()
    assert (unit.status, unit.sale_number) == ("sold", deal.number)
    assert Opportunity.objects.get(pk=deal.pk).status == Status.WON


@pytest.mark.parametrize("why", ["reception_may_not_win", "salesperson_may_not_win", "deal_already_lost"])
def test_a_refused_win_changes_nothing(admin, salesperson, reception, make_api, deal, why):
    quote = _quote(salesperson, deal)
    cash, financed = quote.variants.order_by("position")
    actor = salesperson
    if why == "reception_may_not_win":
        actor = reception  # reception sees every deal but the status matrix gives it no win
    elif why == "salesperson_may_not_win":
        site_settings_update(actor=admin, status_matrix={
            "salesperson": {"lose": "own", "suspend": "own", "resume": "own"},
            "sales_manager": {"win": "any", "lose": "any", "suspend": "any", "resume": "any", "reopen": "any"},
            "admin": {"win": "any", "lose": "any", "suspend": "any", "resume": "any", "reopen": "any"}})
    else:
        Opportunity.objects.filter(pk=deal.pk).update(status=Status.LOST, lost_reason_id=1, closed_at=timezone.now())
    before = _history(deal)

    response = make_api(actor).post(f"/quotes/{quote.pk}/variants/{cash.pk}/accept")

    assert response.status_code == (422 if why == "deal_already_lost" else 403), response.content
    opportunity = Opportunity.objects.get(pk=deal.pk)
    assert (opportunity.amount, opportunity.cost, opportunity.quote_accepted_at, opportunity.sale_date) == (
        None, None, None, None)
    assert opportunity.status == (Status.LOST if why == "deal_already_lost" else Status.OPEN)
    assert list(QuoteVariant.objects.filter(quote=quote).order_by("position").values_list("status", flat=True)) == [
        "draft", "draft"]
    assert QuoteVariant.objects.get(pk=cash.pk).accepted_at is None
    assert _history(deal) == before


# --- The customer's page -------------------------------------------------------------------------

def test_the_customers_page_shows_each_sent_variant_with_its_totals_and_a_form_to_accept_it(
        salesperson, deal, client):
    quote, cash, financed = _sent(salesperson, deal)
    unsent = services.quote_create(actor=salesperson, opportunity_id=deal.pk,
                                   variants=[{"name": "Jamais envoyée", "lines": FINANCED}]).variants.get()

    response = client.get(f"/q/{cash.tracking_key}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex" and "no-store" in response["Cache-Control"]
    # the key never leaves in a Referer to another site, and the page's own form keeps its Origin
    assert response["Referrer-Policy"] == "same-origin"
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "Comptant" in page and "Financé 60 mois" in page and unsent.name not in page
    # Comptant: 19 898,00 + TPS 994,90 + TVQ 1 984,83 = 22 877,73; Financé: 19 499,00 + 974,95 + 1 945,03
    assert "22\xa0877,73\xa0$" in page and "22\xa0418,98\xa0$" in page
    assert page.count('action="/q/%s/accept/"' % cash.tracking_key) == 2
    assert page.count("J'accepte cette soumission et ses conditions ; mon nom tapé vaut signature.") == 2
    assert page.count("csrfmiddlewaretoken") == 2
    assert f'href="/q/{cash.tracking_key}/pdf/{financed.pk}/?language=fr-ca"' in page
    assert QuoteVariant.objects.get(pk=cash.pk).view_count == 1


def test_the_customers_page_speaks_the_language_of_the_link(salesperson, deal, client):
    _quote_, cash, _financed = _sent(salesperson, deal)

    page = client.get(f"/q/{cash.tracking_key}/?language=en").content.decode()

    assert '<html lang="en">' in page and "Accept this option" in page
    assert "I accept this quote and its terms; my typed name is my signature." in page
    assert 'name="language" value="en"' in page
    polish = client.get(f"/q/{cash.tracking_key}/?language=pl").content.decode()
    assert '<html lang="pl">' in polish and "Akceptuję tę opcję" in polish


def test_the_customer_accepts_and_signs_online_and_the_deal_is_won(
        salesperson, salesperson_api, deal, client, django_capture_on_commit_callbacks):
    quote, cash, financed = _sent(salesperson, deal)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _sign(client, cash.tracking_key, financed, name="  Jean-François   Tremblay ",
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    # the customer: back on the page, thanked, the option accepted with their signature
    assert response.status_code == 302
    assert response["Location"] == f"/q/{cash.tracking_key}/?language=fr-ca&accepted={financed.pk}#option-{financed.pk}"
    page = _page(client.get(response["Location"])).replace("\xa0", " ")
    assert "Merci ! Votre acceptation de l'option « Financé 60 mois » est enregistrée" in page
    assert "Accepté en ligne par Jean-François Tremblay le" in page and "accept/" not in page
    # what was recorded: name, time, address, browser (cut to 400), the unsigned PDF's fingerprint
    signed = QuoteVariant.objects.get(pk=financed.pk)
    assert (signed.status, signed.signed_name, signed.signed_ip) == ("accepted", SIGNER, "203.0.113.7")
    assert signed.signed_user_agent == BROWSER[:400] and len(BROWSER) > 400
    assert signed.accepted_at is not None
    unsigned = copy(signed)
    unsigned.signed_name = ""
    assert signed.signed_pdf_sha256 == hashlib.sha256(variant_pdf(quote, unsigned)).hexdigest()
    assert QuoteVariant.objects.get(pk=cash.pk).status == "rejected"
    # the deal: priced and won today, by the customer's signature under the salesperson's rights
    won = Opportunity.objects.get(pk=deal.pk)
    assert (won.status, won.amount, won.sale_date) == (Status.WON, Decimal("19499.00"), timezone.localdate())
    signed_event = TimelineEvent.objects.get(verb="quote_variant_signed", subject_id=deal.pk)
    assert (signed_event.actor, signed_event.data["signed_by"], signed_event.data["ip"]) == (
        None, SIGNER, "203.0.113.7")
    change = TimelineEvent.objects.filter(verb="opportunity_status_changed", subject_id=deal.pk).last()
    assert (change.actor, change.data["to"], change.data["accepted_online_by"]) == (None, "won", SIGNER)
    # the salesperson: an email with the signed PDF, and the acceptance in their inbox
    [email] = mail.outbox
    assert email.to == [salesperson.email]
    assert email.subject == f"Cotation {quote.number} acceptée en ligne : Financé 60 mois — Jean-François Tremblay"
    assert f"L'opportunité {deal.number} est gagnée" in email.body and "adresse IP 203.0.113.7" in email.body
    assert email.attachments[0][2] == "application/pdf"
    assert "Accepté en ligne par Jean-François Tremblay" in _pdf_text(email.attachments[0][1])
    inbox = salesperson_api.get("/messages/inbox").json()
    assert [(m["subject"], m["opportunity"], m["customer"]) for m in inbox["items"]] == [
        (email.subject, deal.pk, deal.customer_id)]
    assert salesperson_api.get("/messages/inbox/count").json() == {"unread": 1}
    # the API and the card say who signed
    variant_out = salesperson_api.get(f"/quotes/{quote.pk}").json()["variants"][1]
    assert variant_out["signature"]["name"] == SIGNER and variant_out["signature"]["ip"] == "203.0.113.7"
    assert variant_out["signature"]["pdf_sha256"] == signed.signed_pdf_sha256
    assert salesperson_api.get(f"/quotes/{quote.pk}").json()["variants"][0]["signature"] is None


def test_the_accepted_pdf_carries_the_signature_block_in_french_and_in_english(salesperson, deal, client):
    quote, cash, _financed = _sent(salesperson, deal)
    _sign(client, cash.tracking_key, cash, REMOTE_ADDR="198.51.100.23")
    signed = QuoteVariant.objects.get(pk=cash.pk)

    french = _pdf_text(client.get(f"/q/{cash.tracking_key}/pdf/{cash.pk}/").content)
    english = _pdf_text(client.get(f"/q/{cash.tracking_key}/pdf/{cash.pk}/?language=en").content)

    when = timezone.localtime(signed.accepted_at)
    with translation.override("fr-ca"):
        date, time = formats.date_format(when.date()), formats.time_format(when.time())
    assert f"Accepté en ligne par {SIGNER} le {date} à {time}".replace("\xa0", " ") in french
    assert f"adresse IP 198.51.100.23 — empreinte {signed.signed_pdf_sha256[:16]}…" in french
    assert f"Accepted online by {SIGNER} on" in english
    assert f"IP address 198.51.100.23 — fingerprint {signed.signed_pdf_sha256[:16]}…" in english
    # an admin's own template that prints no signature still carries it
    from comptoir.quotes.models import QuoteTemplate

    QuoteTemplate.objects.create(name="Sobre", body="<html><body><p>{{ variant.total }}</p></body></html>",
                                 is_default=True)
    assert f"Accepté en ligne par {SIGNER}" in _pdf_text(variant_pdf(quote, signed))


# --- What cannot be accepted ----------------------------------------------------------------------

def test_an_expired_quote_cannot_be_accepted(salesperson, deal, client, django_capture_on_commit_callbacks):
    yesterday = timezone.localdate() - timedelta(days=1)
    _quote_, cash, financed = _sent(salesperson, deal, valid_until=yesterday)

    page = client.get(f"/q/{cash.tracking_key}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign(client, cash.tracking_key, cash)

    assert "Expirée" in page and "accept/" not in page
    assert response.status_code == 410
    assert "Cette soumission est expirée depuis le" in response.content.decode()
    _unchanged(deal, cash, financed)


def test_a_quote_is_valid_until_midnight_in_the_dealerships_time_zone(salesperson, deal, monkeypatch):
    _quote_, cash, financed = _sent(salesperson, deal, valid_until=datetime(2026, 12, 6).date())
    variants, opportunity = [cash, financed], Opportunity.objects.get(pk=deal.pk)

    # 23:30 in Montréal on the 6th is already the 7th in UTC: still valid
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 4, 30, tzinfo=UTC))
    late_evening = selectors.acceptance_state(cash, variants, opportunity)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 5, 30, tzinfo=UTC))
    after_midnight = selectors.acceptance_state(cash, variants, opportunity)

    assert (late_evening, after_midnight) == (selectors.OPEN, selectors.EXPIRED)


def test_a_decided_variant_cannot_be_accepted_again(salesperson, deal, client):
    quote, cash, financed = _sent(salesperson, deal)
    _sign(client, cash.tracking_key, cash, name="Jean-François Tremblay")
    first = QuoteVariant.objects.get(pk=cash.pk)
    history = _history(deal)
    messages = Message.objects.count()

    again = _sign(client, cash.tracking_key, cash, name="Quelqu'un d'autre")
    other = _sign(client, cash.tracking_key, financed, name="Quelqu'un d'autre")

    assert (again.status_code, other.status_code) == (409, 409)
    assert str(services.ONLINE_ACCEPTED_ALREADY) in _page(again)
    assert str(services.ONLINE_DECIDED) in _page(other)
    after = QuoteVariant.objects.get(pk=cash.pk)
    assert (after.signed_name, after.accepted_at, after.signed_pdf_sha256) == (
        first.signed_name, first.accepted_at, first.signed_pdf_sha256)
    assert QuoteVariant.objects.get(pk=financed.pk).status == "rejected"
    assert (_history(deal), Message.objects.count()) == (history, messages)


def test_a_closed_deal_cannot_be_accepted_online(salesperson, deal, client):
    _quote_, cash, financed = _sent(salesperson, deal)
    Opportunity.objects.filter(pk=deal.pk).update(status=Status.LOST, lost_reason_id=1, closed_at=timezone.now())

    response = _sign(client, cash.tracking_key, cash)

    assert response.status_code == 409
    assert str(services.ONLINE_CLOSED) in _page(response)
    assert QuoteVariant.objects.get(pk=cash.pk).status == "sent"
    assert Opportunity.objects.get(pk=deal.pk).status == Status.LOST


def test_when_the_salesperson_may_not_win_the_online_acceptance_is_refused_as_a_whole(admin, salesperson, deal,
                                                                                     client):
    _quote_, cash, financed = _sent(salesperson, deal)
    site_settings_update(actor=admin, status_matrix={"salesperson": {"lose": "own"}, "admin": {"win": "any"}})
    history = _history(deal)

    response = _sign(client, cash.tracking_key, cash)

    assert response.status_code == 403
    assert str(services.ONLINE_REFUSED) in _page(response)
    _unchanged(deal, cash, financed)
    assert _history(deal) == history


@pytest.mark.parametrize("name, consent, fields", [
    ("", "1", ["signed_name"]),
    ("   ", "", ["signed_name", "consent"]),
    ("J" * 201, "1", ["signed_name"]),
    (SIGNER, "", ["consent"]),
])
def test_a_signature_needs_a_typed_name_of_200_characters_at_most_and_the_consent(
        salesperson, deal, client, name, consent, fields):
    _quote_, cash, financed = _sent(salesperson, deal)

    response = _sign(client, cash.tracking_key, cash, name=name, consent=consent)

    page = _page(response)
    assert response.status_code == 422
    expected = {"signed_name": services.SIGNED_NAME_REQUIRED if len(name) <= 200 else
                services.SIGNED_NAME_TOO_LONG % {"max": 200}, "consent": services.CONSENT_REQUIRED}
    for field in fields:
        assert str(expected[field]) in page
    _unchanged(deal, cash, financed)


def test_the_acceptance_is_protected_against_cross_site_posts(salesperson, deal):
    _quote_, cash, financed = _sent(salesperson, deal)
    browser = Client(enforce_csrf_checks=True)

    forged = _sign(browser, cash.tracking_key, cash)
    browser.get(f"/q/{cash.tracking_key}/")
    token = browser.cookies["csrftoken"].value
    genuine = browser.post(f"/q/{cash.tracking_key}/accept/", {
        "variant": cash.pk, "signed_name": SIGNER, "consent": "1", "csrfmiddlewaretoken": token})

    assert (forged.status_code, genuine.status_code) == (403, 302)


def test_a_flood_of_acceptances_from_one_address_gets_429(salesperson, deal, client, monkeypatch):
    monkeypatch.setattr(views.ACCEPT_THROTTLE, "num_requests", 2)
    _quote_, cash, financed = _sent(salesperson, deal)

    # from a peer no proxy setting trusts, a forged X-Forwarded-For changes nothing: one address
    codes = [_sign(client, cash.tracking_key, cash, name="", REMOTE_ADDR="192.0.2.50",
                   HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    last = _sign(client, cash.tracking_key, cash, REMOTE_ADDR="192.0.2.50")
    elsewhere = _sign(client, cash.tracking_key, cash, name="", REMOTE_ADDR="192.0.2.51")

    assert codes == [422, 422, 429] and last.status_code == 429
    assert elsewhere.status_code == 422  # another address has its own count
    _unchanged(deal, cash, financed)


def test_an_unknown_link_or_a_variant_not_sent_is_not_found(salesperson, deal, client):
    quote, cash, financed = _sent(salesperson, deal)
    draft = services.quote_create(actor=salesperson, opportunity_id=deal.pk,
                                  variants=[{"name": "Brouillon", "lines": CASH}]).variants.get()

    assert _sign(client, "pas-une-cle", cash).status_code == 404
    assert _sign(client, cash.tracking_key, draft).status_code == 404
    assert client.get(f"/q/{cash.tracking_key}/pdf/{draft.pk}/").status_code == 404
    _unchanged(deal, cash, financed)


def test_the_address_recorded_is_the_one_the_trusted_proxy_saw(settings):
    settings.COMPTOIR_FORWARDED_ALLOW_IPS = "127.0.0.1,10.0.0.0/8"
    factory = RequestFactory()

    def ip(remote, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_ip(factory.get("/", REMOTE_ADDR=remote, **extra))

    assert ip("203.0.113.7") == "203.0.113.7"
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"  # anyone may write the header: ignored
    assert ip("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"  # the hop our proxy saw
    assert ip("127.0.0.1", "203.0.113.7, 10.1.2.3") == "203.0.113.7"  # through two trusted proxies
    assert ip("127.0.0.1", "garbage") == "127.0.0.1"
    assert ip("10.0.0.5", "[2001:db8::1]:443") == "2001:db8::1"
    settings.COMPTOIR_FORWARDED_ALLOW_IPS = "*"
    assert ip("192.0.2.1", "203.0.113.7") == "203.0.113.7"


def test_the_salesperson_reads_the_acceptance_in_their_language_beside_the_pdf_the_customer_signed(
        salesperson, deal, client, django_capture_on_commit_callbacks):
    salesperson.language = "en"
    salesperson.save(update_fields=["language"])
    quote, cash, _financed = _sent(salesperson, deal)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _sign(client, cash.tracking_key, cash, language="fr-ca")

    [email] = mail.outbox
    assert email.subject == f"Quote {quote.number} accepted online: Comptant — Jean-François Tremblay"
    assert "Jean-François Tremblay accepted the option “Comptant” of quote" in email.body
    assert "Accepté en ligne par Jean-François Tremblay" in _pdf_text(email.attachments[0][1])
    [message] = Message.objects.filter(direction=Direction.IN)
    assert message.subject == email.subject and message.opportunity_id == deal.pk
