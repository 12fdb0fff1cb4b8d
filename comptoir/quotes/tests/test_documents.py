"""Documents a dealer can hand over: the quote and the contract name the dealer (identity, taxes'
registrations, permit), the vehicle of the deal and the trade-in, in the customer's language; the
quote email ends with the dealer's identity."""

import io

import pytest

from comptoir.catalog.services import inventory_unit_save
from comptoir.core.figures import BAD_ODOMETER
from comptoir.core.services import site_settings_update
from comptoir.customers.tests.factories import make_customer
from comptoir.quotes import services
from comptoir.quotes.models import Contract
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

DEALER = {
    "dealer_legal_name": "9123-4567 Québec inc.", "dealer_trade_name": "Sports Motorisés des Laurentides",
    "dealer_address": "1250, boulevard du Curé-Labelle", "dealer_city": "Saint-Jérôme", "dealer_province": "QC",
    "dealer_postal_code": "J7Z 5T3", "dealer_phone": "450 555-0142", "dealer_email": "ventes@smlaurentides.ca",
    "dealer_website": "www.smlaurentides.ca", "gst_number": "123456789 RT0001", "qst_number": "1234567890 TQ0001",
    "dealer_permit": "C-04512",
}
UNIT_VIN = "2BPSUCHB9KV000017"
TRADE_IN_VIN = "4XAMH50A6EA000321"
LINES = [{"description": "VTT Outlander XT 650", "unit_price": "9999.00"},
         {"description": "Treuil", "unit_price": "649.99"}]


@pytest.fixture
def deal(admin, salesperson):
    unit = inventory_unit_save(actor=admin, serial=UNIT_VIN, stock_number="U-2291", year=2019, make="Can-Am",
                               model="Outlander XT 650", trim="Mossy Oak", colour="Camouflage", condition="used",
                               odometer_km=4812)
    pipeline = make_pipeline(admin, name="Usagés", prefix="VO", requires_quote=True)
    customer = make_customer(salesperson, first_name="Jean-François", last_name="Tremblay")
    return make_opportunity(salesperson, customer, pipeline, unit=unit.pk)


@pytest.fixture
def dealer(admin):
    return site_settings_update(actor=admin, **DEALER)


def _accepted(salesperson, deal):
    quote = services.quote_create(actor=salesperson, opportunity_id=deal.pk, variants=[{"name": "Comptant",
                                                                                         "lines": LINES}])
    variant = quote.variants.get()
    services.quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk)
    return quote, variant


