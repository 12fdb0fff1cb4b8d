"""Issue 22 on the pages: the comparison field by field, the merge with the choices made, the kept card's
other names, other emails and « Fusions » with « Annuler la fusion »."""

import pytest

from comptoir.customers.models import Customer, CustomerMerge, Note
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def test_the_merge_page_shows_both_records_field_by_field_and_never_the_placeholder(as_manager, manager):
    keep = make_customer(manager, first_name="Helene", last_name="Cote", no_email=True)
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay", email="helene@videotron.ca")
    Note.objects.create(customer=other, author=manager, body="Rappeler")

    page = as_manager.get(f"/customers/{keep.pk}/compare/{other.pk}/").content.decode()

    assert "nomail_" not in page and "aucun courriel" in page
    assert 'name="keep_last_name" value="survivor"' in page
    assert 'name="keep_last_name" value="other" checked' in page  # the newer record's by default
    assert 'name="keep_email"' not in page  # a placeholder is no value to choose
    assert "Autres noms" in page and "Helene Cote" in page  # what the kept record will also keep
    assert "Notes : <strong>1</strong>" in page
    assert ">Fusionner</button>" in page


def test_changing_a_choice_shows_what_the_kept_record_will_keep(as_manager, manager):
    keep = make_customer(manager, first_name="Helene", last_name="Cote")
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay")

    page = as_manager.get(f"/customers/{keep.pk}/compare/{other.pk}/",
                          {"keep_first_name": "survivor", "keep_last_name": "survivor"},
                          headers={"HX-Request": "true"}).content.decode()

    summary = page[page.index('id="merge-summary"'):]
    assert "Hélène Côté-Tremblay" in summary and "Helene Cote" not in summary


def test_the_merge_page_merges_with_the_choices_made(as_manager, manager):
    keep = make_customer(manager, first_name="Helene", last_name="Cote")
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay")

    response = as_manager.post(f"/customers/{keep.pk}/compare/{other.pk}/",
                               {"keep_first_name": "survivor", "keep_last_name": "survivor"})

    assert response["Location"] == f"/customers/{keep.pk}/"
    keep.refresh_from_db()
    assert (keep.first_name, keep.last_name) == ("Helene", "Cote")
    assert [str(alias) for alias in keep.aliases.all()] == ["Hélène Côté-Tremblay"]


def test_the_kept_card_shows_other_names_emails_and_its_merges_with_undo_for_a_manager(as_manager, manager):
    keep = make_customer(manager, first_name="Helene", last_name="Cote", email="helene@videotron.ca")
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay", email="hct@gmail.com",
                          city="Orford")
    as_manager.post(f"/customers/{keep.pk}/compare/{other.pk}/", {"keep_email": "survivor"})

    card = as_manager.get(f"/customers/{keep.pk}/").content.decode()

    assert "Autres noms" in card and "Helene Cote" in card
    assert "Autres courriels" in card and "hct@gmail.com" in card
    assert "Fusions" in card and f"/customers/merges/{CustomerMerge.objects.get().pk}/undo/" in card
    assert "Annuler la fusion" in card


def test_a_salesperson_sees_the_merges_but_not_the_undo(client, salesperson):
    keep, other = make_customer(salesperson), make_customer(salesperson, first_name="Autre")
    client.force_login(salesperson)
    client.post(f"/customers/{keep.pk}/compare/{other.pk}/")

    card = client.get(f"/customers/{keep.pk}/").content.decode()
    refused = client.post(f"/customers/merges/{CustomerMerge.objects.get().pk}/undo/", follow=True)

    assert "Fusions" in card and "Annuler la fusion" not in card
    assert "Seuls un directeur des ventes ou un administrateur" in refused.content.decode()
    assert Customer.objects.get(pk=other.pk).merged_into_id == keep.pk


def test_undo_from_the_card_gives_back_the_merged_record_and_its_url(as_manager, manager):
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")
    as_manager.post(f"/customers/{keep.pk}/compare/{other.pk}/")
    merged_url = as_manager.get(f"/customers/{other.pk}/")

    response = as_manager.post(f"/customers/merges/{CustomerMerge.objects.get().pk}/undo/", follow=True)

    assert merged_url["Location"] == f"/customers/{keep.pk}/"  # while merged, its URL leads to the kept one
    assert response.redirect_chain[-1][0] == f"/customers/{keep.pk}/"
    page = response.content.decode()
    assert "Fusion annulée" in page and "voir la fiche rétablie" in page and "Annuler la fusion" not in page
    assert as_manager.get(f"/customers/{other.pk}/").status_code == 200
