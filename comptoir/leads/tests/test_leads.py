"""Leads: the customer rules for email and phones, web forms, conversion that loses nothing."""

import pytest

from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.leads import services
from comptoir.leads.models import Lead, WebForm
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_pipeline
from comptoir.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db

FIELDS = {"first_name": "Marie-Ève", "last_name": "Tremblay", "company": "Marina Tremblay inc.",
          "address_line1": "12 rue du Quai", "city": "Magog", "province": "QC", "postal_code": "J1X 2E3",
          "industry": "nautisme", "market_segment": "PME", "territory": "Estrie",
          "website": "https://marina.example.ca", "email": "marie@marina.ca",
          "phones": [{"kind": "mobile", "number": "819 555-0101"}], "notes": "Veut un ponton 2027."}


def test_a_lead_follows_the_customer_rules_for_email_and_phones(salesperson_api):
    fake = salesperson_api.post("/leads", {**FIELDS, "email": "aucun@test.com"})
    created = salesperson_api.post("/leads", FIELDS)

    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "email"
    lead = created.json()
    assert (lead["email_status"], lead["phones"][0]["e164"], lead["status"]) == ("valid", "+18195550101", "new")


def test_conversion_keeps_every_field_and_loses_nothing(salesperson, salesperson_api, admin):
    pipeline = make_pipeline(admin, name="Bateaux", prefix="BA", requires_quote=False)
    lead = salesperson_api.post("/leads", FIELDS).json()
    salesperson_api.patch(f"/leads/{lead['id']}", {"status": "qualified"})

    converted = salesperson_api.post(f"/leads/{lead['id']}/convert",
                                     {"create_opportunity": {"pipeline": pipeline.pk, "amount": "45000.00"}})

    assert converted.status_code == 200, converted.content
    body = converted.json()
    customer = Customer.objects.get(pk=body["customer"])
    for field in ("first_name", "last_name", "company", "address_line1", "city", "province", "postal_code",
                  "industry", "market_segment", "territory", "website"):
        assert getattr(customer, field) == FIELDS[field], field
    assert (customer.email, customer.email_status) == ("marie@marina.ca", "valid")
    assert list(customer.phones.values_list("e164", flat=True)) == ["+18195550101"]
    assert customer.salesperson == salesperson
    assert Opportunity.objects.get(pk=body["opportunity"]).customer == customer
    lead_row = Lead.objects.get(pk=lead["id"])
    assert (lead_row.status, lead_row.customer_id) == ("converted", customer.pk)
    verbs = set(TimelineEvent.objects.filter(subject_id=customer.pk, subject_type__model="customer")
                .values_list("verb", flat=True))
    assert {"lead_created", "lead_updated", "lead_converted"} <= verbs
    again = salesperson_api.post(f"/leads/{lead['id']}/convert", {})
    assert again.status_code == 409


def test_converting_onto_a_sure_duplicate_asks_first_and_can_link_it(salesperson, salesperson_api):
    existing = make_customer(salesperson, email="marie@marina.ca")
    lead = salesperson_api.post("/leads", FIELDS).json()

    asked = salesperson_api.post(f"/leads/{lead['id']}/convert", {})
    linked = salesperson_api.post(f"/leads/{lead['id']}/convert", {"customer": existing.pk})

    assert asked.status_code == 409 and asked.json()["errors"][0]["message"] == str(existing.pk)
    assert Customer.objects.count() == 1
    assert linked.status_code == 200 and linked.json()["customer"] == existing.pk


def test_web_form_leads_have_no_owner_and_media_web_form(admin_api, client):
    form = admin_api.post("/web-forms", {"name": "Site — essais routiers"}).json()

    response = client.post(f"/api/v1/public/web-form/{form['key']}", {"first_name": "Luc", "last_name": "Roy",
                           "email": "luc@exemple.ca", "phone": "514-555-0199"}, content_type="application/json")

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert (lead.owner, lead.media.code, lead.channel) == (None, "web_form", "web_form")


def test_an_unknown_form_key_answers_404_and_a_robot_creates_nothing(admin, client):
    form = services.web_form_create(actor=admin, name="Site")

    unknown = client.post("/api/v1/public/web-form/nope", {"last_name": "Roy"}, content_type="application/json")
    robot = client.post(f"/api/v1/public/web-form/{form.key}", {"last_name": "Roy", "website_url": "http://spam"},
                        content_type="application/json")

    assert unknown.status_code == 404
    assert robot.status_code == 201 and robot.json()["id"] is None
    assert not Lead.objects.exists()


def test_a_flood_of_web_form_posts_gets_429(admin, client, monkeypatch):
    from comptoir.leads import api

    monkeypatch.setattr(api.WEB_FORM_THROTTLE, "num_requests", 3)
    form = services.web_form_create(actor=admin, name="Site")

    codes = [client.post(f"/api/v1/public/web-form/{form.key}", {"last_name": f"Roy{n}"},
                         content_type="application/json").status_code for n in range(5)]

    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
    assert Lead.objects.count() == 3
    assert WebForm.objects.count() == 1


def test_a_salesperson_sees_their_leads_and_unowned_ones_only(salesperson_api, make_api):
    from comptoir.accounts.tests.factories import UserFactory

    mine = salesperson_api.post("/leads", FIELDS).json()
    other = make_api(UserFactory(role="salesperson"))

    assert other.get(f"/leads/{mine['id']}").status_code == 404
    assert other.get("/leads").json()["count"] == 0
