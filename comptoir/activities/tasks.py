"""Background entry points of activities: the morning reminders, run by `comptoir worker`."""

from django_tasks import task

from comptoir.activities.services import reminders_send_due


@task()
def reminders_task() -> int:
    return reminders_send_due()
