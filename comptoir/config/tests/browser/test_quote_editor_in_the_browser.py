"""A salesperson prices a deal in the quote editor, in a real browser (Chromium through Playwright, on the live
server, issue 23): the first line is the deal's unit at its price; a helmet found by typing part of its name
and picked with the keyboard, a winch by the start of its code, picked with the mouse; a line typed freely.
At 1366×768 nothing scrolls sideways and the totals, taxes and margin stay in sight beside the lines, even
scrolled down; on a 390×844 phone each line stacks, every field under its label. Saved, the unit's line
carries its cost, which the salesperson never saw.

Screenshots of the editor with its four lines at 1366 and 390 pixels wide land in var/screenshots/
(quote-editor-1366.png, quote-editor-390.png) for a person to look at.
"""

import re
from decimal import Decimal

import pytest

from comptoir.catalog.services import inventory_unit_save, product_create
from comptoir.config.tests.browser.conftest import DESKTOP, PHONE
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.customers.tests.factories import make_customer
from comptoir.quotes.models import QuoteLine, QuoteVariant
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LABEL = "2026 Sea-Doo GTI 130 — NIV …KP042788 — stock S-100"


def line(page, n):
    return page.locator("#lines-0 tr.quote-line").nth(n)


def fits_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def in_sight(page, selector) -> bool:
    return page.locator(selector).evaluate(
        "(e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight"
        " && r.left >= 0 && r.right <= window.innerWidth; }")


def test_a_salesperson_prices_the_deals_unit_and_finds_products_as_they_type(page, admin, salesperson, sign_in,
                                                                             screenshot):
    pipeline = make_pipeline(admin, name="Motomarines", prefix="MM", requires_quote=True)
    inventory_unit_save(actor=admin, serial="1M8GDM9AXKP042788", stock_number="S-100", year=2026, make="Sea-Doo",
                        model="GTI 130", price="15999.00", cost="12000.00")
    product_create(actor=admin, code="CASQ-XP", name="Casque intégral Évolution", unit_price="349.00",
                   unit_cost="190.00")
    product_create(actor=admin, code="TR-2500", name="Treuil WARN 2500", unit_price="499.99", unit_cost="300.00")
    customer = make_customer(salesperson, first_name="Gabrielle", last_name="Roy")
    deal = make_opportunity(salesperson, customer, pipeline, unit="S-100")
    sign_in(page, salesperson)

    # 1. the editor opens on the deal's unit at its price; its cost is the unit's, not shown to a salesperson
    page.goto(f"/sales/opportunities/{deal.pk}/quotes/new/")
    expect(line(page, 0).locator(".line-description")).to_have_value(LABEL)
    expect(line(page, 0).locator(".line-price")).to_have_value("15999,00")
    expect(line(page, 0).locator(".line-cost")).to_have_value("")
    expect(line(page, 0).locator(".line-cost")).to_have_attribute("placeholder", "de l’unité")
    expect(line(page, 0).locator(".line-link")).to_have_text(re.compile(r"unité"))
    expect(page.locator("#totals")).to_contain_text(re.compile(r"18\s394,85"))  # 15 999,00 + TPS + TVQ

    # 2. « casq » typed on line 2 offers the helmet; ↓ and Entrée take it, and the quantity is next
    line(page, 1).locator(".line-description").press_sequentially("casq", delay=30)
    expect(line(page, 1).locator(".sellable")).to_have_count(1)
    expect(line(page, 1).locator(".sellable")).to_contain_text("Casque intégral Évolution")
    line(page, 1).locator(".line-description").press("ArrowDown")
    line(page, 1).locator(".line-description").press("Enter")
    expect(line(page, 1).locator(".line-description")).to_have_value("Casque intégral Évolution")
    expect(line(page, 1).locator(".line-price")).to_have_value("349,00")
    expect(line(page, 1).locator(".line-cost")).to_have_value("190,00")
    expect(line(page, 1).locator(".line-link")).to_contain_text("CASQ-XP")
    expect(line(page, 1).locator(".line-quantity")).to_be_focused()
    page.keyboard.type("2")

    # 3. « tr-25 », the start of a code, on line 3: the winch, picked with the mouse
    line(page, 2).locator(".line-description").press_sequentially("tr-25", delay=30)
    line(page, 2).locator(".sellable", has_text="Treuil WARN 2500").click()
    expect(line(page, 2).locator(".line-price")).to_have_value("499,99")
    expect(line(page, 2).locator(".sellable")).to_have_count(0)

    # 4. one more line, typed freely (no result to pick, the text stays)
    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(page.locator("#lines-0 tr.quote-line")).to_have_count(4)
    line(page, 3).locator(".line-description").fill("Préparation et transport")
    line(page, 3).locator(".line-price").fill("895")
    line(page, 3).locator(".line-cost").fill("400")
    # 15 999,00 + 2 × 349,00 + 499,99 + 895,00 = 18 091,99; TPS 904,60; TVQ 1 804,68
    expect(page.locator("#totals")).to_contain_text(re.compile(r"20\s801,27"))
    expect(page.locator("#totals")).to_contain_text(re.compile(r"5\s011,99"))  # margin: cost 13 080,00

    # 5. at 1366×768: no sideways scroll; the totals, taxes and margin in sight, scrolled down too
    page.wait_for_load_state("networkidle")
    assert fits_sideways(page), overflowing(page)
    assert in_sight(page, "#totals") and in_sight(page, ".quote-save button")
    page.set_viewport_size({"width": 1366, "height": 560})  # a browser with its toolbars and a taskbar
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 0
    assert in_sight(page, "#totals")
    page.set_viewport_size(DESKTOP)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "quote-editor")

    # 6. on a phone each line stacks, every field under its label, and nothing goes past the screen
    page.set_viewport_size(PHONE)
    assert fits_sideways(page), overflowing(page)
    assert line(page, 1).evaluate("(tr) => getComputedStyle(tr).display") == "grid"
    assert line(page, 1).locator("td").nth(2).evaluate(
        "(td) => getComputedStyle(td, '::before').content") == '"Prix unitaire"'
    description, price = (line(page, 1).locator(sel).bounding_box() for sel in (".line-description", ".line-price"))
    assert price["y"] > description["y"] + description["height"]  # under it, not beside it
    page.set_viewport_size(DESKTOP)

    # 7. saved: four lines, the unit's at its cost
    with page.expect_navigation(url=re.compile(rf"/opportunities/{deal.pk}/")):
        page.get_by_role("button", name="Enregistrer la cotation").click()
    page.wait_for_load_state("networkidle")
    variant = QuoteVariant.objects.get(quote__opportunity=deal)
    lines = list(QuoteLine.objects.filter(variant=variant).order_by("position").values_list(
        "description", "quantity", "unit_price", "unit_cost", "product__code"))
    assert lines == [(LABEL, 1, Decimal("15999.00"), Decimal("12000.00"), None),
                     ("Casque intégral Évolution", 2, Decimal("349.00"), Decimal("190.00"), "CASQ-XP"),
                     ("Treuil WARN 2500", 1, Decimal("499.99"), Decimal("300.00"), "TR-2500"),
                     ("Préparation et transport", 1, Decimal("895.00"), Decimal("400.00"), None)]
    assert (variant.total, variant.margin) == (Decimal("20801.27"), Decimal("5011.99"))
    assert page.js_errors == []
