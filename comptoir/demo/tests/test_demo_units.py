"""The demo's vehicles: every vehicle sold, and every deal from the proposal on, names its unit (VIN
or hull number, stock number, the model sold), delivered to the inventory before the deal took it;
a sold unit belongs to one sale. Loaded small, on a fixed day, like test_demo."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import TestCase

from comptoir.demo.services import demo_load

SCALE = 0.06  # the size test_demo loads: a few open deals past the proposal
NOW = datetime(2026, 5, 14, 15, 30, tzinfo=ZoneInfo("America/Toronto"))
LATE_STAGES = ("Proposition", "Négociation", "Livraison")


class TestTheDemoVehicles(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_load(scale=SCALE, now=NOW)

    def sales(self):
        from comptoir.sales.models import Opportunity

        return Opportunity.objects.filter(status="won", pipeline__requires_quote=True,
                                          contracts__isnull=False).distinct().select_related("unit", "pipeline")

    def test_every_vehicle_sold_with_a_contract_has_its_unit_with_a_valid_vin_and_a_stock_number(self):
        from comptoir.catalog.vin import serial_clean, vin_check_digit
        from comptoir.sales.models import Opportunity

        sales = list(self.sales())
        assert len(sales) > 20
        # Every won deal of the vehicle pipelines went through its contract: none is left out here.
        assert len(sales) == Opportunity.objects.filter(status="won", pipeline__requires_quote=True).count()
        for deal in sales:
            unit = deal.unit
            assert unit is not None, deal.number
            assert unit.stock_number and unit.status == "sold", deal.number
            assert serial_clean(unit.serial) == unit.serial
            if len(unit.serial) == 17:
                assert unit.serial[8] == vin_check_digit(unit.serial), unit.serial
            else:  # a watercraft's hull identification number
                assert len(unit.serial) == 12 and unit.make in ("Sea-Doo", "Yamaha"), unit.serial
        assert sum(len(deal.unit.serial) == 17 for deal in sales) > 0.8 * len(sales)

    def test_the_unit_is_the_vehicle_sold_new_or_used_with_its_odometer(self):
        for deal in self.sales():
            unit, used = deal.unit, deal.pipeline.prefix == "VO"
            assert unit.condition == ("used" if used else "new"), deal.number
            assert unit.make in deal.product and unit.model in deal.product, (deal.product, str(unit))
            if used:
                assert deal.product.startswith(f"{unit.year} "), (deal.product, unit.year)
                # A used vehicle has its kilometres; a watercraft counts hours, not kilometres.
                assert unit.odometer_km or len(unit.serial) == 12, str(unit)
            else:
                assert unit.product.name == deal.product
                assert deal.sale_date.year - 1 <= unit.year <= deal.sale_date.year + 1, (unit.year, deal.sale_date)

    def test_no_unit_is_sold_twice_and_each_was_delivered_before_its_deal_took_it(self):
        from django.db.models import Count

        from comptoir.sales.models import Opportunity

        won = Opportunity.objects.filter(status="won").exclude(unit=None)
        assert not won.values("unit").annotate(n=Count("pk")).filter(n__gt=1).exists()
        for deal in self.sales():
            assert deal.unit.created_at < deal.created_at < deal.closed_at, deal.number

    def test_open_deals_from_the_proposal_on_hold_a_unit_still_on_the_lot(self):
        from comptoir.catalog.models import InventoryUnit
        from comptoir.demo.services.lot import UNITS
        from comptoir.sales.models import Opportunity

        late = Opportunity.objects.filter(status="open", pipeline__requires_quote=True, stage__name__in=LATE_STAGES)
        assert late.exists()
        assert not late.filter(unit=None).exists()
        assert not late.exclude(unit__status="in_stock").exists()
        assert not Opportunity.objects.filter(pipeline__requires_quote=False).exclude(unit=None).exists()
        on_lot = InventoryUnit.objects.filter(status__in=["in_stock", "reserved"]).count()
        assert on_lot >= round(UNITS * SCALE)
        assert InventoryUnit.objects.filter(status="sold").count() == self.sales().count()


@pytest.mark.django_db
def test_two_loads_on_the_same_day_deliver_the_same_units_to_the_same_deals():
    from comptoir.catalog.models import InventoryUnit

    loads = []
    for _load in range(2):
        with transaction.atomic():
            demo_load(scale=0.02, now=NOW)
            loads.append(list(InventoryUnit.objects.order_by("stock_number").values_list(
                "stock_number", "serial", "status", "odometer_km", "opportunities__number")))
            transaction.set_rollback(True)
    assert loads[0] == loads[1] and len(loads[0]) > 10
