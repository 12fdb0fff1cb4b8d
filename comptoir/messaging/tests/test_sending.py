from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import services, sms
from comptoir.messaging.models import Message, MessageStatus
from comptoir.messaging.tests.backends import DyingBackend, WorkerKilled
from comptoir.sales.tests.factories import make_opportunity
from comptoir.timeline.models import TimelineEvent


def _deals(actor, pipeline, count, **customer_values):
    deals = []
    for n in range(count):
        values = {"email": f"client{n}@exemple.ca", "first_name": f"Prénom{n}", **customer_values}
        customer = make_customer(actor, last_name=f"Client{n}", **values)
        deals.append(make_opportunity(actor, customer, pipeline, product="Sea-Doo GTI"))
    return deals


def test_bulk_send_skips_the_unsubscribed_and_placeholders_and_sends_the_rest_once_even_if_the_worker_dies(
        salesperson, pipeline, follow_up, settings, django_capture_on_commit_callbacks):
    deals = _deals(salesperson, pipeline, 90)
    placeholders = _deals(salesperson, pipeline, 5, email="", no_email=True)
    unsubscribed = _deals(salesperson, pipeline, 5)
    for deal in unsubscribed:
        type(deal.customer).objects.filter(pk=deal.customer_id).update(unsubscribed=True)
    ids = [d.pk for d in deals + placeholders + unsubscribed]

    with django_capture_on_commit_callbacks(execute=False):  # the worker is not running yet
        job = services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities", ids=ids)
    assert job.to_send == 90
    skipped = {item["id"]: item["reason"] for item in job.skipped}
    assert skipped == {**{d.pk: "placeholder" for d in placeholders}, **{d.pk: "unsubscribed" for d in unsubscribed}}

    settings.EMAIL_BACKEND = "comptoir.messaging.tests.backends.DyingBackend"
    DyingBackend.sent, DyingBackend.sends_before_dying = 0, 40
    with pytest.raises(WorkerKilled):
        services.messages_deliver_due()
    assert len(mail.outbox) == 40
    # A new worker, later: the message the dead one held is taken again, the 40 sent are not.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.messages_deliver_due(now=timezone.now() + timedelta(minutes=11))
    services.messages_deliver_due(now=timezone.now() + timedelta(minutes=12))
    recipients = [email.to[0] for email in mail.outbox]
    assert len(recipients) == 90 and set(recipients) == {d.customer.email for d in deals}
    assert Message.objects.filter(bulk=job, status=MessageStatus.SENT).count() == 90


def test_each_bulk_message_is_personalised_and_carries_an_unsubscribe_link(
        salesperson, pipeline, follow_up, django_capture_on_commit_callbacks):
    deals = _deals(salesperson, pipeline, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities",
                           ids=[d.pk for d in deals])
    first, second = sorted(mail.outbox, key=lambda e: e.to[0])
    assert first.subject == "Votre Sea-Doo GTI"
    assert first.body.startswith("Bonjour Prénom0,") and second.body.startswith("Bonjour Prénom1,")
    assert "/unsubscribe/" in first.body and "List-Unsubscribe" in first.extra_headers
    html = first.alternatives[0][0]
    assert "/m/o/" in html and "/m/c/" in html and 'href="https://concession.example/vtt"' not in html
    assert 'href="mailto:' in html  # an address is not a tracked link


