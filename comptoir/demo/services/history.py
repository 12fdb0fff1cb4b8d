"""The plan written through the services, in the order it happened: each step runs while the clock
says it is its moment (demo.services.clock), so customers, deals, quotes, contracts, sales and
their timelines carry their real dates. Deals come in through the opportunities import (dated,
numbered, their stages reached); everything after is the live services: a unit taken, a quote made
and sent, a variant accepted, the deal won with its contract and trade-in, or lost with its reason."""

import heapq
import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from comptoir.demo.services import data
from comptoir.demo.services.clock import clock
from comptoir.demo.services.dealer import Dealer
from comptoir.demo.services.plan import CustomerPlan, DealPlan, Plan, UnitPlan, money

BOUNCE_REASON = "550 5.1.1 Recipient address rejected: user unknown"
PRICES = {row[0]: Decimal(row[3]) for row in (*data.ACCESSORIES, *data.FEES, *data.WARRANTIES)}
TAXES = Decimal("1.14975")  # TPS 5 % + TVQ 9.975 %, for the monthly payment quoted in words


class Runner:
    """A queue of dated steps, run in time order, each under the clock of its moment."""

    def __init__(self, plan: Plan, dealer: Dealer, rng: random.Random, *, crowd, scale: float):
        self.plan, self.dealer, self.rng, self.crowd, self.scale = plan, dealer, rng, crowd, scale
        self.queue: list = []
        self.sequence = 0
        self.counts: Counter = Counter()
        from comptoir.core.models import LostReason, Media, Source
        from comptoir.customers.services import Lookups

        self.sources = dict(Source.objects.values_list("code", "pk"))
        self.media = dict(Media.objects.values_list("code", "pk"))
        self.reasons = dict(LostReason.objects.values_list("code", "pk"))
        self.lookups = {user.pk: Lookups(user) for user in dealer.sellers}

    def at(self, moment, step: Callable, *args) -> None:
        """Queue `step(*args)` for `moment`, if that moment has passed (the future is not history)."""
        if moment is None or moment >= self.plan.now - timedelta(minutes=1):
            return
        self.sequence += 1
        heapq.heappush(self.queue, (moment, self.sequence, step, args))

    def run(self) -> None:
        while self.queue:
            moment, _sequence, step, args = heapq.heappop(self.queue)
            with clock(moment):
                step(moment, *args)

    def seller(self, index: int):
        return self.dealer.sellers[index]

    # --- Customers ------------------------------------------------------------------------------------

    def customer_values(self, customer: CustomerPlan, *, media: bool = True) -> dict:
        person = customer.person
        values = {"first_name": person.first_name, "last_name": person.last_name,
                  "address_line1": person.address_line1, "city": person.city, "province": "QC",
                  "postal_code": person.postal_code, "phones": person.phones, "source": self.sources[customer.source]}
        if media:
            values["media"] = self.media[customer.media]
        if customer.email == "valid":
            values["email"] = person.email
        elif customer.email == "placeholder":
            values["no_email"] = True  # DESIGN: « aucun courriel » gives the placeholder
        return values

    def customers(self) -> None:
        dms = [c for c in self.plan.customers if c.how == "dms"]
        if dms:
            self.at(dms[0].created_at, self.dms_import, dms)
        for customer in self.plan.customers:
            if customer.how == "manual":
                self.at(customer.created_at, self.customer_create, customer)
            elif customer.how in ("walk_in", "reception_walk_in"):
                self.at(customer.created_at, self.walk_in_new, customer)
            elif customer.how == "web_lead":
                self.at(customer.lead_at, self.web_lead, customer)
            if customer.bounce and not any(d.follow_up_at for d in self.deals_of.get(customer.index, ())):
                self.at(customer.created_at + timedelta(days=self.rng.randint(2, 15)), self.bounce, customer, None)

    def dms_import(self, moment, customers: list[CustomerPlan]) -> None:
        """The customers of the dealer's DMS, imported the day the CRM started."""
        from comptoir.customers.services import Lookups, OnDuplicate, customers_import

        admin = self.dealer.admin
        lookups = Lookups(admin)
        for start in range(0, len(customers), 500):
            batch = customers[start:start + 500]
            rows = [{**self.customer_values(c, media=False), "salesperson": self.seller(c.seller).pk,
                     "external_id": f"DMS-C{c.index:05d}"} for c in batch]
            outcomes = customers_import(actor=admin, rows=rows, lookups=lookups, on_duplicate=OnDuplicate.CREATE)
            for customer, (outcome, pk) in zip(batch, outcomes):
                if outcome != "created":
                    raise RuntimeError(f"demo customer not imported: {pk}")
                customer.pk = pk
        self.counts["customers"] += len(customers)

    def customer_create(self, moment, customer: CustomerPlan) -> None:
        from comptoir.customers.services import customer_create

        customer.pk = customer_create(actor=self.seller(customer.seller), **self.customer_values(customer)).pk
        self.counts["customers"] += 1

    def walk_in_new(self, moment, customer: CustomerPlan) -> None:
        """A walk-in at the counter: reception (or the salesperson who met them at the door) records
        the visit and the customer in one go; the salesperson's « Client en magasin » task is done
        once they have served them."""
        from comptoir.walkins.services import walk_in_record

        seller = self.seller(customer.seller)
        actor = self.dealer.reception if customer.how == "reception_walk_in" else seller
        visit = walk_in_record(actor=actor, new_customer=self.customer_values(customer, media=False),
                               salesperson=seller.pk, visited_at=moment)
        customer.pk = visit.customer_id
        self.counts["customers"] += 1
        self.counts["walk_ins"] += 1
        self.at(moment + timedelta(minutes=self.rng.randint(3, 15)), self.task_done, seller, visit.task_id,
                "Client accueilli en salle de montre")

    def walk_in_again(self, moment, customer: CustomerPlan) -> None:
        from comptoir.walkins.services import walk_in_record

        seller = self.seller(customer.seller)
        visit = walk_in_record(actor=self.dealer.reception, customer=customer.pk, visited_at=moment)
        self.counts["walk_ins"] += 1
        self.at(moment + timedelta(minutes=self.rng.randint(3, 15)), self.task_done, seller, visit.task_id,
                "Client accueilli")

    def web_lead(self, moment, customer: CustomerPlan) -> None:
        """The dealer's web form takes a lead at any hour; the salesperson converts it when the store opens."""
        from comptoir.leads.services import lead_create

        person = customer.person
        lead = lead_create(actor=None, channel="web_form", first_name=person.first_name,
                           last_name=person.last_name, email=person.email if customer.email == "valid" else "",
                           phones=person.phones[:1], city=person.city, postal_code=person.postal_code,
                           source=self.sources[customer.source],
                           notes=self.rng.choice(("Demande de prix.", "Disponibilité en inventaire ?",
                                                  "Veut un essai routier.", "Demande de financement.")))
        self.counts["leads"] += 1
        self.at(customer.created_at, self.lead_convert, customer, lead.pk)

    def lead_convert(self, moment, customer: CustomerPlan, lead_id: int) -> None:
        from comptoir.leads.services import lead_convert

        _lead, target, _opportunity = lead_convert(actor=self.seller(customer.seller), lead_id=lead_id,
                                                   create_anyway=True)
        customer.pk = target.pk
        self.counts["customers"] += 1

    def bounce(self, moment, customer: CustomerPlan, message) -> None:
        """DESIGN: a hard bounce marks the email invalid, through the messaging service that reads them."""
        from comptoir.messaging.services import email_bounced

        if customer.pk is None or customer.bounced:
            return
        email_bounced(email=customer.person.email, message=message, hard=True, reason=BOUNCE_REASON,
                      external_id=f"demo-bounce-{customer.index}")
        customer.bounced = True
        self.counts["bounces"] += 1

    # --- Units ------------------------------------------------------------------------------------------

    def units(self) -> None:
        for unit in self.plan.units:
            self.at(unit.arrived_at, self.unit_save, unit)

    def unit_save(self, moment, unit: UnitPlan) -> None:
        from comptoir.catalog.services import inventory_unit_save

        unit.pk = inventory_unit_save(
            actor=self.dealer.admin, serial=unit.serial, stock_number=unit.stock_number, year=unit.year,
            make=unit.make, model=unit.model, colour=unit.colour, condition=unit.condition,
            odometer_km=unit.odometer_km, price=unit.price, cost=unit.cost, lot_location=unit.lot,
            external_id=f"DMS-{unit.stock_number}", product=unit.product or None).pk
        self.counts["units"] += 1

    # --- Deals --------------------------------------------------------------------------------------------

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
                if deal.follow_up_at is not None and send < end:
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
        from comptoir.sales.services import opportunities_import

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
        from comptoir.sales.services import opportunities_import

        seller = self.seller(deals[0].seller)
        rows = []
        for deal in sorted(deals, key=lambda d: d.created_at):
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
        deals = sorted(deals, key=lambda d: d.created_at)
        outcomes = opportunities_import(actor=seller, rows=rows, lookups=self.lookups[seller.pk])
        for deal, (outcome, value) in zip(deals, outcomes):
            if outcome != "created":
                raise value if isinstance(value, Exception) else RuntimeError(f"demo deal not imported: {value}")
            deal.pk = value
            self.counts[deal.outcome] += 1
        self.counts["opportunities"] += len(deals)

    def unit_take(self, moment, deal: DealPlan) -> None:
        from comptoir.sales.services import opportunity_update

        opportunity_update(actor=self.seller(deal.seller), opportunity_id=deal.pk, unit=deal.unit.pk)

    def competitor(self, moment, deal: DealPlan) -> None:
        from comptoir.sales.services import opportunity_update

        opportunity_update(actor=self.seller(deal.seller), opportunity_id=deal.pk, competitors=[deal.competitor])

    def variants(self, deal: DealPlan) -> list[dict]:
        """« Comptant » and « Financement »: the vehicle, its fees and accessories; financing adds the
        F&I products and says the monthly payment."""
        rng, vehicle = self.rng, deal.vehicle
        if vehicle.model is not None:
            line = {"product": vehicle.model.code}
            if deal.unit is not None:
                line["description"] = f"{vehicle.name} {deal.unit.year}, NIV {deal.unit.serial}"
            fees = ["FRAIS-TRANSPORT-PDI", "FRAIS-ADMIN"]
            warranty = ["FI-BEST-36"]
        else:
            km = f", {vehicle.odometer_km:,} km".replace(",", " ") if vehicle.odometer_km else ""
            line = {"description": f"{vehicle.name} d'occasion{km}", "unit_price": str(vehicle.price),
                    "unit_cost": str(vehicle.cost)}
            fees = ["FRAIS-ADMIN"]
            warranty = ["FI-GARANTIE-24"] + (["FI-ANTIROUILLE"] if vehicle.kind == data.CAR else [])
        if vehicle.kind in (data.ROAD, data.CAR):
            fees.append("FRAIS-SAAQ")  # plates from the dealer: the SAAQ's fees, not taxed
        accessories = [a[0] for a in data.ACCESSORIES if vehicle.kind in a[5]]
        chosen = rng.sample(accessories, k=min(len(accessories), rng.choice((0, 1, 1, 2, 3))))
        extras = [{"product": code} for code in fees + chosen]
        discount = rng.choice(("0", "0", "2", "3", "5"))
        cash = [{**line, "discount_pct": discount}, *extras]
        finance = [line, *extras, *({"product": code} for code in warranty)]
        if rng.random() < 0.4:
            finance.append({"product": "FI-REMPLACEMENT"})
        term, rate = rng.choice((60, 72, 84, 96, 120)), rng.choice(("5.99", "6.99", "7.49", "7.99", "8.99"))
        down = Decimal(rng.choice((0, 500, 1000, 2000, 3000)))
        payment = self.payment(vehicle.price, finance, Decimal(rate), term, down)
        place = self.dealer.locations[deal.customer.location].name
        valid_until = (deal.quote_at + timedelta(days=14)).date()
        return [
            {"name": "Comptant", "lines": cash, "valid_until": valid_until,
             "payment_terms": "Paiement complet à la livraison.", "delivery_terms": f"Livraison à {place}."},
            {"name": "Financement", "lines": finance, "valid_until": valid_until,
             "payment_terms": f"Financement {term} mois à {rate.replace('.', ',')} % : environ "
                              f"{str(payment).replace('.', ',')} $ par mois, {down} $ comptant, taxes incluses "
                              f"(sous réserve d'approbation du crédit).",
             "delivery_terms": f"Livraison à {place}."},
        ]

    @staticmethod
    def payment(price: Decimal, lines: list[dict], rate: Decimal, term: int, down: Decimal) -> Decimal:
        """DESIGN (desk): payment = A × r / (1 − (1 + r)^−n), r the monthly rate."""
        total = price + sum((PRICES[line["product"]] for line in lines if line.get("product") in PRICES),
                            Decimal(0))
        financed = total * TAXES - down
        r = rate / 100 / 12
        return money(financed * r / (1 - (1 + r) ** -term))

    def quote(self, moment, deal: DealPlan) -> None:
        from comptoir.quotes.services import quote_create

        quote = quote_create(actor=self.seller(deal.seller), opportunity_id=deal.pk, title=deal.product,
                             variants=self.variants(deal))
        deal.quote = quote.pk
        deal.variants = list(quote.variants.order_by("position").values_list("pk", flat=True))
        self.counts["quotes"] += 1

    def quote_send(self, moment, deal: DealPlan) -> None:
        """The quote leaves by email with its tracked link; most customers open it within the day."""
        from comptoir.quotes.services import quote_variant_send

        if deal.customer.bounced or deal.quote is None:
            return
        variant = quote_variant_send(actor=self.seller(deal.seller), quote_id=deal.quote,
                                     variant_id=deal.variants[deal.accept],
                                     message=f"Bonjour {deal.customer.person.first_name}, voici la soumission "
                                             "dont nous avons parlé.")
        end = deal.closed_at or self.plan.now
        seen = moment + timedelta(hours=self.rng.uniform(0.5, 20))
        if self.rng.random() < 0.75 and seen < end:
            self.at(seen, self.quote_viewed, variant.tracking_key)

    def quote_viewed(self, moment, tracking_key: str) -> None:
        from comptoir.quotes.services import quote_variant_viewed

        quote_variant_viewed(tracking_key=tracking_key)

    def sign(self, moment, deal: DealPlan) -> None:
        """Signed, waiting for delivery: the variant accepted and the contract written, the deal still open."""
        from comptoir.quotes.services import contract_create, quote_variant_accept

        seller = self.seller(deal.seller)
        variant = deal.variants[deal.accept]
        quote_variant_accept(actor=seller, quote_id=deal.quote, variant_id=variant)
        contract_create(actor=seller, opportunity_id=deal.pk, variant=variant, deposit="500.00")
        self.counts["contracts"] += 1

    def win(self, moment, deal: DealPlan) -> None:
        from comptoir.quotes.services import contract_create, quote_variant_accept
        from comptoir.sales.services import opportunity_change_status

        seller = self.seller(deal.seller)
        if deal.pipeline == data.SERVICE:
            opportunity_change_status(actor=seller, opportunity_id=deal.pk, status="won", amount=deal.amount,
                                      cost=deal.cost)
            self.counts["won"] += 1
            return
        variant = deal.variants[deal.accept]
        quote_variant_accept(actor=seller, quote_id=deal.quote, variant_id=variant)
        opportunity_change_status(actor=seller, opportunity_id=deal.pk, status="won")
        trade_in = {k: v for k, v in (deal.trade_in or {}).items() if not k.startswith("_")}
        contract_create(actor=seller, opportunity_id=deal.pk, variant=variant,
                        deposit=self.rng.choice(("250.00", "500.00", "500.00", "1000.00")), trade_in=trade_in or None)
        self.counts["won"] += 1
        self.counts["contracts"] += 1

    def close(self, moment, deal: DealPlan) -> None:
        from comptoir.sales.services import opportunity_change_status

        opportunity_change_status(actor=self.seller(deal.seller), opportunity_id=deal.pk, status=deal.outcome,
                                  lost_reason=self.reasons[deal.lost_reason] if deal.outcome == "lost" else None)
        self.counts[deal.outcome] += 1

    @property
    def deals_of(self) -> dict[int, list[DealPlan]]:
        if not hasattr(self, "_deals_of"):
            self._deals_of: dict[int, list[DealPlan]] = {}
            for deal in self.plan.deals:
                self._deals_of.setdefault(deal.customer.index, []).append(deal)
        return self._deals_of

    # --- Follow-up emails ------------------------------------------------------------------------------

    def follow_up(self, moment, deal: DealPlan) -> None:
        """« Relance après essai » from its template, sent (to the demo's dummy backend) at its date;
        then it bounces, or is opened, and sometimes answered."""
        from comptoir.messaging.services import message_send, messages_deliver_due

        customer = deal.customer
        if customer.bounced:
            return
        message = message_send(actor=self.seller(deal.seller), template_id=self.dealer.templates[
            "Relance après essai"].pk, opportunity=deal.pk)
        messages_deliver_due(now=moment)
        message.refresh_from_db()
        self.counts["emails"] += 1
        rng, end = self.rng, self.plan.now
        if customer.bounce:
            self.at(moment + timedelta(minutes=2), self.bounce, customer, message)
            return
        if rng.random() < 0.62:
            opened = moment + timedelta(hours=rng.uniform(0.2, 30))
            self.at(opened, self.opened, message.tracking_key)
            if rng.random() < 0.22:
                self.at(opened + timedelta(minutes=rng.randint(3, 240)), self.reply, deal, message)

    def opened(self, moment, tracking_key: str) -> None:
        from comptoir.messaging.services import message_opened

        message_opened(tracking_key=tracking_key, now=moment)

    REPLIES = (
        "Bonjour, merci ! Est-ce que le prix inclut la préparation et le transport ?",
        "Je passe samedi matin pour l'essai, est-ce que ça vous va ?",
        "Pouvez-vous me faire un prix avec mon échange ?",
        "Ma conjointe veut le voir aussi, on passe jeudi soir.",
        "Merci, je vous reviens la semaine prochaine.",
        "Est-ce que vous l'avez en noir ?",
        "Quel serait le paiement sur 84 mois avec 2000 $ comptant ?",
        "J'ai eu une offre ailleurs, pouvez-vous faire mieux ?",
    )

    def reply(self, moment, deal: DealPlan, message) -> None:
        """The customer answers: the reply lands in the salesperson's inbox, read a few hours later,
        except this last week's (and a few forgotten)."""
        from comptoir.messaging.services import reply_received

        reply = reply_received(from_address=deal.customer.person.email, subject=f"Re: {message.subject}",
                               body_text=self.rng.choice(self.REPLIES),
                               message_id=f"demo-reply-{deal.index}@{deal.customer.person.email.split('@')[1]}",
                               references=[message.message_id], received_at=moment)
        if reply is None:
            return
        self.counts["replies"] += 1
        read = moment + timedelta(hours=self.rng.uniform(0.5, 8))
        if read < self.plan.now - timedelta(days=7) and self.rng.random() < 0.95:
            self.at(read, self.read, deal, reply.pk)

    def read(self, moment, deal: DealPlan, message_id: int) -> None:
        from comptoir.messaging.services import message_mark_read

        message_mark_read(actor=self.seller(deal.seller), message_id=message_id)

    # --- Tasks ---------------------------------------------------------------------------------------------

    def task_done(self, moment, user, task_id, outcome: str) -> None:
        from comptoir.activities.services import task_complete

        if task_id is not None:
            task_complete(actor=user, task_id=task_id, outcome=outcome)
