"""Issue 23, part 7: one export layer (core.exports) — CSV in the reader's language (fr-CA and pl: « ; »
and a decimal comma; en: « , » and a point; UTF-8 with a byte-order mark; ISO dates), XLSX with numbers
as numbers, dates as dates and translated headers, never a formula from text; both read their rows as
they are sent."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils.translation import gettext_lazy as _

from comptoir.core import exports
from comptoir.core.exports import BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, TEXT, Column, export_response

COLUMNS = (
    Column("name", _("Vendeur")),
    Column("won", _("Gagnées"), INTEGER),
    Column("amount", _("Montant gagné"), DECIMAL),
    Column("day", _("Fermée le"), DATE),
    Column("moment", _("Créée le"), DATETIME),
    Column("unsubscribed", _("Désabonné"), BOOLEAN),
)
UTC = ZoneInfo("UTC")
ROW = {"name": "Léa Paré", "won": 3, "amount": Decimal("12345.60"), "day": date(2026, 3, 1),
       "moment": datetime(2026, 3, 2, 4, 30, tzinfo=UTC), "unsubscribed": False}  # 2 March, 23:30 in Toronto


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def _csv(response, delimiter) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(response).removeprefix("\ufeff")), delimiter=delimiter))


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("language", ["fr-ca", "pl"])
def test_french_csv_uses_semicolons_and_decimal_commas(language):
    response = export_response(language, "ventes", COLUMNS, [ROW])

    header, line = _csv(response, ";")
    assert len(header) == len(COLUMNS) and line[:3] == ["Léa Paré", "3", "12345,60"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ventes.csv"' in response["Content-Disposition"]


def test_english_csv_uses_commas_and_decimal_points_and_english_headers():
    response = export_response("en", "sales", COLUMNS, [ROW])

    header, line = _csv(response, ",")
    assert header[:3] == ["Salesperson", "Won", "Amount won"]
    assert line[:3] == ["Léa Paré", "3", "12345.60"] and line[5] == "No"


def test_a_csv_starts_with_a_byte_order_mark_so_excel_reads_its_accents():
    body = b"".join(export_response("fr-ca", "x", COLUMNS, [ROW]).streaming_content)

    assert body.startswith(b"\xef\xbb\xbfVendeur;") and "Léa".encode() in body


@pytest.mark.parametrize("language", ["fr-ca", "en", "pl"])
def test_csv_dates_are_iso_in_the_local_time_zone_in_every_language(language):
    delimiter = "," if language == "en" else ";"

    line = _csv(export_response(language, "x", COLUMNS, [ROW]), delimiter)[1]

    assert line[3:5] == ["2026-03-01", "2026-03-01 23:30"]


def test_headers_and_words_follow_the_readers_language():
    french = _csv(export_response("fr-ca", "x", COLUMNS, [{**ROW, "unsubscribed": True}]), ";")
    polish = _csv(export_response("pl", "x", COLUMNS, [ROW]), ";")

    assert french[0] == ["Vendeur", "Gagnées", "Montant gagné", "Fermée le", "Créée le", "Désabonné"]
    assert french[1][5] == "Oui"
    assert polish[0][0] != "Vendeur" and polish[1][5] not in ("Non", "No")


def test_an_empty_value_is_an_empty_cell_and_rows_may_be_sequences():
    line = _csv(export_response("fr-ca", "x", COLUMNS, [("Zoé", None, None, None, None, None)]), ";")[1]

    assert line == ["Zoé", "", "", "", "", ""]


def test_xlsx_holds_numbers_as_numbers_and_dates_as_dates():
    sheet = _workbook(export_response("fr-ca", "ventes", COLUMNS, [ROW], "xlsx", title="Ventes")).active

    header, row = list(sheet.iter_rows(values_only=True))
    assert header == ("Vendeur", "Gagnées", "Montant gagné", "Fermée le", "Créée le", "Désabonné")
    assert row[1] == 3 and isinstance(row[1], int)
    assert row[2] == Decimal("12345.60") or row[2] == 12345.6
    assert row[3] == datetime(2026, 3, 1) and row[4] == datetime(2026, 3, 1, 23, 30)  # Toronto time
    assert sheet.cell(row=2, column=3).number_format == "#,##0.00"
    assert sheet.title == "Ventes" and sheet.freeze_panes == "A2"


def test_xlsx_headers_are_in_the_readers_language():
    response = export_response("en", "sales", COLUMNS, [ROW], "xlsx")

    assert next(_workbook(response).active.iter_rows(values_only=True))[:2] == ("Salesperson", "Won")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="sales.xlsx"' in response["Content-Disposition"]


def test_no_exported_text_becomes_a_formula():
    columns = (Column("a", "A", TEXT), Column("b", "B", TEXT), Column("margin", "M", DECIMAL))
    rows = [{"a": '=HYPERLINK("http://x")', "b": "+1 418", "margin": Decimal("-12.50")}]

    line = _csv(export_response("fr-ca", "x", columns, rows), ";")[1]
    cells = list(_workbook(export_response("fr-ca", "x", columns, rows, "xlsx")).active.iter_rows(min_row=2))[0]

    assert line == ["'=HYPERLINK(\"http://x\")", "'+1 418", "-12,50"]  # a negative number stays a number
    assert cells[0].data_type == "s" and cells[0].value == '=HYPERLINK("http://x")'
    assert cells[2].value == Decimal("-12.50") or cells[2].value == -12.5


def test_a_csv_export_reads_its_rows_only_as_it_sends_them():
    read = []

    def rows():
        for n in range(5):
            read.append(n)
            yield {**ROW, "won": n}

    response = export_response("fr-ca", "x", COLUMNS, rows())
    assert read == []  # nothing read before the response is sent

    lines = _csv(response, ";")
    assert read == [0, 1, 2, 3, 4] and len(lines) == 6


def test_rows_past_a_worksheets_limit_go_on_the_next_sheet(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # a header and two rows a sheet

    workbook = _workbook(export_response("fr-ca", "x", COLUMNS, [ROW] * 5, "xlsx", title="Ventes"))

    assert workbook.sheetnames == ["Ventes", "Ventes (2)", "Ventes (3)"]
    assert [sheet.max_row for sheet in workbook.worksheets] == [3, 3, 2]
