import re

from django.core import mail
from django.test import Client

from comptoir.messaging import services
from comptoir.messaging.models import Message, MessageEvent
from comptoir.timeline.models import TimelineEvent


def _sent(salesperson, deal, capture, body="Voyez https://concession.example/vtt"):
    with capture(execute=True):
        message = services.message_send(actor=salesperson, opportunity=deal.pk, subject="Essai", body=body)
    message.refresh_from_db()
    return message


def test_a_tracked_open_is_recorded_once_per_message_with_a_count(salesperson, deal,
                                                                 django_capture_on_commit_callbacks):
    message = _sent(salesperson, deal, django_capture_on_commit_callbacks)
    pixel = re.search(r'<img src="http://[^/]+(/m/o/[^"]+)"', message.body_html).group(1)
    client = Client()
    for _ in range(3):
        response = client.get(pixel)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    message.refresh_from_db()
    assert message.open_count == 3 and message.opened_at is not None
    assert MessageEvent.objects.filter(message=message, kind="open").count() == 3
    # The first open only lands in the timelines (the customer's and the deal's).
    assert TimelineEvent.objects.filter(verb="message_opened").count() == 2


def test_an_unknown_pixel_answers_the_same_image_and_records_nothing(db):
    response = Client().get("/m/o/pas-une-vraie-cle.gif")
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert not MessageEvent.objects.exists()


def test_a_tracked_link_counts_the_click_and_leads_to_the_page(salesperson, deal, django_capture_on_commit_callbacks):
    message = _sent(salesperson, deal, django_capture_on_commit_callbacks)
    link = re.search(r'href="http://[^/]+(/m/c/[^"]+)"', message.body_html).group(1)
    response = Client().get(link)
    assert response.status_code == 302 and response["Location"] == "https://concession.example/vtt"
    message.refresh_from_db()
    assert (message.click_count, message.open_count) == (1, 0) and message.clicked_at and message.opened_at
    assert MessageEvent.objects.get(message=message, kind="click").url == "https://concession.example/vtt"


def test_a_forged_click_link_is_a_404_and_redirects_nowhere(db):
    assert Client().get("/m/c/WyJhYmMiLCJodHRwczovL2V2aWwuZXhhbXBsZSJd:1abc:forged/").status_code == 404


def test_the_unsubscribe_link_of_a_bulk_email_stops_the_next_bulk_send(salesperson, deal, follow_up,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities", ids=[deal.pk])
    link = re.search(r"http://[^/]+(/unsubscribe/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    assert client.get(link).status_code == 200
    client.post(link)
    deal.customer.refresh_from_db()
    assert deal.customer.unsubscribed
    preview = services.messages_preview(actor=salesperson, target="opportunities", ids=[deal.pk],
                                        template_id=follow_up.pk)
    assert preview["to_send"] == 0 and preview["skipped"][0]["reason"] == "unsubscribed"
    assert Message.objects.count() == 1


def test_the_unsubscribe_link_is_not_counted_as_a_click(salesperson, deal, follow_up,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_send(actor=salesperson, template_id=follow_up.pk, target="opportunities", ids=[deal.pk])
    html = mail.outbox[0].alternatives[0][0]
    assert re.search(r'href="http://[^"]+/unsubscribe/', html)
    assert html.count("/m/c/") == 1  # the page of the template, not the unsubscribe link
