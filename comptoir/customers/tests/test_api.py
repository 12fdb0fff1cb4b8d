from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.models import Tag
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db

NEW = {"first_name": "Émilie", "last_name": "Gagné", "email": " Emilie@Videotron.ca ",
       "phones": [{"kind": "mobile", "number": "819 555-0142"}], "postal_code": "J1H 5N4", "source": "Salon"}


def test_creating_a_customer_answers_the_card(salesperson_api, salesperson):
    response = salesperson_api.post("/customers", NEW)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "emilie@videotron.ca" and body["email_status"] == "valid"
    assert body["phones"] == [{"kind": "mobile", "number": "(819) 555-0142", "e164": "+18195550142", "extension": ""}]
    assert body["media_name"] == "En magasin" and body["source_name"] == "Salon"
    assert body["salesperson"] == salesperson.pk and body["created_by"] == salesperson.pk
    assert body["sure_duplicates"] == 0 and body["version"] == 1


def test_a_fake_email_answers_422_naming_the_rule_and_saves_nothing(salesperson_api):
    response = salesperson_api.post("/customers", {**NEW, "email": "aucun@aucun.com"})

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "email" and "fictive" in error["message"]
    assert not Customer.objects.exists()


def test_the_fake_email_message_is_english_for_an_english_client(salesperson_api):
    response = salesperson_api.client.post(
        "/api/v1/customers", {**NEW, "email": "x@nomail.com"}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en", **salesperson_api.headers,
    )

    assert response.status_code == 422
    assert "fictive" not in response.json()["errors"][0]["message"]


def test_a_malformed_email_is_a_422_on_email(salesperson_api):
    response = salesperson_api.post("/customers", {**NEW, "email": "emilie@"})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"


def test_an_unparseable_phone_is_a_422_on_that_phone(salesperson_api):
    response = salesperson_api.post("/customers", {**NEW, "phones": [{"number": "12"}]})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "phones.0.number"


def test_no_email_answers_the_placeholder(salesperson_api):
    response = salesperson_api.post("/customers", {**NEW, "email": "", "no_email": True})

    body = response.json()
    assert body["email_status"] == "placeholder" and body["email"].startswith(f"nomail_{body['id']}@")


def test_a_customer_another_salesperson_owns_answers_404(salesperson_api):
    hidden = make_customer(UserFactory())

    assert salesperson_api.get(f"/customers/{hidden.pk}").status_code == 404
    assert salesperson_api.patch(f"/customers/{hidden.pk}", {"city": "X"}).status_code == 404
    assert salesperson_api.get(f"/customers/{hidden.pk}/timeline").status_code == 404
    hidden.refresh_from_db()
    assert hidden.city == "" and hidden.version == 1


@pytest.mark.parametrize("params", [{"q": "²"}, {"tag": "²"}, {"salesperson": "9" * 25}, {"q": "a@\U0010ffff"},
                                    {"q": "\x00"}, {"q": "9" * 20}, {"q": "!!!"}])
def test_odd_searches_answer_a_list_or_a_422_never_a_500(manager, make_api, params):
    response = make_api(manager).get("/customers", params)

    assert response.status_code in (200, 422)


@pytest.mark.parametrize("payload", [{"other_id": 10**25}, {"other_id": "²"}])
def test_an_impossible_merge_id_is_a_4xx(manager, make_api, payload):
    keep = make_customer(manager)

    assert make_api(manager).post(f"/customers/{keep.pk}/merge", payload).status_code in (404, 422)


@pytest.mark.parametrize("field", ["source", "media", "tags"])
def test_a_unicode_digit_list_entry_is_a_422(salesperson_api, field):
    response = salesperson_api.post("/customers", {**NEW, field: ["²"] if field == "tags" else "²"})

    assert response.status_code == 422


