"""`comptoir worker`: runs background tasks (the django-tasks database worker). It also enqueues the
periodic tasks of settings.COMPTOIR_PERIODIC_TASKS, each every N minutes (at start, then on the minutes
N divides): today the delivery of due messages every minute (retries, throttled bulk sends, messages a
dead worker left) and every five the morning-reminder job, which sends each user's email once a day
however many workers run it. The worker names them by dotted path, so core knows none of the apps that
declare them.

DESIGN (Running): it records a heartbeat (host:pid) when it starts and every HEARTBEAT_SECONDS, and
takes it away when it stops cleanly, so managers and /healthz see when tasks wait with no worker alive.
`comptoir serve` starts one beside the web server; production may run it on machines of its own."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from comptoir.core.services import worker_heartbeat_forget, worker_heartbeat_record

TICK_SECONDS = 60
# Well inside the two minutes after which a worker counts as gone (core.selectors.worker_status).
HEARTBEAT_SECONDS = 20

logger = logging.getLogger("comptoir.worker")


def enqueue_periodic(tick: int) -> None:
    """Enqueue the periodic tasks due at this tick (minutes since the worker started), in their order."""
    for path, every_minutes in settings.COMPTOIR_PERIODIC_TASKS:
        if tick % every_minutes == 0:
            import_string(path).enqueue()


def heartbeat(name: str) -> None:
    """One beat; a database busy or away for a moment only delays it (the next one comes soon)."""
    try:
        worker_heartbeat_record(name=name)
    except Exception:  # noqa: BLE001 — the worker keeps running tasks whatever its heartbeat does
        logger.warning("worker %s: heartbeat not recorded", name, exc_info=True)


class Command(DatabaseWorkerCommand):
    help = "Run Comptoir's background tasks (email, reminders, imports). Same options as db_worker."

    def handle(self, *args, **options):
        if options.get("reload") and not options.get("batch") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only restarts the child that works: the child beats and enqueues.
            return super().handle(*args, **options)
        name = f"{socket.gethostname()}:{os.getpid()}"
        batch = bool(options.get("batch"))
        heartbeat(name)
        enqueue_periodic(0)
        stop = threading.Event()

        def tick():
            beats = 0
            try:
                while not stop.wait(HEARTBEAT_SECONDS):
                    beats += 1
                    close_old_connections()
                    heartbeat(name)
                    if not batch and beats * HEARTBEAT_SECONDS % TICK_SECONDS == 0:
                        enqueue_periodic(beats * HEARTBEAT_SECONDS // TICK_SECONDS)
            finally:
                connection.close()

        thread = threading.Thread(target=tick, name="comptoir-periodic", daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            # Ctrl-C, SIGTERM (db_worker exits through SystemExit) or the end of a batch: no longer alive.
            stop.set()
            thread.join(timeout=5)
            try:
                worker_heartbeat_forget(name=name)
            except Exception:  # noqa: BLE001 — it goes stale on its own two minutes later
                logger.warning("worker %s: heartbeat not taken away", name, exc_info=True)
