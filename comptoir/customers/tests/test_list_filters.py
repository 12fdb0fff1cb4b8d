"""Issue 22, part 5: the customer list's filters — salesperson (mine, someone's, nobody's), source, media,
email status, created between two days (Toronto time), tags, unsubscribed — the same on the page (kept by
the URL, the pager and the exports) and in GET /customers; counts per value in one grouped query per
filter; CSV and XLSX exports of every filtered row."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.models import Tag
from comptoir.customers import selectors
from comptoir.customers.models import Customer
from comptoir.customers.selectors import CustomerFilters
from comptoir.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture
def tags(db):
    return {name: Tag.objects.create(name=name) for name in ("VIP", "Motoneige", "Bateau")}


@pytest.fixture
def book(manager, salesperson, tags):
    """Five customers: by whom, from where, with which email and tags, created when."""
    made = {
        "lea": make_customer(salesperson, first_name="Léa", last_name="Paré", email="lea@videotron.ca",
                             source="Salon", tags=["VIP", "Motoneige"]),
        "paul": make_customer(salesperson, first_name="Paul", last_name="Roy", source="Site web", tags=["VIP"]),
        "nadia": make_customer(manager, first_name="Nadia", last_name="Gagné", no_email=True, salesperson=None,
                               media="phone", tags=["Bateau"]),
        "omar": make_customer(manager, first_name="Omar", last_name="Diallo", email="omar@cooptel.qc.ca",
                              source="Salon"),
        "zoe": make_customer(manager, first_name="Zoé", last_name="Fortin", email="zoe@videotron.ca"),
    }
    Customer.objects.filter(pk=made["omar"].pk).update(email_status="invalid", unsubscribed=True)
    # Created late on 2026-03-01 in Toronto (already March 2 in UTC), and on March 2 and 10.
    for key, moment in (("lea", datetime(2026, 3, 1, 23, 30)), ("paul", datetime(2026, 3, 2, 0, 30)),
                        ("nadia", datetime(2026, 3, 10, 12)), ("omar", datetime(2026, 2, 28, 12)),
                        ("zoe", datetime(2026, 4, 1, 12))):
        Customer.objects.filter(pk=made[key].pk).update(created_at=moment.replace(tzinfo=TORONTO))
    return made


def _names(actor, **filters) -> list[str]:
    return [c.first_name for c in selectors.customer_list(actor=actor, filters=CustomerFilters(**filters))]


# --- Each filter ------------------------------------------------------------------------------------

def test_the_list_filters_by_email_status(manager, book):
    assert _names(manager, email_status="valid") == ["Zoé", "Léa"]
    assert _names(manager, email_status="invalid") == ["Omar"]
    assert _names(manager, email_status="missing") == ["Paul"]
    assert _names(manager, email_status="placeholder") == ["Nadia"]


def test_the_list_filters_by_source_and_media_by_id_or_name(manager, book):
    salon = book["lea"].source

    assert _names(manager, source="Salon") == _names(manager, source=salon.pk) == ["Omar", "Léa"]
    assert _names(manager, media="phone") == ["Nadia"]
    assert _names(manager, media="En magasin", source="Site web") == ["Paul"]


def test_the_list_filters_by_salesperson_mine_or_nobody(manager, salesperson, book):
    assert _names(manager, salesperson=salesperson.pk) == ["Léa", "Paul"]
    assert _names(manager, salesperson="none") == ["Nadia"]
    # a salesperson sees their own and nobody's, whatever they ask for
    assert _names(salesperson) == ["Nadia", "Léa", "Paul"]
    assert _names(salesperson, salesperson=manager.pk) == []


def test_the_list_filters_by_creation_days_in_toronto_time(manager, book):
    assert _names(manager, created_from=datetime(2026, 3, 1).date(), created_to=datetime(2026, 3, 1).date()) == ["Léa"]
    assert _names(manager, created_from=datetime(2026, 3, 2).date()) == ["Zoé", "Nadia", "Paul"]
    assert _names(manager, created_to=datetime(2026, 3, 2).date()) == ["Omar", "Léa", "Paul"]


def test_the_list_keeps_the_customers_having_every_tag_chosen(manager, book, tags):
    assert _names(manager, tags=("VIP",)) == ["Léa", "Paul"]
    assert _names(manager, tags=("VIP", tags["Motoneige"].pk)) == ["Léa"]
    assert _names(manager, tags=("VIP", "Bateau")) == []


def test_the_list_filters_unsubscribed(manager, book):
    assert _names(manager, unsubscribed=True) == ["Omar"]
    assert len(_names(manager, unsubscribed=False)) == 4


def test_filters_add_up(manager, book):
    assert _names(manager, q="lea@", email_status="valid", created_from=datetime(2026, 3, 1).date(),
                  tags=("VIP",)) == ["Léa"]
    assert _names(manager, q="léa", email_status="missing") == []


# --- Counts per value ---------------------------------------------------------------------------------

def test_each_value_counts_what_it_would_keep_under_the_other_filters(manager, salesperson, book, tags):
    counts = selectors.customer_facets(actor=manager, filters=CustomerFilters(email_status="valid"))

    # its own filter left out: every status still counted
    assert counts["email_status"] == {"valid": 2, "invalid": 1, "missing": 1, "placeholder": 1}
    # the others under « valid »: Zoé and Léa
    assert counts["salesperson"] == {salesperson.pk: 1, manager.pk: 1}
    assert counts["tags"] == {tags["VIP"].pk: 1, tags["Motoneige"].pk: 1}
    assert counts["unsubscribed"] == {False: 2}
    assert counts["source"] == {book["lea"].source_id: 1, None: 1}


def test_the_counts_cost_one_query_per_filter_whatever_the_number_of_customers(manager, book,
                                                                              django_assert_num_queries):
    filters = CustomerFilters(source="Salon", tags=("VIP",))
    with django_assert_num_queries(2 + 6):  # the source and the tag read once, then one count per filter
        selectors.customer_facets(actor=manager, filters=filters)
    for i in range(20):
        make_customer(manager, first_name=f"Client{i}", source="Salon", tags=["VIP"])
    with django_assert_num_queries(2 + 6):
        selectors.customer_facets(actor=manager, filters=filters)


# --- The API ------------------------------------------------------------------------------------------

def test_get_customers_takes_the_same_filters(manager, make_api, book, tags):
    api = make_api(manager)

    response = api.get("/customers", {"email_status": "valid", "tag": ["VIP", str(tags["Motoneige"].pk)],
                                      "created_from": "2026-03-01", "created_to": "2026-03-01",
                                      "unsubscribed": "false", "source": "Salon", "media": "in_store"})

    assert response.status_code == 200
    assert [c["first_name"] for c in response.json()["items"]] == ["Léa"] and response.json()["count"] == 1
    nobody = api.get("/customers", {"salesperson": "none"}).json()
    assert [c["first_name"] for c in nobody["items"]] == ["Nadia"]


@pytest.mark.parametrize("params, field", [
    ({"tag": "Inconnue"}, "tag"), ({"source": "Nulle part"}, "source"), ({"media": "pigeon"}, "media"),
    ({"created_from": "2026-03-02", "created_to": "2026-03-01"}, "created_from"),
    ({"created_from": "2026-02-31"}, "created_from"), ({"email_status": "parfait"}, "email_status"),
    ({"salesperson": "quelqu'un"}, "salesperson"), ({"unsubscribed": "peut-être"}, "unsubscribed"),
])
def test_a_filter_that_cannot_be_read_is_a_422_naming_it_never_an_empty_list(manager, make_api, book, params, field):
    response = make_api(manager).get("/customers", params)

    assert response.status_code == 422
    assert {error["field"].split(".")[0] for error in response.json()["errors"]} == {field}


def test_the_list_endpoint_costs_the_same_queries_whatever_the_page_size(manager, make_api, book,
                                                                        django_assert_num_queries):
    for i in range(30):
        make_customer(manager, first_name=f"Client{i}", source="Salon", tags=["VIP"], email=f"c{i}@videotron.ca",
                      phones=[{"number": f"819 555 02{i:02d}"}])
    api = make_api(manager)
    api.get("/customers", {"limit": 1})  # the token's last use, written once
    params = {"source": "Salon", "media": "in_store", "tag": ["VIP"], "email_status": "valid", "unsubscribed": "false",
              "created_from": "2020-01-01", "salesperson": manager.pk, "q": "client"}

    # source, media, tag, the name probe, count, page, phones with tags (issue 25: the token from the cache)
    with django_assert_num_queries(7):
        small = api.get("/customers", {**params, "limit": 2})
    with django_assert_num_queries(7):
        large = api.get("/customers", {**params, "limit": 30})

    assert len(small.json()["items"]) == 2 and len(large.json()["items"]) == 30


def test_get_customers_facets_names_what_each_filter_takes(manager, salesperson, make_api, book, tags):
    body = make_api(manager).get("/customers/facets", {"tag": "VIP"}).json()

    assert {"value": salesperson.pk, "count": 2} in body["salesperson"]
    assert body["tag"][0] == {"value": tags["VIP"].pk, "count": 2}
    assert {"value": "missing", "count": 1} in body["email_status"]
    nobody = make_api(manager).get("/customers/facets").json()["salesperson"]
    assert {"value": "none", "count": 1} in nobody


# --- The page -----------------------------------------------------------------------------------------

@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_the_page_filters_and_the_url_and_pager_keep_them(signed_in, manager):
    for i in range(27):
        make_customer(manager, first_name=f"Paul{i:02d}", last_name="Roy", email=f"p{i}@videotron.ca")
    make_customer(manager, first_name="Orphelin", last_name="Courriel")

    page = signed_in.get("/customers/", {"email_status": "valid"}).content.decode()

    assert "Orphelin" not in page and "Page 1 sur 2" in page
    assert 'href="?email_status=valid&page=2"' in page
    assert 'form="customer-filters-form" name="format" value="csv"' in page
    assert 'form="customer-filters-form" name="format" value="xlsx"' in page
    second = signed_in.get("/customers/", {"email_status": "valid", "page": 2}).content.decode()
    assert "Paul26" in second and "Orphelin" not in second


def test_the_page_drops_a_filter_it_cannot_read_and_says_so(signed_in, manager, book):
    response = signed_in.get("/customers/", {"created_from": "2026-02-31", "email_status": "valid"})
    backwards = signed_in.get("/customers/", {"created_from": "2026-03-02", "created_to": "2026-03-01"})

    html = response.content.decode()
    assert response.status_code == 200 and "Saisissez une date valide" in html
    assert "Zoé" in html and "Paul" not in html  # the status filter still applies
    assert backwards.status_code == 200 and "La période commence après sa fin." in backwards.content.decode()


def test_the_page_shows_each_value_with_its_count(signed_in, manager, book):
    html = signed_in.get("/customers/filters/", {"email_status": "valid"}).content.decode()

    assert ">Valide (2)</option>" in html and ">Invalide (1)</option>" in html
    assert ">Mes clients (1)</option>" in html and "VIP (1)" in html


def test_the_filters_fold_on_a_phone_under_filtres(signed_in, book):
    html = signed_in.get("/customers/").content.decode()

    assert '<details class="customer-filters" data-open-wide>' in html and "<summary>Filtres" in html
    assert 'hx-get="/customers/filters/"' in html  # the counts come after the rows
    assert '<details class="customer-filters" data-open-wide open>' in \
        signed_in.get("/customers/", {"source": book["lea"].source_id}).content.decode()


# --- Exports ------------------------------------------------------------------------------------------

def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ","))


def test_the_csv_export_is_the_whole_filtered_list_in_french(signed_in, manager, book):
    for i in range(30):
        make_customer(manager, first_name=f"Client{i:02d}", email=f"c{i}@videotron.ca", phones=[
            {"number": f"819 555 01{i:02d} poste 4"}])

    response = signed_in.get("/customers/", {"email_status": "valid", "format": "csv"})
    rows = _csv_rows(response)

    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert rows[0][:7] == ["No client", "Prénom", "Nom", "Entreprise", "Courriel", "État du courriel", "Téléphones"]
    assert len(rows) == 1 + 32  # every page of it: the 30, Léa and Zoé
    client = next(row for row in rows if row[1] == "Client00")
    assert client[5] == "Valide" and client[6] == "(819) 555-0100, poste 4" and client[15] == "Non"
    lea = next(row for row in rows if row[1] == "Léa")
    assert lea[13] == "VIP, Motoneige" or lea[13] == "Motoneige, VIP"
    assert lea[-1] == "2026-03-01 23:30"  # Toronto time, ISO 8601 as every export writes it (core.exports)


def test_the_english_export_says_it_in_english_with_commas(client, manager, book):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    rows = _csv_rows(client.get("/customers/", {"format": "csv"}))

    assert rows[0][:3] != ["No client", "Prénom", "Nom"] and len(rows[0]) == 18
    assert len(rows) == 6


def test_the_xlsx_export_has_numbers_and_dates_a_spreadsheet_can_count(signed_in, manager, book):
    response = signed_in.get("/customers/", {"source": book["lea"].source_id, "format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))

    assert rows[0][1:3] == ("Prénom", "Nom") and len(rows) == 3  # Omar and Léa
    assert isinstance(rows[1][0], int) and isinstance(rows[1][17], datetime)
    assert rows[2][17] == datetime(2026, 3, 1, 23, 30)  # Léa, in Toronto time


def test_an_exported_value_is_never_a_formula(signed_in, manager):
    make_customer(manager, first_name="=HYPERLINK(\"http://x\")", last_name="+1")

    csv_rows = _csv_rows(signed_in.get("/customers/", {"format": "csv"}))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        signed_in.get("/customers/", {"format": "xlsx"}).streaming_content)))

    assert csv_rows[1][1].startswith("'=") and csv_rows[1][2] == "'+1"
    cell = workbook.active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


def test_an_export_holds_only_what_the_user_may_see(client, salesperson, make_api, book):
    make_customer(UserFactory(), first_name="Caché")
    client.force_login(salesperson)

    page_rows = _csv_rows(client.get("/customers/", {"format": "csv"}))
    api = make_api(salesperson).get("/customers/export", {"format": "csv"})

    assert sorted(row[1] for row in page_rows[1:]) == ["Léa", "Nadia", "Paul"]
    assert sorted(row[1] for row in _csv_rows(api)[1:]) == ["Léa", "Nadia", "Paul"]


def test_the_export_reads_the_customers_chunk_by_chunk(manager, book, django_assert_num_queries):
    # the lists of sources, media and tags once, the rows' cursor, then the phones and tags of each chunk
    with django_assert_num_queries(3 + 1 + 2 * 3):
        rows = list(selectors.customer_export_rows(actor=manager, filters=CustomerFilters(), chunk_size=2))
    with django_assert_num_queries(3 + 1 + 2 * 1):
        list(selectors.customer_export_rows(actor=manager, filters=CustomerFilters(), chunk_size=2000))

    assert [row["first_name"] for row in rows] == ["Omar", "Zoé", "Nadia", "Léa", "Paul"]
    lea = rows[3]
    assert sorted(lea["tags"]) == ["Motoneige", "VIP"] and lea["source"] == "Salon" and lea["media"] == "En magasin"
    assert lea["salesperson"] == book["lea"].salesperson.display_name
