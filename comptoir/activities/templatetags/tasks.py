from django import template

from comptoir.core.models import TaskType

register = template.Library()


@register.simple_tag
def task_type_choices():
    """(code, label) of the active task types, for the quick-add forms."""
    return [(t.code, t.label) for t in TaskType.objects.filter(active=True).order_by("position", "pk")]
