"""Quiet logs (issue 24): one line per request at INFO (method, path, status, duration), nothing else for it;
libraries' progress chatter (WeasyPrint's « Step 1…7 » of every PDF, fontTools, the connection pool) below
WARNING."""

import logging
import re

import pytest
from django.test import Client

from comptoir.conftest import issue_token

LINE = re.compile(r"^(GET|POST) (\S+) (\d{3}) (\d+)ms$")


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="comptoir.requests")  # the test settings keep it quiet
    caplog.set_level(logging.DEBUG)  # and anything else that would write
    return caplog


def _lines(caplog):
    return [(record.name, record.levelname, record.getMessage()) for record in caplog.records]


@pytest.mark.django_db
def test_a_request_is_one_log_line(request_log, salesperson):
    token = issue_token(salesperson)
    request_log.clear()

    response = Client().get("/api/v1/me?x=1", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    [record] = [r for r in request_log.records if r.levelno >= logging.INFO]
    assert (record.name, record.levelname) == ("comptoir.requests", "INFO")
    method, path, status, duration = LINE.match(record.getMessage()).groups()
    assert (method, path, status) == ("GET", "/api/v1/me", "200")  # no query string: it may hold a search
    assert (record.method, record.path, record.status) == ("GET", "/api/v1/me", 200)
    assert 0 <= record.duration_ms < 10_000 and int(duration) == round(record.duration_ms)


@pytest.mark.django_db
def test_a_refused_request_is_one_log_line_too(request_log):
    response = Client().post("/api/v1/customers", "{}", content_type="application/json")

    assert response.status_code == 401
    assert [(name, level) for name, level, _ in _lines(request_log) if level != "DEBUG"] == [
        ("comptoir.requests", "INFO")]
    assert LINE.match(request_log.records[-1].getMessage()).groups()[:3] == ("POST", "/api/v1/customers", "401")


def test_a_pdf_writes_nothing_below_warning_to_the_log(request_log):
    from weasyprint import HTML

    pdf = HTML(string="<h1>Soumission</h1><p>Épreuve à l'écran.</p>").write_pdf()

    assert pdf.startswith(b"%PDF")
    assert [line for line in _lines(request_log) if line[1] != "DEBUG"] == []


@pytest.mark.parametrize("library", ["weasyprint", "weasyprint.progress", "fontTools.subset", "flufl.bounce",
                                     "psycopg.pool", "botocore.credentials"])
def test_library_chatter_stays_below_warning(library):
    logger = logging.getLogger(library)

    assert not logger.isEnabledFor(logging.INFO)
    assert logger.isEnabledFor(logging.WARNING)

