import pytest

from comptoir.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_french_by_default(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert 'lang="fr-ca"' in response.content.decode()
    assert "Se connecter" in response.content.decode()


def test_the_login_page_speaks_english_and_polish_when_asked(client):
    english = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    polish = client.get("/login/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    assert "Se connecter" not in english and "Log in" in english
    assert "Se connecter" not in polish and "Zaloguj się" in polish


def test_a_user_signs_in_and_lands_on_the_home_page(client):
    user = UserFactory(first_name="Gaston")

    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Gaston" in response.content.decode()


def test_a_wrong_password_stays_on_the_login_page_with_a_message(client):
    user = UserFactory()

    response = client.post("/login/", {"username": user.username, "password": "nope"})

    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user(client):
    assert client.get("/").status_code == 302
    assert client.get("/team/").url.startswith("/login/")


def test_the_language_switch_keeps_the_choice(client, salesperson):
    client.force_login(salesperson)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")

    assert 'lang="en"' in response.content.decode()


def test_the_team_search_answers_only_rows_to_htmx(client, salesperson):
    UserFactory(first_name="Versie", last_name="Hillebrand")
    client.force_login(salesperson)

    partial = client.get("/team/", {"q": "hilleb"}, HTTP_HX_REQUEST="true").content.decode()
    page = client.get("/team/", {"q": "hilleb"}).content.decode()

    assert "Hillebrand" in partial and "<html" not in partial
    assert "Hillebrand" in page and "<html" in page and "htmx.min.js" in page


def test_only_admins_reach_the_django_admin(client, salesperson, admin):
    client.force_login(salesperson)
    assert client.get("/admin/").status_code == 302

    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/core/sitesettings/1/change/").status_code == 200


def test_repeated_sign_in_attempts_on_the_page_are_throttled_with_429(monkeypatch, salesperson):
    from django.test import Client

    from comptoir.accounts.views import LOGIN_THROTTLE

    monkeypatch.setattr(LOGIN_THROTTLE, "num_requests", 2)
    client = Client()
    statuses = [client.post("/login/", {"username": salesperson.username, "password": "faux"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "Trop de tentatives" in client.post("/login/", {"username": "x", "password": "y"}).content.decode()
    # A flood of web-form leads from the same address does not use up its sign-in attempts.
    from comptoir.accounts.api import TOKEN_THROTTLE
    from comptoir.leads.api import WEB_FORM_THROTTLE

    assert len({LOGIN_THROTTLE.scope, TOKEN_THROTTLE.scope, WEB_FORM_THROTTLE.scope}) == 3


def test_a_forwarded_for_header_written_by_the_client_does_not_escape_the_sign_in_limit(monkeypatch,
                                                                                       salesperson):
    from django.test import Client

    from comptoir.accounts.views import LOGIN_THROTTLE

    monkeypatch.setattr(LOGIN_THROTTLE, "num_requests", 2)
    client = Client()
    statuses = [client.post("/login/", {"username": salesperson.username, "password": "faux"},
                            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


def test_check_deploy_is_clean_with_the_production_settings():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "comptoir.config.settings.prod",
           "SECRET_KEY": "x" * 60 + "-production-key-long-and-random-enough", "ALLOWED_HOSTS": "crm.concession.example"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "comptoir", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
