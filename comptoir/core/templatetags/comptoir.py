"""Filters every template may load: {% load comptoir %}."""

from django import template

from comptoir.core import permissions
from comptoir.core.formatting import NO_VALUE, money_or_dash
from comptoir.core.selectors import site_settings_get

register = template.Library()


@register.filter
def money(amount, currency=None) -> str:
    """{{ amount|money:currency }} → '1 234,50 $' (fr-CA, pl), '$1,234.50' (en); no amount → '—'.
    Without a currency, the site settings' one (CAD by default)."""
    if amount is None or amount == "":
        return NO_VALUE
    return money_or_dash(amount, currency or site_currency())


@register.simple_tag
def site_currency() -> str:
    """{% site_currency as currency %}: the site settings' currency, read once for a template
    that writes many amounts in it."""
    return site_settings_get().currency


@register.filter
def can(user, capability: str) -> bool:
    """{% if user|can:"manage_pipelines" %}: what a link or a button needs, read from the role matrix
    (core.permissions), never from the role's name."""
    return permissions.has_capability(user, capability)
