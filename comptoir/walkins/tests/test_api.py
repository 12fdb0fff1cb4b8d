"""/walk-ins and /analytics/showroom: the contract (status codes, bodies) through the API client."""

import pytest
from django.core import mail

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.walkins import services
from comptoir.walkins.models import StoreVisit
from comptoir.walkins.tests.factories import make_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception_api(reception, make_api):
    return make_api(reception)


def test_a_walk_in_becomes_a_customer_with_media_in_store_and_an_assigned_salesperson(
        reception_api, salesperson, django_capture_on_commit_callbacks):
    # given: reception, and a customer who walks in for the first time
    body = {"new_customer": {"first_name": "Julie", "last_name": "Roy", "email": "julie.roy@exemple.ca",
                             "phones": [{"number": "819 555-0101"}]},
            "salesperson": salesperson.pk, "notes": "Regarde les motoneiges"}

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = reception_api.post("/walk-ins", body)

    # then
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name, customer.email, customer.email_status) == (
        "Julie", "Roy", "julie.roy@exemple.ca", "valid")
    assert customer.media.code == "in_store" and customer.channel == "manual"
    assert customer.salesperson == salesperson
    visit = StoreVisit.objects.get()
    answer = response.json()
    assert answer["id"] == visit.pk and answer["customer"] == customer.pk
    assert (answer["customer_name"], answer["salesperson"], answer["opportunity"]) == ("Julie Roy", salesperson.pk,
                                                                                        None)
    assert answer["visited_on"] == str(visit.visited_on) and answer["notes"] == "Regarde les motoneiges"
    assert Task.objects.get().assignee == salesperson and [m.to for m in mail.outbox] == [[salesperson.email]]


def test_an_existing_customer_is_linked_not_duplicated(reception_api, reception, salesperson):
    existing = make_customer(reception, last_name="Roy", email="roy@exemple.ca")

    response = reception_api.post("/walk-ins", {"customer": existing.pk, "salesperson": salesperson.pk})

    assert response.status_code == 201 and response.json()["customer"] == existing.pk
    assert Customer.objects.count() == 1


def test_a_sure_duplicate_answers_409_with_its_id_and_nothing_is_saved(reception_api, reception, salesperson):
    existing = make_customer(reception, last_name="Roy", email="roy@exemple.ca")

    response = reception_api.post("/walk-ins", {"new_customer": {"last_name": "Roy", "email": "ROY@exemple.ca "},
                                                "salesperson": salesperson.pk})

    assert response.status_code == 409
    assert response.json()["detail"] == str(services.DUPLICATE_CUSTOMER)
    assert response.json()["errors"] == [{"field": "customer", "message": str(existing.pk)}]
    assert Customer.objects.count() == 1 and not StoreVisit.objects.exists() and not Task.objects.exists()


def test_a_salesperson_cannot_record_for_a_colleague(salesperson_api):
    colleague = UserFactory()

    refused = salesperson_api.post("/walk-ins", {"new_customer": {"last_name": "Roy"}, "salesperson": colleague.pk})
    mine = salesperson_api.post("/walk-ins", {"new_customer": {"last_name": "Roy"}})

    assert refused.status_code == 403 and refused.json()["detail"] == str(services.ASSIGN_FORBIDDEN)
    assert mine.status_code == 201 and StoreVisit.objects.count() == 1


def test_a_salesperson_sees_only_the_walk_ins_they_serve(reception, salesperson, salesperson_api, reception_api):
    colleague = UserFactory()
    mine = make_walk_in(reception, salesperson=salesperson)
    theirs = make_walk_in(reception, salesperson=colleague)

    listed = salesperson_api.get("/walk-ins").json()
    everything = reception_api.get("/walk-ins").json()

    assert [item["id"] for item in listed["items"]] == [mine.pk] and listed["count"] == 1
    assert {item["id"] for item in everything["items"]} == {mine.pk, theirs.pk}
    assert salesperson_api.get(f"/walk-ins/{mine.pk}").status_code == 200
    assert salesperson_api.get(f"/walk-ins/{theirs.pk}").status_code == 404
    assert salesperson_api.patch(f"/walk-ins/{theirs.pk}", {"notes": "Vu"}).status_code == 404
    assert StoreVisit.objects.get(pk=theirs.pk).notes == ""


