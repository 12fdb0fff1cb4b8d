"""The engine for templates an admin writes (quote documents, message templates): Django's default
tags and filters without those that reach outside the document (debug dumps the context and modules,
load brings other libraries, url and csrf_token belong to pages), no loaders, so no include or extends
of files. Such templates see plain data built for them, never a model."""

from django.template import Engine, Library, defaultfilters, defaulttags

register = Library()
register.tags.update({name: tag for name, tag in defaulttags.register.tags.items()
                      if name not in {"debug", "load", "url", "csrf_token"}})
register.filters.update(defaultfilters.register.filters)


def sandbox_engine(*, autoescape: bool) -> Engine:
    engine = Engine(loaders=[], libraries={}, autoescape=autoescape)
    # Engine always adds Django's default tag libraries to those it is given: replace them outright.
    engine.template_builtins = [register]
    return engine
