"""The desk's page on a deal (issue 26), through Django's test client: who opens it, the grid recomputed from
the form (test_desk.py's worked example: 503,56 a month), a refusal shown beside its field, rate fields and
gross for managers only, and a chosen cell kept as a sheet with its quote variant."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.catalog.services import inventory_unit_save
from comptoir.customers.tests.factories import make_customer
from comptoir.desk import services
from comptoir.desk.models import DeskSheet
from comptoir.quotes.models import QuoteVariant
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def deal(admin, salesperson):
    pipeline = make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=True)
    inventory_unit_save(actor=admin, serial="1M8GDM9AXKP042788", stock_number="S-200", year=2026, make="Ski-Doo",
                        model="MXZ X-RS", price="30000.00", cost="24000.00")
    return make_opportunity(salesperson, make_customer(salesperson), pipeline, unit="S-200")


@pytest.fixture
def programs(admin):
    finance = services.program_save(actor=admin, values={"lender": "Banque Laurentienne", "name": "Neufs 2026",
                                                         "kind": "finance"},
                                    terms=[{"term": 60, "apr": "5.99"}, {"term": 72, "apr": "6.99"},
                                           {"term": 84, "apr": "7.49"}])
    lease = services.program_save(actor=admin, values={"lender": "BRP Finance", "name": "Location 2026",
                                                       "kind": "lease"},
                                  terms=[{"term": 36, "apr": "3.9", "residual_16000": "60"},
                                         {"term": 48, "apr": "4.9", "residual_16000": "55"}])
    return finance, lease


@pytest.fixture
def items(admin):
    return {"freight": services.item_save(actor=admin, values={"kind": "fee", "name": "Transport et PDI",
                                                               "price": "1000.00"}),
            "rdprm": services.item_save(actor=admin, values={"kind": "fee", "name": "RDPRM", "price": "100.00",
                                                             "taxable": False}),
            "warranty": services.item_save(actor=admin, values={"kind": "product", "name": "Garantie prolongée",
                                                                "price": "1500.00", "cost": "600.00"})}


def _form(deal, programs, items, **changes):
    """The page's form as a person fills it: test_desk.py's worked example (the unit at 30 000, freight
    1 000 taxable, RDPRM 100 untaxed, a trade-in of 8 000 owing 5 000, 2 000 down, 6,99 % over 72 months)."""
    form = {"selling_price": "30000,00", "msrp": "30000", "acc-0-description": "", "acc-0-price": "",
            "acc-0-cost": "", "trade_description": "2019 Ski-Doo MXZ", "trade_vin": "", "trade_allowance": "8 000",
            "trade_lien_payoff": "5000", "item": [items["freight"].pk, items["rdprm"].pk],
            f"item-{items['freight'].pk}-price": "1000,00", f"item-{items['rdprm'].pk}-price": "100",
            "cash_down": ["0", "2000", "5000"], "finance_program": programs[0].pk,
            "finance_term": ["60", "72", "84"], "lease_program": programs[1].pk, "lease_term": ["36", "48", ""],
            "kilometres": "16000", "frequency": "monthly"}
    form.update(changes)
    return form


def _page(deal):
    return reverse("desk-page", args=[deal.pk])


def test_the_deals_salesperson_opens_its_desk_on_the_units_price_and_another_salesperson_gets_a_404(
        client, salesperson, deal, programs, items):
    client.force_login(salesperson)

    response = client.get(_page(deal))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="selling_price" value="30000,00"' in page
    assert f"30{NBSP}000,00{NBSP}$" in page  # the cash grid, in the user's format
    assert 'class="desk-cell' in page and 'value="finance:72:2000.00"' in page
    client.force_login(UserFactory(role="salesperson"))
    assert client.get(_page(deal)).status_code == 404
    assert client.post(reverse("desk-grid", args=[deal.pk]), _form(deal, programs, items)).status_code == 404


def test_a_posted_form_recomputes_the_worked_example_to_the_cent(client, salesperson, deal, programs, items):
    client.force_login(salesperson)

    plain = client.post(_page(deal), _form(deal, programs, items, recalculate="1"))
    live = client.post(reverse("desk-grid", args=[deal.pk]), _form(deal, programs, items))

    for response in (plain, live):
        assert response.status_code == 200
        page = response.content.decode()
        assert f"503,56{NBSP}${NBSP}" in page or f"503,56{NBSP}$<small>" in page
        assert f"29{NBSP}544,25{NBSP}$" in page and f"6{NBSP}712,07{NBSP}$" in page  # financed, cost of credit
        assert f"31{NBSP}544,25{NBSP}$" in page  # the cash price
    assert not DeskSheet.objects.exists()


def test_bad_input_is_shown_beside_its_field_and_nothing_fails(client, salesperson, deal, programs, items):
    client.force_login(salesperson)

    plain = client.post(_page(deal), _form(deal, programs, items, cash_down=["0", "deux mille", ""]))
    live = client.post(reverse("desk-grid", args=[deal.pk]), _form(deal, programs, items, selling_price="-5"))

    assert plain.status_code == 422
    assert f'id="error-cash_down-1">{services.BAD_AMOUNT}<' in plain.content.decode()
    assert live.status_code == 200  # htmx swaps what succeeds: the refusal is shown, not dropped
    assert f'<span id="error-selling_price" hx-swap-oob="innerHTML">{services.NEGATIVE}</span>' in \
        live.content.decode()
    assert not DeskSheet.objects.exists()


def test_payment_first_answers_the_highest_price_and_puts_it_in_the_form(client, salesperson, deal, programs,
                                                                           items):
    client.force_login(salesperson)
    target = {"target_payment": "450", "target_kind": "finance", "target_term": "72", "target_cash_down": "2000"}

    live = client.post(reverse("desk-grid", args=[deal.pk]), _form(deal, programs, items, **target))

    page = live.content.decode()
    assert live.status_code == 200 and 'name="use_price"' in page
    price = page.split('name="use_price" value="')[1].split('"')[0]
    checked = client.post(reverse("desk-grid", args=[deal.pk]), _form(deal, programs, items, selling_price=price))
    assert f"450,00{NBSP}$" in page and D(price) < D("30000")
    cell = checked.content.decode().split('value="finance:72:2000.00"')[1].split("</button>")[0]
    payment = D(cell.split('class="desk-pay">')[1].split(NBSP + "$")[0].replace(NBSP, "").replace(",", "."))
    assert payment <= D("450.00")
    put = client.post(_page(deal), _form(deal, programs, items, use_price=price, **target))
    assert f'name="selling_price" value="{price.replace(".", ",")}"' in put.content.decode()


def test_a_salesperson_never_sees_rate_fields_nor_gross_a_manager_does(client, salesperson, manager, deal, programs,
                                                                         items):
    form = _form(deal, programs, items, item=[items["warranty"].pk])

    client.force_login(salesperson)
    page = client.post(_page(deal), {**form, "finance_apr": "1.99"}).content.decode()
    assert 'name="finance_apr"' not in page and 'name="lease_apr"' not in page
    assert "desk-gross" not in page and "Profit brut" not in page
    assert "rate_changed" not in page  # a rate slipped into the form is not the salesperson's: the program's

    client.force_login(manager)
    page = client.post(_page(deal), {**form, "finance_apr": "3,99"}).content.decode()
    assert 'name="finance_apr"' in page and 'name="lease_apr"' in page
    assert "desk-gross" in page and f"6{NBSP}000,00{NBSP}$" in page and f"900,00{NBSP}$" in page  # front, back
    assert "desk-cell rate_changed" in page and "3,99" in page


def test_choosing_a_cell_keeps_a_sheet_and_makes_its_quote_variant(client, salesperson, deal, programs, items):
    client.force_login(salesperson)

    response = client.post(_page(deal), _form(deal, programs, items, choice="finance:72:2000.00"))

    assert response.status_code == 302
    assert response["Location"] == reverse("opportunity-card", args=[deal.pk]) + "?tab=quotes"
    sheet = DeskSheet.objects.get(opportunity=deal)
    assert (sheet.number, sheet.created_by, sheet.choice["payment"]) == (1, salesperson, "503.56")
    variant = QuoteVariant.objects.get(pk=sheet.variant_id)
    assert variant.financing["kind"] == "finance" and variant.financing["term"] == 72
    sheets = client.get(reverse("desk-sheets", args=[deal.pk])).content.decode()
    assert "Financement 72 mois" in sheets and f"503,56{NBSP}$" in sheets and variant.name in sheets


def test_keeping_without_a_choice_makes_no_quote_and_a_bad_choice_is_refused(client, salesperson, deal, programs,
                                                                             items):
    client.force_login(salesperson)

    kept = client.post(_page(deal), _form(deal, programs, items, keep="1"))
    refused = client.post(_page(deal), _form(deal, programs, items, choice="finance:99:2000.00"))

    assert kept.status_code == 302 and kept["Location"].endswith("?tab=desk")
    assert refused.status_code == 422 and str(services.BAD_CHOICE) in refused.content.decode()
    sheet = DeskSheet.objects.get(opportunity=deal)
    assert sheet.variant_id is None and sheet.choice == {}


def test_a_kept_sheet_prints_its_worksheet_and_is_sent_to_the_customer(client, salesperson, deal, programs, items):
    client.force_login(salesperson)
    client.post(_page(deal), _form(deal, programs, items, choice="finance:72:2000.00"))
    sheet = DeskSheet.objects.get(opportunity=deal)

    listed = client.get(reverse("desk-sheets", args=[deal.pk])).content.decode()
    pdf = client.get(reverse("desk-sheet-pdf", args=[deal.pk, sheet.pk]))
    sent = client.post(reverse("desk-sheet-send", args=[deal.pk, sheet.pk]), {"to": "gabrielle.roy@videotron.ca"})

    assert reverse("desk-sheet-pdf", args=[deal.pk, sheet.pk]) in listed
    assert reverse("desk-sheet-send", args=[deal.pk, sheet.pk]) in listed
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert sent.status_code == 302 and sent["Location"].endswith("?tab=desk")
    sheet.refresh_from_db()
    assert sheet.sent_to == "gabrielle.roy@videotron.ca" and sheet.sent_at is not None
    client.force_login(UserFactory(role="salesperson"))
    assert client.get(reverse("desk-sheet-pdf", args=[deal.pk, sheet.pk])).status_code == 404
    assert client.post(reverse("desk-sheet-send", args=[deal.pk, sheet.pk]), {"to": "x@example.com"}).status_code \
        == 404
