"""DESIGN (Running): a stale worker (tasks waiting, none seen for two minutes) is shown to managers and
admins on every page, reported by /healthz and on a waiting import; links in emails start with the
address served unless COMPTOIR_PUBLIC_URL says otherwise."""

import socket
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.config.env import public_url
from comptoir.core.models import WorkerHeartbeat
from comptoir.core.net import served_url
from comptoir.core.selectors import worker_status
from comptoir.core.services import worker_heartbeat_forget, worker_heartbeat_record
from comptoir.imports.models import ImportJob, ImportStatus
from comptoir.messaging.tasks import deliver_due_task

pytestmark = pytest.mark.django_db

BANNER = "Aucun traitement en arrière-plan n'est actif"
BANNER_EN = "No background processing is running"
IMPORT_WAITING = "En attente : aucun traitement en arrière-plan n'est actif."
IMPORT_STARTING = "En attente du démarrage…"


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as in production (the tests' default runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _waiting_task(run_after=None):
    return (deliver_due_task.using(run_after=run_after) if run_after else deliver_due_task).enqueue()


def _beat(name: str, seconds_ago: int) -> None:
    WorkerHeartbeat.objects.create(name=name, seen_at=timezone.now() - timedelta(seconds=seconds_ago))


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("my-day"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role, shown", [("admin", True), ("sales_manager", True),
                                         ("salesperson", False), ("reception", False)])
def test_a_stale_worker_is_shown_to_managers_and_admins_only(queue, role, shown):
    # given: a task waits and the last worker was seen three minutes ago
    _waiting_task()
    _beat("atelier:41", seconds_ago=180)

    page = _page(UserFactory(role=role, language="fr-ca"))

    assert (BANNER in page) is shown
    assert ("« comptoir worker »" in page) is shown


def test_the_stale_worker_banner_is_in_the_users_language(queue):
    _waiting_task()

    page = _page(UserFactory(role="sales_manager", language="en"))

    assert BANNER_EN in page and BANNER not in page


def test_a_fresh_heartbeat_shows_no_banner(queue, manager):
    _waiting_task()
    _beat("atelier:41", seconds_ago=30)

    assert BANNER not in _page(manager)
    assert worker_status() == "ok"


def test_no_worker_and_nothing_waiting_is_idle_not_stale(queue, manager):
    # a task due in an hour does not wait yet
    _waiting_task(run_after=timezone.now() + timedelta(hours=1))

    assert worker_status() == "idle"
    assert BANNER not in _page(manager)


def test_healthz_says_stale_while_tasks_wait_without_a_worker_then_ok_once_one_beats(queue, client):
    _waiting_task()

    stale = client.get("/healthz")
    worker_heartbeat_record(name="atelier:41")  # a worker starting clears the cached status
    alive = client.get("/healthz")
    worker_heartbeat_forget(name="atelier:41")
    gone = client.get("/healthz")

    assert (stale.status_code, stale.json()) == (200, {"status": "ok", "worker": "stale"})
    assert (alive.status_code, alive.json()) == (200, {"status": "ok", "worker": "ok"})
    assert (gone.status_code, gone.json()) == (200, {"status": "ok", "worker": "stale"})
    assert not WorkerHeartbeat.objects.exists()


def test_healthz_costs_at_most_two_small_queries_then_none_while_cached(queue, client, django_assert_max_num_queries,
                                                                        django_assert_num_queries):
    _waiting_task()
    with django_assert_max_num_queries(2):
        client.get("/healthz")
    with django_assert_num_queries(0):
        assert client.get("/healthz").json()["worker"] == "stale"


def test_a_heartbeat_is_one_row_per_worker_and_a_dead_workers_old_row_goes():
    _beat("ancien:7", seconds_ago=2 * 24 * 3600)

    worker_heartbeat_record(name="atelier:41")
    worker_heartbeat_record(name="atelier:41")

    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["atelier:41"]


def _pending_import(user) -> ImportJob:
    return ImportJob.objects.create(kind="customers", file="imports/clients.csv", file_name="clients.csv",
                                    file_hash="0" * 64, file_format="csv", confirmed_at=timezone.now(),
                                    created_by=user, status=ImportStatus.PENDING)


def test_a_pending_import_says_no_worker_is_running_when_the_worker_is_stale(queue, salesperson):
    job = _pending_import(salesperson)
    _waiting_task()
    client = Client()
    client.force_login(salesperson)

    detail = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    fragment = client.get(reverse("import-progress", args=[job.pk])).content.decode()

    for page in (detail, fragment):
        assert IMPORT_WAITING in page and IMPORT_STARTING not in page


def test_a_pending_import_waits_for_its_turn_while_a_worker_is_alive(queue, salesperson):
    job = _pending_import(salesperson)
    _waiting_task()
    _beat("atelier:41", seconds_ago=10)
    client = Client()
    client.force_login(salesperson)

    fragment = client.get(reverse("import-progress", args=[job.pk])).content.decode()

    assert IMPORT_STARTING in fragment and IMPORT_WAITING not in fragment


@pytest.mark.parametrize("environment, expected", [
    ({}, "http://127.0.0.1:8000"),
    ({"HOST": "127.0.0.1", "PORT": "8123"}, "http://127.0.0.1:8123"),
    ({"HOST": "::1", "PORT": "8123"}, "http://[::1]:8123"),
    ({"HOST": "0.0.0.0", "PORT": "8123"}, f"http://{socket.gethostname()}:8123"),
    ({"HOST": "0.0.0.0", "PORT": "8123", "COMPTOIR_PUBLIC_URL": "https://crm.concession.example/"},
     "https://crm.concession.example"),
])
def test_links_start_with_the_address_served_unless_the_public_url_is_set(monkeypatch, environment, expected):
    for name in ("HOST", "PORT", "COMPTOIR_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert public_url() == expected


def test_serving_on_every_interface_links_to_the_machines_name():
    assert served_url("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"
    assert served_url("10.0.0.5", 80) == "http://10.0.0.5:80"
