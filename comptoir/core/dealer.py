"""The dealer as every customer document and email prints it (DESIGN: Running: the dealer's
identity is a setting, printed on every customer document and email footer). Read by quotes'
documents and by the emails' footer (core.emails), so it sits in core, under both."""

import base64
import logging
from io import BytesIO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from comptoir.core.selectors import site_settings_get
from comptoir.core.services import LOGO_FORMATS, LOGO_MAX_BYTES

logger = logging.getLogger(__name__)


def _logo_data_uri() -> str:
    """The dealer's logo, inlined: the PDF's fetcher reads nothing but the shipped assets, and the
    storage may be a bucket no browser of the customer can reach."""
    logo = site_settings_get().dealer_logo
    if not logo:
        return ""
    try:
        with logo.storage.open(logo.name, "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
        with Image.open(BytesIO(data)) as image:
            media_type = LOGO_FORMATS.get(image.format)
    except (OSError, ValueError, UnidentifiedImageError):
        logger.warning("The dealer's logo %s cannot be read: left off the document", logo.name)
        return ""
    if not media_type or len(data) > LOGO_MAX_BYTES:
        return ""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def dealer_identity(*, logo: bool = True) -> dict:
    """DESIGN (Running): the dealer as every customer document and email footer prints it, in the
    active language; only what the settings hold, so an empty setting leaves no empty label."""
    site = site_settings_get()
    trade_name, legal_name = site.dealer_trade_name.strip(), site.dealer_legal_name.strip()
    city, postal_code = site.dealer_city.strip(), site.dealer_postal_code.strip()
    # The province alone (QC by default) is no address.
    locality = " ".join(p for p in (city, site.dealer_province.strip()) if p) if city or postal_code else ""
    locality = "\u00a0\u00a0".join(p for p in (locality, postal_code) if p)
    registrations = []
    if site.gst_number:
        registrations.append(_("No TPS : %(number)s") % {"number": site.gst_number})
    if site.qst_number:
        registrations.append(_("No TVQ : %(number)s") % {"number": site.qst_number})
    permit = _("No de permis de commerçant : %(number)s") % {"number": site.dealer_permit} \
        if site.dealer_permit else ""
    website = site.dealer_website.strip()
    # The small print at the foot of a document: who the dealer is in law, and its numbers.
    footer = [legal_name or trade_name, *registrations, permit] if registrations or permit or (
        legal_name and legal_name != trade_name) else []
    return {
        "name": trade_name or legal_name,
        # The legal name beside the trade name, once: the same name twice says nothing more.
        "legal_name": legal_name if legal_name and legal_name != (trade_name or legal_name) else "",
        "address": [line for line in (site.dealer_address.strip(), locality) if line],
        "phone": site.dealer_phone.strip(), "email": site.dealer_email.strip(),
        "website": website.removeprefix("https://").removeprefix("http://").rstrip("/"),
        "registrations": registrations, "permit": permit, "footer": [part for part in footer if part],
        "logo": _logo_data_uri() if logo else "",
    }
