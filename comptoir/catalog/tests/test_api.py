"""The catalogue's API: admins write through the services, everyone signed in reads."""

import pytest

from comptoir.catalog.models import InventoryUnit, PriceList, Product
from comptoir.catalog.services import SERIAL_TAKEN, product_create

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_product_with_decimal_prices_and_anyone_finds_it(admin_api, salesperson_api):
    created = admin_api.post("/products", {"code": "OUT-700", "name": "Outlander 700", "series": "Can-Am",
                                           "unit_price": "12999.99", "unit_cost": "10400.00"})

    found = salesperson_api.get("/products", {"q": "outlander"}).json()

    assert created.status_code == 201, created.content
    assert (created.json()["unit_price"], created.json()["tax_class"]) == ("12999.99", "standard")
    assert [p["code"] for p in found["items"]] == ["OUT-700"]


def test_a_salesperson_may_not_change_the_catalogue(salesperson_api):
    response = salesperson_api.post("/products", {"code": "X", "name": "X", "unit_price": "1.00"})

    assert response.status_code == 403
    assert not Product.objects.exists()


def test_a_stale_product_update_answers_409_and_a_taken_code_409(admin, admin_api):
    product = product_create(actor=admin, code="A-1", name="Casque", unit_price="199.00")
    product_create(actor=admin, code="B-2", name="Gants", unit_price="49.00")

    fresh = admin_api.patch(f"/products/{product.pk}", {"unit_price": "189.00", "version": 1})
    stale = admin_api.patch(f"/products/{product.pk}", {"unit_price": "179.00", "version": 1})
    taken = admin_api.patch(f"/products/{product.pk}", {"code": "b-2"})

    assert (fresh.status_code, stale.status_code, taken.status_code) == (200, 409, 409)
    assert Product.objects.get(pk=product.pk).unit_price == 189


def test_a_price_list_holds_a_price_per_product(admin, admin_api):
    helmet = product_create(actor=admin, code="A-1", name="Casque", unit_price="199.00")

    created = admin_api.post("/price-lists", {"name": "Salon 2026", "valid_from": "2026-02-01",
                                              "valid_until": "2026-02-28",
                                              "items": [{"product": "a-1", "price": "169.00"}]})
    backwards = admin_api.post("/price-lists", {"name": "Envers", "valid_from": "2026-03-01",
                                                "valid_until": "2026-02-01"})

    assert created.status_code == 201, created.content
    assert created.json()["items"] == [{"product": helmet.pk, "price": "169.00"}]
    assert backwards.status_code == 422
    assert PriceList.objects.count() == 1


def test_inventory_units_are_searched_by_serial_and_filtered_by_status(admin_api, salesperson_api):
    first = admin_api.post("/inventory-units", {"serial": "3jbvgae4xnk000111", "year": 2026, "make": "Can-Am",
                                                "model": "Outlander 700", "lot_location": "A-12", "price": "13499.00"})
    admin_api.post("/inventory-units", {"serial": "1SKIDOO0000222", "make": "Ski-Doo", "model": "MXZ",
                                        "status": "sold"})
    taken = admin_api.post("/inventory-units", {"serial": "3JBVGAE4XNK000111"})

    by_serial = salesperson_api.get("/inventory-units", {"q": "3jbvgae"}).json()
    in_stock = salesperson_api.get("/inventory-units", {"status": "in_stock"}).json()

    assert first.status_code == 201 and first.json()["serial"] == "3JBVGAE4XNK000111"
    assert taken.status_code == 409 and taken.json()["detail"] == str(SERIAL_TAKEN)
    assert [u["model"] for u in by_serial["items"]] == ["Outlander 700"]
    assert in_stock["count"] == 1
    assert InventoryUnit.objects.count() == 2


@pytest.mark.parametrize("path", ["/products", "/price-lists", "/inventory-units"])
def test_catalogue_lists_cost_the_same_queries_whatever_their_size(admin, admin_api, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.catalog.services import inventory_unit_save, price_list_save

    def add(n):
        product = product_create(actor=admin, code=f"P-{n}", name=f"Produit {n}", unit_price="10.00")
        inventory_unit_save(actor=admin, serial=f"SER{n}", make="Can-Am", product=product.pk)
        price_list_save(actor=admin, name=f"Liste {n}", items=[{"product": product.pk, "price": "9.00"}])

    add(0)
    with CaptureQueriesContext(connection) as one:
        admin_api.get(path)
    for n in range(1, 8):
        add(n)
    with CaptureQueriesContext(connection) as eight:
        response = admin_api.get(path)

    assert response.json()["count"] == 8
    assert 0 < len(eight.captured_queries) <= len(one.captured_queries)


def test_a_product_on_a_quote_is_not_deleted_but_an_unused_one_is(admin, admin_api, salesperson_api, salesperson):
    from comptoir.customers.tests.factories import make_customer
    from comptoir.quotes.services import quote_create
    from comptoir.sales.tests.factories import make_opportunity, make_pipeline

    quoted = product_create(actor=admin, code="A-1", name="Casque", unit_price="199.00")
    unused = product_create(actor=admin, code="B-2", name="Gants", unit_price="49.00")
    deal = make_opportunity(salesperson, make_customer(salesperson),
                            make_pipeline(admin, name="Neufs", prefix="VN", requires_quote=True))
    quote_create(actor=salesperson, opportunity_id=deal.pk, variants=[{"lines": [{"product": "A-1"}]}])

    refused = admin_api.delete(f"/products/{quoted.pk}")
    forbidden = salesperson_api.delete(f"/products/{unused.pk}")
    deleted = admin_api.delete(f"/products/{unused.pk}")

    assert (refused.status_code, forbidden.status_code, deleted.status_code) == (409, 403, 204)
    assert list(Product.objects.values_list("code", flat=True)) == ["A-1"]
