"""The desk's rules (issue 26, DESIGN « Desk »): a deal's inputs cleaned, the grid of cash, finance and
lease payments computed from them (the arithmetic is desk.payments), « payment first », and the desk
sheets kept on a deal, each chosen option becoming a quote variant that the quote → contract flow
carries on. The page, the API and the bench all call these."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.emails import email_html, sender_address, with_dealer_footer
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.core.figures import BAD_MONEY, NEGATIVE_MONEY, money_clean
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import decimal_text, is_small_id
from comptoir.customers.services import email_clean
from comptoir.desk import payments
from comptoir.desk.documents import NOTHING_TO_LEND, option_financing, sheet_number, worksheet_pdf
from comptoir.desk.models import (
    KILOMETRES, DeskItem, DeskSheet, ItemKind, LenderProgram, ProgramCondition, ProgramKind, ProgramTerm,
)
from comptoir.quotes.services import quote_create, tax_rules
from comptoir.sales.selectors import opportunity_visible
from comptoir.sales.models import Pipeline
from comptoir.sales.services import opportunity_lock
from comptoir.timeline.services import timeline_record

ZERO = Decimal(0)
MAX_STEPS, MAX_TERMS, MAX_ITEMS, MAX_ACCESSORIES = 3, 3, 30, 20
TERM_RANGE = range(1, 121)

BAD_AMOUNT, NEGATIVE = BAD_MONEY, NEGATIVE_MONEY  # core.figures' messages: money is read as it reads it
BAD_RATE = _("Taux illisible : un pourcentage annuel de 0 à 40, comme 6.99.")
BAD_RESIDUAL = _("Résiduel illisible : un pourcentage de 0 à 100, comme 58.")
BAD_TERM = _("Un terme est un nombre de mois de 1 à 120.")
TOO_MANY = _("Trop d'éléments : %(max)s au plus.")
STEPS_REQUIRED = _("Il faut au moins un comptant (0 s'il n'y en a pas).")
TERMS_REQUIRED = _("Il faut au moins un terme.")
BAD_FREQUENCY = _("Fréquence inconnue : mensuelle, aux deux semaines ou hebdomadaire.")
BAD_KILOMETRES = _("Kilométrage annuel inconnu : 12 000, 16 000, 20 000 ou 24 000.")
UNKNOWN_ITEM = _("Produit, frais ou rabais inconnu ou inactif : « %(value)s ».")
UNKNOWN_PROGRAM = _("Programme inconnu ou qui ne s'applique pas à cette unité aujourd'hui.")
NO_RATE_FOR_TERM = _("Le programme n'offre pas de terme de %(term)s mois.")
RATES_FORBIDDEN = _("Seuls les directeurs des ventes et les administrateurs changent le taux d'un programme.")
SELLING_PRICE_REQUIRED = _("Le prix de vente est requis.")
DESK_FORBIDDEN = _("Votre rôle ne permet pas de préparer des feuilles de calcul.")
BAD_CHOICE = _("Choisissez une case de la grille : comptant, financement ou location, un terme et un comptant.")
NO_PAYMENT = _("Aucun prix ne donne un paiement aussi bas avec ces conditions.")
DESCRIPTION_REQUIRED = _("Il faut une description.")


# --- Numbers as typed ---------------------------------------------------------------------------

def _number(value, *, field: str, message=BAD_AMOUNT) -> Decimal:
    """A number as typed, Québec's way too (« 24 999,99 »: core.text.decimal_text)."""
    try:
        number = Decimal(decimal_text(str(value)).strip())
    except InvalidOperation:
        raise ApplicationError(message, field=field) from None
    if not number.is_finite():
        raise ApplicationError(message, field=field)
    return number


def money(value, *, field: str, default: Decimal = ZERO) -> Decimal:
    """An amount as typed ("24 999,99", 24999.99): core.figures.money_clean's non-negative Decimal to the
    cent, read Québec's way too; empty is `default`."""
    if value is None or value == "":
        return default
    return money_clean(decimal_text(str(value)), field=field)


def _percent(value, *, field: str, highest: int, message) -> Decimal | None:
    """A percentage as typed, 0 to `highest`; empty is None."""
    if value is None or value == "":
        return None
    number = _number(value, field=field, message=message)
    if not ZERO <= number <= highest:
        raise ApplicationError(message, field=field)
    return number


def rate(value, *, field: str) -> Decimal | None:
    """An annual rate in % (6.99), 0 to 40; empty is None (the program's)."""
    return _percent(value, field=field, highest=40, message=BAD_RATE)


def residual_pct(value, *, field: str) -> Decimal | None:
    """A lease residual in % of the MSRP, 0 to 100; empty is None."""
    return _percent(value, field=field, highest=100, message=BAD_RESIDUAL)


def terms_clean(values, *, field: str) -> list[int]:
    terms = []
    for index, value in enumerate(values or []):
        if value in (None, ""):
            continue
        try:
            term = int(str(value).strip())
        except ValueError:
            raise ApplicationError(BAD_TERM, field=f"{field}.{index}") from None
        if term not in TERM_RANGE:
            raise ApplicationError(BAD_TERM, field=f"{field}.{index}")
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise ApplicationError(TOO_MANY % {"max": MAX_TERMS}, field=field)
    return terms


def steps_clean(values, *, field: str = "cash_down") -> list[Decimal]:
    steps = []
    for index, value in enumerate(values or []):
        if value in (None, ""):
            continue
        amount = money(value, field=f"{field}.{index}")
        if amount not in steps:
            steps.append(amount)
    if not steps:
        raise ApplicationError(STEPS_REQUIRED, field=field)
    if len(steps) > MAX_STEPS:
        raise ApplicationError(TOO_MANY % {"max": MAX_STEPS}, field=field)
    return steps


def frequency_clean(value) -> str:
    value = value or "monthly"
    if value not in payments.FREQUENCIES:
        raise ApplicationError(BAD_FREQUENCY, field="frequency")
    return value


