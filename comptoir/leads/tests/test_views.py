"""Lead pages, my day and the week: what a salesperson sees and does from the browser."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Task
from comptoir.activities.services import task_create
from comptoir.core.models import Source
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.leads.models import Lead
from comptoir.leads.services import lead_create
from comptoir.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(salesperson):
    client = Client()
    client.force_login(salesperson)
    return client


def test_a_lead_is_entered_found_and_converted_from_its_card(browser):
    created = browser.post(reverse("lead-new"), {"first_name": "Luc", "last_name": "Roy", "email": "luc@exemple.ca",
                                                 "phone_0": "819 555-0111", "source": Source.objects.first().pk})
    lead = Lead.objects.get()
    found = browser.get(reverse("lead-list"), {"q": "roy"}).content.decode()
    converted = browser.post(reverse("lead-convert", args=[lead.pk]))

    assert created.status_code == 302 and "Luc Roy" in found
    customer = Customer.objects.get()
    assert converted["Location"] == reverse("customer-card", args=[customer.pk])
    assert Lead.objects.get().status == "converted"


def test_converting_onto_a_duplicate_offers_to_link_it(browser, salesperson):
    existing = make_customer(salesperson, email="luc@exemple.ca")
    lead = lead_create(actor=salesperson, last_name="Roy", email="luc@exemple.ca")

    asked = browser.post(reverse("lead-convert", args=[lead.pk]))
    linked = browser.post(reverse("lead-convert", args=[lead.pk]), {"customer": existing.pk})

    assert asked.status_code == 409 and "Lier à la fiche de" in asked.content.decode()
    assert linked["Location"] == reverse("customer-card", args=[existing.pk])
    assert Customer.objects.count() == 1


def test_my_day_shows_todays_tasks_overdue_in_red_and_leads_to_call(browser, salesperson):
    now = timezone.localtime()
    task_create(actor=salesperson, title="Rappel d'hier", due_at=now - timedelta(days=1))
    task_create(actor=salesperson, title="Essai routier", due_at=now.replace(hour=23, minute=0))
    lead_create(actor=salesperson, last_name="Gagnon", next_contact_at=now.replace(hour=23, minute=30))

    page = browser.get(reverse("my-day")).content.decode()

    assert "Rappel d&#x27;hier" in page and "Essai routier" in page and "Gagnon" in page
    assert '<li class="bad">' in page


def test_a_task_added_from_a_card_is_done_from_my_day(browser, salesperson):
    customer = make_customer(salesperson)
    card = reverse("customer-card", args=[customer.pk])

    added = browser.post(reverse("task-new"), {"title": "Rappeler", "type": "call", "customer": customer.pk,
                                               "due_at": "2026-12-01T10:00", "next": card})
    task = Task.objects.get()
    done = browser.post(reverse("task-complete", args=[task.pk]), {"outcome": "Message laissé", "next": card})

    assert added["Location"] == card and done["Location"] == card
    task.refresh_from_db()
    assert (task.customer, task.outcome) == (customer, "Message laissé") and task.done_at
    assert "Rappeler" in browser.get(card).content.decode()


def test_the_week_places_tasks_and_contacts_on_their_day(browser, salesperson):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)
    at = timezone.make_aware(timezone.datetime.combine(monday + timedelta(days=2), timezone.datetime.min.time())
                             ) + timedelta(hours=10)
    task_create(actor=salesperson, title="Livraison", due_at=at)

    page = browser.get(reverse("calendar-week"), {"start": monday.isoformat()}).content.decode()

    assert page.count('class="day') == 7
    assert "Livraison" in page


def test_a_week_that_does_not_exist_shows_this_week(browser):
    assert browser.get(reverse("calendar-week"), {"start": "2026-02-30"}).status_code == 200


def test_a_refused_lead_entry_keeps_what_was_typed(browser):
    response = browser.post(reverse("lead-new"), {"email": "luc@exemple.ca", "phone_0": "819 555-0111",
                                                  "source": Source.objects.first().pk})

    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="luc@exemple.ca"' in page and 'value="819 555-0111"' in page
    assert not Lead.objects.exists()


def test_reception_hands_a_lead_to_a_salesperson_from_its_card(client, reception, salesperson):
    lead = lead_create(actor=reception, first_name="Gabriel", last_name="Lavoie", email="")
    client.force_login(reception)

    page = client.get(f"/leads/{lead.pk}/").content.decode()
    response = client.post(f"/leads/{lead.pk}/change/", {"owner": salesperson.pk, "status": lead.status})

    assert 'name="owner"' in page and response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == salesperson
    # handed over, it is theirs to call now: on their home page's « Pistes à relancer »
    assert lead.next_contact_at is not None and lead.next_contact_at <= timezone.now()
    client.force_login(salesperson)
    assert "Lavoie" in client.get("/").content.decode()
    assert TimelineEvent.objects.filter(verb="lead_updated", subject_id=lead.pk).exists()


def test_a_salesperson_gets_no_owner_picker_and_keeps_their_lead(client, salesperson):
    lead = lead_create(actor=salesperson, first_name="Chloé", last_name="Bergeron", email="")
    client.force_login(salesperson)

    page = client.get(f"/leads/{lead.pk}/").content.decode()
    client.post(f"/leads/{lead.pk}/change/", {"status": lead.status})

    lead.refresh_from_db()
    assert 'name="owner"' not in page and lead.owner == salesperson


def test_a_task_due_a_minute_ago_is_already_late_on_my_day(browser, salesperson):
    # DESIGN: overdue = not done and due before now (not before today), as on the board and the home page
    task_create(actor=salesperson, title="Rappel de ce matin", due_at=timezone.now() - timedelta(minutes=1))

    page = browser.get(reverse("my-day")).content.decode()

    late, _today = page.split("En retard</h2>", 1)[-1].split("Tâches du jour</h2>", 1)
    assert "Rappel de ce matin" in late
