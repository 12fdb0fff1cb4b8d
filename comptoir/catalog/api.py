"""/products, /price-lists: the catalogue (anyone signed in reads; admin writes); /sellables, what a quote
line may sell (the quote editor's search). The units' endpoints answer with the deals holding each unit,
so they are sales' (sales/api_units.py)."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.catalog import selectors, services
from comptoir.catalog.models import PriceList, Product
from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id, Version, patch_values

products_router = Router(tags=["catalog"])
price_lists_router = Router(tags=["catalog"])
sellables_router = Router(tags=["catalog"])

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


class SellableOut(Schema):
    kind: Literal["product", "unit"]
    id: int
    label: str = Field(description="A product's name; a unit as a quote line reads it: « 2026 Sea-Doo GTI 130 — "
                                   "NIV …KP042788 — stock S-100 »")
    code: str = Field(description="A product's code; a unit's stock number, else its serial")
    unit_price: Decimal | None
    unit_cost: Decimal | None = Field(None, description="A unit's cost for managers and admins only, null for "
                                                        "everyone else (as on /inventory-units)")
    tax_class: str
    status: Literal["in_stock", "reserved"] | None = Field(None, description="A unit's state; null for a product")


@sellables_router.get("", response=list[SellableOut],
                      summary="What a quote line may sell, as you type: units for sale by stock number or the VIN's "
                              "last characters (4 or more), active products by code or name, units by make, model "
                              "and year (at most `limit`, 10 by default, 25 at most)")
def search_sellables(request, q: str = Query("", max_length=200), limit: int = Query(10, ge=1, le=25)):
    return selectors.sellable_search(actor=request.user, q=q, limit=limit)
