"""The desk's benchmark (issue 26): one deal's full grid — 3 terms × 3 cash-downs, finance and lease, read
from the database as the page reads it (the deal, its unit, the programs, the fees and the taxes) — beside
the floor of the same run: the deal's plain quote computed from the same lines (the taxes read, the
variant's totals). Goal: the grid under 20 ms on SQLite."""

import statistics
import time

from comptoir.bench.customers import bench_admin
from comptoir.catalog.models import InventoryUnit
from comptoir.catalog.services import inventory_unit_save
from comptoir.customers.models import Customer
from comptoir.customers.services import customer_create
from comptoir.desk import selectors, services
from comptoir.desk.models import DeskItem, LenderProgram
from comptoir.quotes.pricing import variant_totals
from comptoir.quotes.services import clean_line, tax_classes, tax_rules
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.sales.services import opportunity_create, pipeline_create
from comptoir.sales.selectors import opportunity_get

GOAL_MS = 20.0
SERIAL = "1M8GDM9AXKP042788"


def ensure_deal(admin) -> Opportunity:
    """The bench's deal (made once, kept): a unit on a pipeline with quotes, two programs, fees and a product."""
    pipeline = Pipeline.objects.filter(prefix="BD").first() or pipeline_create(
        actor=admin, name="Banc du desk", prefix="BD", requires_quote=True, stages=["Nouveau", "Proposition"])
    unit = InventoryUnit.objects.filter(serial=SERIAL).first() or inventory_unit_save(
        actor=admin, serial=SERIAL, stock_number="BD-1", year=2026, make="Ski-Doo", model="MXZ X-RS",
        price="30000.00", cost="24000.00")
    if not LenderProgram.objects.filter(lender="Banc").exists():
        services.program_save(actor=admin, values={"lender": "Banc", "name": "Financement", "kind": "finance"},
                              terms=[{"term": t, "apr": "6.99"} for t in (60, 72, 84)])
        services.program_save(actor=admin, values={"lender": "Banc", "name": "Location", "kind": "lease"},
                              terms=[{"term": t, "apr": "4.99", "residual_16000": "50"} for t in (24, 36, 48)])
        for kind, name, price, taxable in (("fee", "Transport et PDI", "1295", True),
                                           ("fee", "RDPRM", "89", False), ("product", "Garantie", "1295", True)):
            item = services.item_save(actor=admin, values={"kind": kind, "name": f"Banc {name}", "price": price,
                                                           "cost": "300", "taxable": taxable})
            if kind == "fee":
                item.pipelines.add(pipeline)
    deal = Opportunity.objects.filter(pipeline=pipeline).first()
    if deal is None:
        customer = Customer.objects.filter(last_name="Banc-du-desk").first() or customer_create(
            actor=admin, first_name="Client", last_name="Banc-du-desk", no_email=True)
        deal = opportunity_create(actor=admin, customer=customer.pk, pipeline=pipeline.pk, unit=unit.pk)
    return deal


def _median_ms(function, runs: int) -> float:
    function()  # warm: the first call pays imports and the settings' cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(*, runs: int = 50, log=print) -> list[dict]:
    admin = bench_admin()
    deal = ensure_deal(admin)
    items = [{"id": i.pk} for i in DeskItem.objects.filter(name__startswith="Banc ")]

    def full_grid():
        opportunity = opportunity_get(actor=admin, pk=deal.pk)
        opening = selectors.desk_opening(actor=admin, opportunity=opportunity)
        desk = services.desk_of(actor=admin, opening=opening, raw={**opening["raw"], "items": items})
        result = services.desk_result(actor=admin, desk=desk)
        assert len(result["finance"]) == 9 and len(result["lease"]) == 9, "the bench's grid is not 3 × 3 × 2"
        return result

    def plain_quote():
        opportunity = opportunity_get(actor=admin, pk=deal.pk)
        rules = tax_rules()
        classes = tax_classes(rules)
        lines = [{"unit": opportunity.unit_id, "unit_price": "30000", "unit_cost": "24000"},
                 *({"description": i.name, "unit_price": i.price, "unit_cost": i.cost,
                    "tax_class": "standard" if i.taxable else "exempt"}
                   for i in DeskItem.objects.filter(name__startswith="Banc "))]
        return variant_totals([clean_line(line, n, classes, "bench") for n, line in enumerate(lines)], rules)

    grid_ms, quote_ms = _median_ms(full_grid, runs), _median_ms(plain_quote, runs)
    log(f"  the desk's 3 × 3 × 2 grid of a deal: {grid_ms:.1f} ms (a plain quote of the same lines "
        f"{quote_ms:.1f} ms; median of {runs})")
    return [{"figure": "desk: a deal's full grid (3 terms × 3 cash-downs, finance and lease)", "value": grid_ms,
             "unit": "ms", "floor": quote_ms, "floor_label": "the same deal's plain quote",
             "goal": f"< {GOAL_MS:.0f} ms", "meets": grid_ms < GOAL_MS}]
