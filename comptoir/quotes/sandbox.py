"""The only tags and filters a quote template may use: Django's default ones, without those that
reach outside the document (debug dumps the context and modules, load brings other libraries,
url and csrf_token belong to pages)."""

from django.template import Library, defaultfilters, defaulttags

register = Library()
register.tags.update({name: tag for name, tag in defaulttags.register.tags.items()
                      if name not in {"debug", "load", "url", "csrf_token"}})
register.filters.update(defaultfilters.register.filters)
