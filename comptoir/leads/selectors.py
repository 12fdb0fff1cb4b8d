"""Reads of leads: one visibility rule for every list, card and conversion."""

from datetime import date

from django.db.models import Q, QuerySet

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.figures import day_bounds
from comptoir.core.text import normalize
from comptoir.customers.selectors import customer_visible
from comptoir.leads.models import Lead


def lead_visible(actor) -> QuerySet:
    """A salesperson sees their own leads and the unowned ones; managers, reception and admin all."""
    if permissions.can_see_all_customers(actor):
        return Lead.objects.all()
    return Lead.objects.filter(Q(owner=actor) | Q(owner__isnull=True))


NOBODY = "none"  # the owner filter's « personne »: leads nobody has taken yet


def lead_list(*, actor, q: str | None = None, status: str | None = None, owner: int | str | None = None,
              source: int | None = None, next_from: date | None = None, next_to: date | None = None) -> QuerySet:
    """The leads the actor sees, newest first, filtered by status, owner (a person or NOBODY), source
    and next contact between two days (the active time zone's, both included)."""
    queryset = lead_visible(actor).select_related("owner", "source", "media")
    if status:
        queryset = queryset.filter(status=status)
    if owner == NOBODY:
        queryset = queryset.filter(owner__isnull=True)
    elif owner is not None:
        queryset = queryset.filter(owner_id=owner)
    if source is not None:
        queryset = queryset.filter(source_id=source)
    if next_from is not None:
        queryset = queryset.filter(next_contact_at__gte=day_bounds(next_from)[0])
    if next_to is not None:
        queryset = queryset.filter(next_contact_at__lt=day_bounds(next_to)[1])
    if q and q.strip():
        text = q.strip()[:100]
        queryset = queryset.filter(Q(email=text.lower()) | Q(last_name__icontains=text) | Q(first_name__icontains=text)
                                   | Q(company__icontains=text) | Q(external_id=text))
    return queryset.order_by("-created_at", "-pk")


def lead_get(*, actor, pk) -> Lead:
    lead = lead_visible(actor).select_related("owner", "source", "media", "customer").filter(pk=pk).first()
    if lead is None:
        raise NotFound()
    return lead


def lead_name_key(lead: Lead) -> str:
    return normalize(f"{lead.first_name} {lead.last_name}")


def lead_duplicate_customers(*, actor, ids: list[int]) -> list:
    """The customers a conversion found as sure duplicates, as the card lists them to link one: only
    those the actor may see, with their phones."""
    return list(customer_visible(actor).filter(pk__in=ids).prefetch_related("phones").order_by("pk"))
