import pytest

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


def test_the_board_shows_a_salesperson_their_own_deals_by_stage(client, salesperson, pipeline):
    mine = make_opportunity(salesperson, make_customer(salesperson, first_name="Mien"), pipeline)
    other = UserFactory()
    make_opportunity(other, make_customer(other, first_name="Autrui"), pipeline)
    client.force_login(salesperson)

    html = client.get("/sales/").content.decode()

    assert mine.number in html and "Autrui" not in html
    assert html.index("Nouveau") < html.index("Essai") and "board.js" in html


def test_dropping_a_card_moves_it_through_the_service(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    essai = pipeline.stages.get(name="Essai")
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/move/", {"stage": essai.pk})

    deal.refresh_from_db()
    assert response.status_code == 204 and deal.stage == essai


def test_dropping_someone_elses_card_is_refused(client, salesperson, pipeline):
    other = UserFactory()
    deal = make_opportunity(other, make_customer(other), pipeline)
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/move/", {"stage": pipeline.stages.last().pk})

    deal.refresh_from_db()
    assert response.status_code == 404 and deal.stage.name == "Nouveau"


def test_the_card_offers_only_the_status_changes_the_role_allows(client, salesperson, manager, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    Opportunity.objects.filter(pk=deal.pk).update(status="won", amount=1, cost=1)
    client.force_login(salesperson)
    as_salesperson = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()
    client.force_login(manager)
    as_manager = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()

    assert 'value="open"' not in as_salesperson and "Changer la date de vente" not in as_salesperson
    assert 'value="open"' in as_manager and "Changer la date de vente" in as_manager


def test_losing_from_the_card_needs_the_picked_reason(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    client.post(f"/sales/opportunities/{deal.pk}/status/", {"status": "lost"})
    deal.refresh_from_db()
    assert deal.status == "open"
    client.post(f"/sales/opportunities/{deal.pk}/status/", {"status": "lost", "lost_reason": 1})
    deal.refresh_from_db()
    assert deal.status == "lost"


def test_the_analytics_page_shows_the_table_the_funnel_and_the_csv_link(client, manager, pipeline):
    make_opportunity(manager, make_customer(manager), pipeline)
    client.force_login(manager)

    html = client.get("/sales/analytics/", {"by": "source"}).content.decode()

    assert "chart.umd.min.js" in html and 'id="funnel-data"' in html
    assert "format=csv" in html and "by=source" in html


def test_the_analytics_page_plans_a_target(client, manager, pipeline):
    deals = [make_opportunity(manager, make_customer(manager), pipeline) for _ in range(4)]
    Opportunity.objects.filter(pk=deals[0].pk).update(status="won")
    client.force_login(manager)

    plan = client.get("/sales/analytics/", {"target_sales": 2}).context["plan"]

    assert plan["steps"][0]["needed"] == 8



def test_an_unreadable_amount_on_the_card_is_a_message_not_an_error(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/status/", {"status": "won", "amount": "abc",
                                                                        "cost": "1"}, follow=True)

    deal.refresh_from_db()
    assert response.status_code == 200 and deal.status == "open"


def test_a_deal_needing_a_quote_offers_no_win_button(client, admin, salesperson):
    pipeline = make_pipeline(admin, name="Bateaux", prefix="BA", requires_quote=True)
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    html = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()

    assert 'value="won"' not in html and 'value="lost"' in html
