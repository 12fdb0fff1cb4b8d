"""API throughput under `comptoir serve` (gunicorn, as in production), driven from other processes on
loopback: the card, the customer and opportunity lists, conversion and the email ratio, each beside its
floor — the same answer written by hand in plain Django (comptoir.bench.floor), served by the same server
with the same token. /healthz (no session, no database) is printed beside, for scale."""

import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comptoir.core.net import free_port, wait_listening

SECONDS = 8
CLIENTS = 4


def _hammer(args) -> tuple[int, int, str]:
    """One client process: requests one after another for `seconds`; answers (ok, failed, the first failure)."""
    port, path, token, seconds = args
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    ok = failed = 0
    first = ""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            ok += response.status == 200
            if response.status != 200:
                failed += 1
                first = first or f"{response.status} {body[:200]!r}"
        except OSError as error:
            failed += 1
            first = first or repr(error)
        finally:
            connection.close()
    return ok, failed, first


def _rate(port: int, path: str, token: str | None, seconds: float, clients: int) -> float:
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.map(_hammer, [(port, path, token, 1.0)] * clients)  # warm every web worker
        started = time.perf_counter()
        results = pool.map(_hammer, [(port, path, token, seconds)] * clients)
        elapsed = time.perf_counter() - started
    ok, failed = sum(r[0] for r in results), sum(r[1] for r in results)
    if failed:
        raise RuntimeError(f"{path}: {failed} failed requests, the first: {next(r[2] for r in results if r[2])}")
    return ok / elapsed


def _pairs(customer_id: int, month: str) -> list[tuple[str, str, str]]:
    """Each endpoint measured, beside its hand-written floor (comptoir.bench.floor)."""
    return [
        ("GET /customers/{id}", f"/api/v1/customers/{customer_id}", f"/bench-floor/customers/{customer_id}"),
        ("GET /customers?limit=50", "/api/v1/customers?limit=50", "/bench-floor/customers?limit=50"),
        ("GET /opportunities?limit=50", "/api/v1/opportunities?limit=50", "/bench-floor/opportunities?limit=50"),
        ("GET /analytics/conversion?by=salesperson", "/api/v1/analytics/conversion?by=salesperson&from={from_}",
         "/bench-floor/conversion?by=salesperson"),
        (f"GET /analytics/email-ratio?month={month}", f"/api/v1/analytics/email-ratio?month={month}",
         f"/bench-floor/email-ratio?month={month}"),
    ]


def _get(port: int, path: str, token: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
    return json.loads(body)


def same_data(endpoint, floor, *, path: str) -> None:
    """The floor answers what its endpoint does: the same keys, the same rows in the same order, the same
    counts (a floor that did less would flatter nothing but itself)."""
    def shape(answer):
        if isinstance(answer, dict) and "items" in answer:
            return answer["count"], [(item["id"], sorted(item)) for item in answer["items"]]
        if isinstance(answer, dict) and "groups" in answer:
            # The hand SQL answers its groups in no order: compared as sets.
            return sorted(((str(group["key"]), group["won"], group["lost"], group["open"])
                           for group in answer["groups"]))
        if isinstance(answer, dict) and "by_salesperson" in answer:
            return answer["overall"], [(row["user"], row["created"], row["with_valid_email"])
                                       for row in answer["by_salesperson"]]
        return answer["id"], sorted(answer), answer.get("phones"), answer.get("tags"), answer.get("sure_duplicates")

    expected, found = shape(endpoint), shape(floor)
    if expected != found:
        raise RuntimeError(f"the floor of {path} does not answer the same data: {found!r:.400} ≠ {expected!r:.400}")


def run(*, token: str, customer_id: int, log, seconds: float = SECONDS, clients: int = CLIENTS) -> list[dict]:
    """Each endpoint's throughput beside its hand-written floor, served by the same gunicorn (the bench's
    settings add the floor's URLs), the same token, one after the other."""
    port = free_port()
    env = {**os.environ, "COMPTOIR_TOKEN_THROTTLE": "100000/m", "DJANGO_SETTINGS_MODULE": "comptoir.bench.settings",
           "COMPTOIR_BENCH_SETTINGS": settings.SETTINGS_MODULE}
    server = subprocess.Popen([sys.executable, "-m", "comptoir", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--no-collectstatic", "--no-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    today = timezone.localdate()
    month = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
    try:
        wait_listening(port, server)
        bare = _rate(port, "/healthz", None, seconds, clients)
        log(f"  /healthz: {bare:.0f} requests/s")
        results = []
        for label, path, floor_path in _pairs(customer_id, month):
            path = path.replace("{from_}", f"{today - timedelta(days=364):%Y-%m-%d}")
            same_data(_get(port, path, token), _get(port, floor_path, token), path=path)
            rate = _rate(port, path, token, seconds, clients)
            floor = _rate(port, floor_path, token, seconds, clients)
            log(f"  {label}: {rate:.0f} requests/s, hand-written {floor:.0f} ({rate / floor:.2f}×)")
            results.append({"figure": f"API {label}", "value": rate, "unit": "req/s", "floor": floor,
                            "floor_label": "hand-written .values()", "goal": "≥ 0.7× hand-written",
                            "meets": rate >= 0.7 * floor, "bare_json": bare})
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)
