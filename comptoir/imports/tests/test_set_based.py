"""Issue 25: the customers import's set-based path (keys staged in a temporary table and joined to
the indexes; on PostgreSQL, the next batch read and checked in a thread while the database writes)
gives what the row-by-row path gives on the same file: the same customers with the same phones, emails,
tags, search words and timeline rows, the same refused rows with the same messages, the same counts."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from comptoir.core.models import Tag
from comptoir.customers.models import Customer, CustomerEmail, CustomerPhone, CustomerSearchToken
from comptoir.customers.tests.factories import make_customer
from comptoir.imports import services
from comptoir.imports.models import ImportJob, ImportRowError
from comptoir.timeline.models import TimelineEvent

HEADER = ["No client", "Prénom", "Nom", "Entreprise", "Courriel", "Cellulaire", "Téléphone maison", "Code postal",
          "Étiquettes", "Vendeur", "Remarque"]


def _rows(salesperson) -> list[list[str]]:
    return [
        HEADER,
        # new customers: accents, two phones, tags, a salesperson, a detail column, an address email-validator reads
        ["DMS-1", "Marie-Ève", "Tremblay", "", "marie@exemple.ca", "514 555-0101", "(819) 555-0102 poste 4",
         "H2X 1Y4", "VIP, Bateau", salesperson.username, "client depuis 1998"],
        ["DMS-2", "Zoé", "Gagnon", "Gagnon Marine", "", "", "", "J1H 5N4", "", "", ""],
        ["", "", "", "Côté & Fils ltée", "ÉRIC@Exemple.CA", "418.555.0103", "", "", "Motoneige", "", ""],
        # duplicates of existing customers, by DMS id (before the email of another), phone, email, name +
        # postal code, and the oldest of two
        ["DMS-OLD", "Autre", "Nom", "", "luc@exemple.ca", "", "", "", "", "", ""],
        ["", "Paul", "Roy", "", "", "+1 450 555 0104", "", "", "", "", ""],
        ["", "Luc", "Roy", "", "LUC@exemple.ca", "", "", "J2S 1A1", "", "", ""],
        ["", "Hélène", "COTE", "", "", "", "", "g1r 2b3", "VIP", "", ""],
        ["", "Double", "Courriel", "", "deux@exemple.ca", "", "", "", "", "", ""],
        # refused rows: a fake address, a number nobody can dial, no name, an unknown salesperson, a tag
        # nobody made, a field too long
        ["", "Faux", "Courriel", "", "aucun@test.com", "", "", "", "", "", ""],
        ["", "Mauvais", "Numéro", "", "", "12", "", "", "", "", ""],
        ["", "", "", "", "sansnom@exemple.ca", "", "", "", "", "", ""],
        ["", "Vendeur", "Inconnu", "", "", "", "", "", "", "personne.inconnue", ""],
        ["", "Étiquette", "Inconnue", "", "", "", "", "", "Jamais vue", "", ""],
        ["", "Trop", "Long" * 30, "", "", "", "", "", "", "", ""],
        ["", "Pas", "Courriel", "", "pas-un-courriel", "", "", "", "", "", ""],
        # the same person twice in the file (by phone, then by email), a batch apart and in the same batch
        ["", "Marie", "T.", "", "", "", "+1 (514) 555-0101", "", "", "", ""],
        ["DMS-3", "Jean", "Bouchard", "", "jean@exemple.ca", "", "", "", "", "", ""],
        ["", "Jean", "B.", "", "JEAN@exemple.ca", "", "", "", "", "", ""],
    ]


def _existing(admin):
    """The customers the file meets, made the same way before each path's run."""
    make_customer(admin, first_name="Ancien", last_name="Client", external_id="DMS-OLD")
    make_customer(admin, first_name="Paul", last_name="Roy", phones=[{"number": "450-555-0104"}])
    make_customer(admin, first_name="Lucien", last_name="Roy", email="luc@exemple.ca")
    make_customer(admin, first_name="Helene", last_name="Côté", postal_code="G1R 2B3")
    for first_name in ("Premier", "Second"):  # two customers share an address: the oldest is the duplicate
        make_customer(admin, first_name=first_name, last_name="Courriel", email="deux@exemple.ca")


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def _customer_label(pk, labels: dict) -> str:
    return labels.get(pk, f"unknown #{pk}")


