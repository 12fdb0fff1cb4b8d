"""Nothing keeps state in a process: two `comptoir serve` on two ports and two `comptoir worker` on one
PostgreSQL, with the cache in Redis, behave as one Comptoir (DESIGN: architecture, at scale)."""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.db import connection

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.net import free_port, wait_listening


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes need a server database"),
    pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TASKS = 1000


@pytest.fixture
def environment(tmp_path):
    database = connection.settings_dict
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings.prod",
        "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "SECRET_KEY": "une-clé-partagée-par-toutes-les-machines-" + "x" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "COMPTOIR_VAR_DIR": str(tmp_path / "var"),
        "WEB_CONCURRENCY": "1",
    }


def _call(port: int, method: str, path: str, body=None, token=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def two_servers(environment):
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([sys.executable, "-m", "comptoir", "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--workers", "1", "--no-collectstatic", "--no-worker"], env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for port in ports]
    try:
        for port, server in zip(ports, servers):
            wait_listening(port, server, seconds=20)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def test_a_token_from_one_server_works_on_the_other_and_settings_are_shared(two_servers):
    first, second = two_servers
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    admin = UserFactory(role="admin", username="patron")
    # The servers run the production hashers, not the tests' fast one.
    admin.password = PBKDF2PasswordHasher().encode("Mot-de-passe-42", "selpourlestests")
    admin.save(update_fields=["password"])
    status, body = _call(first, "POST", "/auth/token", {"username": "patron", "password": "Mot-de-passe-42"})
    assert status == 200
    token = body["token"]
    assert _call(second, "GET", "/me", token=token) == (200, _call(first, "GET", "/me", token=token)[1])
    assert _call(second, "GET", "/me", token=token)[1]["id"] == admin.pk

    before = _call(second, "GET", "/settings", token=token)[1]  # the second server has it cached now
    status, _changed = _call(first, "PATCH", "/settings", {"margin_warning_pct": "17.5", "version": before["version"]},
                             token=token)
    assert status == 200
    assert _call(second, "GET", "/settings", token=token)[1]["margin_warning_pct"] == "17.50"

    assert _call(first, "DELETE", "/auth/token", token=token)[0] == 204
    assert _call(second, "GET", "/me", token=token)[0] == 401  # revoked everywhere at once


def test_two_workers_run_a_thousand_queued_tasks_each_exactly_once(environment):
    from django_tasks_db.models import DBTaskResult

    enqueue = ("from comptoir.messaging.tasks import deliver_due_task\n"
               f"for _ in range({TASKS}): deliver_due_task.enqueue()")
    subprocess.run([sys.executable, "-m", "comptoir", "shell", "-c", enqueue], env=environment, check=True,
                   timeout=120)
    assert DBTaskResult.objects.count() == TASKS

    workers = [subprocess.Popen([sys.executable, "-m", "comptoir", "worker", "--batch", "--interval", "0.05",
                                 "--worker-id", f"machine-{n}"], env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    for worker in workers:
        _out, errors = worker.communicate(timeout=600)
        assert worker.returncode == 0, errors[-2000:]

    results = DBTaskResult.objects.filter(task_path="comptoir.messaging.tasks.deliver_due_task")
    assert results.count() >= TASKS  # each worker also enqueued its own periodic run at start
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    runs = [ids for ids in results.values_list("worker_ids", flat=True)]
    assert all(len(ids) == 1 for ids in runs)  # claimed by one worker, run once
    assert {ids[0] for ids in runs} == {"machine-1", "machine-2"}  # and both machines did their share
