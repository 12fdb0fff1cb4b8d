"""Tasks: a call by default, given by the rules of assignment, overdue when past due, completed with
the call's outcome, every change in the timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.activities.models import Task
from comptoir.customers.tests.factories import make_customer
from comptoir.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db


def _due(hours):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def test_a_task_is_a_call_by_default_and_lands_in_the_customers_timeline(salesperson, salesperson_api):
    customer = make_customer(salesperson)

    response = salesperson_api.post("/tasks", {"title": "Rappeler pour l'essai", "customer": customer.pk,
                                               "due_at": _due(2)})

    assert response.status_code == 201, response.content
    task = response.json()
    assert (task["type"], task["assignee"], task["overdue"]) == ("call", salesperson.pk, False)
    assert TimelineEvent.objects.filter(subject_type__model="customer", subject_id=customer.pk, verb="task_created").exists()


def test_overdue_tasks_are_listed_per_user(salesperson, salesperson_api, manager, make_api):
    salesperson_api.post("/tasks", {"title": "En retard", "due_at": _due(-3)})
    salesperson_api.post("/tasks", {"title": "Plus tard", "due_at": _due(3)})

    mine = salesperson_api.get("/tasks", {"overdue": "true"}).json()
    team = make_api(manager).get("/tasks", {"overdue": "true", "assignee": salesperson.pk}).json()

    assert [t["title"] for t in mine["items"]] == ["En retard"] == [t["title"] for t in team["items"]]
    assert mine["items"][0]["overdue"] is True


def test_a_salesperson_gives_tasks_only_to_themselves(salesperson_api, manager):
    response = salesperson_api.post("/tasks", {"title": "Pour le directeur", "assignee": manager.pk, "due_at": _due(1)})

    assert response.status_code == 403
    assert not Task.objects.exists()


def test_completing_a_call_keeps_its_outcome_once(salesperson, salesperson_api):
    customer = make_customer(salesperson)
    task = salesperson_api.post("/tasks", {"title": "Appel", "customer": customer.pk, "due_at": _due(-1)}).json()

    done = salesperson_api.post(f"/tasks/{task['id']}/complete", {"outcome": "Essai réservé samedi"})
    again = salesperson_api.post(f"/tasks/{task['id']}/complete", {})

    assert done.status_code == 200 and done.json()["outcome"] == "Essai réservé samedi"
    assert done.json()["overdue"] is False and done.json()["done_at"]
    assert again.status_code == 409
    assert TimelineEvent.objects.filter(subject_type__model="customer", subject_id=customer.pk, verb="task_completed").count() == 1


def test_another_salespersons_task_is_not_found(salesperson_api, make_api):
    from comptoir.accounts.tests.factories import UserFactory

    task = salesperson_api.post("/tasks", {"title": "Appel", "due_at": _due(1)}).json()
    other = make_api(UserFactory(role="salesperson"))

    assert other.patch(f"/tasks/{task['id']}", {"title": "Volée"}).status_code == 404
    assert other.get("/tasks").json()["count"] == 0


def test_the_task_list_costs_the_same_queries_whatever_its_size(salesperson, salesperson_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    salesperson_api.post("/tasks", {"title": "Appel 0", "due_at": _due(1)})
    with CaptureQueriesContext(connection) as one:
        salesperson_api.get("/tasks")
    for n in range(1, 9):
        salesperson_api.post("/tasks", {"title": f"Appel {n}", "due_at": _due(n)})
    with CaptureQueriesContext(connection) as nine:
        assert salesperson_api.get("/tasks").json()["count"] == 9

    assert 0 < len(nine.captured_queries) <= len(one.captured_queries)
