"""Exports: what is on screen, as a file a spreadsheet opens (DESIGN: every figure on screen can be
exported and recomputed from the export). One layer for every export, the pages' and the API's:
`export_response(request, filename, columns, rows, format="csv" | "xlsx")`.

- Headers in the reader's language (the columns' gettext labels), values as the pages name them.
- CSV: UTF-8 with a byte-order mark (Excel then reads the accents); « ; » between columns and a decimal
  comma where the language writes numbers so (fr-CA, pl: the only way a spreadsheet there opens the file
  in columns and reads the numbers as numbers), « , » and a decimal point in English; no thousands
  separator. Dates are ISO 8601 in every language, `2026-03-01` and `2026-03-01 23:30` (the local time
  zone, 24 hours): the way fr-CA pages write a date already, the one a spreadsheet in every language
  reads as a date, and never ambiguous (03/01 is a different day in Québec, Poland and the US).
- XLSX: numbers as numbers, dates as dates (shown the language's way), text as text — a value that
  starts with « = » never becomes a formula. openpyxl's write-only mode keeps one row in memory; the
  workbook is written to a temporary file that the response then sends. A worksheet holds 1,048,576
  rows; the rest go on the next one.
- Both read `rows` as they come (an iterator over a query in chunks): a million rows never sit in
  memory. Rows are dicts (by column key) or sequences in the columns' order.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What a column holds: how a CSV writes it and what a workbook stores.
TEXT, INTEGER, DECIMAL, DATE, DATETIME, BOOLEAN = "text", "integer", "decimal", "date", "datetime", "boolean"
FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576
# How a workbook shows a date, a date and time, by language (the pages' short formats, 24 hours).
XLSX_DATE_FORMATS = {"fr": "yyyy-mm-dd", "pl": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
XLSX_DATETIME_FORMATS = {"fr": "yyyy-mm-dd hh:mm", "pl": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
XLSX_WIDTHS = {TEXT: 18, INTEGER: 10, DECIMAL: 13, DATE: 12, DATETIME: 17, BOOLEAN: 8}
CSV_CHUNK = 64 * 1024  # characters sent at a time: a line per write would cost more than the line


@dataclass(frozen=True)
class Column:
    """One column of an export: the row's key, its header (gettext_lazy, translated when written), what
    it holds, and for a decimal how many places a workbook shows."""

    key: str
    header: str
    kind: str = TEXT
    decimals: int = 2
    width: int | None = None


def _language(request_or_language) -> str:
    if isinstance(request_or_language, str) and request_or_language:
        return request_or_language
    return translation.get_language() or "fr-ca"  # the request's, activated by the middleware or the API


def csv_delimiter(language: str) -> str:
    """« ; » where numbers take a decimal comma (fr-CA, pl), so a spreadsheet opens the file in columns."""
    return ";" if formats.get_format("DECIMAL_SEPARATOR", lang=language) == "," else ","


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_writers(columns: Sequence[Column], comma: bool, yes: str, no: str) -> list:
    """One function per column turning a value into the CSV's text (called for every cell: kept lean)."""
    zone = timezone.get_current_timezone()

    def text(value):
        if value is None:
            return ""
        if type(value) is not str:
            value = str(value)
        return "'" + value if value[:1] in FORMULA_STARTS else value

    def integer(value):
        return "" if value is None else str(value)

    def decimal(places):
        def write(value):
            if value is None or value == "":
                return ""
            written = f"{value:.{places}f}" if isinstance(value, float) else format(value, "f")
            return written.replace(".", ",") if comma else written
        return write

    def day(value):
        if value is None:
            return ""
        return (value.astimezone(zone).date() if isinstance(value, datetime) and value.tzinfo else value).isoformat()

    def moment(value):
        if value is None:
            return ""
        # « 2026-03-01 23:30 »: the local time to the minute (isoformat is C, strftime five times slower).
        return (value.astimezone(zone) if value.tzinfo else value).isoformat(" ", "minutes")[:16]

    def boolean(value):
        return "" if value is None else (yes if value else no)

    kinds = {TEXT: text, INTEGER: integer, DATE: day, DATETIME: moment, BOOLEAN: boolean}
    return [decimal(column.decimals) if column.kind == DECIMAL else kinds[column.kind] for column in columns]


def _values(row, keys):
    return [row.get(key) for key in keys] if isinstance(row, Mapping) else row


