"""/quotes, /opportunities/{id}/quotes and /opportunities/{id}/contract (API.md)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.exceptions import NotFound
from comptoir.core.figures import MAX_ODOMETER_KM
from comptoir.core.schemas import Id, ReferenceValue
from comptoir.quotes import selectors, services
from comptoir.quotes.documents import contract_pdf as render_pdf, variant_html, variant_pdf
from comptoir.quotes.models import Quote, QuoteVariant

quotes_router = Router(tags=["quotes"])
opportunity_quotes_router = Router(tags=["quotes"])

Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class LineIn(Schema):
    product: ReferenceValue | None = Field(None, description="A catalogue product: its id, its code, or its name "
                                           "(the only active product of that name, or whose name contains it)")
    unit: ReferenceValue | None = Field(None, description="A unit for sale (its id, serial or stock number): the "
                                        "line reads its year, make, model, VIN and stock number at its price "
                                        "and cost, unless the line gives them")
    description: Annotated[str, StringConstraints(max_length=300)] = ""
    quantity: Annotated[Decimal, Field(max_digits=12, decimal_places=3)] = Decimal(1)
    unit_price: Amount | None = None
    discount_pct: Annotated[Decimal, Field(max_digits=5, decimal_places=2)] | None = None
    discount_amount: Amount | None = None
    unit_cost: Amount | None = None
    tax_class: Annotated[str, StringConstraints(max_length=20)] | None = None


class VariantIn(Schema):
    name: Annotated[str, StringConstraints(max_length=100)] = ""
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    valid_until: date | None = None
    payment_terms: Annotated[str, StringConstraints(max_length=2000)] = ""
    delivery_terms: Annotated[str, StringConstraints(max_length=2000)] = ""
    lines: list[LineIn] = Field(min_length=1, max_length=services.MAX_LINES)


class QuoteIn(Schema):
    title: Annotated[str, StringConstraints(max_length=200)] = ""
    variants: list[VariantIn] = Field(min_length=1, max_length=services.MAX_VARIANTS)


class LineOut(Schema):
    id: int
    product: int | None = Field(None, alias="product_id")
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    discount_amount: Decimal
    unit_cost: Decimal | None = Field(description="null on a desk variant for whoever may not see the gross")
    tax_class: str
    line_total: Decimal

    @staticmethod
    def resolve_unit_cost(obj, context):
        return None if getattr(obj, "gross_hidden", False) else obj.unit_cost


class TaxAmountOut(Schema):
    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


class SignatureOut(Schema):
    """The customer's online acceptance (issue 23): the name they typed as signature, when, from where,
    and the SHA-256 of the unsigned PDF they accepted."""
    name: str
    at: datetime
    ip: str | None
    user_agent: str
    pdf_sha256: str


class VariantOut(Schema):
    id: int
    name: str
    status: str
    currency: str
    valid_until: date | None
    payment_terms: str
    delivery_terms: str
    lines: list[LineOut]
    subtotal: Decimal
    discount_total: Decimal
    taxes: list[TaxAmountOut]
    tax_total: Decimal
    total: Decimal
    cost: Decimal | None = Field(description="null on a desk variant (`financing` set) for whoever may not see "
                                 "the gross (salespeople, reception); likewise margin, margin_pct, markup_pct")
    margin: Decimal | None
    margin_pct: Decimal | None
    markup_pct: Decimal | None
    accepted_at: datetime | None
    sent_at: datetime | None
    sent_to: str
    first_opened_at: datetime | None
    view_count: int
    signature: SignatureOut | None = Field(None, description="Set when the customer accepted online")
    financing: dict = Field(description="A variant made at the desk: cash, finance or lease, its lender program, "
                            "term, rate, payment and disclosure, trade-in and rebates after taxes; {} otherwise")

    @staticmethod
    def resolve_lines(obj: QuoteVariant, context):
        hidden = selectors.gross_hidden(context["request"].user, obj)
        lines = list(obj.lines.all())
        for line in lines:
            line.gross_hidden = hidden
        return lines

    @staticmethod
    def resolve_cost(obj: QuoteVariant, context):
        return None if selectors.gross_hidden(context["request"].user, obj) else obj.cost

    @staticmethod
    def resolve_margin(obj: QuoteVariant, context):
        return None if selectors.gross_hidden(context["request"].user, obj) else obj.margin

    @staticmethod
    def resolve_margin_pct(obj: QuoteVariant, context):
        return None if selectors.gross_hidden(context["request"].user, obj) else obj.margin_pct

    @staticmethod
    def resolve_markup_pct(obj: QuoteVariant, context):
        return None if selectors.gross_hidden(context["request"].user, obj) else obj.markup_pct

    @staticmethod
    def resolve_signature(obj: QuoteVariant):
        if not obj.signed_name or obj.accepted_at is None:
            return None
        return {"name": obj.signed_name, "at": obj.accepted_at, "ip": obj.signed_ip,
                "user_agent": obj.signed_user_agent, "pdf_sha256": obj.signed_pdf_sha256}


class QuoteOut(Schema):
    id: int
    number: str
    title: str
    opportunity: int = Field(alias="opportunity_id")
    variants: list[VariantOut]
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime

    @staticmethod
    def resolve_variants(obj: Quote):
        return list(obj.variants.all())


class TradeInIn(Schema):
    description: Annotated[str, StringConstraints(max_length=300)] = ""
    vin: Annotated[str, StringConstraints(max_length=50)] = ""
    odometer_km: int | None = Field(None, ge=0, le=MAX_ODOMETER_KM, description="The trade-in's odometer")
    allowance: Amount = Decimal(0)
    lien_payoff: Amount | None = None
    actual_cash_value: Amount | None = None


class ContractIn(Schema):
    variant: Id
    deposit: Amount | None = None
    trade_in: TradeInIn | None = None


class ContractOut(Schema):
    id: int
    number: str
    opportunity: int = Field(alias="opportunity_id")
    variant: int = Field(alias="variant_id")
    subtotal: Decimal
    allowance: Decimal
    taxable_amount: Decimal
    taxes: list[TaxAmountOut]
    tax_total: Decimal
    total: Decimal
    lien_payoff: Decimal
    deposit: Decimal
    net_to_pay: Decimal
    trade_in_description: str
    trade_in_vin: str
    trade_in_odometer_km: int | None
    trade_in_actual_cash_value: Decimal | None
    created_at: datetime


@opportunity_quotes_router.post("/{int:opportunity_id}/quotes", response={201: QuoteOut, **ERRORS},
                                summary="Quote an opportunity: one or more variants of priced lines")
def create_quote(request, opportunity_id: int, payload: QuoteIn):
    quote = services.quote_create(actor=request.user, opportunity_id=opportunity_id, **payload.dict())
    return Status(201, selectors.quote_get(actor=request.user, pk=quote.pk))


@opportunity_quotes_router.get("/{int:opportunity_id}/quotes", response={200: list[QuoteOut], **ERRORS},
                               summary="The opportunity's quotes (none shown while its pipeline runs without)")
def list_quotes(request, opportunity_id: int):
    return list(selectors.quote_list(actor=request.user, opportunity_id=opportunity_id))


@opportunity_quotes_router.post("/{int:opportunity_id}/contract", response={201: ContractOut, **ERRORS},
                                summary="The sales contract from the accepted variant, with or without a trade-in")
def create_contract(request, opportunity_id: int, payload: ContractIn):
    values = payload.dict()
    contract = services.contract_create(actor=request.user, opportunity_id=opportunity_id, **values)
    return Status(201, contract)


@quotes_router.get("/{int:quote_id}", response={200: QuoteOut, **ERRORS}, summary="A quote with its variants")
def get_quote(request, quote_id: int):
    return selectors.quote_get(actor=request.user, pk=quote_id)


@quotes_router.post("/{int:quote_id}/variants/{int:variant_id}/accept", response={200: QuoteOut, **ERRORS},
                    summary="Accept a variant: the others are rejected, the opportunity takes its amount and cost "
                            "(and is won when its pipeline's accept_wins is on; status rules apply)")
def accept_variant(request, quote_id: int, variant_id: int):
    services.quote_variant_accept(actor=request.user, quote_id=quote_id, variant_id=variant_id)
    return selectors.quote_get(actor=request.user, pk=quote_id)


class SendIn(Schema):
    to: Annotated[str, StringConstraints(max_length=254)] | None = None
    message: Annotated[str, StringConstraints(max_length=5000)] = ""


@quotes_router.post("/{int:quote_id}/variants/{int:variant_id}/send", response={200: QuoteOut, **ERRORS},
                    summary="Email the variant (PDF attached, tracked link) to the customer or to `to`")
def send_variant(request, quote_id: int, variant_id: int, payload: SendIn):
    services.quote_variant_send(actor=request.user, quote_id=quote_id, variant_id=variant_id, **payload.dict())
    return selectors.quote_get(actor=request.user, pk=quote_id)


@quotes_router.get("/contracts/{int:contract_id}", response={200: ContractOut, **ERRORS}, summary="A contract")
def get_contract(request, contract_id: int):
    return selectors.contract_get(actor=request.user, pk=contract_id)


def _variant(request, quote_id: int, variant_id: int):
    quote = selectors.quote_get(actor=request.user, pk=quote_id)
    variant = next((v for v in quote.variants.all() if v.pk == variant_id), None)
    if variant is None:
        raise NotFound()
    return quote, variant


LanguageName = Literal["fr-ca", "en", "pl"]


@quotes_router.get("/{int:quote_id}/variants/{int:variant_id}/preview", response={200: None, **ERRORS},
                   summary="The variant rendered through its template, as HTML (French unless ?language=)")
def preview_variant(request, quote_id: int, variant_id: int, language: LanguageName = "fr-ca",
                    template: Id | None = None):
    quote, variant = _variant(request, quote_id, variant_id)
    return HttpResponse(variant_html(quote, variant, language=language, template_id=template),
                        content_type="text/html; charset=utf-8")


@quotes_router.get("/{int:quote_id}/variants/{int:variant_id}/pdf", response={200: None, **ERRORS},
                   summary="The variant as a PDF (WeasyPrint; fonts and logo from the repository)")
def pdf_variant(request, quote_id: int, variant_id: int, language: LanguageName = "fr-ca",
                template: Id | None = None):
    quote, variant = _variant(request, quote_id, variant_id)
    response = HttpResponse(variant_pdf(quote, variant, language=language, template_id=template),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote.number}-{variant.position + 1}.pdf"'
    return response


@quotes_router.get("/contracts/{int:contract_id}/pdf", response={200: None, **ERRORS},
                   summary="The contract as a PDF, to sign")
def contract_pdf(request, contract_id: int, language: LanguageName = "fr-ca"):
    contract = selectors.contract_get(actor=request.user, pk=contract_id)
    response = HttpResponse(render_pdf(contract, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
    return response
