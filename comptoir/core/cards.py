"""What an app above adds to the cards and lists of an app below it, without the one below importing
it: the tasks on the customer, lead and opportunity cards, the next task on the sales board.

An app registers its providers when Django starts (its AppConfig.ready()), under the label of the
model it adds to ("customers.Customer"):

- `card_section(label, name=, title=, template=)` decorates `provider(actor, obj) -> dict`: a section
  of the record's card, drawn by `template` with `section` (the provider's dict) in its context;
- `list_annotation(label)` decorates `provider() -> dict[name, expression]`: annotations applied to
  the model's querysets a list reads in one query (the sales board's cards).

The card views call `sections(actor, obj)`, their templates include each section's template; a
selector applies `annotations(label)`. The order is the registration's."""

from collections.abc import Callable
from dataclasses import dataclass, field

_SECTIONS: dict[str, list["SectionProvider"]] = {}
_ANNOTATIONS: dict[str, list[Callable[[], dict]]] = {}


@dataclass(frozen=True)
class SectionProvider:
    name: str
    title: object
    template: str
    provider: Callable


@dataclass
class Section:
    """One section of one card, as its template reads it: `title`, `template`, `context`."""
    name: str
    title: object
    template: str
    context: dict = field(default_factory=dict)


class Sections(list):
    """A card's sections in order; `get(name)` is a section's context ({} when none is registered)."""

    def get(self, name: str) -> dict:
        return next((section.context for section in self if section.name == name), {})


def card_section(label: str, *, name: str, title, template: str):
    def register(provider: Callable) -> Callable:
        _SECTIONS.setdefault(label, []).append(SectionProvider(name, title, template, provider))
        return provider
    return register


def sections(actor, obj) -> Sections:
    return Sections(Section(p.name, p.title, p.template, p.provider(actor, obj))
                    for p in _SECTIONS.get(obj._meta.label, []))


def list_annotation(label: str):
    def register(provider: Callable[[], dict]) -> Callable[[], dict]:
        _ANNOTATIONS.setdefault(label, []).append(provider)
        return provider
    return register


def annotations(label: str) -> dict:
    found: dict = {}
    for provider in _ANNOTATIONS.get(label, []):
        found.update(provider())
    return found
