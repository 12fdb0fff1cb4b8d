"""Units on the lot: the DMS's feed, VINs, where a unit stands, and which deal holds or sold it."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.catalog.models import InventoryUnit, UnitStatus
from comptoir.catalog.services import inventory_unit_move, inventory_unit_save
from comptoir.catalog.vin import BAD_VIN, serial_clean, vin_check_digit
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.services import opportunity_change_status, opportunity_update
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"  # the textbook VIN: its check digit is X


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


@pytest.fixture
def unit(admin):
    return inventory_unit_save(actor=admin, serial=VIN, stock_number="S-100", year=2026, make="Sea-Doo",
                               model="GTI 130", price="15999.00", lot_location="A-1")


def _won(actor, deal):
    return opportunity_change_status(actor=actor, opportunity_id=deal.pk, status="won", amount="15999.00",
                                     cost="12000.00")


# --- VIN ------------------------------------------------------------------------------------------

def test_a_north_american_vin_needs_its_check_digit():
    assert vin_check_digit(VIN) == "X" and serial_clean(VIN.lower()) == VIN
    with pytest.raises(ApplicationError) as refused:
        serial_clean("1M8GDM9A1KP042788")  # one character off at the check digit
    assert refused.value.message == BAD_VIN and refused.value.field == "serial"


def test_other_serials_are_kept_as_typed():
    assert serial_clean(" wvwzzz1jzxw000001 ") == "WVWZZZ1JZXW000001"  # European: no check digit
    assert serial_clean("yamx1234b626") == "YAMX1234B626"  # a hull number


def test_a_unit_with_a_wrong_vin_is_refused_by_the_api(admin_api):
    response = admin_api.post("/inventory-units", {"serial": "1M8GDM9A1KP042788"})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "serial"
    assert not InventoryUnit.objects.exists()


# --- Selling it -------------------------------------------------------------------------------------

def test_a_sold_unit_cannot_be_sold_again(salesperson, pipeline, unit, salesperson_api):
    first = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit=unit.pk)
    second = make_opportunity(salesperson, make_customer(salesperson, first_name="Autre"), pipeline,
                              unit=VIN)
    _won(salesperson, first)

    with pytest.raises(Conflict):
        _won(salesperson, second)
    late = salesperson_api.post("/opportunities", {"customer": second.customer_id, "pipeline": pipeline.pk,
                                                   "unit": "S-100"})

    unit.refresh_from_db()
    second.refresh_from_db()
    assert unit.status == UnitStatus.SOLD and second.status == "open"
    assert late.status_code == 409 and first.number in late.json()["detail"]


def test_reopening_the_sale_puts_the_unit_back_in_stock(salesperson, manager, pipeline, unit):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit=unit.pk)
    _won(salesperson, deal)

    opportunity_change_status(actor=manager, opportunity_id=deal.pk, status="open")

    unit.refresh_from_db()
    assert unit.status == UnitStatus.IN_STOCK


def test_a_unit_on_another_open_deal_shows_who_holds_it(salesperson, pipeline, unit, make_api):
    rival = UserFactory(first_name="Rita", last_name="Rivard")
    held = make_opportunity(rival, make_customer(rival), pipeline, unit=unit.pk)
    api = make_api(salesperson)

    found = api.get("/inventory-units", {"q": "042788"}).json()["items"]
    deals = api.get(f"/inventory-units/{unit.pk}/opportunities").json()

    assert [(h["number"], h["salesperson"], h["status"]) for h in found[0]["holders"]] == [
        (held.number, "Rita Rivard", "open")]
    assert deals[0]["number"] == held.number and deals[0]["customer_name"] is None  # not theirs to open


def test_the_unit_card_lists_every_deal_that_touched_it(client, salesperson, pipeline, unit):
    lost = make_opportunity(salesperson, make_customer(salesperson, first_name="Perdu"), pipeline, unit=unit.pk)
    Opportunity.objects.filter(pk=lost.pk).update(status="lost", closed_at=timezone.now(), lost_reason_id=1)
    sold = make_opportunity(salesperson, make_customer(salesperson, first_name="Vendu"), pipeline, unit=unit.pk)
    _won(salesperson, sold)
    client.force_login(salesperson)

    html = client.get(f"/catalog/units/{unit.pk}/").content.decode()

    assert lost.number in html and sold.number in html and "Vendu" in html


# --- Where it stands ---------------------------------------------------------------------------------

def test_a_salesperson_moves_a_unit_and_the_move_is_kept(admin, salesperson, unit, salesperson_api):
    response = salesperson_api.post(f"/inventory-units/{unit.pk}/move", {"lot_location": "Salle d'exposition",
                                                                          "version": unit.version})
    history = salesperson_api.get(f"/inventory-units/{unit.pk}/locations").json()

    assert response.status_code == 200 and response.json()["lot_location"] == "Salle d'exposition"
    assert [(h["from_location"], h["to_location"], h["changed_by"]) for h in history] == [
        ("A-1", "Salle d'exposition", salesperson.pk), ("", "A-1", admin.pk)]


def test_a_stale_move_answers_409(salesperson, unit):
    inventory_unit_move(actor=salesperson, unit_id=unit.pk, lot_location="B-2", version=unit.version)

    with pytest.raises(Conflict):
        inventory_unit_move(actor=salesperson, unit_id=unit.pk, lot_location="C-3", version=unit.version)


# --- The DMS's feed ------------------------------------------------------------------------------------

def _feed(tmp_path, rows, name="dms.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Stock #", "VIN", "Year", "Make", "Model", "Color", "Status", "Cost", "Price", "Lot"])
        writer.writerows(rows)
    return path


ROWS = [
    ["S-1", VIN, "2026", "Sea-Doo", "GTI 130", "Blanc", "In stock", "12000.00", "15999.00", "A-1"],
    ["S-2", "11111111111111111", "2025", "Can-Am", "Outlander", "Rouge", "In stock", "9000", "11999", "B-4"],
    ["S-3", "YAMX1234B626", "2024", "Yamaha", "VX", "Bleu", "Reserved", "", "13999,00", ""],
]


def _sync(path) -> str:
    out = io.StringIO()
    call_command("sync-inventory", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_resynced_feed_updates_does_not_duplicate_and_marks_missing_units_unavailable(admin, tmp_path):
    _sync(_feed(tmp_path, ROWS))
    moved = [row[:] for row in ROWS[:2]]
    moved[0][9] = "Salle"  # the DMS moved S-1; S-3 left the feed

    summary = _sync(_feed(tmp_path, moved, "dms-2.csv"))

    units = {u.stock_number: u for u in InventoryUnit.objects.all()}
    assert InventoryUnit.objects.count() == 3
    assert (units["S-1"].lot_location, units["S-1"].status) == ("Salle", "in_stock")
    assert units["S-3"].status == UnitStatus.UNAVAILABLE
    assert units["S-1"].location_changes.filter(to_location="Salle", changed_by=None).exists()
    assert "unavailable  1" in summary


def test_the_same_feed_twice_changes_nothing(admin, tmp_path):
    path = _feed(tmp_path, ROWS)
    _sync(path)
    versions = dict(InventoryUnit.objects.values_list("serial", "version"))

    summary = _sync(_feed(tmp_path, ROWS, "again.csv"))

    assert dict(InventoryUnit.objects.values_list("serial", "version")) == versions
    assert "created  0" in summary and "updated  0" in summary and "skipped  3" in summary


def test_a_feed_with_a_refused_row_marks_nothing_unavailable(admin, tmp_path):
    _sync(_feed(tmp_path, ROWS))
    broken = [ROWS[0], ["S-9", "1M8GDM9A1KP042788", "2026", "Sea-Doo", "RXP", "", "", "", "", ""]]

    _sync(_feed(tmp_path, broken, "broken.csv"))

    assert not InventoryUnit.objects.filter(status=UnitStatus.UNAVAILABLE).exists()


def test_a_unit_the_crm_sold_stays_sold_whatever_a_lagging_feed_says(admin, salesperson, pipeline, tmp_path):
    _sync(_feed(tmp_path, ROWS))
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit="S-1")
    _won(salesperson, deal)

    _sync(_feed(tmp_path, ROWS, "lagging.csv"))

    assert InventoryUnit.objects.get(stock_number="S-1").status == UnitStatus.SOLD


def test_a_dms_puts_one_unit_by_its_own_id_twice_and_nothing_changes(admin_api):
    body = {"serial": VIN, "stock_number": "S-1", "year": 2026, "make": "Sea-Doo", "model": "GTI 130",
            "price": "15999.00", "lot_location": "A-1"}

    first = admin_api.put("/inventory/DMS-77", body)
    second = admin_api.put("/inventory/DMS-77", body)
    moved = admin_api.put("/inventory/DMS-77", {**body, "lot_location": "B-2"})

    assert (first.status_code, second.status_code, moved.status_code) == (201, 200, 200)
    assert first.json()["version"] == second.json()["version"] < moved.json()["version"]
    assert InventoryUnit.objects.get().external_id == "DMS-77"


def test_only_an_admin_pushes_the_dms_feed(salesperson_api):
    response = salesperson_api.put("/inventory/DMS-1", {"serial": VIN})

    assert response.status_code == 403 and not InventoryUnit.objects.exists()


def test_the_unit_list_costs_the_same_queries_for_two_units_or_twenty(admin, salesperson, pipeline, salesperson_api,
                                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(first, count):
        for n in range(first, first + count):
            unit = inventory_unit_save(actor=admin, serial=f"HULL{n:05d}", make="Yamaha")
            make_opportunity(salesperson, make_customer(salesperson), pipeline, unit=unit.pk)

    add(0, 2)
    with CaptureQueriesContext(connection) as few:
        salesperson_api.get("/inventory-units")
    add(2, 18)

    with django_assert_max_num_queries(len(few)):
        salesperson_api.get("/inventory-units")


def test_changing_the_unit_of_a_won_deal_is_refused(salesperson, pipeline, unit, admin):
    other = inventory_unit_save(actor=admin, serial="HULL00001")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, unit=unit.pk)
    _won(salesperson, deal)

    with pytest.raises(ApplicationError):
        opportunity_update(actor=salesperson, opportunity_id=deal.pk, unit=other.pk)


def test_creating_an_opportunity_shows_a_unit_held_elsewhere_and_takes_it_by_stock_number(
        client, salesperson, pipeline, unit):
    rival = UserFactory(first_name="Rita", last_name="Rivard")
    held = make_opportunity(rival, make_customer(rival), pipeline, unit=unit.pk)
    customer = make_customer(salesperson)
    client.force_login(salesperson)

    hint = client.get("/catalog/units/pick/", {"unit": "S-100"}).content.decode()
    client.post(f"/sales/customers/{customer.pk}/opportunities/new/", {"pipeline": pipeline.pk, "unit": "S-100"})

    mine = Opportunity.objects.get(customer=customer)
    card = client.get(f"/sales/opportunities/{mine.pk}/").content.decode()
    assert held.number in hint and "Rita Rivard" in hint
    assert mine.unit == unit and held.number in card


def test_a_units_cost_is_for_managers_only(unit, admin, salesperson_api, make_api, manager):
    inventory_unit_save(actor=admin, unit_id=unit.pk, cost="12000.00")

    seen_by_salesperson = salesperson_api.get(f"/inventory-units/{unit.pk}").json()["cost"]
    seen_by_manager = make_api(manager).get(f"/inventory-units/{unit.pk}").json()["cost"]

    assert (seen_by_salesperson, seen_by_manager) == (None, "12000.00")


def test_a_dms_push_leaves_alone_what_it_does_not_send(admin_api, unit, salesperson):
    inventory_unit_move(actor=salesperson, unit_id=unit.pk, lot_location="Salle", version=unit.version)
    InventoryUnit.objects.filter(pk=unit.pk).update(external_id="DMS-5")

    admin_api.put("/inventory/DMS-5", {"serial": VIN, "price": "14999.00"})

    unit.refresh_from_db()
    assert (unit.lot_location, unit.price, unit.stock_number) == ("Salle", 14999, "S-100")
