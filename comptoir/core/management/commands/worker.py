"""`comptoir worker`: runs background tasks (the django-tasks database worker)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = "Run Comptoir's background tasks (email, reminders, imports). Same options as db_worker."
