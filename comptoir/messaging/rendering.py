"""Merge fields: a message template renders, for one recipient, against plain data built here (never a
model) in the sandboxed engine. An unknown field is refused when the template is saved; a field that is
empty for a recipient is found while rendering, so the preview names it and a bulk send skips that
recipient instead of sending « Bonjour , »."""

from dataclasses import dataclass, field

from django.template import Context, TemplateSyntaxError
from django.template.base import VariableNode
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from comptoir.core.emails import public_url
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


# --- Links ------------------------------------------------------------------------------------

def unsubscribe_url(subject) -> str:
    return public_url(reverse("unsubscribe", args=[unsubscribe_token(subject)]))
