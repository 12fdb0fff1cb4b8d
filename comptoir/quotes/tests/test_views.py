"""The quote pages: the editor's live totals and saving, the card's quotes, accept, contract."""

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.customers.tests.factories import make_customer
from comptoir.quotes.models import Contract, Quote, QuoteVariant
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

EDITOR = {
    "title": "Printemps", "v0-name": "Comptant",
    "v0-l0-description": "VTT Outlander 700", "v0-l0-quantity": "2", "v0-l0-unit_price": "1 000,00",
    "v0-l0-discount_pct": "10", "v0-l0-unit_cost": "700",
    "v0-l1-description": "Treuil", "v0-l1-quantity": "1", "v0-l1-unit_price": "499,99",
    "v0-l1-discount_amount": "50", "v0-l1-unit_cost": "300",
    "v0-l2-description": "", "v0-l2-unit_price": "",
}


@pytest.fixture
def deal(admin, salesperson):
    pipeline = make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=True)
    return make_opportunity(salesperson, make_customer(salesperson), pipeline)


@pytest.fixture
def browser(salesperson):
    client = Client()
    client.force_login(salesperson)
    return client


def test_the_editor_shows_live_totals_with_a_low_margin_in_red(browser, deal):
    low = {**EDITOR, "v0-l0-unit_cost": "899.00"}  # margin (2249.99 − 2098.00) = 151.99, 6.76 % < 10 %

    page = browser.post(reverse("quote-editor-totals", args=[deal.pk]), EDITOR).content.decode()
    red = browser.post(reverse("quote-editor-totals", args=[deal.pk]), low).content.decode()

    assert "2\xa0586,93" in page and "24,44 %" in page and 'class="bad"' not in page
    assert "6,76 %" in red and 'class="bad"' in red


def test_saving_the_editor_creates_the_quote_and_skips_empty_lines(browser, deal):
    response = browser.post(reverse("quote-editor", args=[deal.pk]), EDITOR)

    assert response.status_code == 302
    variant = QuoteVariant.objects.get()
    assert (variant.lines.count(), str(variant.total)) == (2, "2586.93")


def test_a_refused_editor_keeps_what_was_typed(browser, deal):
    response = browser.post(reverse("quote-editor", args=[deal.pk]), {**EDITOR, "v0-l1-discount_amount": "600"})

    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="VTT Outlander 700"' in page and "dépasse" in page
    assert not Quote.objects.exists()


def test_the_card_lists_quotes_and_accepting_then_contracting_works(browser, deal):
    browser.post(reverse("quote-editor", args=[deal.pk]), EDITOR)
    quote, variant = Quote.objects.get(), QuoteVariant.objects.get()

    section = browser.get(reverse("opportunity-quotes", args=[deal.pk])).content.decode()
    browser.post(reverse("quote-variant-accept", args=[quote.pk, variant.pk]))
    browser.post(reverse("contract-new", args=[deal.pk]), {
        "variant": variant.pk, "trade_in_description": "Motoneige", "trade_in_allowance": "500,00",
        "trade_in_lien_payoff": "200", "deposit": "100"})
    after = browser.get(reverse("opportunity-quotes", args=[deal.pk])).content.decode()

    assert quote.number in section and "Accepter" in section
    assert QuoteVariant.objects.get().status == "accepted"
    assert str(Contract.objects.get().net_to_pay) == "2112.05"
    assert "2\xa0112,05" in after
    assert 'hx-get="/sales/opportunities/%d/quotes/"' % deal.pk in browser.get(
        reverse("opportunity-card", args=[deal.pk])).content.decode()


def test_the_editor_has_variant_tabs_that_work_without_javascript_too(browser, deal):
    page = browser.get(reverse("quote-editor", args=[deal.pk])).content.decode()

    # The tab bar starts hidden and editor.js fills it; without scripts every variant shows.
    assert 'id="variant-tabs" role="tablist"' in page and "hidden></div>" in page
    assert "quotes/editor.js" in page
    assert page.count('class="card variant"') == 1
