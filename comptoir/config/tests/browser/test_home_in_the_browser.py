"""The home page in a real browser (Chromium through Playwright, on the live server): a salesperson
signs in and lands on their day, marks a task done in place; a manager lands on the team's month,
sorts it and opens the deals behind a figure. Neither page scrolls sideways on a phone.

Screenshots at 1366 and 390 pixels wide land in var/screenshots/home-salesperson-*.png and
var/screenshots/home-manager-*.png for a person to look at.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.activities.services import task_create
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.customers.tests.factories import make_customer
from comptoir.home.selectors import day_bounds
from comptoir.leads.services import lead_create
from comptoir.quotes.models import QuoteVariant
from comptoir.quotes.services import quote_create
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.walkins.tests.factories import make_walk_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def later_today():
    return day_bounds(timezone.localdate())[1] - timedelta(seconds=1)


def yesterday():
    return timezone.now() - timedelta(days=1)


def fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"the home page scrolls sideways on a phone ({width[0]} px for {width[1]}): " \
                                     f"{overflowing(page)}"
    page.set_viewport_size({"width": 1366, "height": 768})


@pytest.fixture
def dealership(admin, salesperson):
    """A month under way: the salesperson's deals (one won, one quoted thin), their day (a task
    overdue, a call and a test ride today, a lead to call back, a walk-in), two colleagues (Benoît
    no sale out of 2 deals, Chloé 2 out of 3 and a call overdue)."""
    reception = UserFactory(role="reception", department=None, first_name="Réjeanne", last_name="Accueil")
    pipeline = make_pipeline(admin, name="Motoneiges", prefix="MN", requires_quote=True)
    used = make_pipeline(admin, name="Occasions", prefix="OC", stages=("Nouveau", "Négociation"))
    customer = make_customer(salesperson, first_name="Marie-Ève", last_name="Bouchard-Deschamps",
                             email="marie-eve.bouchard@videotron.ca", phones=[{"number": "819 555-0142"}])
    thin = make_opportunity(salesperson, customer, pipeline, product="Ski-Doo Summit X 850")
    quote = quote_create(actor=salesperson, opportunity_id=thin.pk, variants=[{"name": "Comptant", "lines": [
        {"description": "Ski-Doo Summit X 850", "quantity": "1", "unit_price": "21499.00", "unit_cost": "20300.00"}]}])
    QuoteVariant.objects.filter(quote=quote).update(status="sent", sent_at=timezone.now())
    sold = make_opportunity(salesperson, make_customer(salesperson, first_name="Luc", last_name="Gagnon",
                                                       email="luc.gagnon@cooptel.qc.ca"), used, amount="8500.00")
    Opportunity.objects.filter(pk=sold.pk).update(status="won", closed_at=timezone.now(), cost="7000.00")
    make_customer(salesperson, first_name="Sans", last_name="Courriel")  # the ratio falls under the target
    task_create(actor=salesperson, title="Rappeler pour l'essai", due_at=yesterday(), opportunity=thin.pk)
    task_create(actor=salesperson, title="Confirmer le financement", due_at=later_today(), customer=customer.pk)
    task_create(actor=salesperson, title="Essai routier", due_at=later_today(), type="meeting", opportunity=thin.pk)
    lead_create(actor=salesperson, first_name="Paul", last_name="Dion", next_contact_at=yesterday(),
                phones=[{"number": "819 555-0101"}])
    make_walk_in(reception, salesperson=salesperson, new_customer={
        "first_name": "Lise", "last_name": "Paquette", "email": "lise.paquette@videotron.ca"})
    colleagues = [UserFactory(first_name="Benoît", last_name="Lavoie"),
                  UserFactory(first_name="Chloé", last_name="Tremblay-Fortin")]
    for person, deals, sales in ((colleagues[0], 2, 0), (colleagues[1], 3, 2)):
        for i in range(deals):
            deal = make_opportunity(person, make_customer(person, first_name=f"Client{i}",
                                                          email=f"{person.username}.{i}@courriel.ca"), used)
            if i < sales:
                Opportunity.objects.filter(pk=deal.pk).update(status="won", closed_at=timezone.now())
    task_create(actor=colleagues[1], title="Retourner l'appel", due_at=yesterday())
    return {"thin": thin, "sold": sold, "colleagues": colleagues}


def test_a_salesperson_lands_on_their_day_and_marks_a_task_done_in_place(
        page, salesperson, dealership, sign_in, screenshot):
    # when the salesperson signs in, they land on their day
    sign_in(page, salesperson)
    assert page.url.endswith("/")
    expect(page.locator("h1")).to_contain_text(f"Bonjour, {salesperson.display_name}")
    expect(page.locator("#tasks")).to_contain_text("Rappeler pour l'essai")
    expect(page.locator("#tasks")).to_contain_text("Confirmer le financement")
    expect(page.locator("#appointments")).to_contain_text("Essai routier")
    expect(page.locator("#leads")).to_contain_text("Paul Dion")
    expect(page.locator("#walk-ins")).to_contain_text("Lise Paquette")
    expect(page.locator(".kpi.below-target").first).to_be_visible()  # their email ratio, under 75 %
    fits_a_phone(page)
    screenshot(page, "home-salesperson")

    # « Fait » on the overdue task: the row turns done where it is, the page does not reload
    task = Task.objects.get(title="Rappeler pour l'essai")
    row = page.locator(f"#task-{task.pk}")
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name="Fait").click()
    expect(page.locator(f"#task-{task.pk}.done")).to_contain_text("✓")
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("Tâche faite.")
    assert page.evaluate("window.notReloaded") is True
    task.refresh_from_db()
    assert task.done_at is not None

    # the next page shows no leftover message, and the task is gone from the day
    page.goto("/")
    expect(page.locator("#tasks")).not_to_contain_text("Rappeler pour l'essai")
    expect(page.locator(".messages")).to_have_count(0)
    assert page.js_errors == []


def test_a_manager_lands_on_the_teams_month_and_opens_the_deals_behind_a_figure(
        page, salesperson, dealership, sign_in, screenshot):
    manager = UserFactory(role="sales_manager", first_name="Denise", last_name="Directrice")
    thin, sold = dealership["thin"], dealership["sold"]

    sign_in(page, manager)
    team = page.locator("#team table")
    expect(team).to_contain_text(salesperson.display_name)
    expect(team).to_contain_text("Tremblay-Fortin")
    expect(page.locator("#today")).to_contain_text(thin.number)
    expect(page.locator("#today")).to_contain_text("1 199,00 $ (5,58 %)")  # 1 199 / 21 499 = 5,577 %
    fits_a_phone(page)
    screenshot(page, "home-manager")

    # sorted by sales, largest first
    team.get_by_role("link", name="Ventes", exact=True).click()
    expect(page.locator("#team th[aria-sort=descending]")).to_contain_text("Ventes")
    names = page.locator("#team tbody th .name").all_inner_texts()
    assert names[:2] == ["Chloé Tremblay-Fortin", salesperson.display_name]
    assert names.index("Benoît Lavoie") > 1

    # the salesperson's sales open the deals behind them
    line = page.locator("#team tbody tr", has_text=salesperson.display_name)
    with page.expect_navigation(url=re.compile(r"/sales/analytics/deals/")):
        line.locator("td").nth(1).get_by_role("link").click()
    expect(page.locator("table")).to_contain_text(sold.number)
    expect(page.locator("table tbody tr")).to_have_count(1)

    # the overdue count opens that salesperson's list
    page.goto("/")
    chloe = page.locator("#team tbody tr", has_text="Tremblay-Fortin")
    chloe.locator("td").last.get_by_role("link").click()
    expect(page.locator("#overdue-list")).to_contain_text("Retourner l'appel")
    assert page.js_errors == []
