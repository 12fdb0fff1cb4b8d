"""Imports: what spreadsheets write is read, every row obeys the services' rules, refused rows are
reported by line with nothing of them written, duplicates follow `on_duplicate`, and a killed run
resumes without repeating a batch."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.customers.models import Customer, CustomerPhone
from comptoir.customers.services import BAD_PHONE, FAKE_EMAIL
from comptoir.customers.tests.factories import make_customer
from comptoir.imports import services
from comptoir.imports.models import ImportJob, ImportRowError

pytestmark = pytest.mark.django_db

ROWS = [
    ["Prénom", "Nom", "Courriel", "Téléphone", "Code postal"],
    ["Marie-Ève", "Tremblay", "marie@exemple.ca", "514 555-0101", "H2X 1Y4"],
    ["Jean", "Côté", "jean@exemple.ca", "", ""],
    ["Zoé", "Gagnon", "", "(819) 555-0199", "J1H 5N4"],
]


def _csv(rows, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def _upload(content: bytes, name="clients.csv"):
    return SimpleUploadedFile(name, content)


def _import(actor, content, kind="customers", name="clients.csv", **options):
    return services.import_start(actor=actor, upload=_upload(content, name), kind=kind, **options)


def _names():
    return sorted(Customer.objects.values_list("first_name", "last_name"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_an_import_reads_each_encoding_a_spreadsheet_writes(admin, encoding):
    job = _import(admin, _csv(ROWS, encoding=encoding))

    assert (job.status, job.created_count, job.error_count) == ("done", 3, 0)
    assert _names() == sorted([("Jean", "Côté"), ("Marie-Ève", "Tremblay"), ("Zoé", "Gagnon")])


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_an_import_detects_the_delimiter(admin, delimiter):
    job = _import(admin, _csv(ROWS, delimiter=delimiter))

    assert job.delimiter == delimiter
    assert job.created_count == 3
    assert Customer.objects.get(first_name="Marie-Ève").postal_code == "H2X 1Y4"


def test_an_xlsx_workbook_imports_like_a_csv(admin):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in ROWS:
        sheet.append(row)
    sheet.append(["Luc", "Roy", None, 5145550123, None])  # a phone typed as a number
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = _import(admin, buffer.getvalue(), name="clients.xlsx")

    assert (job.file_format, job.created_count, job.error_count) == ("xlsx", 4, 0)
    assert CustomerPhone.objects.get(customer__first_name="Luc").e164 == "+15145550123"


def test_imported_customers_have_media_import_and_count_for_nobodys_email_ratio(admin):
    _import(admin, _csv(ROWS))

    customers = Customer.objects.all()
    assert set(customers.values_list("channel", "media__code", "points_lost")) == {("import", "import", 0)}


def test_bad_rows_are_reported_by_line_and_nothing_of_them_is_written(admin, make_api):
    rows = ROWS + [["Paul", "Roy", "aucun@test.com", "", ""], ["", "", "x@exemple.ca", "", ""],
                   ["Eve", "Roy", "", "12", ""]]

    job = _import(admin, _csv(rows))

    assert (job.created_count, job.error_count, job.rows_done, job.total_rows) == (3, 3, 6, 6)
    errors = list(ImportRowError.objects.filter(job=job).values_list("line", "field"))
    assert errors == [(5, "email"), (6, "last_name"), (7, "phones.0.number")]
    assert not Customer.objects.filter(last_name="Roy").exists()
    assert str(FAKE_EMAIL % {"pattern": "test.com"}) in ImportRowError.objects.get(line=5).message
    assert str(BAD_PHONE % {"number": "12"}) in ImportRowError.objects.get(line=7).message
    report = make_api(admin).get(f"/imports/{job.pk}/errors.csv")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:4] == ["Ligne", "Champ", "Message", "Prénom"]  # the reader's language, the file's columns
    assert [line[0] for line in lines[1:]] == ["5", "6", "7"]


def test_a_dry_run_counts_what_would_happen_and_keeps_nothing(admin):
    job = _import(admin, _csv(ROWS + [["Paul", "Roy", "aucun@test.com", "", ""]]), dry_run=True)

    assert (job.status, job.created_count, job.error_count) == ("done", 3, 1)
    assert not Customer.objects.exists()


@pytest.mark.parametrize("existing, row", [
    ({"phones": [{"number": "514-555-0101"}], "email": ""}, ["Marie", "T.", "", "+1 514 555 0101", ""]),
    ({"email": "marie@exemple.ca"}, ["Marie", "Autre", "MARIE@exemple.ca", "", ""]),
    ({"email": "", "postal_code": "h2x1y4", "first_name": "Marie-Eve", "last_name": "TREMBLAY"},
     ["Marie-Ève", "Tremblay", "", "", "H2X 1Y4"]),
])
def test_a_duplicate_by_phone_email_or_name_and_postal_code_is_skipped(admin, existing, row):
    make_customer(admin, **existing)

    job = _import(admin, _csv([ROWS[0], row]))

    assert (job.created_count, job.skipped_count) == (0, 1)
    assert Customer.objects.count() == 1


def test_on_duplicate_update_fills_the_existing_customer(admin):
    customer = make_customer(admin, first_name="Marie", last_name="Tremblay", email="marie@exemple.ca")

    job = _import(admin, _csv([ROWS[0], ["Marie", "Tremblay", "marie@exemple.ca", "819 555-0100", "J1H 5N4"]]),
                  on_duplicate="update")

    customer.refresh_from_db()
    assert (job.updated_count, job.created_count) == (1, 0)
    assert customer.postal_code == "J1H 5N4"
    assert list(customer.phones.values_list("e164", flat=True)) == ["+18195550100"]


def test_on_duplicate_create_creates_anyway(admin):
    make_customer(admin, email="marie@exemple.ca")

    job = _import(admin, _csv(ROWS), on_duplicate="create")

    assert job.created_count == 3
    assert Customer.objects.filter(email="marie@exemple.ca").count() == 2


def test_the_same_person_twice_in_one_file_is_created_once(admin):
    job = _import(admin, _csv(ROWS + [["Marie-Ève", "Tremblay", "marie@exemple.ca", "", ""]]))

    assert (job.created_count, job.skipped_count) == (3, 1)


def test_a_killed_worker_leaves_no_half_batch_and_a_rerun_resumes(admin, settings, monkeypatch):
    from comptoir.imports import kinds

    settings.COMPTOIR_IMPORT_BATCH_ROWS = 2
    rows = [ROWS[0]] + [[f"Client{n}", "Essai", f"client{n}@exemple.ca", "", ""] for n in range(7)]
    real = kinds.CustomersHandler.__call__
    calls = []

    def dies_in_third_batch(self, batch):
        calls.append(len(batch))
        outcomes = real(self, batch)  # the batch's rows are written...
        if len(calls) == 3:
            raise KeyboardInterrupt  # ...and the worker is killed before the batch commits
        return outcomes

    monkeypatch.setattr(kinds.CustomersHandler, "__call__", dies_in_third_batch)
    with pytest.raises(KeyboardInterrupt):
        _import(admin, _csv(rows))
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, Customer.objects.count()) == ("running", 4, 4)

    monkeypatch.setattr(kinds.CustomersHandler, "__call__", real)
    again = _import(admin, _csv(rows))  # the same file sent again resumes the unfinished run

    assert again.pk == job.pk
    assert (again.status, again.rows_done, again.created_count) == ("done", 7, 7)
    assert Customer.objects.count() == 7
    assert ImportJob.objects.count() == 1


def test_the_mapping_is_guessed_from_french_or_english_headers(admin):
    header = ["First Name", "NOM DE FAMILLE", "E-mail", "Cellulaire", "Ville", "No DMS", "Remarque"]

    job = services.import_upload(actor=admin, upload=_upload(_csv([header, ["a"] * 7])), kind="customers")

    assert job.mapping == {"First Name": "first_name", "NOM DE FAMILLE": "last_name", "E-mail": "email",
                           "Cellulaire": "phone_mobile", "Ville": "city", "No DMS": "external_id",
                           "Remarque": ""}


def test_a_mapping_naming_an_unknown_field_or_column_is_refused_and_nothing_runs(admin_api):
    for mapping in ({"Prénom": "salaire"}, {"Âge": "first_name"}, {"Courriel": "email"}):
        response = admin_api.upload("/imports", file=_upload(_csv(ROWS)), kind="customers",
                                    mapping=json.dumps(mapping))
        assert response.status_code == 422, response.content
        assert response.json()["errors"]
    assert not ImportJob.objects.exists() and not Customer.objects.exists()


def test_the_api_imports_and_reports_progress(admin_api):
    response = admin_api.upload("/imports", file=_upload(_csv(ROWS)), kind="customers",
                                mapping=json.dumps({"Prénom": "first_name", "Nom": "last_name", "Courriel": "email"}))

    assert response.status_code == 201, response.content
    created = response.json()
    detail = admin_api.get(f"/imports/{created['id']}").json()
    assert (detail["status"], detail["total"], detail["done"], detail["created"], detail["errors"]) == \
        ("done", 3, 3, 3, 0)
    assert not CustomerPhone.objects.exists()  # the phone column was left out of the mapping


def test_a_salesperson_may_not_import_users_and_sees_only_their_imports(salesperson_api, admin_api):
    refused = salesperson_api.upload("/imports", file=_upload(_csv([["username"], ["paul"]])), kind="users")
    mine = admin_api.upload("/imports", file=_upload(_csv(ROWS)), kind="customers").json()

    assert refused.status_code == 403
    assert salesperson_api.get(f"/imports/{mine['id']}").status_code == 404
    assert salesperson_api.get(f"/imports/{mine['id']}/errors.csv").status_code == 404


def test_an_empty_or_unreadable_file_is_a_422(admin_api):
    empty = admin_api.upload("/imports", file=_upload(b""), kind="customers")
    garbage = admin_api.upload("/imports", file=_upload(b"PK\x03\x04garbage", name="x.xlsx"), kind="customers")

    assert (empty.status_code, garbage.status_code) == (422, 422)
    assert not ImportJob.objects.exists()


def test_products_import_with_decimal_prices_and_match_on_a_rerun(admin):
    from decimal import Decimal

    from comptoir.catalog.models import Product

    content = _csv([["Produit", "Série", "Prix"], ["GTX Pro", "GTX", "4821.50"], ["MG Special", "MG", "55"]])

    first = _import(admin, content, kind="products")
    second = _import(admin, _csv([["Produit", "Prix"], ["gtxpro", "4900"]]), kind="products", on_duplicate="update")

    assert (first.created_count, second.updated_count) == (2, 1)
    assert Product.objects.get(name="gtxpro").unit_price == Decimal("4900.00")
    assert Product.objects.get(code="MG-SPECIAL").unit_price == Decimal("55.00")


def test_users_import_by_full_name_with_role_labels(admin):
    from comptoir.accounts.models import User

    content = _csv([["Nom complet", "Rôle", "Département"], ["Anna Snelling", "vendeuse", "sales"],
                    ["Paul Roy", "pilote", "sales"]])

    job = _import(admin, content, kind="users")

    assert (job.created_count, job.error_count) == (1, 1)
    assert User.objects.get(username="anna.snelling").role == "salesperson"


def test_opportunities_import_obeys_the_status_rules(admin):
    from comptoir.sales.models import Opportunity
    from comptoir.sales.services import LOST_NEEDS_REASON
    from comptoir.sales.tests.factories import make_pipeline

    customer = make_customer(admin, external_id="DMS-1")
    make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=False)
    content = _csv([["Client", "Processus", "Statut", "Montant", "Coût", "Date de création", "Date de fermeture",
                     "Raison de perte"],
                    ["DMS-1", "Neufs", "gagnée", "24999.99", "21000", "2025-01-10", "2025-02-01", ""],
                    ["DMS-1", "Neufs", "perdue", "", "", "2025-01-10", "2025-02-01", ""],
                    ["DMS-1", "Neufs", "won", "100", "", "2025-01-10", "2025-02-01", ""],
                    [str(customer.pk), "Neufs", "lost", "", "", "2025-01-10", "2025-01-20", "Prix"]])

    job = _import(admin, content, kind="opportunities")

    assert (job.created_count, job.error_count) == (2, 2)
    assert str(LOST_NEEDS_REASON) in ImportRowError.objects.get(job=job, line=3).message
    won = Opportunity.objects.get(status="won")
    assert (str(won.amount), won.sale_date.isoformat(), won.media.code) == ("24999.99", "2025-02-01", "import")
    assert won.number.startswith("VN-2025-")


def test_an_imported_open_deal_never_lands_in_an_archived_stage(admin):
    from comptoir.sales.models import Opportunity
    from comptoir.sales.services import stage_update
    from comptoir.sales.tests.factories import make_pipeline

    make_customer(admin, external_id="DMS-1")
    pipeline = make_pipeline(admin, name="Neufs", prefix="VN", stages=("Nouveau", "Ancienne étape"))
    old = pipeline.stages.get(name="Ancienne étape")
    stage_update(actor=admin, pipeline_id=pipeline.pk, stage_id=old.pk, archived=True)
    content = _csv([["Client", "Processus", "Étape", "Statut", "Montant", "Coût", "Date de création",
                     "Date de fermeture"],
                    ["DMS-1", "Neufs", "Ancienne étape", "ouverte", "", "", "2025-01-10", ""],
                    ["DMS-1", "Neufs", "Ancienne étape", "gagnée", "100", "80", "2025-01-10", "2025-02-01"]])

    job = _import(admin, content, kind="opportunities")

    assert (job.created_count, job.error_count) == (1, 1)
    assert Opportunity.objects.get().status == "won"  # a closed deal's history may sit in it


def test_a_second_run_of_the_same_import_stops_when_the_first_is_ahead(admin, settings):
    settings.COMPTOIR_IMPORT_BATCH_ROWS = 2
    rows = [ROWS[0]] + [[f"Client{n}", "Essai", f"client{n}@exemple.ca", "", ""] for n in range(6)]
    job = _import(admin, _csv(rows), enqueue=False)

    def the_other_run_commits_a_batch(current):
        if current.rows_done == 2:
            ImportJob.objects.filter(pk=current.pk).update(rows_done=4)

    stopped = services.import_run(job_id=job.pk, on_progress=the_other_run_commits_a_batch)

    assert (stopped.status, stopped.rows_done, Customer.objects.count()) == ("running", 4, 2)


def test_an_empty_salesperson_cell_leaves_the_default_and_refuses_nothing(admin, salesperson):
    # the default is customer_create's: the person entering it, when they work customers of their own
    content = _csv([["Prénom", "Nom", "Vendeur"], ["Marie", "Tremblay", ""],
                    ["Jean", "Roy", salesperson.username], ["Luc", "Côté", "personne.inconnue"]])

    job = _import(admin, content)

    assert (job.created_count, job.error_count) == (2, 1)
    assert Customer.objects.get(first_name="Jean").salesperson == salesperson
    assert Customer.objects.get(first_name="Marie").salesperson == admin


def test_an_old_excel_file_or_an_image_is_refused_before_any_row(admin_api):
    from comptoir.imports.readers import OLD_EXCEL

    xls = admin_api.upload("/imports", file=_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                                                    name="vieux.xls"), kind="customers")
    png = admin_api.upload("/imports", file=_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="photo.csv"),
                           kind="customers")

    assert (xls.status_code, png.status_code) == (422, 422)
    assert xls.json()["detail"] == str(OLD_EXCEL)
    assert not ImportJob.objects.exists()


def test_refused_rows_speak_the_language_of_whoever_launched_the_import(admin):
    from django.utils import translation

    from comptoir.customers.services import BAD_EMAIL

    with translation.override("en"):
        job = _import(admin, _csv([["Prénom", "Nom", "Courriel"], ["Marie", "Roy", "pas-un-courriel"]]))
        english = str(BAD_EMAIL)

    assert ImportRowError.objects.get(job=job).message == english != "Adresse courriel invalide."
