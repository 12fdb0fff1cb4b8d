"""A salesperson's day in a real browser (Chromium through Playwright, on the live server): sign-in,
the customer form's email rules, the board's drag and drop, the quote editor, winning, the
conversion page; then the same pages on a phone and in English.

Screenshots of the board, the customer card and the conversion page at 1366 and 390 pixels wide
land in var/screenshots/ for a person to look at.
"""

import re

import pytest
from django.utils import translation

from comptoir.customers.models import Customer
from comptoir.customers.services import FAKE_EMAIL
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity, Status
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread (another connection on PostgreSQL): the test's rows
# must be committed to be seen, and the migrations' rows (departments, lists) put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VALID_EMAIL = "marie.gagnon@videotron.ca"


def column(page, stage_name):
    return page.locator(f'.board section.column[aria-label="{stage_name}"]')


def deal(page, opportunity):
    return page.locator(f'.board article.deal[data-id="{opportunity.pk}"]')


def conversion_table(page):
    return page.locator("#conversion-table")


def figures(page) -> dict:
    """The conversion table's Total row, by column heading: {"Gagnées": "1", ...}."""
    table = conversion_table(page)
    headings = table.locator("thead th").all_inner_texts()
    cells = table.locator("tr.overall").locator("th, td").all_inner_texts()
    return {heading.strip(): cell.strip() for heading, cell in zip(headings, cells, strict=True) if heading.strip()}


def overflowing(page) -> list[str]:
    """What widens the page on a phone: the outermost elements whose right edge passes the viewport,
    leaving out what scrolls inside its own container (the board's columns, a wide table in its card)."""
    return page.evaluate("""() => {
        const width = window.innerWidth;
        const scrolls = (element) => getComputedStyle(element).overflowX !== "visible";
        const found = [];
        for (const element of document.body.querySelectorAll("*")) {
            let inside = false;
            for (let up = element.parentElement; up && up !== document.body && !inside; up = up.parentElement) {
                inside = scrolls(up);
            }
            const box = element.getBoundingClientRect();
            if (!inside && box.width && box.right > width + 1 && !found.some((outer) => outer.contains(element))) {
                found.push(element);
            }
        }
        return found.slice(0, 8).map((element) => {
            const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
                + [...element.classList].map((c) => "." + c).join("");
            return `${name} ends at ${Math.round(element.getBoundingClientRect().right)} px`;
        });
    }""")


