"""Issue 22 through the API: POST /customers/{id}/merge with field choices, GET /merges, POST /merges/{id}/undo."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.customers import services
from comptoir.customers.models import Customer, CustomerMerge
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_merge_with_field_choices_answers_the_survivor_with_its_other_names_and_emails(manager, make_api):
    api = make_api(manager)
    keep = make_customer(manager, first_name="Helene", last_name="Cote", email="helene@videotron.ca")
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay", email="hct@gmail.com")

    response = api.post(f"/customers/{keep.pk}/merge", {"other_id": other.pk, "keep": {
        "first_name": "survivor", "last_name": "survivor", "email": "other"}})

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["first_name"], body["last_name"], body["email"]) == (keep.pk, "Helene", "Cote",
                                                                                  "hct@gmail.com")
    assert body["other_names"] == ["Hélène Côté-Tremblay"]
    assert body["other_emails"] == ["helene@videotron.ca"]
    assert body["other_email_statuses"] == {"helene@videotron.ca": "valid"}
    assert body["merge"] == CustomerMerge.objects.get().pk
    found = api.get("/customers", {"q": "cote-tremblay"}).json()
    assert [item["id"] for item in found["items"]] == [keep.pk]


@pytest.mark.parametrize("keep", [{"points_lost": "other"}, {"email": "both"}, {"first_name": None}])
def test_an_unknown_field_choice_answers_422_and_changes_nothing(manager, make_api, keep):
    keep_record, other = make_customer(manager), make_customer(manager, first_name="Autre")

    response = make_api(manager).post(f"/customers/{keep_record.pk}/merge", {"other_id": other.pk, "keep": keep})

    assert response.status_code == 422
    assert response.json()["errors"] and response.json()["detail"]
    other.refresh_from_db()
    assert other.merged_into_id is None and not CustomerMerge.objects.exists()


def test_merges_are_listed_and_a_manager_undoes_one(manager, make_api):
    api = make_api(manager)
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")
    merge = api.post(f"/customers/{keep.pk}/merge", {"other_id": other.pk}).json()["merge"]

    listed = api.get("/merges", {"customer": keep.pk}).json()
    undone = api.post(f"/merges/{merge}/undo")
    again = api.get("/merges", {"customer": other.pk}).json()

    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["kept"], item["merged"], item["undone_at"], item["can_undo"]) == (
        merge, keep.pk, other.pk, None, True)
    assert item["merged_name"] == "Autre Tremblay"
    assert undone.status_code == 200 and undone.json() == {"kept": keep.pk, "restored": other.pk}
    assert again["items"][0]["undone_at"] is not None and again["items"][0]["can_undo"] is False
    assert api.get(f"/customers/{other.pk}").status_code == 200


def test_a_salesperson_may_not_undo_a_merge(salesperson, make_api):
    keep, other = make_customer(salesperson), make_customer(salesperson, first_name="Autre")
    services.customer_merge(actor=salesperson, customer_id=keep.pk, other_id=other.pk)
    merge = CustomerMerge.objects.get()

    response = make_api(salesperson).post(f"/merges/{merge.pk}/undo")

    assert response.status_code == 403 and response.json()["detail"] == str(services.UNDO_FORBIDDEN)
    assert Customer.objects.get(pk=other.pk).merged_into_id == keep.pk


def test_an_undo_after_the_window_or_a_second_time_answers_409(manager, make_api):
    api = make_api(manager)
    keep, other, third = (make_customer(manager, first_name=name) for name in ("Un", "Deux", "Trois"))
    services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk)
    services.customer_merge(actor=manager, customer_id=keep.pk, other_id=third.pk)
    old, recent = CustomerMerge.objects.order_by("pk")
    CustomerMerge.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    too_late = api.post(f"/merges/{old.pk}/undo")
    first = api.post(f"/merges/{recent.pk}/undo")
    second = api.post(f"/merges/{recent.pk}/undo")

    assert too_late.status_code == 409 and "30 jours" in too_late.json()["detail"]
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["detail"] == str(services.UNDO_ALREADY)


def test_an_unknown_merge_or_customer_answers_404(manager, make_api):
    api = make_api(manager)

    assert api.post("/merges/999999/undo").status_code == 404
    assert api.get("/merges", {"customer": 999999}).status_code == 404
