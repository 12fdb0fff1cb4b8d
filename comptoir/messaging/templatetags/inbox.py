"""What the inbox shows of a reply."""

from django import template

register = template.Library()


@register.filter
def first_line(text: str) -> str:
    """The first line the customer wrote: blank lines and quoted ones (« > … ») skipped."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith(">"):
            return line
    return ""
