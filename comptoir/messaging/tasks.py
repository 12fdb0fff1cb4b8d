"""Background entry point: `comptoir worker` sends the queued messages (on each new one, and every
minute for retries, throttled ones and those a dead worker left)."""

from django_tasks import task

from comptoir.messaging.services import messages_deliver_due


@task()
def deliver_due_task() -> None:
    messages_deliver_due()
