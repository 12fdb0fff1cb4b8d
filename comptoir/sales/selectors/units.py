"""A unit's deals: its rivals on a deal's card, the lot with its holders (DESIGN: inventory)."""


from django.db.models import Prefetch, QuerySet

from comptoir.catalog.selectors import inventory_unit_list
from comptoir.sales.models import Opportunity, Status
from comptoir.sales.selectors.opportunities import opportunity_visible


def unit_rivals(opportunity: Opportunity) -> list[Opportunity]:
    """The other open or suspended deals on this deal's unit, with their salesperson (the card warns)."""
    if opportunity.unit_id is None:
        return []
    return list(Opportunity.objects.filter(unit_id=opportunity.unit_id, status__in=[Status.OPEN, Status.SUSPENDED])
                .exclude(pk=opportunity.pk).select_related("salesperson").order_by("created_at"))


# Open, suspended and won deals hold a unit: the lists show them beside it.
UNIT_HOLDING = (Status.OPEN, Status.SUSPENDED, Status.WON)


def unit_list(*, q: str | None = None, status: str | None = None, condition: str | None = None) -> QuerySet:
    """The lot as catalog.selectors.inventory_unit_list finds it, each unit with the deals holding it
    (`unit.holders`, newest first, with their salesperson): one query more, whatever the page's size."""
    holders = Opportunity.objects.filter(status__in=UNIT_HOLDING).select_related("salesperson").only(
        "pk", "number", "status", "unit_id", "salesperson__first_name", "salesperson__last_name",
        "salesperson__username").order_by("-created_at")
    return inventory_unit_list(q=q, status=status, condition=condition).prefetch_related(
        Prefetch("opportunities", queryset=holders, to_attr="holders"))


def unit_deals(*, actor, unit_id) -> list[dict]:
    """The unit card's deals, every one that ever named the unit, newest first: who held it and how it
    ended, for everyone on the floor; the customer's name only on the deals the user may open. Two
    queries."""
    deals = list(Opportunity.objects.filter(unit_id=unit_id).select_related(
        "customer", "salesperson", "stage").order_by("-created_at", "-pk"))
    mine = set(opportunity_visible(actor).filter(unit_id=unit_id).values_list("pk", flat=True))
    return [{"id": deal.pk, "number": deal.number, "status": deal.status, "stage_name": deal.stage.name,
             "salesperson": deal.salesperson.display_name if deal.salesperson_id else None,
             "customer_name": deal.customer.display_name if deal.pk in mine else None,
             "created_at": deal.created_at, "closed_at": deal.closed_at, "visible": deal.pk in mine,
             "status_label": deal.get_status_display()}
            for deal in deals]
