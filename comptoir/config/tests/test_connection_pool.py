"""PostgreSQL connections that hold under concurrency (issue 24): a threaded server takes its connections from
Django's psycopg pool (settings: COMPTOIR_DB_POOL_MAX), so 200 requests at once are served, none a 500, while
PostgreSQL sees no more of this process's connections than the pool holds. Before the pool, each request
thread kept its own connection (CONN_MAX_AGE) and PostgreSQL ran out (« too many clients already »). A request
that waits longer than COMPTOIR_DB_POOL_TIMEOUT for a connection answers 503 with Retry-After, not a 500."""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import OperationalError, connection
from django.test import Client
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from psycopg_pool import PoolTimeout

from comptoir.conftest import issue_token
from comptoir.core.errors import SERVICE_BUSY
from comptoir.customers.tests.factories import make_customer

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's")
REQUESTS = 200
# Besides the pool: nothing else of this process talks to the test database (the watcher is not counted).
OTHER_CONNECTIONS = 2


class WideBacklogServer(ThreadedWSGIServer):
    """Django's threaded server (a thread per request, as runserver and pytest-django's live_server), listening
    with room for every client at once: with its 10, the kernel would refuse some before any reached Django."""

    request_queue_size = REQUESTS


class ThreadedLiveServer(LiveServerThread):
    server_class = WideBacklogServer


@pytest.fixture
def threaded_server(transactional_db):
    server = ThreadedLiveServer("127.0.0.1", _StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()


class ConnectionWatcher(threading.Thread):
    """Counts, every few milliseconds, the server connections to the test database (pg_stat_activity), through
    a connection of its own outside Django, and keeps the highest count."""

    def __init__(self):
        super().__init__(daemon=True)
        settings = connection.settings_dict
        self.conninfo = {"dbname": settings["NAME"], "user": settings["USER"] or None,
                         "password": settings["PASSWORD"] or None, "host": settings["HOST"] or None,
                         "port": settings["PORT"] or None}
        self.peak, self.samples = 0, 0
        self.stop = threading.Event()

    def run(self):
        with psycopg.connect(**{k: v for k, v in self.conninfo.items() if v is not None}, autocommit=True) as watch:
            while not self.stop.is_set():
                (count,) = watch.execute("SELECT count(*) FROM pg_stat_activity "
                                         "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
                self.peak, self.samples = max(self.peak, count), self.samples + 1
                self.stop.wait(0.005)


def _call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None):
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test here
def test_two_hundred_concurrent_requests_stay_within_the_pool(threaded_server, salesperson):
    pool = connection.settings_dict["OPTIONS"].get("pool")
    assert pool, "PostgreSQL connections come from the pool (settings: COMPTOIR_DB_POOL_MAX)"
    make_customer(salesperson, last_name="Tremblay")
    token = issue_token(salesperson)
    # What the fuzzing saw answer 500 once PostgreSQL had no connection left.
    calls = [("GET", "/api/v1/me", token, None),
             ("GET", "/api/v1/settings", token, None),
             ("GET", "/api/v1/customers?q=Tremblay", token, None),
             ("POST", "/api/v1/auth/token", None, {"username": salesperson.username, "password": "Mot-de-passe-42"})]
    start = threading.Barrier(REQUESTS)

    def one(i):
        start.wait()
        method, path, bearer, body = calls[i % len(calls)]
        return _call(threaded_server, method, path, bearer, body)

    watcher = ConnectionWatcher()
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=REQUESTS) as executor:
            statuses = Counter(executor.map(one, range(REQUESTS)))
    finally:
        watcher.stop.set()
        watcher.join(timeout=10)

    assert statuses == {200: REQUESTS}
    assert watcher.samples > 10
    assert 1 <= watcher.peak <= pool["max_size"] + OTHER_CONNECTIONS, watcher.peak
    print(f"\n{REQUESTS} concurrent requests: {dict(statuses)}, at most {watcher.peak} connections to PostgreSQL "
          f"(pool max_size {pool['max_size']}, {watcher.samples} samples)")


def test_a_request_that_finds_no_free_connection_is_a_503_to_retry(monkeypatch):
    # # given every connection of the pool busy for COMPTOIR_DB_POOL_TIMEOUT seconds (as Django raises it)
    def pool_exhausted(*args, **kwargs):
        try:
            raise PoolTimeout("couldn't get a connection after 20.00 sec")
        except PoolTimeout as exc:
            raise OperationalError(str(exc)) from exc

    monkeypatch.setattr("comptoir.accounts.auth.token_find_active", pool_exhausted)

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer un-jeton")

    assert response.status_code == 503
    assert response.json() == {"detail": str(SERVICE_BUSY), "errors": []}
    assert response["Retry-After"] == "5"