def test_a_stale_patch_answers_409(salesperson_api, salesperson):
    customer = make_customer(salesperson)
    assert salesperson_api.patch(f"/customers/{customer.pk}", {"city": "Magog", "version": 1}).status_code == 200

    stale = salesperson_api.patch(f"/customers/{customer.pk}", {"city": "Orford", "version": 1})

    assert stale.status_code == 409
    customer.refresh_from_db()
    assert customer.city == "Magog"


def test_search_by_q(salesperson_api, salesperson):
    helene = make_customer(salesperson, first_name="Hélène", phones=[{"number": "450 555 0199"}])
    make_customer(salesperson, first_name="Paul")

    by_name = salesperson_api.get("/customers", {"q": "helene"}).json()
    by_tail = salesperson_api.get("/customers", {"q": "0199"}).json()

    assert [c["id"] for c in by_name["items"]] == [helene.pk] and by_name["count"] == 1
    assert [c["id"] for c in by_tail["items"]] == [helene.pk]


def test_listing_customers_costs_the_same_queries_whatever_the_page_size(manager, make_api,
                                                                       django_assert_num_queries):
    api = make_api(manager)
    Tag.objects.create(name="Tag")
    for i in range(12):
        make_customer(manager, first_name=f"Client{i}", phones=[{"number": f"819 555 01{i:02d}"}], tags=["Tag"]
                      if i == 0 else [])
    api.get("/customers", {"limit": 1})

    # Issue 25: name probe, count, page, phones with tags (the token and the lists' names from the cache).
    with django_assert_num_queries(4):
        small = api.get("/customers", {"limit": 2, "q": "client"})
    with django_assert_num_queries(4):
        large = api.get("/customers", {"limit": 12, "q": "client"})
    with django_assert_num_queries(3):  # no search: count, page, phones with tags
        plain = api.get("/customers", {"limit": 12, "offset": 3})

    assert len(small.json()["items"]) == 2 and len(large.json()["items"]) == 12 and len(plain.json()["items"]) == 9
    assert small.json()["count"] == large.json()["count"] == plain.json()["count"] == 12  # exact
    assert large.json()["items"][0]["tags"] == ["Tag"] and large.json()["items"][0]["phones"][0]["e164"]


def test_the_card_is_two_queries_and_counts_its_sure_duplicates_as_before(manager, salesperson, make_api,
                                                                          django_assert_num_queries):
    from comptoir.customers import selectors
    from comptoir.customers.models import CustomerEmail

    # given: a customer sharing a phone with one, their address with another, a merged-in address with a
    # third (the salesperson's, whom the salesperson alone sees among the others), and unrelated ones
    api = make_api(manager)
    card = make_customer(manager, email="marie@videotron.ca", salesperson=None,
                         phones=[{"number": "819 555 0100"}, {"number": "819 555 0101"}])
    CustomerEmail.objects.create(customer=card, email="marie.old@gmail.com", email_status="valid")
    make_customer(manager, first_name="Phone", phones=[{"number": "819 555 0101"}], create_anyway=True)
    make_customer(manager, first_name="Email", email="marie@videotron.ca", create_anyway=True)
    make_customer(salesperson, first_name="Old", email="marie.old@gmail.com", salesperson=salesperson.pk,
                  create_anyway=True)
    make_customer(manager, first_name="Other", email="autre@videotron.ca", phones=[{"number": "819 555 0199"}])
    card.refresh_from_db()
    api.get(f"/customers/{card.pk}")

    # when
    with django_assert_num_queries(2):
        body = api.get(f"/customers/{card.pk}").json()

    # then: the figure the selector counted one way for everyone is the same
    assert body["sure_duplicates"] == selectors.customer_sure_duplicate_count(card, actor=manager) == 3
    assert selectors.customer_card(actor=salesperson, pk=card.pk)["sure_duplicates"] \
        == selectors.customer_sure_duplicate_count(card, actor=salesperson)
    assert [phone["number"] for phone in body["phones"]] == ["(819) 555-0100", "(819) 555-0101"]


