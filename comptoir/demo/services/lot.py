"""The lot: what each deal is about (a model sold new, a used vehicle of some year, what the customer
trades in) and the units in the inventory, with their VIN or hull number, stock number, price and
place on the lot: every vehicle sold (sold, still in the inventory's history), the units open deals
hold, the recent trade-ins, next season's models and the used ones waiting for a buyer."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from comptoir.demo.services import data
from comptoir.demo.services.people import vin, weighted

UNITS = 300  # on the lot (in stock) at scale 1; the units sold are on top
TRADE_IN_DAYS = 45  # the trade-ins of the last weeks wait on the lot; older ones are long gone (wholesale)
TEST_DRIVE = "Essai routier"
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Vehicle:
    """What a deal is about: a catalogue model (new) or a used vehicle of some year."""

    kind: str
    name: str
    price: Decimal
    cost: Decimal
    model: data.Model | None = None
    used: data.UsedModel | None = None
    year: int | None = None
    odometer_km: int | None = None


@dataclass
class UnitPlan:
    serial: str
    stock_number: str
    year: int
    make: str
    model: str
    colour: str
    condition: str
    price: Decimal
    cost: Decimal
    lot: str
    arrived_at: datetime
    product: str = ""
    odometer_km: int | None = None
    pk: int | None = None


class LotPlanner:
    """The vehicles and units of the Planner (demo.services.plan), which it is mixed into."""

    def used_value(self, used: data.UsedModel, year: int, when: date) -> Decimal:
        age = max(when.year - year, 0) + 0.5
        value = used.new_price * (0.86 ** age) * self.rng.uniform(0.9, 1.1)
        return Decimal(max(round(value / 100) * 100 - 1, 1999))

    def vehicle(self, pipeline: str, day: date) -> Vehicle:
        rng = self.rng
        season = dict(data.SEASONS[day.month])
        if pipeline == data.NEW:
            kind = weighted(rng, season)
            model = rng.choice([m for m in data.MODELS if m.kind == kind])
            return Vehicle(kind=kind, name=model.name, price=Decimal(model.price), cost=Decimal(model.cost),
                           model=model)
        season[data.CAR] = sum(season.values()) * 0.8
        kind = weighted(rng, season)
        used = rng.choice([u for u in data.USED_MODELS if u.kind == kind])
        year = day.year - rng.randint(1, 8)
        price = self.used_value(used, year, day)
        km = int(used.km_per_year * (day.year - year + 0.5) * rng.uniform(0.5, 1.4)) if used.km_per_year else None
        name = f"{year} {used.make} {used.model}"
        return Vehicle(kind=kind, name=name, price=price, cost=money(price * Decimal(str(rng.uniform(0.78, 0.87)))),
                       used=used, year=year, odometer_km=km)

    def trade_in(self, vehicle: Vehicle, when: date) -> dict:
        rng = self.rng
        kinds = {vehicle.kind} if rng.random() < 0.6 else {data.CAR, vehicle.kind}
        used = rng.choice([u for u in data.USED_MODELS if u.kind in kinds])
        year = when.year - rng.randint(3, 12)
        allowance = (self.used_value(used, year, when) * Decimal("0.72")).quantize(Decimal("50"))
        trade_in = {
            "description": f"{year} {used.make} {used.model}",
            "vin": vin(rng, used.wmi, used.vds, year, self.serials),
            "allowance": str(allowance),
            "actual_cash_value": str(money(allowance * Decimal("0.94"))),
            "lien_payoff": str(money(allowance * Decimal(str(rng.uniform(0.2, 0.9))))) if rng.random() < 0.3 else "0",
            "_used": used, "_year": year,
        }
        if used.km_per_year:
            trade_in["odometer_km"] = int(used.km_per_year * (when.year - year) * rng.uniform(0.6, 1.3))
        return trade_in

    def unit(self, vehicle: Vehicle, arrived_at: datetime, location: str) -> UnitPlan:
        """The unit the DMS delivered for `vehicle`: a new one of the model year on sale when it arrived
        (next year's from August, watercraft excepted), or the used vehicle of its year and mileage.
        Its stock number comes with the others' (stock_numbers)."""
        rng = self.rng
        if vehicle.model is not None:
            model = vehicle.model
            year = arrived_at.year + (1 if arrived_at.month >= 8 and model.kind != data.WATER else 0)
            serial = vin(rng, model.wmi, model.vds, year, self.serials)
            return UnitPlan(serial=serial, stock_number="", year=year,
                            make=model.make, model=model.name.removeprefix(model.make).strip(),
                            colour=rng.choice(model.colours), condition="new", price=vehicle.price,
                            cost=vehicle.cost, lot=self.lot(location), arrived_at=arrived_at, product=model.code)
        used = vehicle.used
        serial = vin(rng, used.wmi, used.vds, vehicle.year, self.serials)
        return UnitPlan(serial=serial, stock_number="", year=vehicle.year, make=used.make, model=used.model,
                        colour=rng.choice(("Noir", "Blanc", "Gris", "Rouge", "Bleu", "Argent")), condition="used",
                        price=vehicle.price, cost=vehicle.cost, lot=self.lot(location), arrived_at=arrived_at,
                        odometer_km=vehicle.odometer_km)

    def lot(self, location: str) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            place = "Salle de montre"
        elif rng.random() < 0.1:
            place = "Entrepôt"
        else:
            place = f"Cour {rng.choice('ABCD')}-{rng.randint(1, 24):02d}"
        return place if location == "st-jerome" else f"Mont-Laurier · {place}"

    def holds_unit(self, deal) -> bool:
        """Every vehicle sold had its VIN and stock number; an open deal has its unit from the proposal
        on (most test drives already had one)."""
        if deal.vehicle is None or deal.outcome not in ("won", "open"):
            return False
        if deal.outcome == "won":
            return True
        stages = data.PIPELINES[deal.pipeline][2]
        if stages.index(deal.stage) >= stages.index(data.PROPOSAL):
            return True
        return deal.stage == TEST_DRIVE and self.rng.random() < 0.7

    def units(self) -> None:
        rng, plan = self.rng, self.plan
        window = self.now - timedelta(days=TRADE_IN_DAYS)
        on_lot = 0  # the units not sold: held by open deals, and the recent trade-ins
        for deal in plan.deals:
            if self.holds_unit(deal):
                arrived = max(deal.created_at - timedelta(days=rng.randint(5, 90)), self.at(self.start, 9))
                deal.unit = self.unit(deal.vehicle, arrived, deal.customer.location)
                plan.units.append(deal.unit)
                on_lot += deal.outcome != "won"
            if deal.outcome == "won" and deal.trade_in and deal.created_at >= window:
                on_lot += 1
                trade = deal.trade_in
                used, year = trade["_used"], trade["_year"]
                price = (Decimal(trade["allowance"]) * Decimal("0.013")).quantize(Decimal("1")) * 100 - 1
                plan.units.append(UnitPlan(
                    serial=trade["vin"], stock_number="", year=year,
                    make=used.make, model=used.model, colour=rng.choice(("Noir", "Blanc", "Gris", "Rouge")),
                    condition="used", price=price, cost=Decimal(trade["allowance"]),
                    lot=self.lot(deal.customer.location), arrived_at=deal.closed_at + timedelta(hours=1),
                    odometer_km=trade.get("odometer_km")))
        # The rest of the lot: next season's models and the used ones waiting for a buyer.
        target = round(UNITS * self.scale)
        upcoming = data.SEASONS[(self.today.month % 12) + 1]
        for _n in range(max(target - on_lot, round(target * 0.3))):
            day = self.today - timedelta(days=rng.randint(1, 120))
            location = "st-jerome" if rng.random() < 0.65 else "mont-laurier"
            if rng.random() < 0.7:
                kind = weighted(rng, upcoming)
                model = rng.choice([m for m in data.MODELS if m.kind == kind])
                vehicle = Vehicle(kind=kind, name=model.name, price=Decimal(model.price), cost=Decimal(model.cost),
                                  model=model)
            else:
                vehicle = self.vehicle(data.USED, day)
            plan.units.append(self.unit(vehicle, self.at(day, 8) + timedelta(minutes=rng.randrange(600)), location))
        self.stock_numbers()

    def stock_numbers(self) -> None:
        """The DMS numbers its units as they arrive: N (new, model year) or U (used, year received)."""
        for number, unit in enumerate(sorted(self.plan.units, key=lambda u: (u.arrived_at, u.serial)), 1):
            if unit.condition == "new":
                unit.stock_number = f"N{unit.year % 100:02d}-{number:04d}"
            else:
                unit.stock_number = f"U{unit.arrived_at.year % 100:02d}-{number:04d}"
