"""The engine for templates an admin writes (quote documents, message templates): Django's default
tags and filters without those that reach outside the document (debug dumps the context and modules,
load brings other libraries, url and csrf_token belong to pages), and no loader but the fixed partials
its owner hands it (a name → a template's text), so include reaches those and no file. Such templates
see plain data built for them, never a model."""

from django.template import Engine, Library, defaultfilters, defaulttags, loader_tags

register = Library()
register.tags.update({name: tag for name, tag in defaulttags.register.tags.items()
                      if name not in {"debug", "load", "url", "csrf_token"}})
register.filters.update(defaultfilters.register.filters)
# include, for engines given partials: their loader knows those and nothing else.
with_partials = Library()
with_partials.tags.update(register.tags)
with_partials.tags["include"] = loader_tags.register.tags["include"]
with_partials.filters.update(register.filters)


def sandbox_engine(*, autoescape: bool, partials: dict[str, str] | None = None) -> Engine:
    loaders = [("django.template.loaders.locmem.Loader", partials)] if partials else []
    engine = Engine(loaders=loaders, libraries={}, autoescape=autoescape)
    # Engine always adds Django's default tag libraries to those it is given: replace them outright.
    engine.template_builtins = [with_partials if partials else register]
    return engine
