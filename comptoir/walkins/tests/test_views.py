"""Reception's walk-in screen and the showroom card of the analytics page."""

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.walkins.models import StoreVisit
from comptoir.walkins.tests.factories import make_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(reception):
    client = Client()
    client.force_login(reception)
    return client


def test_the_page_records_a_new_customers_visit_in_one_post(desk, salesperson):
    response = desk.post(reverse("walkin-list"), {"first_name": "Julie", "last_name": "Roy",
                                                  "phone": "819 555-0101", "email": "julie@exemple.ca",
                                                  "salesperson": salesperson.pk, "notes": "VTT"})

    assert response.status_code == 302 and response["Location"] == reverse("walkin-list")
    visit = StoreVisit.objects.select_related("customer").get()
    assert (visit.customer.display_name, visit.customer.media.code, visit.salesperson) == (
        "Julie Roy", "in_store", salesperson)
    assert Task.objects.get().assignee == salesperson
    page = desk.get(reverse("walkin-list")).content.decode()
    assert "Julie Roy" in page and salesperson.display_name in page


def test_the_page_records_a_found_customers_visit(desk, reception, salesperson):
    existing = make_customer(reception, first_name="Marc", last_name="Côté", phones=[{"number": "819 555-0142"}])

    found = desk.get(reverse("walkin-customer-search"), {"q": "0142"}).content.decode()
    response = desk.post(reverse("walkin-list"), {"customer": existing.pk, "salesperson": salesperson.pk})

    assert f'value="{existing.pk}"' in found and "Marc Côté" in found
    assert response.status_code == 302
    assert StoreVisit.objects.get().customer == existing and Customer.objects.count() == 1


def test_a_duplicate_offers_the_existing_record_and_keeps_what_was_typed(desk, reception, salesperson):
    existing = make_customer(reception, first_name="Marc", last_name="Côté", email="marc@exemple.ca")

    asked = desk.post(reverse("walkin-list"), {"first_name": "Marc", "last_name": "Cote", "email": "marc@exemple.ca",
                                               "salesperson": salesperson.pk})
    page = asked.content.decode()

    assert asked.status_code == 409
    assert f'value="{existing.pk}"' in page and 'value="Cote"' in page and 'name="create_anyway"' in page
    assert not StoreVisit.objects.exists() and Customer.objects.count() == 1


def test_a_refused_visit_shows_the_reason_and_saves_nothing(desk):
    response = desk.post(reverse("walkin-list"), {"last_name": "Roy", "email": "x@nomail.com"})

    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not StoreVisit.objects.exists() and not Customer.objects.exists()


def test_the_day_shows_who_served_and_whether_an_opportunity_came_out(desk, reception, salesperson, admin):
    from comptoir.sales.tests.factories import make_opportunity, make_pipeline

    served = make_walk_in(reception, salesperson=salesperson, new_customer={"last_name": "Avecdeal"})
    deal = make_opportunity(reception, served.customer, make_pipeline(admin), salesperson=salesperson.pk)
    make_walk_in(reception, salesperson=UserFactory(first_name="Zoé", last_name="Zed"),
                 new_customer={"last_name": "Sansdeal"})

    page = desk.get(reverse("walkin-list")).content.decode()

    assert deal.number in page and reverse("opportunity-card", args=[deal.pk]) in page
    assert "Sansdeal" in page and "Zoé Zed" in page


def test_a_salesperson_sees_their_walk_ins_and_records_only_for_themselves(salesperson, reception):
    colleague = UserFactory(last_name="Collègue")
    make_walk_in(reception, salesperson=colleague, new_customer={"last_name": "Pasamoi"})
    client = Client()
    client.force_login(salesperson)

    page = client.get(reverse("walkin-list")).content.decode()
    refused = client.post(reverse("walkin-list"), {"last_name": "Roy", "salesperson": colleague.pk})

    assert "Pasamoi" not in page and f'<option value="{colleague.pk}"' not in page
    assert refused.status_code == 403 and StoreVisit.objects.count() == 1


def test_the_analytics_section_is_a_card_with_the_figure_and_its_csv(desk, reception, salesperson):
    make_walk_in(reception, salesperson=salesperson)

    fragment = desk.get(reverse("walkin-analytics-section")).content.decode()
    backwards = desk.get(reverse("walkin-analytics-section"), {"from": "2026-03-02", "to": "2026-03-01"})

    assert fragment.lstrip().startswith('<section class="card" id="showroom">') and "<html" not in fragment
    assert salesperson.display_name in fragment and "/api/v1/analytics/showroom?" in fragment
    assert backwards.status_code == 200 and 'role="alert"' in backwards.content.decode()


def test_without_javascript_the_search_button_shows_the_matches_and_records_nothing(desk, reception):
    existing = make_customer(reception, first_name="Marc", last_name="Côté")

    page = desk.post(reverse("walkin-list"), {"q": "cote", "search": "1"})

    assert page.status_code == 200 and f'value="{existing.pk}"' in page.content.decode()
    assert not StoreVisit.objects.exists()


def test_notes_longer_than_the_limit_are_refused_by_the_page_too(desk, salesperson):
    response = desk.post(reverse("walkin-list"), {"last_name": "Roy", "salesperson": salesperson.pk,
                                                  "notes": "x" * 2001})

    assert response.status_code == 422 and not StoreVisit.objects.exists() and not Customer.objects.exists()
