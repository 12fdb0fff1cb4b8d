"""Background entry point: `comptoir worker` runs imports through django-tasks."""

from django_tasks import task

from comptoir.imports.services import import_run


@task()
def import_run_task(job_id: int) -> None:
    import_run(job_id=job_id)
