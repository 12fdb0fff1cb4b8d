"""Reads of the catalogue."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import InventoryUnit, PriceList, Product, UnitStatus
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.core.text import is_small_id, normalize, prefix_upper_bound

UNKNOWN_UNIT = _("Aucune unité ne porte ce numéro : « %(value)s » (NIV, no de série ou no de stock).")


def product_match_key(name: str | None) -> str:
    """'GTXPro', 'gtx pro' and 'GTX-Pro' give one key: case, accents, spaces and punctuation ignored."""
    return normalize(name).replace(" ", "")[:200]


def product_list(*, q: str | None = None, active: bool | None = None) -> QuerySet:
    queryset = Product.objects.all()
    if active is not None:
        queryset = queryset.filter(active=active)
    if q:
        queryset = queryset.filter(Q(code__iexact=q.strip()) | Q(name__icontains=q.strip())
                                   | Q(match_key__contains=product_match_key(q)))
    return queryset.order_by("name", "pk")


def product_match(name: str | None) -> Product | None:
    """The catalogue product a typed or imported name means, or None."""
    key = product_match_key(name)
    if not key:
        return None
    return Product.objects.filter(match_key=key).order_by("-active", "pk").first()


def price_list_list(*, active: bool | None = None) -> QuerySet:
    queryset = PriceList.objects.prefetch_related("items")
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset.order_by("name", "pk")


# What stands on the lot: in stock, or held by a deal that is not yet won. Sold and unavailable units
# stay in the list of everything (their history), not on the lot.
ON_LOT = "on_lot"
ON_LOT_STATUSES = (UnitStatus.IN_STOCK, UnitStatus.RESERVED)


def inventory_unit_list(*, q: str | None = None, status: str | None = None, condition: str | None = None) -> QuerySet:
    """Units by stock number, serial (its start, or its last characters as a salesperson reads them
    off a windshield), DMS id, make or model. The deals holding each are sales' (sales.selectors.unit_list)."""
    queryset = InventoryUnit.objects.all()
    if status == ON_LOT:
        queryset = queryset.filter(status__in=ON_LOT_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if condition:
        queryset = queryset.filter(condition=condition)
    if q and q.strip():
        text = q.strip()[:60]
        upper = text.upper()
        match = (Q(stock_number__iexact=text) | Q(serial__startswith=upper) | Q(external_id=text)
                 | Q(make__icontains=text) | Q(model__icontains=text))
        if len(upper) >= 6:
            match |= Q(serial__endswith=upper)
        queryset = queryset.filter(match)
    return queryset.order_by("make", "model", "serial")


def unit_resolve(value, *, field: str):
    """A unit named by its id, serial or stock number; 422 on `field` when there is none."""
    text = str(value).strip()
    unit = None
    if is_small_id(text):
        unit = InventoryUnit.objects.filter(pk=int(text)).first()
    if unit is None and text:
        unit = (InventoryUnit.objects.filter(serial=text.upper()).first()
                or InventoryUnit.objects.filter(stock_number__iexact=text).order_by("pk").first())
    if unit is None:
        raise ApplicationError(UNKNOWN_UNIT % {"value": text[:60]}, field=field)
    return unit


# --- What a quote may sell: the catalogue's products and the units for sale (the quote editor's search) ---

SELLABLE_LIMIT = 10
SELLABLE_LIMIT_MAX = 25
SEARCH_MIN = 2  # letters or digits typed before anything is looked for
SERIAL_TAIL_MIN = 4  # a VIN read off a windshield: its last 4 to 8 characters (or more)
SERIAL_SHOWN = 8  # the VIN's vehicle identifier section, as a salesperson reads it
PRODUCT_NAMES_SHOWN = 5
FOR_SALE = ON_LOT_STATUSES  # DESIGN: a sold unit is sold once; an unavailable one is offered to nobody


def _key(value) -> str:
    return normalize(value).replace(" ", "")


def unit_search_keys(unit: InventoryUnit) -> dict[str, str]:
    """The columns sellable_search finds a unit by (InventoryUnit: serial_reversed, stock_key, make_key,
    model_key), from its serial, stock number, make, model and trim; the services keep them."""
    return {"serial_reversed": _key(unit.serial)[::-1][:50], "stock_key": _key(unit.stock_number)[:30],
            "make_key": _key(f"{unit.make} {unit.model} {unit.trim}")[:200],
            "model_key": _key(f"{unit.model} {unit.trim}")[:200]}


def _starts(field: str, prefix: str) -> Q:
    """`field` starts with `prefix` (letters and digits), as a range the (status, field) index answers."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix_upper_bound(prefix)})


def unit_label(unit: InventoryUnit) -> str:
    """A unit as a quote line reads it: « 2026 Sea-Doo GTI 130 — NIV …KP042788 — stock S-100 »."""
    name = " ".join(str(part) for part in (unit.year, unit.make, unit.model, unit.trim) if part)
    serial = unit.serial if len(unit.serial) <= SERIAL_SHOWN else "…" + unit.serial[-SERIAL_SHOWN:]
    parts = [name, gettext("NIV %(serial)s") % {"serial": serial}]
    if unit.stock_number:
        parts.append(gettext("stock %(number)s") % {"number": unit.stock_number})
    return " — ".join(part for part in parts if part)


def unit_cost_visible(actor) -> bool:
    """A unit's cost is for managers and admins (as on /inventory-units and the unit card)."""
    return permissions.can_see_team(actor)


def unit_sellable(unit: InventoryUnit, *, actor) -> dict:
    """A unit as a quote sells it: its label, its price and, for whoever may see it, its cost; the tax
    class of its catalogue product, else the standard one."""
    return {"kind": "unit", "id": unit.pk, "label": unit_label(unit), "code": unit.stock_number or unit.serial,
            "unit_price": unit.price, "unit_cost": unit.cost if unit_cost_visible(actor) else None,
            "tax_class": unit.product.tax_class if unit.product_id else "standard", "status": unit.status}


def product_sellable(product: Product) -> dict:
    return {"kind": "product", "id": product.pk, "label": product.name, "code": product.code,
            "unit_price": product.unit_price, "unit_cost": product.unit_cost, "tax_class": product.tax_class,
            "status": None}


def product_search(text: str, *, limit: int = SELLABLE_LIMIT) -> list[Product]:
    """Active products whose code starts with `text`, or whose name (or English name) contains it, case,
    accents, spaces and punctuation ignored: the exact code first, then the exact name, then the codes
    and names that start with it. One query; the catalogue is a table of thousands of rows, read
    whole by the name's containment (no index answers a « contains »)."""
    text = " ".join((text or "").split())[:60]
    key = _key(text)
    if not key:
        return []
    rank = Case(When(code__iexact=text, then=Value(0)), When(match_key=key, then=Value(1)),
                When(code__istartswith=text, then=Value(2)), When(match_key__startswith=key, then=Value(3)),
                default=Value(4), output_field=IntegerField())
    return list(Product.objects.filter(active=True).filter(
        Q(code__istartswith=text) | Q(match_key__contains=key) | Q(name_en__icontains=text)
    ).annotate(rank=rank).order_by("rank", "name", "pk")[:limit])


def product_named(text: str) -> list[Product]:
    """The active products a name typed where a code was expected means: the one whose name is exactly
    it (case, accents, spaces and punctuation ignored), else those whose name contains it; at most
    PRODUCT_NAMES_SHOWN + 1, so a caller can tell one from several."""
    key = _key(text)
    if not key:
        return []
    active = Product.objects.filter(active=True).order_by("name", "pk")
    exact = list(active.filter(match_key=key)[:PRODUCT_NAMES_SHOWN + 1])
    return exact or list(active.filter(match_key__contains=key)[:PRODUCT_NAMES_SHOWN + 1])


def _units_for_sale() -> QuerySet:
    return InventoryUnit.objects.filter(status__in=FOR_SALE).select_related("product")


def sellable_search(*, actor, q: str | None, limit: int = SELLABLE_LIMIT) -> list[dict]:
    """What a quote line may sell, as a salesperson types it: the units for sale by stock number or the
    last characters of their VIN (4 or more, or the whole of it) first, then the active products by
    code or name, then the units by make and model (« Sea-Doo GTI », « gti 130 », with or without
    the year). Each unit search is a range on a (status, key) index and stops at `limit` rows, so a
    million units answer as fast as a hundred: five queries at most, whatever is found."""
    text = " ".join((q or "").split())[:60]
    key = _key(text)
    limit = max(1, min(int(limit or SELLABLE_LIMIT), SELLABLE_LIMIT_MAX))
    if len(key) < SEARCH_MIN:
        return []
    units = _units_for_sale()
    by_number = list(units.filter(_starts("stock_key", key)).order_by("status", "stock_key", "pk")[:limit])
    if len(key) >= SERIAL_TAIL_MIN:
        by_number += list(units.filter(_starts("serial_reversed", key[::-1])).order_by(
            "status", "serial_reversed", "pk")[:limit])
    # « 2026 gti », « GTI 130 2025 »: a year among other words narrows the make and model.
    words = normalize(text).split()
    years = [w for w in words if len(w) == 4 and w.isdigit() and 1900 <= int(w) <= 2100]
    named = _key(" ".join(w for w in words if w not in years))
    by_model: list[InventoryUnit] = []
    if named or len(words) == len(years) == 1:
        in_year = units.filter(year=int(years[0])) if len(years) == 1 else units
        if named:
            by_model = list(in_year.filter(_starts("make_key", named)).order_by("status", "make_key", "pk")[:limit])
            by_model += list(in_year.filter(_starts("model_key", named)).order_by(
                "status", "model_key", "pk")[:limit])
        else:
            by_model = list(in_year.order_by("status", "make_key", "pk")[:limit])
    products = product_search(text, limit=limit)
    seen, first, last = set(), [], []
    for group, unit_list in ((first, by_number), (last, by_model)):
        for unit in unit_list:
            if unit.pk not in seen:
                seen.add(unit.pk)
                group.append(unit_sellable(unit, actor=actor))
    first = first[:limit]
    room = limit - len(first)
    # The products and the units by model share what is left, half each when both have more.
    shown_products = min(len(products), max(room - len(last), (room + 1) // 2))
    return first + [product_sellable(p) for p in products[:shown_products]] + last[:room - shown_products]
