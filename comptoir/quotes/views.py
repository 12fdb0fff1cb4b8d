"""The public page a quote email links to: no sign-in, the key is the permission."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.quotes.documents import variant_html
from comptoir.quotes.services import quote_variant_viewed


@never_cache
@require_GET
def quote_view(request, key):
    variant = quote_variant_viewed(tracking_key=key)
    html = variant_html(variant.quote, variant, language=request.GET.get("language") or "fr-ca")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
