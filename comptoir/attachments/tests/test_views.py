"""The card's « Pièces jointes » section and the downloads."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from comptoir.attachments import services
from comptoir.attachments.models import Attachment
from comptoir.attachments.tests.conftest import EXE, PDF, image, stored_files, upload
from comptoir.messaging.models import Message

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def browser(salesperson):
    client = Client()
    client.force_login(salesperson)
    return client


def _add(actor, customer, name="permis.pdf", data=PDF):
    return services.attachment_add(actor=actor, customer=customer.pk, upload=upload(name, data))


def test_the_customer_card_loads_the_section_and_it_lists_the_files(browser, salesperson, customer):
    _add(salesperson, customer, "permis.pdf")
    card = browser.get(reverse("customer-card", args=[customer.pk])).content.decode()
    section_url = reverse("attachment-section", args=["customers", customer.pk])
    assert f'hx-get="{section_url}"' in card
    assert "Pièce jointe ajoutée" in card  # the upload, in the card's history

    section = browser.get(section_url).content.decode()

    assert "permis.pdf" in section and salesperson.display_name in section
    assert reverse("attachment-upload", args=["customers", customer.pk]) in section
    assert 'hx-encoding="multipart/form-data"' in section


def test_the_opportunity_card_has_its_own_section(browser, salesperson, deal):
    services.attachment_add(actor=salesperson, opportunity=deal.pk, upload=upload("bon.pdf", PDF))
    response = browser.get(reverse("attachment-section", args=["opportunities", deal.pk]))
    assert response.status_code == 200 and "bon.pdf" in response.content.decode()


def test_a_file_uploaded_from_the_card_shows_in_the_section(browser, customer):
    response = browser.post(reverse("attachment-upload", args=["customers", customer.pk]),
                            {"file": upload("photo.png", image("PNG")), "description": "Échange"}, **HTMX)
    assert response.status_code == 200
    assert "photo.png" in response.content.decode() and "Échange" in response.content.decode()
    assert Attachment.objects.get().customer_id == customer.pk


def test_a_refused_file_says_why_in_the_section_and_nothing_is_stored(browser, customer, media_root):
    response = browser.post(reverse("attachment-upload", args=["customers", customer.pk]),
                            {"file": upload("facture.pdf", EXE)}, **HTMX)
    assert escape(services.CONTENT_MISMATCH % {"extension": "pdf"}) in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_without_javascript_the_forms_come_back_to_the_card(browser, salesperson, customer):
    response = browser.post(reverse("attachment-upload", args=["customers", customer.pk]),
                            {"file": upload("permis.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == reverse("customer-card", args=[customer.pk])
    attachment = Attachment.objects.get()
    response = browser.post(reverse("attachment-delete", args=[attachment.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_send_from_the_card_queues_a_message_with_the_link(browser, salesperson, customer):
    attachment = _add(salesperson, customer)
    response = browser.post(reverse("attachment-send", args=[attachment.pk]), {"channel": "email"}, **HTMX)
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.customer_id == customer.pk and "/attachments/shared/" in message.body_text
    assert "julie.roy@exemple.ca" in response.content.decode()


def test_download_gives_the_original_name_and_forbids_sniffing(browser, salesperson, customer):
    pdf = _add(salesperson, customer, "Permis Julie.pdf")
    sheet = _add(salesperson, customer, "unités.csv", "vin;prix\n".encode())
    response = browser.get(reverse("attachment-download", args=[pdf.pk]))
    assert response["Content-Disposition"] == 'inline; filename="Permis Julie.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    response = browser.get(reverse("attachment-download", args=[sheet.pk]))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''unit%C3%A9s.csv"
    assert response["Content-Type"] == "text/csv"


def test_another_salespersons_files_and_sections_are_not_found(browser, rival, rivals_customer):
    theirs = _add(rival, rivals_customer)
    for url in (reverse("attachment-download", args=[theirs.pk]),
                reverse("attachment-section", args=["customers", rivals_customer.pk]),
                reverse("attachment-section", args=["leads", rivals_customer.pk])):
        assert browser.get(url).status_code == 404
    for url in (reverse("attachment-send", args=[theirs.pk]), reverse("attachment-delete", args=[theirs.pk]),
                reverse("attachment-upload", args=["customers", rivals_customer.pk])):
        assert browser.post(url, {"channel": "email", "file": upload("a.pdf", PDF)}).status_code == 404
    assert Attachment.objects.count() == 1 and not Message.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, salesperson, customer):
    attachment = _add(salesperson, customer)
    response = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_delete_button_shows_only_to_who_may_delete(salesperson, reception, manager, customer):
    attachment = _add(salesperson, customer)
    delete_url = reverse("attachment-delete", args=[attachment.pk])
    section_url = reverse("attachment-section", args=["customers", customer.pk])
    for user, shown in ((salesperson, True), (manager, True), (reception, False)):
        client = Client()
        client.force_login(user)
        assert (delete_url in client.get(section_url).content.decode()) is shown
