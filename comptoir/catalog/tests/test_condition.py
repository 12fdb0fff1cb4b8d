"""A unit new or used, with its odometer: through the API, on the unit's card and list, and from a DMS
export whose columns say it in French or English."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from comptoir.catalog.models import InventoryUnit
from comptoir.catalog.services import inventory_unit_save
from comptoir.imports.fields import guess_mapping

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"


def test_a_used_unit_with_its_odometer_goes_in_and_out_of_the_api(admin_api):
    created = admin_api.post("/inventory-units", {"serial": VIN, "make": "Sea-Doo", "condition": "used",
                                                  "odometer_km": 4812})
    unit_id = created.json()["id"]
    cleared = admin_api.patch(f"/inventory-units/{unit_id}", {"condition": "new", "odometer_km": None})

    assert created.status_code == 201, created.content
    assert (created.json()["condition"], created.json()["odometer_km"]) == ("used", 4812)
    assert (cleared.json()["condition"], cleared.json()["odometer_km"]) == ("new", None)


@pytest.mark.parametrize("payload", [{"condition": "demo"}, {"odometer_km": -5}, {"odometer_km": "beaucoup"}])
def test_a_condition_or_odometer_the_api_does_not_know_answers_422_and_saves_nothing(admin_api, payload):
    response = admin_api.post("/inventory-units", {"serial": VIN, **payload})

    assert response.status_code == 422
    assert not InventoryUnit.objects.exists()


def test_the_unit_card_and_list_say_new_or_used_and_the_odometer(admin, salesperson, client):
    unit = inventory_unit_save(actor=admin, serial=VIN, stock_number="U-7", make="Sea-Doo", model="GTI",
                               condition="used", odometer_km=48250)
    inventory_unit_save(actor=admin, serial="YAMX1234B626", stock_number="N-1", make="Yamaha", model="VX")
    client.force_login(salesperson)

    card = client.get(f"/catalog/units/{unit.pk}/").content.decode()
    listed = client.get("/catalog/units/").content.decode()

    assert "D&#x27;occasion" in card and "48\xa0250&nbsp;km" in card
    assert "D&#x27;occasion" in listed and "Neuf" in listed and "48\xa0250&nbsp;km" in listed


def test_a_dms_exports_columns_are_guessed_in_french_and_english():
    french = guess_mapping("inventory", ["No de stock", "NIV", "Neuf/Usagé", "Kilométrage", "Statut"])
    english = guess_mapping("inventory", ["Stock #", "VIN", "Condition", "Mileage", "Status"])
    other_words = guess_mapping("inventory", ["État", "Odomètre"])

    assert (french["Neuf/Usagé"], french["Kilométrage"], french["Statut"]) == ("condition", "odometer_km", "status")
    assert (english["Condition"], english["Mileage"], english["Status"]) == ("condition", "odometer_km", "status")
    assert other_words == {"État": "condition", "Odomètre": "odometer_km"}
    for header in ("km", "Odometer"):
        assert guess_mapping("inventory", [header]) == {header: "odometer_km"}


def test_a_french_dms_feed_fills_the_condition_and_the_odometer(admin, tmp_path):
    path = tmp_path / "dms.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["No de stock", "NIV", "Marque", "Neuf/Usagé", "Kilométrage"])
        writer.writerow(["U-7", VIN, "Sea-Doo", "Usagé", "48 250"])
        writer.writerow(["N-1", "YAMX1234B626", "Yamaha", "Neuf", ""])

    call_command("sync-inventory", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    units = {u.stock_number: (u.condition, u.odometer_km) for u in InventoryUnit.objects.all()}
    assert units == {"U-7": ("used", 48250), "N-1": ("new", None)}


def test_the_lot_pages_through_every_unit_and_filters_new_or_used(admin, salesperson, client,
                                                                 django_assert_max_num_queries):
    for number in range(60):
        inventory_unit_save(actor=admin, serial=f"HULL{number:04d}X", stock_number=f"S-{number}", make="Sea-Doo",
                            model="Spark", condition="used" if number % 3 == 0 else "new")
    client.force_login(salesperson)

    first = client.get("/catalog/units/").content.decode()
    second = client.get("/catalog/units/", {"page": 2}).content.decode()
    with django_assert_max_num_queries(8):
        used = client.get("/catalog/units/", {"condition": "used", "page": 1}).content.decode()

    assert "60 unités" in first and "Page 1 sur 2" in first and "page=2" in first
    assert len(re.findall(r'href="/catalog/units/\d+/"', second)) == 10  # the last 10 of 60
    assert "20 unités" in used and "Neuf</td>" not in used


def test_the_lot_opens_on_the_units_standing_on_it_and_all_shows_the_sold_ones(admin, salesperson, client):
    inventory_unit_save(actor=admin, serial="HULL0001X", stock_number="S-1", make="Sea-Doo", model="Spark")
    inventory_unit_save(actor=admin, serial="HULL0002X", stock_number="S-2", make="Sea-Doo", model="GTX",
                        status="sold")
    client.force_login(salesperson)

    lot = client.get("/catalog/units/").content.decode()
    everything = client.get("/catalog/units/", {"status": "all"}).content.decode()

    assert "Spark" in lot and "GTX" not in lot and "1 unité" in lot
    assert "Spark" in everything and "GTX" in everything and "2 unités" in everything
