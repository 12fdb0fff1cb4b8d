"""The dealer's identity in the settings (DESIGN, Running): through the API and the admin, with its
registration numbers written one way, and its logo checked as an image."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core.models import SiteSettings
from comptoir.core.selectors import site_settings_get
from comptoir.core.services import BAD_GST, BAD_QST, LOGO_NOT_AN_IMAGE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(size=(120, 40)) -> bytes:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", size, "red").save(data, "PNG")
    return data.getvalue()


def test_the_dealers_identity_round_trips_with_its_numbers_written_one_way(admin_api, salesperson_api):
    response = admin_api.patch("/settings", {
        "dealer_legal_name": " 9123-4567 Québec inc. ", "dealer_trade_name": "Sports Motorisés des Laurentides",
        "dealer_address": "1250, boulevard du Curé-Labelle", "dealer_city": "Saint-Jérôme", "dealer_province": "qc",
        "dealer_postal_code": "j7z5t3", "dealer_phone": "450 555-0142", "dealer_email": "Ventes@SMLaurentides.ca",
        "dealer_website": "www.smlaurentides.ca", "gst_number": "123456789rt0001",
        "qst_number": "1234567890-TQ-0001", "dealer_permit": "C-04512"})

    assert response.status_code == 200, response.content
    read = salesperson_api.get("/settings").json()
    assert {key: read[key] for key in ("dealer_legal_name", "dealer_province", "dealer_postal_code", "dealer_email",
                                       "gst_number", "qst_number", "dealer_permit", "dealer_logo")} == {
        "dealer_legal_name": "9123-4567 Québec inc.", "dealer_province": "QC", "dealer_postal_code": "J7Z 5T3",
        "dealer_email": "ventes@smlaurentides.ca", "gst_number": "123456789 RT0001",
        "qst_number": "1234567890 TQ0001", "dealer_permit": "C-04512", "dealer_logo": False}
    assert site_settings_get().dealer_trade_name == "Sports Motorisés des Laurentides"


@pytest.mark.parametrize("payload,field,message", [
    ({"gst_number": "12345678 RT0001"}, "gst_number", BAD_GST),
    ({"gst_number": "123456789 TQ0001"}, "gst_number", BAD_GST),
    ({"qst_number": "123456789 TQ0001"}, "qst_number", BAD_QST),
])
def test_a_bad_registration_number_answers_422_and_changes_nothing(admin_api, payload, field, message):
    admin_api.patch("/settings", {"dealer_trade_name": "Motos Laval", "gst_number": "123456789 RT0001"})
    before = admin_api.get("/settings").json()

    response = admin_api.patch("/settings", {"dealer_trade_name": "Autre nom", **payload})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["detail"] == str(message)
    assert admin_api.get("/settings").json() == before


def test_a_registration_number_is_cleared_with_an_empty_text(admin_api):
    admin_api.patch("/settings", {"gst_number": "123456789 RT0001"})

    response = admin_api.patch("/settings", {"gst_number": ""})

    assert response.status_code == 200 and response.json()["gst_number"] == ""


def test_an_admin_uploads_the_logo_and_a_file_that_is_not_an_image_is_refused(admin_api):
    refused = admin_api.upload("/settings/logo", logo=SimpleUploadedFile("logo.png", b"<svg>pas une image</svg>"))
    assert refused.status_code == 422
    assert refused.json() == {"detail": str(LOGO_NOT_AN_IMAGE),
                              "errors": [{"field": "logo", "message": str(LOGO_NOT_AN_IMAGE)}]}
    assert not SiteSettings.objects.get().dealer_logo

    accepted = admin_api.upload("/settings/logo", logo=SimpleUploadedFile("Notre logo.png", _png()))

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["dealer_logo"] is True
    stored = SiteSettings.objects.get().dealer_logo
    assert stored.name.startswith("dealer/") and stored.read() == _png()


def test_replacing_the_logo_removes_the_old_file_and_only_an_admin_may(admin_api, salesperson_api,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_api.upload("/settings/logo", logo=SimpleUploadedFile("a.png", _png()))
    first = SiteSettings.objects.get().dealer_logo
    storage, first_name = first.storage, first.name

    forbidden = salesperson_api.upload("/settings/logo", logo=SimpleUploadedFile("b.png", _png((60, 20))))
    with django_capture_on_commit_callbacks(execute=True):
        replaced = admin_api.upload("/settings/logo", logo=SimpleUploadedFile("b.png", _png((60, 20))))
    with django_capture_on_commit_callbacks(execute=True):
        removed = admin_api.delete("/settings/logo")

    assert forbidden.status_code == 403
    assert replaced.status_code == 200 and not storage.exists(first_name)
    assert removed.status_code == 200 and removed.json()["dealer_logo"] is False
    assert not SiteSettings.objects.get().dealer_logo


def test_the_admin_shows_the_dealer_in_its_own_fieldset(admin):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    model_admin = site._registry[SiteSettings]
    request = RequestFactory().get("/")
    request.user = admin

    fieldsets = dict(model_admin.get_fieldsets(request))

    assert "gst_number" in fieldsets["Concession"]["fields"]
    assert "dealer_logo" in fieldsets["Concession"]["fields"]
    assert "gst_number" not in fieldsets[None]["fields"] and "currency" in fieldsets[None]["fields"]
