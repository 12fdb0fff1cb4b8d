"""Issue 23, part 2: a deal edited after its creation and given to another salesperson — through the
services, the API and the pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.activities.services import task_complete, task_create
from comptoir.core.exceptions import ApplicationError, Forbidden, StaleUpdate
from comptoir.core.models import Competitor, Source
from comptoir.core.selectors import worker_status_forget
from comptoir.customers.tests.factories import make_customer
from comptoir.quotes.services import quote_create, quote_variant_accept
from comptoir.sales.models import Opportunity, Pipeline
from comptoir.sales.selectors import opportunity_history
from comptoir.sales.services import (
    CLOSED_REASSIGN_FORBIDDEN, FIGURES_FROM_QUOTE, REASSIGN_FORBIDDEN, opportunity_change_status,
    opportunity_locked_fields, opportunity_update,
)
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.models import TimelineEvent
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db

LINE = {"description": "Sea-Doo GTI 130", "quantity": "1", "unit_price": "18999.00", "unit_cost": "15200.00"}


@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)  # without quotes: amount and cost are typed in


@pytest.fixture
def quoted(admin):
    pipeline = make_pipeline(admin, name="Bateaux", prefix="BA", requires_quote=True)
    Pipeline.objects.filter(pk=pipeline.pk).update(accept_wins=False)  # accepting prices, the deal stays open
    return Pipeline.objects.get(pk=pipeline.pk)


@pytest.fixture
def colleague(db):
    return UserFactory(role="salesperson", first_name="Marie", last_name="Tremblay", language="en")


def _accepted(salesperson, pipeline) -> Opportunity:
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, amount="20000.00")
    quote = quote_create(actor=salesperson, opportunity_id=deal.pk, variants=[{"name": "Comptant", "lines": [LINE]}])
    quote_variant_accept(actor=salesperson, quote_id=quote.pk, variant_id=quote.variants.get().pk)
    deal.refresh_from_db()
    return deal


def _changes(deal) -> list[dict]:
    return timeline_for(deal).filter(verb="opportunity_updated").first().data["changes"]


# --- Editing -------------------------------------------------------------------------------------

def test_amount_is_locked_once_a_variant_is_accepted(salesperson, manager, quoted):
    deal = _accepted(salesperson, quoted)

    for actor in (salesperson, manager):  # a manager too: the figures are the accepted variant's
        for field in ("amount", "cost"):
            with pytest.raises(ApplicationError) as refused:
                opportunity_update(actor=actor, opportunity_id=deal.pk, **{field: "1.00"})
            assert (refused.value.message, refused.value.field, refused.value.status) == (FIGURES_FROM_QUOTE, field,
                                                                                         422)

    deal.refresh_from_db()
    assert (deal.amount, deal.cost, deal.version) == (Decimal("18999.00"), Decimal("15200.00"), 2)
    assert opportunity_locked_fields(salesperson, deal)["amount"] == FIGURES_FROM_QUOTE


def test_amount_is_editable_while_no_variant_is_accepted(salesperson, quoted):
    deal = make_opportunity(salesperson, make_customer(salesperson), quoted, amount="20000.00")
    quote_create(actor=salesperson, opportunity_id=deal.pk, variants=[{"name": "Comptant", "lines": [LINE]}])

    opportunity_update(actor=salesperson, opportunity_id=deal.pk, amount="19500", cost="15000")

    deal.refresh_from_db()
    assert (deal.amount, deal.cost) == (Decimal("19500.00"), Decimal("15000.00"))


def test_amount_is_editable_in_a_pipeline_without_quotes_even_after_an_acceptance(admin, salesperson, quoted):
    deal = _accepted(salesperson, quoted)
    Pipeline.objects.filter(pk=quoted.pk).update(requires_quote=False)  # DESIGN: switched by an admin

    opportunity_update(actor=salesperson, opportunity_id=deal.pk, amount="18500.00")

    deal.refresh_from_db()
    assert deal.amount == Decimal("18500.00")


def test_the_locked_amount_given_again_is_no_change_to_refuse(salesperson, quoted):
    deal = _accepted(salesperson, quoted)

    opportunity_update(actor=salesperson, opportunity_id=deal.pk, amount="18 999.00".replace(" ", ""),
                       product="Sea-Doo GTI SE 170")

    deal.refresh_from_db()
    assert (deal.product, deal.amount) == ("Sea-Doo GTI SE 170", Decimal("18999.00"))


def test_each_change_is_in_the_history_with_old_and_new(salesperson, manager, pipeline, colleague):
    salon = Source.objects.create(name="Salon du bateau", name_en="Boat show")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130",
                            amount="18999.00")

    opportunity_update(actor=manager, opportunity_id=deal.pk, product="Sea-Doo GTI SE 170", amount="21499.99",
                       cost="17000", source=salon.pk, expected_decision_date=date(2026, 12, 20),
                       assignees=[colleague.pk])

    assert _changes(deal) == [
        {"field": "product", "from": "Sea-Doo GTI 130", "to": "Sea-Doo GTI SE 170"},
        {"field": "amount", "from": "18999.00", "to": "21499.99"},
        {"field": "cost", "from": None, "to": "17000.00"},
        {"field": "source", "from": None, "to": salon.pk},
        {"field": "expected_decision_date", "from": None, "to": "2026-12-20"},
        {"field": "assignees", "from": [], "to": ["Marie Tremblay"]},
    ]
    event = timeline_for(deal).filter(verb="opportunity_updated").get()
    assert event.actor == manager


def test_an_edit_that_changes_nothing_writes_no_history(salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130")

    opportunity_update(actor=salesperson, opportunity_id=deal.pk, product="Sea-Doo GTI 130")

    assert not timeline_for(deal).filter(verb="opportunity_updated").exists()


def test_a_stale_deal_edit_is_409(salesperson_api, salesperson, manager, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130")
    read = salesperson_api.get(f"/opportunities/{deal.pk}").json()["version"]
    opportunity_update(actor=manager, opportunity_id=deal.pk, amount="19000")  # someone saves in between

    response = salesperson_api.patch(f"/opportunities/{deal.pk}", {"product": "Spark Trixx", "version": read})

    deal.refresh_from_db()
    assert response.status_code == 409 and response.json()["detail"] == str(StaleUpdate.default_message)
    assert (deal.product, deal.amount) == ("Sea-Doo GTI 130", Decimal("19000.00"))
    assert timeline_for(deal).filter(verb="opportunity_updated").count() == 1  # the manager's only


def test_the_api_says_the_amount_is_locked_and_refuses_it(salesperson_api, salesperson, quoted):
    deal = _accepted(salesperson, quoted)

    body = salesperson_api.get(f"/opportunities/{deal.pk}").json()
    response = salesperson_api.patch(f"/opportunities/{deal.pk}", {"amount": "1.00", "version": body["version"]})

    assert body["amount_locked"] is True
    assert response.status_code == 422 and response.json()["errors"] == [
        {"field": "amount", "message": str(FIGURES_FROM_QUOTE)}]


# --- Reassigning ---------------------------------------------------------------------------------

def test_reassigning_moves_the_open_tasks(salesperson, manager, colleague, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    soon = timezone.now() + timedelta(days=1)
    open_task = task_create(actor=salesperson, title="Rappeler pour l'essai", due_at=soon, opportunity=deal.pk)
    done = task_create(actor=salesperson, title="Premier appel", due_at=soon, opportunity=deal.pk)
    task_complete(actor=salesperson, task_id=done.pk)
    managers = task_create(actor=manager, title="Valider le prix", due_at=soon, opportunity=deal.pk)
    elsewhere = task_create(actor=salesperson, title="Autre client", due_at=soon)
    versions = dict(Task.objects.values_list("pk", "version"))

    opportunity_update(actor=manager, opportunity_id=deal.pk, salesperson=colleague.pk)

    assignees = dict(Task.objects.values_list("pk", "assignee"))
    assert assignees == {open_task.pk: colleague.pk, done.pk: salesperson.pk, managers.pk: manager.pk,
                         elsewhere.pk: salesperson.pk}
    assert Task.objects.get(pk=open_task.pk).version == versions[open_task.pk] + 1
    assert Task.objects.get(pk=done.pk).version == versions[done.pk]
    moved = timeline_for(open_task).filter(verb="task_updated").get()
    assert moved.data["assignee"] == {"from": salesperson.pk, "to": colleague.pk} and moved.actor == manager
    row = timeline_for(deal).filter(verb="opportunity_reassigned").get()
    assert row.data == {"from": salesperson.display_name, "to": "Marie Tremblay", "from_id": salesperson.pk,
                        "to_id": colleague.pk, "tasks": 1}
    assert TimelineEvent.objects.filter(verb="opportunity_reassigned", subject_id=deal.customer_id).exists()


def test_the_new_salesperson_is_told_by_email_in_their_language(salesperson, manager, colleague, pipeline,
                                                                django_capture_on_commit_callbacks):
    deal = make_opportunity(salesperson, make_customer(salesperson, first_name="Gabrielle", last_name="Roy"),
                            pipeline, product="Sea-Doo GTI 130")
    task_create(actor=salesperson, title="Rappeler", due_at=timezone.now() + timedelta(days=1), opportunity=deal.pk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        opportunity_update(actor=manager, opportunity_id=deal.pk, salesperson=colleague.pk)
        assert not mail.outbox  # not before the change is committed

    assert len(callbacks) == 1 and len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [colleague.email]
    assert email.subject == f"Opportunity {deal.number} handed to you: Gabrielle Roy"
    assert f"{manager.display_name} handed you opportunity {deal.number}" in email.body
    assert "1 open task was moved to you." in email.body and f"/sales/opportunities/{deal.pk}/" in email.body


def test_taking_a_deal_oneself_sends_no_email(salesperson, manager, pipeline, django_capture_on_commit_callbacks):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)

    with django_capture_on_commit_callbacks(execute=True):
        opportunity_update(actor=manager, opportunity_id=deal.pk, salesperson=manager.pk)

    assert not mail.outbox
    assert timeline_for(deal).filter(verb="opportunity_reassigned").exists()


def test_a_refused_reassignment_moves_nothing_and_sends_nothing(salesperson, colleague, pipeline,
                                                                django_capture_on_commit_callbacks):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    task = task_create(actor=salesperson, title="Rappeler", due_at=timezone.now() + timedelta(days=1),
                       opportunity=deal.pk)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden) as refused:
        opportunity_update(actor=salesperson, opportunity_id=deal.pk, salesperson=colleague.pk)

    assert refused.value.message == REASSIGN_FORBIDDEN
    assert Task.objects.get(pk=task.pk).assignee == salesperson and not mail.outbox
    assert Opportunity.objects.get(pk=deal.pk).salesperson == salesperson


def test_only_a_manager_or_an_admin_reassigns_a_closed_deal(salesperson, manager, reception, colleague, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="100", cost="50")

    with pytest.raises(Forbidden) as refused:
        opportunity_update(actor=reception, opportunity_id=deal.pk, salesperson=colleague.pk)
    opportunity_update(actor=manager, opportunity_id=deal.pk, salesperson=colleague.pk)

    assert refused.value.message == CLOSED_REASSIGN_FORBIDDEN
    assert Opportunity.objects.get(pk=deal.pk).salesperson == colleague


def test_reassigning_through_the_api(make_api, manager, salesperson, colleague, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    task_create(actor=salesperson, title="Rappeler", due_at=timezone.now() + timedelta(days=1), opportunity=deal.pk)

    response = make_api(manager).patch(f"/opportunities/{deal.pk}", {"salesperson": colleague.pk, "version": 1})

    assert response.status_code == 200, response.json()
    assert response.json()["salesperson"] == colleague.pk
    assert Task.objects.get(opportunity=deal).assignee == colleague


# --- The pages -----------------------------------------------------------------------------------

def test_the_edit_page_saves_what_changed_and_shows_the_locked_amount_read_only(client, salesperson, quoted):
    deal = _accepted(salesperson, quoted)
    client.force_login(salesperson)

    page = client.get(f"/sales/opportunities/{deal.pk}/edit/").content.decode()
    response = client.post(f"/sales/opportunities/{deal.pk}/edit/", {
        "version": deal.version, "product": "Sea-Doo GTI SE 170", "unit": "", "amount": "1,00", "cost": "",
        "source": "", "expected_decision_date": "2026-12-20"})

    deal.refresh_from_db()
    assert str(FIGURES_FROM_QUOTE).replace("'", "&#x27;") in page and 'name="amount"' in page and "disabled" in page
    assert 'name="assignees"' not in page  # a salesperson puts no colleague on a deal
    assert response.status_code == 302 and response.url == f"/sales/opportunities/{deal.pk}/"
    assert (deal.product, deal.amount, deal.expected_decision_date) == (
        "Sea-Doo GTI SE 170", Decimal("18999.00"), date(2026, 12, 20))
    assert [c["field"] for c in _changes(deal)] == ["product", "expected_decision_date"]


def test_a_stale_edit_page_says_so_and_changes_nothing(client, salesperson, manager, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130")
    opportunity_update(actor=manager, opportunity_id=deal.pk, amount="19000")
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/edit/", {"version": 1, "product": "Spark Trixx"})

    assert response.status_code == 409 and "modifiée par quelqu" in response.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).product == "Sea-Doo GTI 130"


def test_a_manager_reassigns_from_the_card(client, manager, salesperson, colleague, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(manager)

    card = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()
    response = client.post(f"/sales/opportunities/{deal.pk}/reassign/", {"salesperson": colleague.pk,
                                                                         "version": deal.version}, follow=True)

    assert "Réassigner" in card
    assert Opportunity.objects.get(pk=deal.pk).salesperson == colleague
    assert [str(m) for m in response.context["messages"]] == ["Opportunité confiée à Marie Tremblay."]


def test_a_salesperson_is_offered_no_reassignment(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    card = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()

    assert "Réassigner" not in card and "Modifier" in card


def test_each_tab_of_the_card_is_a_link_and_htmx_gets_the_tabs_alone(client, manager, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130")
    opportunity_update(actor=manager, opportunity_id=deal.pk, amount="19000")
    client.force_login(manager)

    whole = client.get(f"/sales/opportunities/{deal.pk}/?tab=history")
    tabs = client.get(f"/sales/opportunities/{deal.pk}/?tab=history", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="opportunity-tabs")
    unknown = client.get(f"/sales/opportunities/{deal.pk}/?tab=nowhere").content.decode()

    html = whole.content.decode()
    assert 'aria-selected="true"' in html and "Montant</span> : — → 19" in html and "<h1" in html
    assert "<h1" not in tabs.content.decode() and "Montant</span> : — → 19" in tabs.content.decode()
    assert "HX-Target" in whole["Vary"]
    assert 'id="tab-messages" href="/sales/opportunities/' in unknown  # a pipeline without quotes opens there
    assert 'id="tab-quotes"' not in unknown


def test_the_card_costs_the_same_queries_with_one_task_or_twenty(client, manager, salesperson, pipeline,
                                                                 django_assert_max_num_queries):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    task_create(actor=salesperson, title="Rappeler", due_at=timezone.now() + timedelta(days=1), opportunity=deal.pk)
    client.force_login(manager)
    for tab in ("", "?tab=tasks", "?tab=history"):
        client.get(f"/sales/opportunities/{deal.pk}/{tab}")
        worker_status_forget()  # a manager's page asks after the worker, cached a few seconds: a miss each time
        with CaptureQueriesContext(connection) as few:
            client.get(f"/sales/opportunities/{deal.pk}/{tab}")
        for index in range(19):
            task_create(actor=salesperson, title=f"Tâche {index}", due_at=timezone.now() + timedelta(days=2),
                        opportunity=deal.pk)
            opportunity_update(actor=manager, opportunity_id=deal.pk, amount=str(1000 + index))

        worker_status_forget()
        with django_assert_max_num_queries(len(few)):
            client.get(f"/sales/opportunities/{deal.pk}/{tab}")


def test_the_follow_up_saved_from_its_tab_comes_back_to_it(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    client.force_login(salesperson)

    response = client.post(f"/sales/opportunities/{deal.pk}/case/", {"version": deal.version, "probability": "60"})

    assert response.status_code == 302 and response.url == f"/sales/opportunities/{deal.pk}/?tab=case"
    assert Opportunity.objects.get(pk=deal.pk).probability == 60


def test_the_new_salesperson_sees_the_customers_contacts_without_a_link_to_a_card_not_theirs(
        client, manager, colleague, pipeline):
    customer = make_customer(manager, first_name="Gabrielle", last_name="Roy",
                             phones=[{"kind": "mobile", "number": "819 555-0142"}])
    deal = make_opportunity(manager, customer, pipeline)
    opportunity_update(actor=manager, opportunity_id=deal.pk, salesperson=colleague.pk)
    client.force_login(colleague)

    html = client.get(f"/sales/opportunities/{deal.pk}/").content.decode()

    assert "Gabrielle Roy" in html and "(819) 555-0142" in html
    assert f'href="/customers/{customer.pk}/"' not in html
    assert client.get(f"/customers/{customer.pk}/").status_code == 404


def test_a_won_deal_edits_with_its_figures_and_unit_read_only_for_a_salesperson(client, salesperson, pipeline):
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline, product="Sea-Doo GTI 130")
    opportunity_change_status(actor=salesperson, opportunity_id=deal.pk, status="won", amount="100", cost="50")
    client.force_login(salesperson)

    form = client.get(f"/sales/opportunities/{deal.pk}/edit/").context["form"]
    response = client.post(f"/sales/opportunities/{deal.pk}/edit/", {
        "version": Opportunity.objects.get(pk=deal.pk).version, "product": "Sea-Doo GTI SE 170", "amount": "1"})

    assert {name for name, field in form.fields.items() if field.disabled} == {"unit", "amount", "cost"}
    deal.refresh_from_db()
    assert response.status_code == 302 and (deal.product, deal.amount) == ("Sea-Doo GTI SE 170", Decimal("100.00"))


def test_the_history_names_the_admins_lists_in_the_readers_language(salesperson, pipeline):
    salon = Source.objects.create(name="Salon du bateau", name_en="Boat show")
    rival = Competitor.objects.create(name="Marine Lévis", name_en="Levis Marine")
    deal = make_opportunity(salesperson, make_customer(salesperson), pipeline)
    opportunity_update(actor=salesperson, opportunity_id=deal.pk, source=salon.pk, competitors=[rival.pk],
                       probability=70)

    with translation.override("en"):
        [event] = [e for e in opportunity_history(deal) if e.verb == "opportunity_updated"]
        shown = [(str(c["label"]), c["from"], c["to"]) for c in event.changes]

    assert shown == [("Source", None, "Boat show"), ("Probability", None, 70), ("Competitors", None, ["Levis Marine"])]
