"""Issue 22 in a real browser: a lead with notes is converted from its card, in one form, into a
customer and an opportunity; the notes are on the customer's card. The card and the list fit a
phone. Screenshots land in var/screenshots/leads-*.png for a person to look at."""

import pytest

from comptoir.config.tests.browser.test_customers_in_the_browser import fits_a_phone
from comptoir.core.models import Source
from comptoir.customers.models import Customer
from comptoir.leads.services import lead_create
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_pipeline

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why: a skip, or a failure where the tests are required
    expect = None

# The live server answers from another thread: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_lead_with_notes_becomes_a_customer_and_an_opportunity(page, admin, salesperson, sign_in, screenshot):
    # given a lead with notes and a source, and a sales process
    pipeline = make_pipeline(admin, name="Véhicules neufs", prefix="VN")
    source = Source.objects.filter(active=True).first()
    lead = lead_create(actor=salesperson, first_name="Luc", last_name="Roy", email="luc.roy@videotron.ca",
                       phones=[{"number": "819 555-0111 poste 4"}], source=source.pk,
                       notes="Veut essayer la GTI 130 avant le 15")
    sign_in(page, salesperson)

    # when the salesperson converts it from its card with an opportunity
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("dd", has_text="(819) 555-0111, poste 4")).to_be_visible()
    form = page.locator(".lead-convert form")
    expect(form.locator('[name="with_opportunity"]')).to_be_checked()
    form.locator('[name="pipeline"]').select_option(str(pipeline.pk))
    form.locator('[name="product"]').fill("GTI 130")
    form.locator('[name="amount"]').fill("15999.00")
    screenshot(page, "leads-convert")
    form.get_by_role("button", name="Convertir").click()

    # then the opportunity's card opens; the customer carries the lead's notes
    opportunity = Opportunity.objects.get()
    customer = Customer.objects.get()
    expect(page).to_have_url(f"/sales/opportunities/{opportunity.pk}/")
    assert (opportunity.customer_id, opportunity.product, str(opportunity.amount)) == (customer.pk, "GTI 130",
                                                                                     "15999.00")
    assert opportunity.source == source and customer.source == source
    page.goto(f"/customers/{customer.pk}/")
    expect(page.get_by_text("Veut essayer la GTI 130 avant le 15")).to_be_visible()


def test_the_lead_list_and_card_fit_a_phone(page, salesperson, sign_in, screenshot):
    lead = lead_create(actor=salesperson, first_name="Julie", last_name="Gagnon-Bérubé", email="",
                       source=Source.objects.filter(active=True).first().pk, notes="Rappeler après 17 h")
    sign_in(page, salesperson)

    page.goto("/leads/?owner=none")
    fits_a_phone(page, "the lead list")
    screenshot(page, "leads-list")
    page.goto(f"/leads/{lead.pk}/")
    fits_a_phone(page, "the lead card")
    screenshot(page, "leads-card")
