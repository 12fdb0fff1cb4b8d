"""`comptoir worker`: runs background tasks (the django-tasks database worker), and every few
minutes enqueues the morning-reminder job, which sends each user's email once a day however many
workers run it."""

import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

REMINDER_CHECK_SECONDS = 300


def enqueue_reminders() -> None:
    from comptoir.activities.tasks import reminders_task

    reminders_task.enqueue()


class Command(DatabaseWorkerCommand):
    help = "Run Comptoir's background tasks (email, reminders, imports). Same options as db_worker."

    def handle(self, *args, **options):
        enqueue_reminders()
        if not options.get("batch"):
            stop = threading.Event()

            def tick():
                while not stop.wait(REMINDER_CHECK_SECONDS):
                    close_old_connections()
                    enqueue_reminders()

            threading.Thread(target=tick, name="comptoir-reminders", daemon=True).start()
        return super().handle(*args, **options)
