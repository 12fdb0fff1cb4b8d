"""Quotes as the dealer writes them: « Comptant » and « Financement », the vehicle with its fees and
accessories, the F&I products on the financing, the monthly payment in words; sent with their
tracked link, and viewed by most customers."""

from datetime import timedelta
from decimal import Decimal

from comptoir.demo.services import data
from comptoir.demo.services.lot import money
from comptoir.demo.services.plan import DealPlan
from comptoir.quotes.services import quote_create, quote_variant_send, quote_variant_viewed

PRICES = {row[0]: Decimal(row[3]) for row in (*data.ACCESSORIES, *data.FEES, *data.WARRANTIES)}
TAXES = Decimal("1.14975")  # TPS 5 % + TVQ 9.975 %, for the monthly payment quoted in words


class QuoteSteps:
    def variants(self, deal: DealPlan) -> list[dict]:
        """« Comptant » and « Financement »: the vehicle, its fees and accessories; financing adds the
        F&I products and says the monthly payment."""
        rng, vehicle = self.rng, deal.vehicle
        if vehicle.model is not None:
            line = {"product": vehicle.model.code}
            if deal.unit is not None:
                line["description"] = f"{vehicle.name} {deal.unit.year}, {self.serial_text(deal.unit.serial)}"
            fees = ["FRAIS-TRANSPORT-PDI", "FRAIS-ADMIN"]
            warranty = ["FI-BEST-36"]
        else:
            km = f", {vehicle.odometer_km:_} km".replace("_", " ") if vehicle.odometer_km else ""
            serial = f", {self.serial_text(deal.unit.serial)}" if deal.unit is not None else ""
            line = {"description": f"{vehicle.name} d'occasion{km}{serial}", "unit_price": str(vehicle.price),
                    "unit_cost": str(vehicle.cost)}
            fees = ["FRAIS-ADMIN"]
            warranty = ["FI-GARANTIE-24"] + (["FI-ANTIROUILLE"] if vehicle.kind == data.CAR else [])
        if vehicle.kind in (data.ROAD, data.CAR):
            fees.append("FRAIS-SAAQ")  # plates from the dealer: the SAAQ's fees, not taxed
        accessories = [a[0] for a in data.ACCESSORIES if vehicle.kind in a[5]]
        chosen = rng.sample(accessories, k=min(len(accessories), rng.choice((0, 1, 1, 2, 3))))
        extras = [{"product": code} for code in fees + chosen]
        discount = rng.choice(("0", "0", "2", "3", "5"))
        if deal.outcome == "open" and deal.stage == "Négociation":
            discount = "8"  # the customer is pushing: a margin the manager will want to look at
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
    def serial_text(serial: str) -> str:
        """A VIN, or a watercraft's hull identification number (12 characters)."""
        return f"NIV {serial}" if len(serial) == 17 else f"no de coque {serial}"

    @staticmethod
    def payment(price: Decimal, lines: list[dict], rate: Decimal, term: int, down: Decimal) -> Decimal:
        """DESIGN (desk): payment = A × r / (1 − (1 + r)^−n), r the monthly rate."""
        total = price + sum((PRICES[line["product"]] for line in lines if line.get("product") in PRICES),
                            Decimal(0))
        financed = total * TAXES - down
        r = rate / 100 / 12
        return money(financed * r / (1 - (1 + r) ** -term))

    def quote(self, moment, deal: DealPlan) -> None:
        quote = quote_create(actor=self.seller(deal.seller), opportunity_id=deal.pk, title=deal.product,
                             variants=self.variants(deal))
        deal.quote = quote.pk
        deal.variants = list(quote.variants.order_by("position").values_list("pk", flat=True))
        self.counts["quotes"] += 1

    def quote_send(self, moment, deal: DealPlan) -> None:
        """The quote leaves by email with its tracked link; most customers open it within the day."""
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
        quote_variant_viewed(tracking_key=tracking_key)
