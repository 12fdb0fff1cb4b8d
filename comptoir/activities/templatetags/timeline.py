from django import template

from comptoir.activities.verbs import VERB_LABELS

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    return VERB_LABELS.get(verb, verb)
