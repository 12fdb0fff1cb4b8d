"""Issue 22, part 2: duplicates caught before saving. As a phone, an email or a name is typed, the sure
duplicates (same E.164 phone, same email, other addresses included) and the possible ones (a close name
with the postal code or the phone's tail) are named; saving a sure duplicate asks first, in the service,
the API and the customer form."""

import pytest
from django.utils import translation
from django.utils.html import escape

from comptoir.accounts.tests.factories import UserFactory
from comptoir.customers import selectors, services
from comptoir.customers.models import Customer, CustomerEmail, EmailStatus
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def marie(manager):
    return make_customer(manager, first_name="Marie-Ève", last_name="Côté", email="marie.cote@videotron.ca",
                         phones=[{"number": "819 555-0142"}], postal_code="J1H 5N4")


def _found(rows) -> dict:
    return {row["id"]: row["reason"] for row in rows}


# --- The service ----------------------------------------------------------------------------------

def test_a_sure_duplicate_is_refused_unless_create_anyway(manager, marie):
    # given the same number typed another way
    with pytest.raises(services.DuplicateCustomer) as refused:
        services.customer_create(actor=manager, first_name="M.", last_name="Côté", create_anyway=False,
                                 phones=[{"number": "+1 (819) 555.0142"}])

    assert refused.value.status == 409 and refused.value.message == services.DUPLICATE_CUSTOMER
    assert refused.value.duplicates == [{"id": marie.pk, "reason": "phone", "reasons": ["phone"],
                                         "display_name": "Marie-Ève Côté"}]
    assert refused.value.errors == [{"field": "phones", "message": services.SAME_PHONE_AS % {
        "name": "Marie-Ève Côté", "id": marie.pk}}]
    assert Customer.objects.count() == 1  # nothing saved

    # when the user confirms
    twin = services.customer_create(actor=manager, first_name="M.", last_name="Côté", create_anyway=True,
                                    phones=[{"number": "+1 (819) 555.0142"}])

    assert Customer.objects.count() == 2 and twin.phones.get().e164 == "+18195550142"


def test_the_same_email_in_other_letters_is_a_sure_duplicate(manager, marie):
    with pytest.raises(services.DuplicateCustomer) as refused:
        services.customer_create(actor=manager, last_name="Autre", email=" Marie.Cote@Videotron.CA ",
                                 create_anyway=False)

    assert [(d["id"], d["reason"]) for d in refused.value.duplicates] == [(marie.pk, "email")]
    assert refused.value.errors[0]["field"] == "email"


def test_another_address_a_merge_kept_is_a_sure_duplicate_too(manager):
    kept = make_customer(manager, first_name="Luc", last_name="Roy", email="luc@videotron.ca")
    CustomerEmail.objects.create(customer=kept, email="luc.roy@gmail.com")
    newcomer = make_customer(manager, first_name="Lucien", email="luc.roy@gmail.com")

    with pytest.raises(services.DuplicateCustomer) as refused:
        services.customer_create(actor=manager, last_name="Roy", email="luc.roy@gmail.com", create_anyway=False)

    assert {d["id"] for d in refused.value.duplicates} == {kept.pk, newcomer.pk}
    assert _found(selectors.customer_duplicates(newcomer, actor=manager)) == {kept.pk: "email"}
    assert _found(selectors.customer_duplicates(kept, actor=manager)) == {newcomer.pk: "email"}
    assert selectors.customer_sure_duplicate_count(selectors.customer_get(actor=manager, pk=kept.pk),
                                                   actor=manager) == 1


def test_a_bounced_other_address_still_counts_but_a_placeholder_never_does(manager):
    kept = make_customer(manager, last_name="Roy")
    CustomerEmail.objects.create(customer=kept, email="vieux@videotron.ca", email_status=EmailStatus.INVALID)
    CustomerEmail.objects.create(customer=kept, email="nomail_1@aucun-courriel.invalid",
                                 email_status=EmailStatus.PLACEHOLDER)

    found = services.customer_duplicates_check(actor=manager, email="vieux@videotron.ca")
    placeholder = services.customer_duplicates_check(actor=manager, email="nomail_1@aucun-courriel.invalid")

    assert _found(found) == {kept.pk: "email"} and placeholder == []


def test_a_possible_duplicate_alone_does_not_stop_a_creation(manager, marie):
    customer = services.customer_create(actor=manager, first_name="Marie-Eve", last_name="Cote",
                                        postal_code="j1h5n4", create_anyway=False)

    assert _found(selectors.customer_duplicates(customer, actor=manager)) == {marie.pk: "name"}


