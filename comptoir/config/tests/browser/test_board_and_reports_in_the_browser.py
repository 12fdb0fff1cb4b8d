"""Issue 23, parts 6 and 7, in a real browser (Chromium through Playwright, on the live server): a sales
manager with a team of nine opens the board at 1366×768 and sees the kanban in the first screen, under the
team's top five; each column says its count and total, and a drop moves both; « Toute l'équipe » shows
the nine; the analytics table fits 1366 px without scrolling sideways; neither page does on a phone.

Screenshots: var/screenshots/board-manager-{1366,390}.png (and -first-screen-1366.png, the viewport only),
board-salesperson-*.png, analytics-manager-*.png."""

from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.config.tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def team(admin):
    pipeline = make_pipeline(admin)
    sellers = [UserFactory(first_name=f"Vendeur{n}", last_name=f"Équipe{n}") for n in range(9)]
    for n, seller in enumerate(sellers):
        for k in range(3):
            deal = make_opportunity(seller, make_customer(seller, email=f"c{n}-{k}@courriel.ca"), pipeline,
                                    amount=Decimal("10000.00") + n, product="Ski-Doo MXZ")
            if k == 0 and n % 2:
                Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=timezone.now())
        make_customer(seller)  # without an email
    return {"pipeline": pipeline, "sellers": sellers}


def _no_sideways_scroll(page, what):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{what} scrolls sideways ({width[0]} px for {width[1]}): {overflowing(page)}"


def test_the_manager_reads_the_board_and_the_figures_on_the_first_screen(page, manager, team, sign_in, screenshot):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, manager)

    page.goto("/sales/")
    board_top = page.evaluate("document.querySelector('.board').getBoundingClientRect().top")
    first_card = page.evaluate("document.querySelector('.deal').getBoundingClientRect().top")
    page.screenshot(path=SCREENSHOTS / "board-manager-first-screen-1366.png")

    # The kanban and its first cards in the first screen, under the team's top five.
    assert first_card < DESKTOP["height"] - 100, f"the first card starts at {first_card} px"
    assert page.locator(".strip-table tbody tr").count() == 5 and board_top < 500
    new = page.locator('.column[aria-label="Nouveau"]')
    assert new.locator(".count").inner_text() == "23"  # 27 deals, 4 of them won
    essai = page.locator('.column[aria-label="Essai"]')
    assert essai.locator(".count").inner_text() == "0" and essai.locator(".column-total").inner_text() == "—"
    # A card dropped on « Essai »: both heads follow, from the server's figures.
    page.locator(".deal").first.drag_to(essai)
    page.wait_for_function("document.querySelector('.column[aria-label=\"Essai\"] .count').textContent === '1'")
    page.wait_for_function("document.querySelector('.column[aria-label=\"Essai\"] .column-total').textContent !== '—'")
    assert new.locator(".count").inner_text() == "22"
    _no_sideways_scroll(page, "the board")

    page.get_by_role("link", name="Toute l'équipe (9)").click()
    assert page.locator(".strip-table tbody tr").count() == 9
    page.get_by_role("link", name="Points perdus").click()  # sorted by points lost, most first
    assert page.locator(".strip-table thead th[aria-sort=descending]").inner_text().startswith("Points perdus")
    assert page.locator(".hint").get_attribute("title").startswith("1 point perdu par client créé")
    screenshot(page, "board-manager")

    page.goto("/sales/analytics/")
    page.wait_for_load_state("networkidle")
    table = page.evaluate("(() => { const t = document.querySelector('#conversion-table');"
                          " return [t.scrollWidth, t.parentElement.clientWidth]; })()")
    assert table[0] <= table[1], f"the conversion table is cut at 1366 px ({table[0]} px in {table[1]})"
    _no_sideways_scroll(page, "the analytics")
    assert page.get_by_role("link", name="Excel (XLSX)").first.is_visible()
    screenshot(page, "analytics-manager")

    page.set_viewport_size(PHONE)
    for path in ("/sales/", "/sales/analytics/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        _no_sideways_scroll(page, f"{path} on a phone")
    assert page.js_errors == []


def test_a_salesperson_reads_their_own_line_above_their_board(page, team, sign_in, screenshot):
    seller = team["sellers"][1]
    seller.set_password("Mot-de-passe-42")
    seller.save(update_fields=["password"])
    sign_in(page, seller)

    page.goto("/sales/")

    assert page.locator(".strip-table tbody tr").count() == 1
    assert page.locator('.column[aria-label="Nouveau"] .count').inner_text() == "2"
    screenshot(page, "board-salesperson")
