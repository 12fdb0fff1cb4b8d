from django import template

register = template.Library()


@register.simple_tag
def task_type_choices():
    """(code, label) of the active task types, for the quick-add forms."""
    from comptoir.core.models import TaskType

    return [(t.code, t.label) for t in TaskType.objects.filter(active=True).order_by("position", "pk")]
