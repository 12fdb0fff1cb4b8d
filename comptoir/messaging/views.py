"""Public tracking endpoints (no login: the recipient's mail client calls them) and the card's
communications section."""

import base64

from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from comptoir.messaging import services

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
def open_pixel(request, key):
    """Counts an open and answers the same image whatever the key, so it tells nothing to a guesser."""
    services.message_opened(tracking_key=key)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def click(request, token):
    return HttpResponseRedirect(services.message_clicked(token=token))
