"""A quote editor a salesperson likes (issue 23): a line typed by name finds its product, a unit on the lot
becomes a line at its price and cost, a new quote starts with the deal's unit or product, the editor's
search offers both as you type, and the live totals wait for a line's price instead of failing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.catalog.services import inventory_unit_save, product_create
from comptoir.customers.tests.factories import make_customer
from comptoir.quotes import services
from comptoir.quotes.models import Quote, QuoteLine
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"
LABEL = "2026 Sea-Doo GTI 130 — NIV …KP042788 — stock S-100"


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=True)


@pytest.fixture
def deal(salesperson, pipeline):
    return make_opportunity(salesperson, make_customer(salesperson), pipeline)


@pytest.fixture
def ski(admin):
    return product_create(actor=admin, code="SKI-MXZ", name="Ski", unit_price="14999.00", unit_cost="12100.00")


@pytest.fixture
def unit(admin):
    return inventory_unit_save(actor=admin, serial=VIN, stock_number="S-100", year=2026, make="Sea-Doo",
                               model="GTI 130", price="15999.00", cost="12000.00")


@pytest.fixture
def browser(salesperson):
    client = Client()
    client.force_login(salesperson)
    return client


def _quote(actor, deal, *lines):
    return services.quote_create(actor=actor, opportunity_id=deal.pk, variants=[{"name": "A", "lines": list(lines)}])


# --- A line's product by name, a unit as a line (services and API) ----------------------------------------

def test_a_line_typed_by_name_finds_its_product(salesperson, deal, ski, admin):
    product_create(actor=admin, code="CASQ-1", name="Casque intégral Évolution", unit_price="349.00",
                   unit_cost="190.00")

    quote = _quote(salesperson, deal, {"product": "Ski"}, {"product": "casque integral"})

    first, second = QuoteLine.objects.filter(variant__quote=quote).order_by("position")
    assert (first.product, first.description, first.unit_price, first.unit_cost) == (
        ski, "Ski", Decimal("14999.00"), Decimal("12100.00"))
    assert (second.product.code, second.unit_price) == ("CASQ-1", Decimal("349.00"))


def test_a_name_several_products_answer_is_a_422_listing_them(salesperson_api, deal, ski, admin):
    product_create(actor=admin, code="SKI-SUM", name="Ski-Doo Summit", unit_price="18999.00")
    product_create(actor=admin, code="SKI-REN", name="Ski-Doo Renegade", unit_price="16999.00")

    response = salesperson_api.post(f"/opportunities/{deal.pk}/quotes", {"variants": [
        {"name": "A", "lines": [{"product": "ski-doo", "quantity": "1"}]}]})

    body = response.json()
    assert response.status_code == 422
    assert "SKI-REN (Ski-Doo Renegade)" in body["detail"] and "SKI-SUM (Ski-Doo Summit)" in body["detail"]
    assert body["errors"][0]["field"] == "variants.0.lines.0.product"
    assert not Quote.objects.exists()


def test_an_exact_name_wins_over_names_that_contain_it(salesperson, deal, ski, admin):
    product_create(actor=admin, code="SKI-SUM", name="Ski-Doo Summit", unit_price="18999.00")

    quote = _quote(salesperson, deal, {"product": "SKI"})

    assert QuoteLine.objects.get(variant__quote=quote).product == ski


def test_a_product_nobody_knows_is_still_refused(salesperson, deal, ski):
    with pytest.raises(services.ApplicationError) as refused:
        _quote(salesperson, deal, {"product": "Motomarine"})

    assert refused.value.message == services.UNKNOWN_PRODUCT % {"value": "Motomarine"}
    assert not Quote.objects.exists()


def test_a_unit_becomes_a_line_at_its_price_and_cost(salesperson_api, deal, unit):
    response = salesperson_api.post(f"/opportunities/{deal.pk}/quotes", {"variants": [
        {"name": "A", "lines": [{"unit": "S-100"}, {"unit": unit.pk, "unit_price": "15499.00",
                                                     "description": "GTI 130 de démonstration"}]}]})

    lines = response.json()["variants"][0]["lines"]
    assert response.status_code == 201
    assert [(line["description"], line["unit_price"], line["unit_cost"], line["tax_class"]) for line in lines] == [
        (LABEL, "15999.00", "12000.00", "standard"), ("GTI 130 de démonstration", "15499.00", "12000.00", "standard")]


def test_a_sold_or_unavailable_unit_is_not_quoted(salesperson, deal, unit, admin):
    inventory_unit_save(actor=admin, unit_id=unit.pk, status="unavailable")

    with pytest.raises(services.ApplicationError) as refused:
        _quote(salesperson, deal, {"unit": "S-100"})

    assert refused.value.field == "variants.0.lines.0.unit"
    assert not Quote.objects.exists()


# --- A new quote starts with the deal's unit or product --------------------------------------------------

def test_a_new_quote_starts_with_the_deals_unit_at_its_price_and_cost(manager, salesperson, pipeline, unit):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit="S-100", product="Ski")

    by_manager = services.quote_first_lines(actor=manager, opportunity=deal)
    by_salesperson = services.quote_first_lines(actor=salesperson, opportunity=deal)

    assert by_manager == [{"unit": unit.pk, "description": LABEL, "quantity": 1, "unit_price": Decimal("15999.00"),
                           "unit_cost": Decimal("12000.00"), "tax_class": "standard"}]
    # A unit's cost is for managers: the salesperson's line leaves it out, and the service puts it back.
    assert by_salesperson[0]["unit_cost"] is None
    quote = _quote(salesperson, deal, {k: v for k, v in by_salesperson[0].items() if v is not None})
    assert QuoteLine.objects.get(variant__quote=quote).unit_cost == Decimal("12000.00")


def test_a_new_quote_starts_with_the_deals_product_from_the_catalogue(salesperson, pipeline, ski):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="  SKI ")

    assert services.quote_first_lines(actor=salesperson, opportunity=deal) == [
        {"product": "SKI-MXZ", "description": "Ski", "quantity": 1, "unit_price": Decimal("14999.00"),
         "unit_cost": Decimal("12100.00"), "tax_class": "standard"}]


def test_a_new_quote_starts_empty_when_the_deal_names_nothing_the_catalogue_knows(salesperson, pipeline, ski):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Bateau ponton")

    assert services.quote_first_lines(actor=salesperson, opportunity=deal) == []


def test_the_editor_opens_on_the_deals_unit_and_saving_it_keeps_its_cost(browser, salesperson, pipeline, unit):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit="S-100")

    page = browser.get(reverse("quote-editor", args=[deal.pk])).content.decode()
    saved = browser.post(reverse("quote-editor", args=[deal.pk]), {
        "v0-name": "Comptant", "v0-l0-unit": str(unit.pk), "v0-l0-description": LABEL, "v0-l0-quantity": "1",
        "v0-l0-unit_price": "15999,00", "v0-l0-unit_cost": "", "v0-l1-description": ""})

    assert f'name="v0-l0-unit" value="{unit.pk}"' in page and f'value="{LABEL}"' in page
    assert 'name="v0-l0-unit_price" value="15999,00"' in page
    assert 'name="v0-l0-unit_cost" value=""' in page and "de l’unité" in page  # not shown to a salesperson
    assert page.count('class="quote-line"') == 3  # the unit, then two empty lines
    assert saved.status_code == 302
    line = QuoteLine.objects.get()
    assert (line.description, line.unit_price, line.unit_cost) == (LABEL, Decimal("15999.00"), Decimal("12000.00"))


def test_a_manager_sees_the_units_cost_in_the_editor(manager, salesperson, pipeline, unit):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit="S-100")
    client = Client()
    client.force_login(manager)

    page = client.get(reverse("quote-editor", args=[deal.pk])).content.decode()

    assert 'name="v0-l0-unit_cost" value="12000,00"' in page


def test_without_javascript_a_product_typed_by_name_in_its_field_is_taken(browser, deal, ski):
    response = browser.post(reverse("quote-editor", args=[deal.pk]), {
        "v0-name": "Comptant", "v0-l0-product": "ski", "v0-l0-quantity": "2"})

    assert response.status_code == 302
    line = QuoteLine.objects.get()
    assert (line.product, line.description, line.quantity, line.line_total) == (
        ski, "Ski", Decimal("2.000"), Decimal("29998.00"))


# --- The editor's search and its live totals ------------------------------------------------------------

def test_the_editors_search_offers_products_and_units_to_pick(browser, deal, ski, unit, admin):
    inventory_unit_save(actor=admin, serial="2BPSUX8A0PV000123", stock_number="S-101", year=2025, make="Ski-Doo",
                        model="Summit X 850", price="18999.00", cost="15000.00")

    found = browser.get(reverse("quote-sellables"), {"v0-l1-description": "ski"}).content.decode()
    by_stock = browser.get(reverse("quote-sellables"), {"v0-l1-description": "s-100"}).content.decode()
    nothing = browser.get(reverse("quote-sellables"), {"v0-l1-description": "zzz"}).content.decode()

    assert 'data-kind="product"' in found and 'data-code="SKI-MXZ"' in found and 'data-price="14999,00"' in found
    assert 'data-kind="unit"' in found and "2025 Ski-Doo Summit X 850" in found
    assert f'data-id="{unit.pk}"' in by_stock and f'data-label="{LABEL}"' in by_stock
    assert 'data-cost=""' in by_stock and 'data-cost-hidden="1"' in by_stock  # a salesperson's search
    assert nothing.strip() == ""


def test_the_live_totals_leave_a_line_without_a_price_out_instead_of_failing(browser, deal):
    page = browser.post(reverse("quote-editor-totals", args=[deal.pk]), {
        "v0-name": "Comptant", "v0-l0-description": "Treuil", "v0-l0-unit_price": "500", "v0-l0-unit_cost": "300",
        "v0-l1-description": "Ski"}).content.decode()

    assert "Nombre illisible" not in page
    assert "574,88" in page  # 500 + TPS 25,00 + TVQ 49,88
    assert "Ligne 2 sans prix, hors des totaux." in page


def test_the_live_totals_price_a_unit_named_on_a_line(browser, deal, unit):
    page = browser.post(reverse("quote-editor-totals", args=[deal.pk]), {
        "v0-name": "Comptant", "v0-l0-unit": str(unit.pk), "v0-l0-description": LABEL}).content.decode()

    assert "18\xa0394,85" in page  # 15 999,00 + TPS 799,95 + TVQ 1 595,90
    assert "3\xa0999,00" in page  # its margin
