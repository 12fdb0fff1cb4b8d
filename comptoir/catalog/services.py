"""Writes on the catalogue: codes, prices and the name key products are matched on."""

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import (
    InventoryUnit, PriceList, PriceListItem, Product, TaxClass, UnitCondition, UnitLocationChange, UnitStatus,
)
from comptoir.catalog.selectors import product_match_key, unit_search_keys
from comptoir.catalog.vin import serial_clean
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.figures import money_clean, odometer_clean
from comptoir.core.text import decimal_text, is_small_id, normalize, words
from comptoir.core.versioning import check_version, lock_one, lock_rows, save_versioned
from comptoir.timeline.services import timeline_record

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
BAD_UNIT_STATUS = _("État inconnu : in_stock, reserved, sold ou unavailable.")
BAD_YEAR = _("Année invalide.")


def _product_ref(value, field: str) -> Product:
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

UNIT_FIELDS = ("serial", "stock_number", "year", "make", "model", "trim", "colour", "product", "status",
               "lot_location", "cost", "price", "external_id", "condition", "odometer_km")
BAD_CONDITION = _("Une unité est neuve ou d'occasion.")
CONDITION_WORDS = {normalize(word): condition for condition, words in {
    "new": ("new", "neuf", "neuve", "n", "nouveau"),
    "used": ("used", "usagé", "usagée", "usage", "occasion", "d'occasion", "u", "demo", "démo", "uzywany", "używany"),
}.items() for word in words}
MOVE_FORBIDDEN = _("Seul le personnel des ventes déplace les unités sur le terrain.")
UNIT_UNAVAILABLE = _("Cette unité n'est plus disponible : le DMS ne la fournit plus.")
STATUS_WORDS = {normalize(word): status for status, words in {
    "in_stock": ("in_stock", "in stock", "stock", "en inventaire", "inventaire", "disponible", "available", "new",
                 "neuf", "used", "usage", "usagé"),
    "reserved": ("reserved", "réservée", "réservé", "reserve", "hold", "on hold", "en attente", "deposit", "dépôt"),
    "sold": ("sold", "vendue", "vendu", "delivered", "livrée", "livré"),
    "unavailable": ("unavailable", "non disponible", "indisponible", "removed", "retirée", "wholesale"),
}.items() for word in words}


def _unit_values(unit, values: dict) -> list[str]:
    """Apply what the admin, the API or a feed sent; the changed field names."""
    changed = []
    for key in UNIT_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "serial":
            value = serial_clean(value)
        elif key == "product":
            value = _product_ref(value, "product") if value not in (None, "") else None
        elif key == "status":
            value = STATUS_WORDS.get(normalize(str(value or "")), value)
            if value not in UnitStatus.values:
                raise ApplicationError(BAD_UNIT_STATUS, field="status")
        elif key in ("price", "cost"):
            if isinstance(value, str):
                value = decimal_text(value)  # a DMS export written the Québec way: 13 999,00
            value = money_clean(value if value != "" else None, field=key)
        elif key == "year":
            if value in (None, ""):
                value = None
            elif not is_small_id(str(value).strip()) or not 1900 <= int(value) <= 2100:
                raise ApplicationError(BAD_YEAR, field="year")
            else:
                value = int(value)
        elif key == "condition":
            value = CONDITION_WORDS.get(normalize(str(value or "")), value or "new")
            if value not in UnitCondition.values:
                raise ApplicationError(BAD_CONDITION, field="condition")
        elif key == "odometer_km":
            value = odometer_clean(value, field="odometer_km")
        else:
            value = str(value or "").strip()
        if getattr(unit, f"{key}_id" if key == "product" else key) != (value.pk if key == "product" and value
                                                                      else value):
            changed.append(key)
        setattr(unit, key, value)
    return changed


def _unit_store(actor, unit, changed: list[str], *, old_location: str, verb: str, extra: tuple = ()) -> None:
    if not unit.serial:
        raise ApplicationError(SERIAL_REQUIRED, field="serial")
    if "serial" in changed and InventoryUnit.objects.exclude(pk=unit.pk).filter(serial=unit.serial).exists():
        raise Conflict(SERIAL_TAKEN, field="serial")
    unit.full_clean(validate_unique=False)
    # The search keys follow the fields they are made of (the quote editor's search reads them).
    keys = unit_search_keys(unit)
    stale = [name for name, value in keys.items() if getattr(unit, name) != value]
    for name in stale:
        setattr(unit, name, keys[name])
    created = unit.pk is None
    if created:
        unit.save()
    elif changed or extra:
        save_versioned(unit, [*changed, *extra, *stale, "updated_at"])
    if "lot_location" in changed and (unit.lot_location or not created):
        UnitLocationChange.objects.create(unit=unit, from_location="" if created else old_location,
                                          to_location=unit.lot_location, changed_by=actor)
    if created or changed:
        timeline_record(actor=actor, subject=unit, verb=verb,
                        data={"serial": unit.serial, "status": unit.status, "fields": changed})


