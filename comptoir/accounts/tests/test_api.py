import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comptoir.accounts.models import ApiToken, User
from comptoir.accounts.tests.factories import PASSWORD, UserFactory
from comptoir.conftest import ApiClient
from comptoir.core.errors import AUTHENTICATION_REQUIRED, INVALID_DATA, UNREADABLE_BODY

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "slepage", "password": "Motoneige-2027", "first_name": "Sophie", "last_name": "Lepage",
    "email": "sophie@example.com", "role": "salesperson", "department": "sales", "location": None,
}


def test_a_token_is_exchanged_for_username_and_password_and_opens_the_api():
    user = UserFactory()
    anonymous = ApiClient()

    response = anonymous.post("/auth/token", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["user"] == user.pk
    me = ApiClient(response.json()["token"]).get("/me")
    assert me.status_code == 200 and me.json()["username"] == user.username


def test_a_wrong_password_answers_401_with_the_contract_body():
    user = UserFactory()

    response = ApiClient().post("/auth/token", {"username": user.username, "password": "nope"})

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("path", ["/users", "/me", "/lost-reasons", "/settings"])
def test_every_call_without_a_token_answers_401(path):
    response = ApiClient().get(path)

    assert response.status_code == 401
    assert response.json() == {"detail": str(AUTHENTICATION_REQUIRED), "errors": []}


def test_repeated_token_requests_are_throttled_with_429(monkeypatch):
    from comptoir.accounts.api import TOKEN_THROTTLE

    monkeypatch.setattr(TOKEN_THROTTLE, "num_requests", 2)
    anonymous = ApiClient()
    statuses = [anonymous.post("/auth/token", {"username": "x", "password": "y"}).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_an_unknown_token_answers_401():
    assert ApiClient("not-a-real-token").get("/me").status_code == 401


def test_a_revoked_token_no_longer_opens_the_api(salesperson, make_api):
    api = make_api(salesperson)

    assert api.delete("/auth/token").status_code == 204

    assert api.get("/me").status_code == 401
    assert ApiToken.objects.get(user=salesperson).revoked_at is not None


def test_a_deactivated_users_token_answers_401(salesperson, make_api):
    api = make_api(salesperson)
    User.objects.filter(pk=salesperson.pk).update(is_active=False)

    assert api.get("/me").status_code == 401


def test_the_ui_session_opens_the_api_and_writes_need_the_csrf_token(client, salesperson):
    client.force_login(salesperson)

    assert client.get("/api/v1/me").status_code == 200
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(salesperson)
    refused = csrf_client.patch(f"/api/v1/users/{salesperson.pk}", '{"first_name": "X"}',
                                content_type="application/json")
    assert refused.status_code in (401, 403)


def test_admin_creates_a_user(admin_api):
    response = admin_api.post("/users", NEW_USER)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("username", "role", "department", "email")} == {
        "username": "slepage", "role": "salesperson", "department": "sales", "email": "sophie@example.com",
    }
    assert "password" not in body
    assert User.objects.get(username="slepage").check_password("Motoneige-2027")


def test_a_salesperson_gets_403_creating_a_user(salesperson_api):
    response = salesperson_api.post("/users", NEW_USER)

    assert response.status_code == 403
    assert response.json()["detail"]
    assert not User.objects.filter(username="slepage").exists()


def test_a_duplicate_username_answers_409(admin_api):
    UserFactory(username="slepage")

    response = admin_api.post("/users", NEW_USER)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "username"


def test_anyone_signed_in_lists_users_by_name(salesperson_api):
    UserFactory(first_name="Anna", last_name="Snelling")
    UserFactory(first_name="Boris", last_name="Gagnon")

    response = salesperson_api.get("/users", {"q": "snell"})

    assert response.status_code == 200
    assert [u["last_name"] for u in response.json()["items"]] == ["Snelling"]
    assert response.json()["count"] == 1


def test_listing_users_costs_the_same_queries_whatever_the_page_size(salesperson_api, django_assert_num_queries):
    UserFactory.create_batch(30)
    salesperson_api.get("/users", {"limit": 1})  # the token's first use records last_used_at and is remembered

    with django_assert_num_queries(2):  # count + page (the token from the cache: issue 25)
        small = salesperson_api.get("/users", {"limit": 2})
    with django_assert_num_queries(2):
        large = salesperson_api.get("/users", {"limit": 30})

    assert len(small.json()["items"]) == 2 and len(large.json()["items"]) == 30


def test_a_limit_over_500_is_refused(salesperson_api):
    response = salesperson_api.get("/users", {"limit": 501})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


@pytest.mark.parametrize("raw", ["not json", "{", "[]", "null", "42", '"text"', '{"username": 1, "password": []}',
                                 '{"username": "ok", "password": "Motoneige-2027", "role": "king"}',
                                 '{"username": "ok", "password": "Motoneige-2027", "department": {"a": 1}}'])
def test_malformed_bodies_answer_4xx_with_the_contract_body_and_change_nothing(admin_api, raw):
    before = User.objects.count()

    response = admin_api.post("/users", raw=raw)

    assert response.status_code in (400, 422)
    assert set(response.json()) == {"detail", "errors"}
    expected = UNREADABLE_BODY if response.status_code == 400 else INVALID_DATA
    assert response.json()["detail"] == str(expected)
    assert User.objects.count() == before


@pytest.mark.parametrize("field,limit", [("username", 150), ("first_name", 150), ("email", 254), ("password", 128)])
def test_strings_over_their_field_limit_answer_422(admin_api, field, limit):
    response = admin_api.post("/users", {**NEW_USER, field: "x" * (limit + 1)})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not User.objects.filter(username="slepage").exists()


def test_a_malformed_email_is_a_422_on_email(admin_api):
    response = admin_api.post("/users", {**NEW_USER, "email": "pas-un-courriel"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "email", "message": "Adresse courriel invalide."}]


def test_a_stale_update_answers_409_and_changes_nothing(admin_api, salesperson):
    first = admin_api.patch(f"/users/{salesperson.pk}", {"last_name": "Roy", "version": 1})
    stale = admin_api.patch(f"/users/{salesperson.pk}", {"last_name": "Côté", "version": 1})

    assert first.status_code == 200 and first.json()["version"] == 2
    assert stale.status_code == 409
    salesperson.refresh_from_db()
    assert salesperson.last_name == "Roy"


def test_an_unknown_user_answers_404(admin_api):
    assert admin_api.get("/users/999999").status_code == 404
    assert admin_api.patch("/users/999999", {"first_name": "X"}).status_code == 404


def test_null_clears_a_users_location(admin_api, salesperson):
    response = admin_api.patch(f"/users/{salesperson.pk}", {"location": None})

    assert response.status_code == 200 and response.json()["location"] is None


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_user_uploads_own_photo(salesperson_api, salesperson, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = salesperson_api.upload(
        f"/users/{salesperson.pk}/photo", photo=SimpleUploadedFile("me.png", _png(), "image/png")
    )

    assert response.status_code == 200
    assert response.json()["photo_url"].endswith(".png")
    salesperson.refresh_from_db()
    assert (tmp_path / salesperson.photo.name).exists()


def test_a_file_that_is_not_an_image_is_refused_as_a_photo(salesperson_api, salesperson, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = salesperson_api.upload(
        f"/users/{salesperson.pk}/photo", photo=SimpleUploadedFile("me.png", b"<script>", "image/png")
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "photo"
    salesperson.refresh_from_db()
    assert not salesperson.photo


def test_a_user_chooses_their_language_and_a_token_without_accept_language_is_answered_in_it(
        salesperson_api, salesperson):
    changed = salesperson_api.patch(f"/users/{salesperson.pk}", {"language": "pl", "version": 1})
    me = salesperson_api.get("/me")

    assert changed.status_code == 200 and changed.json()["language"] == "pl"
    assert me.json()["language"] == "pl" and me["Content-Language"] == "pl"
    assert User.objects.get(pk=salesperson.pk).language == "pl"


def test_an_unknown_language_answers_422_on_language_and_changes_nothing(salesperson_api, salesperson):
    response = salesperson_api.patch(f"/users/{salesperson.pk}", {"language": "de"})

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}
    assert [e["field"] for e in response.json()["errors"]] == ["language"]
    assert User.objects.get(pk=salesperson.pk).language == "fr-ca"


def test_admin_creates_a_user_in_a_language_and_french_is_the_default(admin_api):
    english = admin_api.post("/users", {**NEW_USER, "language": "en"})
    default = admin_api.post("/users", {**NEW_USER, "username": "autre", "email": "autre@example.com"})

    assert english.status_code == 201 and english.json()["language"] == "en"
    assert default.json()["language"] == "fr-ca"
