"""Reads of quotes and contracts: through the opportunity's visibility; a pipeline running without
quotes hides its quotes (DESIGN: switching back shows them again)."""

from django.db.models import Prefetch, QuerySet

from comptoir.core.exceptions import NotFound
from comptoir.quotes.models import Contract, Quote, QuoteLine, QuoteVariant
from comptoir.sales.selectors import opportunity_visible


def quote_visible(actor) -> QuerySet:
    return Quote.objects.filter(opportunity__in=opportunity_visible(actor).values("pk"),
                                opportunity__pipeline__requires_quote=True)


def _with_variants(queryset: QuerySet) -> QuerySet:
    lines = Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "pk"))
    variants = Prefetch("variants", queryset=QuoteVariant.objects.order_by("position", "pk").prefetch_related(lines))
    return queryset.prefetch_related(variants)


def quote_list(*, actor, opportunity_id) -> QuerySet:
    """The quotes of an opportunity; 404 for an opportunity the actor may not see (not an empty list)."""
    if not opportunity_visible(actor).filter(pk=opportunity_id).exists():
        raise NotFound()
    return _with_variants(quote_visible(actor).filter(opportunity_id=opportunity_id)).order_by("-created_at", "-pk")


def quote_get(*, actor, pk) -> Quote:
    quote = _with_variants(quote_visible(actor)).filter(pk=pk).first()
    if quote is None:
        raise NotFound()
    return quote


def contract_get(*, actor, pk) -> Contract:
    contract = Contract.objects.filter(pk=pk, opportunity__in=opportunity_visible(actor).values("pk")).first()
    if contract is None:
        raise NotFound()
    return contract
