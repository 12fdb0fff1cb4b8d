"""Reads of quotes and contracts: through the opportunity's visibility; a pipeline running without
quotes hides its quotes (DESIGN: switching back shows them again)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.quotes.models import Contract, Quote, QuoteLine, QuoteVariant, VariantStatus
from comptoir.sales.models import Status
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


# --- The customer's page (/q/<key>/): what it shows, and which variants may still be accepted ----------

# A variant's state on the customer's page, as acceptance_state reads it.
OPEN, ACCEPTED, REJECTED, CLOSED, EXPIRED = "open", "accepted", "rejected", "closed", "expired"


def dealer_today() -> date:
    """Today in the dealership's time zone (settings.TIME_ZONE), whoever asks: a validity date ends at
    the dealer's midnight, not the customer's."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))


def acceptance_state(variant: QuoteVariant, variants, opportunity, *, today: date | None = None) -> str:
    """Whether the customer may still accept `variant` (one of its quote's `variants`) online: `open`, or
    why not: it is `accepted` or `rejected` already (another variant of the quote was accepted), the
    deal is `closed` (won, lost, or its quotes hidden), or its validity date has passed (`expired`).
    The one reading of the rule: the page shows it, quote_variant_sign enforces it."""
    if variant.status == VariantStatus.ACCEPTED:
        return ACCEPTED
    if variant.status == VariantStatus.REJECTED or any(v.status == VariantStatus.ACCEPTED for v in variants):
        return REJECTED
    if opportunity.status in (Status.WON, Status.LOST) or not opportunity.pipeline.requires_quote:
        return CLOSED
    if variant.valid_until is not None and variant.valid_until < (today or dealer_today()):
        return EXPIRED
    return OPEN


def quote_for_customer(*, tracking_key: str) -> tuple[Quote, QuoteVariant, list[QuoteVariant]]:
    """The quote a tracked link opens, the variant it was sent for, and the variants the customer sees:
    those of the quote that were sent (a draft never left the dealership). 404 for an unknown key."""
    variant = QuoteVariant.objects.filter(tracking_key=tracking_key).only("pk", "quote_id").first() \
        if tracking_key else None
    if variant is None:
        raise NotFound()
    quote = _with_variants(Quote.objects.select_related("opportunity__pipeline", "opportunity__customer",
                                                        "opportunity__salesperson")).get(pk=variant.quote_id)
    shown = [v for v in quote.variants.all() if v.sent_at is not None]
    return quote, next(v for v in shown if v.pk == variant.pk), shown


def gross_hidden(actor, variant: QuoteVariant) -> bool:
    """Issue 26: a variant made at the desk (its `financing` set) shows its cost and margin — the deal's
    gross — to managers and admins only, as the desk does."""
    return bool(variant.financing) and not permissions.can_see_gross(actor)
