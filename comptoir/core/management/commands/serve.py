"""`comptoir serve`: the whole product in one command (DESIGN, Running): gunicorn (several workers,
static files through whitenoise) and one `comptoir worker` beside it, so nothing queued waits for a
second command. Ctrl-C (SIGINT) or SIGTERM stops both; when either stops on its own the other is
stopped too and `serve` exits non-zero.

`--no-worker` serves the pages only (production's web machines; `comptoir worker` runs elsewhere).

Links in emails need the address customers reach: unless COMPTOIR_PUBLIC_URL is set, `serve` gives
both children the address it serves (http://HOST:PORT; the machine's name for 0.0.0.0), since the
worker is the one that renders emails."""

import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from comptoir.core.net import served_url

# How long the children get to finish (gunicorn its requests, the worker its task) once asked to stop.
STOP_SECONDS = 30
POLL_SECONDS = 0.2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _die_with_parent(parent: int):
    """In the child, before it runs: if `serve` is killed outright (SIGKILL, OOM), the child gets SIGTERM
    instead of living on as an orphan holding the port (Linux's PR_SET_PDEATHSIG; elsewhere nothing)."""

    def prepare():
        if sys.platform.startswith("linux"):
            try:
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
            except (AttributeError, OSError):
                pass
        if os.getppid() != parent:  # `serve` died before prctl took effect
            os._exit(1)

    return prepare


class Command(BaseCommand):
    help = ("Serve Comptoir with gunicorn (several workers; static files through whitenoise) and run its "
            "background worker beside it (--no-worker: the pages only).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.COMPTOIR_HOST)
        parser.add_argument("--port", type=int, default=settings.COMPTOIR_PORT)
        parser.add_argument("--workers", type=int, default=settings.COMPTOIR_WEB_WORKERS, help="gunicorn's web workers")
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--no-worker", action="store_true",
                            help="Serve the pages only; run `comptoir worker` elsewhere (production).")

    def handle(self, *args, host, port, workers, timeout, no_collectstatic, no_worker, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        if not settings.COMPTOIR_PUBLIC_URL_GIVEN:
            env["COMPTOIR_PUBLIC_URL"] = served_url(host, port)
        web = [
            sys.executable, "-m", "gunicorn", "comptoir.config.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--timeout", str(timeout),
            # Several servers may run on one machine (tests, demo); none needs gunicornc.
            "--no-control-socket",
            "--forwarded-allow-ips", settings.COMPTOIR_FORWARDED_ALLOW_IPS,
            # No --access-logfile: each request's line (method, path, status, duration) is Comptoir's own
            # (core.middleware.RequestLogMiddleware), as under runserver; gunicorn's own errors still show.
        ]
        where = f"http://{host}:{port}/ ({workers} workers"
        if no_worker:
            self.stdout.write(f"Comptoir: {where}; no background worker here)")
            self.stdout.flush()
            os.execve(sys.executable, web, env)
        web += ["--graceful-timeout", str(STOP_SECONDS - 5)]  # its requests end before `serve` gives up
        worker = [sys.executable, "-m", "comptoir", "worker", "--no-reload"]
        self.stdout.write(f"Comptoir: {where} and the background worker); links in emails: "
                          f"{env['COMPTOIR_PUBLIC_URL']}. Ctrl-C stops both.")
        self.stdout.flush()
        sys.exit(self.supervise({"web": web, "worker": worker}, env))

    def supervise(self, commands: dict[str, list[str]], env: dict) -> int:
        """Run the children until one stops or a stop signal comes; then stop the others. The exit code:
        0 when asked to stop and every child stopped cleanly, else the failing child's (at least 1)."""
        asked = []  # the stop signals received, in order

        def on_signal(signum, _frame):
            asked.append(signum)

        previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
        children = {}
        try:
            for name, argv in commands.items():
                # Each child in its own process group: Ctrl-C reaches `serve` alone, which passes it on
                # once (a second SIGINT would make the worker abandon its task).
                children[name] = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, process_group=0,
                                                  preexec_fn=_die_with_parent(os.getpid()))
            failed = None
            while not asked and failed is None:
                for name, child in children.items():
                    if child.poll() is not None:
                        failed = name
                        break
                else:
                    time.sleep(POLL_SECONDS)
            if failed is not None:
                code = children[failed].returncode
                self.stderr.write(f"comptoir serve: the {failed} process stopped (exit {code}); stopping the rest.")
            return self._stop(children, asked, failed)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.kill()
                    child.wait()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop(self, children: dict, asked: list, failed: str | None) -> int:
        """SIGTERM to each child still running (graceful: gunicorn finishes its requests, the worker its
        task); a second Ctrl-C passes SIGINT on (gunicorn quits, the worker abandons its task); after
        STOP_SECONDS, SIGKILL."""
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        seen = len(asked)
        deadline = time.monotonic() + STOP_SECONDS
        while any(child.poll() is None for child in children.values()):
            if time.monotonic() > deadline:
                for child in children.values():
                    if child.poll() is None:
                        child.kill()
                break
            if len(asked) > seen:
                seen = len(asked)
                for child in children.values():
                    if child.poll() is None:
                        child.send_signal(signal.SIGINT)
            time.sleep(POLL_SECONDS)
        for child in children.values():
            child.wait()
        if failed is not None:
            code = children[failed].returncode
            return code if code > 0 else 1  # killed by a signal (negative) or stopped "cleanly": still a failure
        stopped_by_us = {0, -signal.SIGTERM, -signal.SIGINT}
        return 0 if all(child.returncode in stopped_by_us for child in children.values()) else 1
