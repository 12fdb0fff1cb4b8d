"""Background entry points of sales: the email to a salesperson a deal was given to leaves from `comptoir worker`."""

from django_tasks import task

from comptoir.sales.reassign import reassigned_notify_send


@task()
def opportunity_reassigned_task(opportunity_id: int, user_id: int, by_id: int | None, old_name: str,
                                tasks: int) -> bool:
    return reassigned_notify_send(opportunity_id=opportunity_id, user_id=user_id, by_id=by_id, old_name=old_name,
                                  tasks=tasks)
