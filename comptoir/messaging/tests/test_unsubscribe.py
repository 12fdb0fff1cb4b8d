"""Unsubscribe links: a signed token sets `unsubscribed` on the customer or lead it names."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from comptoir.customers.tests.factories import make_customer
from comptoir.leads.services import lead_create
from comptoir.messaging.unsubscribe import unsubscribe_token

pytestmark = pytest.mark.django_db


def test_following_the_unsubscribe_link_sets_unsubscribed(salesperson):
    customer = make_customer(salesperson)
    lead = lead_create(actor=salesperson, last_name="Roy")
    client = Client()

    for subject in (customer, lead):
        url = reverse("unsubscribe", args=[unsubscribe_token(subject)])
        shown = client.get(url)
        subject.refresh_from_db()
        assert shown.status_code == 200 and subject.unsubscribed is False  # a mail scanner's GET changes nothing
        assert client.post(url).status_code == 200
        subject.refresh_from_db()
        assert subject.unsubscribed is True


def test_a_forged_unsubscribe_token_answers_404(salesperson):
    customer = make_customer(salesperson)
    token = unsubscribe_token(customer)

    assert Client().post(reverse("unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    customer.refresh_from_db()
    assert customer.unsubscribed is False


def test_a_link_sent_before_unsubscribing_moved_to_messaging_still_works(salesperson):
    # given a link as activities signed it: same address, salt and payload
    customer = make_customer(salesperson)
    token = signing.dumps({"m": "customer", "id": customer.pk}, salt="comptoir.unsubscribe", compress=True)

    # when the person follows it
    response = Client().post(f"/unsubscribe/{token}/")

    # then
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.unsubscribed is True
