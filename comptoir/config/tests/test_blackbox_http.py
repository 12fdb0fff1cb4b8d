"""The issue's "done when", as an integrator sees it: a real server, HTTP only.

Starts `comptoir serve` (gunicorn, several workers) on a fresh embedded SQLite database
in a temporary var/ directory, then talks to it with urllib.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from comptoir.core.net import free_port

COMPTOIR = str(Path(sys.executable).with_name("comptoir"))


def _call(base, method, path, body=None, token=None, raw=None):
    data = raw.encode() if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            payload = response.read()
            return response.status, payload, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "COMPTOIR_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings.dev",
        "DJANGO_SUPERUSER_USERNAME": "patron",
        "DJANGO_SUPERUSER_PASSWORD": "Concession-2026",
        "DJANGO_SUPERUSER_EMAIL": "patron@example.com",
    })
    subprocess.run([COMPTOIR, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([COMPTOIR, "createsuperuser", "--noinput"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [COMPTOIR, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("comptoir serve did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield base, var
    os.killpg(process.pid, 15)
    process.wait(timeout=20)


def test_an_integrator_does_the_whole_round_trip_over_http(server):
    base, _var = server

    status, body, _ = _call(base, "POST", "/api/v1/auth/token", {"username": "patron", "password": "Concession-2026"})
    assert status == 200
    admin_token = json.loads(body)["token"]

    new_user = {"username": "jcote", "password": "Quad-Rouge-2026", "first_name": "Julie", "last_name": "Côté",
                "role": "salesperson", "department": "sales"}
    status, body, _ = _call(base, "POST", "/api/v1/users", new_user, admin_token)
    assert status == 201, body

    status, body, _ = _call(base, "POST", "/api/v1/auth/token", {"username": "jcote", "password": "Quad-Rouge-2026"})
    assert status == 200
    token = json.loads(body)["token"]

    status, body, _ = _call(base, "GET", "/api/v1/users?q=c%C3%B4t", token=token)
    assert status == 200 and [u["username"] for u in json.loads(body)["items"]] == ["jcote"]

    status, body, _ = _call(base, "GET", "/api/v1/lost-reasons", token=token)
    assert status == 200 and "Prix" in {r["name"] for r in json.loads(body)["items"]}

    status, body, _ = _call(base, "GET", "/api/v1/users")
    assert status == 401 and set(json.loads(body)) == {"detail", "errors"}


@pytest.mark.parametrize("raw", ["not json", "{", "[]", "null", '{"username": 5, "password": true}'])
def test_bad_bodies_get_a_4xx_never_a_500(server, raw):
    base, _var = server
    _status, body, _ = _call(base, "POST", "/api/v1/auth/token", {"username": "patron", "password": "Concession-2026"})
    token = json.loads(body)["token"]

    status, body, content_type = _call(base, "POST", "/api/v1/users", token=token, raw=raw)

    assert 400 <= status < 500
    assert content_type.startswith("application/json") and set(json.loads(body)) == {"detail", "errors"}


def test_the_login_page_and_the_api_docs_are_served_without_network(server):
    base, _var = server

    login_status, login, _ = _call(base, "GET", "/login/")
    docs_status, docs, _ = _call(base, "GET", "/api/v1/docs")
    asset_status, _asset, asset_type = _call(base, "GET", "/static/ninja/swagger-ui-bundle.js")
    htmx_status, _htmx, _ = _call(base, "GET", "/static/comptoir/vendor/htmx.min.js")

    assert login_status == 200 and "Connexion" in login.decode()
    assert docs_status == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs and b"cdn" not in docs.lower()
    assert asset_status == 200 and "javascript" in asset_type
    assert htmx_status == 200


def test_the_embedded_database_runs_in_wal_mode(server):
    _base, var = server

    with sqlite3.connect(var / "comptoir.sqlite3") as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"
