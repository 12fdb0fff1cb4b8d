"""The customer list as a file (DESIGN: every figure on screen can be exported): the filtered list as CSV
or as an Excel workbook, in the reader's language (French headers, « ; » between columns where the
decimal separator is a comma, dates as the pages write them), read chunk by chunk so a million customers
never sit in memory. The page and the API both answer through here."""

import csv
import tempfile
from datetime import datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import dateformat, formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from comptoir.core.exports import _cell as spreadsheet_cell  # the one rule against formulas in cells, not copied
from comptoir.customers.models import EmailStatus

COLUMNS = (
    ("id", _("No client")),
    ("first_name", _("Prénom")),
    ("last_name", _("Nom")),
    ("company", _("Entreprise")),
    ("email", _("Courriel")),
    ("email_status", _("État du courriel")),
    ("phones", _("Téléphones")),
    ("address", _("Adresse")),
    ("city", _("Ville")),
    ("province", _("Province")),
    ("postal_code", _("Code postal")),
    ("source", _("Source")),
    ("media", _("Média")),
    ("tags", _("Étiquettes")),
    ("salesperson", _("Vendeur")),
    ("unsubscribed", _("Désabonné")),
    ("external_id", _("No DMS")),
    ("created_at", _("Créé le")),
)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # a worksheet's limit: the rows past it go on the next sheet
XLSX_WIDTHS = {"id": 10, "email": 32, "phones": 30, "address": 30, "tags": 24, "created_at": 18}
# How a workbook shows a date and time, by language (the pages' short formats, with a 24-hour clock).
XLSX_DATE_FORMATS = {"fr": "yyyy-mm-dd hh:mm", "pl": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd h:mm AM/PM"}


def _values(row: dict, statuses: dict) -> dict:
    """One exported row (customers.selectors.customer_export_rows) as the file shows it; the placeholder
    address is no address (DESIGN)."""
    return {
        **row,
        "email": "" if row["email_status"] == EmailStatus.PLACEHOLDER else row["email"],
        "email_status": statuses.get(row["email_status"], row["email_status"]),
        "phones": " / ".join(row["phones"]),
        "address": " ".join(part for part in (row["address_line1"], row["address_line2"]) if part),
        "tags": ", ".join(row["tags"]),
        "created_at": timezone.localtime(row["created_at"]),
    }


def _statuses() -> dict:
    """The email statuses' names in the language of the moment, read once per file."""
    return {value: capfirst(str(label)) for value, label in EmailStatus.choices}


class _Echo:
    """What csv.writer writes to: it hands back the line, which the response sends at once."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(rows, delimiter: str):
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yes, no, statuses = gettext("Oui"), gettext("Non"), _statuses()
    moment = formats.get_format("SHORT_DATETIME_FORMAT")  # as the pages write a date and time
    # A byte-order mark first, so Excel reads the accents as UTF-8.
    yield "\ufeff" + writer.writerow([str(label) for _key, label in COLUMNS])
    for row in rows:
        values = _values(row, statuses)
        values["unsubscribed"] = yes if values["unsubscribed"] else no
        values["created_at"] = dateformat.format(values["created_at"], moment)
        yield writer.writerow([spreadsheet_cell(values[key]) for key, _label in COLUMNS])


def _in_language(lines, language: str, zone):
    """The lines written in the request's language and time zone: a streamed answer is written after
    the view has returned, when neither is the request's any more."""
    with translation.override(language), timezone.override(zone):
        yield from lines


def customers_csv(rows, *, filename: str) -> StreamingHttpResponse:
    """The rows (customers.selectors.customer_export_rows) as CSV, sent as written.
    « ; » between columns where numbers take a decimal comma (fr-CA, pl), so a spreadsheet opens it in
    columns there; « , » in English."""
    delimiter = ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","
    lines = _in_language(_csv_lines(rows, delimiter), translation.get_language(), timezone.get_current_timezone())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _text_cell(sheet, value):
    """A text cell that stays text: a value starting with « = » is never a formula, and characters a
    workbook cannot hold are left out."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _new_sheet(workbook, number: int, bold: Font):
    sheet = workbook.create_sheet(gettext("Clients") if number == 1 else f"{gettext('Clients')} ({number})")
    for index, (key, _label) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = XLSX_WIDTHS.get(key, 16)
    header = []
    for _key, label in COLUMNS:
        cell = _text_cell(sheet, str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def customers_xlsx(rows, *, filename: str) -> FileResponse:
    """The rows as an Excel workbook: numbers as numbers, dates as dates (shown the language's way),
    text as text. Written row by row to a temporary file (openpyxl's write-only mode holds one row at a
    time), then sent from it; a worksheet holds 1,048,576 rows, the rest go on the next one."""
    bold = Font(bold=True)
    date_format = XLSX_DATE_FORMATS.get((translation.get_language() or "fr").split("-")[0], XLSX_DATE_FORMATS["fr"])
    yes, no, statuses = gettext("Oui"), gettext("Non"), _statuses()
    workbook = Workbook(write_only=True)
    number, sheet = 1, _new_sheet(workbook, 1, bold)
    written = 1
    for row in rows:
        if written == XLSX_MAX_ROWS:
            number += 1
            sheet, written = _new_sheet(workbook, number, bold), 1
        values = _values(row, statuses)
        values["unsubscribed"] = yes if values["unsubscribed"] else no
        cells = []
        for key, _label in COLUMNS:
            value = values[key]
            if isinstance(value, datetime):
                value = WriteOnlyCell(sheet, value.replace(tzinfo=None))  # a workbook has no time zones
                value.number_format = date_format
            elif isinstance(value, str) and (value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value)):
                value = _text_cell(sheet, value)  # only « = » makes a stored text a formula
            cells.append(value)
        sheet.append(cells)
        written += 1
    target = tempfile.TemporaryFile()  # noqa: SIM115 — the response sends it, closes it, and so deletes it
    workbook.save(target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