def test_the_preview_says_how_many_are_skipped_and_why(salesperson_api, salesperson, pipeline, follow_up, admin):
    deals = _deals(salesperson, pipeline, 3)
    placeholder = _deals(salesperson, pipeline, 1, email="", no_email=True)[0]
    nameless = make_opportunity(salesperson, make_customer(salesperson, first_name="", last_name="Sans prénom",
                                                           email="sans.prenom@exemple.ca"), pipeline, product="VTT")
    others = make_opportunity(admin, make_customer(admin, email="autre@exemple.ca"), pipeline)
    response = salesperson_api.post("/messages/preview", {"template": follow_up.pk, "opportunities": [
        *(d.pk for d in deals), placeholder.pk, nameless.pk, others.pk]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["to_send"] == 3 and len(body["previews"]) == 3
    assert body["previews"][0]["body_text"].startswith("Bonjour Prénom0,")
    reasons = {item["id"]: (item["reason"], item["fields"]) for item in body["skipped"]}
    assert reasons == {placeholder.pk: ("placeholder", []), nameless.pk: ("missing_field", ["customer.first_name"]),
                       others.pk: ("not_found", [])}
    assert {row["reason"]: row["count"] for row in body["skipped_by_reason"]} == {
        "placeholder": 1, "missing_field": 1, "not_found": 1}
    assert not Message.objects.exists() and not mail.outbox


def test_bulk_send_answers_the_job_and_its_progress(salesperson_api, salesperson, pipeline, follow_up,
                                                    django_capture_on_commit_callbacks):
    deals = _deals(salesperson, pipeline, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = salesperson_api.post("/messages/bulk", {"template": follow_up.pk,
                                                           "opportunities": [d.pk for d in deals] + [999_999]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_send"] == 3 and body["skipped"] == [{"id": 999_999, "reason": "not_found", "fields": []}]
    progress = salesperson_api.get(f"/messages/bulk/{body['job']}").json()
    assert (progress["sent"], progress["queued"], progress["done"]) == (3, 0, True)


def test_a_bulk_send_with_nobody_to_send_to_changes_nothing(salesperson_api, salesperson, pipeline, follow_up):
    placeholder = _deals(salesperson, pipeline, 1, email="", no_email=True)[0]
    response = salesperson_api.post("/messages/bulk", {"template": follow_up.pk, "opportunities": [placeholder.pk]})
    assert response.status_code == 422 and response.json()["detail"]
    assert not Message.objects.exists()


def test_bulk_send_names_exactly_one_kind_of_target(salesperson_api, follow_up, deal):
    response = salesperson_api.post("/messages/bulk", {"template": follow_up.pk, "opportunities": [deal.pk],
                                                       "customers": [deal.customer_id]})
    assert response.status_code == 422


def test_sending_is_throttled_to_the_per_minute_limit(salesperson, pipeline, follow_up, settings,
                                                      django_capture_on_commit_callbacks):
    settings.COMPTOIR_MESSAGES_PER_MINUTE = 4
    deals = _deals(salesperson, pipeline, 10)
    with django_capture_on_commit_callbacks(execute=False):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities",
                           ids=[d.pk for d in deals])
    now = timezone.now()
    assert services.messages_deliver_due(now=now)["sent"] == 4
    assert services.messages_deliver_due(now=now + timedelta(seconds=30))["sent"] == 0
    assert services.messages_deliver_due(now=now + timedelta(seconds=61))["sent"] == 4
    assert len(mail.outbox) == 8


def test_a_failed_send_is_retried_with_backoff_then_marked_failed(deal, salesperson, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "comptoir.messaging.tests.backends.FailingBackend"
    settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=False):
        message = services.message_send(actor=salesperson, opportunity=deal.pk, subject="Essai", body="Bonjour")
    now = timezone.now()
    assert services.messages_deliver_due(now=now) == {"sent": 0, "retried": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == "queued" and message.next_attempt_at == now + timedelta(seconds=60)
    assert "SMTP server down" in message.error
    assert services.messages_deliver_due(now=now + timedelta(seconds=30))["retried"] == 0  # not due yet
    assert services.messages_deliver_due(now=now + timedelta(seconds=61))["retried"] == 1
    message.refresh_from_db()
    assert message.next_attempt_at == now + timedelta(seconds=61 + 120)
    assert services.messages_deliver_due(now=now + timedelta(seconds=200))["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert TimelineEvent.objects.filter(verb="message_failed", subject_id=deal.pk).exists()


def test_one_email_from_the_card_is_stored_sent_and_in_both_timelines(salesperson_api, salesperson, deal,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = salesperson_api.post("/messages", {"opportunity": deal.pk, "subject": "Votre {{ opportunity.number }}",
                                                      "body": "Bonjour {{ customer.first_name }}"})
    assert response.status_code == 201, response.content
    sent = salesperson_api.get(f"/messages/{response.json()['id']}").json()
    assert sent["status"] == "sent" and sent["to"] == "julie.roy@exemple.ca"
    assert sent["subject"] == f"Votre {deal.number}" and sent["customer"] == deal.customer_id
    assert sent["sender"] == salesperson.pk and sent["sent_at"]
    email = mail.outbox[0]
    assert email.body == "Bonjour Julie" and email.extra_headers["Message-ID"].startswith("<")
    assert TimelineEvent.objects.filter(verb="message_sent").count() == 2  # the customer's and the deal's
    listed = salesperson_api.get("/messages", {"customer": deal.customer_id}).json()
    assert listed["count"] == 1


def test_a_message_with_an_empty_merge_field_is_refused_before_sending(salesperson_api, deal):
    response = salesperson_api.post("/messages", {"opportunity": deal.pk, "subject": "Cotation",
                                                  "body": "Voici votre cotation : {{ quote.link }}"})
    assert response.status_code == 422 and "quote.link" in response.json()["detail"]
    assert not Message.objects.exists()


def test_one_email_to_a_customer_without_a_valid_address_is_refused(salesperson, pipeline):
    customer = make_customer(salesperson, no_email=True)
    with pytest.raises(ApplicationError) as refused:
        services.message_send(actor=salesperson, customer=customer.pk, subject="x", body="y")
    assert refused.value.code == "placeholder"


def test_a_salesperson_cannot_write_to_someone_elses_customer(salesperson, admin):
    customer = make_customer(admin, email="autre@exemple.ca", salesperson=admin.pk)
    with pytest.raises(NotFound):
        services.message_send(actor=salesperson, customer=customer.pk, subject="x", body="y")


def test_a_text_goes_to_the_mobile_through_the_sms_backend(salesperson, deal, admin,
                                                           django_capture_on_commit_callbacks):
    text = services.template_create(actor=admin, name="Rappel", channel="sms",
                                    body="{{ customer.first_name }}, votre {{ opportunity.product }} est arrivé.")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=salesperson, template_id=text.pk, opportunity=deal.pk)
    assert sms.outbox == [{"to": "+15145550101", "body": "Julie, votre Can-Am Outlander est arrivé.", "sender": ""}]
    message.refresh_from_db()
    assert (message.channel, message.status, message.provider_message_id) == ("sms", "sent", "locmem-1")


def test_the_message_list_costs_the_same_queries_whatever_its_length(salesperson_api, salesperson, pipeline,
                                                                     follow_up, django_capture_on_commit_callbacks):
    deals = _deals(salesperson, pipeline, 6)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities", ids=[deals[0].pk])
    with CaptureQueriesContext(connection) as one:
        assert salesperson_api.get("/messages").json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities",
                           ids=[d.pk for d in deals[1:]])
    with CaptureQueriesContext(connection) as many:
        assert salesperson_api.get("/messages").json()["count"] == 6
    assert 0 < len(many) <= len(one)


def test_a_salesperson_does_not_see_messages_to_others_customers(make_api, salesperson, admin, pipeline,
                                                                 django_capture_on_commit_callbacks):
    customer = make_customer(admin, email="autre@exemple.ca", salesperson=admin.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=admin, customer=customer.pk, subject="x", body="y")
    api = make_api(salesperson)
    assert api.get("/messages").json()["count"] == 0
    assert api.get(f"/messages/{message.pk}").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need a server database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sending_at_once_send_each_message_once(salesperson, pipeline, follow_up,
                                                            django_capture_on_commit_callbacks):
    import threading

    deals = _deals(salesperson, pipeline, 30)
    with django_capture_on_commit_callbacks(execute=False):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities",
                           ids=[d.pk for d in deals])
    start, failures = threading.Barrier(2), []

    def worker():
        start.wait()
        try:
            services.messages_deliver_due()
        except Exception as error:  # a worker that dies would hide a double send behind the other
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    recipients = [email.to[0] for email in mail.outbox]
    assert len(recipients) == 30 and len(set(recipients)) == 30


def test_a_bulk_send_to_leads_writes_to_each_lead_and_skips_the_unsubscribed(salesperson, admin,
                                                                             django_capture_on_commit_callbacks):
    from comptoir.leads.services import lead_create, lead_update

    template = services.template_create(actor=admin, name="Pistes", subject="Bonjour",
                                        body="Bonjour {{ customer.first_name }}, {{ salesperson.first_name }} ici.")
    marc = lead_create(actor=salesperson, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")
    lise = lead_create(actor=salesperson, first_name="Lise", last_name="Roy", email="lise.roy@exemple.ca")
    lead_update(actor=salesperson, lead_id=lise.pk, unsubscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_send(actor=salesperson, template_id=template.pk, target="leads", ids=[marc.pk, lise.pk])
    assert job.skipped == [{"id": lise.pk, "reason": "unsubscribed", "fields": []}]
    [email] = mail.outbox
    assert email.to == ["marc.cote@exemple.ca"] and email.body.startswith(f"Bonjour Marc, {salesperson.first_name} ici.")
    assert Message.objects.get().lead == marc


def test_messages_follow_a_customer_merge_and_a_lead_conversion(salesperson, django_capture_on_commit_callbacks):
    from comptoir.customers.services import customer_merge
    from comptoir.leads.services import lead_convert, lead_create

    kept = make_customer(salesperson, last_name="Gardée", email="gardee@exemple.ca")
    other = make_customer(salesperson, last_name="Fusionnée", email="fusionnee@exemple.ca")
    lead = lead_create(actor=salesperson, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")
    with django_capture_on_commit_callbacks(execute=True):
        to_other = services.message_send(actor=salesperson, customer=other.pk, subject="x", body="y")
        to_lead = services.message_send(actor=salesperson, lead=lead.pk, subject="x", body="y")
    customer_merge(actor=salesperson, customer_id=kept.pk, other_id=other.pk)
    _lead, customer, _opportunity = lead_convert(actor=salesperson, lead_id=lead.pk)
    to_other.refresh_from_db()
    to_lead.refresh_from_db()
    assert to_other.customer_id == kept.pk
    assert (to_lead.lead_id, to_lead.customer_id) == (lead.pk, customer.pk)


def test_a_spent_email_minute_does_not_hold_back_texts(salesperson, deal, admin, settings,
                                                       django_capture_on_commit_callbacks):
    settings.COMPTOIR_MESSAGES_PER_MINUTE = 1
    text = services.template_create(actor=admin, name="Rappel", channel="sms", body="Bonjour {{ customer.first_name }}")
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(2):
            services.message_send(actor=salesperson, opportunity=deal.pk, subject="x", body="y")
        services.message_send(actor=salesperson, opportunity=deal.pk, template_id=text.pk)
    assert services.messages_deliver_due()["sent"] == 2
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_a_preview_costs_the_same_queries_for_one_recipient_or_many(salesperson, pipeline, follow_up):
    deals = _deals(salesperson, pipeline, 8)
    with CaptureQueriesContext(connection) as one:
        services.messages_preview(actor=salesperson, target="opportunities", ids=[deals[0].pk],
                                  template_id=follow_up.pk)
    with CaptureQueriesContext(connection) as many:
        preview = services.messages_preview(actor=salesperson, target="opportunities", ids=[d.pk for d in deals],
                                            template_id=follow_up.pk)
    assert preview["to_send"] == 8
    assert 0 < len(many) == len(one)


def test_a_bulk_text_says_how_to_stop_them(salesperson, deal, admin, django_capture_on_commit_callbacks):
    text = services.template_create(actor=admin, name="Rappel", channel="sms", body="Bonjour {{ customer.first_name }}")
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=text.pk, target="opportunities", ids=[deal.pk])
    assert sms.outbox[0]["body"].startswith("Bonjour Julie\n") and "/unsubscribe/" in sms.outbox[0]["body"]
