"""Issue 23 in a real browser (Chromium through Playwright, on the live server): the customer opens the
quote link on a phone (a second browser context, never signed in), reads both options, signs and accepts
one; back as the salesperson, the deal is won, the inbox shows the acceptance and the PDF carries the
signature block.

Screenshots of the customer's page at 1366 and 390 pixels wide, before and after the acceptance, land in
var/screenshots/quote-public-*.png for a person to look at."""

import io
import re

import pytest
from django.core import mail

from comptoir.config.tests.browser.conftest import CHARTS_DRAWN, DESKTOP, PHONE, SCREENSHOTS, TIMEOUT_MS
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.customers.tests.factories import make_customer
from comptoir.quotes import services
from comptoir.quotes.models import QuoteVariant
from comptoir.sales.models import Opportunity, Status
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIGNER = "Marie-Ève Bouchard-Deschamps"
CONSENT = "J'accepte cette soumission et ses conditions ; mon nom tapé vaut signature."


def fits(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner + 1, f"{page.url} scrolls sideways ({scroll} px for {inner}): {overflowing(page)}"


def pictures(page, name) -> None:
    """The page at the desktop and the phone widths, whole, in var/screenshots/; back to the phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.wait_for_function(CHARTS_DRAWN)
        page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True)
    page.set_viewport_size(PHONE)


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def test_the_customer_signs_a_quote_on_a_phone_and_the_salesperson_sees_the_deal_won(
        browser, live_server, page, admin, salesperson, sign_in):
    # given a deal quoted with two options, both emailed to the customer
    pipeline = make_pipeline(admin, name="Motoneiges", prefix="MN", requires_quote=True)
    customer = make_customer(salesperson, first_name="Marie-Ève", last_name="Bouchard-Deschamps",
                             email="marie-eve.bouchard-deschamps@videotron.ca",
                             address_line1="1234, boulevard de l'Université Ouest", city="Sherbrooke")
    deal = make_opportunity(salesperson, customer, pipeline, product="Ski-Doo Summit X 850")
    quote = services.quote_create(actor=salesperson, opportunity_id=deal.pk, title="Summit X 850 2027", variants=[
        {"name": "Comptant", "lines": [
            {"description": "Motoneige Ski-Doo Summit X 850 Expert 165 po, 2027", "unit_price": "18999.00",
             "unit_cost": "16500.00"},
            {"description": "Préparation, transport et inspection avant livraison", "unit_price": "899.00",
             "unit_cost": "300.00"}]},
        {"name": "Financé 60 mois", "payment_terms": "60 versements mensuels de 412,37 $ à 6,99 %",
         "lines": [{"description": "Motoneige Ski-Doo Summit X 850 Expert 165 po, 2027", "unit_price": "19499.00",
                    "unit_cost": "16500.00", "discount_amount": "250.00"}]}])
    cash, financed = quote.variants.order_by("position")
    for variant in (cash, financed):
        services.quote_variant_send(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk)
    link = f"/q/{QuoteVariant.objects.get(pk=financed.pk).tracking_key}/?language=fr-ca"
    mail.outbox.clear()

    # 1. the customer, on their phone, never signed in, opens the link: both options, nothing wider than the screen
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-CA",
                                timezone_id="America/Toronto", is_mobile=True, has_touch=True)
    phone.set_default_timeout(TIMEOUT_MS)
    customer_page = phone.new_page()
    errors = []
    customer_page.on("pageerror", lambda error: errors.append(str(error)))
    customer_page.goto(link)
    expect(customer_page.locator("h1")).to_have_text(f"Soumission {quote.number}")
    options = customer_page.locator("article.option")
    expect(options).to_have_count(2)
    expect(options.nth(0).locator("h2")).to_have_text("Comptant")
    expect(options.nth(1).locator("h2")).to_have_text("Financé 60 mois")
    # Comptant 19 898,00 + TPS 994,90 + TVQ 1 984,83; Financé 19 249,00 + 962,45 + 1 920,09
    expect(options.nth(0).locator(".totals dd.grand")).to_have_text(re.compile(r"22\s877,73\s\$"))
    expect(options.nth(1).locator(".totals dd.grand")).to_have_text(re.compile(r"22\s131,54\s\$"))
    fits(customer_page)
    # the lines stack on a phone: the heading row is hidden, each figure under its label
    expect(options.nth(0).locator("table.lines thead")).to_be_hidden()
    pictures(customer_page, "quote-public")

    # 2. they type their name, tick the consent line and accept the financed option
    chosen = customer_page.locator(f"#option-{financed.pk}")
    chosen.get_by_label("Votre nom complet (signature)").fill(SIGNER)
    chosen.get_by_label(CONSENT).check()
    with customer_page.expect_navigation(url=re.compile(rf"accepted={financed.pk}")):
        chosen.get_by_role("button", name="Accepter cette option").click()
    expect(customer_page.locator(".thanks")).to_contain_text(
        re.compile(r"Merci\s! Votre acceptation de l'option «\sFinancé 60 mois\s» est enregistrée"))
    expect(chosen.locator(".badge")).to_have_text("Acceptée")
    expect(chosen.locator(".signature")).to_contain_text(f"Accepté en ligne par {SIGNER} le")
    expect(customer_page.locator(f"#option-{cash.pk} .badge")).to_have_text("Non retenue")
    expect(customer_page.locator("form.accept")).to_have_count(0)
    fits(customer_page)
    pictures(customer_page, "quote-public-accepted")
    # what was recorded of them: the name, the address, their browser, the PDF's fingerprint
    signed = QuoteVariant.objects.get(pk=financed.pk)
    assert (signed.status, signed.signed_name, signed.signed_ip) == ("accepted", SIGNER, "127.0.0.1")
    assert "Chrome" in signed.signed_user_agent and len(signed.signed_pdf_sha256) == 64
    assert errors == []
    phone.close()

    # 3. back as the salesperson: told by email at once, the acceptance in the inbox, the deal won
    [email] = [m for m in mail.outbox if m.to == [salesperson.email]]
    assert "acceptée en ligne" in email.subject and SIGNER in email.body
    sign_in(page, salesperson)
    expect(page.locator("#nav-inbox .badge")).to_have_text("1")  # the unread count beside « Courriels »
    page.goto("/messages/inbox/")
    row = page.locator(".inbox-row").first
    expect(row.locator(".inbox-subject")).to_have_text(
        f"Cotation {quote.number} acceptée en ligne : Financé 60 mois — {SIGNER}")
    expect(row).to_contain_text(deal.number)
    row.locator(".inbox-subject").click()
    expect(page.locator(".inbox-body")).to_contain_text(f"L'opportunité {deal.number} est gagnée")
    page.get_by_role("link", name=deal.number).first.click()
    expect(page.locator(".opp-title .status")).to_have_class(re.compile(r"\bstatus-won\b"))  # issue 23's page
    page.wait_for_load_state("networkidle")  # the card's quotes section, loaded by htmx
    expect(page.locator("#quotes .online-signed")).to_contain_text(f"signée en ligne par {SIGNER}")
    won = Opportunity.objects.get(pk=deal.pk)
    assert (won.status, won.amount) == (Status.WON, signed.subtotal)

    # 4. the accepted PDF carries the signature block
    response = page.request.get(f"/api/v1/quotes/{quote.pk}/variants/{financed.pk}/pdf?language=fr-ca")
    assert response.status == 200
    text = pdf_text(response.body())
    assert f"Accepté en ligne par {SIGNER} le" in text
    assert f"adresse IP 127.0.0.1 — empreinte {signed.signed_pdf_sha256[:16]}…" in text
    assert page.js_errors == []
