"""The public contract: OpenAPI snapshot, docs page, settings the issue names."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from comptoir.config.api import api

SNAPSHOT = Path(__file__).with_name("openapi.json")


def test_the_openapi_document_matches_the_snapshot():
    """A failure here is an API contract change: if intended, `make openapi` and a changelog line."""
    current = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), sort_keys=True, default=str))

    assert current == json.loads(SNAPSHOT.read_text())


@pytest.mark.django_db
def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/users", "/api/v1/lost-reasons", "/api/v1/settings"} <= set(paths)


def test_time_zone_and_languages_are_the_ones_design_names():
    assert settings.TIME_ZONE == "America/Toronto" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "fr-ca"
    assert [code for code, _name in settings.LANGUAGES] == ["fr-ca", "en", "pl"]


def test_debug_is_off_unless_asked():
    assert settings.DEBUG is False
