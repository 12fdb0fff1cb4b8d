"""Issue 22 in a real browser: a manager compares two records field by field, changes a choice and sees
what the kept record will keep change in place, merges, finds the other name and email on the kept card,
and undoes the merge from it. Neither page scrolls sideways on a phone.

Screenshots at 1366 and 390 pixels wide land in var/screenshots/merge-compare-*.png and
var/screenshots/merge-card-*.png for a person to look at."""

import pytest

from comptoir.config.tests.browser.test_sales_in_the_browser import overflowing
from comptoir.core.models import Tag
from comptoir.customers.models import Customer, Note
from comptoir.customers.tests.factories import make_customer

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits_a_phone(page, what):
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_load_state("networkidle")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{what} scrolls sideways on a phone ({width[0]} px for {width[1]}): " \
                                     f"{overflowing(page)}"
    page.set_viewport_size({"width": 1366, "height": 768})


def test_a_manager_merges_field_by_field_then_undoes_it(page, manager, sign_in, screenshot):
    # given: the pair, the accented compound name the newer record
    tag = Tag.objects.create(name="Motoneige")
    keep = make_customer(manager, first_name="Helene", last_name="Cote", no_email=True,
                         phones=[{"number": "819 555-0142"}], address_line1="12, rue des Érables", city="Magog",
                         postal_code="J1X 1A1", external_id="DMS-4410")
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay", email="helene.cote-tremblay@videotron.ca",
                          phones=[{"number": "819 555-0199 poste 4"}], address_line1="1475, chemin du Lac-Memphrémagog",
                          city="Saint-Benoît-du-Lac", postal_code="J0B 2M0", external_id="DMS-5521", tags=[tag.pk],
                          company="Les Entreprises Côté-Tremblay inc.")
    for body in ("Rappeler pour l'essai", "Veut un Skandic"):
        Note.objects.create(customer=other, author=manager, body=body)
    sign_in(page, manager)

    # when: the comparison, a choice changed
    page.goto(f"/customers/{keep.pk}/compare/{other.pk}/")
    expect(page.locator(".merge-fields")).to_contain_text("aucun courriel")
    expect(page.locator("#merge-summary")).to_contain_text("Helene Cote")
    with page.expect_response(lambda response: "compare" in response.url and response.request.method == "GET"):
        page.locator('input[name="keep_last_name"][value="survivor"]').check()
    expect(page.locator("#merge-summary")).to_contain_text("Hélène Côté-Tremblay")
    assert "nomail_" not in page.content()
    screenshot(page, "merge-compare")
    fits_a_phone(page, "the comparison")

    # when: merged
    with page.expect_navigation():
        page.get_by_role("button", name="Fusionner").click()

    # then: the kept card keeps what it does not show, and offers the undo
    assert page.url.endswith(f"/customers/{keep.pk}/")
    merges = page.locator("#merges")
    expect(merges).to_contain_text("Autres noms")
    expect(merges).to_contain_text("Hélène Côté-Tremblay")
    expect(page.locator("h1")).to_contain_text("Hélène Cote")
    expect(merges).to_contain_text("Autre adresse")
    screenshot(page, "merge-card")
    fits_a_phone(page, "the kept card")

    # when: undone
    with page.expect_navigation():
        merges.get_by_role("button", name="Annuler la fusion").click()

    # then
    expect(page.locator(".messages")).to_contain_text("Fusion annulée")
    assert Customer.objects.get(pk=other.pk).merged_into_id is None
    assert page.js_errors == []
