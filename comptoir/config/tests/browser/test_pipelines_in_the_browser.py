"""A sales manager sets up a sales process in a real browser (Chromium through Playwright, on the live
server, issue 23): from « Plus ▾ » to « Processus de vente », a new pipeline with four stages, two of them
put in the right order by dragging one, the keyboard's arrows, then a deal created in it that starts in its
first stage and shows on its board. The pipeline's page fits a phone.

Screenshots of the list and of the pipeline's page at 1366 and 390 pixels wide land in var/screenshots/
(pipelines-list-*.png, pipelines-edit-*.png) for a person to look at.
"""

import re

import pytest

from comptoir.accounts.tests.factories import LocationFactory
from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity, Pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TYPED = ["Nouveau", "Cotation", "Essai sur l'eau", "Négociation"]  # « Essai » typed one line too low
WANTED = ["Nouveau", "Essai sur l'eau", "Cotation", "Négociation"]


def stage_row(page, name):
    return page.locator(".stage-list > .stage-row", has=page.locator(f'input[name="name"][value="{name}"]'))


def stage_names_shown(page) -> list[str]:
    return page.locator(".stage-list > .stage-row input[name='name']").evaluate_all(
        "(inputs) => inputs.map((input) => input.value)")


def test_a_manager_sets_up_a_pipeline_and_sells_through_it_in_the_browser(page, manager, sign_in, screenshot):
    store = LocationFactory(name="Magog", name_en="Magog")
    customer = make_customer(manager, first_name="Gabrielle", last_name="Roy", email="gabrielle.roy@videotron.ca")

    # 1. the manager reaches « Processus de vente » from the topbar's « Plus » menu
    sign_in(page, manager)
    page.locator("details.more summary").click()
    page.get_by_role("link", name="Processus de vente").click()
    expect(page.locator("h1")).to_have_text("Processus de vente")

    # 2. a new pipeline: name, prefix, quotes, a store, four stages typed one a line
    page.get_by_role("link", name="Nouveau processus").click()
    screenshot(page, "pipelines-new")
    page.locator('[name="name"]').fill("Bateaux")
    page.get_by_label("Préfixe des numéros").fill("ba")
    page.get_by_label("Exige une cotation").uncheck()
    page.get_by_label("Magog").check()
    page.get_by_label("Étapes, une par ligne, dans l'ordre").fill("\n".join(TYPED))
    with page.expect_navigation(url=re.compile(r"/sales/pipelines/\d+/$")):
        page.get_by_role("button", name="Créer le processus").click()
    expect(page.locator(".messages .success")).to_have_text("Processus de vente « Bateaux » créé.")
    pipeline = Pipeline.objects.get(name="Bateaux")
    assert (pipeline.prefix, pipeline.requires_quote, list(pipeline.locations.all())) == ("BA", False, [store])
    assert stage_names_shown(page) == TYPED

    # 3. « Essai sur l'eau » dragged above « Cotation »: the order is saved, the page shows it
    page.wait_for_load_state("networkidle")  # pipelines.js
    with page.expect_response(lambda r: r.url.endswith(f"/sales/pipelines/{pipeline.pk}/stages/order/")) as saved:
        stage_row(page, "Essai sur l'eau").locator(".stage-grip").drag_to(
            stage_row(page, "Cotation"), target_position={"x": 40, "y": 4})
    assert saved.value.status == 204, saved.value.text()
    expect(page.locator(".messages .success")).to_have_text("Ordre des étapes enregistré.")
    assert stage_names_shown(page) == WANTED
    assert list(pipeline.stages.order_by("order").values_list("name", flat=True)) == WANTED

    # ... and from the keyboard, « Négociation » up one and back down with its arrows (no drag needed)
    stage_row(page, "Négociation").get_by_role("button", name="Monter « Négociation »").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert stage_names_shown(page) == ["Nouveau", "Essai sur l'eau", "Négociation", "Cotation"]
    with page.expect_navigation():
        stage_row(page, "Négociation").get_by_role("button", name="Descendre « Négociation »").click()
    assert stage_names_shown(page) == WANTED
    expect(stage_row(page, "Nouveau").get_by_role("button", name="Archiver")).to_be_disabled()  # the first stage

    # the list shows the pipeline with its stages in their order
    page.get_by_role("link", name="Processus de vente").first.click()
    expect(page.locator(".pipeline-item", has_text="Bateaux").locator(".pipeline-stages li")).to_have_text(WANTED)
    screenshot(page, "pipelines-list")

    # 4. a deal created in it from the customer's card starts in its first stage, numbered BA-…
    page.goto(f"/customers/{customer.pk}/")
    section = page.locator("#opportunities")
    section.locator('[name="pipeline"]').select_option(label="Bateaux")
    section.locator('[name="product"]').fill("Ponton Princecraft Vectra 23")
    with page.expect_navigation(url=re.compile(r"/opportunities/\d+/$")):
        section.get_by_role("button", name="Créer l'opportunité").click()
    page.wait_for_load_state("networkidle")
    deal = Opportunity.objects.get(customer=customer)
    assert (deal.pipeline, deal.stage.name, deal.number[:3]) == (pipeline, "Nouveau", "BA-")
    # ... and its board has the columns in the new order, the deal in the first
    page.goto(f"/sales/?pipeline={pipeline.pk}")
    expect(page.locator(".board section.column h2")).to_have_text([re.compile(rf"^{name}") for name in WANTED])
    expect(page.locator('.board section.column[aria-label="Nouveau"] .deal')).to_have_count(1)

    # 5. back on the pipeline's page: « Nouveau » counts the deal and can no longer be removed; « Négociation »,
    # never used, is archived, then shown as such
    page.goto(f"/sales/pipelines/{pipeline.pk}/")
    expect(stage_row(page, "Nouveau").locator(".stage-counts")).to_contain_text("1 ouverte")
    expect(stage_row(page, "Nouveau").get_by_role("button", name="Supprimer")).to_have_count(0)
    with page.expect_navigation():
        stage_row(page, "Négociation").get_by_role("button", name="Archiver").click()
    expect(page.locator(".messages .success")).to_have_text("Étape archivée.")
    expect(stage_row(page, "Négociation")).to_have_class(re.compile(r"\barchived\b"))
    screenshot(page, "pipelines-edit")

    # 6. the pipeline's page fits a phone: no sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"the pipeline's page scrolls sideways on a phone: {overflowing(page)}"
    assert page.js_errors == []
