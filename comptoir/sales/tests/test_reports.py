"""Issue 23, part 7: reports that fit and export well — the deals behind a figure as CSV in the reader's
language or as XLSX, read as plain values (no model per row) in constant queries; every analytics table
offers both files; the conversion table's figures right-aligned under headings that wrap."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


def _won(user, pipeline, amount="1234.50", **customer):
    deal = make_opportunity(user, make_customer(user, **customer), pipeline, product="Ski-Doo MXZ")
    Opportunity.objects.filter(pk=deal.pk).update(status="won", amount=Decimal(amount), cost=Decimal("1000"),
                                                  closed_at=timezone.now() - timedelta(minutes=5))
    return deal


def _deals_url(**extra):
    today = timezone.localdate().isoformat()
    return {"from": today, "to": today, "by": "salesperson", "outcome": "won", **extra}


def _rows(response, delimiter=";"):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_the_deals_export_is_french_csv_with_every_deal_of_the_figure(client, manager, salesperson, pipeline):
    deals = [_won(salesperson, pipeline, first_name="Léa", last_name=f"Paré{n}") for n in range(3)]
    client.force_login(manager)

    response = client.get("/sales/analytics/deals/", _deals_url(format="csv"))

    rows = _rows(response)
    assert rows[0] == ["Numéro", "Client", "Vendeur", "Produit", "Étape", "Statut", "Montant", "Devise",
                       "Créée le", "Fermée le"]
    assert sorted(row[0] for row in rows[1:]) == sorted(deal.number for deal in deals)
    first = rows[1]
    assert first[1].startswith("Léa Paré") and first[2] == salesperson.display_name
    assert first[3:8] == ["Ski-Doo MXZ", "Nouveau", "Gagnée", "1234,50", "CAD"]
    closed = timezone.localtime(Opportunity.objects.get(number=first[0]).closed_at)
    assert first[9] == closed.strftime("%Y-%m-%d %H:%M")
    assert 'filename="deals-salesperson-won.csv"' in response["Content-Disposition"]


def test_the_deals_export_in_english_uses_commas_and_points(client, manager, salesperson, pipeline):
    _won(salesperson, pipeline)
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    rows = _rows(client.get("/sales/analytics/deals/", _deals_url(format="csv")), ",")

    assert rows[0][:3] == ["Number", "Customer", "Salesperson"] and rows[1][5:7] == ["Won", "1234.50"]


def test_the_deals_export_as_xlsx_has_numbers_and_dates(client, manager, salesperson, pipeline):
    deal = _won(salesperson, pipeline, amount="25999.99")
    client.force_login(manager)

    response = client.get("/sales/analytics/deals/", _deals_url(format="xlsx"))

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Numéro" and row[0] == deal.number
    assert float(row[6]) == 25999.99 and isinstance(row[8], datetime) and isinstance(row[9], datetime)
    assert 'filename="deals-salesperson-won.xlsx"' in response["Content-Disposition"]


def test_the_deals_export_costs_the_same_queries_for_three_deals_or_thirty(client, manager, salesperson,
                                                                           pipeline):
    for _ in range(3):
        _won(salesperson, pipeline)
    client.force_login(manager)
    url = "/sales/analytics/deals/"
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(url, _deals_url(format="csv")))) == 4
    for _ in range(27):
        _won(UserFactory(), pipeline)

    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(url, _deals_url(format="csv")))) == 31

    assert len(many) == len(few)


def test_the_deals_export_holds_only_the_deals_the_user_may_see(client, salesperson, pipeline):
    mine = _won(salesperson, pipeline)
    _won(UserFactory(), pipeline)
    client.force_login(salesperson)

    rows = _rows(client.get("/sales/analytics/deals/", _deals_url(format="csv")))

    assert [row[0] for row in rows[1:]] == [mine.number]


def test_every_analytics_table_offers_csv_and_xlsx(client, manager, salesperson, pipeline):
    make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(manager)

    page = client.get("/sales/analytics/", {"target_sales": 3, "pipeline": pipeline.pk}).content.decode()
    deals = client.get("/sales/analytics/deals/", _deals_url()).content.decode()

    for export in ("analytics/conversion?from=", "analytics/plan?target_sales=3", "analytics/email-ratio?month="):
        assert page.count(export) == 2, export  # CSV and XLSX
    assert "format=xlsx" in deals and "format=csv" in deals


def test_the_conversion_table_right_aligns_its_figures_under_the_dimensions_name(client, manager):
    client.force_login(manager)

    html = client.get("/sales/analytics/", {"by": "source"}).content.decode()

    assert 'class="table figures-table" id="conversion-table"' in html
    assert '<th scope="col">Source</th><th class="num">Gagnées</th>' in html
    assert 'class="chart-box"' in html
