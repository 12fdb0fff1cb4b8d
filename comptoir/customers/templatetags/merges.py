"""`{% customer_merge_panel customer as panel %}`: what the card's « Fusions » section shows, for the user
signed in (customers.merges_read.customer_merge_panel)."""

from django import template

from comptoir.customers.merges_read import customer_merge_panel as panel_read

register = template.Library()


@register.simple_tag(takes_context=True)
def customer_merge_panel(context, customer) -> dict:
    return panel_read(actor=context["request"].user, customer=customer)