def test_a_duplicate_the_user_may_not_see_is_neither_named_nor_refused(salesperson):
    hidden = make_customer(UserFactory(), first_name="Caché", phones=[{"number": "819 555 0199"}])

    assert services.customer_duplicates_check(actor=salesperson, phones=["8195550199"]) == []
    customer = services.customer_create(actor=salesperson, last_name="Visible", create_anyway=False,
                                        phones=[{"number": "819 555 0199"}])

    assert customer.pk != hidden.pk and Customer.objects.count() == 2


def test_callers_that_do_not_ask_keep_creating(manager, marie):
    # imports, the demo, the walk-in and the lead conversion ask their own question, or none
    twin = services.customer_create(actor=manager, last_name="Jumelle", phones=[{"number": "819 555 0142"}])

    assert twin.pk and Customer.objects.count() == 2


# --- Typed values, nothing saved ---------------------------------------------------------------------

def test_the_duplicates_check_reads_values_as_typed_without_saving(manager, marie):
    close = make_customer(manager, first_name="Marie-Eve", last_name="Cotte", postal_code="J1H 5N4")
    before = Customer.objects.count()

    by_phone = services.customer_duplicates_check(actor=manager, phones=["819.555.0142 poste 4"])
    by_email = services.customer_duplicates_check(actor=manager, email="MARIE.COTE@videotron.ca ")
    by_name = services.customer_duplicates_check(actor=manager, first_name="marie eve", last_name="COTE",
                                                 postal_code="j1h 5n4")

    assert _found(by_phone) == {marie.pk: "phone"}
    assert _found(by_email) == {marie.pk: "email"}
    assert _found(by_name) == {marie.pk: "name", close.pk: "name"}
    assert Customer.objects.count() == before


def test_the_strongest_reason_comes_first_with_every_reason_named(manager, marie):
    rows = services.customer_duplicates_check(actor=manager, phones=["8195550142"], email="marie.cote@videotron.ca",
                                              first_name="Marie-Ève", last_name="Côté", postal_code="J1H5N4")

    assert rows == [{"id": marie.pk, "reason": "phone", "reasons": ["phone", "email", "name"]}]


def test_half_typed_values_are_left_out_not_refused(manager, marie):
    for typed in ({"phones": ["819 55"]}, {"phones": ["pas un numéro"]}, {"email": "marie.cote@"},
                  {"email": "marie.cote@videotron"}, {"first_name": "Marie-Ève"}):
        assert services.customer_duplicates_check(actor=manager, **typed) == [], typed


def test_a_company_with_a_close_name_and_the_same_postal_code_is_a_possible_duplicate(manager):
    garage = make_customer(manager, first_name="", last_name="", company="Garage Côté & Fils", postal_code="G5L 2B1")
    make_customer(manager, first_name="", last_name="", company="Garage Côté & Fils", postal_code="H2X 1Y4")

    found = services.customer_duplicates_check(actor=manager, company="garage cote et fils", postal_code="g5l2b1")

    assert _found(found) == {garage.pk: "name"}


def test_the_record_being_edited_is_not_its_own_duplicate(manager, marie):
    assert services.customer_duplicates_check(actor=manager, phones=["8195550142"], exclude=marie.pk) == []


# --- The API ---------------------------------------------------------------------------------------

NEW = {"first_name": "Marie", "last_name": "Côté", "phones": [{"number": "(819) 555 0142"}]}


def test_post_customers_answers_409_with_the_sure_duplicates_unless_create_anyway(manager, make_api, marie):
    api = make_api(manager)

    refused = api.post("/customers", NEW)
    created = api.post("/customers", {**NEW, "create_anyway": True})

    assert refused.status_code == 409
    body = refused.json()
    assert body["duplicates"] == [{"id": marie.pk, "reason": "phone", "reasons": ["phone"],
                                   "display_name": "Marie-Ève Côté"}]
    assert body["detail"] and body["errors"] == [{"field": "phones", "message": str(services.SAME_PHONE_AS % {
        "name": "Marie-Ève Côté", "id": marie.pk})}]
    assert created.status_code == 201 and created.json()["sure_duplicates"] == 1
    assert Customer.objects.count() == 2


