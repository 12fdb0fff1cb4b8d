"""Quote arithmetic, pure: a line's total, the taxes on each class's base, a variant's figures
(API.md: /quotes). Half-up to the cent at each step the contract prints; no database, no settings."""

from dataclasses import dataclass, field
from decimal import Decimal

from comptoir.core.figures import percentage, to_cents


def cents(value: Decimal) -> Decimal:
    """Half-up to the cent (core.figures.to_cents)."""
    return to_cents(value)


def line_total(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal, discount_amount: Decimal) -> Decimal:
    """quantity × unit_price × (1 − discount_pct/100) − discount_amount, half-up to the cent."""
    return cents(quantity * unit_price * (1 - discount_pct / 100) - discount_amount)


def tax_classes(rules: list[dict]) -> set[str]:
    return {"standard", "exempt"} | {c for rule in rules for c in rule["applies_to"]}


def taxes_on(bases: dict[str, Decimal], rules: list[dict], *, credit: Decimal = Decimal(0)) -> list[dict]:
    """Each tax = (the line totals of the classes it applies to, less `credit`, never below zero)
    × rate, half-up to the cent. `credit` is a trade-in allowance where the tax rules allow it."""
    taxes = []
    for rule in rules:
        base = sum((bases.get(c, Decimal(0)) for c in rule["applies_to"]), Decimal(0))
        base = max(base - credit, Decimal(0))
        taxes.append({"code": rule["code"], "name": rule["name"], "name_en": rule["name_en"],
                      "rate": rule["rate"], "base": base, "amount": cents(base * rule["rate"] / 100)})
    return taxes


@dataclass
class Totals:
    lines: list[Decimal]
    subtotal: Decimal
    discount_total: Decimal
    taxes: list[dict]
    tax_total: Decimal
    total: Decimal
    cost: Decimal
    margin: Decimal
    margin_pct: Decimal | None
    markup_pct: Decimal | None
    bases: dict[str, Decimal] = field(default_factory=dict)


def variant_totals(lines: list[dict], rules: list[dict]) -> Totals:
    """The figures of a variant from its cleaned lines (quantity, unit_price, discount_pct,
    discount_amount, unit_cost, tax_class), as API.md defines them."""
    totals, bases, gross, cost = [], {}, Decimal(0), Decimal(0)
    for line in lines:
        amount = line_total(line["quantity"], line["unit_price"], line["discount_pct"], line["discount_amount"])
        totals.append(amount)
        bases[line["tax_class"]] = bases.get(line["tax_class"], Decimal(0)) + amount
        gross += cents(line["quantity"] * line["unit_price"])
        cost += line["quantity"] * line["unit_cost"]
    subtotal = sum(totals, Decimal(0))
    cost = cents(cost)
    taxes = taxes_on(bases, rules)
    tax_total = sum((t["amount"] for t in taxes), Decimal(0))
    margin = subtotal - cost
    return Totals(lines=totals, subtotal=subtotal, discount_total=gross - subtotal, taxes=taxes,
                  tax_total=tax_total, total=subtotal + tax_total, cost=cost, margin=margin,
                  margin_pct=percentage(margin, subtotal), markup_pct=percentage(margin, cost), bases=bases)
