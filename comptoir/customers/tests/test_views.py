import pytest
from django.utils.html import escape

from comptoir.customers.models import Customer
from comptoir.customers.services import BAD_PHONE, FAKE_EMAIL
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_the_list_searches_as_you_type_with_htmx(signed_in, manager):
    make_customer(manager, first_name="Hélène", last_name="Bélanger")
    make_customer(manager, first_name="Paul", last_name="Roy")

    response = signed_in.get("/customers/", {"q": "belanger"}, HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    page = signed_in.get("/customers/").content.decode()

    assert "Bélanger" in partial and "Roy" not in partial and "<html" not in partial
    assert "Roy" in page and 'hx-get="/customers/"' in page
    assert "HX-Request" in response["Vary"]  # the back button never shows the rows alone


def test_the_card_shows_the_email_check_and_a_red_duplicate_count(signed_in, manager):
    customer = make_customer(manager, email="a@videotron.ca")
    make_customer(manager, first_name="Jumelle", email="a@videotron.ca")

    html = signed_in.get(f"/customers/{customer.pk}/").content.decode()

    assert 'class="email-ok"' in html
    assert 'class="dup-count"' in html and "1 doublon" in html
    assert f"/customers/{customer.pk}/compare/" in html


def test_a_customer_without_email_shows_the_red_cross(signed_in, manager):
    customer = make_customer(manager, no_email=True)

    html = signed_in.get(f"/customers/{customer.pk}/").content.decode()

    assert 'class="email-bad"' in html and "aucun courriel" in html


def test_the_form_shows_the_same_messages_as_the_api_and_saves_nothing(signed_in):
    fake = signed_in.post("/customers/new/", {"first_name": "Léa", "email": "x@nomail.com"})
    bad_phone = signed_in.post("/customers/new/", {"first_name": "Léa", "phone_kind_0": "mobile",
                                                  "phone_number_0": "819 555 0100", "phone_kind_1": "home",
                                                  "phone_number_1": "nope"})

    assert fake.status_code == 200 and escape(FAKE_EMAIL % {"pattern": "nomail.com"}) in fake.content.decode()
    assert escape(BAD_PHONE % {"number": "nope"}) in bad_phone.content.decode()
    assert not Customer.objects.exists()


def test_the_form_creates_a_customer_and_opens_the_card(signed_in, manager):
    response = signed_in.post("/customers/new/", {"first_name": "Léa", "last_name": "Paré",
                                                 "email": "lea@videotron.ca", "phone_kind_0": "mobile",
                                                 "phone_number_0": "819 555 0100"}, follow=True)

    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    assert customer.phones.get().e164 == "+18195550100"


def test_the_edit_form_changes_the_card(signed_in, manager):
    customer = make_customer(manager, email="avant@videotron.ca")

    signed_in.post(f"/customers/{customer.pk}/edit/", {"first_name": "Jean", "last_name": "Tremblay",
                                                      "email": "apres@videotron.ca", "version": 1})

    customer.refresh_from_db()
    assert customer.email == "apres@videotron.ca" and customer.version == 2


def test_editing_a_card_with_many_phones_keeps_them_all(signed_in, manager):
    customer = make_customer(manager, phones=[{"number": f"819 555 010{i}"} for i in range(5)])
    form = signed_in.get(f"/customers/{customer.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(city="Magog", version=1, tags=[])

    signed_in.post(f"/customers/{customer.pk}/edit/", {k: v for k, v in data.items() if k != "tags"})

    customer.refresh_from_db()
    assert customer.city == "Magog" and customer.phones.count() == 5


def test_compare_side_by_side_then_merge(signed_in, manager):
    keep = make_customer(manager, email="")
    other = make_customer(manager, first_name="Autre", email="autre@videotron.ca")

    page = signed_in.get(f"/customers/{keep.pk}/compare/{other.pk}/").content.decode()
    signed_in.post(f"/customers/{keep.pk}/compare/{other.pk}/")

    assert "autre@videotron.ca" in page
    other.refresh_from_db()
    assert other.merged_into_id == keep.pk
    assert signed_in.get(f"/customers/{other.pk}/")["Location"] == f"/customers/{keep.pk}/"


def test_a_note_from_the_card(signed_in, manager):
    customer = make_customer(manager)

    signed_in.post(f"/customers/{customer.pk}/notes/", {"body": "Rappeler en mars."})

    assert customer.notes.get().body == "Rappeler en mars."


def test_the_list_pages_by_25_and_keeps_the_search(signed_in, manager):
    for i in range(26):
        make_customer(manager, first_name=f"Paul{i:02d}", last_name="Roy")

    html = signed_in.get("/customers/", {"q": "roy"}).content.decode()

    assert "Page 1 sur 2" in html and "?q=roy&page=2" in html