def test_the_409_speaks_the_callers_language(manager, make_api, marie):
    api = make_api(manager)

    response = api.client.post("/api/v1/customers", NEW, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                               **api.headers)

    with translation.override("en"):
        assert response.json()["detail"] == str(services.DUPLICATE_CUSTOMER)
    assert "existe" not in response.json()["detail"]


def test_the_api_duplicates_check_answers_the_records_before_saving(manager, make_api, marie):
    response = make_api(manager).get("/customers/duplicates-check", {"phone": ["819-555-0142"],
                                                                     "first_name": "Marie"})

    assert response.status_code == 200
    assert response.json() == [{
        "id": marie.pk, "reason": "phone", "reasons": ["phone"], "display_name": "Marie-Ève Côté", "sure": True,
        "phones": [{"kind": "mobile", "number": "(819) 555-0142", "e164": "+18195550142", "extension": ""}],
        "email": "marie.cote@videotron.ca", "email_status": "valid", "postal_code": "J1H 5N4",
        "salesperson": manager.pk, "salesperson_name": manager.display_name}]
    assert Customer.objects.count() == 1


def test_the_api_duplicates_check_shows_a_salesperson_only_whom_they_may_see(salesperson, make_api, marie):
    assert make_api(salesperson).get("/customers/duplicates-check", {"phone": "8195550142"}).json() == []


@pytest.mark.parametrize("params", [{"phone": ["1"] * 11}, {"exclude": "²"}, {"email": "x" * 300}])
def test_an_odd_duplicates_check_is_a_422_never_a_500(manager, make_api, params):
    assert make_api(manager).get("/customers/duplicates-check", params).status_code == 422


# --- The pages -------------------------------------------------------------------------------------

@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


FORM = {"first_name": "Marie", "last_name": "Côté", "phone_kind_0": "mobile", "phone_number_0": "819.555.0142"}


def test_saving_a_sure_duplicate_on_the_form_asks_then_creates_anyway(signed_in, marie):
    asked = signed_in.post("/customers/new/", FORM)

    page = asked.content.decode()
    assert asked.status_code == 409 and Customer.objects.count() == 1
    assert 'name="create_anyway" value="1"' in page and "Créer quand même" in page
    assert f'href="/customers/{marie.pk}/"' in page and "Ouvrir la fiche" in page
    assert 'value="819.555.0142"' in page  # what was typed stays

    created = signed_in.post("/customers/new/", {**FORM, "create_anyway": "1"})

    assert created.status_code == 302 and Customer.objects.count() == 2


def test_the_forms_panel_names_duplicates_as_each_form_types_them(signed_in, marie):
    customer_form = signed_in.get("/customers/duplicates-check/", {"phone_number_0": "(819) 555-0142",
                                                                   "phone_kind_0": "mobile"})
    lead_form = signed_in.get("/customers/duplicates-check/", {"phone_0": "", "phone_1": "8195550142"})
    walk_in = signed_in.get("/customers/duplicates-check/", {"phone": "+18195550142"})
    by_name = signed_in.get("/customers/duplicates-check/", {"first_name": "Marie Eve", "last_name": "Cote",
                                                             "postal_code": "J1H5N4"})
    nothing = signed_in.get("/customers/duplicates-check/", {"first_name": "Personne"})

    for response in (customer_form, lead_form, walk_in):
        html = response.content.decode()
        assert "duplicate-sure" in html and "même téléphone" in html and f"/customers/{marie.pk}/" in html
    assert "duplicate-possible" in by_name.content.decode() and "nom semblable" in by_name.content.decode()
    assert nothing.status_code == 200 and "duplicates-panel" not in nothing.content.decode()


def test_the_customer_lead_and_walk_in_forms_carry_the_panel(signed_in, marie):
    for path in ("/customers/new/", f"/customers/{marie.pk}/edit/", "/leads/", "/walk-ins/"):
        html = signed_in.get(path).content.decode()
        assert 'hx-get="/customers/duplicates-check/"' in html, path
    # editing a record leaves it out of its own duplicates
    assert f'hx-vals=\'{{"exclude": "{marie.pk}"}}\'' in signed_in.get(f"/customers/{marie.pk}/edit/").content.decode()


def test_the_panel_of_a_refused_form_says_why_in_the_users_words(signed_in, marie):
    page = signed_in.post("/customers/new/", {**FORM, "phone_number_0": "", "email": "MARIE.COTE@videotron.ca"})

    assert page.status_code == 409 and escape("même courriel") in page.content.decode()