@transaction.atomic
def inventory_unit_save(*, actor, unit_id=None, version: int | None = None, **values):
    """Create (no id) or change a unit; the admin and the API go through here, a DMS feed through
    inventory_sync_row. A change of lot location is kept in the unit's history."""
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    unit = InventoryUnit() if unit_id is None else lock_one(InventoryUnit, unit_id)
    check_version(unit, version)
    old_location = unit.lot_location
    changed = _unit_values(unit, values)
    _unit_store(actor, unit, changed, old_location=old_location, verb="inventory_unit_saved")
    return unit


@transaction.atomic
def inventory_unit_move(*, actor, unit_id, lot_location: str, version: int | None = None):
    """Traction: « plus besoin de passer par votre DMS » — anyone on the sales floor sets where a unit
    stands; the move is kept with who made it."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(MOVE_FORBIDDEN)
    unit = lock_one(InventoryUnit, unit_id)
    check_version(unit, version)
    old_location = unit.lot_location
    changed = _unit_values(unit, {"lot_location": lot_location})
    _unit_store(actor, unit, changed, old_location=old_location, verb="inventory_unit_moved")
    return unit


def inventory_sync_row(*, actor, synced_at, **values):
    """One unit of a DMS feed, found by its DMS id, else its serial: created, updated or unchanged
    (returned as ("created" | "updated" | "skipped", unit)). Running the same feed twice changes
    nothing; a unit the CRM sold stays sold whatever a lagging feed says."""
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    external_id = str(values.get("external_id") or "").strip()
    serial = serial_clean(values.get("serial")) if values.get("serial") else ""
    unit = None
    if external_id:  # the first of the units bearing that DMS id, all of them locked
        unit = next(iter(lock_rows(InventoryUnit.objects.filter(external_id=external_id))), None)
    if unit is None and serial:
        unit = next(iter(lock_rows(InventoryUnit.objects.filter(serial=serial))), None)
    if unit is None:
        unit = InventoryUnit(synced_at=synced_at)
        values.setdefault("status", UnitStatus.IN_STOCK)
    elif unit.status == UnitStatus.SOLD and unit.sale_number:
        values.pop("status", None)
    old_location = unit.lot_location
    changed = _unit_values(unit, values)
    if unit.pk is not None and not changed:
        # Seen again, unchanged: only the date it was last delivered moves (no new version).
        InventoryUnit.objects.filter(pk=unit.pk).update(synced_at=synced_at)
        return "skipped", unit
    outcome = "created" if unit.pk is None else "updated"
    unit.synced_at = synced_at
    _unit_store(None, unit, changed, old_location=old_location, verb="inventory_unit_synced",
                extra=("synced_at",) if unit.pk else ())
    return outcome, unit


@transaction.atomic
def inventory_mark_missing(*, actor, synced_before) -> int:
    """After a whole feed: the units a feed once delivered and this one did not are unavailable, not
    deleted (their deals keep pointing at them). Sold ones stay sold. Locked in primary-key order
    (core.versioning.lock_rows), then one UPDATE."""
    permissions.require(actor, "manage_lists", CATALOG_FORBIDDEN)
    missing = InventoryUnit.objects.filter(synced_at__lt=synced_before,
                                           status__in=[UnitStatus.IN_STOCK, UnitStatus.RESERVED])
    lock_rows(missing.only("pk"))
    return missing.update(status=UnitStatus.UNAVAILABLE, version=F("version") + 1)


def unit_lock(unit_id, *, field: str = "unit"):
    """The unit, row-locked (core.versioning.lock_rows); 422 on `field` when there is none."""
    unit = next(iter(lock_rows(InventoryUnit.objects.filter(pk=unit_id))), None)
    if unit is None:
        raise ApplicationError(NotFound.default_message, field=field)
    return unit


def unit_sold(*, actor, unit, opportunity) -> None:
    """A deal with this unit was won: the unit is sold, by that deal (the caller holds its row lock)."""
    changed = []
    if unit.sale_number != opportunity.number:
        unit.sale_number = opportunity.number
        changed.append("sale_number")
    if unit.status != UnitStatus.SOLD:
        unit.status = UnitStatus.SOLD
        changed.append("status")
    if changed:
        save_versioned(unit, [*changed, "updated_at"])
    if "status" in changed:
        timeline_record(actor=actor, subject=unit, verb="inventory_unit_sold", data={"opportunity": opportunity.number})


def unit_released(*, actor, unit, opportunity) -> None:
    """The deal that sold the unit no longer holds it, and no other won deal does (sales decides,
    holding the unit's row lock from unit_lock): the unit is back in stock."""
    changed = []
    if unit.sale_number:
        unit.sale_number = ""
        changed.append("sale_number")
    if unit.status == UnitStatus.SOLD:
        unit.status = UnitStatus.IN_STOCK
        changed.append("status")
    if changed:
        save_versioned(unit, [*changed, "updated_at"])
    if "status" in changed:
        timeline_record(actor=actor, subject=unit, verb="inventory_unit_released",
                        data={"opportunity": opportunity.number})


# --- Deleting -----------------------------------------------------------------------------------

PRODUCT_IN_USE = _("Ce produit figure sur des cotations : désactivez-le plutôt que de le supprimer.")


@transaction.atomic
def catalog_delete(*, actor, model, pk) -> None:
    """Delete a product, a price list or a unit (admin). A product on a quote stays, deactivated
    instead: quotes keep pointing at what was sold."""
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
