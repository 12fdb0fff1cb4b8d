"""DESIGN (Running): one command runs the whole product. `comptoir serve` starts the web server and the
background worker together, a task queued through it is done without a second command, the worker's
links use the address served, and Ctrl-C stops both; when either dies the other is stopped too."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks import task

from comptoir.core.management.commands.serve import Command as Serve
from comptoir.core.net import free_port, wait_listening

COMPTOIR = str(Path(sys.executable).with_name("comptoir"))
DONE_WITHIN_SECONDS = 30


@task()
def public_url_task() -> str:
    """Run by the worker child: the address its emails' links start with."""
    return settings.COMPTOIR_PUBLIC_URL


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _healthz(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def empty_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COMPTOIR_PUBLIC_URL", "HOST", "PORT")}
    database = tmp_path / "comptoir.sqlite3"
    env.update({"COMPTOIR_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{database}",
                "DJANGO_SETTINGS_MODULE": "comptoir.config.settings.dev"})
    subprocess.run([COMPTOIR, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=120)
    return env, database


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the children")
def test_serve_runs_the_worker_beside_the_web_and_ctrl_c_stops_both(empty_database):
    env, database = empty_database
    port = free_port()
    serve = subprocess.Popen([COMPTOIR, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                              "--no-collectstatic"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    children = []
    try:
        wait_listening(port, serve, seconds=60)
        children = _children(serve.pid)
        assert len(children) == 2  # gunicorn's arbiter and the worker

        # when: a task is queued by another process, as a page or the API would
        queued = subprocess.run([COMPTOIR, "shell", "-v", "0", "-c", "from comptoir.core.tests.test_serve import public_url_task;"
                                 " print(public_url_task.enqueue().id)"],
                                env=env, check=True, capture_output=True, text=True, timeout=60)
        task_id = queued.stdout.split()[-1].replace("-", "")
        queued_at = time.monotonic()

        # then: the worker child does it, with the address served for its links
        row = None
        with sqlite3.connect(database) as db:
            while time.monotonic() - queued_at < DONE_WITHIN_SECONDS:
                row = db.execute("SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
                                 (task_id,)).fetchone()
                if row and row[0] in ("SUCCESSFUL", "FAILED"):
                    break
                time.sleep(0.2)
        took = time.monotonic() - queued_at
        print(f"queued → done: {took:.1f} s")
        assert row is not None and row[0] == "SUCCESSFUL", row
        assert json.loads(row[1]) == f"http://127.0.0.1:{port}"
        assert _healthz(port) == {"status": "ok", "worker": "ok"}

        # when: Ctrl-C
        serve.send_signal(signal.SIGINT)
        code = serve.wait(timeout=45)

        # then: both are gone, cleanly, and the worker no longer counts as alive
        assert code == 0, serve.stderr.read().decode()[-2000:]
        assert not [pid for pid in children if _alive(pid)]
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT COUNT(*) FROM core_workerheartbeat").fetchone() == (0,)
    finally:
        for pid in [serve.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait(timeout=10)


def test_when_one_child_dies_the_other_is_stopped_and_serve_fails(capsys):
    started = time.monotonic()

    code = Serve().supervise({"web": [sys.executable, "-c", "import time; time.sleep(60)"],
                              "worker": [sys.executable, "-c", "import sys; sys.exit(3)"]}, dict(os.environ))

    assert code == 3
    assert time.monotonic() - started < 20  # the sleeper was stopped, not waited for


def test_a_stop_signal_stops_every_child_and_serve_succeeds():
    # SIGTERM to this process, as `kill` or systemd sends it, once the children run
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()

    code = Serve().supervise({"web": [sys.executable, "-c", "import time; time.sleep(60)"],
                              "worker": [sys.executable, "-c", "import time; time.sleep(60)"]}, dict(os.environ))

    assert code == 0
    assert time.monotonic() - started < 20