def test_a_salesperson_sells_a_unit_from_lead_to_board_in_the_browser(page, admin, salesperson, sign_in, screenshot):
    # given a pipeline that requires an accepted quote before a deal is won
    pipeline = make_pipeline(admin, name="Véhicules neufs", prefix="VN", requires_quote=True,
                             stages=("Nouveau", "Essai", "Cotation", "Négociation"))

    # 1. the salesperson signs in through the login page
    sign_in(page, salesperson)
    expect(page.locator(".whoami")).to_have_text(salesperson.display_name)

    # 2. a fake address is refused on the form, with the reason, and nothing is saved
    page.goto("/customers/new/")
    page.locator('[name="first_name"]').fill("Marie")
    page.locator('[name="last_name"]').fill("Gagnon")
    page.locator('[name="email"]').fill("aucun@aucun.com")
    page.get_by_role("button", name="Enregistrer").click()
    with translation.override("fr-ca"):
        refusal = str(FAKE_EMAIL % {"pattern": "aucun.com"})
    expect(page.locator(".field.has-error .error")).to_have_text(refusal)
    expect(page.locator('[name="email"]')).to_have_value("aucun@aucun.com")
    assert Customer.objects.count() == 0

    # 3. a real address is taken: the card shows it with the green check
    page.locator('[name="email"]').fill(VALID_EMAIL)
    with page.expect_navigation(url=re.compile(r"/customers/\d+/$")):
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages .success")).to_have_text("Client créé.")
    email = page.locator("dl.facts dd", has=page.locator(".email-ok"))
    expect(email).to_have_text(f"✔ {VALID_EMAIL}")
    expect(email.locator(".email-ok")).to_have_attribute("title", "Courriel valide")
    page.wait_for_load_state("networkidle")  # the card's htmx sections, before the ORM is used here
    customer = Customer.objects.get(email=VALID_EMAIL)
    assert (customer.first_name, customer.last_name, customer.salesperson) == ("Marie", "Gagnon", salesperson)

    # 4. an opportunity for that customer, from the card's « Opportunités » section
    section = page.locator("#opportunities")
    section.locator('[name="pipeline"]').select_option(label=pipeline.name)
    section.locator('[name="product"]').fill("Motoneige Summit X 850")
    with page.expect_navigation(url=re.compile(r"/opportunities/\d+/$")):
        section.get_by_role("button", name="Créer l'opportunité").click()
    page.wait_for_load_state("networkidle")
    opportunity = Opportunity.objects.get(customer=customer)
    assert (opportunity.pipeline, opportunity.stage.name, opportunity.salesperson) == (pipeline, "Nouveau", salesperson)
    expect(page.locator(".messages .success")).to_contain_text(opportunity.number)

    # 5. dragged from « Nouveau » to « Essai » on the board: the server records the move
    page.goto("/sales/")
    expect(deal(page, opportunity)).to_have_count(1)
    expect(column(page, "Nouveau").locator(".deal")).to_have_count(1)
    with page.expect_response(lambda response: response.url.endswith(f"/opportunities/{opportunity.pk}/move/")) as move:
        deal(page, opportunity).drag_to(column(page, "Essai"))
    assert move.value.status == 204, move.value.text()
    expect(column(page, "Essai").locator(".count")).to_have_text("1")
    page.reload()
    expect(column(page, "Essai").locator(f'.deal[data-id="{opportunity.pk}"]')).to_have_count(1)
    expect(column(page, "Nouveau").locator(".deal")).to_have_count(0)
    screenshot(page, "board")
    # ... and the opportunity page's stage history (its « Historique » tab, issue 23) shows it, by whom
    page.get_by_role("link", name=customer.display_name).click()
    page.get_by_role("tab", name="Historique").click()
    stages = page.locator(".opp-stages", has=page.get_by_role("heading", name="Étapes", exact=True)).locator("li")
    expect(stages).to_have_count(2)
    expect(stages.nth(1).locator("strong")).to_have_text("Essai")
    expect(stages.nth(1)).to_contain_text(salesperson.display_name)
    expect(page.get_by_role("button", name="Gagnée")).to_have_count(0)  # not without an accepted quote

    # 6. a quote typed in the editor, then accepted: the pipeline's « l'acceptation conclut la vente » (on by
    # default, issue 23) wins the deal with it
    page.get_by_role("tab", name="Cotations").click()
    page.get_by_role("link", name="Nouvelle cotation").click()
    page.get_by_label("Titre").fill("Summit X 850")
    page.locator('input[name="v0-l0-description"]').fill("Motoneige Summit X 850 2027")
    page.locator('input[name="v0-l0-quantity"]').fill("1")
    page.locator('input[name="v0-l0-unit_price"]').fill("18 999,00")
    page.locator('input[name="v0-l0-unit_cost"]').fill("16 500,00")
    # 18 999,00 + TPS 5 % + TVQ 9,975 % = 21 844,10, computed live by the server while typing
    expect(page.locator("#totals")).to_contain_text(re.compile(r"21\s844,10"))
    with page.expect_navigation(url=re.compile(rf"/opportunities/{opportunity.pk}/$")):
        page.get_by_role("button", name="Enregistrer la cotation").click()
    expect(page.locator(".messages .success")).to_have_text("Cotation créée.")
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator(".messages .success")).to_have_text("Variante acceptée : l'opportunité est gagnée.")
    expect(page.locator(".opp-title .status")).to_have_class(re.compile(r"\bstatus-won\b"))
    page.wait_for_load_state("networkidle")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.amount, opportunity.stage.name) == (Status.WON, 18999, "Essai")

    # the open board no longer shows it; filtered on « gagnée », it is there
    page.goto("/sales/")
    expect(deal(page, opportunity)).to_have_count(0)
    page.get_by_label("Statut").select_option(Status.WON)
    page.get_by_role("button", name="Filtrer").click()
    expect(column(page, "Essai").locator(f'.deal[data-id="{opportunity.pk}"]')).to_have_count(1)

    # the conversion page counts the sale: one won, none lost, 100 %
    page.get_by_role("navigation").locator('a[href="/sales/analytics/"]').click()
    expect(conversion_table(page).locator("tr.overall")).to_be_visible()
    total = figures(page)
    assert (total["Gagnées"], total["Perdues"], total["Ouvertes"]) == ("1", "0", "0"), total
    assert total["Conversion"].startswith("100"), total
    screenshot(page, "analytics")

    # the customer card lists the won deal beside the email's green check
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator("#opportunities")).to_contain_text(opportunity.number)
    page.wait_for_load_state("networkidle")
    screenshot(page, "customer")
    assert page.js_errors == []


def test_the_board_the_customer_card_and_the_conversion_page_fit_a_phone(page, admin, salesperson, sign_in):
    # given a board with one deal and a customer whose card has a long address
    pipeline = make_pipeline(admin)
    customer = make_customer(salesperson, first_name="Marie-Ève", last_name="Bouchard-Deschamps",
                             email="marie-eve.bouchard-deschamps@videotron.ca",
                             address_line1="1234, boulevard de l'Université Ouest", city="Sherbrooke")
    make_opportunity(salesperson, customer, pipeline, amount="24999.99")
    sign_in(page, salesperson)
    page.set_viewport_size({"width": 390, "height": 844})

    for path in ("/sales/", f"/customers/{customer.pk}/", "/sales/analytics/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert fits, f"{path} scrolls sideways on a phone ({width[0]} px for {width[1]}): {overflowing(page)}"
    assert page.js_errors == []


def test_the_language_select_switches_the_board_to_english(salesperson_page, admin):
    page = salesperson_page
    make_pipeline(admin)
    page.goto("/sales/")
    expect(page.locator("h1")).to_contain_text("Tableau des ventes")

    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")

    assert page.url.endswith("/sales/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Sales board")
    expect(page.get_by_role("navigation").get_by_role("link", name="Sales board")).to_be_visible()
