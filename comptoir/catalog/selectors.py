"""Reads of the catalogue."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product
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
    from comptoir.catalog.models import PriceList

    queryset = PriceList.objects.prefetch_related("items")
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset.order_by("name", "pk")


def inventory_unit_list(*, q: str | None = None, status: str | None = None, condition: str | None = None) -> QuerySet:
    """Units by stock number, serial (its start, or its last characters as a salesperson reads them
    off a windshield), DMS id, make or model; each with the deals that touch it (one query more)."""
    from django.db.models import Prefetch

    from comptoir.catalog.models import InventoryUnit
    from comptoir.sales.models import Opportunity

    queryset = InventoryUnit.objects.all()
    if status:
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
    holders = Opportunity.objects.filter(status__in=["open", "suspended", "won"]).select_related(
        "salesperson").only("pk", "number", "status", "unit_id", "salesperson__first_name",
                            "salesperson__last_name", "salesperson__username").order_by("-created_at")
    return queryset.prefetch_related(Prefetch("opportunities", queryset=holders, to_attr="holders")).order_by(
        "make", "model", "serial")


def unit_resolve(value, *, field: str):
    """A unit named by its id, serial or stock number; 422 on `field` when there is none."""
    from comptoir.catalog.models import InventoryUnit

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


def unit_opportunities(*, unit_id) -> QuerySet:
    """Every deal that ever named the unit, newest first: the unit card's list."""
    from comptoir.sales.models import Opportunity

    return Opportunity.objects.filter(unit_id=unit_id).select_related(
        "customer", "salesperson", "stage").order_by("-created_at", "-pk")


def unit_deals(*, actor, unit_id) -> list[dict]:
    """The unit card's deals: who held it and how it ended, for everyone on the floor; the customer's
    name only on the deals the user may open. Two queries."""
    from comptoir.sales.selectors import opportunity_visible

    deals = list(unit_opportunities(unit_id=unit_id))
    mine = set(opportunity_visible(actor).filter(unit_id=unit_id).values_list("pk", flat=True))
    return [{"id": deal.pk, "number": deal.number, "status": deal.status, "stage_name": deal.stage.name,
             "salesperson": deal.salesperson.display_name if deal.salesperson_id else None,
             "customer_name": deal.customer.display_name if deal.pk in mine else None,
             "created_at": deal.created_at, "closed_at": deal.closed_at, "visible": deal.pk in mine,
             "status_label": deal.get_status_display()}
            for deal in deals]
