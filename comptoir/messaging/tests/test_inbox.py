"""The inbox (« Courriels »): each user's received replies to answer, with a count in the topbar, marked
read or unread by the API and the page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import context_processors, selectors, services
from comptoir.messaging.models import Message
from comptoir.sales.tests.factories import make_opportunity
from comptoir.timeline.models import TimelineEvent


@pytest.fixture
def rival(db):
    return UserFactory(role="salesperson")


def _sent(actor, **target) -> Message:
    return services.message_send(actor=actor, subject="Votre essai routier", body="Bonjour", **target)


_replies = iter(range(1, 10_000))


def _reply(*, to: Message | None = None, sender="julie.roy@exemple.ca", subject="Re: Votre essai routier",
           body="Oui, jeudi à 10 h me convient.\n\n> Bonjour") -> Message:
    """A reply as fetch-mail files it: by In-Reply-To when it names one of ours, else by address."""
    reply = services.reply_received(from_address=sender, subject=subject, body_text=body,
                                    message_id=f"r{next(_replies)}@exemple.ca",
                                    references=[to.message_id] if to is not None else [])
    assert reply is not None
    return reply


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ids(queryset) -> list[int]:
    return [m.pk for m in queryset]


# --- Whose inbox ---------------------------------------------------------------------------------------------

def test_a_reply_lands_in_its_salespersons_inbox_and_not_in_a_colleagues(salesperson, rival, deal):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))

    assert _ids(selectors.inbox(salesperson)) == [reply.pk]
    assert _ids(selectors.inbox(rival)) == []
    assert (selectors.inbox_unread_count(salesperson), selectors.inbox_unread_count(rival)) == (1, 0)


def test_the_deals_salesperson_answers_a_reply_to_a_managers_message_not_the_manager(salesperson, manager, deal):
    reply = _reply(to=_sent(manager, opportunity=deal.pk))

    assert _ids(selectors.inbox(salesperson)) == [reply.pk]
    assert _ids(selectors.inbox(manager)) == []


def test_a_customer_given_to_another_salesperson_takes_its_replies_with_it(salesperson, rival, manager, deal):
    from comptoir.customers.services import customer_update

    customer_update(actor=manager, customer_id=deal.customer_id, salesperson=rival.pk)
    reply = _reply()  # by address: filed under the customer alone

    assert (reply.customer_id, reply.opportunity_id) == (deal.customer_id, None)
    assert _ids(selectors.inbox(rival)) == [reply.pk]
    assert _ids(selectors.inbox(salesperson)) == []


def test_a_reply_filed_under_a_lead_goes_to_the_leads_owner(salesperson, rival):
    from comptoir.leads.services import lead_create

    lead = lead_create(actor=salesperson, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")
    reply = _reply(sender="marc.cote@exemple.ca")

    assert reply.lead_id == lead.pk
    assert _ids(selectors.inbox(salesperson)) == [reply.pk]
    assert _ids(selectors.inbox(rival)) == []


def test_a_reply_about_an_unowned_customer_goes_to_whoever_wrote_the_message_it_answers(
        salesperson, rival, reception, make_api):
    walk_in = make_customer(reception, first_name="Julie", last_name="Roy", email="julie.roy@exemple.ca")
    assert walk_in.salesperson_id is None
    answered = _reply(to=_sent(salesperson, customer=walk_in.pk))
    out_of_the_blue = _reply(subject="Une question")  # answers nothing of ours: nobody's to answer

    assert _ids(selectors.inbox(salesperson)) == [answered.pk]
    assert _ids(selectors.inbox(rival)) == [] and _ids(selectors.inbox(reception)) == []
    assert out_of_the_blue.customer_id == walk_in.pk and out_of_the_blue.in_reply_to_id is None
    # The owner may always open what is in their inbox.
    assert make_api(salesperson).post(f"/messages/{answered.pk}/read", {}).status_code == 200


def test_the_inbox_lists_unread_replies_newest_first_and_every_reply_on_request(salesperson, deal):
    sent = _sent(salesperson, opportunity=deal.pk)
    first, second = _reply(to=sent), _reply(to=sent)
    services.message_mark_read(actor=salesperson, message_id=first.pk)

    assert _ids(selectors.inbox(salesperson)) == [second.pk]
    assert _ids(selectors.inbox(salesperson, unread_only=False)) == [second.pk, first.pk]
    assert sent.pk not in _ids(selectors.inbox(salesperson, unread_only=False))  # what we sent is no reply


# --- Who may see whose inbox -----------------------------------------------------------------------------------

def test_a_salesperson_may_not_read_anothers_inbox(salesperson, rival, deal, make_api):
    _reply(to=_sent(salesperson, opportunity=deal.pk))
    api = make_api(rival)

    response = api.get(f"/messages/inbox?user={salesperson.pk}")

    assert response.status_code == 403 and response.json()["detail"] == str(selectors.INBOX_FORBIDDEN)
    assert _signed_in(rival).get(f"/messages/inbox/?user={salesperson.pk}").status_code == 403
    assert api.get(f"/messages/inbox?user={rival.pk}").json() == {"items": [], "count": 0}  # one's own: fine


@pytest.mark.parametrize("role", ["sales_manager", "admin"])
def test_managers_and_admins_read_a_salespersons_inbox(role, salesperson, deal, make_api):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))
    boss = UserFactory(role=role)

    body = make_api(boss).get(f"/messages/inbox?user={salesperson.pk}").json()

    assert body["count"] == 1 and [m["id"] for m in body["items"]] == [reply.pk]
    assert body["items"][0]["opportunity"] == deal.pk and body["items"][0]["read_at"] is None
    assert make_api(boss).get("/messages/inbox").json()["count"] == 0  # their own is empty
    assert make_api(boss).get("/messages/inbox?user=999999").status_code == 404
    page = _signed_in(boss).get(f"/messages/inbox/?user={salesperson.pk}").content.decode()
    assert "Re: Votre essai routier" in page and f'<option value="{salesperson.pk}" selected>' in page


def test_the_page_offers_the_salesperson_select_to_managers_only(salesperson, manager, rival):
    assert 'name="user"' in _signed_in(manager).get("/messages/inbox/").content.decode()
    assert 'name="user"' not in _signed_in(salesperson).get("/messages/inbox/").content.decode()


# --- Read and unread ---------------------------------------------------------------------------------------------

def test_marking_read_and_unread_through_the_api_is_idempotent_and_writes_no_history(salesperson, deal, make_api):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))
    api = make_api(salesperson)
    history = TimelineEvent.objects.count()

    first = api.post(f"/messages/{reply.pk}/read", {}).json()["read_at"]
    again = api.post(f"/messages/{reply.pk}/read", {}).json()["read_at"]

    assert first is not None and again == first  # read once: the first time it was read is kept
    assert api.get("/messages/inbox/count").json() == {"unread": 0}
    assert api.get("/messages/inbox").json() == {"items": [], "count": 0}
    assert [m["id"] for m in api.get("/messages/inbox?unread=false").json()["items"]] == [reply.pk]

    assert api.post(f"/messages/{reply.pk}/unread").json()["read_at"] is None
    assert api.post(f"/messages/{reply.pk}/unread").json()["read_at"] is None
    assert api.get("/messages/inbox/count").json() == {"unread": 1}
    assert TimelineEvent.objects.count() == history


def test_a_row_is_marked_read_then_unread_in_place_and_the_topbar_count_follows(salesperson, deal):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))
    client = _signed_in(salesperson)
    htmx = {"HTTP_HX_REQUEST": "true"}

    row = client.post(f"/messages/inbox/{reply.pk}/read/", {"next": "/messages/inbox/"}, **htmx).content.decode()

    assert row.startswith(f'<li class="inbox-row" id="inbox-message-{reply.pk}">')
    assert "Marquer comme non lu" in row and f'hx-post="/messages/inbox/{reply.pk}/unread/"' in row
    assert 'id="nav-inbox"' in row and 'hx-swap-oob="true"' in row and 'class="badge"' not in row
    row = client.post(f"/messages/inbox/{reply.pk}/unread/", {"next": "/messages/inbox/"}, **htmx).content.decode()
    assert f'<li class="inbox-row unread" id="inbox-message-{reply.pk}">' in row
    assert "Marquer comme lu" in row and '<span class="badge">1</span>' in row


def test_without_javascript_the_row_buttons_come_back_to_the_inbox_as_filtered(salesperson, deal):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))
    client = _signed_in(salesperson)

    response = client.post(f"/messages/inbox/{reply.pk}/read/", {"next": "/messages/inbox/?unread=false"})
    assert response.status_code == 302 and response["Location"] == "/messages/inbox/?unread=false"
    reply.refresh_from_db()
    assert reply.read_at is not None
    elsewhere = client.post(f"/messages/inbox/{reply.pk}/unread/", {"next": "https://ailleurs.example/"})
    assert elsewhere["Location"] == "/messages/inbox/"


def test_opening_a_reply_marks_it_read_for_its_owner_but_not_for_a_manager_looking(salesperson, manager, deal):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk))

    page = _signed_in(manager).get(f"/messages/inbox/{reply.pk}/").content.decode()
    reply.refresh_from_db()
    assert "Oui, jeudi à 10 h me convient." in page and "&gt; Bonjour" in page and reply.read_at is None

    page = _signed_in(salesperson).get(f"/messages/inbox/{reply.pk}/").content.decode()
    reply.refresh_from_db()
    assert "&gt; Bonjour" in page and deal.number in page and reply.read_at is not None
    assert "Marquer comme non lu" in page


def test_the_list_shows_date_sender_customer_subject_first_line_and_deal_unread_in_bold(salesperson, deal):
    reply = _reply(to=_sent(salesperson, opportunity=deal.pk), body="\n> Bonjour Julie\nOui, jeudi.\nMerci")

    page = _signed_in(salesperson).get("/messages/inbox/").content.decode()

    assert f'<li class="inbox-row unread" id="inbox-message-{reply.pk}">' in page
    assert "julie.roy@exemple.ca" in page and f'href="/customers/{deal.customer_id}/">Julie Roy</a>' in page
    assert f'href="/sales/opportunities/{deal.pk}/">{deal.number}</a>' in page
    assert "Re: Votre essai routier" in page
    assert '<span class="inbox-first-line">Oui, jeudi.</span>' in page
    assert 'href="/messages/inbox/">Courriels <span class="badge">1</span></a>' in page


# --- Not one's to see ------------------------------------------------------------------------------------------

def test_a_message_one_may_not_see_is_not_found(salesperson, rival, pipeline, make_api):
    theirs = make_customer(rival, email="autre@exemple.ca")
    reply = _reply(to=_sent(rival, opportunity=make_opportunity(rival, theirs, pipeline).pk),
                   sender="autre@exemple.ca")
    api, client = make_api(salesperson), _signed_in(salesperson)

    assert api.post(f"/messages/{reply.pk}/unread").status_code == 404
    assert api.post(f"/messages/{reply.pk}/read", {}).status_code == 404
    assert client.get(f"/messages/inbox/{reply.pk}/").status_code == 404
    assert client.post(f"/messages/inbox/{reply.pk}/read/").status_code == 404
    reply.refresh_from_db()
    assert reply.read_at is None


# --- The count in the topbar and what the inbox costs ---------------------------------------------------------------

def test_the_topbar_shows_how_many_replies_are_unread(salesperson, rival, deal):
    sent = _sent(salesperson, opportunity=deal.pk)
    _reply(to=sent), _reply(to=sent)

    mine = _signed_in(salesperson).get("/my-day/").content.decode()
    theirs = _signed_in(rival).get("/my-day/").content.decode()

    assert 'href="/messages/inbox/">Courriels <span class="badge">2</span></a>' in mine
    assert 'href="/messages/inbox/">Courriels</a>' in theirs


def test_the_unread_count_is_one_query_run_only_when_a_page_prints_it(salesperson, deal, django_assert_num_queries):
    sent = _sent(salesperson, opportunity=deal.pk)
    _reply(to=sent), _reply(to=sent)
    request = RequestFactory().get("/")
    request.user = salesperson

    with django_assert_num_queries(0):
        context = context_processors.inbox(request)
    with django_assert_num_queries(1):
        assert str(context["inbox_unread"]) == "2" and context["inbox_unread"]
    with django_assert_num_queries(1) as captured:
        assert selectors.inbox_unread_count(salesperson) == 2
    assert captured.captured_queries[0]["sql"].startswith("SELECT COUNT(*)")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert not context_processors.inbox(request)["inbox_unread"]


def test_the_unread_count_reads_the_inbox_index(salesperson):
    """The count reads message_inbox_idx (the unread replies), which holds every column it reads of a message."""
    executed = []

    def keep(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        selectors.inbox_unread_count(salesperson)
    [(sql, params)] = executed  # as the database receives it: with bound parameters
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "COVERING INDEX message_inbox_idx" in plan
        else:
            # A test table is too small, and too fresh (no visibility map for an index-only scan), for the
            # planner to prefer it; what matters here is that the count's WHERE implies the index's
            # predicate, so PostgreSQL may use it. The other index on replies goes for this transaction.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("DROP INDEX message_inbound_once")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "message_inbox_idx" in plan


def _replies_to(salesperson, pipeline, count):
    for number in range(count):
        customer = make_customer(salesperson, first_name=f"Client{number}", email=f"client{number}@exemple.ca")
        deal = make_opportunity(salesperson, customer, pipeline)
        _reply(to=_sent(salesperson, opportunity=deal.pk), sender=f"client{number}@exemple.ca")


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_a_page_of_the_inbox_costs_the_same_queries_whatever_its_size(salesperson, pipeline, make_api,
                                                                      django_assert_num_queries):
    def read_rows():
        return [(m.customer, m.lead, m.opportunity, m.sender) for m in selectors.inbox(salesperson)]

    _replies_to(salesperson, pipeline, 2)
    with django_assert_num_queries(1):
        assert len(read_rows()) == 2
    api, client = make_api(salesperson), _signed_in(salesperson)
    api.get("/messages/inbox"), client.get("/messages/inbox/")  # a first request's one-off reads (token, session)
    small_api = _queries(lambda: api.get("/messages/inbox"))
    small_page = _queries(lambda: client.get("/messages/inbox/"))

    _replies_to(salesperson, pipeline, 10)
    with django_assert_num_queries(1):
        assert len(read_rows()) == 12
    assert _queries(lambda: api.get("/messages/inbox")) == small_api
    assert _queries(lambda: client.get("/messages/inbox/")) == small_page