def _csv_chunks(columns, rows, language: str, zone):
    """The CSV's text, in chunks, written in the request's language and time zone: a streamed answer is
    written after the view has returned, when neither is the request's any more."""
    with translation.override(language), timezone.override(zone):
        comma = formats.get_format("DECIMAL_SEPARATOR", lang=language) == ","
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=csv_delimiter(language))
        writers = _csv_writers(columns, comma, gettext("Oui"), gettext("Non"))
        keys = [column.key for column in columns]
        buffer.write("\ufeff")  # the byte-order mark: Excel reads the file as UTF-8
        writer.writerow([str(column.header) for column in columns])
        for row in rows:
            writer.writerow([write(value) for write, value in zip(writers, _values(row, keys))])
            if buffer.tell() > CSV_CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def _text_cell(sheet, value: str):
    """A text cell that stays text: never a formula, and without the characters a workbook cannot hold."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _sheet_title(title: str, number: int) -> str:
    title = "".join(c for c in str(title) if c not in "[]:*?/\\")[:28] or "Export"
    return title if number == 1 else f"{title[:24]} ({number})"


def _new_sheet(workbook, columns, title: str, number: int, bold: Font):
    sheet = workbook.create_sheet(_sheet_title(title, number))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or max(
            XLSX_WIDTHS[column.kind], min(len(str(column.header)) + 2, 30))
    sheet.freeze_panes = "A2"  # the headers stay in sight
    header = []
    for column in columns:
        cell = _text_cell(sheet, str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def _xlsx_file(columns, rows, language: str, title: str):
    """The rows as a workbook in a temporary file, positioned at its start."""
    short = language.split("-")[0]
    date_format = XLSX_DATE_FORMATS.get(short, XLSX_DATE_FORMATS["fr"])
    moment_format = XLSX_DATETIME_FORMATS.get(short, XLSX_DATETIME_FORMATS["fr"])
    number_formats = [("0" if c.kind == INTEGER else f"#,##0.{'0' * c.decimals}" if c.decimals else "#,##0")
                      for c in columns]
    yes, no, bold = gettext("Oui"), gettext("Non"), Font(bold=True)
    keys = [column.key for column in columns]
    kinds = [column.kind for column in columns]
    workbook = Workbook(write_only=True)
    number = 1
    sheet, written = _new_sheet(workbook, columns, title, number, bold), 1
    for row in rows:
        if written == XLSX_MAX_ROWS:
            number += 1
            sheet, written = _new_sheet(workbook, columns, title, number, bold), 1
        cells = []
        for kind, value, number_format in zip(kinds, _values(row, keys), number_formats):
            if value is None or value == "":
                cells.append(None)
            elif kind == TEXT:
                value = value if isinstance(value, str) else str(value)
                # Only « = » makes a stored text a formula; control characters would break the file.
                cells.append(_text_cell(sheet, value) if value[:1] == "=" or ILLEGAL_CHARACTERS_RE.search(value)
                             else value)
            elif kind in (INTEGER, DECIMAL):
                cell = WriteOnlyCell(sheet, value if isinstance(value, (int, float, Decimal)) else Decimal(value))
                cell.number_format = number_format
                cells.append(cell)
            elif kind == DATETIME:
                cell = WriteOnlyCell(sheet, _local(value).replace(tzinfo=None))  # a workbook has no time zones
                cell.number_format = moment_format
                cells.append(cell)
            elif kind == DATE:
                cell = WriteOnlyCell(sheet, _local(value).date() if isinstance(value, datetime) else value)
                cell.number_format = date_format
                cells.append(cell)
            else:  # BOOLEAN: the word the pages show
                cells.append(yes if value else no)
        sheet.append(cells)
        written += 1
    target = tempfile.TemporaryFile()  # noqa: SIM115 — the response sends it, closes it, and so deletes it
    workbook.save(target)
    target.seek(0)
    return target


def export_response(request_or_language: HttpRequest | str, filename: str, columns: Sequence[Column],
                    rows: Iterable, format: str = "csv", *, title: str = ""):
    """`rows` (dicts by column key, or sequences in the columns' order) as a file to download, in the
    request's language (or the language given): `format` "csv" streams a CSV written as it is sent,
    "xlsx" a workbook. `filename` is given without its extension; `title` names the worksheet."""
    language = _language(request_or_language)
    stem = filename.rsplit(".", 1)[0] if filename.endswith((".csv", ".xlsx")) else filename
    if format == "xlsx":
        with translation.override(language):
            target = _xlsx_file(columns, rows, language, title or stem)
        return FileResponse(target, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX_CONTENT_TYPE)
    response = StreamingHttpResponse(_csv_chunks(columns, rows, language, timezone.get_current_timezone()),
                                     content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.csv")
    return response
