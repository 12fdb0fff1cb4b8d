"""Reads of leads: one visibility rule for every list, card and conversion."""

from django.db.models import Q, QuerySet

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.text import normalize
from comptoir.leads.models import Lead


def lead_visible(actor) -> QuerySet:
    """A salesperson sees their own leads and the unowned ones; managers, reception and admin all."""
    if permissions.can_see_all_customers(actor):
        return Lead.objects.all()
    return Lead.objects.filter(Q(owner=actor) | Q(owner__isnull=True))


def lead_list(*, actor, q: str | None = None, status: str | None = None, owner: int | None = None) -> QuerySet:
    queryset = lead_visible(actor).select_related("owner", "source", "media")
    if status:
        queryset = queryset.filter(status=status)
    if owner is not None:
        queryset = queryset.filter(owner_id=owner)
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
