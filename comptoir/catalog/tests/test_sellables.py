"""What a quote line may sell, found as a salesperson types it (issue 23, the quote editor): products by
name or code, units for sale by stock number, the end of their VIN, make, model and year; few queries
read from indexes whatever the size of the lot; a unit's cost only for managers."""

import pytest
from django.db import connection

from comptoir.catalog.models import InventoryUnit
from comptoir.catalog.selectors import sellable_search
from comptoir.catalog.services import inventory_unit_save, product_create

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"  # the textbook VIN (check digit X)


@pytest.fixture
def catalogue(admin):
    return {
        "helmet": product_create(actor=admin, code="CASQ-XP", name="Casque intégral Évolution", unit_price="349.00",
                                 unit_cost="190.00"),
        "winch": product_create(actor=admin, code="TR-2500", name="Treuil WARN 2500", unit_price="499.99",
                                unit_cost="300.00", tax_class="standard"),
        "gone": product_create(actor=admin, code="CASQ-OLD", name="Casque ancien", unit_price="99.00", active=False),
    }


@pytest.fixture
def lot(admin):
    def unit(serial, stock, year, make, model, **values):
        return inventory_unit_save(actor=admin, serial=serial, stock_number=stock, year=year, make=make, model=model,
                                   **{"price": "15999.00", "cost": "12000.00", **values})

    return {
        "gti": unit(VIN, "S-100", 2026, "Sea-Doo", "GTI 130"),
        "summit": unit("2BPSUX8A0PV000123", "S-101", 2025, "Ski-Doo", "Summit X 850", price="18999.00"),
        "outlander": unit("3JBLGAT46RJ000001", "U-7", 2024, "Can-Am", "Outlander 700", status="reserved"),
        "sold": unit("HULL-SOLD-0001", "S-102", 2026, "Sea-Doo", "GTI 170", status="sold"),
        "gone": unit("HULL-GONE-0002", "S-103", 2026, "Sea-Doo", "GTX", status="unavailable"),
    }


def _found(results):
    return [(r["kind"], r["code"]) for r in results]


def test_the_product_search_finds_by_name_code_make_model_stock_and_vin_tail(catalogue, lot, manager):
    def search(q):
        return _found(sellable_search(actor=manager, q=q))

    assert search("casque") == [("product", "CASQ-XP")]  # by name, the inactive one left out
    assert search("evolution") == [("product", "CASQ-XP")]  # accents and case ignored
    assert search("tr-25") == [("product", "TR-2500")]  # by the start of its code
    assert search("s-100") == [("unit", "S-100")]  # by stock number, case and dash ignored
    assert search("S10") == [("unit", "S-100"), ("unit", "S-101")]  # sold and unavailable ones are not for sale
    assert search("042788") == [("unit", "S-100")]  # the VIN's last characters, read off a windshield
    assert search("2788") == [("unit", "S-100")]
    assert search(VIN.lower()) == [("unit", "S-100")]  # the whole VIN
    assert search("sea-doo") == [("unit", "S-100")]  # by make
    assert search("Sea-Doo GTI") == [("unit", "S-100")]  # make and model
    assert search("summit x") == [("unit", "S-101")]  # model
    assert search("2025 summit") == [("unit", "S-101")]  # year and model
    assert search("2024 summit") == []
    assert search("outlander") == [("unit", "U-7")]  # a reserved unit is still offered
    assert search("x") == []  # one letter finds nothing yet


def test_a_unit_reads_as_its_year_make_model_vin_tail_and_stock_number(lot, manager):
    [gti] = sellable_search(actor=manager, q="S-100")

    assert gti == {"kind": "unit", "id": lot["gti"].pk, "label": "2026 Sea-Doo GTI 130 — NIV …KP042788 — stock S-100",
                   "code": "S-100", "unit_price": 15999, "unit_cost": 12000, "tax_class": "standard",
                   "status": "in_stock"}


def test_a_units_cost_in_the_search_is_for_managers_only(lot, catalogue, salesperson, manager):
    by_salesperson = sellable_search(actor=salesperson, q="S-100")[0]["unit_cost"]
    by_manager = sellable_search(actor=manager, q="S-100")[0]["unit_cost"]
    product_cost = sellable_search(actor=salesperson, q="casque")[0]["unit_cost"]

    assert (by_salesperson, by_manager, str(product_cost)) == (None, 12000, "190.00")


