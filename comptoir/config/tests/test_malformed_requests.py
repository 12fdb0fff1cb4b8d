"""Malformed requests fail cleanly (issue 24): a body Django cannot read, a wrong content type, a call without
credentials, a path or a method the API does not have, each answers 400/401/404/405/413/415 with the
contract's `{"detail", "errors"}` (API.md: errors), never a 500 nor an HTML page; pages keep a plain 400.

The multipart operations are taken from the OpenAPI document, so a new upload endpoint is covered too."""

import io
import json
from pathlib import Path

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from comptoir.accounts.auth import CSRF_REFUSED
from comptoir.conftest import issue_token
from comptoir.core.errors import (AUTHENTICATION_REQUIRED, BODY_INCOMPLETE, BODY_TOO_LARGE, METHOD_NOT_ALLOWED,
                                  MULTIPART_EXPECTED, MULTIPART_UNREADABLE, UNREADABLE_BODY)
from comptoir.core.exceptions import NOT_FOUND
from comptoir.customers.models import Customer

pytestmark = pytest.mark.django_db

OPENAPI = json.loads((Path(__file__).with_name("openapi.json")).read_text())
PUBLIC = {("post", "/api/v1/auth/token"), ("post", "/api/v1/public/web-form/{key}"),
          ("post", "/api/v1/public/email-events/{provider}")}
MULTIPART_OPERATIONS = sorted(
    (method, path) for path, operations in OPENAPI["paths"].items() for method, operation in operations.items()
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
)
WRITE_OPERATIONS = sorted(
    (method, path) for path, operations in OPENAPI["paths"].items() for method in operations
    if method in ("post", "put", "patch", "delete") and (method, path) not in PUBLIC
)
A_PART = (b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
          b"Content-Type: text/csv\r\n\r\nnom\r\nTremblay\r\n--abc--\r\n")


def _concrete(path: str, admin) -> str:
    return path.replace("{user_id}", str(admin.pk)).replace("{", "").replace("}", "")


def _assert_error_body(response, status, detail=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["errors"], list) and body["detail"]
    if detail is not None:
        assert body["detail"] == str(detail)
    return body


@pytest.fixture
def bearer(admin):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(admin)}"}


def test_the_api_has_multipart_operations_to_check():
    assert {path for _method, path in MULTIPART_OPERATIONS} >= {
        "/api/v1/users/{user_id}/photo", "/api/v1/imports", "/api/v1/attachments", "/api/v1/settings/logo"}


@pytest.mark.parametrize("content_type", [
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=" + "b" * 300,  # longer than RFC 2046 allows (70)
    "multipart/form-data; boundary=\"é\"",
])
def test_multipart_without_a_boundary_is_a_400(admin, bearer, content_type):
    for method, path in MULTIPART_OPERATIONS:
        response = Client().generic(method.upper(), _concrete(path, admin), A_PART, content_type, **bearer)
        _assert_error_body(response, 400, MULTIPART_UNREADABLE)


def test_multipart_whose_parts_do_not_match_its_boundary_reaches_the_handler_and_is_refused(admin, bearer):
    # # given a boundary the body never uses: nothing is read, the file is missing
    for method, path in MULTIPART_OPERATIONS:
        response = Client().generic(method.upper(), _concrete(path, admin), A_PART,
                                    "multipart/form-data; boundary=xyz", **bearer)
        body = _assert_error_body(response, 422)
        assert body["errors"]


