"""Reads of the catalogue."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import InventoryUnit, PriceList, Product, UnitStatus
from comptoir.core.exceptions import ApplicationError
from comptoir.core.text import is_small_id, normalize

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
