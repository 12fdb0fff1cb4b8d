"""`comptoir worker` runs what the application enqueues through the django-tasks API."""

import pytest
from django.core.management import call_command
from django_tasks import task

from comptoir.core.models import Tag


@task()
def create_tag(name: str) -> int:
    return Tag.objects.create(name=name).pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_an_enqueued_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = create_tag.enqueue("Printemps 2027")
    assert not Tag.objects.filter(name="Printemps 2027").exists()

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0")

    result.refresh()
    assert result.status.name == "SUCCESSFUL"
    assert Tag.objects.filter(name="Printemps 2027", pk=result.return_value).exists()
