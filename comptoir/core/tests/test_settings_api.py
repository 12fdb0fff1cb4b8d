from decimal import Decimal

import pytest

from comptoir.core.models import SiteSettings
from comptoir.core.selectors import site_settings_get
from comptoir.core.services import BAD_MATRIX, BAD_REGION, site_settings_update
from comptoir.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_defaults_are_the_ones_design_names(salesperson_api):
    body = salesperson_api.get("/settings").json()

    assert body["default_phone_region"] == "CA"
    assert body["currency"] == "CAD"
    assert body["email_ratio_target_pct"] == "75.00"
    assert [(t["code"], t["rate"]) for t in body["taxes"]] == [("TPS", "5.000"), ("TVQ", "9.975")]
    assert "noemail.com" in body["fake_email_patterns"] and "aucun@*" in body["fake_email_patterns"]
    assert body["status_matrix"]["salesperson"] == {"win": "own", "lose": "own", "suspend": "own", "resume": "own"}


def test_admin_changes_settings_and_every_reader_sees_the_change_at_once(admin_api):
    site_settings_get()  # now cached

    response = admin_api.patch("/settings", {"email_ratio_target_pct": "80", "default_phone_region": "pl"})

    assert response.status_code == 200
    assert site_settings_get().email_ratio_target_pct == Decimal("80")
    assert site_settings_get().default_phone_region == "PL"


def test_a_salesperson_cannot_change_settings(salesperson_api):
    response = salesperson_api.patch("/settings", {"currency": "USD"})

    assert response.status_code == 403
    assert SiteSettings.objects.get().currency == "CAD"


@pytest.mark.parametrize("payload,field", [
    ({"default_phone_region": "ZZ"}, "default_phone_region"),
    ({"currency": "cad"}, "currency"),
    ({"taxes": [{"code": "TPS", "name": "TPS", "rate": "150"}]}, "taxes.0.rate"),
    ({"status_matrix": {"salesperson": {"win": "everyone"}}}, "status_matrix.salesperson.win.[key]"),
    ({"placeholder_email_domain": "pas un domaine"}, "placeholder_email_domain"),
    ({"email_ratio_target_pct": "120"}, "email_ratio_target_pct"),
])
def test_bad_settings_answer_422_on_the_field_and_change_nothing(admin_api, payload, field):
    before = admin_api.get("/settings").json()

    response = admin_api.patch("/settings", payload)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith(field.split(".")[0])
    assert admin_api.get("/settings").json() == before


def test_the_service_refuses_an_unknown_region_and_a_bad_matrix(admin):
    with pytest.raises(ApplicationError) as region:
        site_settings_update(actor=admin, default_phone_region="XX")
    with pytest.raises(ApplicationError) as matrix:
        site_settings_update(actor=admin, status_matrix={"boss": {"win": "any"}})

    assert region.value.message == BAD_REGION
    assert matrix.value.message == BAD_MATRIX


def test_a_stale_settings_update_answers_409(admin_api):
    admin_api.patch("/settings", {"currency": "USD", "version": 1})

    stale = admin_api.patch("/settings", {"currency": "EUR", "version": 1})

    assert stale.status_code == 409
    assert SiteSettings.objects.get().currency == "USD"
