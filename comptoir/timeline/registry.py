"""The verbs of the timeline and how each reads on screen, declared by the app that records them.

Every app that writes timeline rows lists its verbs in its own `events.py`:

    VERBS = {"customer_created": _("Fiche créée"), ...}

`autodiscover()` (run once, from TimelineConfig.ready) registers the `VERBS` of every installed
app, so the timeline knows every label without importing any app above it. A verb is stored as
it is in the rows: renaming one would orphan its history."""

from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

_labels: dict = {}
_owners: dict[str, str] = {}


def register(verbs: dict, *, owner: str = "") -> None:
    """Add `verbs` ({verb: label}); a verb belongs to one app, so a second owner is refused."""
    for verb, label in verbs.items():
        if verb in _owners and _owners[verb] != owner:
            raise ImproperlyConfigured(f"timeline verb {verb!r} is declared by {_owners[verb]} and {owner}")
        _labels[verb], _owners[verb] = label, owner


def autodiscover() -> None:
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "events"):
            module = import_module(f"{app_config.name}.events")
            register(getattr(module, "VERBS", {}), owner=app_config.label)


def label(verb: str):
    """The verb as a person reads it, in the active language; an unknown verb as it is stored."""
    return _labels.get(verb, verb)


def verbs() -> dict[str, str]:
    """Every declared verb and the label of the app that declares it."""
    return dict(_owners)
