import pytest

from comptoir.core.models import LostReason, Media, TaskType
from comptoir.core.selectors import reference_resolve
from comptoir.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_fresh_database_holds_the_default_lost_reasons_in_french_and_english(salesperson_api):
    response = salesperson_api.get("/lost-reasons")

    names = {(r["name"], r["name_en"]) for r in response.json()["items"]}
    assert {("Prix", "Price"), ("Financement refusé", "Financing refused"), ("Acheté ailleurs", "Bought elsewhere"),
            ("Sans nouvelles", "No response"), ("Pas intéressé", "Not interested"), ("Autre", "Other")} <= names


def test_a_fresh_database_holds_the_default_media_task_types_and_departments(salesperson_api):
    media = {m["code"] for m in salesperson_api.get("/media").json()["items"]}
    task_types = {t["code"] for t in salesperson_api.get("/task-types").json()["items"]}
    departments = {d["code"] for d in salesperson_api.get("/departments").json()["items"]}

    assert media == {"in_store", "phone", "web_form", "email", "event", "import"}
    assert task_types == {"call", "email", "sms", "meeting", "store_visit", "todo"}
    assert departments == {"sales", "fi", "service", "parts"}


def test_a_list_entry_is_found_by_id_or_exact_name_in_any_language():
    price = LostReason.objects.get(code="price")

    assert reference_resolve(LostReason, price.pk, field="lost_reason") == price
    assert reference_resolve(LostReason, "Prix", field="lost_reason") == price
    assert reference_resolve(LostReason, "Price", field="lost_reason") == price
    assert reference_resolve(Media, "web_form", field="media").code == "web_form"


def test_an_unknown_name_is_refused_on_its_field():
    with pytest.raises(ApplicationError) as refused:
        reference_resolve(LostReason, "Trop cher", field="lost_reason")

    assert refused.value.field == "lost_reason"


def test_the_label_follows_the_request_language(salesperson_api):
    french = salesperson_api.client.get("/api/v1/task-types", HTTP_ACCEPT_LANGUAGE="fr-CA", **salesperson_api.headers)
    english = salesperson_api.client.get("/api/v1/task-types", HTTP_ACCEPT_LANGUAGE="en", **salesperson_api.headers)

    assert french.json()["items"][0]["label"] == "Appel"
    assert english.json()["items"][0]["label"] == "Call"


def test_admin_adds_renames_and_deactivates_a_source(admin_api):
    created = admin_api.post("/sources", {"name": "Salon du VR 2027", "name_en": "RV Show 2027"})
    source_id = created.json()["id"]
    renamed = admin_api.patch(f"/sources/{source_id}", {"name": "Salon VR 2027", "version": 1})
    deactivated = admin_api.patch(f"/sources/{source_id}", {"active": False})

    assert created.status_code == 201
    assert renamed.json()["name"] == "Salon VR 2027"
    assert deactivated.json()["active"] is False
    active_names = [s["name"] for s in admin_api.get("/sources", {"active": "true"}).json()["items"]]
    assert "Salon VR 2027" not in active_names


def test_a_salesperson_cannot_change_a_list(salesperson_api):
    reason = LostReason.objects.get(code="price")

    created = salesperson_api.post("/lost-reasons", {"name": "Couleur"})
    renamed = salesperson_api.patch(f"/lost-reasons/{reason.pk}", {"name": "Prix trop élevé"})

    assert (created.status_code, renamed.status_code) == (403, 403)
    reason.refresh_from_db()
    assert reason.name == "Prix" and not LostReason.objects.filter(name="Couleur").exists()


def test_a_duplicate_name_in_a_list_answers_409(admin_api):
    response = admin_api.post("/lost-reasons", {"name": "Prix"})

    assert response.status_code == 409
    assert LostReason.objects.filter(name="Prix").count() == 1


def test_a_stale_rename_answers_409(admin_api):
    call = TaskType.objects.get(code="call")
    admin_api.patch(f"/task-types/{call.pk}", {"name": "Appel sortant", "version": 1})

    stale = admin_api.patch(f"/task-types/{call.pk}", {"name": "Téléphone", "version": 1})

    assert stale.status_code == 409
    call.refresh_from_db()
    assert call.name == "Appel sortant"


def test_lists_are_searchable(salesperson_api):
    response = salesperson_api.get("/lost-reasons", {"q": "financ"})

    assert [r["code"] for r in response.json()["items"]] == ["financing_refused"]


def test_listing_a_list_costs_the_same_queries_whatever_the_page_size(salesperson_api, django_assert_num_queries):
    salesperson_api.get("/media")

    with django_assert_num_queries(2):  # count + page; the token from the cache (issue 25)
        salesperson_api.get("/media", {"limit": 1})
    with django_assert_num_queries(2):
        salesperson_api.get("/media", {"limit": 6})


def test_error_messages_follow_the_request_language():
    from comptoir.conftest import ApiClient

    english = ApiClient().client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    polish = ApiClient().client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="pl").json()

    assert english["detail"].startswith("Authentication required")
    assert polish["detail"].startswith("Wymagane uwierzytelnienie")
