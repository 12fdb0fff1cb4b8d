"""The rules of attachments, through the services."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from comptoir.attachments import selectors, services
from comptoir.attachments.models import Attachment
from comptoir.attachments.tests.conftest import (
    EXE, OLE, PDF, docx, heic, image, odf, office_zip, stored_files, upload, xlsx,
)
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.customers.services import customer_merge
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import sms
from comptoir.messaging.models import Message
from comptoir.timeline.models import TimelineEvent


def _add(actor, customer, name="permis.pdf", data=PDF, **values):
    return services.attachment_add(actor=actor, customer=customer.pk, upload=upload(name, data), **values)


def test_attachments_follow_a_merge(salesperson, customer, media_root):
    # given: a duplicate of Julie holding her driver's licence and a trade-in photo
    twin = make_customer(salesperson, first_name="Julie", last_name="Roy", email="julie.r@exemple.ca")
    licence = _add(salesperson, twin, "permis.pdf")
    photo = _add(salesperson, twin, "echange.png", image("PNG"))
    kept = _add(salesperson, customer, "soumission.pdf")
    # when
    customer_merge(actor=salesperson, customer_id=customer.pk, other_id=twin.pk)
    # then: every file is on the surviving card, stored where it was, and the merge says it moved them
    assert set(selectors.attachment_list(actor=salesperson, customer=customer.pk)) == {licence, photo, kept}
    assert not Attachment.objects.filter(customer=twin).exists()
    for attachment in (licence, photo):
        attachment.refresh_from_db()
        assert (media_root / attachment.file.name).read_bytes() in (PDF, image("PNG"))
    merged = TimelineEvent.objects.get(verb="customer_merged")
    assert merged.data["moved"]["attachments.Attachment"] == 2


def test_a_pdf_named_file_that_is_really_a_program_is_refused_and_nothing_is_stored(salesperson, customer,
                                                                                    media_root):
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, "facture.pdf", EXE)
    assert refused.value.message == services.CONTENT_MISMATCH % {"extension": "pdf"}
    assert refused.value.errors == [{"field": "file", "message": str(refused.value.message)}]
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    assert not TimelineEvent.objects.filter(verb="attachment_added").exists()


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "dessin.svg", "script"])
def test_a_kind_not_on_the_list_is_refused(salesperson, customer, media_root, name):
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, name, EXE)
    assert refused.value.code == "type" and refused.value.field == "file"
    assert not Attachment.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize("name, data, mime", [
    ("permis.pdf", PDF, "application/pdf"),
    ("photo.JPG", image("JPEG"), "image/jpeg"),
    ("photo.png", image("PNG"), "image/png"),
    ("photo.gif", image("GIF"), "image/gif"),
    ("photo.webp", image("WEBP"), "image/webp"),
    ("IMG_0042.HEIC", heic(), "image/heic"),
    ("offre.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("calcul.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("offre.odt", odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
    ("calcul.ods", odf("application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet"),
    ("ancien.doc", OLE, "application/msword"),
    ("ancien.xls", OLE, "application/vnd.ms-excel"),
    ("notes.txt", "Numéro de série : 3JBLGAT40RJ000001\r\n".encode(), "text/plain"),
    ("unites.csv", b"vin;prix\n3JBLGAT40RJ000001;12999,99\n", "text/csv"),
    ("scan", PDF, "application/pdf"),  # no extension: known by its signature
])
def test_each_kind_is_recognised_by_its_content_whatever_the_browser_says(salesperson, customer, name, data,
                                                                          mime):
    attachment = services.attachment_add(actor=salesperson, customer=customer.pk,
                                         upload=upload(name, data, content_type="text/html"))
    assert attachment.content_type == mime
    assert attachment.size == len(data) and attachment.original_name == name
    assert attachment.file.name.startswith("attachments/") and name not in attachment.file.name


@pytest.mark.parametrize("name, data", [
    ("offre.docx", office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})),
    ("offre.docx", office_zip({"evil.exe": EXE})),
    ("offre.odt", odf("application/vnd.oasis.opendocument.spreadsheet")),
    ("photo.jpg", image("PNG")),
    ("notes.txt", EXE),
    ("ancien.doc", PDF),
])
def test_a_file_whose_content_is_not_its_extensions_kind_is_refused(salesperson, customer, media_root, name,
                                                                    data):
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, name, data)
    assert refused.value.code == "content"
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_a_kind_the_settings_leave_out_is_refused(salesperson, customer, settings):
    settings.COMPTOIR_ATTACHMENT_TYPES = ["pdf"]
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, "photo.png", image("PNG"))
    assert refused.value.message == services.TYPE_REFUSED % {"types": "pdf"}
    assert _add(salesperson, customer, "permis.pdf").content_type == "application/pdf"


def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_is_taken(salesperson, customer, settings,
                                                                            media_root):
    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = len(PDF)
    assert _add(salesperson, customer, data=PDF).size == len(PDF)
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, data=PDF + b" ")
    assert refused.value.message == services.FILE_TOO_BIG % {"size": filesizeformat(len(PDF))}
    assert refused.value.field == "file"
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_an_empty_file_is_refused(salesperson, customer):
    with pytest.raises(ApplicationError) as refused:
        _add(salesperson, customer, data=b"")
    assert refused.value.message == services.FILE_EMPTY


def test_a_file_goes_on_one_card_exactly(salesperson, customer, deal, media_root):
    for values in ({}, {"customer": customer.pk, "opportunity": deal.pk}):
        with pytest.raises(ApplicationError) as refused:
            services.attachment_add(actor=salesperson, upload=upload("permis.pdf", PDF), **values)
        assert refused.value.message == services.ONE_RECORD
    assert stored_files(media_root) == []


def test_the_database_holds_a_file_on_one_card_exactly(salesperson, customer, deal):
    for cards in ({}, {"customer": customer, "opportunity": deal}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Attachment.objects.create(file="attachments/x.pdf", original_name="x.pdf", content_type="application/pdf",
                                      size=1, sha256="0" * 64, **cards)


def test_the_name_keeps_no_path_nor_control_characters(salesperson, customer):
    attachment = _add(salesperson, customer, "..\\..\\C:\\temp\\per\x00mis\n.pdf")
    assert attachment.original_name == "per mis .pdf"


def test_another_salespersons_customer_and_its_files_are_not_found(salesperson, customer, rival,
                                                                    rivals_customer, media_root):
    theirs = _add(rival, rivals_customer)
    with pytest.raises(NotFound):
        selectors.attachment_get(actor=salesperson, pk=theirs.pk)
    with pytest.raises(NotFound):
        selectors.attachment_list(actor=salesperson, customer=rivals_customer.pk)
    assert theirs not in selectors.attachment_list(actor=salesperson)
    for call in (lambda: services.attachment_delete(actor=salesperson, attachment_id=theirs.pk),
                 lambda: services.attachment_share(actor=salesperson, attachment_id=theirs.pk),
                 lambda: services.attachment_send(actor=salesperson, attachment_id=theirs.pk, channel="email"),
                 lambda: _add(salesperson, rivals_customer)):
        with pytest.raises(NotFound):
            call()
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_an_opportunitys_files_follow_the_opportunitys_visibility(salesperson, manager, deal, rival):
    attachment = services.attachment_add(actor=salesperson, opportunity=deal.pk, upload=upload("bon.pdf", PDF))
    assert list(selectors.attachment_list(actor=manager, opportunity=deal.pk)) == [attachment]
    with pytest.raises(NotFound):
        selectors.attachment_get(actor=rival, pk=attachment.pk)


def test_deleting_removes_the_row_and_the_file_once_committed(salesperson, customer, media_root,
                                                             django_capture_on_commit_callbacks):
    attachment = _add(salesperson, customer)
    path = media_root / attachment.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=salesperson, attachment_id=attachment.pk)
    assert not Attachment.objects.exists()
    assert not path.exists()
    assert TimelineEvent.objects.filter(verb="attachment_deleted", subject_id=customer.pk,
                                        data__name="permis.pdf").exists()


def test_a_customer_deleted_for_good_takes_its_files_with_it(salesperson, media_root,
                                                            django_capture_on_commit_callbacks):
    # There is no erase service yet: whatever deletes a customer row (the ORM, a future erasure) cascades here.
    walk_in = make_customer(salesperson, first_name="Paul", last_name="Passant", email="paul@exemple.ca")
    _add(salesperson, walk_in, "permis.pdf")
    _add(salesperson, walk_in, "photo.png", image("PNG"))
    with django_capture_on_commit_callbacks(execute=True):
        walk_in.delete()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_only_the_uploader_a_sales_manager_or_an_admin_deletes_a_file(salesperson, manager, admin, reception,
                                                                     customer, media_root):
    attachment = _add(salesperson, customer)
    with pytest.raises(Forbidden) as refused:
        services.attachment_delete(actor=reception, attachment_id=attachment.pk)
    assert refused.value.message == services.DELETE_FORBIDDEN
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    by_reception = _add(reception, customer)
    services.attachment_delete(actor=manager, attachment_id=by_reception.pk)
    services.attachment_delete(actor=admin, attachment_id=attachment.pk)
    assert not Attachment.objects.exists()


def test_upload_share_and_delete_land_in_the_cards_timeline(salesperson, customer):
    attachment = _add(salesperson, customer, description="Permis de conduire")
    services.attachment_share(actor=salesperson, attachment_id=attachment.pk)
    services.attachment_delete(actor=salesperson, attachment_id=attachment.pk)
    verbs = list(TimelineEvent.objects.filter(subject_id=customer.pk, verb__startswith="attachment_")
                 .order_by("pk").values_list("verb", flat=True))
    assert verbs == ["attachment_added", "attachment_shared", "attachment_deleted"]


def test_a_signed_link_opens_the_file_without_signing_in_until_it_expires(salesperson, customer, client,
                                                                         settings):
    attachment = _add(salesperson, customer)
    link = services.attachment_share(actor=salesperson, attachment_id=attachment.pk)
    assert link["url"].startswith(settings.COMPTOIR_PUBLIC_URL + "/attachments/shared/")
    path = link["url"].removeprefix(settings.COMPTOIR_PUBLIC_URL)

    response = client.get(path)  # nobody signed in

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="permis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    later = signing.time.time() + timedelta(days=7, minutes=1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(path).status_code == 404
    assert (link["expires_at"] - attachment.created_at) >= timedelta(days=7) - timedelta(minutes=1)


def test_a_forged_or_altered_link_is_not_found(salesperson, customer, client):
    attachment = _add(salesperson, customer)
    other = _add(salesperson, customer, "autre.pdf", PDF + b"\n")
    token = selectors.share_token(attachment)
    value, _sep, signature = token.rpartition(":")
    forged = [
        f"{other.pk}{token[len(str(attachment.pk)):]}",  # another id under the same signature
        value + ":" + signature[::-1],
        signing.TimestampSigner(salt="another.salt").sign(f"{other.pk}.{other.sha256[:16]}"),
        signing.TimestampSigner(salt=selectors.SHARE_SALT, key="not-our-secret").sign(f"{other.pk}.x"),
        "42",
    ]
    for token in forged:
        assert client.get(reverse("attachment-shared", args=[token])).status_code == 404


def test_a_link_to_a_deleted_file_is_not_found(salesperson, customer, client):
    attachment = _add(salesperson, customer)
    url = reverse("attachment-shared", args=[selectors.share_token(attachment)])
    services.attachment_delete(actor=salesperson, attachment_id=attachment.pk)
    assert client.get(url).status_code == 404


def test_sending_by_email_queues_a_message_with_the_link_in_the_customers_communications(
        salesperson, customer, client, django_capture_on_commit_callbacks):
    attachment = _add(salesperson, customer, "soumission.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.attachment_send(actor=salesperson, attachment_id=attachment.pk, channel="email")
    message.refresh_from_db()
    assert message.customer_id == customer.pk and message.channel == "email"
    assert message.to == "julie.roy@exemple.ca" and "soumission.pdf" in message.subject
    url = next(word for word in message.body_text.split() if "/attachments/shared/" in word)
    assert client.get(url.split("8000", 1)[1]).status_code == 200
    [email] = mail.outbox
    assert email.to == ["julie.roy@exemple.ca"] and url in email.body
    assert TimelineEvent.objects.filter(verb="attachment_sent", subject_id=customer.pk,
                                        data__message=message.pk).exists()


def test_sending_by_text_goes_to_the_customers_mobile(salesperson, customer, django_capture_on_commit_callbacks):
    attachment = _add(salesperson, customer, "{{ customer.email }}.pdf")  # a name is never a merge field
    with django_capture_on_commit_callbacks(execute=True):
        message = services.attachment_send(actor=salesperson, attachment_id=attachment.pk, channel="sms")
    assert message.to == "+15145550101"
    [text] = sms.outbox
    assert text["to"] == "+15145550101" and "/attachments/shared/" in text["body"]
    assert "(( customer.email )).pdf" in text["body"]


def test_an_opportunitys_file_is_sent_to_its_customer(salesperson, deal):
    attachment = services.attachment_add(actor=salesperson, opportunity=deal.pk, upload=upload("bon.pdf", PDF))
    message = services.attachment_send(actor=salesperson, attachment_id=attachment.pk, channel="email")
    assert message.opportunity_id == deal.pk and message.to == "julie.roy@exemple.ca"


def test_sending_to_a_customer_without_email_is_refused_and_nothing_is_queued(salesperson):
    walk_in = make_customer(salesperson, first_name="Paul", last_name="Sans", no_email=True)
    attachment = _add(salesperson, walk_in)
    with pytest.raises(ApplicationError) as refused:
        services.attachment_send(actor=salesperson, attachment_id=attachment.pk, channel="email")
    assert refused.value.field == "to"
    with pytest.raises(ApplicationError) as refused:
        services.attachment_send(actor=salesperson, attachment_id=attachment.pk, channel="pigeon")
    assert refused.value.message == services.BAD_CHANNEL
    assert not Message.objects.exists()
