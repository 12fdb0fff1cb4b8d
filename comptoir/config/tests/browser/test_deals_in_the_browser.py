"""A sales manager creates a deal, works it and gives it to a salesperson in a real browser (Chromium
through Playwright, on the live server, issue 23, parts 2 and 5): the opportunity page answers who, what,
how much, which stage and what next on the first screen of a 1366×768 laptop; its tabs load in place and
each has its own link (that works without JavaScript too); « Modifier » changes the amount, the source and
the expected decision, the history shows each change old → new; « Réassigner » hands the deal over with
its open task, and the new salesperson gets the email.

Screenshots of the page at 1366 and 390 pixels wide land in var/screenshots/ (opportunity-*.png,
opportunity-history-*.png, opportunity-edit-*.png) for a person to look at.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.config.tests.browser.conftest import DESKTOP, TIMEOUT_MS
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.core.models import Source
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def first_screen(page, locator) -> bool:
    """Whether the element shows without scrolling: inside the viewport, top to bottom."""
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_a_manager_creates_a_deal_and_reassigns_it_in_the_browser(page, admin, manager, sign_in, screenshot,
                                                                  live_server, browser):
    pipeline = make_pipeline(admin, name="Bateaux", prefix="BA", stages=("Nouveau", "Essai", "Offre", "Signature"))
    salon = Source.objects.create(name="Salon du bateau", name_en="Boat show")
    marie = UserFactory(role="salesperson", first_name="Marie", last_name="Tremblay", language="fr-ca")
    customer = make_customer(manager, first_name="Gabrielle", last_name="Roy", email="gabrielle.roy@videotron.ca",
                             phones=[{"kind": "mobile", "number": "819 555-0142"}])

    # 1. the manager creates the deal from the customer's card
    sign_in(page, manager)
    page.goto(f"/customers/{customer.pk}/")
    section = page.locator("#opportunities")
    section.locator('[name="pipeline"]').select_option(label="Bateaux")
    section.locator('[name="product"]').fill("Ponton Princecraft Vectra 23")
    section.locator('[name="amount"]').fill("48 995,00")
    with page.expect_navigation(url=re.compile(r"/sales/opportunities/\d+/$")):
        section.get_by_role("button", name="Créer l'opportunité").click()
    deal = Opportunity.objects.get(customer=customer)
    assert (deal.pipeline, deal.salesperson, str(deal.amount)) == (pipeline, manager, "48995.00")
    page.wait_for_load_state("networkidle")

    # 2. the first screen answers who, what, how much, which stage, what next — and offers the status actions
    head = page.locator(".opp-head")
    expect(head.locator(".opp-fact", has_text="Client")).to_contain_text("Gabrielle Roy")
    expect(head.locator(".opp-fact", has_text="Client")).to_contain_text("(819) 555-0142")
    expect(head.locator(".opp-fact", has_text="Client")).to_contain_text("gabrielle.roy@videotron.ca")
    expect(head.locator(".opp-fact", has_text="Produit")).to_contain_text("Ponton Princecraft Vectra 23")
    expect(head.locator(".opp-fact", has_text="Montant")).to_contain_text(re.compile(r"48\s995,00\s\$"))
    expect(head.locator(".opp-fact", has_text="Vendeur")).to_contain_text(manager.display_name)
    expect(head.locator('.stage-track [aria-current="step"]')).to_have_text("Nouveau")
    expect(head.locator(".opp-next")).to_contain_text("Aucune tâche prévue")
    for shown in (head.locator(".opp-fact", has_text="Client"), head.locator(".opp-fact", has_text="Montant"),
                  head.locator(".opp-next"), head.locator(".stage-track"),
                  head.get_by_role("button", name="Perdue"), page.get_by_role("tab", name="Historique")):
        assert first_screen(page, shown), f"{shown} is below the first screen at 1366×768"

    # 3. a task from the « Tâches » tab: the tab loads in place, its link is in the address bar
    page.get_by_role("tab", name="Tâches").click()
    expect(page).to_have_url(re.compile(r"\?tab=tasks$"))
    expect(page.get_by_role("tab", name="Tâches")).to_have_attribute("aria-selected", "true")
    panel = page.locator("#opp-panel")
    panel.get_by_text("Ajouter une tâche").click()
    panel.get_by_label("Titre").fill("Rappeler pour l'essai sur l'eau")
    due = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    panel.get_by_label("Échéance").fill(due)
    with page.expect_navigation():
        panel.get_by_role("button", name="Ajouter").click()
    expect(page).to_have_url(re.compile(r"\?tab=tasks$"))
    expect(head.locator(".opp-next")).to_contain_text("Rappeler pour l'essai sur l'eau")
    expect(page.get_by_role("tab", name="Tâches")).to_contain_text("1")
    page.wait_for_load_state("networkidle")
    page.get_by_role("tab", name="Communications").click()
    expect(page.locator("#communications")).to_be_visible()
    page.get_by_role("tab", name="Tâches").click()  # the screenshots show the new tasks
    expect(page).to_have_url(re.compile(r"\?tab=tasks$"))
    screenshot(page, "opportunity")

    # 4. « Modifier »: the amount, the source and the expected decision; the history shows old → new
    page.get_by_role("link", name="Modifier").click()
    expect(page.locator("h1")).to_contain_text(f"Modifier {deal.number}")
    page.get_by_label("Montant").fill("47 500,00")
    page.get_by_label("Source").select_option(label="Salon du bateau")
    page.get_by_label("Décision attendue le").fill("2026-12-20")
    screenshot(page, "opportunity-edit")
    with page.expect_navigation(url=re.compile(rf"/sales/opportunities/{deal.pk}/$")):
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages .success")).to_have_text(f"Opportunité {deal.number} modifiée.")
    expect(head.locator(".opp-fact", has_text="Montant")).to_contain_text(re.compile(r"47\s500,00\s\$"))
    deal.refresh_from_db()
    assert (str(deal.amount), deal.source, str(deal.expected_decision_date)) == ("47500.00", salon, "2026-12-20")

    # 5. « Réassigner »: Marie gets the deal, its open task and an email
    page.get_by_text("Réassigner", exact=True).click()
    page.get_by_label("Nouveau vendeur").select_option(label="Marie Tremblay")
    with page.expect_navigation():
        page.get_by_role("button", name="Confier l'opportunité").click()
    expect(page.locator(".messages .success")).to_have_text("Opportunité confiée à Marie Tremblay.")
    expect(head.locator(".opp-fact", has_text="Vendeur")).to_contain_text("Marie Tremblay")
    deal.refresh_from_db()
    assert deal.salesperson == marie
    assert list(Task.objects.filter(opportunity=deal).values_list("assignee", flat=True)) == [marie.pk]
    assert [email.to for email in mail.outbox] == [[marie.email]]
    assert mail.outbox[0].subject == f"Opportunité {deal.number} confiée : Gabrielle Roy"

    # 6. the history, by its own link: each change with its old and new value
    page.get_by_role("tab", name="Historique").click()
    expect(page).to_have_url(re.compile(r"\?tab=history$"))
    history = page.locator("#opp-panel .timeline").first
    expect(history.locator("li", has_text="Opportunité réassignée").first).to_contain_text(
        f"{manager.display_name} → Marie Tremblay (1 tâche transférée)")
    edited = history.locator("> li", has_text="Opportunité modifiée").first
    expect(edited).to_contain_text(re.compile(r"Montant : 48\s995,00\s\$ → 47\s500,00\s\$"))
    expect(edited).to_contain_text("Source : — → Salon du bateau")
    expect(edited).to_contain_text("Décision attendue le : — → 2026-12-20")
    screenshot(page, "opportunity-history")

    # 7. the page fits a phone: the key facts before anything else, no sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sales/opportunities/{deal.pk}/")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"the opportunity page scrolls sideways on a phone: {overflowing(page)}"
    for shown in (head.locator(".opp-fact", has_text="Client"), head.locator(".opp-fact", has_text="Montant"),
                  head.locator(".opp-next")):
        assert first_screen(page, shown), f"{shown} is below the first screen at 390×844"
    assert not page.js_errors, page.js_errors

    # 8. without JavaScript, each tab is a plain link that opens the page on it
    plain = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="fr-CA",
                                java_script_enabled=False)
    try:
        bare = plain.new_page()
        bare.set_default_timeout(TIMEOUT_MS)
        sign_in(bare, manager)
        bare.goto(f"/sales/opportunities/{deal.pk}/")
        with bare.expect_navigation(url=re.compile(r"\?tab=history$")):
            bare.get_by_role("tab", name="Historique").click()
        expect(bare.locator("#opp-panel")).to_contain_text("Opportunité réassignée")
    finally:
        plain.close()