def test_a_stale_patch_answers_409_and_changes_nothing(reception_api, reception, salesperson):
    other = UserFactory()
    visit = make_walk_in(reception, salesperson=salesperson)
    assert reception_api.patch(f"/walk-ins/{visit.pk}", {"notes": "Revient samedi", "version": 1}).status_code == 200

    stale = reception_api.patch(f"/walk-ins/{visit.pk}", {"salesperson": other.pk, "version": 1})

    assert stale.status_code == 409
    visit.refresh_from_db()
    assert (visit.salesperson, visit.notes, visit.version) == (salesperson, "Revient samedi", 2)


def test_patch_reassigns_and_links_the_opportunity(reception_api, reception, salesperson, admin):
    other = UserFactory()
    visit = make_walk_in(reception, salesperson=salesperson)
    deal = make_opportunity(reception, visit.customer, make_pipeline(admin), salesperson=salesperson.pk)

    reassigned = reception_api.patch(f"/walk-ins/{visit.pk}", {"salesperson": other.pk, "version": 1})
    linked = reception_api.patch(f"/walk-ins/{visit.pk}", {"opportunity": deal.pk, "version": 2})
    unlinked = reception_api.patch(f"/walk-ins/{visit.pk}", {"opportunity": None, "version": 3})

    assert reassigned.status_code == 200 and reassigned.json()["salesperson"] == other.pk
    assert linked.json()["opportunity"] == deal.pk and linked.json()["opportunity_linked"] is True
    assert linked.json()["opportunity_number"] == deal.number and linked.json()["opportunity_status"] == "open"
    # Unlinked, the day's rule finds it again: it was opened after the visit, the same day.
    assert unlinked.json()["opportunity_linked"] is False and unlinked.json()["opportunity"] == deal.pk


@pytest.mark.parametrize("body, field", [
    ({}, "customer"),  # no customer at all
    ({"customer": 1, "new_customer": {"last_name": "Roy"}}, "customer"),
    ({"new_customer": {"last_name": "Roy", "email": "x@nomail.com"}}, "email"),
    ({"new_customer": {"first_name": ""}}, "last_name"),
    ({"new_customer": {"last_name": "Roy", "phones": [{"number": "12"}]}}, "phones.0.number"),
    ({"new_customer": {"last_name": "Roy"}, "visited_at": "2999-01-01T10:00:00-05:00"}, "visited_at"),
    ({"new_customer": {"last_name": "Roy"}, "notes": "x" * 2001}, None),
    ({"new_customer": {"last_name": "Roy"}, "salesperson": "quelqu'un"}, None),
])
def test_bad_input_answers_422_and_changes_nothing(reception_api, salesperson, body, field):
    body = {"salesperson": salesperson.pk, **body}

    response = reception_api.post("/walk-ins", body)

    assert response.status_code == 422, response.content
    assert response.json()["detail"] and isinstance(response.json()["errors"], list)
    if field is not None:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert not Customer.objects.exists() and not StoreVisit.objects.exists() and not Task.objects.exists()


def test_a_bad_date_filter_or_link_answers_422(reception_api, reception, salesperson, admin):
    visit = make_walk_in(reception, salesperson=salesperson)
    stranger = make_customer(reception, last_name="Autre")
    theirs = make_opportunity(reception, stranger, make_pipeline(admin), salesperson=salesperson.pk)

    assert reception_api.get("/walk-ins", {"date": "2026-02-31"}).status_code == 422
    wrong = reception_api.patch(f"/walk-ins/{visit.pk}", {"opportunity": theirs.pk})
    missing = reception_api.patch(f"/walk-ins/{visit.pk}", {"opportunity": 999999})

    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "opportunity"
    assert missing.status_code == 422
    assert StoreVisit.objects.get().opportunity is None and StoreVisit.objects.get().version == 1


def test_the_list_filters_by_day_and_salesperson(reception_api, reception, salesperson):
    from datetime import timedelta

    from django.utils import timezone

    other = UserFactory()
    yesterday = timezone.localtime() - timedelta(days=1)
    old = make_walk_in(reception, salesperson=salesperson, visited_at=yesterday)
    today = make_walk_in(reception, salesperson=salesperson)
    make_walk_in(reception, salesperson=other)

    on_the_day = reception_api.get("/walk-ins", {"date": yesterday.date().isoformat()}).json()
    of_one = reception_api.get("/walk-ins", {"salesperson": salesperson.pk}).json()

    assert [item["id"] for item in on_the_day["items"]] == [old.pk]
    assert [item["id"] for item in of_one["items"]] == [today.pk]
