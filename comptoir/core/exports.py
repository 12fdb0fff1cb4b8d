"""Exports: what is on screen, as a file a spreadsheet opens (DESIGN: every figure can be exported)."""

import csv
import io

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse


def _cell(value):
    """A value for a spreadsheet: text that would start a formula (=, +, -, @) is quoted as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(filename: str, columns: tuple, rows: list[dict]) -> HttpResponse:
    """Figures as CSV, one row per line of the JSON, so a spreadsheet can recompute every rate."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Line:
    """A file-like target for csv.writer that hands back the line just written."""

    def write(self, text: str) -> str:
        return text


def csv_stream_response(filename: str, columns: tuple, rows: Iterable[dict]) -> StreamingHttpResponse:
    """The same CSV, written row by row as it is sent: a million refused rows never sit in memory.
    It starts with a byte-order mark, so Excel reads its accents as UTF-8."""
    writer = csv.writer(_Line())

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([_cell(row.get(column)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