def _text(pdf: bytes) -> str:
    """The PDF's words, with the no-break spaces French typesetting puts before % and : made plain."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def _contract(salesperson_api, salesperson, deal, **trade_in):
    _quote, variant = _accepted(salesperson, deal)
    response = salesperson_api.post(f"/opportunities/{deal.pk}/contract", {
        "variant": variant.pk, "trade_in": {"description": "2014 Polaris Sportsman 500", "vin": TRADE_IN_VIN,
                                            "allowance": "2500.00", **trade_in}})
    return response


def test_the_french_quote_pdf_names_the_dealer_the_vehicle_and_the_taxes_with_their_rates(
        salesperson_api, salesperson, deal, dealer):
    quote, variant = _accepted(salesperson, deal)

    response = salesperson_api.get(f"/quotes/{quote.pk}/variants/{variant.pk}/pdf")

    assert response.status_code == 200
    text = _text(response.content)
    for expected in ("Sports Motorisés des Laurentides", "9123-4567 Québec inc.", "1250, boulevard du Curé-Labelle",
                     "450 555-0142", "www.smlaurentides.ca", "No TPS : 123456789 RT0001",
                     "No TVQ : 1234567890 TQ0001", "C-04512", UNIT_VIN, "U-2291", "2019 Can-Am Outlander XT 650",
                     "d'occasion", "4 812 km", "TPS 5 %", "TVQ 9,975 %", salesperson.display_name):
        assert expected in text, expected
    assert "(5" not in text and "5,000" not in text


def test_the_english_quote_pdf_writes_the_taxes_the_english_way(salesperson_api, salesperson, deal, dealer):
    quote, variant = _accepted(salesperson, deal)

    response = salesperson_api.get(f"/quotes/{quote.pk}/variants/{variant.pk}/pdf", {"language": "en"})

    text = _text(response.content)
    assert "GST 5%" in text and "QST 9.975%" in text
    assert "4,812 km" in text and UNIT_VIN in text and "9123-4567 Québec inc." in text
    assert "TPS" not in text.replace("GST", "")


def test_the_contract_pdf_shows_the_trade_in_with_its_odometer_and_lines_to_sign(
        salesperson_api, salesperson, deal, dealer):
    created = _contract(salesperson_api, salesperson, deal, odometer_km=18240)
    assert created.status_code == 201, created.content
    assert created.json()["trade_in_odometer_km"] == 18240

    response = salesperson_api.get(f"/quotes/contracts/{created.json()['id']}/pdf")

    text = _text(response.content)
    for expected in ("9123-4567 Québec inc.", "123456789 RT0001", "1234567890 TQ0001", "C-04512", UNIT_VIN,
                     "U-2291", "2014 Polaris Sportsman 500", TRADE_IN_VIN, "18 240 km", "TPS 5 %", "TVQ 9,975 %",
                     "Signature du client", "Signature du concessionnaire", salesperson.display_name):
        assert expected in text, expected
    assert text.count("Date") >= 3  # the contract's, and one under each signature


def test_without_a_dealer_identity_the_documents_print_no_empty_label(salesperson_api, salesperson, deal):
    from comptoir.quotes.documents import contract_context, variant_html

    # Accepting wins the deal (its pipeline's accept_wins): one quote, accepted once, then its contract.
    contract = Contract.objects.get(pk=_contract(salesperson_api, salesperson, deal).json()["id"])
    quote, variant = contract.variant.quote, contract.variant

    html = variant_html(quote, variant)
    text = _text(salesperson_api.get(f"/quotes/contracts/{contract.pk}/pdf").content)

    assert "No TPS" not in html and "No TVQ" not in html and "permis" not in html and "Tél." not in html
    assert "No TPS" not in text and "permis" not in text and "Odomètre : 18" not in text
    assert contract_context(contract)["dealer"]["footer"] == []
    assert UNIT_VIN in text and "TPS 5 %" in text


def test_the_preview_and_the_customers_page_show_the_same_dealer(salesperson_api, salesperson, deal, dealer,
                                                                 client, django_capture_on_commit_callbacks):
    quote, variant = _accepted(salesperson, deal)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_variant_send(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk,
                                    to="client@exemple.ca")
    variant.refresh_from_db()

    preview = salesperson_api.get(f"/quotes/{quote.pk}/variants/{variant.pk}/preview").content.decode()
    public = client.get(f"/q/{variant.tracking_key}/").content.decode()

    for page in (preview, public):
        assert "No TPS\xa0: 123456789 RT0001" in page or "No TPS : 123456789 RT0001" in page
        assert "9123-4567 Québec inc." in page and UNIT_VIN in page and "TVQ 9,975\xa0%" in page


def test_the_logo_is_inlined_and_nothing_is_fetched_from_elsewhere(admin, salesperson, deal, dealer, settings,
                                                                    tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from comptoir.core.services import site_settings_set_logo
    from comptoir.quotes.documents import variant_html, variant_pdf

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (120, 40), "red").save(image, "PNG")
    site_settings_set_logo(actor=admin, logo=SimpleUploadedFile("logo.png", image.getvalue(), "image/png"))
    quote, variant = _accepted(salesperson, deal)

    html = variant_html(quote, variant, for_pdf=True)

    assert 'src="data:image/png;base64,' in html
    assert "http://" not in html and "https://" not in html
    assert b"/Subtype /Image" in variant_pdf(quote, variant)


@pytest.mark.parametrize("odometer", [-1, "beaucoup", 10_000_000])
def test_a_trade_in_odometer_that_is_not_a_whole_number_of_kilometres_is_refused(
        salesperson_api, salesperson, deal, odometer):
    response = _contract(salesperson_api, salesperson, deal, odometer_km=odometer)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("odometer_km")
    assert not Contract.objects.exists()


def test_the_service_reads_an_odometer_typed_with_spaces_or_commas(salesperson, deal):
    _quote, variant = _accepted(salesperson, deal)

    spaced = services.contract_create(actor=salesperson, opportunity_id=deal.pk, variant=variant.pk,
                                      trade_in={"odometer_km": "18 240 km"})
    commas = services.contract_create(actor=salesperson, opportunity_id=deal.pk, variant=variant.pk,
                                      trade_in={"odometer_km": "18,240"})

    assert (spaced.trade_in_odometer_km, commas.trade_in_odometer_km) == (18240, 18240)
    with pytest.raises(services.ApplicationError) as refused:
        services.contract_create(actor=salesperson, opportunity_id=deal.pk, variant=variant.pk,
                                 trade_in={"odometer_km": "18.5"})
    assert refused.value.message == BAD_ODOMETER


def test_the_contract_form_takes_the_trade_ins_odometer(salesperson, deal):
    from django.test import Client
    from django.urls import reverse

    _quote, variant = _accepted(salesperson, deal)
    browser = Client()
    browser.force_login(salesperson)

    card = browser.get(reverse("opportunity-quotes", args=[deal.pk])).content.decode()
    browser.post(reverse("contract-new", args=[deal.pk]), {"variant": variant.pk, "trade_in_description": "Polaris",
                                                           "trade_in_odometer_km": "18 240"})

    assert 'name="trade_in_odometer_km"' in card
    assert Contract.objects.get().trade_in_odometer_km == 18240


def test_the_quote_email_ends_with_the_dealers_identity_in_the_customers_language(
        salesperson, deal, dealer, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import translation

    quote, variant = _accepted(salesperson, deal)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.quote_variant_send(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk,
                                    to="client@exemple.ca")

    email = mail.outbox[0]
    footer = email.body.rpartition("\n-- \n")[2]
    html = email.alternatives[0][0]
    assert footer.splitlines() == [
        "Sports Motorisés des Laurentides", "1250, boulevard du Curé-Labelle, Saint-Jérôme QC J7Z 5T3",
        "450 555-0142 · ventes@smlaurentides.ca · www.smlaurentides.ca",
        "9123-4567 Québec inc. · Dealer permit No. C-04512"]
    assert "Sports Motorisés des Laurentides" in html and "Dealer permit No. C-04512" in html


def test_the_contract_prints_as_taxable_what_its_taxes_are_computed_on(salesperson_api, salesperson, deal):
    # lines 9999.00 + 649.99 = 10648.99 taxed, + a 285.00 exempt registration fee; allowance 2500.00
    # printed taxable: 10648.99 − 2500.00 = 8148.99 (TPS 8148.99 × 5 % = 407.4495 → 407.45)
    # the API's taxable_amount stays subtotal − allowance (API.md): 10933.99 − 2500.00 = 8433.99
    fee = {"description": "Immatriculation SAAQ", "unit_price": "285.00", "tax_class": "exempt"}
    quote = services.quote_create(actor=salesperson, opportunity_id=deal.pk,
                                  variants=[{"name": "Comptant", "lines": [*LINES, fee]}])
    variant = quote.variants.get()
    services.quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk)
    created = salesperson_api.post(f"/opportunities/{deal.pk}/contract", {
        "variant": variant.pk, "trade_in": {"description": "VTT 2015", "allowance": "2500.00"}}).json()

    text = _text(salesperson_api.get(f"/quotes/contracts/{created['id']}/pdf").content)

    assert created["taxable_amount"] == "8433.99"
    assert "Montant taxable 8 148,99 $" in text and "407,45 $" in text