def test_a_truncated_body_is_refused_cleanly(admin, bearer):
    # The client announced more bytes than it sent (its connection broke off): a WSGI server hands Django
    # what arrived.
    def send(path, data, content_type):
        return Client().generic("POST", path, CONTENT_TYPE=content_type, CONTENT_LENGTH=str(len(data) + 500),
                                **{"wsgi.input": io.BytesIO(data)}, **bearer)

    _assert_error_body(send("/api/v1/customers", b'{"first_name": "Jea', "application/json"), 400, UNREADABLE_BODY)
    for method, path in MULTIPART_OPERATIONS:
        half = A_PART[: len(A_PART) // 2]
        response = send(_concrete(path, admin), half, "multipart/form-data; boundary=abc")
        # the file's part never ended: Django drops it, and the file is missing
        body = _assert_error_body(response, 422)
        file_field = next(iter(OPENAPI["paths"][path][method]["requestBody"]["content"]["multipart/form-data"]
                               ["schema"]["required"]))
        assert file_field in [error["field"] for error in body["errors"]]


class _BrokenStream(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        raise OSError("connection reset by peer")


def test_a_body_that_breaks_off_while_read_is_a_400(admin, bearer):
    for path, content_type in [("/api/v1/customers", "application/json"),
                               (_concrete(MULTIPART_OPERATIONS[0][1], admin), "multipart/form-data; boundary=abc")]:
        response = Client().generic("POST", path, CONTENT_TYPE=content_type, CONTENT_LENGTH="120",
                                    **{"wsgi.input": _BrokenStream()}, **bearer)
        _assert_error_body(response, 400, BODY_INCOMPLETE)


@pytest.mark.parametrize("content_type, data", [
    ("application/json", b'{"file": "a.csv"}'),
    ("text/plain", b"nom\nTremblay\n"),
    ("application/x-www-form-urlencoded", b"kind=customers"),
])
def test_a_file_sent_other_than_as_multipart_is_a_415(admin, bearer, content_type, data):
    for method, path in MULTIPART_OPERATIONS:
        response = Client().generic(method.upper(), _concrete(path, admin), data, content_type, **bearer)
        _assert_error_body(response, 415, MULTIPART_EXPECTED)


def test_json_sent_as_multipart_is_a_400_and_saves_nothing(bearer):
    response = Client().post("/api/v1/customers", {"first_name": "Jean", "last_name": "Tremblay"}, **bearer)

    _assert_error_body(response, 400, UNREADABLE_BODY)
    assert not Customer.objects.exists()


def test_a_body_past_the_limit_is_a_413(bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/api/v1/customers", json.dumps({"first_name": "J" * 2000, "last_name": "T"}),
                             content_type="application/json", **bearer)

    _assert_error_body(response, 413, BODY_TOO_LARGE)


def test_an_unauthenticated_write_is_a_401():
    # A browser-like client: Django's CSRF checks are on, as on a real server.
    browser = Client(enforce_csrf_checks=True)
    for method, path in WRITE_OPERATIONS:
        for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
            response = browser.generic(method.upper(), path.replace("{", "").replace("}", "").replace("_id", "1"),
                                       "{}", "application/json", **headers)
            # A path whose parameters are not numbers is unknown: 404; every other one asks for credentials.
            if response.status_code != 404:
                _assert_error_body(response, 401, AUTHENTICATION_REQUIRED)
    _assert_error_body(browser.post("/api/v1/customers", "{}", content_type="application/json"), 401,
                       AUTHENTICATION_REQUIRED)


def test_a_signed_in_browser_write_without_its_csrf_token_is_a_403_and_saves_nothing(salesperson):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(salesperson)
    customer = {"first_name": "Jean", "last_name": "Tremblay", "no_email": True}

    refused = browser.post("/api/v1/customers", json.dumps(customer), content_type="application/json")

    _assert_error_body(refused, 403, CSRF_REFUSED)
    assert not Customer.objects.exists()
    # # with the token the page would send, the same write goes through
    token = get_token(RequestFactory().get("/"))
    browser.cookies["csrftoken"] = token
    accepted = browser.post("/api/v1/customers", json.dumps(customer), content_type="application/json",
                            HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    assert Customer.objects.count() == 1


def test_a_bearer_token_needs_no_csrf_token(salesperson):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/v1/customers", json.dumps({"first_name": "Jean", "last_name": "Tremblay",
                                                              "no_email": True}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {issue_token(salesperson)}")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/nope"),
    ("POST", "/api/v1/nope"),
    ("GET", "/api/v1/customers/abc"),
    ("DELETE", "/api/v1/customers/1/nope/deeper"),
    ("GET", "/api/v1/"),
])
def test_an_unknown_api_path_is_a_json_404(bearer, method, path):
    for headers in ({}, bearer):
        _assert_error_body(Client().generic(method, path, **headers), 404, NOT_FOUND)


def test_an_unknown_page_is_still_the_html_404():
    response = Client().get("/nulle-part/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_method_the_path_does_not_take_is_a_json_405(bearer):
    response = Client().put("/api/v1/customers", "{}", content_type="application/json", **bearer)

    _assert_error_body(response, 405, METHOD_NOT_ALLOWED)
    assert "POST" in response["Allow"]


def test_a_page_given_multipart_without_a_boundary_is_a_plain_400(salesperson):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(salesperson)
    token = get_token(RequestFactory().get("/"))
    browser.cookies["csrftoken"] = token

    response = browser.generic("POST", "/customers/new/", A_PART, "multipart/form-data", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
