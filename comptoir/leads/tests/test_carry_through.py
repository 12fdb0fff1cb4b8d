"""Leads that carry through (issue 22): a source, an edit page, filters, and a conversion that loses
nothing: notes, tasks, messages, source and media follow to the customer and the opportunity."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Task
from comptoir.activities.services import task_create
from comptoir.catalog.services import inventory_unit_save
from comptoir.core.models import Media, Source
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.leads.models import Lead
from comptoir.leads.services import lead_convert, lead_create
from comptoir.messaging.models import Message
from comptoir.messaging.services import message_send
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_pipeline

pytestmark = pytest.mark.django_db

VIN = "1M8GDM9AXKP042788"


@pytest.fixture
def browser(salesperson):
    client = Client()
    client.force_login(salesperson)
    return client


@pytest.fixture
def source():
    return Source.objects.filter(active=True).first()


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


def test_a_lead_entered_by_hand_needs_a_source(browser):
    response = browser.post(reverse("lead-new"), {"first_name": "Luc", "last_name": "Roy"})

    assert response.status_code == 422
    assert "Indiquez la source de la piste." in response.content.decode()
    assert not Lead.objects.exists()


def test_a_lead_entered_by_hand_keeps_its_source_and_the_media_of_its_channel(browser, source):
    browser.post(reverse("lead-new"), {"last_name": "Roy", "source": source.pk, "phone_0": "819 555-0111 poste 12"})

    lead = Lead.objects.get()
    assert lead.source == source and lead.media == Media.objects.get(code="in_store")
    assert lead.phones[0]["extension"] == "12"


def test_a_lead_is_edited_from_its_page(browser, salesperson, source):
    lead = lead_create(actor=salesperson, last_name="Roy", email="")

    page = browser.get(reverse("lead-edit", args=[lead.pk]))
    saved = browser.post(reverse("lead-edit", args=[lead.pk]), {
        "first_name": "Luc", "last_name": "Roy-Gagnon", "email": "luc@videotron.ca", "source": source.pk,
        "city": "Sherbrooke", "phone_0": "819 555-0142", "notes": "Veut un VTT", "version": lead.version})

    assert page.status_code == 200 and saved["Location"] == reverse("lead-card", args=[lead.pk])
    lead.refresh_from_db()
    assert (lead.first_name, lead.last_name, lead.email, lead.city, lead.source) == (
        "Luc", "Roy-Gagnon", "luc@videotron.ca", "Sherbrooke", source)
    assert lead.phones[0]["number"] == "(819) 555-0142" and lead.notes == "Veut un VTT"


def test_a_stale_lead_edit_is_refused_and_keeps_what_was_typed(browser, salesperson, source):
    lead = lead_create(actor=salesperson, last_name="Roy", email="")

    response = browser.post(reverse("lead-edit", args=[lead.pk]), {
        "last_name": "Tremblay", "source": source.pk, "version": lead.version - 1})

    assert response.status_code == 422 and 'value="Tremblay"' in response.content.decode()
    lead.refresh_from_db()
    assert lead.last_name == "Roy"


def test_the_lead_list_filters_by_owner_source_and_next_contact(browser, salesperson, reception, source):
    other_source = Source.objects.exclude(pk=source.pk).first()
    tomorrow = timezone.localtime() + timedelta(days=1)
    mine = lead_create(actor=salesperson, last_name="Mienne", source=source.pk, next_contact_at=tomorrow)
    lead_create(actor=salesperson, last_name="Autresource", source=other_source.pk, next_contact_at=tomorrow)
    nobodys = lead_create(actor=reception, last_name="Sansresponsable", source=source.pk)

    by_source = browser.get(reverse("lead-list"), {"source": source.pk}).content.decode()
    nobody = browser.get(reverse("lead-list"), {"owner": "none"}).content.decode()
    tomorrows = browser.get(reverse("lead-list"), {
        "next_from": tomorrow.date().isoformat(), "next_to": tomorrow.date().isoformat(), "source": source.pk,
        "owner": salesperson.pk}).content.decode()
    garbage = browser.get(reverse("lead-list"), {"next_from": "2026-02-30", "owner": "moi", "source": "x"})

    assert "Mienne" in by_source and "Sansresponsable" in by_source and "Autresource" not in by_source
    assert "Sansresponsable" in nobody and "Mienne" not in nobody
    assert "Mienne" in tomorrows and "Sansresponsable" not in tomorrows and "Autresource" not in tomorrows
    assert garbage.status_code == 200  # a filter that does not parse is dropped, never a 500
    assert mine.pk and nobodys.owner_id is None


def test_the_lead_api_filters_by_source_and_next_contact(salesperson_api, salesperson, source):
    tomorrow = timezone.localtime() + timedelta(days=1)
    lead = lead_create(actor=salesperson, last_name="Mienne", source=source.pk, next_contact_at=tomorrow)
    lead_create(actor=salesperson, last_name="Sans date", source=source.pk)

    found = salesperson_api.get("/leads", {"source": source.pk,
                                                   "next_contact_from": tomorrow.date().isoformat()}).json()
    refused = salesperson_api.get("/leads", {"next_contact_from": "demain"})

    assert [row["id"] for row in found["items"]] == [lead.pk]
    assert refused.status_code in (400, 422) and "detail" in refused.json()


def test_converting_a_lead_carries_its_notes(salesperson):
    lead = lead_create(actor=salesperson, last_name="Roy", email="", notes="Veut un ponton, budget 40 000 $")

    _lead, customer, _opportunity = lead_convert(actor=salesperson, lead_id=lead.pk)

    note = customer.notes.get()
    assert "Veut un ponton, budget 40 000 $" in note.body and note.author == salesperson


def test_converting_a_lead_carries_its_tasks_to_the_customer_and_the_open_ones_to_the_opportunity(
        salesperson, pipeline):
    lead = lead_create(actor=salesperson, last_name="Roy", email="")
    done = task_create(actor=salesperson, title="Premier appel", due_at=timezone.now(), lead=lead.pk)
    done.done_at = timezone.now()
    done.save(update_fields=["done_at"])
    todo = task_create(actor=salesperson, title="Rappeler", due_at=timezone.now(), lead=lead.pk)

    _lead, customer, opportunity = lead_convert(actor=salesperson, lead_id=lead.pk,
                                                create_opportunity={"pipeline": pipeline.pk})

    done, todo = Task.objects.get(pk=done.pk), Task.objects.get(pk=todo.pk)
    assert (done.customer, done.opportunity, done.lead) == (customer, None, lead)
    assert (todo.customer, todo.opportunity) == (customer, opportunity)


def test_converting_a_lead_carries_its_messages(salesperson):
    lead = lead_create(actor=salesperson, last_name="Roy", email="luc@videotron.ca")
    message = message_send(actor=salesperson, channel="email", subject="Bonjour", body="Votre VTT", lead=lead.pk)

    _lead, customer, _opportunity = lead_convert(actor=salesperson, lead_id=lead.pk)

    assert Message.objects.get(pk=message.pk).customer == customer


def test_the_leads_source_and_media_become_the_customers_and_the_opportunitys(salesperson, pipeline, source):
    web = Media.objects.get(code="web_form")
    lead = lead_create(actor=salesperson, last_name="Roy", email="", source=source.pk, media=web.pk)

    _lead, customer, opportunity = lead_convert(actor=salesperson, lead_id=lead.pk,
                                                create_opportunity={"pipeline": pipeline.pk, "product": "Ponton"})

    assert (customer.source, customer.media) == (source, web)
    assert (opportunity.source, opportunity.media, opportunity.salesperson) == (source, web, salesperson)


def test_linking_an_existing_customer_fills_only_what_it_lacks(salesperson, source):
    customer = make_customer(salesperson, email="luc@videotron.ca")
    assert customer.source is None
    lead = lead_create(actor=salesperson, last_name="Roy", email="luc@videotron.ca", source=source.pk)

    lead_convert(actor=salesperson, lead_id=lead.pk, customer=customer.pk)

    customer.refresh_from_db()
    assert customer.source == source and customer.media is not None


def test_a_lead_is_converted_into_a_customer_and_an_opportunity_from_its_card(browser, salesperson, pipeline,
                                                                              admin, source):
    unit = inventory_unit_save(actor=admin, serial=VIN, stock_number="S-100", year=2026, make="Sea-Doo",
                               model="GTI 130", price="15999.00")
    lead = lead_create(actor=salesperson, first_name="Luc", last_name="Roy", email="luc@videotron.ca",
                       source=source.pk, notes="Veut essayer la GTI")

    card = browser.get(reverse("lead-card", args=[lead.pk])).content.decode()
    converted = browser.post(reverse("lead-convert", args=[lead.pk]), {
        "with_opportunity": "on", "pipeline": pipeline.pk, "product": "GTI 130", "unit": "S-100",
        "amount": "15999.00", "salesperson": salesperson.pk})

    assert "Créer aussi une opportunité" in card
    opportunity = Opportunity.objects.get()
    assert converted["Location"] == reverse("opportunity-card", args=[opportunity.pk])
    customer = Customer.objects.get()
    assert (opportunity.customer, opportunity.unit, opportunity.source) == (customer, unit, source)
    assert str(opportunity.amount) == "15999.00"
    assert "Veut essayer la GTI" in browser.get(reverse("customer-card", args=[customer.pk])).content.decode()


def test_a_refused_conversion_comes_back_on_the_card_with_the_reason(browser, salesperson, pipeline, source):
    lead = lead_create(actor=salesperson, last_name="Roy", email="", source=source.pk)

    response = browser.post(reverse("lead-convert", args=[lead.pk]), {
        "with_opportunity": "on", "pipeline": pipeline.pk, "unit": "INCONNU-1"})

    assert response.status_code == 422 and "INCONNU-1" in response.content.decode()
    assert Lead.objects.get().status != "converted" and not Customer.objects.exists()
