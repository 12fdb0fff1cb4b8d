import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


def test_the_search_finds_customers_leads_and_opportunities_the_user_may_see(client, salesperson, admin):
    pipeline = make_pipeline(admin)
    mine = make_customer(salesperson, first_name="Gaston", last_name="Lagaffe")
    deal = make_opportunity(salesperson, mine, pipeline)
    other = UserFactory()
    make_customer(other, first_name="Gaston", last_name="Lagaffe-Autre")
    client.force_login(salesperson)

    html = client.get("/search/", {"q": "lagaffe"}).content.decode()

    assert f"/customers/{mine.pk}/" in html and deal.number in html
    assert "Lagaffe-Autre" not in html


def test_an_opportunitys_exact_number_opens_its_card(client, salesperson, admin):
    deal = make_opportunity(salesperson, make_customer(salesperson), make_pipeline(admin))
    client.force_login(salesperson)

    response = client.get("/search/", {"q": deal.number.lower()})

    assert response.status_code == 302 and response.url == f"/sales/opportunities/{deal.pk}/"


def test_the_search_costs_the_same_queries_for_one_match_or_ten(client, salesperson, admin,
                                                                django_assert_max_num_queries):
    pipeline = make_pipeline(admin)
    make_opportunity(salesperson, make_customer(salesperson, last_name="Nadeau"), pipeline)
    client.force_login(salesperson)
    with CaptureQueriesContext(connection) as one:
        client.get("/search/", {"q": "nadeau"})
    for _ in range(9):
        make_opportunity(salesperson, make_customer(salesperson, last_name="Nadeau"), pipeline)

    with django_assert_max_num_queries(len(one)):
        client.get("/search/", {"q": "nadeau"})
