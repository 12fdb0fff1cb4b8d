"""Walk-in rules, through the services: who records for whom, the customer found or created by the
customer rules, the salesperson's task and email, reassigning, and what came out of the visit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Task
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, StaleUpdate
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer
from comptoir.sales.tests.factories import make_opportunity, make_pipeline
from comptoir.timeline.models import TimelineEvent
from comptoir.walkins import services
from comptoir.walkins.models import StoreVisit
from comptoir.walkins.selectors import walk_in_get
from comptoir.walkins.tests.factories import make_walk_in

pytestmark = pytest.mark.django_db


def test_an_existing_customer_is_found_not_duplicated_and_nobodys_customer_becomes_the_salespersons(
        reception, salesperson):
    # given: a customer reception entered (nobody's), and one another salesperson owns
    unowned = make_customer(reception, first_name="Julie", last_name="Roy", email="julie@exemple.ca")
    owner = UserFactory()
    owned = make_customer(owner, first_name="Marc", last_name="Côté")

    # when
    first = make_walk_in(reception, customer=unowned, salesperson=salesperson)
    second = make_walk_in(reception, customer=owned, salesperson=salesperson)

    # then
    assert Customer.objects.count() == 2
    assert (first.customer_id, second.customer_id) == (unowned.pk, owned.pk)
    assert Customer.objects.get(pk=unowned.pk).salesperson == salesperson
    assert Customer.objects.get(pk=owned.pk).salesperson == owner  # the visit does not take a colleague's customer
    assert (first.customer_assigned, second.customer_assigned) == (True, False)


def test_a_sure_duplicate_is_refused_with_its_id_and_nothing_is_saved(reception, salesperson):
    existing = make_customer(reception, last_name="Roy", phones=[{"number": "819 555-0101"}])
    counts = (Customer.objects.count(), StoreVisit.objects.count(), Task.objects.count(), TimelineEvent.objects.count())

    with pytest.raises(Conflict) as refused:
        make_walk_in(reception, salesperson=salesperson,
                     new_customer={"first_name": "Luc", "last_name": "Roy", "phones": [{"number": "(819) 555-0101"}]})

    assert refused.value.message == services.DUPLICATE_CUSTOMER
    assert refused.value.errors == [{"field": "customer", "message": str(existing.pk)}]
    assert (Customer.objects.count(), StoreVisit.objects.count(), Task.objects.count(),
            TimelineEvent.objects.count()) == counts


def test_a_duplicate_confirmed_creates_a_new_record_anyway(reception, salesperson):
    make_customer(reception, last_name="Roy", email="roy@exemple.ca")

    visit = make_walk_in(reception, salesperson=salesperson, create_anyway=True,
                         new_customer={"last_name": "Roy", "email": "roy@exemple.ca"})

    assert Customer.objects.count() == 2 and visit.customer.media.code == "in_store"


def test_the_salesperson_gets_a_task_due_now_and_an_email(reception, salesperson,
                                                          django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        visit = make_walk_in(reception, salesperson=salesperson, notes="Regarde les VTT",
                             new_customer={"first_name": "Julie", "last_name": "Roy",
                                           "phones": [{"number": "819 555-0199"}]})

    task = Task.objects.get()
    assert (task.type.code, task.title, task.assignee, task.customer_id, task.done_at) == (
        "store_visit", "Client en magasin : Julie Roy", salesperson, visit.customer_id, None)
    assert before <= task.due_at <= timezone.now()
    assert StoreVisit.objects.get().task == task
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [salesperson.email] and email.subject == "Client en magasin : Julie Roy"
    assert "(819) 555-0199" in email.body and "Regarde les VTT" in email.body
    assert f"/customers/{visit.customer_id}/" in email.body


def test_the_email_is_in_the_salespersons_language(reception, django_capture_on_commit_callbacks):
    english = UserFactory(language="en")

    with django_capture_on_commit_callbacks(execute=True):
        make_walk_in(reception, salesperson=english, new_customer={"first_name": "Ann", "last_name": "Lee"})

    with translation.override("en"):
        expected = str(services.TASK_TITLE % {"name": "Ann Lee"})
    assert mail.outbox[0].subject == Task.objects.get().title == expected


def test_a_salesperson_without_an_email_gets_the_task_and_no_email(reception, django_capture_on_commit_callbacks):
    silent = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        make_walk_in(reception, salesperson=silent)

    assert Task.objects.get().assignee == silent and mail.outbox == []


def test_a_salesperson_records_their_own_walk_in_but_not_one_for_a_colleague(salesperson):
    colleague = UserFactory()

    mine = make_walk_in(salesperson, new_customer={"last_name": "Roy"})
    with pytest.raises(Forbidden) as refused:
        make_walk_in(salesperson, salesperson=colleague, new_customer={"last_name": "Côté"})

    assert mine.salesperson == salesperson and mine.customer.salesperson == salesperson
    assert refused.value.message == services.ASSIGN_FORBIDDEN
    assert StoreVisit.objects.count() == 1 and Customer.objects.count() == 1


def test_a_found_customers_own_salesperson_serves_them_unless_another_is_named(reception, salesperson):
    regular = make_customer(salesperson, last_name="Fidèle")

    visit = make_walk_in(reception, customer=regular)

    assert visit.salesperson == salesperson and Task.objects.get().assignee == salesperson


def test_reception_must_name_the_salesperson(reception):
    with pytest.raises(ApplicationError) as refused:
        make_walk_in(reception, new_customer={"last_name": "Roy"})

    assert refused.value.message == services.SALESPERSON_REQUIRED
    assert not StoreVisit.objects.exists() and not Customer.objects.exists()


def test_a_visit_is_in_the_customers_timeline(reception, salesperson):
    visit = make_walk_in(reception, salesperson=salesperson)

    verbs = list(TimelineEvent.objects.filter(subject_id=visit.customer_id, subject_type__model="customer")
                 .values_list("verb", flat=True))
    assert "walk_in_recorded" in verbs and "customer_created" in verbs


def test_a_visit_is_not_in_the_future(reception, salesperson):
    with pytest.raises(ApplicationError) as refused:
        make_walk_in(reception, salesperson=salesperson, visited_at=timezone.now() + timedelta(hours=1))

    assert refused.value.message == services.FUTURE_VISIT and not StoreVisit.objects.exists()


def test_reassigning_hands_the_task_and_a_customer_the_visit_gave_to_the_new_salesperson(
        reception, salesperson, django_capture_on_commit_callbacks):
    other = UserFactory()
    visit = make_walk_in(reception, salesperson=salesperson)

    with django_capture_on_commit_callbacks(execute=True):
        services.walk_in_update(actor=reception, walk_in_id=visit.pk, version=visit.version, salesperson=other.pk)

    visit.refresh_from_db()
    assert visit.salesperson == other and visit.version == 2
    assert Task.objects.get().assignee == other  # the same task, handed over
    assert Customer.objects.get().salesperson == other
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_a_stale_update_is_refused_and_changes_nothing(reception, salesperson):
    other = UserFactory()
    visit = make_walk_in(reception, salesperson=salesperson)
    services.walk_in_update(actor=reception, walk_in_id=visit.pk, version=1, notes="Revient samedi")

    with pytest.raises(StaleUpdate):
        services.walk_in_update(actor=reception, walk_in_id=visit.pk, version=1, salesperson=other.pk)

    visit.refresh_from_db()
    assert (visit.salesperson, visit.notes, visit.version) == (salesperson, "Revient samedi", 2)


# --- What came out of the visit -----------------------------------------------------------------

@pytest.fixture
def pipeline(admin):
    return make_pipeline(admin)


def _opened_at(opportunity, moment):
    type(opportunity).objects.filter(pk=opportunity.pk).update(created_at=moment)


def test_an_opportunity_opened_after_the_visit_the_same_day_came_out_of_it(reception, salesperson, pipeline):
    morning = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    visit = make_walk_in(reception, salesperson=salesperson, visited_at=morning)
    deal = make_opportunity(salesperson, visit.customer, pipeline)
    _opened_at(deal, morning + timedelta(hours=2))

    found = walk_in_get(actor=salesperson, pk=visit.pk)

    assert (found.came_out_id, found.came_out_number, found.came_out_status) == (deal.pk, deal.number, "open")
    assert found.opportunity_id is None  # derived, not linked


def test_one_opened_before_the_visit_or_on_a_later_day_did_not_unless_linked(reception, salesperson, pipeline):
    morning = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=2)
    visit = make_walk_in(reception, salesperson=salesperson, visited_at=morning)
    earlier = make_opportunity(salesperson, visit.customer, pipeline)
    _opened_at(earlier, morning - timedelta(hours=1))
    later = make_opportunity(salesperson, visit.customer, pipeline)
    _opened_at(later, morning + timedelta(days=1))

    before = walk_in_get(actor=salesperson, pk=visit.pk).came_out_id
    services.walk_in_update(actor=salesperson, walk_in_id=visit.pk, opportunity=later.pk)
    linked = walk_in_get(actor=salesperson, pk=visit.pk)

    assert before is None
    assert (linked.came_out_id, linked.opportunity_id) == (later.pk, later.pk)


def test_only_an_opportunity_of_the_visits_customer_is_linked(reception, salesperson, pipeline):
    visit = make_walk_in(reception, salesperson=salesperson)
    stranger = make_customer(salesperson, last_name="Autre")
    theirs = make_opportunity(salesperson, stranger, pipeline)

    with pytest.raises(ApplicationError) as refused:
        services.walk_in_update(actor=salesperson, walk_in_id=visit.pk, opportunity=theirs.pk)

    assert refused.value.message == services.NOT_THE_CUSTOMERS
    assert StoreVisit.objects.get().opportunity is None
