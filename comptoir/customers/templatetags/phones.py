"""`{{ phone|phone }}`: a customer's phone row or a lead's phone (a dict) in one format, its extension
after it in the page's language."""

from django import template

from comptoir.customers.models import phone_display

register = template.Library()


@register.filter
def phone(value) -> str:
    if isinstance(value, dict):
        return phone_display(value.get("number", ""), value.get("extension", ""))
    return phone_display(value.number, value.extension)
