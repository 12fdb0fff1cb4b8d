"""The desk's arithmetic (docs/DESIGN.md « Desk »): the cash price, finance and lease payments, by
frequency, and « payment first », to the cent. Pure: amounts in, amounts out, no database and no
settings (the caller passes the tax rates). Decimal throughout, rounded half-up to the cent only
where DESIGN says `round`."""

from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.figures import to_cents

ZERO = Decimal(0)
# Payments a year per frequency; non-accelerated: the monthly payment × 12 / 26 or × 12 / 52.
FREQUENCIES = {"monthly": 12, "biweekly": 26, "weekly": 52}
QUEBEC_TAXES = (Decimal("5"), Decimal("9.975"))  # TPS, TVQ: the settings' defaults


def _taxes(base: Decimal, rates) -> list[Decimal]:
    """Each tax on `base`, rounded separately."""
    return [to_cents(base * Decimal(rate) / 100) for rate in rates]


@dataclass(frozen=True)
class Finance:
    taxable: Decimal
    taxes: list[Decimal]
    cash_price: Decimal
    amount_financed: Decimal
    payment: Decimal  # monthly
    term: int
    cost_of_credit: Decimal


def finance(*, selling_price: Decimal, apr: Decimal, term: int, cash_down: Decimal = ZERO,
            taxable_fees: Decimal = ZERO, untaxed_fees: Decimal = ZERO, trade_allowance: Decimal = ZERO,
            lien_payoff: Decimal = ZERO, tax_rates=QUEBEC_TAXES, trade_credit: bool = True) -> Finance:
    """taxable = selling price + taxable fees − trade allowance (never below 0; the allowance lowers
    the taxable amount while the trade-in tax credit applies, else it lowers the price after taxes);
    cash price = taxable + each tax + untaxed fees + lien payoff; amount financed = cash price − cash
    down; payment = round(A × r / (1 − (1 + r)^−n)) with r the monthly rate, round(A / n) at 0 %."""
    net = selling_price + taxable_fees - trade_allowance
    taxable = max(net if trade_credit else selling_price + taxable_fees, ZERO)
    taxes = _taxes(taxable, tax_rates)
    cash_price = (taxable if trade_credit else net) + sum(taxes, ZERO) + untaxed_fees + lien_payoff
    financed = cash_price - cash_down
    rate = Decimal(apr) / 100 / 12
    if rate == 0:
        payment = to_cents(financed / term)
    else:
        payment = to_cents(financed * rate / (1 - (1 + rate) ** -term))
    return Finance(taxable=taxable, taxes=taxes, cash_price=cash_price, amount_financed=financed,
                   payment=payment, term=term, cost_of_credit=payment * term - financed)


@dataclass(frozen=True)
class Lease:
    residual: Decimal
    cap_cost: Decimal
    base: Decimal
    taxes: list[Decimal]
    payment: Decimal  # monthly, taxes included
    term: int


def lease(*, selling_price: Decimal, msrp: Decimal, residual_pct: Decimal, apr: Decimal, term: int,
          cash_down: Decimal = ZERO, taxable_fees: Decimal = ZERO, untaxed_fees: Decimal = ZERO,
          trade_allowance: Decimal = ZERO, lien_payoff: Decimal = ZERO, tax_rates=QUEBEC_TAXES) -> Lease:
    """Payments in advance, taxes on each payment. residual = round(MSRP × residual % / 100);
    capitalised cost = selling price + fees − cash down − (trade allowance − lien payoff), so negative
    equity raises it; with v = 1 / (1 + r): base = round((cap − residual × vⁿ) × r / ((1 − vⁿ)(1 + r))),
    round((cap − residual) / n) at 0 %; payment = base + each tax on it."""
    residual = to_cents(msrp * Decimal(residual_pct) / 100)
    cap_cost = selling_price + taxable_fees + untaxed_fees - cash_down - (trade_allowance - lien_payoff)
    rate = Decimal(apr) / 100 / 12
    if rate == 0:
        base = to_cents((cap_cost - residual) / term)
    else:
        discount = (1 / (1 + rate)) ** term
        base = to_cents((cap_cost - residual * discount) * rate / ((1 - discount) * (1 + rate)))
    taxes = _taxes(base, tax_rates)
    return Lease(residual=residual, cap_cost=cap_cost, base=base, taxes=taxes, payment=base + sum(taxes, ZERO),
                 term=term)


def per_frequency(monthly: Decimal, frequency: str) -> Decimal:
    """The monthly payment as a bi-weekly or weekly one: × 12 / 26 or × 12 / 52, rounded."""
    return monthly if frequency == "monthly" else to_cents(monthly * 12 / FREQUENCIES[frequency])


def price_for_payment(target: Decimal, payment_at) -> Decimal | None:
    """« Payment first »: the highest selling price, to the cent, whose payment `payment_at(price)`
    does not exceed `target` (a payment never falls as the price rises); None when even a price of
    zero costs more."""
    if payment_at(ZERO) > target:
        return None
    low, high = 0, 100  # in cents: low fits, high is tried and doubled until it does not
    while payment_at(Decimal(high) / 100) <= target:
        low, high = high, high * 2
        if high > 10 ** 13:  # a payment that never grows (nothing financed): any price fits
            return Decimal(low) / 100
    while high - low > 1:
        middle = (low + high) // 2
        if payment_at(Decimal(middle) / 100) <= target:
            low = middle
        else:
            high = middle
    return Decimal(low) / 100