def test_duplicates_endpoint_names_the_reason(manager, make_api):
    api = make_api(manager)
    customer = make_customer(manager, email="dup@videotron.ca")
    twin = make_customer(manager, first_name="Jumeau", email="dup@videotron.ca")

    response = api.get(f"/customers/{customer.pk}/duplicates")

    assert response.json() == [{"id": twin.pk, "reason": "email", "reasons": ["email"]}]
    assert api.get(f"/customers/{customer.pk}").json()["sure_duplicates"] == 1


def test_merge_answers_the_survivor_and_the_other_then_answers_404(manager, make_api):
    api = make_api(manager)
    keep = make_customer(manager, email="")
    other = make_customer(manager, first_name="Autre", email="autre@videotron.ca")

    response = api.post(f"/customers/{keep.pk}/merge", {"other_id": other.pk})

    assert response.status_code == 200 and response.json()["email"] == "autre@videotron.ca"
    assert api.get(f"/customers/{other.pk}").status_code == 404
    timeline = api.get(f"/customers/{keep.pk}/timeline").json()
    assert timeline["items"][0]["verb"] == "customer_merged"


def test_merging_an_unknown_customer_answers_404_and_changes_nothing(manager, make_api):
    keep = make_customer(manager)

    response = make_api(manager).post(f"/customers/{keep.pk}/merge", {"other_id": 999999})

    assert response.status_code == 404
    keep.refresh_from_db()
    assert keep.version == 1


def test_a_note_lands_on_the_card_and_in_the_timeline(salesperson_api, salesperson):
    customer = make_customer(salesperson)

    response = salesperson_api.post(f"/customers/{customer.pk}/notes", {"body": "Veut un ponton 22 pi."})

    assert response.status_code == 201
    assert salesperson_api.get(f"/customers/{customer.pk}/timeline").json()["items"][0]["verb"] == "note_added"


def test_email_ratio_answers_the_contract(manager, make_api, salesperson):
    make_customer(salesperson, email="a@videotron.ca")
    make_customer(salesperson)

    body = make_api(manager).get("/analytics/email-ratio").json()

    assert set(body) == {"month", "target_pct", "overall", "by_salesperson"}
    assert body["target_pct"] == "75.00"
    assert body["overall"] == {"created": 2, "with_valid_email": 1, "ratio_pct": "50.00"}
    row = body["by_salesperson"][0]
    assert set(row) == {"user", "label", "created", "with_valid_email", "ratio_pct", "points_lost"}
    assert (row["user"], row["points_lost"]) == (salesperson.pk, 1)


@pytest.mark.parametrize("month", ["2026-13", "0000-01", "9999-12", "2026-1"])
def test_email_ratio_refuses_a_bad_month(manager, make_api, month):
    response = make_api(manager).get("/analytics/email-ratio", {"month": month})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "month"


def test_a_salesperson_sees_only_their_own_row_of_the_email_ratio(salesperson, make_api):
    make_customer(salesperson, email="a@videotron.ca")
    make_customer(UserFactory())

    body = make_api(salesperson).get("/analytics/email-ratio").json()

    assert [row["user"] for row in body["by_salesperson"]] == [salesperson.pk]
    assert body["overall"]["created"] == 2


def test_an_empty_month_has_a_null_ratio(manager, make_api):
    body = make_api(manager).get("/analytics/email-ratio", {"month": "2020-01"}).json()

    assert body["overall"] == {"created": 0, "with_valid_email": 0, "ratio_pct": None}


def test_email_ratio_csv_recomputes_to_the_same_ratios(manager, make_api, salesperson):
    import csv
    import io

    make_customer(salesperson, email="a@videotron.ca")
    make_customer(salesperson)
    make_customer(salesperson)

    response = make_api(manager).get("/analytics/email-ratio", {"format": "csv"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # in the caller's language (API.md)
    assert rows[0]["Vendeur"] == "Total" and rows[0]["Ratio (%)"] == "33,33"
    row = rows[1]
    assert Decimal(row["Ratio (%)"].replace(",", ".")) == (
        Decimal(row["Avec courriel valide"]) * 100 / int(row["Clients créés"])).quantize(Decimal("0.01"))
