"""The home page (issue 20): a salesperson lands on their day and their month, a manager on the team's
month and what waits on them, reception on the day's walk-ins and the leads to assign."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.activities.services import task_create
from comptoir.customers.tests.factories import make_customer
from comptoir.home import selectors
from comptoir.home.views import month_links
from comptoir.leads.services import lead_create
from comptoir.quotes.models import QuoteVariant
from comptoir.quotes.services import quote_create, quote_variant_accept
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.walkins.tests.factories import make_walk_in

pytestmark = pytest.mark.django_db


def later_today():
    """Still today, and not yet past: a second before local midnight."""
    return selectors.day_bounds(timezone.localdate())[1] - timedelta(seconds=1)


def yesterday():
    return timezone.now() - timedelta(days=1)


def page(client, user, url="/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def names(rows):
    return [row["person"].display_name for row in rows]


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


@pytest.fixture
def quoted(admin):
    # Issue 23: where accepting concludes the sale (the default) an accepted quote is a won deal; these
    # deals keep open with their accepted price, as the manager's « à regarder » list reads them.
    pipeline = make_pipeline(admin, name="Motoneiges", prefix="MN", requires_quote=True)
    Pipeline.objects.filter(pk=pipeline.pk).update(accept_wins=False)
    pipeline.refresh_from_db()
    return pipeline


def won(opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(status="won", closed_at=timezone.now())


def lost(opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(status="lost", closed_at=timezone.now(), lost_reason_id=1)


# --- A salesperson's day ----------------------------------------------------------------------

def test_a_salesperson_lands_on_their_tasks_appointments_leads_and_walk_ins(client, salesperson, reception):
    task_create(actor=salesperson, title="Relancer M. Roy", due_at=yesterday())
    task_create(actor=salesperson, title="Envoyer la brochure", due_at=later_today(), type="email")
    task_create(actor=salesperson, title="Essai routier Mme Côté", due_at=later_today(), type="meeting")
    task_create(actor=salesperson, title="Demain", due_at=later_today() + timedelta(days=1))
    lead_create(actor=salesperson, first_name="Paul", last_name="Dion", next_contact_at=yesterday(),
                phones=[{"number": "819 555-0101"}])
    lead_create(actor=salesperson, first_name="Plus", last_name="Tard", next_contact_at=later_today() + timedelta(days=2))
    make_walk_in(reception, salesperson=salesperson, new_customer={"first_name": "Lise", "last_name": "Passante",
                                                                   "email": "lise@courriel.ca"})

    context = page(client, salesperson).context

    assert [t.title for t in context["overdue"]] == ["Relancer M. Roy"]
    assert [t.title for t in context["tasks"]] == ["Envoyer la brochure"]
    # The walk-in gave the salesperson a store-visit task due when it was recorded: past, still today's.
    assert [t.title for t in context["appointments"]] == ["Client en magasin : Lise Passante",
                                                          "Essai routier Mme Côté"]
    assert [str(lead) for lead in context["leads"]] == ["Paul Dion"]
    assert [v.customer.display_name for v in context["walk_ins"]] == ["Lise Passante"]
    html = context_html = client.get("/").content.decode()
    assert "tel:+18195550101" in context_html and "Bonjour" in html


def test_a_salesperson_sees_only_their_own_overdue_tasks(client, salesperson, manager):
    colleague = UserFactory()
    task_create(actor=salesperson, title="La mienne", due_at=yesterday())
    task_create(actor=manager, title="Donnée par le directeur", due_at=yesterday(), assignee=salesperson.pk)
    task_create(actor=colleague, title="Celle du collègue", due_at=yesterday())
    task_create(actor=manager, title="Donnée au collègue", due_at=yesterday(), assignee=colleague.pk)

    response = page(client, salesperson)

    assert [task.title for task in response.context["overdue"]] == ["La mienne", "Donnée par le directeur"]
    html = response.content.decode()
    assert "Celle du collègue" not in html and "Donnée au collègue" not in html


def test_done_on_the_home_page_marks_the_task_done_in_place(client, salesperson):
    task = task_create(actor=salesperson, title="Rappeler Julie", due_at=yesterday())
    client.force_login(salesperson)

    # htmx posts to the task-complete view with next=/?done=<id>; the browser follows the redirect.
    response = client.post(f"/tasks/{task.pk}/done/", {"next": f"/?done={task.pk}"}, follow=True,
                           HTTP_HX_REQUEST="true")

    html = response.content.decode()
    task.refresh_from_db()
    assert task.done_at is not None
    assert "<html" not in html and f'id="task-{task.pk}"' in html and "✓" in html
    assert "Tâche faite." in html
    # The message was shown in the row: it does not come back on the next page.
    assert "Tâche faite." not in client.get("/").content.decode()


def test_a_task_row_is_only_shown_to_whom_may_see_the_task(client, salesperson):
    colleague = UserFactory()
    theirs = task_create(actor=colleague, title="Secret du collègue", due_at=yesterday())
    client.force_login(salesperson)

    response = client.get("/", {"done": theirs.pk}, HTTP_HX_REQUEST="true")
    nonsense = client.get("/", {"done": "x"}, HTTP_HX_REQUEST="true")

    assert response.status_code == nonsense.status_code == 204 and response.content == b""


def test_without_javascript_done_comes_back_to_the_whole_home_page(client, salesperson):
    task = task_create(actor=salesperson, title="Rappeler Julie", due_at=yesterday())
    client.force_login(salesperson)

    response = client.post(f"/tasks/{task.pk}/done/", {"next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "<html" in response.content.decode() and "Tâche faite." in response.content.decode()
    assert response.context["overdue"] == []


def test_a_salesperson_sees_their_month_and_their_ratio_in_red_under_the_target(client, salesperson, pipeline):
    make_customer(salesperson, first_name="Valide", email="valide@courriel.ca")
    make_customer(salesperson, first_name="Sans")  # no email: 1 of 2 valid, 50 % under 75 %
    make_customer(salesperson, first_name="Sans non plus")  # with the deals' customers: 4 of 6, under 75 %
    deal = make_opportunity(salesperson, make_customer(salesperson, email="a@courriel.ca"), pipeline)
    gone = make_opportunity(salesperson, make_customer(salesperson, email="b@courriel.ca"), pipeline)
    make_opportunity(salesperson, make_customer(salesperson, email="c@courriel.ca"), pipeline)
    won(deal)
    lost(gone)

    response = page(client, salesperson)

    figures = response.context["figures"]
    assert (figures["created"], figures["won"], figures["closing_pct"]) == (3, 1, Decimal("50.00"))
    assert figures["email_ratio_pct"] == Decimal("66.67")  # 4 of 6 customers with a valid email
    assert figures["points_lost"] == 2  # under the target: a point for each customer without an email
    assert 'class="kpi below-target"' in response.content.decode()


def test_a_salesperson_never_sees_others_figures(client, salesperson, pipeline):
    colleague = UserFactory(first_name="Gertrude", last_name="Autrevendeuse")
    deal = make_opportunity(colleague, make_customer(colleague, email="x@courriel.ca"), pipeline)
    won(deal)
    task_create(actor=colleague, title="Tâche du collègue", due_at=yesterday())

    response = page(client, salesperson, f"/?sort=-won&overdue={colleague.pk}")

    html = response.content.decode()
    assert response.templates[0].name == "home/salesperson.html"
    assert response.context["figures"]["person"] == salesperson and response.context["figures"]["won"] == 0
    assert "Autrevendeuse" not in html and "Tâche du collègue" not in html
    assert [row["person"] for row in selectors.team_month(actor=salesperson, year=timezone.localdate().year,
                                                         month=timezone.localdate().month)["rows"]] \
        == [salesperson]


# --- A manager's team -------------------------------------------------------------------------

@pytest.fixture
def team(pipeline):
    """Three salespeople: Alain sold 2 of 3 closed, Béatrice 1 of 1 with poor emails, Carl nothing yet."""
    alain = UserFactory(first_name="Alain", last_name="Arsenault")
    beatrice = UserFactory(first_name="Béatrice", last_name="Bélanger")
    carl = UserFactory(first_name="Carl", last_name="Côté")
    for n in range(3):
        deal = make_opportunity(alain, make_customer(alain, email=f"a{n}@courriel.ca"), pipeline)
        (lost if n == 2 else won)(deal)
    deal = make_opportunity(beatrice, make_customer(beatrice), pipeline)  # no email: 0 %
    won(deal)
    task_create(actor=carl, title="Rappel oublié", due_at=yesterday())
    task_create(actor=carl, title="Autre rappel oublié", due_at=yesterday() - timedelta(days=3))
    return {"alain": alain, "beatrice": beatrice, "carl": carl}


def test_a_manager_sees_each_salespersons_month(client, manager, team):
    response = page(client, manager)

    rows = {row["person"].first_name: row for row in response.context["team"]["rows"]}
    assert response.templates[0].name == "home/manager.html"
    assert {name: (r["created"], r["won"], r["closing_pct"], r["email_ratio_pct"], r["overdue"])
            for name, r in rows.items() if name in ("Alain", "Béatrice", "Carl")} == {
        "Alain": (3, 2, Decimal("66.67"), Decimal("100.00"), 0),
        "Béatrice": (1, 1, Decimal("100.00"), Decimal("0.00"), 0),
        "Carl": (0, 0, None, None, 2),  # nothing this month is a line too
    }
    html = response.content.decode()
    assert html.count('class="num bad"') >= 2  # Béatrice's ratio under target, Carl's overdue tasks


def test_the_team_table_sorts_by_each_column(client, manager, team):
    client.force_login(manager)

    def order(sort):
        rows = client.get("/", {"sort": sort}).context["team"]["rows"]
        return [row["person"].first_name for row in rows if row["person"].first_name in ("Alain", "Béatrice", "Carl")]

    assert order("name") == order("") == order("nonsense") == ["Alain", "Béatrice", "Carl"]
    assert order("-name") == ["Carl", "Béatrice", "Alain"]
    assert order("-won") == ["Alain", "Béatrice", "Carl"]
    assert order("won") == ["Carl", "Béatrice", "Alain"]
    assert order("-closing") == ["Béatrice", "Alain", "Carl"]  # no closed deal: last both ways
    assert order("closing") == ["Alain", "Béatrice", "Carl"]
    assert order("email") == ["Béatrice", "Alain", "Carl"]
    assert order("-overdue")[0] == "Carl"
    assert order("-created")[0] == "Alain"


def test_a_sorted_column_says_so_and_its_heading_sorts_the_other_way(client, manager, team):
    client.force_login(manager)

    html = client.get("/", {"sort": "-won"}).content.decode()

    assert 'aria-sort="descending"><a href="/?sort=won#team">' in html
    assert 'href="/?sort=-created#team"' in html and 'href="/?sort=name#team"' in html


def test_each_figure_opens_the_deals_behind_it(client, manager, team):
    alain = team["alain"]
    today = timezone.localdate()
    first = today.replace(day=1)
    links = month_links(alain.pk, first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    client.force_login(manager)

    sales = client.get(links["won"])
    created = client.get(links["created"])
    closing = client.get(links["closing"])

    assert sales.status_code == created.status_code == closing.status_code == 200
    won_numbers = set(Opportunity.objects.filter(salesperson=alain, status="won").values_list("number", flat=True))
    assert {deal.number for deal in sales.context["page"]} == won_numbers
    assert [card.salesperson for _stage, cards in created.context["columns"] for card in cards] == [alain] * 3
    group = next(g for g in closing.context["result"]["groups"] if g["key"] == alain.pk)
    assert (group["won"], group["lost"]) == (2, 1)


def test_a_salespersons_overdue_count_opens_their_list(client, manager, team):
    carl = team["carl"]

    html = page(client, manager).content.decode()
    listing = page(client, manager, f"/?overdue={carl.pk}")

    assert f'href="/?overdue={carl.pk}#overdue-list"' in html
    assert [t.title for t in listing.context["overdue_of"]["tasks"]] == ["Autre rappel oublié", "Rappel oublié"]
    assert 'id="overdue-list"' in listing.content.decode()
    # Someone else's task: the manager reads it, the salesperson marks it done.
    assert "home-task-form" not in listing.content.decode().split('id="overdue-list"')[1]


def test_a_low_margin_quote_waits_on_the_manager(client, manager, salesperson, quoted):
    def deal_with_quote(name, price, status):
        deal = make_opportunity(salesperson, make_customer(salesperson, last_name=name, email=f"{name}@courriel.ca"),
                                quoted)
        quote = quote_create(actor=salesperson, opportunity_id=deal.pk, variants=[
            {"name": "Comptant", "lines": [{"description": "Motoneige", "quantity": "1", "unit_price": price,
                                            "unit_cost": "10000.00"}]}])
        variant = quote.variants.get()
        if status == "accepted":
            quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=variant.pk)
        elif status == "sent":  # as quote_variant_send leaves it (its email is not this test's subject)
            QuoteVariant.objects.filter(pk=variant.pk).update(status="sent", sent_at=timezone.now())
        return deal

    thin = deal_with_quote("Mince", "10500.00", "sent")  # margin 500 / 10 500 = 4.76 %, under the 10 % alert
    accepted = deal_with_quote("Accepte", "10800.00", "accepted")  # 7.41 %
    deal_with_quote("Brouillon", "10100.00", "draft")  # a draft is no price yet
    deal_with_quote("Large", "13000.00", "sent")  # 23.08 %: nothing to look at
    closed = deal_with_quote("Ferme", "10200.00", "accepted")
    Opportunity.objects.filter(pk=closed.pk).update(status="lost", closed_at=timezone.now(), lost_reason_id=1)

    response = page(client, manager)

    awaiting = response.context["awaiting"]
    assert [deal.pk for deal in awaiting] == [thin.pk, accepted.pk]
    assert (awaiting[0].quote_margin, awaiting[0].quote_margin_pct, awaiting[0].quote_amount) == (
        Decimal("500.00"), Decimal("4.76"), Decimal("10500.00"))
    html = response.content.decode()
    assert f'href="/sales/opportunities/{thin.pk}/"' in html and "Mince" in html
    assert "500,00\xa0$ <span class=\"home-pct\">(4,76 %)</span>" in html and "10\xa0500,00\xa0$" in html


def test_an_accepted_price_above_the_alert_clears_a_low_sent_one(manager, salesperson, quoted):
    deal = make_opportunity(salesperson, make_customer(salesperson, email="d@courriel.ca"), quoted)
    lines = [{"description": "Motoneige", "quantity": "1", "unit_cost": "10000.00"}]
    low = quote_create(actor=salesperson, opportunity_id=deal.pk,
                       variants=[{"name": "Bas", "lines": [{**lines[0], "unit_price": "10300.00"}]}])
    QuoteVariant.objects.filter(quote=low).update(status="sent")
    assert list(selectors.opportunities_awaiting_manager(actor=manager)) == [deal]

    good = quote_create(actor=salesperson, opportunity_id=deal.pk,
                        variants=[{"name": "Bon", "lines": [{**lines[0], "unit_price": "12500.00"}]}])
    quote_variant_accept(actor=salesperson, quote_id=good.pk, variant_id=good.variants.get().pk)

    assert list(selectors.opportunities_awaiting_manager(actor=manager)) == []


def test_an_admin_finds_the_administration_and_the_api_on_the_home_page(client, admin, manager):
    admin_html = page(client, admin).content.decode()
    manager_html = page(client, manager).content.decode()

    assert 'href="/admin/"' in admin_html and 'href="/api/v1/docs"' in admin_html
    assert 'id="admin-title"' not in manager_html


# --- Reception --------------------------------------------------------------------------------

def test_reception_lands_on_todays_walk_ins_and_the_leads_to_assign(client, reception, salesperson):
    make_walk_in(reception, salesperson=salesperson, new_customer={"first_name": "Lise", "last_name": "Passante",
                                                                   "email": "lise@courriel.ca"})
    lead_create(actor=reception, first_name="Sans", last_name="Responsable")
    lead_create(actor=reception, first_name="Deja", last_name="Assignee", owner=salesperson.pk)
    lead_create(actor=reception, first_name="Perdue", last_name="Deja", status="lost")

    response = page(client, reception)

    assert response.templates[0].name == "home/reception.html"
    assert [str(lead) for lead in response.context["leads"]] == ["Sans Responsable"]
    assert [v.customer.display_name for v in response.context["walk_ins"]] == ["Lise Passante"]


def test_signed_out_the_home_page_asks_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- Cost ------------------------------------------------------------------------------------

def _queries(client, url="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _busy_salesperson(salesperson, reception, pipeline, n):
    for i in range(n):
        customer = make_customer(salesperson, first_name=f"Client{i}", email=f"c{i}@courriel.ca")
        deal = make_opportunity(salesperson, customer, pipeline)
        task_create(actor=salesperson, title=f"En retard {i}", due_at=yesterday(), opportunity=deal.pk)
        task_create(actor=salesperson, title=f"Aujourd'hui {i}", due_at=later_today(), customer=customer.pk)
        task_create(actor=salesperson, title=f"Rendez-vous {i}", due_at=later_today(), type="meeting")
        lead_create(actor=salesperson, first_name=f"Piste{i}", next_contact_at=yesterday())
        make_walk_in(reception, customer=customer, salesperson=salesperson)


def test_a_salespersons_home_costs_the_same_queries_for_2_or_20_of_everything(
        client, salesperson, reception, pipeline, django_assert_num_queries):
    _busy_salesperson(salesperson, reception, pipeline, 2)
    client.force_login(salesperson)
    client.get("/")  # the site settings in the cache, as on every page but the first
    two = _queries(client)

    _busy_salesperson(salesperson, reception, pipeline, 18)
    assert Task.objects.filter(assignee=salesperson).count() >= 60

    with django_assert_num_queries(two):
        client.get("/")


def test_a_managers_home_costs_the_same_queries_for_2_or_20_salespeople(
        client, manager, pipeline, quoted, django_assert_num_queries):
    def hire(n):
        for _ in range(n):
            person = UserFactory()
            deal = make_opportunity(person, make_customer(person, email=f"{person.username}@courriel.ca"), quoted)
            quote = quote_create(actor=person, opportunity_id=deal.pk, variants=[{"name": "Bas", "lines": [
                {"description": "VTT", "quantity": "1", "unit_price": "1050.00", "unit_cost": "1000.00"}]}])
            quote_variant_accept(actor=person, quote_id=quote.pk, variant_id=quote.variants.get().pk)
            won(make_opportunity(person, make_customer(person), pipeline))
            task_create(actor=person, title="En retard", due_at=yesterday())

    hire(2)
    client.force_login(manager)
    client.get("/")
    carl_pk = UserFactory(first_name="Carl").pk
    task_create(actor=manager, title="Pour Carl", due_at=yesterday(), assignee=carl_pk)
    two = _queries(client, f"/?sort=-won&overdue={carl_pk}")

    hire(18)
    assert len(client.get("/").context["team"]["rows"]) >= 21
    assert len(client.get("/").context["awaiting"]) == 20

    with django_assert_num_queries(two):
        client.get(f"/?sort=-won&overdue={carl_pk}")
