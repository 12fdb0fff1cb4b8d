"""What every email to a customer shares, whoever sends it (messaging's messages and mailings,
quotes' variants): the public address of a link, the dealer's identity below the signature delimiter,
and the HTML part built from the text. Plain helpers under both senders; tracking (the click redirect,
the open pixel) is the caller's, through `click_url` and `pixel_url`."""

import re
from email.utils import formataddr
from html import unescape

from django.conf import settings
from django.utils.html import escape, linebreaks, urlize

from comptoir.core.dealer import dealer_identity

HREF = re.compile(r'href="(https?://[^"]+)"')


def sender_address(name: str = "") -> str:
    """Who a customer email is from: the person's name (else the dealer's) at DEFAULT_FROM_EMAIL when it
    is set (the address the mail server may send as), else at the dealer's own address from the
    settings, so a first-day install never writes from « comptoir@localhost » when the dealer has one."""
    dealer = dealer_identity(logo=False)
    address = settings.DEFAULT_FROM_EMAIL if settings.COMPTOIR_FROM_EMAIL_GIVEN else (
        dealer["email"] or settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or dealer["name"], address))


def public_url(path: str) -> str:
    return settings.COMPTOIR_PUBLIC_URL.rstrip("/") + path


# The usual signature delimiter (RFC 3676, « -- » and a space): what follows it is the dealer's footer.
SIGNATURE = "\n-- \n"


def dealer_footer() -> list[str]:
    """DESIGN (Running): the dealer's identity at the end of every customer email, in the active
    language: trade name, address, phone and website, then legal name and permit. Nothing when the
    settings hold no identity."""
    dealer = dealer_identity(logo=False)
    if not dealer["name"]:
        return []  # an address or a permit signed by nobody says nothing
    contacts = " · ".join(p for p in (dealer["phone"], dealer["email"], dealer["website"]) if p)
    legal = " · ".join(p for p in (dealer["legal_name"], dealer["permit"]) if p)
    return [line for line in (dealer["name"], ", ".join(dealer["address"]).replace("\u00a0\u00a0", " "), contacts,
                              legal) if line]


def with_dealer_footer(body_text: str) -> str:
    """The text part of a customer email, signed with the dealer's identity below the delimiter."""
    lines = dealer_footer()
    return body_text.rstrip() + "\n" + SIGNATURE + "\n".join(lines) if lines else body_text


def email_html(body_text: str, *, click_url, pixel_url: str | None) -> str:
    """The HTML part: the text with its paragraphs and links, each web link through `click_url(url)`
    but the unsubscribe link, which is no sign of interest. What follows the signature delimiter (the
    dealer's identity) is set small and grey under a rule."""
    body, delimiter, footer = body_text.rpartition(SIGNATURE)
    if not delimiter:
        body, footer = body_text, ""
    html = linebreaks(urlize(escape(body), nofollow=True, autoescape=False), autoescape=False)
    if footer.strip():
        html += ('<div style="margin-top:24px;padding-top:8px;border-top:1px solid #d9dee5;color:#5b6775;'
                 'font-size:12px;line-height:1.5">'
                 + linebreaks(urlize(escape(footer.strip()), nofollow=True, autoescape=False), autoescape=False)
                 + "</div>")
    untracked = public_url("/unsubscribe/")

    def tracked(match):
        url = unescape(match.group(1))
        return match.group(0) if url.startswith(untracked) else f'href="{escape(click_url(url))}"'

    html = HREF.sub(tracked, html)
    pixel = f'<img src="{escape(pixel_url)}" width="1" height="1" alt="">' if pixel_url else ""
    return f'<!doctype html><html><body style="font-family:sans-serif">{html}{pixel}</body></html>'
