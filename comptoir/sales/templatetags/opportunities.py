from django import template

from comptoir.sales.models import Status

register = template.Library()


@register.filter
def status_label(value):
    """An opportunity status code as its name ("won" → "gagnée"); anything else as it is."""
    return Status(value).label if value in Status.values else value
