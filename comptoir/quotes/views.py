"""Quote pages: the public page a quote email links to (no sign-in, the key is the permission), where
the customer reads each variant sent and accepts one by signing, and, for signed-in users, the quotes
of an opportunity, the quote editor and the contract form."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from comptoir.catalog.models import TaxClass
from comptoir.catalog.selectors import sellable_search
from comptoir.core import permissions
from comptoir.core.addresses import client_ip
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import decimal_text
from comptoir.core.throttling import AddressThrottle
from comptoir.core.views import refusal_as_message
from comptoir.quotes import pricing, selectors, services
from comptoir.quotes.documents import document_context, signature_context, variant_pdf
from comptoir.quotes.models import VariantStatus
from comptoir.quotes.services import quote_variant_viewed
from comptoir.sales.models import Status
from comptoir.sales.selectors import opportunity_get

TOO_MANY_TRIES = gettext_lazy("Trop d'essais depuis votre adresse : réessayez dans une minute.")


PUBLIC_LANGUAGES = [code for code, _name in settings.LANGUAGES]


class AcceptThrottle(AddressThrottle):
    """The customer's acceptance is a public form: limited per address like the web form (its rate, its
    own scope), the address read as the signature records it (core.addresses.client_ip), so an
    X-Forwarded-For written by the client neither hides nor borrows an address."""

    scope = "quote_accept"


ACCEPT_THROTTLE = AcceptThrottle(settings.COMPTOIR_WEB_FORM_THROTTLE)


def _public_language(request) -> str:
    language = request.POST.get("language") or request.GET.get("language") or "fr-ca"
    return language if language in PUBLIC_LANGUAGES else "fr-ca"


def _public_headers(response):
    response["X-Robots-Tag"] = "noindex"
    # The key in the address never leaves for another site; « no-referrer » would also strip the Origin of
    # the page's own form (browsers send « Origin: null »), which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _public_page(request, key, language: str, *, refusal: ApplicationError | None = None, chosen=None,
                 posted: dict | None = None, status: int = 200):
    """The customer's page: the dealer, the customer, each sent variant of the quote with its lines,
    totals and terms, its PDF, and the acceptance form while it may be accepted (selectors.acceptance_state)."""
    quote, variant, shown = selectors.quote_for_customer(tracking_key=key)
    opportunity = quote.opportunity
    today = selectors.dealer_today()
    with translation.override(language):
        context = document_context(quote, variant)
        options = []
        for option in shown:
            state = selectors.acceptance_state(option, shown, opportunity, today=today)
            options.append({"pk": option.pk, "state": state, "status": option.get_status_display(),
                            "document": document_context(quote, option)["variant"],
                            "signature": signature_context(option), "accepted_at": option.accepted_at,
                            "current": option.pk == variant.pk, "chosen": chosen == option.pk})
        accepted = request.GET.get("accepted", "")
        context.update({
            "key": key, "options": options, "refusal": refusal, "posted": posted or {},
            # Back from an acceptance (quote_accept_online's redirect): the thanks, once it is recorded.
            "thanks": next((o for o in options if str(o["pk"]) == accepted and o["state"] == selectors.ACCEPTED),
                           None),
            "errors": {e["field"]: e["message"] for e in (refusal.errors if refusal else [])},
            "open_count": sum(1 for option in options if option["state"] == selectors.OPEN),
            # Each language in its own name: a customer who reads no French finds « English ».
            "languages": [(code, translation.get_language_info(code)["name_local"]) for code in PUBLIC_LANGUAGES],
            "signed_name_max": services.SIGNED_NAME_MAX,
        })
        response = render(request, "quotes/public.html", context, status=status)
    return _public_headers(response)


@never_cache
@require_GET
def quote_view(request, key):
    """The page a quote email links to (no sign-in: the key is the permission); each opening counts."""
    quote_variant_viewed(tracking_key=key)
    return _public_page(request, key, _public_language(request))


@never_cache
@require_POST
@csrf_protect
def quote_accept_online(request, key):
    """The customer accepts one variant: their typed name, the consent box. A refusal shows the page
    again with why (422 to fix the form; 409 decided, 410 expired, 403 not online: nothing changed)."""
    language = _public_language(request)
    variant_id = request.POST.get("variant", "")
    posted = {"signed_name": request.POST.get("signed_name", ""), "consent": bool(request.POST.get("consent"))}
    chosen = int(variant_id) if variant_id.isdigit() else None
    if not ACCEPT_THROTTLE.allow_request(request):
        refusal = ApplicationError(TOO_MANY_TRIES, status=429, code="throttled")
        return _public_page(request, key, language, refusal=refusal, chosen=chosen, posted=posted, status=429)
    try:
        with translation.override(language):
            services.quote_variant_sign(tracking_key=key, variant_id=variant_id, signed_name=posted["signed_name"],
                                        consent=posted["consent"], ip=client_ip(request),
                                        user_agent=request.META.get("HTTP_USER_AGENT", ""), language=language)
    except NotFound:
        raise
    except ApplicationError as refusal:
        with translation.override(language):
            return _public_page(request, key, language, refusal=refusal, chosen=chosen, posted=posted,
                                status=refusal.status)
    return redirect(f"{reverse('quote-view', args=[key])}?language={language}&accepted={chosen}#option-{chosen}")


@never_cache
@require_GET
def quote_pdf_online(request, key, variant_id):
    """The PDF of one variant the customer's page shows (the accepted one with its signature block)."""
    quote, _variant, shown = selectors.quote_for_customer(tracking_key=key)
    option = next((v for v in shown if v.pk == variant_id), None)
    if option is None:
        raise Http404()
    response = HttpResponse(variant_pdf(quote, option, language=_public_language(request)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}-{option.position + 1}.pdf"'
    return _public_headers(response)


# --- The quotes of an opportunity, its editor and its contract (signed-in pages) ----------------

LINE_FIELDS = ("product", "unit", "description", "quantity", "unit_price", "discount_pct", "discount_amount",
               "unit_cost", "tax_class")
VARIANT_FIELDS = ("name", "valid_until", "payment_terms", "delivery_terms")
_FIELD = re.compile(r"^v(\d{1,2})-(?:l(\d{1,3})-)?([a-z_]+)$")
EMPTY_LINES = 3


def variants_from_post(data) -> list[dict]:
    """The editor's fields (v0-name, v0-l2-unit_price…) as the service's variants; a line left empty
    is not a line."""
    variants: dict[int, dict] = {}
    for key, value in data.items():
        match = _FIELD.match(key)
        if not match:
            continue
        v, line, name = int(match[1]), match[2], match[3]
        variant = variants.setdefault(v, {"lines": {}})
        value = value.strip()
        if line is None:
            if name in VARIANT_FIELDS:
                variant[name] = value or None if name == "valid_until" else value
        elif name in LINE_FIELDS:
            variant["lines"].setdefault(int(line), {})[name] = decimal_text(value) if name in (
                "quantity", "unit_price", "discount_pct", "discount_amount", "unit_cost") else value
    result = []
    for v in sorted(variants):
        variant = variants[v]
        lines = [variant["lines"][n] for n in sorted(variant["lines"])]
        variant["lines"] = [{k: x for k, x in line.items() if x != ""} for line in lines
                            if any(line.get(k) for k in ("product", "unit", "description", "unit_price"))]
        result.append(variant)
    return result


def _editor_variants(posted: list[dict] | None, first_lines: list[dict] = ()) -> list[dict]:
    """What the editor shows: the variants as posted (kept on a refusal), else one starting with
    `first_lines` (the deal's unit or product: services.quote_first_lines) and empty lines."""
    if not posted:
        lines = [{"index": n, **line} for n, line in enumerate(first_lines)]
        lines += [{"index": n} for n in range(len(lines), max(EMPTY_LINES, len(lines) + 1))]
        return [{"index": 0, "name": _("Comptant"), "lines": lines}]
    shown = []
    for index, variant in enumerate(posted):
        lines = [{"index": n, **line} for n, line in enumerate(variant["lines"])]
        lines += [{"index": len(lines) + n} for n in range(1 if lines else EMPTY_LINES)]
        shown.append({**variant, "index": index, "lines": lines})
    return shown


_PLACE = re.compile(r"^variants\.(\d+)(?:\.lines\.(\d+))?")


def error_place(error: ApplicationError) -> str:
    """'variants.0.lines.1.discount_amount' → 'variante 1, ligne 2', for the person typing."""
    match = _PLACE.match(error.field or "")
    if not match:
        return ""
    if match[2] is None:
        return _("variante %(v)s") % {"v": int(match[1]) + 1}
    return _("variante %(v)s, ligne %(l)s") % {"v": int(match[1]) + 1, "l": int(match[2]) + 1}


def _tax_classes() -> list[tuple[str, str]]:
    """The line classes the settings' taxes know, each with its short name for the line's select."""
    names = dict(TaxClass.choices)
    return [(code, names.get(code, code)) for code in sorted(pricing.tax_classes(services.tax_rules()))]


@login_required
def quote_section(request, pk):
    """The quotes part of an opportunity card, loaded by htmx."""
    opportunity = opportunity_get(actor=request.user, pk=pk)
    quotes = list(selectors.quote_list(actor=request.user, opportunity_id=pk)) \
        if opportunity.pipeline.requires_quote else []
    accepted = next((v for q in quotes for v in q.variants.all() if v.status == VariantStatus.ACCEPTED), None)
    return render(request, "quotes/_section.html", {
        "opportunity": opportunity, "quotes": quotes, "accepted": accepted,
        "contracts": opportunity.contracts.order_by("-created_at") if opportunity.pipeline.requires_quote else [],
        "open": opportunity.status in ("open", "suspended"),
        "margin_warning": site_settings_get().margin_warning_pct,
        "see_gross": permissions.can_see_gross(request.user),
    })


@login_required
def quote_editor(request, pk):
    opportunity = opportunity_get(actor=request.user, pk=pk)
    posted, error = None, None
    if request.method == "POST":
        posted = variants_from_post(request.POST)
        try:
            services.quote_create(actor=request.user, opportunity_id=pk, title=request.POST.get("title", ""),
                                  variants=posted)
        except ApplicationError as refused:
            error = refused
        else:
            messages.success(request, _("Cotation créée."))
            return redirect("opportunity-card", pk)
    first_lines = [] if posted else services.quote_first_lines(actor=request.user, opportunity=opportunity)
    return render(request, "quotes/editor.html", {
        "opportunity": opportunity, "variants": _editor_variants(posted, first_lines), "tax_classes": _tax_classes(),
        "title": request.POST.get("title", ""), "error": error, "error_place": error_place(error) if error else "",
    }, status=error.status if error else 200)


SEARCHED_FIELDS = ("-description", "-product")


@login_required
@require_GET
def quote_sellables(request):
    """As-you-type help on a quote line (htmx): the units for sale and the products its description
    (or ?q=) names, by catalog.selectors.sellable_search; picking one fills the line (quotes/editor.js)."""
    q = request.GET.get("q") or next((value for key, value in request.GET.items() if key.endswith(SEARCHED_FIELDS)),
                                     "")
    return render(request, "quotes/_product_results.html",
                  {"results": sellable_search(actor=request.user, q=q[:200]), "q": q})


@login_required
def quote_editor_line(request, pk):
    """One more empty line for variant ?v= at position ?l= (htmx)."""
    v, line = int(request.GET.get("v", 0)) % 100, int(request.GET.get("l", 0)) % 1000
    return render(request, "quotes/_line.html", {"variant": {"index": v}, "line": {"index": line},
                                                 "tax_classes": _tax_classes()})


@login_required
def quote_editor_variant(request, pk):
    """One more variant ?v= with empty lines (htmx)."""
    v = int(request.GET.get("v", 1)) % 100
    variant = {"index": v, "name": _("Variante %(n)s") % {"n": v + 1},
               "lines": [{"index": n} for n in range(EMPTY_LINES)]}
    return render(request, "quotes/_variant.html", {"variant": variant, "tax_classes": _tax_classes(),
                                                    "opportunity_pk": pk})


PRICED = ("product", "unit", "unit_price")


@login_required
@require_POST
def quote_editor_totals(request, pk):
    """Live totals of what the editor holds, computed by the services' arithmetic, nothing saved."""
    rules = services.tax_rules()
    classes = pricing.tax_classes(rules)
    results = []
    for index, variant in enumerate(variants_from_post(request.POST)):
        # A line being typed (a description, no price nor catalogue item yet) waits outside the figures
        # instead of turning them into an error; saving still asks for its price.
        waiting = [n + 1 for n, line in enumerate(variant["lines"]) if not any(line.get(k) for k in PRICED)]
        try:
            lines = [services.clean_line(line, n, classes, f"variants.{index}") for n, line in enumerate(variant["lines"])
                     if n + 1 not in waiting]
            totals = pricing.variant_totals(lines, rules) if lines else None
            results.append({"name": variant.get("name"), "totals": totals, "error": None, "waiting": waiting})
        except ApplicationError as refused:
            place = error_place(refused)
            results.append({"name": variant.get("name"), "totals": None, "waiting": waiting,
                            "error": f"{refused.message} ({place})" if place else refused.message})
    return render(request, "quotes/_totals.html", {"results": results,
                                                   "margin_warning": site_settings_get().margin_warning_pct})


def _back(pk):
    return redirect("opportunity-card", pk)


@login_required
@require_POST
def variant_accept(request, quote_id, variant_id):
    quote = selectors.quote_get(actor=request.user, pk=quote_id)
    with refusal_as_message(request):
        services.quote_variant_accept(actor=request.user, quote_id=quote_id, variant_id=variant_id)
        if opportunity_get(actor=request.user, pk=quote.opportunity_id).status == Status.WON:
            messages.success(request, _("Variante acceptée : l'opportunité est gagnée."))
        else:
            messages.success(request, _("Variante acceptée : l'opportunité en prend le montant et le coût."))
    return _back(quote.opportunity_id)


@login_required
@require_POST
def variant_send(request, quote_id, variant_id):
    quote = selectors.quote_get(actor=request.user, pk=quote_id)
    with refusal_as_message(request):
        services.quote_variant_send(actor=request.user, quote_id=quote_id, variant_id=variant_id,
                                    to=request.POST.get("to") or None, message=request.POST.get("message", ""))
        messages.success(request, _("Cotation envoyée."))
    return _back(quote.opportunity_id)


TRADE_IN_AMOUNTS = ("allowance", "lien_payoff", "actual_cash_value")


@login_required
@require_POST
def contract_new(request, pk):
    # Amounts typed the Québec way (24 999,99); the rest as typed, the service reads the odometer.
    trade_in = {key: decimal_text(request.POST.get(f"trade_in_{key}", "")) if key in TRADE_IN_AMOUNTS
                else request.POST.get(f"trade_in_{key}", "").strip()
                for key in ("description", "vin", "odometer_km", *TRADE_IN_AMOUNTS)}
    trade_in = {k: v for k, v in trade_in.items() if v}
    with refusal_as_message(request):
        contract = services.contract_create(actor=request.user, opportunity_id=pk,
                                            variant=request.POST.get("variant"),
                                            deposit=decimal_text(request.POST.get("deposit", "")) or None,
                                            trade_in=trade_in or None)
        messages.success(request, _("Contrat %(number)s créé.") % {"number": contract.number})
    return _back(pk)
