from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_an_admins_settings_change_is_in_the_audit_log(admin_api, admin):
    version = admin_api.get("/settings").json()["version"]
    assert admin_api.patch("/settings", {"margin_warning_pct": "12.5", "version": version}).status_code == 200
    log = admin_api.get("/audit").json()
    event = log["items"][0]
    assert (event["verb"], event["actor"], event["model"]) == ("settings_updated", admin.pk, "core.sitesettings")
    assert event["data"]["values"] == {"margin_warning_pct": "12.5"}


def test_a_change_in_the_django_admin_is_in_the_audit_log(admin, admin_api, salesperson):
    client = Client()
    client.force_login(admin)
    response = client.post(f"/admin/accounts/user/{salesperson.pk}/delete/", {"post": "yes"})
    assert response.status_code in (200, 302)
    verbs = [(e["verb"], e["object_id"]) for e in admin_api.get("/audit").json()["items"]]
    assert ("admin_site_deleted", salesperson.pk) in verbs


def test_only_an_admin_reads_the_audit_log(salesperson_api, make_api, manager):
    assert salesperson_api.get("/audit").status_code == 403
    assert make_api(manager).get("/audit").status_code == 403


def test_the_audit_log_costs_the_same_queries_whatever_its_length(admin_api):
    admin_api.post("/sources", {"name": "Salon 2026"})
    with CaptureQueriesContext(connection) as one:
        admin_api.get("/audit")
    for n in range(5):
        admin_api.post("/sources", {"name": f"Salon {n}"})
    with CaptureQueriesContext(connection) as many:
        assert admin_api.get("/audit").json()["count"] >= 6
    assert 0 < len(many) <= len(one)
