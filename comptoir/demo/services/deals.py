"""The deals of the history: imported as they open (the opportunities import takes their date,
number them and records the stages they reached), then the live services: a unit taken, a
competitor noted, the sale with its accepted variant and contract, or the loss with its reason.
Older deals that ended without a quote come in once closed, a salesperson's month at a time."""

from datetime import timedelta

from comptoir.catalog.services import inventory_unit_save
from comptoir.demo.services import data
from comptoir.demo.services.lot import UnitPlan
from comptoir.demo.services.plan import DETAILED_DAYS, DealPlan
from comptoir.quotes.services import contract_create, quote_variant_accept
from comptoir.sales.services import opportunities_import, opportunity_change_status, opportunity_update


class DealSteps:
    def units(self) -> None:
        for unit in self.plan.units:
            self.at(unit.arrived_at, self.unit_save, unit)

    def unit_save(self, moment, unit: UnitPlan) -> None:
        unit.pk = inventory_unit_save(
            actor=self.dealer.admin, serial=unit.serial, stock_number=unit.stock_number, year=unit.year,
            make=unit.make, model=unit.model, colour=unit.colour, condition=unit.condition,
            odometer_km=unit.odometer_km, price=unit.price, cost=unit.cost, lot_location=unit.lot,
            external_id=f"DMS-{unit.stock_number}", product=unit.product or None).pk
        self.counts["units"] += 1

    def deals(self) -> None:
        rng = self.rng
        closed: dict[tuple, list[DealPlan]] = {}
        for deal in self.plan.deals:
            if not deal.live:
                closed.setdefault((deal.seller, deal.closed_at.year, deal.closed_at.month), []).append(deal)
                continue
            self.at(deal.created_at, self.deal_import, deal)
            end = deal.closed_at or self.plan.now
            if deal.unit is not None:
                self.at(deal.created_at + timedelta(minutes=2), self.unit_take, deal)
            if deal.competitor and deal.outcome == "lost":
                self.at(deal.closed_at - timedelta(minutes=5), self.competitor, deal)
            if deal.quote_at is not None:
                self.at(deal.quote_at, self.quote, deal)
                send = deal.quote_at + timedelta(minutes=rng.randint(5, 40))
                recent = (self.plan.now - deal.created_at).days < DETAILED_DAYS
                if recent and deal.customer.email == "valid" and send < end:
                    self.at(send, self.quote_send, deal)
            if deal.follow_up_at is not None:
                self.at(deal.follow_up_at, self.follow_up, deal)
            if deal.outcome == "won":
                self.at(deal.closed_at, self.win, deal)
            elif deal.outcome in ("lost", "suspended"):
                self.at(deal.closed_at, self.close, deal)
            elif deal.outcome == "open" and deal.stage == "Livraison" and deal.quote_at is not None:
                self.at(deal.quote_at + (self.plan.now - deal.quote_at) / 2, self.sign, deal)
            if deal.pipeline == data.SERVICE and deal.media == "in_store" \
                    and (self.plan.now - deal.created_at).days < 90 and deal.customer.how != "web_lead":
                self.at(deal.created_at - timedelta(minutes=4), self.walk_in_again, deal.customer)
        for deals in closed.values():
            moment = min(max(d.closed_at for d in deals) + timedelta(minutes=10), self.plan.now - timedelta(minutes=2))
            self.at(moment, self.closed_import, deals)

    def deal_import(self, moment, deal: DealPlan) -> None:
        seller = self.seller(deal.seller)
        row = {"customer": str(deal.customer.pk), "pipeline": self.dealer.pipelines[deal.pipeline].pk,
               "stage": deal.stage, "status": "open", "salesperson": seller.pk, "location": seller.location_id,
               "product": deal.product, "amount": str(deal.amount), "source": self.sources[deal.source],
               "media": self.media[deal.media], "created_at": deal.created_at}
        [(outcome, value)] = opportunities_import(actor=seller, rows=[row], lookups=self.lookups[seller.pk])
        if outcome != "created":
            raise value if isinstance(value, Exception) else RuntimeError(f"demo deal not imported: {value}")
        deal.pk = value
        self.counts["opportunities"] += 1

    def closed_import(self, moment, deals: list[DealPlan]) -> None:
        """A salesperson's month of older deals that ended without a quote, imported with their dates
        and outcome (imports.services rules: a lost one has its reason, a won one its amount and cost)."""
        seller = self.seller(deals[0].seller)
        deals = sorted(deals, key=lambda d: d.created_at)
        rows = []
        for deal in deals:
            row = {"customer": str(deal.customer.pk), "pipeline": self.dealer.pipelines[deal.pipeline].pk,
                   "stage": deal.stage, "status": deal.outcome, "salesperson": seller.pk,
                   "location": seller.location_id, "product": deal.product, "amount": str(deal.amount),
                   "source": self.sources[deal.source], "media": self.media[deal.media],
                   "created_at": deal.created_at}
            if deal.outcome in ("won", "lost"):
                row["closed_at"] = deal.closed_at
            if deal.outcome == "won":
                row["cost"] = str(deal.cost)
            if deal.outcome == "lost":
                row["lost_reason"] = self.reasons[deal.lost_reason]
            rows.append(row)
        outcomes = opportunities_import(actor=seller, rows=rows, lookups=self.lookups[seller.pk])
        for deal, (outcome, value) in zip(deals, outcomes):
            if outcome != "created":
                raise value if isinstance(value, Exception) else RuntimeError(f"demo deal not imported: {value}")
            deal.pk = value
            self.counts[deal.outcome] += 1
        self.counts["opportunities"] += len(deals)

    def unit_take(self, moment, deal: DealPlan) -> None:
        opportunity_update(actor=self.seller(deal.seller), opportunity_id=deal.pk, unit=deal.unit.pk)

    def competitor(self, moment, deal: DealPlan) -> None:
        opportunity_update(actor=self.seller(deal.seller), opportunity_id=deal.pk, competitors=[deal.competitor])

    def sign(self, moment, deal: DealPlan) -> None:
        """Signed, waiting for delivery: the variant accepted and the contract written. Where accepting
        concludes the sale (the pipeline's accept_wins, the default) the deal is won as it is signed;
        otherwise it stays open until delivery."""
        seller = self.seller(deal.seller)
        variant = deal.variants[deal.accept]
        quote_variant_accept(actor=seller, quote_id=deal.quote, variant_id=variant)
        contract_create(actor=seller, opportunity_id=deal.pk, variant=variant, deposit="500.00")
        self.counts["contracts"] += 1
        if self.dealer.pipelines[deal.pipeline].accept_wins:
            self.counts["won"] += 1

    def win(self, moment, deal: DealPlan) -> None:
        seller = self.seller(deal.seller)
        if deal.pipeline == data.SERVICE:
            opportunity_change_status(actor=seller, opportunity_id=deal.pk, status="won", amount=deal.amount,
                                      cost=deal.cost)
            self.counts["won"] += 1
            return
        # The customer takes a variant, signs the contract (with their trade-in), and takes delivery.
        variant = deal.variants[deal.accept]
        quote_variant_accept(actor=seller, quote_id=deal.quote, variant_id=variant)
        trade_in = {k: v for k, v in (deal.trade_in or {}).items() if not k.startswith("_")}
        contract_create(actor=seller, opportunity_id=deal.pk, variant=variant,
                        deposit=self.rng.choice(("250.00", "500.00", "500.00", "1000.00")), trade_in=trade_in or None)
        if not self.dealer.pipelines[deal.pipeline].accept_wins:  # else the acceptance won it (issue 23)
            opportunity_change_status(actor=seller, opportunity_id=deal.pk, status="won")
        self.counts["won"] += 1
        self.counts["contracts"] += 1

    def close(self, moment, deal: DealPlan) -> None:
        opportunity_change_status(actor=self.seller(deal.seller), opportunity_id=deal.pk, status=deal.outcome,
                                  lost_reason=self.reasons[deal.lost_reason] if deal.outcome == "lost" else None)
        self.counts[deal.outcome] += 1
