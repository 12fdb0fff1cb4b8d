"""Background entry points: the walk-in email leaves from `comptoir worker`."""

from django_tasks import task

from comptoir.walkins.services import walk_in_notify_send


@task()
def walk_in_notify_task(visit_id: int) -> bool:
    return walk_in_notify_send(visit_id=visit_id)
