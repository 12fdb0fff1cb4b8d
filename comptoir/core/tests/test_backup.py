import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_the_counts_it_was_taken_with(salesperson, tmp_path):
    if connection.vendor == "postgresql":
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("PostgreSQL client tools are not installed")
    for n in range(3):
        make_customer(salesperson, last_name=f"Avant{n}")
    counts = {model: model.objects.count() for model in (Customer, type(salesperson))}
    path = tmp_path / "sauvegarde.bak"
    call_command("backup", str(path))
    assert path.stat().st_size > 0
    make_customer(salesperson, last_name="Après")
    Customer.objects.filter(last_name="Avant0").update(last_name="Modifié")

    call_command("restore", str(path), yes=True)

    assert {model: model.objects.count() for model in counts} == counts
    assert Customer.objects.filter(last_name="Avant0").exists() and not Customer.objects.filter(last_name="Après")


def test_restoring_a_missing_file_changes_nothing(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "absent.bak"), yes=True)


def test_the_health_check_answers_without_a_session_and_says_how_the_worker_is(db, client,
                                                                              django_assert_max_num_queries):
    # No worker seen and nothing waiting: idle. At most the heartbeat's and the queue's queries.
    with django_assert_max_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "worker": "idle"}
