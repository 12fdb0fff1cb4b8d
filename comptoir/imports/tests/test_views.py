"""Import pages: an upload leads to a preview with the guessed mapping, confirming runs the import
and shows its counts and refused rows, the progress fragment polls only while the run is unfinished,
another person's import stays hidden, and a refused upload re-renders the form with its reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.models import Customer
from comptoir.customers.services import FAKE_EMAIL
from comptoir.imports import services
from comptoir.imports.models import ImportJob, ImportRowError

pytestmark = pytest.mark.django_db

CSV = "Prénom,Nom,Courriel\nMarie,Tremblay,marie@exemple.ca\nJean,Roy,test@test.com\n".encode()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, content=CSV, name="clients.csv", kind="customers"):
    return client.post(reverse("import-list"), {"file": SimpleUploadedFile(name, content), "kind": kind})


def _confirm(client, job, **extra):
    data = {"column": list(job.mapping), "field": list(job.mapping.values()), "on_duplicate": "skip", **extra}
    return client.post(reverse("import-detail", args=[job.pk]), data)


def test_an_upload_leads_to_a_preview_of_its_rows_with_the_guessed_mapping_selected(salesperson):
    client = _client(salesperson)

    response = _upload(client)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-detail", args=[job.pk])
    assert job.confirmed_at is None
    page = client.get(response["Location"]).content.decode()
    for cell in ("Marie", "Tremblay", "marie@exemple.ca", "Jean", "Roy", "test@test.com"):
        assert f"<td>{cell}</td>" in page
    for field in ("first_name", "last_name", "email"):
        assert f'value="{field}" selected' in page
    assert "Lancer l'importation" in page


def test_confirming_runs_the_import_and_shows_its_counts_refused_rows_and_csv_link(salesperson):
    client = _client(salesperson)
    _upload(client)
    job = ImportJob.objects.get()

    response = _confirm(client, job)

    job.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-detail", args=[job.pk])
    assert (job.status, job.created_count, job.error_count) == ("done", 1, 1)
    assert list(Customer.objects.values_list("first_name", flat=True)) == ["Marie"]
    page = client.get(response["Location"]).content.decode()
    refused = ImportRowError.objects.get(job=job)
    assert refused.line == 3
    assert escape(str(FAKE_EMAIL).split("(")[0]) in page  # the rule's own message, test@test.com filled in
    assert escape(refused.message) in page
    csv_url = reverse("api:import_errors_csv", kwargs={"job_id": job.pk})
    assert csv_url in page
    assert client.get(csv_url).status_code == 200  # the signed-in session downloads it


def test_a_refused_mapping_re_renders_the_preview_with_the_reason(salesperson):
    client = _client(salesperson)
    _upload(client)
    job = ImportJob.objects.get()

    response = _confirm(client, job, field=["", "", ""])  # no name column mapped

    job.refresh_from_db()
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert job.confirmed_at is None
    assert not Customer.objects.exists()


def test_the_progress_fragment_polls_while_pending_and_stops_once_done(salesperson):
    client = _client(salesperson)
    _upload(client)
    job = ImportJob.objects.get()
    services.import_confirm(actor=salesperson, job_id=job.pk, mapping=job.mapping, enqueue=False)
    url = reverse("import-progress", args=[job.pk])

    pending = client.get(url).content.decode()
    services.import_run(job_id=job.pk)
    done = client.get(url).content.decode()

    assert 'hx-trigger="every 1s"' in pending
    assert f'hx-get="{url}"' in pending
    assert "hx-trigger" not in done
    assert "<progress" in done


def test_another_persons_import_answers_404(salesperson):
    owner = UserFactory(role="salesperson")
    _upload(_client(owner))
    job = ImportJob.objects.get()
    client = _client(salesperson)

    assert client.get(reverse("import-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("import-progress", args=[job.pk])).status_code == 404
    assert client.post(reverse("import-resume", args=[job.pk])).status_code == 404
    assert _confirm(client, job).status_code == 404
    assert job.file_name not in client.get(reverse("import-list")).content.decode()


def test_an_empty_file_is_refused_with_its_reason_and_creates_nothing(salesperson):
    client = _client(salesperson)

    response = _upload(client, content=b"", name="vide.csv")

    assert response.status_code == 422
    assert escape(str(services.FILE_EMPTY)) in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_list_shows_ones_imports_and_the_nav_links_to_it(salesperson):
    client = _client(salesperson)
    _upload(client)

    page = client.get(reverse("import-list")).content.decode()

    assert "clients.csv" in page
    assert f'href="{reverse("import-list")}"' in page
    assert 'accept=".csv,.xlsx"' in page
