import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/customers", "/customers/facets", "/customers/export"])
def test_empty_filters_keep_everyone_never_a_500(admin_api, path):
    response = admin_api.get(path, {"source": "", "media": "", "salesperson": "", "email_status": "",
                                    "created_from": "", "created_to": "", "tag": "", "unsubscribed": "", "q": ""})
    assert response.status_code in (200, 422), response.content[:300]


@pytest.mark.parametrize("path", ["/customers", "/customers/facets", "/customers/export"])
def test_an_unknown_source_is_a_422_before_anything_is_exported(admin_api, path):
    response = admin_api.get(path, {"source": "0" * 100, "format": "csv"})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "source"
