"""`comptoir serve`: production-style server (gunicorn, several workers, whitenoise static)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)


class Command(BaseCommand):
    help = "Serve Comptoir with gunicorn (several workers); static files through whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, timeout, no_collectstatic, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "comptoir.config.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--timeout", str(timeout),
            "--access-logfile", "-",
            # Several servers may run on one machine (tests, demo); none needs gunicornc.
            "--no-control-socket",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Comptoir: http://{host}:{port}/ ({workers} workers)")
        self.stdout.flush()
        os.execv(sys.executable, argv)
