"""Reading what spreadsheets write: CSV in UTF-8 (with or without BOM), UTF-16 or cp1252, with a
comma, semicolon, tab or pipe; and XLSX. Rows stream: a million rows never sit in memory."""

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError

UNREADABLE = _("Fichier illisible : un CSV ou un classeur Excel (.xlsx) est attendu.")
OLD_EXCEL = _("Ancien format Excel (.xls) : enregistrez le classeur en .xlsx ou en CSV, puis importez-le.")
NO_HEADER = _("Le fichier n'a pas de ligne d'en-tête.")
DELIMITERS = ",;\t|"
SAMPLE = 64 * 1024

Row = tuple[int, list[str]]  # (line in the file, header = 1; cells as text)


def file_format(name: str, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def check_text(path: Path) -> None:
    """A CSV is text: an old .xls, an image or a PDF is refused here rather than read as columns of noise."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError(OLD_EXCEL, field="file")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16 text holds NUL bytes
    if b"\x00" in head:
        raise ApplicationError(UNREADABLE, field="file")


def detect_encoding(path: Path) -> str:
    """BOMs first; then UTF-8 if the whole file decodes as UTF-8 (read in chunks), else cp1252
    (what Excel writes on French Windows), else Latin-1, which reads any byte."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def detect_delimiter(sample: str) -> str:
    lines = sample.splitlines()
    try:
        return csv.Sniffer().sniff(sample if len(lines) < 2 else "\n".join(lines[:-1]), DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def csv_dialect(path: Path) -> tuple[str, str]:
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(SAMPLE)
    return encoding, detect_delimiter(sample)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _unique_header(cells: list[str]) -> list[str]:
    header, seen = [], {}
    for index, cell in enumerate(cells):
        name = cell.strip() or f"#{index + 1}"
        seen[name] = seen.get(name, 0) + 1
        header.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return header


def _strip(cells: list[str]) -> list[str]:
    return [c.strip() for c in cells]


def _texts(cells: tuple) -> list[str]:
    return [_text(c) for c in cells]


def _with_header(rows: Iterator, clean=_texts) -> tuple[list[str], Iterator[Row]]:
    """CSV cells are text already (`clean` strips them); a workbook's are numbers, dates… (_text)."""
    numbered = enumerate(rows, start=1)
    for line, cells in numbered:
        cells = clean(cells)
        if any(cells):
            header = _unique_header(cells)
            width = len(header)

            def data() -> Iterator[Row]:
                for number, row in numbered:
                    row = clean(row[:width])
                    if any(row):
                        if len(row) < width:
                            row += [""] * (width - len(row))
                        yield number, row

            return header, data()
    raise ApplicationError(NO_HEADER, field="file")


@contextmanager
def open_rows(path: Path, fmt: str, encoding: str = "", delimiter: str = ""):
    """(header, rows) of the file's first sheet; rows is an iterator of (line, cells)."""
    if fmt == "xlsx":
        # Imported when a workbook is read: openpyxl takes ~75 ms and 5 MB that every process start would pay.
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ApplicationError(UNREADABLE, field="file") from None
        try:
            yield _with_header(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
        return
    with open(path, encoding=encoding or "utf-8", newline="", errors="strict") as handle:
        reader = csv.reader(handle, delimiter=delimiter or ",")
        try:
            yield _with_header(reader, _strip)
        except (csv.Error, UnicodeDecodeError):
            raise ApplicationError(UNREADABLE, field="file") from None


def peek(path: Path, fmt: str, encoding: str, delimiter: str, count: int = 20) -> tuple[list[str], list[Row]]:
    with open_rows(path, fmt, encoding, delimiter) as (header, rows):
        return header, [row for _n, row in zip(range(count), rows)]


def count_rows(path: Path, fmt: str, encoding: str, delimiter: str) -> int:
    with open_rows(path, fmt, encoding, delimiter) as (_header, rows):
        return sum(1 for _row in rows)
