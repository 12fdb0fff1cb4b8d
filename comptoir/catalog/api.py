"""/products, /price-lists, /inventory-units: the catalogue (anyone signed in reads; admin writes)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.catalog import selectors, services
from comptoir.catalog.models import InventoryUnit, PriceList, Product
from comptoir.core import permissions
from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id, Version, patch_values

products_router = Router(tags=["catalog"])
price_lists_router = Router(tags=["catalog"])
units_router = Router(tags=["catalog"])
inventory_router = Router(tags=["catalog"])

Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Text = Annotated[str, StringConstraints(max_length=200)]
ProductRef = Id | Annotated[str, StringConstraints(max_length=40)]


class ProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    series: str
    unit_price: Decimal
    unit_cost: Decimal | None
    tax_class: str
    active: bool
    version: int


class ProductIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    name_en: Text = ""
    series: Annotated[str, StringConstraints(max_length=100)] = ""
    unit_price: Amount
    unit_cost: Amount | None = None
    tax_class: Literal["standard", "exempt"] = "standard"
    active: bool = True


class ProductPatch(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    name_en: Text | None = None
    series: Annotated[str, StringConstraints(max_length=100)] | None = None
    unit_price: Amount | None = None
    unit_cost: Amount | None = None
    tax_class: Literal["standard", "exempt"] | None = None
    active: bool | None = None
    version: Version | None = None


@products_router.get("", response=list[ProductOut], summary="Products and services (?q= code or name, ?active=)")
@paginate
def list_products(request, q: str | None = None, active: bool | None = None):
    return selectors.product_list(q=q, active=active)


@products_router.get("/{int:product_id}", response={200: ProductOut, **ERRORS}, summary="A product")
def get_product(request, product_id: int):
    return get_object_or_404(Product, pk=product_id)


@products_router.post("", response={201: ProductOut, **ERRORS}, summary="Add a product or service (admin)")
def create_product(request, payload: ProductIn):
    return Status(201, services.product_create(actor=request.user, **payload.dict()))


@products_router.patch("/{int:product_id}", response={200: ProductOut, **ERRORS}, summary="Change a product (admin)")
def update_product(request, product_id: int, payload: ProductPatch):
    values, version = patch_values(payload, nullable=("unit_cost",))
    return services.product_update(actor=request.user, product_id=product_id, version=version, **values)


@products_router.delete("/{int:product_id}", response={204: None, **ERRORS},
                        summary="Delete a product that no quote uses (admin); deactivate it otherwise")
def delete_product(request, product_id: int):
    services.catalog_delete(actor=request.user, model=Product, pk=product_id)
    return Status(204, None)


class PriceItemIn(Schema):
    product: ProductRef
    price: Amount


class PriceItemOut(Schema):
    product: int = Field(alias="product_id")
    price: Decimal


class PriceListOut(Schema):
    id: int
    name: str
    currency: str
    valid_from: date | None
    valid_until: date | None
    active: bool
    items: list[PriceItemOut]
    version: int

    @staticmethod
    def resolve_items(obj: PriceList):
        return list(obj.items.all())


class PriceListIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] = "CAD"
    valid_from: date | None = None
    valid_until: date | None = None
    active: bool = True
    items: list[PriceItemIn] = Field(default_factory=list, max_length=5000)


class PriceListPatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    active: bool | None = None
    items: list[PriceItemIn] | None = Field(None, max_length=5000)
    version: Version | None = None


@price_lists_router.get("", response=list[PriceListOut], summary="Price lists with their prices")
@paginate
def list_price_lists(request, active: bool | None = None):
    return selectors.price_list_list(active=active)


@price_lists_router.post("", response={201: PriceListOut, **ERRORS}, summary="Add a price list (admin)")
def create_price_list(request, payload: PriceListIn):
    price_list = services.price_list_save(actor=request.user, **payload.dict())
    return Status(201, selectors.price_list_list().get(pk=price_list.pk))


@price_lists_router.patch("/{int:price_list_id}", response={200: PriceListOut, **ERRORS},
                          summary="Change a price list; items replace its prices (admin)")
def update_price_list(request, price_list_id: int, payload: PriceListPatch):
    values, version = patch_values(payload, nullable=("valid_from", "valid_until"))
    services.price_list_save(actor=request.user, price_list_id=price_list_id, version=version, **values)
    return selectors.price_list_list().get(pk=price_list_id)


@price_lists_router.delete("/{int:price_list_id}", response={204: None, **ERRORS},
                           summary="Delete a price list (admin)")
def delete_price_list(request, price_list_id: int):
    services.catalog_delete(actor=request.user, model=PriceList, pk=price_list_id)
    return Status(204, None)


UnitStatusName = Literal["in_stock", "reserved", "sold", "unavailable"]
UnitConditionName = Literal["new", "used"]
Odometer = Annotated[int, Field(ge=0, le=9_999_999, description="Kilometres")]


class UnitHolder(Schema):
    """A deal that names the unit: its number, status and salesperson (even someone else's)."""
    id: int
    number: str
    status: str
    salesperson: str | None

    @staticmethod
    def resolve_salesperson(obj):
        return obj.salesperson.display_name if obj.salesperson_id else None


class UnitOut(Schema):
    id: int
    serial: str
    stock_number: str
    year: int | None
    make: str
    model: str
    trim: str
    colour: str
    condition: str = Field(description="new or used")
    odometer_km: int | None
    product: int | None = Field(None, alias="product_id")
    status: str
    lot_location: str
    cost: Decimal | None = Field(None, description="Managers and admins only; null for everyone else")
    price: Decimal | None
    external_id: str
    synced_at: datetime | None
    holders: list[UnitHolder] = Field(default_factory=list, description="Open, suspended and won deals naming it")
    version: int

    @staticmethod
    def resolve_holders(obj):
        return getattr(obj, "holders", None) or []

    @staticmethod
    def resolve_cost(obj, context):
        """What the dealer paid is for managers and admins, as on the unit card."""
        request = context.get("request") if context else None
        return obj.cost if request is not None and permissions.can_see_team(request.user) else None


class UnitFields(Schema):
    stock_number: Annotated[str, StringConstraints(max_length=30)] = ""
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    make: Annotated[str, StringConstraints(max_length=60)] = ""
    model: Annotated[str, StringConstraints(max_length=100)] = ""
    trim: Annotated[str, StringConstraints(max_length=100)] = ""
    colour: Annotated[str, StringConstraints(max_length=60)] = ""
    condition: UnitConditionName = "new"
    odometer_km: Odometer | None = None
    product: ProductRef | None = None
    status: UnitStatusName = "in_stock"
    lot_location: Annotated[str, StringConstraints(max_length=60)] = ""
    cost: Amount | None = None
    price: Amount | None = None


class UnitIn(UnitFields):
    serial: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    external_id: Annotated[str, StringConstraints(max_length=64)] = ""


class UnitSyncIn(UnitFields):
    """A unit as the DMS has it; PUT twice, nothing changes the second time."""
    serial: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class UnitPatch(Schema):
    serial: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None
    stock_number: Annotated[str, StringConstraints(max_length=30)] | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    make: Annotated[str, StringConstraints(max_length=60)] | None = None
    model: Annotated[str, StringConstraints(max_length=100)] | None = None
    trim: Annotated[str, StringConstraints(max_length=100)] | None = None
    colour: Annotated[str, StringConstraints(max_length=60)] | None = None
    condition: UnitConditionName | None = None
    odometer_km: Odometer | None = None
    product: ProductRef | None = None
    status: UnitStatusName | None = None
    lot_location: Annotated[str, StringConstraints(max_length=60)] | None = None
    cost: Amount | None = None
    price: Amount | None = None
    external_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    version: Version | None = None


class UnitFilters(Schema):
    q: str | None = Field(None, description="Stock number, serial (start, or its last 6+ characters), DMS id, "
                                            "make or model")
    status: UnitStatusName | None = None


class UnitMoveIn(Schema):
    lot_location: Annotated[str, StringConstraints(max_length=60)]
    version: Version | None = None


class UnitMoveOut(Schema):
    from_location: str
    to_location: str
    changed_by: int | None = Field(None, alias="changed_by_id", description="null: the DMS's feed")
    changed_at: datetime


class UnitDealOut(Schema):
    id: int
    number: str
    status: str
    stage_name: str
    salesperson: str | None
    customer_name: str | None = Field(None, description="null for a deal the user may not open")
    created_at: datetime
    closed_at: datetime | None


@units_router.get("", response=list[UnitOut], summary="Units on the lot (?q= stock number, serial, DMS id, make "
                                                       "or model; ?status=), each with the deals naming it")
@paginate
def list_units(request, filters: Query[UnitFilters]):
    return selectors.inventory_unit_list(q=filters.q, status=filters.status)


@units_router.get("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="A unit")
def get_unit(request, unit_id: int):
    return get_object_or_404(selectors.inventory_unit_list(), pk=unit_id)


@units_router.post("", response={201: UnitOut, **ERRORS}, summary="Add a unit (admin)")
def create_unit(request, payload: UnitIn):
    unit = services.inventory_unit_save(actor=request.user, **payload.dict())
    return Status(201, selectors.inventory_unit_list().get(pk=unit.pk))


@units_router.patch("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="Change a unit (admin)")
def update_unit(request, unit_id: int, payload: UnitPatch):
    values, version = patch_values(payload, nullable=("product", "price", "cost", "year", "odometer_km"))
    services.inventory_unit_save(actor=request.user, unit_id=unit_id, version=version, **values)
    return selectors.inventory_unit_list().get(pk=unit_id)


@units_router.post("/{int:unit_id}/move", response={200: UnitOut, **ERRORS},
                   summary="Set where the unit stands on the lot (anyone on the sales floor; kept in its history)")
def move_unit(request, unit_id: int, payload: UnitMoveIn):
    services.inventory_unit_move(actor=request.user, unit_id=unit_id, lot_location=payload.lot_location,
                                 version=payload.version)
    return selectors.inventory_unit_list().get(pk=unit_id)


@units_router.get("/{int:unit_id}/locations", response={200: list[UnitMoveOut], **ERRORS},
                  summary="Where the unit stood, newest first")
def unit_locations(request, unit_id: int):
    unit = get_object_or_404(InventoryUnit, pk=unit_id)
    return unit.location_changes.order_by("-changed_at", "-pk")


@units_router.get("/{int:unit_id}/opportunities", response={200: list[UnitDealOut], **ERRORS},
                  summary="Every deal that named the unit, newest first")
def unit_deals(request, unit_id: int):
    get_object_or_404(InventoryUnit, pk=unit_id)
    return selectors.unit_deals(actor=request.user, unit_id=unit_id)


@units_router.delete("/{int:unit_id}", response={204: None, **ERRORS}, summary="Delete a unit (admin)")
def delete_unit(request, unit_id: int):
    services.catalog_delete(actor=request.user, model=InventoryUnit, pk=unit_id)
    return Status(204, None)


@inventory_router.put("/{external_id}", response={200: UnitOut, 201: UnitOut, **ERRORS},
                      summary="A DMS pushes one unit by its own id: created (201) or brought in line (200); "
                              "idempotent")
def sync_unit(request, external_id: Annotated[str, StringConstraints(min_length=1, max_length=64)],
              payload: UnitSyncIn):
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        outcome, unit = services.inventory_sync_row(actor=request.user, synced_at=timezone.now(),
                                                    external_id=external_id, **payload.dict(exclude_unset=True))
    return Status(201 if outcome == "created" else 200, selectors.inventory_unit_list().get(pk=unit.pk))