def _everything(job: ImportJob) -> dict:
    """What an import leaves behind, ids and moments aside (the two runs draw different ones)."""
    customers = list(Customer.objects.order_by("pk"))
    # A customer is known by what it holds, in creation order: the same list on both paths.
    labels = {c.pk: f"{n}: {c.first_name} {c.last_name} {c.company} {c.external_id}" for n, c in enumerate(customers)}
    skip = {"id", "created_at", "updated_at"}

    def related(model, *columns, key="customer_id"):
        found: dict = {}
        for row in model.objects.order_by("pk").values_list(key, *columns):
            found.setdefault(row[0], []).append(row[1:])
        return found

    phones = related(CustomerPhone, "kind", "number", "e164", "digits_reversed", "position", "extension")
    emails = related(CustomerEmail, "email", "email_status")
    tokens = related(CustomerSearchToken, "token")
    tags = related(Customer.tags.through, "tag__name")
    events = related(TimelineEvent.objects.filter(subject_type__model="customer").model, "verb", "actor_id", "data",
                     key="subject_id")

    def plain(data):
        # the job's own id differs between the runs
        return {k: ("this import" if k == "import" and v == job.pk else v) for k, v in sorted(data.items())}

    return {
        "counts": (job.status, job.rows_done, job.created_count, job.updated_count, job.skipped_count,
                   job.error_count),
        "refused": list(ImportRowError.objects.filter(job=job).order_by("line").values_list(
            "line", "field", "message", "values")),
        "customers": [
            {**{f.attname: getattr(c, f.attname) for f in Customer._meta.concrete_fields if f.attname not in skip},
             "merged_into_id": _customer_label(c.merged_into_id, labels) if c.merged_into_id else None,
             "phones": phones.get(c.pk, []), "other emails": emails.get(c.pk, []),
             "tokens": sorted(tokens.get(c.pk, [])), "tags": sorted(tags.get(c.pk, [])),
             "timeline": [(verb, actor, plain(data)) for verb, actor, data in events.get(c.pk, [])]}
            for c in customers],
    }


def _import(admin, salesperson, on_duplicate) -> ImportJob:
    upload = SimpleUploadedFile("clients.csv", _csv(_rows(salesperson)))
    return services.import_start(actor=admin, upload=upload, kind="customers", on_duplicate=on_duplicate)


def _run(settings, admin, salesperson, on_duplicate, *, set_based: bool) -> dict:
    """One path's run from the same start, undone afterwards (a savepoint) so the other starts alike."""
    settings.COMPTOIR_IMPORT_SET_BASED = set_based
    with transaction.atomic():
        _existing(admin)
        found = _everything(_import(admin, salesperson, on_duplicate))
        transaction.set_rollback(True)
    return found


@pytest.fixture
def tags(db):
    return [Tag.objects.create(name=name) for name in ("VIP", "Bateau", "Motoneige")]


@pytest.mark.django_db
@pytest.mark.parametrize("on_duplicate", ["skip", "update", "create"])
def test_the_set_based_import_gives_what_the_row_by_row_import_gives(admin, salesperson, tags, settings,
                                                                     on_duplicate):
    settings.COMPTOIR_IMPORT_BATCH_ROWS = 4  # several batches, and file duplicates across two of them

    # when
    row_by_row = _run(settings, admin, salesperson, on_duplicate, set_based=False)
    set_based = _run(settings, admin, salesperson, on_duplicate, set_based=True)

    # then
    assert set_based == row_by_row
    # ...and the file met every rule it was written for, so agreeing proves something
    status, rows, created, updated, skipped, errors = set_based["counts"]
    assert (status, rows, errors) == ("done", 18, 7)
    assert (created, updated, skipped) == {"skip": (4, 0, 7), "update": (4, 6, 1), "create": (11, 0, 0)}[
        on_duplicate]
    assert [line for line, *_rest in set_based["refused"]] == [10, 11, 12, 13, 14, 15, 16]
    oldest, newer = set_based["customers"][4:6]  # the two sharing deux@exemple.ca, in creation order
    assert (oldest["first_name"], newer["first_name"]) == ("Double" if on_duplicate == "update" else "Premier",
                                                           "Second")


def _wipe():
    TimelineEvent.objects.filter(subject_type__model="customer").delete()
    ImportJob.objects.all().delete()
    Customer.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the overlapped run is PostgreSQL's")
# Flushed at the end like every transactional test here, the content types are given back (serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_overlapped_import_gives_what_the_row_by_row_import_gives(admin, salesperson, tags, settings):
    # given: committed batches, so the thread that reads the next one runs (outside a test's transaction)
    settings.COMPTOIR_IMPORT_BATCH_ROWS = 4
    found = {}
    for set_based in (False, True):
        settings.COMPTOIR_IMPORT_SET_BASED = settings.COMPTOIR_IMPORT_OVERLAP = set_based
        _existing(admin)

        # when
        found[set_based] = _everything(_import(admin, salesperson, "update"))
        _wipe()

    # then
    assert found[True] == found[False]
    assert found[True]["counts"] == ("done", 18, 4, 6, 1, 7)
