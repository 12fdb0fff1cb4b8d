"""`comptoir worker`: runs background tasks (the django-tasks database worker). Every minute it also
enqueues the delivery of due messages (retries, throttled bulk sends, messages a dead worker left),
and every five the morning-reminder job, which sends each user's email once a day however many
workers run it."""

import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

TICK_SECONDS = 60
REMINDER_EVERY_TICKS = 5


def enqueue_periodic(tick: int) -> None:
    from comptoir.activities.tasks import reminders_task
    from comptoir.messaging.tasks import deliver_due_task

    deliver_due_task.enqueue()
    if tick % REMINDER_EVERY_TICKS == 0:
        reminders_task.enqueue()


class Command(DatabaseWorkerCommand):
    help = "Run Comptoir's background tasks (email, reminders, imports). Same options as db_worker."

    def handle(self, *args, **options):
        enqueue_periodic(0)
        if not options.get("batch"):
            stop = threading.Event()

            def tick():
                count = 0
                while not stop.wait(TICK_SECONDS):
                    count += 1
                    close_old_connections()
                    enqueue_periodic(count)

            threading.Thread(target=tick, name="comptoir-periodic", daemon=True).start()
        return super().handle(*args, **options)
