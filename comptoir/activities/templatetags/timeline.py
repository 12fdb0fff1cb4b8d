from django import template

from comptoir.activities.verbs import VERB_LABELS

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    return VERB_LABELS.get(verb, verb)


@register.filter
def status_label(value):
    """An opportunity status code as its name ("won" → "gagnée"); anything else as it is."""
    from comptoir.sales.models import Status

    return Status(value).label if value in Status.values else value
