"""Reads of the desk: the programs a unit may be financed or leased under today, the fees, F&I products
and rebates offered, what a deal's desk opens with, and the sheets kept on a deal."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import InventoryUnit, UnitCondition
from comptoir.catalog.selectors import FOR_SALE, product_match, unit_label
from comptoir.core import permissions
from comptoir.core.exceptions import Forbidden, NotFound
from comptoir.core.text import is_small_id, normalize
from comptoir.desk.models import DeskItem, DeskSheet, ItemKind, LenderProgram, ProgramCondition, ProgramKind, \
    ProgramTerm
from comptoir.sales.models import Opportunity
from comptoir.sales.selectors import opportunity_visible

# What a desk opens with, before anyone types: three cash-downs, three terms of each kind, monthly, 16 000 km.
DEFAULT_CASH_DOWNS = [Decimal(0), Decimal(2000), Decimal(5000)]
DEFAULT_FINANCE_TERMS = [60, 72, 84]
DEFAULT_LEASE_TERMS = [24, 36, 48]
DEFAULT_KILOMETRES = 16_000
PROGRAMS_FORBIDDEN = _("Les programmes des prêteurs se consultent par les directeurs des ventes et les "
                       "administrateurs.")


def programs_valid(on: date | None = None) -> QuerySet:
    """Active programs valid on `on` (today in the dealer's time zone): an expired one is not offered."""
    on = on or timezone.localdate()
    return (LenderProgram.objects.filter(active=True)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .prefetch_related(Prefetch("terms", queryset=ProgramTerm.objects.order_by("term"))))


def programs_for(*, make: str = "", year: int | None = None, condition: str | None = None,
                 on: date | None = None) -> list[LenderProgram]:
    """The programs valid today for a unit of this make, model year and condition, with their terms (one
    query and its prefetch): a program naming no make applies to every make, one without years to every
    year."""
    queryset = programs_valid(on)
    if condition in (UnitCondition.NEW, UnitCondition.USED):
        queryset = queryset.filter(condition__in=[ProgramCondition.ANY, condition])
    if year:
        queryset = queryset.filter(Q(year_from__isnull=True) | Q(year_from__lte=year)) \
            .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
    wanted = normalize(make or "")
    return [p for p in queryset.order_by("kind", "lender", "name", "pk") if not p.makes.strip() or not wanted
            or wanted in {normalize(m) for m in p.makes.split(",")}]


def items_offered() -> list[DeskItem]:
    """The active fees, F&I products and rebates, each with the pipelines it is a default of."""
    return list(DeskItem.objects.filter(active=True).prefetch_related("pipelines"))


def _unit_of(opportunity: Opportunity) -> InventoryUnit | None:
    return opportunity.unit if opportunity.unit_id else None


def desk_opening(*, actor, opportunity: Opportunity) -> dict:
    """What a deal's desk opens with: its unit (or catalogue product) at its price, cost and MSRP, the
    trade-in and everything else of its last sheet if it has one, else the pipeline's default fees, the
    lowest-rate program of each kind for the unit, three cash-downs and three terms."""
    unit = _unit_of(opportunity)
    programs = list(programs_for(make=unit.make if unit else "", year=unit.year if unit else None,
                                 condition=unit.condition if unit else None))
    last = opportunity.desk_sheets.order_by("-number").first()
    if unit is not None and unit.status in FOR_SALE:
        description, price, cost = unit_label(unit), unit.price, unit.cost
    else:
        product = product_match(opportunity.product)
        description = product.name if product else opportunity.product
        price = product.unit_price if product else opportunity.amount
        cost = (product.unit_cost if product else opportunity.cost) or Decimal(0)
        unit = None
    if last is not None:
        raw = dict(last.inputs)
        raw["finance_program"] = (raw.get("finance_program") or {}).get("id")
        raw["lease_program"] = (raw.get("lease_program") or {}).get("id")
    else:
        def lowest(kind):
            offered = [p for p in programs if p.kind == kind and p.terms.all()]
            return min(offered, key=lambda p: min(t.apr for t in p.terms.all()), default=None)
        finance, lease = lowest(ProgramKind.FINANCE), lowest(ProgramKind.LEASE)
        raw = {"selling_price": price, "msrp": price, "accessories": [], "trade_in": {},
               "items": [{"id": i.pk} for i in items_offered()
                         if i.kind == ItemKind.FEE and opportunity.pipeline_id in {p.pk for p in i.pipelines.all()}],
               "cash_downs": DEFAULT_CASH_DOWNS,
               "finance_program": finance.pk if finance else None, "lease_program": lease.pk if lease else None,
               "finance_terms": _terms_near(finance, DEFAULT_FINANCE_TERMS),
               "lease_terms": _terms_near(lease, DEFAULT_LEASE_TERMS),
               "frequency": "monthly", "kilometres": DEFAULT_KILOMETRES}
    return {"raw": raw, "unit": unit, "description": description, "unit_cost": cost or Decimal(0),
            "programs": programs, "last": last}


def _terms_near(program: LenderProgram | None, wanted: list[int]) -> list[int]:
    """The wanted terms the program offers, completed with its others up to three."""
    if program is None:
        return wanted
    offered = [t.term for t in program.terms.all()]
    chosen = [t for t in wanted if t in offered]
    chosen += [t for t in offered if t not in chosen][:3 - len(chosen)]
    return sorted(chosen[:3])


def desk_sheets(*, actor, opportunity_id) -> QuerySet:
    """The sheets of a deal the actor sees, newest first (404 for a deal they may not see)."""
    if not is_small_id(opportunity_id) or not opportunity_visible(actor).filter(pk=opportunity_id).exists():
        raise NotFound()
    return DeskSheet.objects.filter(opportunity_id=opportunity_id).select_related("created_by", "variant__quote") \
        .order_by("-number")


def desk_sheet_get(*, actor, opportunity_id, sheet_id) -> DeskSheet:
    """One sheet of a deal the actor sees; 404 otherwise."""
    sheet = desk_sheets(actor=actor, opportunity_id=opportunity_id).filter(
        pk=sheet_id if is_small_id(sheet_id) else 0).select_related("opportunity__customer").first()
    if sheet is None:
        raise NotFound()
    return sheet


def programs_list(*, actor, kind: str | None = None, valid_on: date | None = None,
                  include_expired: bool = False) -> QuerySet:
    """Managers and admins read the lender programs (salespeople meet them on the desk): valid ones on
    `valid_on` (today), or all with `include_expired`."""
    if not permissions.can_see_team(actor):
        raise Forbidden(PROGRAMS_FORBIDDEN)
    queryset = LenderProgram.objects.prefetch_related(
        Prefetch("terms", queryset=ProgramTerm.objects.order_by("term"))) if include_expired \
        else programs_valid(valid_on)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("kind", "lender", "name", "pk")


def program_get(*, actor, program_id) -> LenderProgram:
    program = programs_list(actor=actor, include_expired=True).filter(
        pk=program_id if is_small_id(program_id) else 0).first()
    if program is None:
        raise NotFound()
    return program


def items_list(*, kind: str | None = None, active: bool | None = None) -> QuerySet:
    queryset = DeskItem.objects.prefetch_related("pipelines").order_by("kind", "position", "name", "pk")
    if kind:
        queryset = queryset.filter(kind=kind)
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset
