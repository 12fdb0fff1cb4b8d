"""Issue 22 in a real browser (Chromium through Playwright, on the live server): a known phone typed in
another format into « Nouveau client » brings up the duplicates panel before anything is saved; saving
asks, « Créer quand même » creates. The customer list filters, keeps its filters in the URL, counts each
value, and folds its filters on a phone without scrolling sideways.

Screenshots at 1366 and 390 pixels wide land in var/screenshots/customers-duplicates-*.png and
var/screenshots/customers-list-*.png for a person to look at.
"""

import re

import pytest

from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.core.models import Tag
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits_a_phone(page, what: str):
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{what} scrolls sideways on a phone ({width[0]} px for {width[1]}): " \
                                     f"{overflowing(page)}"


def test_a_known_phone_typed_another_way_shows_the_duplicate_before_saving(page, salesperson, sign_in, screenshot):
    # given a customer whose phone was entered as (819) 555-0142
    known = make_customer(salesperson, first_name="Marie-Ève", last_name="Côté", email="marie.cote@videotron.ca",
                          phones=[{"number": "819 555-0142"}], postal_code="J1H 5N4")
    sign_in(page, salesperson)

    # when « Nouveau client » is filled with the same number written another way
    page.goto("/customers/")
    page.get_by_role("link", name="Nouveau client").click()
    page.locator('[name="first_name"]').fill("Marie")
    page.locator('[name="last_name"]').fill("Cote")
    panel = page.locator(".duplicates-panel")
    expect(panel).to_have_count(0)
    page.locator('[name="phone_number_0"]').press_sequentially("+1 819.555.0142", delay=20)

    # then the panel names the known customer as a sure duplicate, with a link to the record, nothing saved
    expect(panel).to_be_visible()
    row = panel.locator(".duplicate-sure")
    expect(row).to_contain_text("Marie-Ève Côté")
    expect(row.locator(".duplicate-reason")).to_contain_text("même téléphone")
    expect(row.get_by_role("link", name="Ouvrir la fiche")).to_have_attribute("href", f"/customers/{known.pk}/")
    assert Customer.objects.count() == 1
    screenshot(page, "customers-duplicates")
    fits_a_phone(page, "the customer form with its duplicates panel")
    page.set_viewport_size({"width": 1366, "height": 768})

    # saving asks first: the page comes back with « Créer quand même », still nothing saved
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".duplicates-confirm")).to_be_visible()
    expect(page.locator('[name="phone_number_0"]')).to_have_value("+1 819.555.0142")
    assert Customer.objects.count() == 1

    # confirmed, the new record is created and opened
    with page.expect_navigation(url=re.compile(r"/customers/\d+/$")):
        page.get_by_role("button", name="Créer quand même").click()
    expect(page.locator(".messages .success")).to_have_text("Client créé.")
    page.wait_for_load_state("networkidle")
    assert Customer.objects.count() == 2
    assert page.js_errors == []


def test_the_customer_list_filters_counts_and_folds_on_a_phone(page, manager, salesperson, sign_in, screenshot):
    vip = Tag.objects.create(name="VIP")
    make_customer(salesperson, first_name="Léa", last_name="Paré", email="lea@videotron.ca", tags=[vip.pk])
    make_customer(salesperson, first_name="Paul", last_name="Roy")
    make_customer(manager, first_name="Nadia", last_name="Gagné", no_email=True)
    sign_in(page, manager)

    page.goto("/customers/")
    filters = page.locator("details.customer-filters")
    expect(filters).to_have_attribute("open", "")  # wide screen: open
    email = page.locator('select[name="email_status"]')
    expect(email.locator("option[value=valid]")).to_have_text("Valide (1)")  # the counts arrived
    expect(email.locator("option[value=missing]")).to_have_text("Absent (1)")
    email.select_option("missing")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"email_status=missing"))
    expect(page.locator("#customer-rows tr")).to_have_count(1)
    expect(page.locator("#customer-rows")).to_contain_text("Paul Roy")
    expect(page.locator('select[name="email_status"]')).to_have_value("missing")
    # the search as you type keeps the filters
    page.locator("#customer-q").fill("lea")
    expect(page.locator("#customer-rows")).to_contain_text("Aucun client ne correspond")
    page.locator("#customer-q").fill("")
    expect(page.locator("#customer-rows")).to_contain_text("Paul Roy")
    page.wait_for_load_state("networkidle")
    screenshot(page, "customers-list")

    # on a phone the list comes first, the filters folded under « Filtres »
    page.goto("/customers/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("details.customer-filters")).not_to_have_attribute("open", "")
    fits_a_phone(page, "the customer list")
    page.locator("details.customer-filters summary").click()
    expect(page.locator('select[name="email_status"]')).to_be_visible()
    fits_a_phone(page, "the customer list with its filters open")
    assert page.js_errors == []


def test_the_lead_quick_entry_and_the_walk_in_form_show_the_same_panel(page, salesperson, sign_in):
    known = make_customer(salesperson, first_name="Marie-Ève", last_name="Côté", email="marie.cote@videotron.ca",
                          phones=[{"number": "819 555-0142"}])
    sign_in(page, salesperson)

    page.goto("/leads/")
    page.locator('[name="email"]').press_sequentially("Marie.Cote@Videotron.ca", delay=10)
    lead_panel = page.locator(".duplicates-panel")
    expect(lead_panel.locator(".duplicate-sure")).to_contain_text("même courriel")
    expect(lead_panel.get_by_role("link", name="Ouvrir la fiche")).to_have_attribute("href", f"/customers/{known.pk}/")

    page.goto("/walk-ins/")
    new_customer = page.locator("details.walkin-new")
    if new_customer.get_attribute("open") is None:
        new_customer.locator("summary").click()
    new_customer.locator('[name="phone"]').press_sequentially("819-555-0142", delay=10)
    expect(new_customer.locator(".duplicate-sure")).to_contain_text("Marie-Ève Côté")
    assert page.js_errors == []
