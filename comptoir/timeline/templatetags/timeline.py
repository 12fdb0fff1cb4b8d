from django import template

from comptoir.timeline import registry

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    return registry.label(verb)
