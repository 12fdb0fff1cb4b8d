"""API throughput under `comptoir serve` (gunicorn, as in production), driven from other processes on
loopback: GET /customers/{id} and GET /opportunities?limit=50 beside /healthz, the cheapest JSON answer
the same server gives (no session, no database): the floor of the ratio."""

import http.client
import multiprocessing
import os
import subprocess
import sys
import time

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


def run(*, token: str, customer_id: int, log, seconds: float = SECONDS, clients: int = CLIENTS) -> list[dict]:
    port = free_port()
    env = {**os.environ, "COMPTOIR_TOKEN_THROTTLE": "100000/m"}
    server = subprocess.Popen([sys.executable, "-m", "comptoir", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--no-collectstatic", "--no-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, server)
        floor = _rate(port, "/healthz", None, seconds, clients)
        log(f"  /healthz: {floor:.0f} requests/s")
        results = []
        for label, path in (("GET /customers/{id}", f"/api/v1/customers/{customer_id}"),
                            ("GET /opportunities?limit=50", "/api/v1/opportunities?limit=50")):
            rate = _rate(port, path, token, seconds, clients)
            log(f"  {label}: {rate:.0f} requests/s")
            results.append({"figure": f"API {label}", "value": rate, "unit": "req/s", "floor": floor,
                            "floor_label": "bare JSON endpoint", "goal": "≥ 0.5× bare",
                            "meets": rate >= 0.5 * floor})
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)
