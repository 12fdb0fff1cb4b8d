from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.activities.services import task_create
from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.models import Opportunity
from comptoir.sales.services import opportunity_change_status
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


def test_a_board_card_shows_its_late_task_in_red_its_source_and_whether_the_customer_has_an_email(
        client, salesperson, pipeline):
    with_email = make_opportunity(salesperson, make_customer(salesperson, first_name="Avec",
                                                             email="avec@courriel.ca"), pipeline)
    make_opportunity(salesperson, make_customer(salesperson, first_name="Sans"), pipeline)
    task_create(actor=salesperson, title="Rappeler pour l'essai", due_at=timezone.now() - timedelta(days=1),
                opportunity=with_email.pk)
    client.force_login(salesperson)

    html = client.get("/sales/").content.decode()

    assert 'class="next-task late"' in html and "Rappeler pour l&#x27;essai" in html
    assert html.count('class="email-flag ok"') == 1 and html.count('class="email-flag missing"') == 1
    assert "Aucune tâche prévue" in html


def test_the_board_strip_shows_each_salespersons_month_and_a_ratio_below_target_in_red(
        client, manager, salesperson, pipeline):
    make_customer(salesperson, first_name="Valide", email="valide@courriel.ca")
    make_customer(salesperson, first_name="Sans")  # no email: the ratio falls to 50 %, under 75 %
    won = make_opportunity(salesperson, make_customer(salesperson, email="client@courriel.ca"), pipeline)
    lost = make_opportunity(salesperson, make_customer(salesperson, email="autre@courriel.ca"), pipeline)
    Opportunity.objects.filter(pk=won.pk).update(status="won", closed_at=timezone.now())
    Opportunity.objects.filter(pk=lost.pk).update(status="lost", closed_at=timezone.now(), lost_reason_id=1)
    client.force_login(manager)

    strip = client.get("/sales/").context["strip"]

    row = next(r for r in strip if r["person"] == salesperson)
    assert (row["created"], row["won"], row["closing_pct"]) == (2, 1, Decimal("50.00"))
    assert row["email_ratio_pct"] == Decimal("75.00")


def test_the_board_filters_by_location_and_creation_date(client, manager, salesperson, pipeline):
    old = make_opportunity(salesperson, make_customer(salesperson, first_name="Ancien"), pipeline)
    Opportunity.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    make_opportunity(salesperson, make_customer(salesperson, first_name="Recent"), pipeline)
    client.force_login(manager)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()

    html = client.get("/sales/", {"created_from": since}).content.decode()

    assert "Recent" in html and "Ancien" not in html


def test_the_board_costs_the_same_queries_for_three_cards_or_thirty(client, salesperson, pipeline,
                                                                     django_assert_max_num_queries):
    client.force_login(salesperson)
    for _ in range(3):
        make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.get("/sales/")
    with CaptureQueriesContext(connection) as few:
        client.get("/sales/")
    for _ in range(27):
        make_opportunity(salesperson, make_customer(salesperson), pipeline)

    with django_assert_max_num_queries(len(few)):
        client.get("/sales/")


def test_an_opportunity_is_created_from_the_customer_card(client, salesperson, pipeline):
    customer = make_customer(salesperson)
    client.force_login(salesperson)

    section = client.get(f"/sales/customers/{customer.pk}/opportunities/").content.decode()
    response = client.post(f"/sales/customers/{customer.pk}/opportunities/new/",
                           {"pipeline": pipeline.pk, "product": "Sea-Doo GTI", "amount": "24 999,99"})

    deal = Opportunity.objects.get(customer=customer)
    assert "Nouvelle opportunité" in section
    assert response.status_code == 302 and response.url == f"/sales/opportunities/{deal.pk}/"
    assert (deal.product, deal.amount, deal.salesperson) == ("Sea-Doo GTI", Decimal("24999.99"), salesperson)


def test_a_refused_opportunity_says_why_and_creates_nothing(client, salesperson, pipeline):
    customer = make_customer(salesperson)
    client.force_login(salesperson)

    response = client.post(f"/sales/customers/{customer.pk}/opportunities/new/",
                           {"pipeline": pipeline.pk, "amount": "-5"}, follow=True)

    assert not Opportunity.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_another_salespersons_customer_has_no_opportunity_section_for_me(client, salesperson, pipeline):
    other = UserFactory()
    customer = make_customer(other)
    client.force_login(salesperson)

    assert client.get(f"/sales/customers/{customer.pk}/opportunities/").status_code == 404


def _closed(deal, status):
    Opportunity.objects.filter(pk=deal.pk).update(status=status, closed_at=timezone.now(),
                                                  lost_reason_id=1 if status == "lost" else None)


