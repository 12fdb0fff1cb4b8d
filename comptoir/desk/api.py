"""/desking/calculate, /opportunities/{id}/desk-sheets, /lender-programs and /desk-items (API.md, issue 26).
The gross (front, back, total) is in a manager's or an admin's answers only."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.exceptions import NotFound
from comptoir.quotes.api import LanguageName
from comptoir.desk import selectors, services
from comptoir.desk.documents import sheet_number, worksheet_pdf
from comptoir.desk.models import DeskItem, DeskSheet, LenderProgram
from comptoir.sales.selectors import opportunity_get

desking_router = Router(tags=["desking"])
desk_sheets_router = Router(tags=["desking"])
programs_router = Router(tags=["lender-programs"])
items_router = Router(tags=["desk-items"])

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=40, max_digits=6, decimal_places=3)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
TermMonths = Annotated[int, Field(ge=1, le=120)]
Frequency = Literal["monthly", "biweekly", "weekly"]
Text = Annotated[str, StringConstraints(max_length=300)]


class CalculateIn(Schema):
    selling_price: Money
    msrp: Money | None = None
    trade_allowance: Money | None = None
    lien_payoff: Money | None = None
    taxable_fees: Money | None = None
    untaxed_fees: Money | None = None
    rebates_before_tax: Money | None = Field(None, description="Lowers the selling price before taxes")
    rebates_after_tax: Money | None = Field(None, description="Counts as cash down, after taxes")
    cash_down: list[Money] = Field(min_length=1, max_length=services.MAX_STEPS)
    terms: list[TermMonths] = Field(min_length=1, max_length=services.MAX_TERMS)
    finance_apr: Rate | None = None
    lease_apr: Rate | None = None
    finance_rates: dict[str, Rate] | None = Field(None, description="A rate per term (\"60\": \"5.99\"), over "
                                                  "finance_apr")
    lease_rates: dict[str, Rate] | None = None
    residuals: dict[str, Percent] | None = Field(None, description="Lease residual % of the MSRP by term")
    frequency: Frequency = "monthly"
    target_payment: Money | None = Field(None, description="« Payment first »: answers price_for_payment, the "
                                         "highest selling price whose payment at the first term and cash-down "
                                         "does not exceed it")
    target_kind: Literal["finance", "lease"] = "finance"
    unit_cost: Money | None = Field(None, description="Managers and admins: answers the gross")


class FinanceCellOut(Schema):
    term: int
    cash_down: Decimal
    apr: Decimal
    rate_changed: bool
    possible: bool = Field(description="False when nothing is left to lend: shown, never chosen")
    amount_financed: Decimal
    monthly_payment: Decimal
    payment: Decimal
    payments: int
    total_of_payments: Decimal
    cost_of_credit: Decimal


class LeaseCellOut(Schema):
    term: int
    cash_down: Decimal
    apr: Decimal
    rate_changed: bool
    possible: bool = Field(description="False when the payment would be zero or less: shown, never chosen")
    residual_pct: Decimal
    residual: Decimal
    cap_cost: Decimal
    base: Decimal
    tps: Decimal
    tvq: Decimal
    monthly_payment: Decimal
    payment: Decimal
    payments: int
    total_of_payments: Decimal


class GrossOut(Schema):
    front: Decimal
    back: Decimal
    total: Decimal


class GridOut(Schema):
    cash_price: Decimal
    taxable: Decimal
    tps: Decimal
    tvq: Decimal
    credits: Decimal
    cash_to_pay: Decimal
    frequency: str
    finance: list[FinanceCellOut]
    lease: list[LeaseCellOut]
    price_for_payment: Decimal | None = None
    gross: GrossOut | None = Field(None, description="Managers and admins only")


@desking_router.post("/calculate", response={200: GridOut, **ERRORS}, summary="Cash, finance and lease payments",
                     exclude_none=True)
def calculate(request, payload: CalculateIn):
    return services.desking_calculate(actor=request.user, data=payload.dict())


class TradeInIn(Schema):
    description: Text = ""
    vin: Annotated[str, StringConstraints(max_length=50)] = ""
    allowance: Money | None = None
    lien_payoff: Money | None = None


class AccessoryIn(Schema):
    description: Text
    price: Money
    cost: Money | None = None


class ItemChoiceIn(Schema):
    id: int
    price: Money | None = Field(None, description="Another amount than the list's, for this deal")


class ChoiceIn(Schema):
    kind: Literal["cash", "finance", "lease"]
    term: TermMonths | None = None
    cash_down: Money | None = None


class DeskIn(Schema):
    selling_price: Money
    msrp: Money | None = None
    accessories: list[AccessoryIn] = Field([], max_length=services.MAX_ACCESSORIES)
    trade_in: TradeInIn | None = None
    items: list[ItemChoiceIn] = Field([], max_length=services.MAX_ITEMS)
    cash_downs: list[Money] = Field(min_length=1, max_length=services.MAX_STEPS)
    finance_program: int | None = None
    lease_program: int | None = None
    finance_terms: list[TermMonths] = Field([], max_length=services.MAX_TERMS)
    lease_terms: list[TermMonths] = Field([], max_length=services.MAX_TERMS)
    finance_apr: Rate | None = Field(None, description="Managers and admins: another rate than the program's")
    lease_apr: Rate | None = None
    frequency: Frequency = "monthly"
    kilometres: Literal[12000, 16000, 20000, 24000] = 16000
    choice: ChoiceIn | None = Field(None, description="The cell chosen: the sheet becomes a quote variant")


class SheetOut(Schema):
    id: int
    number: int
    opportunity: int = Field(alias="opportunity_id")
    inputs: dict
    grid: dict
    choice: dict
    variant: int | None = Field(None, alias="variant_id")
    quote: int | None = None
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime
    sent_at: datetime | None
    sent_to: str
    gross: GrossOut | None = Field(None, description="Managers and admins only")

    @staticmethod
    def resolve_quote(obj: DeskSheet):
        return obj.variant.quote_id if obj.variant_id else None

    @staticmethod
    def resolve_inputs(obj: DeskSheet, context):
        """The inputs as kept; the accessories' and items' costs for managers and admins only."""
        if services.may_see_gross(context["request"].user):
            return obj.inputs
        return services.inputs_without_costs(obj.inputs)

    @staticmethod
    def resolve_gross(obj: DeskSheet, context):
        return obj.gross or None if services.may_see_gross(context["request"].user) else None


@desk_sheets_router.get("/{int:opportunity_id}/desk-sheets", response={200: list[SheetOut], **ERRORS},
                        summary="The desk sheets of an opportunity", exclude_none=True)
@paginate
def list_sheets(request, opportunity_id: int):
    return selectors.desk_sheets(actor=request.user, opportunity_id=opportunity_id)


@desk_sheets_router.post("/{int:opportunity_id}/desk-sheets", response={201: SheetOut, **ERRORS},
                         summary="Keep a desk sheet (a chosen cell becomes a quote variant)", exclude_none=True)
def create_sheet(request, opportunity_id: int, payload: DeskIn):
    opportunity = opportunity_get(actor=request.user, pk=opportunity_id)
    opening = selectors.desk_opening(actor=request.user, opportunity=opportunity)
    data = payload.dict()
    choice = data.pop("choice")
    data["items"] = [{k: v for k, v in item.items() if v is not None} for item in data["items"]]
    desk = services.desk_of(actor=request.user, opening=opening, raw=data)
    sheet = services.desk_sheet_save(actor=request.user, opportunity_id=opportunity.pk, desk=desk, choice=choice)
    return Status(201, selectors.desk_sheet_get(actor=request.user, opportunity_id=opportunity.pk,
                                                sheet_id=sheet.pk))


class SendIn(Schema):
    to: Annotated[str, StringConstraints(max_length=254)] | None = None
    message: Annotated[str, StringConstraints(max_length=5000)] = ""
    options: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        [], max_length=services.MAX_TERMS, description="What the worksheet prints (« finance:60:2000 », "
        "« lease:36:0 », « cash »); the sheet's choice, else three of its cells, when empty")


@desk_sheets_router.get("/{int:opportunity_id}/desk-sheets/{int:sheet_id}/worksheet.pdf",
                        response={200: None, **ERRORS}, summary="A sheet's worksheet as a PDF (no cost, no gross)")
def sheet_pdf(request, opportunity_id: int, sheet_id: int, language: LanguageName = "fr-ca",
              option: list[str] = Query([])):
    sheet = selectors.desk_sheet_get(actor=request.user, opportunity_id=opportunity_id, sheet_id=sheet_id)
    response = HttpResponse(worksheet_pdf(sheet, language=language, picks=services.worksheet_picks(option)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheet_number(sheet)}.pdf"'
    return response


@desk_sheets_router.post("/{int:opportunity_id}/desk-sheets/{int:sheet_id}/send", response={200: SheetOut, **ERRORS},
                         summary="Email a sheet's worksheet to the customer (from the worker)", exclude_none=True)
def send_sheet(request, opportunity_id: int, sheet_id: int, payload: SendIn):
    sheet = services.desk_sheet_send(actor=request.user, opportunity_id=opportunity_id, sheet_id=sheet_id,
                                     to=payload.to, message=payload.message, options=payload.options)
    return selectors.desk_sheet_get(actor=request.user, opportunity_id=opportunity_id, sheet_id=sheet.pk)


# --- Lender programs and desk items (admins write; programs read by managers, items by everyone) --

class ProgramTermIO(Schema):
    term: TermMonths
    apr: Rate
    residual_12000: Percent | None = None
    residual_16000: Percent | None = None
    residual_20000: Percent | None = None
    residual_24000: Percent | None = None


class ProgramOut(Schema):
    id: int
    lender: str
    name: str
    kind: str
    condition: str
    makes: str
    year_from: int | None
    year_to: int | None
    valid_from: date | None
    valid_to: date | None
    excess_km_charge: Decimal
    active: bool
    terms: list[ProgramTermIO]

    @staticmethod
    def resolve_terms(obj: LenderProgram):
        return list(obj.terms.all())


class ProgramIn(Schema):
    lender: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    kind: Literal["finance", "lease"]
    condition: Literal["any", "new", "used"] = "any"
    makes: Annotated[str, StringConstraints(max_length=300)] = ""
    year_from: Annotated[int, Field(ge=1900, le=2100)] | None = None
    year_to: Annotated[int, Field(ge=1900, le=2100)] | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    excess_km_charge: Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=4)] = Decimal(0)
    active: bool = True
    terms: list[ProgramTermIO] = Field([], max_length=24)


class ProgramPatch(Schema):
    lender: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    condition: Literal["any", "new", "used"] | None = None
    makes: Annotated[str, StringConstraints(max_length=300)] | None = None
    year_from: Annotated[int, Field(ge=1900, le=2100)] | None = None
    year_to: Annotated[int, Field(ge=1900, le=2100)] | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    excess_km_charge: Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=4)] | None = None
    active: bool | None = None
    terms: list[ProgramTermIO] | None = Field(None, max_length=24)


@programs_router.get("", response={200: list[ProgramOut], **ERRORS}, summary="Lender programs (managers, admins)")
@paginate
def list_programs(request, kind: Literal["finance", "lease"] | None = None, valid_on: date | None = Query(None),
                  include_expired: bool = False):
    return selectors.programs_list(actor=request.user, kind=kind, valid_on=valid_on, include_expired=include_expired)


@programs_router.get("/{int:program_id}", response={200: ProgramOut, **ERRORS}, summary="One lender program")
def get_program(request, program_id: int):
    return selectors.program_get(actor=request.user, program_id=program_id)


@programs_router.post("", response={201: ProgramOut, **ERRORS}, summary="Create a lender program (admin)")
def create_program(request, payload: ProgramIn):
    values = payload.dict()
    terms = values.pop("terms")
    program = services.program_save(actor=request.user, values=values, terms=terms)
    return Status(201, selectors.program_get(actor=request.user, program_id=program.pk))


@programs_router.patch("/{int:program_id}", response={200: ProgramOut, **ERRORS},
                       summary="Change a lender program, its terms replaced when given (admin)")
def update_program(request, program_id: int, payload: ProgramPatch):
    values = payload.dict(exclude_unset=True)
    terms = values.pop("terms", None)
    services.program_save(actor=request.user, values=values, program_id=program_id, terms=terms)
    return selectors.program_get(actor=request.user, program_id=program_id)


class ItemOut(Schema):
    id: int
    kind: str
    name: str
    price: Decimal
    cost: Decimal | None = None
    taxable: bool
    after_tax: bool
    active: bool
    position: int
    pipelines: list[int]

    @staticmethod
    def resolve_pipelines(obj: DeskItem):
        return [p.pk for p in obj.pipelines.all()]

    @staticmethod
    def resolve_cost(obj: DeskItem, context):
        return obj.cost if services.may_see_gross(context["request"].user) else None


class ItemIn(Schema):
    kind: Literal["product", "fee", "rebate"]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    price: Money
    cost: Money = Decimal(0)
    taxable: bool = True
    after_tax: bool = False
    active: bool = True
    position: Annotated[int, Field(ge=0, le=10_000)] = 0
    pipelines: list[int] = Field([], max_length=100)


class ItemPatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    price: Money | None = None
    cost: Money | None = None
    taxable: bool | None = None
    after_tax: bool | None = None
    active: bool | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    pipelines: list[int] | None = Field(None, max_length=100)


@items_router.get("", response={200: list[ItemOut], **ERRORS},
                  summary="F&I products, fees and rebates (costs for managers and admins)", exclude_none=True)
@paginate
def list_items(request, kind: Literal["product", "fee", "rebate"] | None = None, active: bool | None = None):
    return selectors.items_list(kind=kind, active=active)


@items_router.post("", response={201: ItemOut, **ERRORS}, summary="Create an F&I product, fee or rebate (admin)",
                   exclude_none=True)
def create_item(request, payload: ItemIn):
    values = payload.dict()
    pipelines = values.pop("pipelines")
    item = services.item_save(actor=request.user, values=values, pipelines=pipelines)
    return Status(201, selectors.items_list().get(pk=item.pk))


@items_router.patch("/{int:item_id}", response={200: ItemOut, **ERRORS},
                    summary="Change an F&I product, fee or rebate (admin)", exclude_none=True)
def update_item(request, item_id: int, payload: ItemPatch):
    values = payload.dict(exclude_unset=True)
    pipelines = values.pop("pipelines", None)
    item = services.item_save(actor=request.user, values=values, item_id=item_id, pipelines=pipelines)
    found = selectors.items_list().filter(pk=item.pk).first()
    if found is None:
        raise NotFound()
    return found
