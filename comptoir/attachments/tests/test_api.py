"""/api/v1/attachments: the contract."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.attachments import services
from comptoir.attachments.models import Attachment
from comptoir.attachments.tests.conftest import EXE, PDF, image, stored_files, upload


def _post(api, **fields):
    return api.upload("/attachments", **fields)


def test_a_file_is_added_read_shared_downloaded_and_deleted_through_the_api(salesperson_api, customer, client,
                                                                           settings, media_root):
    # when
    response = _post(salesperson_api, customer=customer.pk, description="Permis de conduire",
                     file=upload("permis.pdf", PDF, "application/pdf"))
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer"] == customer.pk and body["opportunity"] is None
    assert body["original_name"] == "permis.pdf" and body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and len(body["sha256"]) == 64
    assert body["description"] == "Permis de conduire" and body["uploaded_by_name"]
    assert body["download_url"] == f"/api/v1/attachments/{body['id']}/file"
    assert salesperson_api.get(f"/attachments/{body['id']}").json() == body

    download = salesperson_api.client.get(body["download_url"], **salesperson_api.headers)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'inline; filename="permis.pdf"'

    share = salesperson_api.post(f"/attachments/{body['id']}/share", {})
    assert share.status_code == 200 and set(share.json()) == {"url", "expires_at"}
    assert client.get(share.json()["url"].removeprefix(settings.COMPTOIR_PUBLIC_URL)).status_code == 200

    assert salesperson_api.delete(f"/attachments/{body['id']}").status_code == 204
    assert salesperson_api.get(f"/attachments/{body['id']}").status_code == 404


def test_a_disguised_file_answers_422_with_the_contracts_body_and_nothing_is_stored(salesperson_api, customer,
                                                                                    media_root):
    response = _post(salesperson_api, customer=customer.pk, file=upload("facture.pdf", EXE, "application/pdf"))
    assert response.status_code == 422
    assert response.json() == {"detail": str(services.CONTENT_MISMATCH % {"extension": "pdf"}),
                               "errors": [{"field": "file",
                                           "message": str(services.CONTENT_MISMATCH % {"extension": "pdf"})}]}
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_a_file_over_the_limit_answers_422_on_the_file_field(salesperson_api, customer, settings):
    settings.COMPTOIR_ATTACHMENT_MAX_BYTES = 10
    response = _post(salesperson_api, customer=customer.pk, file=upload("permis.pdf", PDF))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


def test_another_salespersons_customer_and_files_answer_404(salesperson_api, rival, rivals_customer, media_root):
    theirs = services.attachment_add(actor=rival, customer=rivals_customer.pk, upload=upload("permis.pdf", PDF))
    assert _post(salesperson_api, customer=rivals_customer.pk, file=upload("a.pdf", PDF)).status_code == 404
    assert salesperson_api.get(f"/attachments?customer={rivals_customer.pk}").status_code == 404
    assert salesperson_api.get("/attachments").json() == {"items": [], "count": 0}
    for path in (f"/attachments/{theirs.pk}", f"/attachments/{theirs.pk}/file"):
        assert salesperson_api.get(path).status_code == 404
    assert salesperson_api.post(f"/attachments/{theirs.pk}/share", {}).status_code == 404
    assert salesperson_api.delete(f"/attachments/{theirs.pk}").status_code == 404
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_reception_sees_a_file_but_may_not_delete_it(make_api, reception, salesperson, customer):
    attachment = services.attachment_add(actor=salesperson, customer=customer.pk, upload=upload("a.pdf", PDF))
    api = make_api(reception)
    assert api.get(f"/attachments/{attachment.pk}").status_code == 200
    response = api.delete(f"/attachments/{attachment.pk}")
    assert response.status_code == 403
    assert response.json()["detail"] == str(services.DELETE_FORBIDDEN)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_list_costs_the_same_number_of_queries_whatever_its_length(salesperson_api, salesperson, manager,
                                                                       customer, django_assert_num_queries):
    def add(actor):
        services.attachment_add(actor=actor, customer=customer.pk, upload=upload("photo.png", image("PNG")))

    add(salesperson)
    salesperson_api.get(f"/attachments?customer={customer.pk}")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        response = salesperson_api.get(f"/attachments?customer={customer.pk}")
    assert response.json()["count"] == 1
    for actor in (salesperson, manager, manager, salesperson, manager):
        add(actor)
    with django_assert_num_queries(len(one.captured_queries)):
        response = salesperson_api.get(f"/attachments?customer={customer.pk}")
    assert response.json()["count"] == 6 and len(response.json()["items"]) == 6


def test_the_list_pages_with_limit_and_offset_newest_first(salesperson_api, salesperson, customer, deal):
    ids = [services.attachment_add(actor=salesperson, customer=customer.pk, upload=upload(f"{n}.pdf", PDF)).pk
           for n in range(3)]
    on_deal = services.attachment_add(actor=salesperson, opportunity=deal.pk, upload=upload("bon.pdf", PDF))
    page = salesperson_api.get(f"/attachments?customer={customer.pk}&limit=2&offset=1").json()
    assert page["count"] == 3 and [item["id"] for item in page["items"]] == [ids[1], ids[0]]
    assert [item["id"] for item in salesperson_api.get(f"/attachments?opportunity={deal.pk}").json()["items"]] \
        == [on_deal.pk]


def test_a_file_on_an_opportunity_through_the_api(salesperson_api, deal):
    response = _post(salesperson_api, opportunity=deal.pk, file=upload("bon.png", image("PNG")))
    assert response.status_code == 201 and response.json()["opportunity"] == deal.pk


def test_one_card_and_a_file_are_required(salesperson_api, customer, deal):
    both = _post(salesperson_api, customer=customer.pk, opportunity=deal.pk, file=upload("a.pdf", PDF))
    assert both.status_code == 422 and both.json()["detail"] == str(services.ONE_RECORD)
    assert _post(salesperson_api, customer=customer.pk).status_code == 422
    assert not Attachment.objects.exists()
