"""Reads of the catalogue."""

from django.db.models import Q, QuerySet

from comptoir.catalog.models import Product
from comptoir.core.text import normalize


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
    from comptoir.catalog.models import PriceList

    queryset = PriceList.objects.prefetch_related("items")
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset.order_by("name", "pk")


def inventory_unit_list(*, q: str | None = None, status: str | None = None) -> QuerySet:
    from comptoir.catalog.models import InventoryUnit

    queryset = InventoryUnit.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if q and q.strip():
        text = q.strip()
        queryset = queryset.filter(Q(serial__startswith=text.upper()) | Q(external_id=text)
                                   | Q(make__icontains=text) | Q(model__icontains=text))
    return queryset.order_by("make", "model", "serial")
