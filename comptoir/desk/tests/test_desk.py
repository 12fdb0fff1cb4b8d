"""The desk on a deal and through the API (issue 26): programs, fees, F&I products and rebates priced as
docs/DESIGN.md « Desk » says (the worked figures are test_payments.py's, checked by hand there), who sees
the gross and changes a rate, and a chosen cell kept as a sheet that becomes a quote variant."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.catalog.services import inventory_unit_save
from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.customers.tests.factories import make_customer
from comptoir.desk import selectors, services
from comptoir.desk.models import DeskSheet, LenderProgram
from comptoir.quotes.models import QuoteVariant
from comptoir.quotes.services import contract_create, quote_variant_accept
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=True)


@pytest.fixture
def unit(admin):
    return inventory_unit_save(actor=admin, serial=VIN, stock_number="S-200", year=2026, make="Ski-Doo",
                               model="MXZ X-RS", price="30000.00", cost="24000.00")


@pytest.fixture
def programs(admin):
    finance = services.program_save(actor=admin, values={"lender": "Banque Laurentienne", "name": "Neufs 2026",
                                                         "kind": "finance", "condition": "new",
                                                         "makes": "Ski-Doo, Sea-Doo", "year_from": 2025},
                                    terms=[{"term": 60, "apr": "5.99"}, {"term": 72, "apr": "6.99"},
                                           {"term": 84, "apr": "7.49"}])
    lease = services.program_save(actor=admin, values={"lender": "BRP Finance", "name": "Location 2026",
                                                       "kind": "lease"},
                                  terms=[{"term": 48, "apr": "4.9", "residual_16000": "55",
                                          "residual_24000": "49"}])
    return finance, lease


@pytest.fixture
def items(admin, pipeline):
    return {"freight": services.item_save(actor=admin, values={"kind": "fee", "name": "Transport et PDI",
                                                               "price": "1000.00"}, pipelines=[pipeline.pk]),
            "rdprm": services.item_save(actor=admin, values={"kind": "fee", "name": "RDPRM", "price": "100.00",
                                                             "taxable": False}),
            "warranty": services.item_save(actor=admin, values={"kind": "product", "name": "Garantie prolongée",
                                                                "price": "1500.00", "cost": "600.00"}),
            "rebate": services.item_save(actor=admin, values={"kind": "rebate", "name": "Rabais du fabricant",
                                                              "price": "500.00", "after_tax": True})}


@pytest.fixture
def deal(salesperson, pipeline, unit):
    return make_opportunity(salesperson, make_customer(salesperson), pipeline, unit=unit.pk)


def _desk(actor, deal, **raw):
    opening = selectors.desk_opening(actor=actor, opportunity=deal)
    entered = {**opening["raw"], **raw}
    return services.desk_of(actor=actor, opening=opening, raw=entered)


def _cell(result, kind, term, down):
    return next(c for c in result[kind] if c["term"] == term and c["cash_down"] == D(down))


def test_the_desk_opens_on_the_units_price_the_pipelines_fees_and_the_lowest_rate_programs(
        salesperson, deal, programs, items):
    opening = selectors.desk_opening(actor=salesperson, opportunity=deal)

    raw = opening["raw"]
    assert (raw["selling_price"], raw["msrp"]) == (D("30000.00"), D("30000.00"))
    assert raw["items"] == [{"id": items["freight"].pk}]  # the pipeline's default fee only
    assert (raw["finance_program"], raw["lease_program"]) == (programs[0].pk, programs[1].pk)
    assert raw["finance_terms"] == [60, 72, 84] and raw["lease_terms"] == [48]
    assert "MXZ X-RS" in opening["description"] and opening["unit_cost"] == D("24000.00")


def test_the_deals_grid_adds_fees_and_the_trade_in_as_design_says(salesperson, deal, programs, items):
    # test_payments.test_finance_with_a_trade_in_and_its_lien's figures, entered as a salesperson does:
    # the unit at 30 000, freight 1 000 (taxable), RDPRM 100 (untaxed), a trade-in of 8 000 owing 5 000,
    # 2 000 down at the program's 6,99 % over 72 months → 503,56 a month, 6 712,07 of credit.
    desk = _desk(salesperson, deal, items=[{"id": items["freight"].pk}, {"id": items["rdprm"].pk}],
                 trade_in={"description": "2019 Ski-Doo MXZ", "allowance": "8000", "lien_payoff": "5000"},
                 cash_downs=["0", "2000", "5000"])

    result = services.desk_result(actor=salesperson, desk=desk)

    assert (result["taxable"], result["tps"], result["tvq"]) == (D("23000.00"), D("1150.00"), D("2294.25"))
    assert result["cash_price"] == D("31544.25")
    cell = _cell(result, "finance", 72, "2000")
    assert (cell["amount_financed"], cell["payment"], cell["cost_of_credit"]) == (
        D("29544.25"), D("503.56"), D("6712.07"))
    assert (cell["apr"], cell["rate_changed"], cell["payments"]) == (D("6.990"), False, 72)
    assert len(result["finance"]) == 9 and "gross" not in result


def test_a_lease_cell_takes_the_programs_residual_at_the_yearly_kilometres(salesperson, deal, programs, items):
    # test_payments.test_lease_with_its_residual_and_taxes_on_each_payment: 40 000 (39 500 and a 500
    # accessory) on an MSRP of 42 000, 55 % at 48 months and 16 000 km, 4,9 %, a 500 fee, 3 000 down →
    # 487,00 taxes included.
    entered = {"selling_price": "39500", "msrp": "42000", "cash_downs": ["3000"],
               "items": [{"id": items["freight"].pk, "price": "500"}],
               "accessories": [{"description": "Attache", "price": "500", "cost": "200"}]}

    cell = services.desk_result(actor=salesperson, desk=_desk(salesperson, deal, **entered))["lease"][0]

    assert (cell["residual"], cell["cap_cost"], cell["base"], cell["payment"]) == (
        D("23100.00"), D("37500.00"), D("423.57"), D("487.00"))
    further = _desk(salesperson, deal, **entered, kilometres=24000)
    assert services.desk_result(actor=salesperson, desk=further)["lease"][0]["residual_pct"] == D("49.00")


def test_an_after_tax_rebate_counts_as_cash_down_and_a_product_as_a_taxable_charge(salesperson, deal, programs,
                                                                                      items):
    plain = _desk(salesperson, deal, items=[], cash_downs=["500"])
    with_both = _desk(salesperson, deal, items=[{"id": items["rebate"].pk}, {"id": items["warranty"].pk}],
                      cash_downs=["0"])
    same_as_product = _desk(salesperson, deal, selling_price="30000", items=[], cash_downs=["500"],
                            accessories=[{"description": "Garantie", "price": "1500"}])

    got = _cell(services.desk_result(actor=salesperson, desk=with_both), "finance", 60, "0")
    expected = _cell(services.desk_result(actor=salesperson, desk=same_as_product), "finance", 60, "500")
    assert got["amount_financed"] == expected["amount_financed"] and got["payment"] == expected["payment"]
    assert _cell(services.desk_result(actor=salesperson, desk=plain), "finance", 60, "500")["payment"] \
        < got["payment"]


def test_an_expired_program_or_one_for_other_units_is_not_offered(admin, salesperson, deal, programs):
    yesterday = timezone.localdate() - timedelta(days=1)
    services.program_save(actor=admin, values={"valid_to": yesterday}, program_id=programs[1].pk)
    services.program_save(actor=admin, values={"lender": "Desjardins", "name": "Occasion", "kind": "finance",
                                               "condition": "used"}, terms=[{"term": 60, "apr": "8.99"}])
    services.program_save(actor=admin, values={"lender": "TD", "name": "Polaris", "kind": "finance",
                                               "makes": "Polaris"}, terms=[{"term": 60, "apr": "1.99"}])

    offered = selectors.desk_opening(actor=salesperson, opportunity=deal)["programs"]

    assert [p.name for p in offered] == ["Neufs 2026"]
    with pytest.raises(ApplicationError) as refused:
        _desk(salesperson, deal, lease_program=programs[1].pk)
    assert refused.value.field == "lease_program"


def test_a_salesperson_cannot_change_a_programs_rate_a_manager_can_and_the_cell_says_so(
        salesperson, manager, deal, programs):
    with pytest.raises(Forbidden):
        _desk(salesperson, deal, finance_apr="3.99")

    cell = _cell(services.desk_result(actor=manager, desk=_desk(manager, deal, finance_apr="3.99")), "finance",
                 60, "0")
    assert (cell["apr"], cell["rate_changed"]) == (D("3.99"), True)


def test_the_gross_is_shown_to_managers_only(salesperson, manager, deal, programs, items):
    entered = {"items": [{"id": items["warranty"].pk}], "accessories": [
        {"description": "Attache", "price": "500", "cost": "200"}]}

    assert "gross" not in services.desk_result(actor=salesperson, desk=_desk(salesperson, deal, **entered))
    gross = services.desk_result(actor=manager, desk=_desk(manager, deal, **entered))["gross"]
    # front = 30 000 − 24 000 + (500 − 200) = 6 300; back = 1 500 − 600 = 900
    assert (gross["front"], gross["back"], gross["total"]) == (D("6300.00"), D("900.00"), D("7200.00"))


def test_choosing_a_cell_keeps_a_sheet_and_makes_a_quote_variant_whose_contract_nets_the_amount_financed(
        salesperson, deal, programs, items):
    desk = _desk(salesperson, deal, items=[{"id": items["freight"].pk}, {"id": items["rdprm"].pk}],
                 trade_in={"description": "2019 Ski-Doo MXZ", "vin": "2bpsuaab0kv00000x", "allowance": "8000",
                           "lien_payoff": "5000"}, cash_downs=["0", "2000"])

    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk, desk=desk,
                                     choice={"kind": "finance", "term": 72, "cash_down": "2000"})

    assert (sheet.number, sheet.choice["payment"], sheet.created_by) == (1, "503.56", salesperson)
    variant = QuoteVariant.objects.get(pk=sheet.variant_id)
    assert [line.description for line in variant.lines.all()][1:] == ["Transport et PDI", "RDPRM"]
    assert [line.tax_class for line in variant.lines.all()] == ["standard", "standard", "exempt"]
    assert variant.financing["kind"] == "finance" and variant.financing["payment"] == "503.56"
    assert variant.financing["trade_in"]["vin"] == "2BPSUAAB0KV00000X"
    quote_variant_accept(actor=salesperson, quote_id=variant.quote_id, variant_id=variant.pk)
    contract = contract_create(actor=salesperson, opportunity_id=deal.pk, variant=variant.pk)
    # The contract defaults its trade-in and deposit from the financing: net to pay = amount financed.
    assert (contract.allowance, contract.lien_payoff, contract.deposit) == (D("8000"), D("5000"), D("2000"))
    assert contract.net_to_pay == D("29544.25") and contract.trade_in_vin == "2BPSUAAB0KV00000X"


def test_a_sheet_without_a_choice_makes_no_quote_and_the_next_opens_from_it(salesperson, deal, programs):
    desk = _desk(salesperson, deal, selling_price="28500", cash_downs=["1000"])

    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk, desk=desk)

    assert sheet.variant_id is None and sheet.choice == {}
    assert selectors.desk_opening(actor=salesperson, opportunity=deal)["raw"]["selling_price"] == "28500.00"


# --- API ----------------------------------------------------------------------------------------

def test_calculate_answers_the_contracts_grid_terms_outer(salesperson_api):
    response = salesperson_api.post("/desking/calculate", {
        "selling_price": "30000.00", "taxable_fees": "1000", "untaxed_fees": "100", "trade_allowance": "8000",
        "lien_payoff": "5000", "cash_down": ["0.00", "2000.00"], "terms": [60, 72], "finance_apr": "6.99",
        "lease_apr": "4.9", "msrp": "42000", "residuals": {"72": "40"}, "frequency": "monthly"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cash_price"] == "31544.25" and (body["tps"], body["tvq"]) == ("1150.00", "2294.25")
    assert [(c["term"], c["cash_down"]) for c in body["finance"]] == [
        (60, "0.00"), (60, "2000.00"), (72, "0.00"), (72, "2000.00")]
    assert (body["finance"][3]["payment"], body["finance"][3]["cost_of_credit"]) == ("503.56", "6712.07")
    assert [c["term"] for c in body["lease"]] == [72, 72]  # no residual at 60 months: no cell
    assert "gross" not in body


def test_calculate_bi_weekly_counts_the_payments_of_the_term(salesperson_api):
    body = salesperson_api.post("/desking/calculate", {
        "selling_price": "30000.00", "taxable_fees": "1000", "untaxed_fees": "100", "trade_allowance": "8000",
        "lien_payoff": "5000", "cash_down": ["2000"], "terms": [72], "finance_apr": "6.99",
        "frequency": "biweekly"}).json()

    # 503,56 × 12 / 26 = 232,41; 72 months = 156 bi-weekly payments
    assert (body["finance"][0]["payment"], body["finance"][0]["payments"]) == ("232.41", 156)
    assert body["finance"][0]["monthly_payment"] == "503.56" and body["lease"] == []


def test_calculate_payment_first_finds_the_highest_price_that_fits(salesperson_api):
    body = salesperson_api.post("/desking/calculate", {
        "selling_price": "0", "cash_down": ["0"], "terms": [72], "finance_apr": "6.99",
        "target_payment": "500.00"}).json()
    price = D(body["price_for_payment"])

    def payment(selling_price):
        return D(salesperson_api.post("/desking/calculate", {
            "selling_price": str(selling_price), "cash_down": ["0"], "terms": [72],
            "finance_apr": "6.99"}).json()["finance"][0]["payment"])

    assert payment(price) <= D("500.00") < payment(price + D("0.01"))


def test_calculate_shows_the_gross_to_a_manager_only(salesperson_api, manager, make_api):
    payload = {"selling_price": "30000", "unit_cost": "24000", "cash_down": ["0"], "terms": [60],
               "finance_apr": "5"}

    assert "gross" not in salesperson_api.post("/desking/calculate", payload).json()
    assert make_api(manager).post("/desking/calculate", payload).json()["gross"]["front"] == "6000.00"


@pytest.mark.parametrize("payload", [
    {"selling_price": "-1", "cash_down": ["0"], "terms": [60]},
    {"selling_price": "abc", "cash_down": ["0"], "terms": [60]},
    {"selling_price": "100", "cash_down": [], "terms": [60]},
    {"selling_price": "100", "cash_down": ["0"], "terms": [0]},
    {"selling_price": "100", "cash_down": ["0"], "terms": [60], "finance_apr": "41"},
    {"selling_price": "100", "cash_down": ["0"], "terms": [60], "frequency": "daily"},
])
def test_calculate_refuses_bad_input_with_its_errors(salesperson_api, payload):
    response = salesperson_api.post("/desking/calculate", payload)

    assert response.status_code in (400, 422) and {"detail", "errors"} <= set(response.json())


def test_desk_sheets_through_the_api_hide_the_gross_from_a_salesperson(salesperson_api, manager, make_api, deal,
                                                                         programs, items):
    payload = {"selling_price": "30000", "cash_downs": ["0", "2000"], "finance_program": programs[0].pk,
               "finance_terms": [72], "items": [{"id": items["warranty"].pk, "price": "1200"}],
               "trade_in": {"allowance": "8000", "lien_payoff": "5000"},
               "choice": {"kind": "finance", "term": 72, "cash_down": "2000"}}

    created = salesperson_api.post(f"/opportunities/{deal.pk}/desk-sheets", payload)

    assert created.status_code == 201, created.content
    assert created.json()["quote"] and "gross" not in created.json()
    listed = make_api(manager).get(f"/opportunities/{deal.pk}/desk-sheets").json()
    assert listed["items"][0]["gross"]["back"] == "600.00"  # 1 200 − 600
    assert "gross" not in salesperson_api.get(f"/opportunities/{deal.pk}/desk-sheets").json()["items"][0]


def test_a_deal_one_may_not_see_has_no_desk_sheets(make_api, deal, programs):
    other = make_api(UserFactory(role="salesperson"))

    assert other.get(f"/opportunities/{deal.pk}/desk-sheets").status_code == 404
    assert other.post(f"/opportunities/{deal.pk}/desk-sheets", {
        "selling_price": "1", "cash_downs": ["0"]}).status_code == 404
    assert not DeskSheet.objects.exists()


def test_programs_are_written_by_admins_and_read_by_managers(admin_api, salesperson_api, manager, make_api):
    program = {"lender": "Desjardins", "name": "VTT", "kind": "lease", "terms": [
        {"term": 36, "apr": "3.9", "residual_12000": "60", "residual_16000": "57"}]}

    assert salesperson_api.post("/lender-programs", program).status_code == 403
    created = admin_api.post("/lender-programs", program)
    assert created.status_code == 201, created.content
    assert created.json()["terms"][0]["residual_16000"] == "57.00"
    assert admin_api.post("/lender-programs", program).status_code == 409
    assert make_api(manager).get("/lender-programs").json()["count"] == 1
    assert salesperson_api.get("/lender-programs").status_code == 403
    changed = admin_api.patch(f"/lender-programs/{created.json()['id']}", {"terms": [{"term": 48, "apr": "4.9"}]})
    assert [t["term"] for t in changed.json()["terms"]] == [48]
    assert LenderProgram.objects.get().terms.count() == 1


def test_desk_items_show_their_cost_to_managers_only(admin_api, salesperson_api, manager, make_api):
    created = admin_api.post("/desk-items", {"kind": "product", "name": "Antirouille", "price": "799",
                                             "cost": "150"})

    assert created.status_code == 201, created.content
    assert "cost" not in salesperson_api.get("/desk-items").json()["items"][0]
    assert make_api(manager).get("/desk-items").json()["items"][0]["cost"] == "150.00"
    assert salesperson_api.post("/desk-items", {"kind": "fee", "name": "Admin", "price": "499"}).status_code == 403


# --- The worksheet -------------------------------------------------------------------------------

def _text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_worksheet_prints_the_chosen_option_with_its_credit_disclosure_and_no_gross(
        salesperson_api, salesperson, deal, programs, items):
    desk = _desk(salesperson, deal, items=[{"id": items["freight"].pk}, {"id": items["rdprm"].pk},
                                           {"id": items["warranty"].pk}],
                 trade_in={"description": "2019 Ski-Doo MXZ", "allowance": "8000", "lien_payoff": "5000"},
                 cash_downs=["0", "2000"])
    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk, desk=desk,
                                     choice={"kind": "finance", "term": 72, "cash_down": "2000"})

    response = salesperson_api.get(f"/opportunities/{deal.pk}/desk-sheets/{sheet.pk}/worksheet.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(_text(response.content).split())
    for words in ("Feuille de calcul", f"{deal.number}-F1", "Banque Laurentienne", "Taux annuel",
                  "Nombre de paiements", "Montant financé", "Coût total du crédit", "Garantie prolongée",
                  "2019 Ski-Doo MXZ", "1M8GDM9AXKP042788"):
        assert words in text, words
    assert "24 000,00" not in text and "Profit" not in text  # the unit's cost, never the gross


def test_a_worksheet_prints_up_to_three_options_side_by_side_in_english(salesperson_api, salesperson, deal,
                                                                         programs):
    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk,
                                     desk=_desk(salesperson, deal, cash_downs=["0", "2000"]))

    response = salesperson_api.get(f"/opportunities/{deal.pk}/desk-sheets/{sheet.pk}/worksheet.pdf",
                                   {"language": "en", "option": ["finance:60:0", "finance:72:2000", "cash"]})

    text = " ".join(_text(response.content).split())
    assert response.status_code == 200 and "Worksheet" in text
    # One column per option, one row per figure: two finance options and the cash one.
    assert text.count("Financing ·") == 2 and text.count("Annual rate") == 1 and "Cash price" in text
    bad = salesperson_api.get(f"/opportunities/{deal.pk}/desk-sheets/{sheet.pk}/worksheet.pdf",
                              {"option": "daily:1:0"})
    assert bad.status_code == 422


def test_sending_the_worksheet_emails_it_and_keeps_when_and_to_whom(salesperson_api, salesperson, deal, programs,
                                                                     mailoutbox, django_capture_on_commit_callbacks):
    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk,
                                     desk=_desk(salesperson, deal, cash_downs=["0"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = salesperson_api.post(f"/opportunities/{deal.pk}/desk-sheets/{sheet.pk}/send",
                                        {"to": "julie.roy@videotron.ca", "message": "Bonjour"})

    assert response.status_code == 200, response.content
    assert response.json()["sent_to"] == "julie.roy@videotron.ca" and response.json()["sent_at"]
    assert len(mailoutbox) == 1 and mailoutbox[0].attachments[0][0] == f"{deal.number}-F1.pdf"
    assert "Bonjour" in mailoutbox[0].body


def test_a_lenders_rate_sheet_imports_one_row_per_program_and_term(admin):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptoir.imports import services as imports

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Prêteur", "Programme", "Type", "Neuf ou occasion", "Marques", "Terme", "Taux",
                     "Résiduel 16000", "Valide jusqu'au"])
    writer.writerow(["BRP Finance", "Location BRP", "location", "neuf", "Ski-Doo", "36", "4,99", "55", "2099-12-31"])
    writer.writerow(["BRP Finance", "Location BRP", "location", "neuf", "Ski-Doo", "48", "5,49", "46", "2099-12-31"])
    writer.writerow(["Desjardins", "Neufs", "financement", "", "", "60", "6.49", "", ""])
    writer.writerow(["Desjardins", "Neufs", "financement", "", "", "999", "6.49", "", ""])
    upload = SimpleUploadedFile("taux.csv", buffer.getvalue().encode(), content_type="text/csv")

    job = imports.import_start(actor=admin, upload=upload, kind="lender_programs", enqueue=False)
    job = imports.import_run(job_id=job.pk)

    assert (job.created_count, job.error_count) == (3, 1)
    lease = LenderProgram.objects.get(name="Location BRP")
    assert (lease.kind, lease.condition, lease.makes) == ("lease", "new", "Ski-Doo")
    assert [(t.term, t.apr, t.residual_16000) for t in lease.terms.all()] == [
        (36, D("4.990"), D("55.00")), (48, D("5.490"), D("46.00"))]


def test_a_cash_down_that_leaves_nothing_to_lend_is_shown_but_never_chosen(salesperson, deal, programs):
    # 30 000 + taxes = 34 492,50 in cash; 40 000 down leaves nothing to finance, and on the lease the
    # capitalised cost falls under the residual: the payments would be zero or less.
    desk = _desk(salesperson, deal, cash_downs=["0", "40000"])
    result = services.desk_result(actor=salesperson, desk=desk)

    assert _cell(result, "finance", 60, "0")["possible"] and not _cell(result, "finance", 60, "40000")["possible"]
    assert not _cell(result, "lease", 48, "40000")["possible"]
    with pytest.raises(ApplicationError) as refused:
        services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk, desk=desk,
                                 choice={"kind": "lease", "term": 48, "cash_down": "40000"})
    assert refused.value.field == "choice" and not DeskSheet.objects.exists()


def test_costs_and_gross_stay_with_managers_in_sheets_and_the_desks_quotes(salesperson, manager, make_api, deal,
                                                                             programs, items):
    manager_api, salesperson_api = make_api(manager), make_api(salesperson)
    created = manager_api.post(f"/opportunities/{deal.pk}/desk-sheets", {
        "selling_price": "30000", "cash_downs": ["0"], "finance_program": programs[0].pk, "finance_terms": [72],
        "items": [{"id": items["warranty"].pk}], "accessories": [{"description": "Treuil", "price": "800",
                                                                   "cost": "350"}],
        "choice": {"kind": "finance", "term": 72, "cash_down": "0"}})
    assert created.status_code == 201, created.content

    sheet = salesperson_api.get(f"/opportunities/{deal.pk}/desk-sheets").json()["items"][0]
    assert "cost" not in str(sheet["inputs"]) and "gross" not in sheet
    quote = salesperson_api.get(f"/quotes/{created.json()['quote']}").json()["variants"][0]
    assert quote["cost"] is None and quote["margin"] is None and {line["unit_cost"] for line in quote["lines"]} == {
        None}
    assert manager_api.get(f"/quotes/{created.json()['quote']}").json()["variants"][0]["cost"] == "24950.00"
    # The salesperson's own sheet keeps the accessory's cost the manager typed (never sent back to them).
    desk = _desk(salesperson, deal, accessories=[{"description": "Treuil", "price": "800", "cost": "1"}])
    assert desk.accessories[0]["cost"] == D("350.00")


def test_a_cash_deal_from_the_desk_nets_its_rebates_after_taxes(salesperson, deal, programs, items):
    # 30 000 + 1 500 (TPS) + 2 992,50 (TVQ) = 34 492,50 cash; less the 500 rebate after taxes = 33 992,50.
    desk = _desk(salesperson, deal, items=[{"id": items["rebate"].pk}], cash_downs=["0"])
    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk, desk=desk, choice={"kind": "cash"})
    variant = QuoteVariant.objects.get(pk=sheet.variant_id)
    quote_variant_accept(actor=salesperson, quote_id=variant.quote_id, variant_id=variant.pk)

    contract = contract_create(actor=salesperson, opportunity_id=deal.pk, variant=variant.pk)

    assert sheet.grid["cash_to_pay"] == "33992.50" and contract.net_to_pay == D("33992.50")


def test_the_disclosure_is_designs_at_every_frequency(salesperson_api):
    body = salesperson_api.post("/desking/calculate", {
        "selling_price": "30000", "cash_down": ["0"], "terms": [13], "finance_apr": "6.99",
        "frequency": "biweekly"}).json()
    cell = body["finance"][0]

    # DESIGN: cost of credit = monthly payment × n − A; 13 months bi-weekly make 28 payments (28,17).
    assert D(cell["cost_of_credit"]) == D(cell["monthly_payment"]) * 13 - D(cell["amount_financed"])
    assert cell["payments"] == 28


def test_a_worksheet_never_prints_a_cell_with_nothing_to_lend(salesperson_api, salesperson, deal, programs):
    sheet = services.desk_sheet_save(actor=salesperson, opportunity_id=deal.pk,
                                     desk=_desk(salesperson, deal, selling_price="5000", msrp="5000",
                                                trade_in={"allowance": "4000"}, cash_downs=["0", "2000", "5000"]))
    url = f"/opportunities/{deal.pk}/desk-sheets/{sheet.pk}/worksheet.pdf"

    text = _text(salesperson_api.get(url).content)
    assert "-" not in "".join(line for line in text.splitlines() if "$" in line and "−" not in line)
    assert salesperson_api.get(url, {"option": "finance:60:5000.00"}).status_code == 422
    assert salesperson_api.get(url, {"option": "finance:\u00b2:0"}).status_code == 422


def test_a_term_the_program_does_not_offer_is_refused_beside_its_field(salesperson, deal, programs):
    with pytest.raises(ApplicationError) as refused:
        _desk(salesperson, deal, finance_terms=[60, 66])

    assert refused.value.field == "finance_terms.1" and "66" in str(refused.value.message)
