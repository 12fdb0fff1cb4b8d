import pytest

from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.messaging import services
from comptoir.messaging.rendering import UNKNOWN_FIELD


def test_an_unknown_merge_field_is_refused_when_the_template_is_saved(admin):
    with pytest.raises(ApplicationError) as refused:
        services.template_create(actor=admin, name="Typo", subject="Bonjour", body="Bonjour {{ customer.fist_name }}")
    assert refused.value.field == "body"
    assert str(UNKNOWN_FIELD).split(":")[0] in str(refused.value.message)


def test_a_template_that_does_not_parse_is_refused(admin_api):
    response = admin_api.post("/message-templates", {"name": "Cassé", "subject": "x", "body": "{% if %}"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_a_template_cannot_load_tag_libraries(admin):
    with pytest.raises(ApplicationError):
        services.template_create(actor=admin, name="Débogage", subject="x", body="{% load static %}{% debug %}")


def test_an_email_template_needs_a_subject_but_a_text_does_not(admin):
    with pytest.raises(ApplicationError) as refused:
        services.template_create(actor=admin, name="Sans objet", body="Bonjour")
    assert refused.value.field == "subject"
    text = services.template_create(actor=admin, name="Texto", channel="sms", body="Bonjour {{ customer.first_name }}")
    assert text.channel == "sms"


def test_only_an_admin_manages_templates(salesperson_api, salesperson):
    response = salesperson_api.post("/message-templates", {"name": "Relance", "subject": "x", "body": "y"})
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        services.template_create(actor=salesperson, name="Relance", subject="x", body="y")


def test_one_template_name_per_channel_and_language(admin_api):
    first = admin_api.post("/message-templates", {"name": "Relance", "subject": "Bonjour", "body": "Texte"})
    assert first.status_code == 201
    assert admin_api.post("/message-templates", {"name": "Relance", "subject": "Bonjour", "body": "Texte"}
                          ).status_code == 409
    english = admin_api.post("/message-templates", {"name": "Relance", "language": "en", "subject": "Hi", "body": "Hi"})
    assert english.status_code == 201


def test_a_stale_template_update_answers_409(admin_api):
    created = admin_api.post("/message-templates", {"name": "Relance", "subject": "Bonjour", "body": "Texte"}).json()
    assert admin_api.patch(f"/message-templates/{created['id']}", {"body": "Neuf", "version": 1}).status_code == 200
    assert admin_api.patch(f"/message-templates/{created['id']}", {"body": "Vieux", "version": 1}).status_code == 409


def test_a_template_used_by_a_bulk_send_is_kept(admin_api, follow_up, deal):
    services.bulk_send(actor=follow_up and deal.salesperson, template_id=follow_up.pk, target="opportunities",
                       ids=[deal.pk])
    assert admin_api.delete(f"/message-templates/{follow_up.pk}").status_code == 409


def test_the_admin_form_refuses_an_unknown_merge_field_too(admin):
    from django.test import Client

    from comptoir.messaging.models import MessageTemplate

    client = Client()
    client.force_login(admin)
    response = client.post("/admin/messaging/messagetemplate/add/", {
        "name": "Typo", "channel": "email", "language": "fr-ca", "subject": "Bonjour",
        "body": "Bonjour {{ client.prenom }}", "active": "on"})
    assert response.status_code == 200 and "client.prenom" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_a_template_syntax_error_is_explained_in_french(admin):
    with pytest.raises(ApplicationError) as refused:
        services.template_create(actor=admin, name="Vide", subject="x", body="Bonjour {{ }}")
    assert "vérifiez ses balises" in str(refused.value.message)