def test_a_units_search_keys_follow_its_serial_stock_number_make_and_model(lot, admin, manager):
    unit = lot["gti"]
    inventory_unit_save(actor=admin, unit_id=unit.pk, stock_number="N-55", model="RXP-X 325",
                        serial="YDV12345L526")

    unit.refresh_from_db()
    assert (unit.serial_reversed, unit.stock_key, unit.make_key, unit.model_key) == (
        "625l54321vdy", "n55", "seadoorxpx325", "rxpx325")
    assert _found(sellable_search(actor=manager, q="rxp")) == [("unit", "N-55")]
    assert _found(sellable_search(actor=manager, q="L526")) == [("unit", "N-55")]
    assert _found(sellable_search(actor=manager, q="042788")) == []


def test_the_search_costs_the_same_queries_for_two_units_or_sixty(admin, catalogue, manager,
                                                                     django_assert_num_queries):
    def many(count, start):
        for n in range(start, start + count):
            inventory_unit_save(actor=admin, serial=f"HULL{n:08d}", stock_number=f"S-{n}", year=2026,
                                make="Sea-Doo", model="Spark", price="8999.00")

    many(2, 1000)
    # products, units by stock number, by the VIN's end, by make, by model: five queries
    with django_assert_num_queries(5):
        few = sellable_search(actor=manager, q="S-100")
    many(58, 2000)
    with django_assert_num_queries(5):
        lots = sellable_search(actor=manager, q="sea-doo", limit=25)

    assert len(few) == 2 and len(lots) == 25


def test_each_unit_search_reads_its_index(lot, manager):
    """A million units stay fast: every unit query is a range on a (status, key) index, never a scan."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        sellable_search(actor=manager, q="2026 sea-doo gti")
    unit_queries = [q["sql"] for q in captured.captured_queries if "catalog_inventoryunit" in q["sql"]]
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a five-row table: ask whether an index can answer
        for sql in unit_queries:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
            plans.append(" ".join(str(part) for row in cursor.fetchall() for part in row))

    assert len(unit_queries) == 4
    for plan, index in zip(plans, ("unit_stock_key_idx", "unit_serial_tail_idx", "unit_make_key_idx",
                                   "unit_model_key_idx")):
        assert index in plan, plan


def test_the_search_api_answers_what_a_quote_line_needs(catalogue, lot, salesperson_api, make_api, manager):
    response = salesperson_api.get("/sellables", {"q": "casque"})
    units = make_api(manager).get("/sellables", {"q": "S-10"}).json()

    assert response.status_code == 200
    assert response.json() == [{"kind": "product", "id": catalogue["helmet"].pk, "label": "Casque intégral Évolution",
                                "code": "CASQ-XP", "unit_price": "349.00", "unit_cost": "190.00",
                                "tax_class": "standard", "status": None}]
    assert [(u["code"], u["unit_price"], u["unit_cost"]) for u in units] == [
        ("S-100", "15999.00", "12000.00"), ("S-101", "18999.00", "12000.00")]
    assert salesperson_api.get("/sellables", {"q": "S-100"}).json()[0]["unit_cost"] is None


def test_a_search_limit_out_of_bounds_is_a_422_not_a_500(salesperson_api):
    response = salesperson_api.get("/sellables", {"q": "casque", "limit": "500"})

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


def test_units_made_before_the_keys_get_them_from_the_migration(lot):
    from django.db.migrations.executor import MigrationExecutor

    InventoryUnit.objects.update(serial_reversed="", stock_key="", make_key="", model_key="")
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("catalog", "0006_unit_search_keys")
    fill = next(op for op in migration.operations if op.__class__.__name__ == "RunPython")
    state = executor.loader.project_state(("catalog", "0006_unit_search_keys"))
    fill.code(state.apps, None)

    unit = InventoryUnit.objects.get(pk=lot["gti"].pk)
    assert (unit.serial_reversed, unit.stock_key, unit.make_key, unit.model_key) == (
        VIN.lower()[::-1], "s100", "seadoogti130", "gti130")
