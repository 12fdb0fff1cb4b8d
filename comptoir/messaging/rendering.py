"""Merge fields: a message template renders, for one recipient, against plain data built here (never a
model) in the sandboxed engine. An unknown field is refused when the template is saved; a field that is
empty for a recipient is found while rendering, so the preview names it and a bulk send skips that
recipient instead of sending « Bonjour , »."""

import re
from dataclasses import dataclass, field
from html import unescape

from django.conf import settings
from django.template import Context, TemplateSyntaxError
from django.template.base import VariableNode
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError
from comptoir.core.sandbox import sandbox_engine
from comptoir.messaging.unsubscribe import unsubscribe_token

# What a template may print: {{ customer.first_name }}, {{ opportunity.number }}, ...
MERGE_FIELDS = {
    "customer": ("first_name", "last_name", "display_name", "company", "email", "city"),
    "opportunity": ("number", "product", "amount", "stage", "pipeline"),
    "salesperson": ("first_name", "last_name", "display_name", "email", "signature"),
    "quote": ("number", "link", "total"),
    "unsubscribe_url": (),
}
ALLOWED = {f"{root}.{name}" for root, names in MERGE_FIELDS.items() for name in names} | {
    root for root, names in MERGE_FIELDS.items() if not names}

BAD_TEMPLATE = _("Le modèle est invalide : vérifiez ses balises {{ … }} et {%% … %%} (détail : %(error)s).")
UNKNOWN_FIELD = _("Champ de fusion inconnu : {{ %(name)s }}. Champs possibles : %(known)s.")
TEXT_ENGINE = sandbox_engine(autoescape=False)


class _TrackedVariableNode(VariableNode):
    """Prints like a VariableNode, and notes the field when what it printed is blank."""

    def render(self, context):
        output = super().render(context)
        if not output.strip():
            context.get("_blank_fields").append(str(self.filter_expression.var))
        return output


def compile_template(text: str, *, field: str):
    """The compiled template, or a 422 naming the syntax error or the unknown merge field."""
    try:
        template = TEXT_ENGINE.from_string(text or "")
    except TemplateSyntaxError as exc:
        raise ApplicationError(BAD_TEMPLATE % {"error": exc}, field=field) from None
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        name = str(node.filter_expression.var)
        if not isinstance(node.filter_expression.var, str) and name not in ALLOWED:
            raise ApplicationError(UNKNOWN_FIELD % {"name": name, "known": ", ".join(sorted(ALLOWED))},
                                   field=field)
        node.__class__ = _TrackedVariableNode
    return template


@dataclass
class Compiled:
    subject: object
    body: object
    language: str


def compile_message(*, subject: str, body: str, language: str) -> Compiled:
    return Compiled(compile_template(subject, field="subject"), compile_template(body, field="body"), language)


@dataclass
class Rendered:
    subject: str
    body_text: str
    missing: list[str] = field(default_factory=list)


def render(compiled: Compiled, data: dict) -> Rendered:
    blank: list[str] = []
    with translation.override(compiled.language):
        subject = compiled.subject.render(Context({**data, "_blank_fields": blank}, autoescape=False))
        body = compiled.body.render(Context({**data, "_blank_fields": blank}, autoescape=False))
    return Rendered(" ".join(subject.split()), body.strip(), sorted(set(blank)))


# --- Email HTML: the text, its links tracked, an open pixel ----------------------------------------

HREF = re.compile(r'href="(https?://[^"]+)"')


def public_url(path: str) -> str:
    return settings.COMPTOIR_PUBLIC_URL.rstrip("/") + path


# The usual signature delimiter (RFC 3676, « -- » and a space): what follows it is the dealer's footer.
SIGNATURE = "\n-- \n"


def dealer_footer() -> list[str]:
    """DESIGN (Running): the dealer's identity at the end of every customer email, in the active
    language: trade name, address, phone and website, then legal name and permit. Nothing when the
    settings hold no identity."""
    from comptoir.quotes.documents import dealer_identity

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


def unsubscribe_url(subject) -> str:
    return public_url(reverse("unsubscribe", args=[unsubscribe_token(subject)]))
