from django.core import mail
from django.test import Client

from comptoir.customers.tests.factories import make_customer
from comptoir.messaging.models import BulkSend, Message


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_card_shows_its_communications_and_sends_from_a_template(salesperson, deal, follow_up,
                                                                     django_capture_on_commit_callbacks):
    client = _signed_in(salesperson)
    assert f'hx-get="/messages/opportunities/{deal.pk}/"' in client.get(f"/sales/opportunities/{deal.pk}/").content.decode()
    preview = client.post(f"/messages/opportunities/{deal.pk}/preview/", {"template": follow_up.pk})
    assert "Bonjour Julie," in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/messages/opportunities/{deal.pk}/send/", {"template": follow_up.pk})
    assert response.status_code == 302 and response["Location"] == f"/sales/opportunities/{deal.pk}/"
    assert len(mail.outbox) == 1
    section = client.get(f"/messages/customers/{deal.customer_id}/").content.decode()
    assert "Votre Can-Am Outlander" in section and "julie.roy@exemple.ca" in section


def test_the_card_preview_names_the_field_empty_for_this_person(salesperson, pipeline):
    customer = make_customer(salesperson, first_name="", last_name="Roy", email="roy@exemple.ca")
    client = _signed_in(salesperson)
    preview = client.post(f"/messages/customers/{customer.pk}/preview/",
                          {"subject": "Bonjour", "body": "Bonjour {{ customer.first_name }}"}).content.decode()
    assert "customer.first_name" in preview
    response = client.post(f"/messages/customers/{customer.pk}/send/",
                           {"subject": "Bonjour", "body": "Bonjour {{ customer.first_name }}"}, follow=True)
    assert "customer.first_name" in response.content.decode() and not Message.objects.exists()


def test_someone_elses_card_has_no_communications_for_a_salesperson(salesperson, admin):
    customer = make_customer(admin, email="autre@exemple.ca", salesperson=admin.pk)
    assert _signed_in(salesperson).get(f"/messages/customers/{customer.pk}/").status_code == 404


def test_a_bulk_follow_up_from_the_customer_list_previews_then_sends(salesperson, deal, follow_up,
                                                                     django_capture_on_commit_callbacks):
    placeholder = make_customer(salesperson, last_name="Sans courriel", no_email=True)
    client = _signed_in(salesperson)
    text = client.post("/messages/bulk/", {"target": "customers", "ids": [deal.customer_id, placeholder.pk],
                                           "template": follow_up.pk}).content.decode()
    # The template prints the opportunity's product: a customer chosen alone has none.
    assert "champ vide : 1" in text and "aucun courriel (adresse fictive) : 1" in text
    customer_template = follow_up
    customer_template.subject, customer_template.body = "Bonjour", "Bonjour {{ customer.first_name }}"
    customer_template.save()
    text = client.post("/messages/bulk/", {"target": "customers", "ids": [deal.customer_id, placeholder.pk],
                                           "template": follow_up.pk}).content.decode()
    assert "aucun courriel (adresse fictive) : 1" in text and "Bonjour Julie" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/messages/bulk/", {"target": "customers", "ids": [deal.customer_id, placeholder.pk],
                                                   "template": follow_up.pk, "confirm": "1",
                                                   "previewed": follow_up.pk})
    job = BulkSend.objects.get()
    assert response["Location"] == f"/messages/bulk/{job.pk}/"
    progress = client.get(response["Location"]).content.decode()
    assert "Terminé." in progress and len(mail.outbox) == 1


def test_the_board_and_the_customer_list_offer_a_bulk_follow_up(salesperson, deal):
    client = _signed_in(salesperson)
    board = client.get("/sales/").content.decode()
    assert 'action="/messages/bulk/"' in board and f'name="ids" value="{deal.pk}"' in board
    customers = client.get("/customers/").content.decode()
    assert f'name="ids" value="{deal.customer_id}"' in customers


def test_the_lead_list_offers_a_bulk_follow_up_of_the_checked_leads(salesperson):
    from comptoir.leads.services import lead_create

    lead = lead_create(actor=salesperson, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")
    page = _signed_in(salesperson).get("/leads/").content.decode()
    assert f'name="ids" value="{lead.pk}" form="bulk-pick"' in page and 'value="leads"' in page


def test_a_bulk_send_sends_only_the_template_that_was_previewed(salesperson, deal, follow_up, admin,
                                                                django_capture_on_commit_callbacks):
    from comptoir.messaging import services

    text = services.template_create(actor=admin, name="Rappel", channel="sms", body="Bonjour {{ customer.first_name }}")
    client = _signed_in(salesperson)
    form = {"target": "opportunities", "ids": [deal.pk], "confirm": "1", "previewed": follow_up.pk}
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/messages/bulk/", {**form, "template": text.pk})
    assert page.status_code == 200 and "Bonjour Julie" in page.content.decode()  # previewed again, not sent
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/messages/bulk/", {**form, "template": follow_up.pk})
    assert sent.status_code == 302 and len(mail.outbox) == 1


def test_the_card_preview_shows_the_address_typed_in_to(salesperson, deal):
    client = _signed_in(salesperson)
    values = {"subject": "Essai", "body": "Bonjour {{ customer.first_name }}"}
    preview = client.post(f"/messages/customers/{deal.customer_id}/preview/", {**values, "to": "autre@exemple.ca"})
    assert "autre@exemple.ca" in preview.content.decode() and "julie.roy" not in preview.content.decode()
    refused = client.post(f"/messages/customers/{deal.customer_id}/preview/", {**values, "to": "pas-une-adresse"})
    assert 'class="error"' in refused.content.decode()


def test_a_refused_send_from_the_card_keeps_the_form_and_a_sent_one_reloads_the_card(
        salesperson, deal, django_capture_on_commit_callbacks):
    client = _signed_in(salesperson)
    url = f"/messages/customers/{deal.customer_id}/send/"
    refused = client.post(url, {"subject": "Essai", "body": "Bonjour {{ customer.fist_name }}"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "customer.fist_name" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"subject": "Essai", "body": "Bonjour"}, HTTP_HX_REQUEST="true")
    assert sent["HX-Redirect"] == f"/customers/{deal.customer_id}/" and len(mail.outbox) == 1


def test_a_one_to_one_email_still_reaches_an_unsubscribed_customer(salesperson, deal,
                                                                    django_capture_on_commit_callbacks):
    type(deal.customer).objects.filter(pk=deal.customer_id).update(unsubscribed=True)
    client = _signed_in(salesperson)
    preview = client.post(f"/messages/customers/{deal.customer_id}/preview/", {"subject": "Essai", "body": "Bonjour"})
    assert "julie.roy@exemple.ca" in preview.content.decode()
    assert "désabonné" in client.get(f"/customers/{deal.customer_id}/").content.decode()
