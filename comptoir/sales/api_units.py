"""/inventory-units and /inventory: the units on the lot, each answered with the deals holding it
(open, suspended and won opportunities). Here, above catalog, since the holders are sales'; the units'
writes are catalog's services. The operation ids are the contract's, from when these endpoints were
catalog's (config/tests/openapi.json)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.catalog import services
from comptoir.catalog.api import Amount, ProductRef
from comptoir.catalog.models import InventoryUnit
from comptoir.core import permissions
from comptoir.core.api import ERRORS
from comptoir.core.figures import MAX_ODOMETER_KM
from comptoir.core.schemas import Version, patch_values
from comptoir.sales import selectors

units_router = Router(tags=["catalog"])
inventory_router = Router(tags=["catalog"])

UnitStatusName = Literal["in_stock", "reserved", "sold", "unavailable"]
UnitConditionName = Literal["new", "used"]
Odometer = Annotated[int, Field(ge=0, le=MAX_ODOMETER_KM, description="Kilometres")]


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
                                                       "or model; ?status=), each with the deals naming it",
                  operation_id="comptoir_catalog_api_list_units")
@paginate
def list_units(request, filters: Query[UnitFilters]):
    return selectors.unit_list(q=filters.q, status=filters.status)


@units_router.get("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="A unit",
                  operation_id="comptoir_catalog_api_get_unit")
def get_unit(request, unit_id: int):
    return get_object_or_404(selectors.unit_list(), pk=unit_id)


@units_router.post("", response={201: UnitOut, **ERRORS}, summary="Add a unit (admin)",
                   operation_id="comptoir_catalog_api_create_unit")
def create_unit(request, payload: UnitIn):
    unit = services.inventory_unit_save(actor=request.user, **payload.dict())
    return Status(201, selectors.unit_list().get(pk=unit.pk))


@units_router.patch("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="Change a unit (admin)",
                    operation_id="comptoir_catalog_api_update_unit")
def update_unit(request, unit_id: int, payload: UnitPatch):
    values, version = patch_values(payload, nullable=("product", "price", "cost", "year", "odometer_km"))
    services.inventory_unit_save(actor=request.user, unit_id=unit_id, version=version, **values)
    return selectors.unit_list().get(pk=unit_id)


@units_router.post("/{int:unit_id}/move", response={200: UnitOut, **ERRORS},
                   summary="Set where the unit stands on the lot (anyone on the sales floor; kept in its history)",
                   operation_id="comptoir_catalog_api_move_unit")
def move_unit(request, unit_id: int, payload: UnitMoveIn):
    services.inventory_unit_move(actor=request.user, unit_id=unit_id, lot_location=payload.lot_location,
                                 version=payload.version)
    return selectors.unit_list().get(pk=unit_id)


@units_router.get("/{int:unit_id}/locations", response={200: list[UnitMoveOut], **ERRORS},
                  summary="Where the unit stood, newest first", operation_id="comptoir_catalog_api_unit_locations")
def unit_locations(request, unit_id: int):
    unit = get_object_or_404(InventoryUnit, pk=unit_id)
    return unit.location_changes.order_by("-changed_at", "-pk")


@units_router.get("/{int:unit_id}/opportunities", response={200: list[UnitDealOut], **ERRORS},
                  summary="Every deal that named the unit, newest first",
                  operation_id="comptoir_catalog_api_unit_deals")
def unit_deals(request, unit_id: int):
    get_object_or_404(InventoryUnit, pk=unit_id)
    return selectors.unit_deals(actor=request.user, unit_id=unit_id)


@units_router.delete("/{int:unit_id}", response={204: None, **ERRORS}, summary="Delete a unit (admin)",
                     operation_id="comptoir_catalog_api_delete_unit")
def delete_unit(request, unit_id: int):
    services.catalog_delete(actor=request.user, model=InventoryUnit, pk=unit_id)
    return Status(204, None)


@inventory_router.put("/{external_id}", response={200: UnitOut, 201: UnitOut, **ERRORS},
                      summary="A DMS pushes one unit by its own id: created (201) or brought in line (200); "
                              "idempotent", operation_id="comptoir_catalog_api_sync_unit")
def sync_unit(request, external_id: Annotated[str, StringConstraints(min_length=1, max_length=64)],
              payload: UnitSyncIn):
    with transaction.atomic():
        outcome, unit = services.inventory_sync_row(actor=request.user, synced_at=timezone.now(),
                                                    external_id=external_id, **payload.dict(exclude_unset=True))
    return Status(201 if outcome == "created" else 200, selectors.unit_list().get(pk=unit.pk))
