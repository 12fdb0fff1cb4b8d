"""Writes on the catalogue: codes, prices and the name key products are matched on."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.activities.services import timeline_record
from comptoir.catalog.models import Product, TaxClass
from comptoir.catalog.selectors import product_match_key
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound
from comptoir.core.figures import money_clean
from comptoir.core.versioning import check_version, lock_one, save_versioned

CATALOG_FORBIDDEN = _("Seul un administrateur gère le catalogue.")
CODE_TAKEN = _("Un produit porte déjà ce code.")
CODE_REQUIRED = _("Il faut un code de produit.")
NAME_REQUIRED = _("Il faut un nom de produit.")
PRICE_REQUIRED = _("Il faut un prix unitaire.")
BAD_TAX_CLASS = _("Classe de taxe inconnue : standard ou exempt.")

PRODUCT_FIELDS = ("code", "name", "name_en", "series", "unit_price", "unit_cost", "tax_class", "active")


def _apply(product: Product, values: dict) -> list[str]:
    changed = []
    for key in PRODUCT_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key in ("unit_price", "unit_cost"):
            value = money_clean(value if value != "" else None, field=key)
        elif key == "tax_class":
            value = (value or TaxClass.STANDARD).strip().lower()
            if value not in TaxClass.values:
                raise ApplicationError(BAD_TAX_CLASS, field=key)
        elif key == "active":
            value = bool(value)
        else:
            value = (value or "").strip()
        setattr(product, key, value)
        changed.append(key)
    if not product.code:
        raise ApplicationError(CODE_REQUIRED, field="code")
    if not product.name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if product.unit_price is None:
        raise ApplicationError(PRICE_REQUIRED, field="unit_price")
    product.match_key = product_match_key(product.name)
    return changed


def product_code_for(name: str) -> str:
    """A code made from a name when the source has none: 'GTX Plus Basic' → 'GTX-PLUS-BASIC'."""
    from comptoir.core.text import words

    return "-".join(words(name)).upper()[:40]


@transaction.atomic
def product_create(*, actor, **values) -> Product:
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    product = Product()
    _apply(product, values)
    if Product.objects.filter(code__iexact=product.code).exists():
        raise Conflict(CODE_TAKEN, field="code")
    product.full_clean(validate_unique=False)
    product.save()
    timeline_record(actor=actor, subject=product, verb="product_created",
                    data={"code": product.code, "name": product.name, "unit_price": product.unit_price})
    return product


@transaction.atomic
def product_update(*, actor, product_id, version: int | None = None, **values) -> Product:
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    product = lock_one(Product, product_id)
    check_version(product, version)
    changed = _apply(product, values)
    if "code" in changed and Product.objects.exclude(pk=product.pk).filter(code__iexact=product.code).exists():
        raise Conflict(CODE_TAKEN, field="code")
    product.full_clean(validate_unique=False)
    save_versioned(product, [*changed, "match_key", "updated_at"])
    timeline_record(actor=actor, subject=product, verb="product_updated",
                    data={k: str(getattr(product, k)) for k in changed})
    return product


# --- Price lists --------------------------------------------------------------------------------

PRICE_LIST_NAME_TAKEN = _("Une liste de prix porte déjà ce nom.")
PRICE_LIST_DATES = _("La liste de prix finit avant de commencer.")
SERIAL_TAKEN = _("Une unité porte déjà ce NIV / no de série.")
SERIAL_REQUIRED = _("Il faut le NIV ou le no de série de l'unité.")
BAD_UNIT_STATUS = _("État inconnu : in_stock, reserved ou sold.")
BAD_YEAR = _("Année invalide.")


def _product_ref(value, field: str) -> Product:
    from comptoir.core.text import is_small_id

    text = str(value or "").strip()
    product = (Product.objects.filter(pk=int(text)).first() if is_small_id(text) else None) \
        or Product.objects.filter(code__iexact=text).first()
    if product is None:
        raise ApplicationError(NotFound.default_message, field=field)
    return product


@transaction.atomic
def price_list_save(*, actor, price_list_id=None, version: int | None = None, items: list[dict] | None = None,
                    **values):
    """Create (no id) or change a price list; `items` replaces its prices ([{product, price}])."""
    from comptoir.catalog.models import PriceList, PriceListItem

    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    price_list = PriceList() if price_list_id is None else lock_one(PriceList, price_list_id)
    check_version(price_list, version)
    changed = []
    for key in ("name", "currency", "valid_from", "valid_until", "active"):
        if key in values:
            value = values[key]
            if key == "name":
                value = (value or "").strip()
            elif key == "currency":
                value = (value or "CAD").strip().upper()[:3]
            setattr(price_list, key, value)
            changed.append(key)
    if PriceList.objects.exclude(pk=price_list.pk).filter(name__iexact=price_list.name).exists():
        raise Conflict(PRICE_LIST_NAME_TAKEN, field="name")
    if price_list.valid_from and price_list.valid_until and price_list.valid_until < price_list.valid_from:
        raise ApplicationError(PRICE_LIST_DATES, field="valid_until")
    price_list.full_clean(validate_unique=False)
    if price_list.pk is None:
        price_list.save()
    else:
        save_versioned(price_list, changed)
    if items is not None:
        prices = {}
        for index, item in enumerate(items):
            product = _product_ref(item.get("product"), f"items.{index}.product")
            prices[product.pk] = money_clean(item.get("price"), field=f"items.{index}.price")
        PriceListItem.objects.filter(price_list=price_list).delete()
        PriceListItem.objects.bulk_create(PriceListItem(price_list=price_list, product_id=pk, price=price)
                                          for pk, price in prices.items())
    timeline_record(actor=actor, subject=price_list, verb="price_list_saved",
                    data={"fields": changed, "items": None if items is None else len(items)})
    return price_list


# --- Inventory ------------------------------------------------------------------------------------

UNIT_FIELDS = ("serial", "year", "make", "model", "product", "status", "lot_location", "price", "external_id")


@transaction.atomic
def inventory_unit_save(*, actor, unit_id=None, version: int | None = None, **values):
    """Create (no id) or change a unit in stock; the DMS sync and the admin go through here."""
    from comptoir.catalog.models import InventoryUnit, UnitStatus

    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    unit = InventoryUnit() if unit_id is None else lock_one(InventoryUnit, unit_id)
    check_version(unit, version)
    changed = []
    for key in UNIT_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "serial":
            value = (value or "").strip().upper()
        elif key == "product":
            value = _product_ref(value, "product") if value not in (None, "") else None
        elif key == "status":
            if value not in UnitStatus.values:
                raise ApplicationError(BAD_UNIT_STATUS, field="status")
        elif key == "price":
            value = money_clean(value if value != "" else None, field="price")
        elif key == "year":
            if value is not None and not 1900 <= int(value) <= 2100:
                raise ApplicationError(BAD_YEAR, field="year")
        else:
            value = (value or "").strip()
        setattr(unit, key, value)
        changed.append(key)
    if not unit.serial:
        raise ApplicationError(SERIAL_REQUIRED, field="serial")
    if InventoryUnit.objects.exclude(pk=unit.pk).filter(serial=unit.serial).exists():
        raise Conflict(SERIAL_TAKEN, field="serial")
    unit.full_clean(validate_unique=False)
    if unit.pk is None:
        unit.save()
    else:
        save_versioned(unit, [*changed, "updated_at"])
    timeline_record(actor=actor, subject=unit, verb="inventory_unit_saved",
                    data={"serial": unit.serial, "status": unit.status, "fields": changed})
    return unit


# --- Deleting -----------------------------------------------------------------------------------

PRODUCT_IN_USE = _("Ce produit figure sur des cotations : désactivez-le plutôt que de le supprimer.")


@transaction.atomic
def catalog_delete(*, actor, model, pk) -> None:
    """Delete a product, a price list or a unit (admin). A product on a quote stays, deactivated
    instead: quotes keep pointing at what was sold."""
    from django.db.models import ProtectedError

    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    item = lock_one(model, pk)
    label = str(item)
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError:
        raise Conflict(PRODUCT_IN_USE) from None
    timeline_record(actor=actor, subject=actor, verb="catalog_item_deleted",
                    data={"model": model._meta.model_name, "id": pk, "label": label})