def kilometres_clean(value) -> int:
    try:
        kilometres = int(str(value or 16_000).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ApplicationError(BAD_KILOMETRES, field="kilometres") from None
    if kilometres not in KILOMETRES:
        raise ApplicationError(BAD_KILOMETRES, field="kilometres")
    return kilometres


# --- The grid -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Amounts:
    """What every cell shares: the deal's prices, trade-in, fees and rebates, as DESIGN names them.
    `selling_price` is the unit's price plus accessories, less rebates before taxes; `credits` are the
    rebates after taxes, which count as cash down."""
    selling_price: Decimal
    msrp: Decimal = ZERO
    trade_allowance: Decimal = ZERO
    lien_payoff: Decimal = ZERO
    taxable_fees: Decimal = ZERO
    untaxed_fees: Decimal = ZERO
    credits: Decimal = ZERO


@dataclass(frozen=True)
class Term:
    term: int
    apr: Decimal
    residual_pct: Decimal | None = None  # leases
    changed: bool = False  # the rate is not the program's (a manager changed it)


@dataclass
class Setup:
    """The grid's shape: the cash-down steps, each kind's terms with their rates, how often one pays."""
    cash_downs: list[Decimal]
    finance: list[Term] = field(default_factory=list)
    lease: list[Term] = field(default_factory=list)
    frequency: str = "monthly"


def tax_setup() -> tuple[list[Decimal], bool]:
    """The settings' rates of the taxes a unit pays (those on the standard class), and whether a
    trade-in's allowance lowers the taxable amount."""
    rates = [rule["rate"] for rule in tax_rules() if "standard" in rule["applies_to"]]
    return rates, site_settings_get().trade_in_tax_credit


def _tps_tvq(taxes: list[Decimal]) -> tuple[Decimal, Decimal]:
    return (taxes[0] if taxes else ZERO), (sum(taxes[1:], ZERO))


def count_of_payments(term: int, frequency: str) -> int:
    """How many payments a term of `term` months makes at `frequency`, to the nearest (60 months bi-weekly:
    130; 13 months: 28)."""
    return int((Decimal(term * payments.FREQUENCIES[frequency]) / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def finance_cell(amounts: Amounts, term: Term, cash_down: Decimal, frequency: str, taxes) -> dict:
    rates, credit = taxes
    result = payments.finance(selling_price=amounts.selling_price, apr=term.apr, term=term.term,
                              cash_down=cash_down + amounts.credits, taxable_fees=amounts.taxable_fees,
                              untaxed_fees=amounts.untaxed_fees, trade_allowance=amounts.trade_allowance,
                              lien_payoff=amounts.lien_payoff, tax_rates=rates, trade_credit=credit)
    payment = payments.per_frequency(result.payment, frequency)
    count = count_of_payments(term.term, frequency)
    # The disclosure is DESIGN's, whatever the frequency: the monthly payment × n, less what was lent (a
    # bi-weekly payment is the monthly one spread, not a schedule of its own).
    # Nothing left to lend (the cash down and the trade-in cover the price): the cell is shown, not offered.
    return {"term": term.term, "cash_down": cash_down, "apr": term.apr, "rate_changed": term.changed,
            "possible": result.amount_financed > 0, "amount_financed": result.amount_financed,
            "monthly_payment": result.payment, "payment": payment,
            "payments": count, "total_of_payments": result.payment * term.term,
            "cost_of_credit": result.cost_of_credit}


def lease_cell(amounts: Amounts, term: Term, cash_down: Decimal, frequency: str, taxes) -> dict | None:
    if term.residual_pct is None:
        return None
    result = payments.lease(selling_price=amounts.selling_price, msrp=amounts.msrp, residual_pct=term.residual_pct,
                            apr=term.apr, term=term.term, cash_down=cash_down + amounts.credits,
                            taxable_fees=amounts.taxable_fees, untaxed_fees=amounts.untaxed_fees,
                            trade_allowance=amounts.trade_allowance, lien_payoff=amounts.lien_payoff,
                            tax_rates=taxes[0])
    tps, tvq = _tps_tvq(result.taxes)
    count = count_of_payments(term.term, frequency)
    payment = payments.per_frequency(result.payment, frequency)
    # A cash down that brings the capitalised cost near the residual leaves a payment of zero or less: no
    # lender writes that lease, so the cell is shown, not offered.
    return {"term": term.term, "cash_down": cash_down, "apr": term.apr, "rate_changed": term.changed,
            "possible": result.base > 0, "residual_pct": term.residual_pct, "residual": result.residual,
            "cap_cost": result.cap_cost,
            "base": result.base, "tps": tps, "tvq": tvq, "monthly_payment": result.payment, "payment": payment,
            "payments": count, "total_of_payments": result.payment * term.term}


def cash_figures(amounts: Amounts, taxes) -> dict:
    """The cash price: DESIGN's finance arithmetic with nothing financed, less the rebates after taxes."""
    rates, credit = taxes
    result = payments.finance(selling_price=amounts.selling_price, apr=ZERO, term=1,
                              taxable_fees=amounts.taxable_fees, untaxed_fees=amounts.untaxed_fees,
                              trade_allowance=amounts.trade_allowance, lien_payoff=amounts.lien_payoff,
                              tax_rates=rates, trade_credit=credit)
    tps, tvq = _tps_tvq(result.taxes)
    return {"taxable": result.taxable, "tps": tps, "tvq": tvq, "taxes": result.taxes,
            "cash_price": result.cash_price, "credits": amounts.credits,
            "cash_to_pay": result.cash_price - amounts.credits}


def grid(amounts: Amounts, setup: Setup, taxes=None) -> dict:
    """The cash price, then finance and lease cells, one per term × cash-down in the order given (terms
    outer), each with its payment at `setup.frequency`. A lease term without a residual has no cell."""
    taxes = taxes or tax_setup()
    return {**cash_figures(amounts, taxes), "frequency": setup.frequency,
            "finance": [finance_cell(amounts, term, step, setup.frequency, taxes)
                        for term in setup.finance for step in setup.cash_downs],
            "lease": [cell for term in setup.lease for step in setup.cash_downs
                      if (cell := lease_cell(amounts, term, step, setup.frequency, taxes)) is not None]}


def price_for_payment(amounts: Amounts, *, kind: str, term: Term, cash_down: Decimal, frequency: str,
                      target: Decimal, taxes=None) -> Decimal | None:
    """« Payment first »: the highest selling price, to the cent, whose payment at this term, cash-down
    and frequency does not exceed `target`, everything else as entered."""
    taxes = taxes or tax_setup()
    cell = finance_cell if kind == ProgramKind.FINANCE else lease_cell

    def payment_at(price: Decimal) -> Decimal:
        return cell(replace(amounts, selling_price=price), term, cash_down, frequency, taxes)["payment"]

    return payments.price_for_payment(target, payment_at)


TERM_NOT_IN_GRID = _("Choisissez un terme de la grille pour ce type.")


def desk_payment_first(desk: "Desk", *, kind: str, term, cash_down, target) -> Decimal:
    """« Paiement d'abord » on a deal: the unit's highest selling price (the desk's own field) whose payment
    at this term and cash-down does not exceed `target`, accessories, fees, rebates and trade-in as
    entered. The whole price found less the accessories, plus the rebates before taxes, is the unit's."""
    payment = money(target, field="target_payment")
    cash_down = money(cash_down, field="target_cash_down")
    kind = ProgramKind.LEASE if kind == ProgramKind.LEASE else ProgramKind.FINANCE
    setup = desk.setup()
    chosen = next((t for t in (setup.finance if kind == ProgramKind.FINANCE else setup.lease)
                   if str(t.term) == str(term).strip()), None)
    if chosen is None:
        raise ApplicationError(TERM_NOT_IN_GRID, field="target_term")
    amounts = desk.amounts()
    price = price_for_payment(amounts, kind=kind, term=chosen, cash_down=cash_down, frequency=desk.frequency,
                              target=payment)
    unit_price = None if price is None else price - (amounts.selling_price - desk.selling_price)
    if unit_price is None or unit_price < 0:
        raise ApplicationError(NO_PAYMENT, field="target_payment")
    return unit_price


def gross(*, selling_price: Decimal, unit_cost: Decimal, accessories: list[dict], products: list[dict]) -> dict:
    """DESIGN: front gross = selling price − unit cost (+ accessories' margin); back gross = the F&I
    products' price − cost. Managers and admins only (may_see_gross)."""
    front = selling_price - unit_cost + sum((a["price"] - a["cost"] for a in accessories), ZERO)
    back = sum((p["price"] - p["cost"] for p in products), ZERO)
    return {"front": front, "back": back, "total": front + back}


def may_see_gross(actor) -> bool:
    return permissions.can_see_gross(actor)


def may_change_rates(actor) -> bool:
    """A lender's rate other than the program's is for whoever sees the gross (core.permissions)."""
    return permissions.can_see_gross(actor)


# --- A deal's desk: inputs as entered → amounts and setup ---------------------------------------

@dataclass
class Desk:
    """A deal's desk inputs, cleaned: what `grid` computes from and what a sheet keeps."""
    description: str
    unit: int | None
    selling_price: Decimal
    msrp: Decimal
    unit_cost: Decimal
    accessories: list[dict]
    trade_in: dict
    items: list[dict]  # {"id", "kind", "name", "price", "cost", "taxable", "after_tax"}
    cash_downs: list[Decimal]
    finance_program: LenderProgram | None
    lease_program: LenderProgram | None
    finance_terms: list[int]
    lease_terms: list[int]
    finance_apr: Decimal | None
    lease_apr: Decimal | None
    frequency: str
    kilometres: int

    def amounts(self) -> Amounts:
        rebates = [i for i in self.items if i["kind"] == ItemKind.REBATE]
        charges = [i for i in self.items if i["kind"] != ItemKind.REBATE]
        return Amounts(
            selling_price=self.selling_price + sum((a["price"] for a in self.accessories), ZERO)
            - sum((r["price"] for r in rebates if not r["after_tax"]), ZERO),
            msrp=self.msrp, trade_allowance=self.trade_in.get("allowance", ZERO),
            lien_payoff=self.trade_in.get("lien_payoff", ZERO),
            taxable_fees=sum((c["price"] for c in charges if c["taxable"]), ZERO),
            untaxed_fees=sum((c["price"] for c in charges if not c["taxable"]), ZERO),
            credits=sum((r["price"] for r in rebates if r["after_tax"]), ZERO))

    def setup(self) -> Setup:
        return Setup(cash_downs=self.cash_downs, frequency=self.frequency,
                     finance=_terms(self.finance_program, self.finance_terms, self.finance_apr, None),
                     lease=_terms(self.lease_program, self.lease_terms, self.lease_apr, self.kilometres))

    def gross(self) -> dict:
        return gross(selling_price=self.selling_price, unit_cost=self.unit_cost, accessories=self.accessories,
                     products=[i for i in self.items if i["kind"] == ItemKind.PRODUCT])

    def stored(self) -> dict:
        """The inputs as a sheet keeps them (JSON: amounts as strings)."""
        return _plain({
            "description": self.description, "unit": self.unit, "selling_price": self.selling_price,
            "msrp": self.msrp, "accessories": self.accessories, "trade_in": self.trade_in, "items": self.items,
            "cash_downs": self.cash_downs, "finance_terms": self.finance_terms, "lease_terms": self.lease_terms,
            "finance_program": _program_label(self.finance_program),
            "lease_program": _program_label(self.lease_program),
            "finance_apr": self.finance_apr, "lease_apr": self.lease_apr, "frequency": self.frequency,
            "kilometres": self.kilometres})


def _program_label(program: LenderProgram | None) -> dict | None:
    if program is None:
        return None
    return {"id": program.pk, "lender": program.lender, "name": program.name,
            "excess_km_charge": str(program.excess_km_charge)}


def _terms(program: LenderProgram | None, terms: list[int], apr: Decimal | None, kilometres: int | None) -> list[Term]:
    """Each chosen term with the program's rate (or the manager's) and, for a lease, its residual at
    the yearly kilometres; a term the program does not offer has no cell."""
    if program is None:
        return []
    offered = {row.term: row for row in program.terms.all()}
    chosen = []
    for term in terms:
        row = offered.get(term)
        if row is None:
            continue
        residual = row.residual(kilometres) if kilometres else None
        if kilometres and residual is None:
            continue
        chosen.append(Term(term=term, apr=row.apr if apr is None else apr, residual_pct=residual,
                           changed=apr is not None and apr != row.apr))
    return chosen


def _program(value, *, kind: str, field: str, applicable) -> LenderProgram | None:
    if value in (None, ""):
        return None
    program = next((p for p in applicable if str(p.pk) == str(value).strip() and p.kind == kind), None) \
        if is_small_id(value) else None
    if program is None:
        raise ApplicationError(UNKNOWN_PROGRAM, field=field)
    return program


def _items(raw_items, *, field: str = "items") -> list[dict]:
    """The fees, F&I products and rebates chosen, each at its list amount unless the deal gives another."""
    raw_items = list(raw_items or [])
    if len(raw_items) > MAX_ITEMS:
        raise ApplicationError(TOO_MANY % {"max": MAX_ITEMS}, field=field)
    wanted = [(index, raw if isinstance(raw, dict) else {"id": raw}) for index, raw in enumerate(raw_items)]
    ids = {int(r["id"]) for _i, r in wanted if is_small_id(r.get("id"))}
    known = DeskItem.objects.filter(active=True).in_bulk(ids)
    items, seen = [], set()
    for index, raw in wanted:
        item = known.get(int(raw["id"])) if is_small_id(raw.get("id")) else None
        if item is None:
            raise ApplicationError(UNKNOWN_ITEM % {"value": raw.get("id")}, field=f"{field}.{index}")
        if item.pk in seen:
            continue
        seen.add(item.pk)
        items.append({"id": item.pk, "kind": item.kind, "name": item.name,
                      "price": money(raw.get("price"), field=f"{field}.{index}.price", default=item.price),
                      "cost": item.cost, "taxable": item.taxable, "after_tax": item.after_tax})
    return items


def inputs_without_costs(inputs: dict) -> dict:
    """A sheet's inputs as whoever may not see the gross reads them: no accessory's or item's cost."""
    return {**inputs, **{key: [{k: v for k, v in row.items() if k != "cost"} for row in inputs.get(key) or []]
                         for key in ("accessories", "items")}}


def _accessories(raw_list, *, actor, previous: list | None = None) -> list[dict]:
    """The accessories as typed. Their cost is a manager's or an admin's to type; for anyone else an
    accessory keeps the cost it had on the deal's last sheet (the same description), else none."""
    known = {str(a.get("description", "")).strip().lower(): a.get("cost") for a in previous or []}
    sees_costs = may_see_gross(actor)
    raw_list = list(raw_list or [])
    if len(raw_list) > MAX_ACCESSORIES:
        raise ApplicationError(TOO_MANY % {"max": MAX_ACCESSORIES}, field="accessories")
    accessories = []
    for index, raw in enumerate(raw_list):
        description = str(raw.get("description") or "").strip()[:300]
        price = money(raw.get("price"), field=f"accessories.{index}.price")
        if not description and not price:
            continue
        if not description:
            raise ApplicationError(DESCRIPTION_REQUIRED, field=f"accessories.{index}.description")
        cost = raw.get("cost") if sees_costs else known.get(description.lower())
        accessories.append({"description": description, "price": price,
                            "cost": money(cost, field=f"accessories.{index}.cost")})
    return accessories


def _trade_in(raw: dict | None) -> dict:
    raw = raw or {}
    trade_in = {"description": str(raw.get("description") or "").strip()[:300],
                "vin": str(raw.get("vin") or "").strip().upper()[:50],
                "allowance": money(raw.get("allowance"), field="trade_in.allowance"),
                "lien_payoff": money(raw.get("lien_payoff"), field="trade_in.lien_payoff")}
    return trade_in


def desk_clean(*, actor, raw: dict, applicable, unit_cost: Decimal = ZERO, unit: int | None = None,
               description: str = "", previous: dict | None = None) -> Desk:
    """A deal's desk as entered (the page's form or the API's JSON) → Desk, or the first field's error.
    `applicable` is the programs this deal may use (selectors.programs_for, terms read); `previous`, the
    inputs the desk opened with (its accessories' costs). A rate other than the
    program's is a manager's or an admin's."""
    if raw.get("selling_price") in (None, ""):
        raise ApplicationError(SELLING_PRICE_REQUIRED, field="selling_price")
    finance_apr, lease_apr = rate(raw.get("finance_apr"), field="finance_apr"), rate(raw.get("lease_apr"),
                                                                                       field="lease_apr")
    finance_program = _program(raw.get("finance_program"), kind=ProgramKind.FINANCE, field="finance_program",
                               applicable=applicable)
    lease_program = _program(raw.get("lease_program"), kind=ProgramKind.LEASE, field="lease_program",
                             applicable=applicable)
    for name, value, program in (("finance_apr", finance_apr, finance_program),
                                 ("lease_apr", lease_apr, lease_program)):
        if value is not None and not may_change_rates(actor) and program is not None \
                and any(row.apr != value for row in program.terms.all()):
            raise Forbidden(RATES_FORBIDDEN)
    selling_price = money(raw.get("selling_price"), field="selling_price")
    finance_terms = terms_clean(raw.get("finance_terms"), field="finance_terms")
    lease_terms = terms_clean(raw.get("lease_terms"), field="lease_terms")
    for name, terms, program in (("finance_terms", finance_terms, finance_program),
                                 ("lease_terms", lease_terms, lease_program)):
        offered = {row.term for row in program.terms.all()} if program is not None else None
        for index, term in enumerate(terms):
            if offered is not None and term not in offered:
                raise ApplicationError(NO_RATE_FOR_TERM % {"term": term}, field=f"{name}.{index}")
    return Desk(description=(description or str(raw.get("description") or "")).strip()[:300], unit=unit,
                selling_price=selling_price, msrp=money(raw.get("msrp"), field="msrp", default=selling_price),
                unit_cost=unit_cost, accessories=_accessories(raw.get("accessories"), actor=actor,
                                                            previous=(previous or {}).get("accessories")),
                trade_in=_trade_in(raw.get("trade_in")), items=_items(raw.get("items")),
                cash_downs=steps_clean(raw.get("cash_downs")), finance_program=finance_program,
                lease_program=lease_program,
                finance_terms=finance_terms, lease_terms=lease_terms,
                finance_apr=finance_apr, lease_apr=lease_apr, frequency=frequency_clean(raw.get("frequency")),
                kilometres=kilometres_clean(raw.get("kilometres")))


def desk_of(*, actor, opening: dict, raw: dict) -> Desk:
    """A deal's desk as entered, against what it opened with (selectors.desk_opening: the programs that
    apply to its unit, the unit, its cost and description, the last sheet's accessories)."""
    return desk_clean(actor=actor, raw=raw, applicable=opening["programs"], previous=opening["raw"],
                      unit_cost=opening["unit_cost"], unit=opening["unit"].pk if opening["unit"] else None,
                      description=opening["description"])


def desk_result(*, actor, desk: Desk) -> dict:
    """The grid of a deal's desk, with the gross for whoever may see it (never on a customer document)."""
    result = grid(desk.amounts(), desk.setup())
    if may_see_gross(actor):
        result["gross"] = desk.gross()
    return result


# --- The stateless API (API.md: POST /desking/calculate) ----------------------------------------

def _given_terms(data: dict, kind: str, terms: list[int], residuals: dict | None = None) -> list[Term]:
    """A kind's terms as /desking/calculate gives them: each term's own rate (`finance_rates`,
    `lease_rates`) else the kind's one (`finance_apr`, `lease_apr`); none of either, no cell of that kind."""
    apr = rate(data.get(f"{kind}_apr"), field=f"{kind}_apr")
    rates = {str(k): rate(v, field=f"{kind}_rates.{k}") for k, v in (data.get(f"{kind}_rates") or {}).items()}
    chosen = []
    for term in terms:
        own = rates.get(str(term))
        if own is not None or apr is not None:
            chosen.append(Term(term=term, apr=apr if own is None else own,
                               residual_pct=(residuals or {}).get(str(term))))
    return chosen


def desking_calculate(*, actor, data: dict) -> dict:
    """API.md /desking/calculate: the grid from amounts given outright (no deal, no program); one rate
    per kind (or one per term in `finance_rates` / `lease_rates`), the lease residuals by term."""
    selling_price = money(data.get("selling_price"), field="selling_price")
    amounts = Amounts(selling_price=selling_price - money(data.get("rebates_before_tax"), field="rebates_before_tax"),
                      credits=money(data.get("rebates_after_tax"), field="rebates_after_tax"),
                      **{name: money(data.get(name), field=name) for name in (
                          "msrp", "trade_allowance", "lien_payoff", "taxable_fees", "untaxed_fees")})
    terms = terms_clean(data.get("terms"), field="terms")
    if not terms:
        raise ApplicationError(TERMS_REQUIRED, field="terms")
    residuals = {str(k): residual_pct(v, field=f"residuals.{k}") for k, v in (data.get("residuals") or {}).items()}
    setup = Setup(cash_downs=steps_clean(data.get("cash_down")), frequency=frequency_clean(data.get("frequency")),
                  finance=_given_terms(data, "finance", terms), lease=_given_terms(data, "lease", terms, residuals))
    result = grid(amounts, setup)
    target = data.get("target_payment")
    if target not in (None, ""):
        kind = data.get("target_kind") or ProgramKind.FINANCE
        row = (setup.finance if kind == ProgramKind.FINANCE else setup.lease)[:1]
        if row:
            result["price_for_payment"] = price_for_payment(
                amounts, kind=kind, term=row[0], cash_down=setup.cash_downs[0], frequency=setup.frequency,
                target=money(target, field="target_payment"))
    if may_see_gross(actor) and data.get("unit_cost") not in (None, ""):
        result["gross"] = gross(selling_price=selling_price,
                                unit_cost=money(data.get("unit_cost"), field="unit_cost"), accessories=[],
                                products=[])
    return result


# --- Sheets on a deal ---------------------------------------------------------------------------

def _cell(result: dict, choice: dict) -> dict:
    """The grid's cell a choice names ({"kind": "cash"} or finance/lease with its term and cash-down)."""
    kind = (choice or {}).get("kind")
    if kind == "cash":
        return {"kind": "cash"}
    if kind not in (ProgramKind.FINANCE, ProgramKind.LEASE):
        raise ApplicationError(BAD_CHOICE, field="choice.kind")
    try:
        term, step = int(choice.get("term")), money(choice.get("cash_down"), field="choice.cash_down")
    except (TypeError, ValueError):
        raise ApplicationError(BAD_CHOICE, field="choice.term") from None
    cell = next((c for c in result[kind] if c["term"] == term and c["cash_down"] == step), None)
    if cell is None:
        raise ApplicationError(BAD_CHOICE, field="choice")
    if not cell["possible"]:
        raise ApplicationError(NOTHING_TO_LEND, field="choice")
    return {"kind": kind, **cell}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _variant_of(desk: Desk, cell: dict, result: dict) -> dict:
    """The quote variant a chosen cell makes: the unit, the accessories, the fees and F&I products as
    lines (taxable or exempt), rebates before taxes as the unit line's discount; the trade-in, the
    rebates after taxes and the financing terms in `financing`, which the quote and the contract print."""
    before = sum((i["price"] for i in desk.items if i["kind"] == ItemKind.REBATE and not i["after_tax"]), ZERO)
    unit_line = {"unit": desk.unit, "description": desk.description, "quantity": 1,
                 "unit_price": desk.selling_price, "unit_cost": desk.unit_cost, "discount_amount": before}
    if desk.unit is None:
        unit_line.pop("unit")
    lines = [unit_line]
    lines += [{"description": a["description"], "quantity": 1, "unit_price": a["price"], "unit_cost": a["cost"]}
              for a in desk.accessories]
    lines += [{"description": i["name"], "quantity": 1, "unit_price": i["price"], "unit_cost": i["cost"],
               "tax_class": "standard" if i["taxable"] else "exempt"}
              for i in desk.items if i["kind"] != ItemKind.REBATE]
    financing = option_financing(desk.stored(), result["cash_price"], cell, cell["kind"])
    names = {"cash": _("Comptant"), ProgramKind.FINANCE: _("Financement %(term)s mois"),
             ProgramKind.LEASE: _("Location %(term)s mois")}
    name = str(names[cell["kind"]] % {"term": cell.get("term")}) if cell["kind"] != "cash" else str(names["cash"])
    return {"name": name, "lines": lines, "financing": _plain(financing)}


@transaction.atomic
def desk_sheet_save(*, actor, opportunity_id, desk: Desk, choice: dict | None = None) -> DeskSheet:
    """Keep what the desk showed on a deal (the inputs and the grid, the salesperson and the time); a
    chosen cell also becomes a quote variant (quotes.services.quote_create), so the send → accept →
    contract flow carries on from it."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(DESK_FORBIDDEN)
    opportunity = opportunity_lock(actor, opportunity_id)
    result = grid(desk.amounts(), desk.setup())
    cell = _cell(result, choice) if choice else None
    number = (opportunity.desk_sheets.aggregate(last=Max("number"))["last"] or 0) + 1
    sheet = DeskSheet(opportunity=opportunity, number=number, inputs=desk.stored(), grid=_plain(result),
                      choice=_plain(cell or {}), gross=_plain(desk.gross()), created_by=actor)
    if cell is not None and opportunity.pipeline.requires_quote:
        variant = _variant_of(desk, cell, result)
        quote = quote_create(actor=actor, opportunity_id=opportunity.pk, variants=[variant],
                             title=str(_("Feuille de calcul %(number)s") % {"number": number}))
        sheet.variant = quote.variants.first()
    sheet.save()
    timeline_record(actor=actor, subject=opportunity, verb="desk_sheet_saved",
                    data={"sheet": sheet.number, "choice": sheet.choice.get("kind"),
                          "payment": sheet.choice.get("payment"), "term": sheet.choice.get("term")})
    return sheet


NO_RECIPIENT = _("Ce client n'a pas de courriel valide : indiquez à qui envoyer la feuille de calcul.")
BAD_PICK = _("Option inconnue : « %(value)s » (type:terme:comptant, p. ex. finance:60:2000).")


def worksheet_picks(values) -> list[tuple[str, int, str]]:
    """The options a worksheet prints, as the page and the API write them: « finance:60:2000 », « cash »."""
    picks = []
    for index, value in enumerate(values or []):
        kind, _sep, rest = str(value).partition(":")
        if kind == "cash" and not rest:
            picks.append(("cash", 0, "0"))
            continue
        term, _sep, down = rest.partition(":")
        if kind not in (ProgramKind.FINANCE, ProgramKind.LEASE) or not (term.isascii() and term.isdigit()):
            raise ApplicationError(BAD_PICK % {"value": value}, field=f"options.{index}")
        picks.append((kind, int(term), str(money(down, field=f"options.{index}"))))
    if len(picks) > MAX_TERMS:
        raise ApplicationError(TOO_MANY % {"max": MAX_TERMS}, field="options")
    return picks


def _sheet_of(actor, opportunity_id, sheet_id) -> DeskSheet:
    sheet = DeskSheet.objects.select_for_update().filter(
        pk=sheet_id if is_small_id(sheet_id) else 0, opportunity_id=opportunity_id if is_small_id(opportunity_id)
        else 0, opportunity__in=opportunity_visible(actor)).first()
    if sheet is None:
        raise NotFound()
    return sheet


@transaction.atomic
def desk_sheet_send(*, actor, opportunity_id, sheet_id, to: str | None = None, message: str = "",
                    options=None) -> DeskSheet:
    """Email a sheet's worksheet (PDF attached) to the customer's valid email unless `to` says otherwise;
    `options` picks what it prints (worksheet_picks). The email leaves from the worker; the sheet keeps
    when and to whom."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(DESK_FORBIDDEN)
    sheet = _sheet_of(actor, opportunity_id, sheet_id)
    picks = worksheet_picks(options)
    customer = sheet.opportunity.customer
    if to:
        recipient, _status = email_clean(to, field="to")
    elif customer.email_status == "valid" and customer.email:
        recipient = customer.email
    else:
        raise ApplicationError(NO_RECIPIENT, field="to")
    sheet.sent_at, sheet.sent_to = timezone.now(), recipient
    sheet.save(update_fields=["sent_at", "sent_to"])
    timeline_record(actor=actor, subject=sheet.opportunity, verb="desk_sheet_sent",
                    data={"sheet": sheet.number, "recipient": recipient})
    # Imported here, not at the top: desk.tasks imports this module (its task runs desk_sheet_email_send).
    from comptoir.desk.tasks import desk_sheet_email_task  # noqa: PLC0415

    language = translation.get_language() or "fr-ca"
    transaction.on_commit(lambda: desk_sheet_email_task.enqueue(
        sheet.pk, recipient, message, language, [list(p) for p in picks]))
    return sheet


def desk_sheet_email_send(*, sheet_id: int, to: str, message: str = "", language: str = "fr-ca",
                          picks=None) -> None:
    """The email itself (run by the worker): the message, the salesperson's name, the worksheet PDF."""
    sheet = DeskSheet.objects.select_related("opportunity__customer", "opportunity__salesperson").get(pk=sheet_id)
    salesperson = sheet.opportunity.salesperson
    picks = [tuple(p) for p in picks or []]
    with translation.override(language):
        number = sheet_number(sheet)
        body = "\n\n".join(part for part in (
            message.strip(), str(_("Voici la feuille de calcul %(number)s de vos options de paiement.")
                                 % {"number": number}),
            salesperson.display_name if salesperson else "") if part)
        body = with_dealer_footer(body)
        email = EmailMultiAlternatives(
            subject=str(_("Feuille de calcul %(number)s") % {"number": number}), body=body, to=[to],
            from_email=sender_address(salesperson.display_name if salesperson else ""),
            reply_to=[salesperson.email] if salesperson and salesperson.email else None)
        email.attach_alternative(email_html(body, click_url=lambda url: url, pixel_url=None), "text/html")
        email.attach(f"{number}.pdf", worksheet_pdf(sheet, language=language, picks=picks), "application/pdf")
        email.send()


# --- Lender programs, F&I products, fees and rebates (admins) ------------------------------------

LISTS_FORBIDDEN = _("Seuls les administrateurs gèrent les programmes des prêteurs, les produits F&A, les frais et "
                    "les rabais.")
NAME_REQUIRED = _("Le nom est requis.")
BAD_KIND = _("Type inconnu : « %(value)s ».")
BAD_YEARS = _("L'année de début dépasse l'année de fin.")
BAD_DATES = _("La date de début dépasse la date de fin.")
BAD_YEAR = _("Une année modèle va de 1900 à 2100.")
BAD_DATE = _("Date illisible : AAAA-MM-JJ (p. ex. 2026-03-01).")
DUPLICATE_PROGRAM = _("Ce prêteur a déjà un programme de ce nom et de ce type.")
DUPLICATE_ITEM = _("Il y a déjà un élément de ce type et de ce nom.")
RESIDUAL_FOR_LEASE = _("Les résiduels sont ceux d'un programme de location.")
TERMS_UNIQUE = _("Chaque terme n'apparaît qu'une fois.")

KIND_WORDS = {
    ProgramKind.FINANCE: {"finance", "financement", "loan", "pret", "kredyt", "finansowanie"},
    ProgramKind.LEASE: {"lease", "location", "leasing", "credit-bail", "credit bail"},
}
CONDITION_WORDS = {
    ProgramCondition.ANY: {"", "any", "tous", "toutes", "neuf ou d'occasion", "both", "all"},
    ProgramCondition.NEW: {"new", "neuf", "neuve", "nowy"},
    ProgramCondition.USED: {"used", "occasion", "d'occasion", "usage", "usagé", "used car", "uzywany"},
}


def _require_lists(actor) -> None:
    if not permissions.can_manage_lists(actor):
        raise Forbidden(LISTS_FORBIDDEN)


def _word(value, words: dict, field: str) -> str:
    text = str(value or "").strip().lower()
    for key, known in words.items():
        if text == key or text in known:
            return key
    raise ApplicationError(BAD_KIND % {"value": value}, field=field)


def _year(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ApplicationError(BAD_YEAR, field=field) from None
    if not 1900 <= year <= 2100:
        raise ApplicationError(BAD_YEAR, field=field)
    return year


def _day(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ApplicationError(BAD_DATE, field=field) from None


def _program_values(values: dict, program: LenderProgram | None) -> dict:
    """A program's fields as given (a missing one keeps the program's), cleaned."""
    current = {name: getattr(program, name) for name in PROGRAM_FIELDS} if program else {
        "lender": "", "name": "", "kind": None, "condition": ProgramCondition.ANY, "makes": "", "year_from": None,
        "year_to": None, "valid_from": None, "valid_to": None, "excess_km_charge": ZERO, "active": True}
    given = {k: v for k, v in values.items() if k in PROGRAM_FIELDS}
    merged = {**current, **given}
    for name in ("lender", "name"):
        merged[name] = str(merged[name] or "").strip()[:100]
        if not merged[name]:
            raise ApplicationError(NAME_REQUIRED, field=name)
    merged["kind"] = _word(merged["kind"], KIND_WORDS, "kind")
    merged["condition"] = _word(merged["condition"], CONDITION_WORDS, "condition")
    merged["makes"] = ", ".join(m.strip() for m in str(merged["makes"] or "").split(",") if m.strip())[:300]
    merged["year_from"], merged["year_to"] = _year(merged["year_from"], "year_from"), _year(merged["year_to"],
                                                                                                "year_to")
    if merged["year_from"] and merged["year_to"] and merged["year_from"] > merged["year_to"]:
        raise ApplicationError(BAD_YEARS, field="year_to")
    merged["valid_from"], merged["valid_to"] = _day(merged["valid_from"], "valid_from"), _day(merged["valid_to"],
                                                                                               "valid_to")
    if merged["valid_from"] and merged["valid_to"] and merged["valid_from"] > merged["valid_to"]:
        raise ApplicationError(BAD_DATES, field="valid_to")
    charge = _number(merged["excess_km_charge"] if merged["excess_km_charge"] not in (None, "") else 0,
                     field="excess_km_charge")
    if not ZERO <= charge <= 100:
        raise ApplicationError(BAD_AMOUNT, field="excess_km_charge")
    merged["excess_km_charge"] = charge.quantize(Decimal("0.0001"))
    merged["active"] = bool(merged["active"])
    return merged


PROGRAM_FIELDS = ("lender", "name", "kind", "condition", "makes", "year_from", "year_to", "valid_from", "valid_to",
                  "excess_km_charge", "active")
RESIDUAL_FIELDS = tuple(f"residual_{km}" for km in KILOMETRES)


def _term_values(raw: dict, index: int, kind: str) -> dict:
    where = f"terms.{index}"
    terms = terms_clean([raw.get("term")], field=f"{where}.term")
    if not terms:
        raise ApplicationError(BAD_TERM, field=f"{where}.term")
    apr = rate(raw.get("apr"), field=f"{where}.apr")
    if apr is None:
        raise ApplicationError(BAD_RATE, field=f"{where}.apr")
    values = {"term": terms[0], "apr": apr}
    for name in RESIDUAL_FIELDS:
        value = residual_pct(raw.get(name), field=f"{where}.{name}")
        if value is not None and kind != ProgramKind.LEASE:
            raise ApplicationError(RESIDUAL_FOR_LEASE, field=f"{where}.{name}")
        values[name] = value
    return values


@transaction.atomic
def program_save(*, actor, values: dict, program_id=None, terms: list[dict] | None = None) -> LenderProgram:
    """Create a program, or change one (`program_id`); `terms`, when given, replaces its terms (rate by
    term, and a lease's residual % at each yearly mileage)."""
    _require_lists(actor)
    program = None
    if program_id is not None:
        program = LenderProgram.objects.select_for_update().filter(
            pk=program_id if is_small_id(program_id) else 0).first()
        if program is None:
            raise NotFound()
    cleaned = _program_values(values, program)
    twin = LenderProgram.objects.filter(lender__iexact=cleaned["lender"], name__iexact=cleaned["name"],
                                        kind=cleaned["kind"]).exclude(pk=program.pk if program else None)
    if twin.exists():
        raise ApplicationError(DUPLICATE_PROGRAM, field="name", status=409, code="conflict")
    program = program or LenderProgram()
    for name, value in cleaned.items():
        setattr(program, name, value)
    program.save()
    if terms is not None:
        rows = [_term_values(raw, index, program.kind) for index, raw in enumerate(terms)]
        if len({row["term"] for row in rows}) != len(rows):
            raise ApplicationError(TERMS_UNIQUE, field="terms")
        program.terms.all().delete()
        ProgramTerm.objects.bulk_create(ProgramTerm(program=program, **row) for row in rows)
    timeline_record(actor=actor, subject=program, verb="program_saved",
                    data={"lender": program.lender, "name": program.name, "kind": program.kind})
    return program


@transaction.atomic
def program_term_import(*, actor, row: dict) -> tuple[str, int]:
    """One row of a programs file: a program (found by lender, name and kind, created or updated) and one
    of its terms (added, or its rate and residuals replaced)."""
    _require_lists(actor)
    kind = _word(row.get("kind"), KIND_WORDS, "kind")
    program = LenderProgram.objects.filter(lender__iexact=str(row.get("lender") or "").strip(),
                                           name__iexact=str(row.get("name") or "").strip(), kind=kind).first()
    created = program is None
    program = program_save(actor=actor, program_id=program.pk if program else None,
                           values={k: v for k, v in {**row, "kind": kind}.items() if k in PROGRAM_FIELDS
                                   and (v not in (None, "") or k in ("lender", "name"))})
    values = _term_values(row, 0, program.kind)
    _term, term_created = ProgramTerm.objects.update_or_create(program=program, term=values.pop("term"),
                                                               defaults=values)
    return ("created" if created or term_created else "updated"), program.pk


ITEM_FIELDS = ("kind", "name", "price", "cost", "taxable", "after_tax", "active", "position")
ITEM_KIND_WORDS = {
    ItemKind.PRODUCT: {"product", "produit", "f&i", "f&a", "produit f&a", "produkt"},
    ItemKind.FEE: {"fee", "frais", "oplata"},
    ItemKind.REBATE: {"rebate", "rabais", "remise", "rabat"},
}


@transaction.atomic
def item_save(*, actor, values: dict, item_id=None, pipelines: list | None = None) -> DeskItem:
    """Create or change an F&I product, fee or rebate; `pipelines` (ids), when given, are those it is a
    default of."""
    _require_lists(actor)
    item = None
    if item_id is not None:
        item = DeskItem.objects.select_for_update().filter(pk=item_id if is_small_id(item_id) else 0).first()
        if item is None:
            raise NotFound()
    current = {name: getattr(item, name) for name in ITEM_FIELDS} if item else {
        "kind": None, "name": "", "price": None, "cost": ZERO, "taxable": True, "after_tax": False, "active": True,
        "position": 0}
    merged = {**current, **{k: v for k, v in values.items() if k in ITEM_FIELDS}}
    merged["kind"] = _word(merged["kind"], ITEM_KIND_WORDS, "kind")
    merged["name"] = str(merged["name"] or "").strip()[:100]
    if not merged["name"]:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if merged["price"] in (None, ""):
        raise ApplicationError(BAD_AMOUNT, field="price")
    merged["price"], merged["cost"] = money(merged["price"], field="price"), money(merged["cost"], field="cost")
    merged["after_tax"] = bool(merged["after_tax"]) and merged["kind"] == ItemKind.REBATE
    twin = DeskItem.objects.filter(kind=merged["kind"], name__iexact=merged["name"]).exclude(
        pk=item.pk if item else None)
    if twin.exists():
        raise ApplicationError(DUPLICATE_ITEM, field="name", status=409, code="conflict")
    item = item or DeskItem()
    for name, value in merged.items():
        setattr(item, name, value)
    item.full_clean(exclude=["pipelines"])
    item.save()
    if pipelines is not None:
        item.pipelines.set(Pipeline.objects.filter(pk__in=[p for p in pipelines if is_small_id(p)]))
    return item