def test_every_count_of_the_conversion_opens_the_deals_it_counts(client, manager, salesperson, pipeline):
    won = make_opportunity(salesperson, make_customer(salesperson, first_name="Gagne"), pipeline)
    lost = make_opportunity(salesperson, make_customer(salesperson, first_name="Perdu"), pipeline)
    _closed(won, "won")
    _closed(lost, "lost")
    make_opportunity(manager, make_customer(manager, first_name="Ailleurs"), pipeline)  # open, another group
    client.force_login(manager)

    result = client.get("/sales/analytics/", {"by": "salesperson"}).context["result"]
    group = next(g for g in result["groups"] if g["key"] == salesperson.pk)
    won_page = client.get(group["link"] + "&outcome=won").content.decode()
    open_page = client.get(group["link"] + "&outcome=open").content.decode()

    assert won.number in won_page and lost.number not in won_page
    assert "Aucune opportunité" in open_page and "Ailleurs" not in open_page


def test_the_deals_of_a_figure_export_to_csv_with_the_same_rows(client, manager, salesperson, pipeline):
    deals = [make_opportunity(salesperson, make_customer(salesperson), pipeline) for _ in range(3)]
    for deal in deals:
        _closed(deal, "won")
    client.force_login(manager)
    today = timezone.localdate().isoformat()

    response = client.get("/sales/analytics/deals/", {"from": today, "to": today, "by": "product",
                                                      "group": "", "outcome": "won", "format": "csv"})

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Numéro;Client;Vendeur") and len(lines) == 4


def test_a_deals_link_that_names_no_figure_goes_back_to_the_analytics(client, manager):
    client.force_login(manager)

    response = client.get("/sales/analytics/deals/", {"from": "2026-01-01", "to": "2026-01-31", "by": "colour",
                                                      "outcome": "won"})

    assert response.status_code == 302 and response.url == "/sales/analytics/"


def test_the_deals_list_costs_the_same_queries_for_two_deals_or_forty(client, manager, salesperson, pipeline,
                                                                       django_assert_max_num_queries):
    for _ in range(2):
        _closed(make_opportunity(salesperson, make_customer(salesperson), pipeline), "won")
    client.force_login(manager)
    today = timezone.localdate().isoformat()
    url = f"/sales/analytics/deals/?from={today}&to={today}&by=salesperson&outcome=won"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(38):
        _closed(make_opportunity(salesperson, make_customer(salesperson), pipeline), "won")

    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_analytics_page_shows_the_email_ratio_of_the_chosen_month_below_target_in_red(
        client, manager, salesperson):
    make_customer(salesperson, email="bon@courriel.ca")
    make_customer(salesperson)
    client.force_login(manager)
    month = timezone.localdate().strftime("%Y-%m")

    response = client.get("/sales/analytics/", {"month": month})

    row = next(r for r in response.context["ratio"]["by_salesperson"] if r["user"] == salesperson.pk)
    assert row["ratio_pct"] == Decimal("50.00") and 'class="bad">50,00' in response.content.decode()
    assert f"email-ratio?month={month}&amp;format=csv" in response.content.decode()


def test_the_card_moves_a_deal_to_another_stage_without_drag_and_drop(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    essai = pipeline.stages.get(name="Essai")
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/move/", {"stage": essai.pk, "next": "card"})

    deal.refresh_from_db()
    assert response.status_code == 302 and deal.stage == essai
    assert deal.stage_changes.filter(to_stage=essai).exists()


def test_the_email_ratio_is_shown_month_by_month_for_a_year(client, manager, salesperson):
    from comptoir.customers.models import Customer

    make_customer(salesperson, email="bon@courriel.ca")
    make_customer(salesperson)
    last_year = make_customer(salesperson, email="ancien@courriel.ca")
    Customer.objects.filter(pk=last_year.pk).update(created_at=timezone.now() - timedelta(days=400))
    client.force_login(manager)

    months = client.get("/sales/analytics/").context["ratio_months"]

    assert len(months) == 12 and months[-1]["month"] == timezone.localdate().strftime("%Y-%m")
    assert (months[-1]["created"], months[-1]["ratio_pct"]) == (2, Decimal("50.00"))
    assert sum(m["created"] for m in months) == 2  # the one from 400 days ago is out of the year


def test_the_board_opens_on_the_first_process_created_not_the_first_by_name(client, admin, salesperson):
    main = make_pipeline(admin, name="Véhicules neufs", prefix="VN")
    make_pipeline(admin, name="Pièces et service", prefix="PS", stages=["Demande"])
    deal = make_opportunity(salesperson, make_customer(salesperson), main)
    client.force_login(salesperson)

    html = client.get("/sales/").content.decode()

    assert deal.number in html and "Demande" not in html


def test_the_board_shows_every_status_when_asked_and_says_so(client, manager, salesperson, pipeline):
    open_deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    won = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    opportunity_change_status(actor=salesperson, opportunity_id=won.pk, status="won", amount="100.00", cost="50.00")
    client.force_login(manager)

    html = client.get("/sales/", {"status": ""}).content.decode()

    assert open_deal.number in html and won.number in html
    assert '<option value="" selected>' in html


def test_the_boards_process_picker_shows_the_process_the_board_opens_on(client, admin, manager):
    main = make_pipeline(admin, name="Véhicules neufs", prefix="VN")
    make_pipeline(admin, name="Pièces et service", prefix="PS", stages=["Demande"])
    client.force_login(manager)

    html = client.get("/sales/").content.decode()

    assert f'<option value="{main.pk}" selected>Véhicules neufs</option>' in html
