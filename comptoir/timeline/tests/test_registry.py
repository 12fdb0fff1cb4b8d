"""Each app declares its timeline verbs and their labels in its own events.py; the timeline reads them
all at start-up and shows each verb by its label."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation
from django.utils.module_loading import module_has_submodule

from comptoir.timeline import registry


def _render_label(verb: str) -> str:
    return Template("{% load timeline %}{% autoescape off %}{{ verb|verb_label }}{% endautoescape %}").render(Context({"verb": verb}))


def test_a_verb_declared_in_an_apps_events_module_is_labelled_in_the_timeline():
    # given customers' own declaration
    customers_events = import_module("comptoir.customers.events")

    # then the timeline knows it, as customers' verb, and the card shows its label
    assert registry.verbs()["customer_created"] == "customers"
    with translation.override("fr-ca"):
        assert str(customers_events.VERBS["customer_created"]) == "Fiche créée"
        assert _render_label("customer_created") == "Fiche créée"


def test_every_declared_verb_is_labelled_and_translated():
    declared = {}
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "events"):
            declared.update(import_module(f"{app_config.name}.events").VERBS)
    assert declared.keys() == registry.verbs().keys()
    for verb, label in declared.items():
        with translation.override("fr-ca"):
            french = _render_label(verb)
            assert french == str(label) != verb
        for language in ("en", "pl"):
            with translation.override(language):
                assert _render_label(verb) != french, f"{verb} has no label in {language}"


def test_the_verbs_recorded_before_the_timeline_had_its_own_app_keep_their_owner_and_label():
    owners = registry.verbs()
    assert {owners[v] for v in ("task_created", "task_completed", "calendar_feed_reset")} == {"activities"}
    assert {owners[v] for v in ("unsubscribed", "message_sent", "bulk_send_created")} == {"messaging"}
    assert owners["note_added"] == "customers" and owners["admin_site_deleted"] == "timeline"
    with translation.override("fr-ca"):
        assert _render_label("unsubscribed") == "Désabonnement par le lien du courriel"
        assert _render_label("admin_site_deleted") == "Suppression dans l'administration"


def test_an_unknown_verb_is_shown_as_it_is_stored():
    assert _render_label("something_new") == "something_new"


def test_a_verb_belongs_to_one_app():
    with pytest.raises(ImproperlyConfigured):
        registry.register({"customer_created": "Autre"}, owner="leads")
    assert registry.verbs()["customer_created"] == "customers"
