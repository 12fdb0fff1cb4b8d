from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound, StaleUpdate
from comptoir.core.models import Tag
from comptoir.core.services import site_settings_update
from comptoir.customers import selectors, services
from comptoir.customers.models import Channel, Customer, CustomerPhone, EmailStatus, Note
from comptoir.customers.tests.factories import make_customer
from comptoir.timeline.selectors import timeline_for
from comptoir.timeline.services import timeline_move

pytestmark = pytest.mark.django_db


def test_email_is_trimmed_and_lowercased(salesperson):
    customer = make_customer(salesperson, email="  Marie.Gagnon@Videotron.CA ")

    assert customer.email == "marie.gagnon@videotron.ca"
    assert customer.email_status == EmailStatus.VALID


@pytest.mark.parametrize("fake", ["rien@noemail.com", "x@nomail.com", "aucun@videotron.ca", "test@test.com",
                                  "none@gmail.com", "NOEMAIL@hotmail.com"])
def test_fake_email_is_refused_and_nothing_saved(salesperson, fake):
    with pytest.raises(ApplicationError) as refused:
        make_customer(salesperson, email=fake)

    assert refused.value.field == "email" and refused.value.code == "fake_email"
    assert not Customer.objects.exists()


def test_the_fake_email_list_comes_from_settings(admin, salesperson):
    site_settings_update(actor=admin, fake_email_patterns=["pasdemail.ca"])

    customer = make_customer(salesperson, email="rien@noemail.com")
    with pytest.raises(ApplicationError):
        make_customer(salesperson, email="a@pasdemail.ca")

    assert customer.email_status == EmailStatus.VALID


def test_a_malformed_email_is_refused_on_email(salesperson):
    with pytest.raises(ApplicationError) as refused:
        make_customer(salesperson, email="marie@@videotron")

    assert refused.value.field == "email" and refused.value.message == services.BAD_EMAIL


def test_no_email_gives_the_placeholder_which_counts_as_no_email(salesperson):
    customer = make_customer(salesperson, no_email=True)

    assert customer.email == f"nomail_{customer.pk}@aucun-courriel.invalid"
    assert customer.email_status == EmailStatus.PLACEHOLDER
    assert customer.has_email is False


def test_no_email_and_an_email_together_are_refused(salesperson):
    with pytest.raises(ApplicationError) as refused:
        make_customer(salesperson, email="a@videotron.ca", no_email=True)

    assert refused.value.field == "no_email"


def test_a_hard_bounce_marks_the_email_invalid(salesperson):
    customer = make_customer(salesperson, email="parti@videotron.ca")

    count = services.customer_mark_email_bounced(email="PARTI@videotron.ca", reason="550 user unknown")

    customer.refresh_from_db()
    assert count == 1 and customer.email_status == EmailStatus.INVALID
    assert timeline_for(customer).first().verb == "customer_email_bounced"


def test_phones_are_stored_in_one_format_and_as_e164(salesperson):
    customer = make_customer(salesperson, phones=[{"kind": "mobile", "number": "819.555.0142"},
                                                  {"kind": "work", "number": "+48 22 123 45 67"}])

    phones = list(customer.phones.values_list("kind", "number", "e164"))
    assert phones == [("mobile", "(819) 555-0142", "+18195550142"), ("work", "+48 22 123 45 67", "+48221234567")]


@pytest.mark.parametrize("typed", ["418 555-0199 poste 4", "418-555-0199, p. 4", "(418) 555 0199 ext. 4",
                                   "4185550199 x4", "418 555 0199 #4", "418.555.0199 Poste 4"])
def test_poste_is_an_extension(salesperson, typed):
    customer = make_customer(salesperson, phones=[{"number": typed}])

    phone = customer.phones.get()
    assert (phone.e164, phone.extension, phone.number) == ("+14185550199", "4", "(418) 555-0199")
    assert phone.display == "(418) 555-0199, poste 4"


def test_one_number_with_two_extensions_is_two_phones(salesperson):
    customer = make_customer(salesperson, phones=[{"number": "418 555-0199 poste 4"}, {"number": "418 555-0199 p. 7"},
                                                  {"number": "4185550199 x4"}])

    assert list(customer.phones.values_list("extension", flat=True)) == ["4", "7"]


def test_a_number_with_an_extension_is_found_by_its_last_digits(salesperson, manager):
    customer = make_customer(salesperson, phones=[{"number": "418 555-0199 poste 4"}])

    assert [c.pk for c in selectors.customer_list(actor=manager, q="0199")] == [customer.pk]
    assert [c.pk for c in selectors.customer_list(actor=manager, q="418-555-0199")] == [customer.pk]


def test_the_default_phone_region_comes_from_settings(admin, salesperson):
    site_settings_update(actor=admin, default_phone_region="PL")

    customer = make_customer(salesperson, phones=[{"number": "22 123 45 67"}])

    assert customer.phones.get().e164 == "+48221234567"


def test_an_unparseable_phone_is_refused_on_that_phone(salesperson):
    with pytest.raises(ApplicationError) as refused:
        make_customer(salesperson, phones=[{"number": "819 555 0142"}, {"number": "appelle-moi"}])

    assert refused.value.field == "phones.1.number"
    assert not Customer.objects.exists() and not CustomerPhone.objects.exists()


def test_manual_creation_is_in_store_and_belongs_to_the_salesperson(salesperson):
    customer = make_customer(salesperson)

    assert (customer.media.code, customer.channel) == ("in_store", Channel.MANUAL)
    assert customer.salesperson == salesperson and customer.created_by == salesperson


def test_a_salesperson_naming_a_system_media_still_creates_a_manual_customer_that_counts(salesperson):
    customer = make_customer(salesperson, media="phone", email="")

    assert customer.channel == Channel.MANUAL and customer.media.code == "phone"
    assert customer.salesperson == salesperson and customer.points_lost == 1


def test_an_import_creates_customers_that_count_for_nobody(salesperson):
    customer = make_customer(salesperson, channel=Channel.IMPORT, email="")

    assert customer.media.code == "import" and customer.points_lost == 0
    today = timezone.localdate()
    assert selectors.email_ratio_compute(year=today.year, month=today.month)["overall"]["created"] == 0


def test_a_salesperson_cannot_leave_a_customer_to_nobody(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(Forbidden):
        services.customer_update(actor=salesperson, customer_id=customer.pk, salesperson=None)

    customer.refresh_from_db()
    assert customer.salesperson == salesperson


def test_a_manager_owns_the_customers_they_enter(manager):
    assert make_customer(manager).salesperson == manager


@pytest.mark.parametrize("media", ["phone", "web_form"])
def test_customers_created_by_a_system_channel_have_no_salesperson(manager, salesperson, media):
    customer = make_customer(manager, media=media, salesperson=salesperson.pk)

    assert customer.salesperson is None
    assert customer.channel == media


def test_reception_creates_unowned_customers_or_assigns_them(reception, salesperson):
    walk_in = make_customer(reception)
    assigned = make_customer(reception, salesperson=salesperson.pk)

    assert walk_in.salesperson is None and assigned.salesperson == salesperson


def test_a_salesperson_cannot_assign_a_customer_to_someone_else(salesperson):
    with pytest.raises(Forbidden):
        make_customer(salesperson, salesperson=UserFactory().pk)

    assert not Customer.objects.exists()


def test_only_users_with_a_department_can_be_the_salesperson(manager):
    with pytest.raises(ApplicationError) as refused:
        make_customer(manager, salesperson=UserFactory(department=None).pk)

    assert refused.value.field == "salesperson"


def test_a_customer_needs_a_name_or_a_company(salesperson):
    company = make_customer(salesperson, first_name="", last_name="", company="Marina du Lac")

    with pytest.raises(ApplicationError):
        make_customer(salesperson, first_name="", last_name="", company="")
    assert company.display_name == "Marina du Lac"


def test_creating_without_a_valid_email_costs_the_creator_points(admin, salesperson):
    site_settings_update(actor=admin, email_missing_points=3)

    without = make_customer(salesperson)
    placeholder = make_customer(salesperson, no_email=True)
    valid = make_customer(salesperson, email="ok@videotron.ca")

    assert (without.points_lost, placeholder.points_lost, valid.points_lost) == (3, 3, 0)


def test_adding_the_email_later_keeps_the_customers_points_but_a_month_at_target_loses_none(salesperson):
    customer = make_customer(salesperson)
    month = timezone.localdate()

    services.customer_update(actor=salesperson, customer_id=customer.pk, email="enfin@videotron.ca")

    customer.refresh_from_db()
    ratio = selectors.email_ratio_compute(year=month.year, month=month.month)
    assert customer.points_lost == 1  # recorded when the customer was created without an email
    assert ratio["by_salesperson"][0]["with_valid_email"] == 1
    # issue 23: the month's ratio (100 %) is at or above the target, so it costs no point
    assert ratio["by_salesperson"][0]["points_lost"] == 0


def test_email_ratio_counts_valid_emails_now_over_all_created_per_salesperson(salesperson, manager):
    other = UserFactory(first_name="Zoé", last_name="Zed")
    make_customer(salesperson, email="a@videotron.ca")
    make_customer(salesperson, email="b@videotron.ca")
    make_customer(salesperson, no_email=True)
    bounced = make_customer(salesperson, email="c@videotron.ca")
    services.customer_mark_email_bounced(email=bounced.email)
    make_customer(other)
    make_customer(manager, media="web_form", email="web@videotron.ca")  # system: counts for nobody
    today = timezone.localdate()

    ratio = selectors.email_ratio_compute(year=today.year, month=today.month)

    rows = {row["user"]: row for row in ratio["by_salesperson"]}
    assert (rows[salesperson.pk]["created"], rows[salesperson.pk]["with_valid_email"]) == (4, 2)
    assert rows[salesperson.pk]["ratio_pct"] == Decimal("50.00")
    assert rows[other.pk]["ratio_pct"] == Decimal("0.00")
    assert manager.pk not in rows
    assert ratio["overall"] == {"created": 5, "with_valid_email": 2, "ratio_pct": Decimal("40.00")}
    assert ratio["target_pct"] == Decimal("75")


def test_email_ratio_counts_the_month_in_toronto_time(salesperson):
    customer = make_customer(salesperson, email="a@videotron.ca")
    # 2026-11-01 02:00 UTC is still October 31 in Toronto.
    Customer.objects.filter(pk=customer.pk).update(created_at="2026-11-01T02:00:00+00:00")

    october = selectors.email_ratio_compute(year=2026, month=10)
    november = selectors.email_ratio_compute(year=2026, month=11)

    assert october["overall"]["created"] == 1 and november["overall"]["created"] == 0


def test_a_salesperson_sees_own_and_unowned_customers_only(salesperson, reception):
    own = make_customer(salesperson)
    walk_in = make_customer(reception)
    theirs = make_customer(UserFactory())

    visible = set(selectors.customer_visible(salesperson).values_list("pk", flat=True))

    assert visible == {own.pk, walk_in.pk}
    with pytest.raises(NotFound):
        selectors.customer_get(actor=salesperson, pk=theirs.pk)
    with pytest.raises(NotFound):
        services.customer_update(actor=salesperson, customer_id=theirs.pk, first_name="X")


def test_managers_and_reception_see_everyone(manager, reception, salesperson):
    make_customer(salesperson)
    make_customer(UserFactory())

    assert selectors.customer_visible(manager).count() == 2
    assert selectors.customer_visible(reception).count() == 2


def test_a_stale_version_is_refused(salesperson):
    customer = make_customer(salesperson)
    services.customer_update(actor=salesperson, customer_id=customer.pk, version=1, city="Magog")

    with pytest.raises(StaleUpdate):
        services.customer_update(actor=salesperson, customer_id=customer.pk, version=1, city="Orford")

    customer.refresh_from_db()
    assert customer.city == "Magog"


def test_edits_of_email_phones_and_salesperson_land_in_the_timeline_with_before_and_after(manager, salesperson):
    customer = make_customer(manager, email="avant@videotron.ca", phones=[{"number": "819 555 0100"}],
                             salesperson=None)

    services.customer_update(actor=manager, customer_id=customer.pk, email="apres@videotron.ca",
                             phones=[{"number": "819 555 0199"}], salesperson=salesperson.pk)

    event = timeline_for(customer).first()
    assert event.verb == "customer_updated" and event.actor == manager
    assert event.data["email"] == {"from": "avant@videotron.ca", "to": "apres@videotron.ca"}
    assert event.data["phones"] == {"from": ["(819) 555-0100"], "to": ["(819) 555-0199"]}
    assert event.data["phones_typed"] == ["819 555 0199"]  # as the person wrote it
    assert event.data["salesperson"] == {"from": None, "to": salesperson.pk}


def _search(actor, q):
    return list(selectors.customer_list(actor=actor, q=q).values_list("pk", flat=True))


def test_search_finds_a_customer_by_name_without_accents_or_case(manager):
    helene = make_customer(manager, first_name="Hélène", last_name="Bélanger-Côté")
    make_customer(manager, first_name="Paul", last_name="Roy")

    assert _search(manager, "helene") == [helene.pk]
    assert _search(manager, "BELAN") == [helene.pk]
    assert _search(manager, "cote") == [helene.pk]  # a word inside the name
    assert _search(manager, "hel cot") == [helene.pk]
    assert _search(manager, "hel roy") == []


def test_search_finds_a_customer_by_company(manager):
    marina = make_customer(manager, first_name="", last_name="", company="Marina Saint-Zotique")

    assert _search(manager, "zotique") == [marina.pk]


def test_search_finds_a_customer_by_any_phone_format_or_its_last_digits(manager):
    customer = make_customer(manager, phones=[{"number": "819-555-0142"}])
    make_customer(manager, phones=[{"number": "819-555-9999"}])

    for q in ("(819) 555-0142", "+1 819 555 0142", "8195550142", "0142", "50142"):
        assert _search(manager, q) == [customer.pk], q


def test_search_finds_a_customer_by_email_internal_id_and_dms_id(manager):
    customer = make_customer(manager, email="marc@videotron.ca", external_id="DMS-7781")

    assert _search(manager, "Marc@Videotron.ca") == [customer.pk]
    assert _search(manager, "marc@") == [customer.pk]
    assert _search(manager, str(customer.pk)) == [customer.pk]
    assert _search(manager, "DMS-7781") == [customer.pk]


def test_search_never_shows_what_the_user_may_not_see(salesperson):
    make_customer(UserFactory(), first_name="Caché")

    assert _search(salesperson, "cache") == []


def test_same_phone_or_email_is_a_sure_duplicate(manager):
    customer = make_customer(manager, email="a@videotron.ca", phones=[{"number": "819 555 0142"}])
    same_phone = make_customer(manager, first_name="Autre", phones=[{"number": "+18195550142"}])
    same_email = make_customer(manager, first_name="Encore", email="a@videotron.ca")

    duplicates = selectors.customer_duplicates(customer, actor=manager)

    assert [(d["id"], d["reason"]) for d in duplicates] == [(same_phone.pk, "phone"), (same_email.pk, "email")]
    assert selectors.customer_sure_duplicate_count(customer, actor=manager) == 2


def test_customers_without_email_are_not_duplicates_by_email(manager):
    first = make_customer(manager, first_name="Un", email="")
    make_customer(manager, first_name="Deux", email="")
    make_customer(manager, first_name="Trois", no_email=True)

    assert selectors.customer_duplicates(first, actor=manager) == []


def test_a_typed_placeholder_address_is_refused(salesperson):
    with pytest.raises(ApplicationError) as refused:
        make_customer(salesperson, email="nomail_12@aucun-courriel.invalid")

    assert refused.value.code == "fake_email"


def test_a_close_name_with_the_same_phone_tail_is_a_possible_duplicate(manager):
    customer = make_customer(manager, first_name="Frédéric", last_name="Tremblay", postal_code="J1H 5N4",
                             phones=[{"number": "819 555 0142"}])
    close = make_customer(manager, first_name="Frederik", last_name="Tremblay", postal_code="H2X 1Y4",
                          phones=[{"number": "450 555 0142"}])
    make_customer(manager, first_name="Zacharie", last_name="Ouellet", phones=[{"number": "514 555 0142"}])

    found = {d["id"]: d["reason"] for d in selectors.customer_duplicates(customer, actor=manager)}

    assert found == {close.pk: "name"}


def test_duplicates_only_name_customers_the_user_may_see(salesperson):
    customer = make_customer(salesperson, email="a@videotron.ca")
    make_customer(UserFactory(), first_name="Caché", email="a@videotron.ca")

    assert selectors.customer_duplicates(customer, actor=salesperson) == []


def test_same_name_and_postal_code_or_a_close_name_is_a_possible_duplicate(manager):
    customer = make_customer(manager, first_name="Frédéric", last_name="Tremblay", postal_code="J1H 5N4")
    same = make_customer(manager, first_name="frederic", last_name="TREMBLAY", postal_code="j1h5n4")
    close = make_customer(manager, first_name="Frederik", last_name="Tremblay", postal_code="J1H 5N4")
    elsewhere = make_customer(manager, first_name="Frédéric", last_name="Tremblay", postal_code="H2X 1Y4")

    found = {d["id"]: d["reason"] for d in selectors.customer_duplicates(customer, actor=manager)}

    assert found == {same.pk: "name", close.pk: "name"}
    assert elsewhere.pk not in found


def _populated(actor, **values):
    tag = Tag.objects.create(name=f"Tag {values['first_name']}")
    customer = make_customer(actor, phones=[{"number": values.pop("phone")}], tags=[tag.pk], **values)
    Note.objects.create(customer=customer, author=actor, body=f"Note de {customer.first_name}")
    return customer


def test_merge_keeps_one_fills_its_empty_fields_and_loses_nothing(manager):
    keep = _populated(manager, first_name="Luc", last_name="Roy", phone="819 555 0001", city="")
    other = _populated(manager, first_name="Lucien", last_name="Roy", phone="819 555 0002", city="Magog",
                       email="luc@videotron.ca", external_id="DMS-1", postal_code="J1X 1A1")
    shared = CustomerPhone.objects.create(customer=other, number="819 555 0001", e164="+18195550001",
                                          digits_reversed="10005559181")
    other_events = timeline_for(other).count()

    survivor = services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk)

    survivor.refresh_from_db()
    # Both have a first name: the newer record's shows by default, the other stays as another name.
    assert survivor.pk == keep.pk and survivor.first_name == "Lucien"
    assert [str(alias) for alias in survivor.aliases.all()] == ["Luc Roy"]
    assert (survivor.city, survivor.email, survivor.external_id) == ("Magog", "luc@videotron.ca", "DMS-1")
    assert sorted(survivor.phones.values_list("e164", flat=True)) == ["+18195550001", "+18195550002"]
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["Tag Luc", "Tag Lucien"]
    assert sorted(Note.objects.filter(customer=survivor).values_list("body", flat=True)) == [
        "Note de Luc", "Note de Lucien"]
    verbs = [e.verb for e in timeline_for(survivor)]
    assert verbs[0] == "customer_merged" and verbs.count("customer_created") == 2
    assert timeline_for(survivor).first().data["snapshot"]["first_name"] == "Lucien"
    assert len(verbs) == 1 + 1 + other_events
    other.refresh_from_db()
    assert other.merged_into_id == survivor.pk
    assert timeline_for(other).first().verb == "customer_merged_into"
    assert CustomerPhone.objects.filter(pk=shared.pk, customer=other).exists()  # kept, not lost
    with pytest.raises(NotFound):
        selectors.customer_get(actor=manager, pk=other.pk)
    assert _search(manager, "lucien") == [survivor.pk]


def test_merge_shows_the_chosen_fields_and_prefers_a_valid_email_to_a_bounced_one(manager):
    keep = make_customer(manager, email="vieux@videotron.ca", city="Magog", external_id="DMS-9")
    services.customer_mark_email_bounced(email="vieux@videotron.ca")
    other = make_customer(manager, first_name="Autre", email="neuf@videotron.ca", city="Orford",
                          external_id="DMS-10")

    survivor = services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk,
                                       keep={"address": "survivor", "external_id": "survivor"})

    survivor.refresh_from_db()
    assert (survivor.city, survivor.external_id) == ("Magog", "DMS-9")
    assert (survivor.email, survivor.email_status) == ("neuf@videotron.ca", EmailStatus.VALID)
    assert list(survivor.other_emails.values_list("email", "email_status")) == [
        ("vieux@videotron.ca", EmailStatus.INVALID)]


def test_customers_merged_earlier_follow_to_the_new_survivor(manager):
    first = make_customer(manager, first_name="Un")
    middle = make_customer(manager, first_name="Deux")
    last = make_customer(manager, first_name="Trois")
    services.customer_merge(actor=manager, customer_id=middle.pk, other_id=first.pk)

    services.customer_merge(actor=manager, customer_id=last.pk, other_id=middle.pk)

    first.refresh_from_db()
    assert first.merged_into_id == last.pk


def test_merge_moves_rows_of_any_model_pointing_at_the_customer(manager):
    keep = make_customer(manager)
    other = make_customer(manager, first_name="Autre")
    notes = [Note.objects.create(customer=other, author=manager, body=str(i)) for i in range(3)]

    services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk)

    assert set(Note.objects.filter(customer=keep).values_list("pk", flat=True)) == {n.pk for n in notes}


def test_merge_moves_the_others_history_through_the_timeline_with_its_dates_and_authors(manager, salesperson):
    # given
    keep, other = make_customer(manager, last_name="Roy"), make_customer(salesperson, last_name="Roi")
    services.customer_note_add(actor=salesperson, customer_id=other.pk, body="Rappeler en mars.")
    history = [(e.pk, e.created_at, e.actor_id, e.verb) for e in timeline_for(other)]

    # when
    with mock.patch("comptoir.customers.services.merge.timeline_move", wraps=timeline_move) as move:
        services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk)

    # then
    move.assert_called_once_with(from_subject=other, to_subject=keep)
    moved = timeline_for(keep).filter(pk__in=[h[0] for h in history])
    assert [(e.pk, e.created_at, e.actor_id, e.verb) for e in moved] == history
    assert [h[3] for h in history] == ["note_added", "customer_created"]
    assert [e.verb for e in timeline_for(other)] == ["customer_merged_into"]


def test_a_customer_cannot_be_merged_with_itself_or_a_hidden_one(salesperson):
    own = make_customer(salesperson)
    hidden = make_customer(UserFactory())

    with pytest.raises(ApplicationError):
        services.customer_merge(actor=salesperson, customer_id=own.pk, other_id=own.pk)
    with pytest.raises(NotFound):
        services.customer_merge(actor=salesperson, customer_id=own.pk, other_id=hidden.pk)

    hidden.refresh_from_db()
    assert hidden.merged_into is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="contains inside a word needs pg_trgm")
def test_on_postgresql_search_also_finds_letters_inside_a_word(manager):
    customer = make_customer(manager, first_name="Hélène", last_name="Tremblay")

    assert _search(manager, "embla") == [customer.pk]


def test_multi_word_search_is_the_same_whether_words_are_rare_or_common(manager, monkeypatch):
    monkeypatch.setattr(selectors, "SELECTIVITY_PROBE", 2)  # "common" = two customers or more
    helenes = [make_customer(manager, first_name="Hélène", last_name=name) for name in ("Roy", "Paré", "Côté")]
    cotes = [make_customer(manager, first_name=first, last_name="Côté") for first in ("Luc", "Hélène")]

    rare_last_name = _search(manager, "helene pare")  # 'pare' complete, 'helene' common
    both_common = _search(manager, "helene cote")  # intersection of two common words

    assert rare_last_name == [helenes[1].pk]
    assert sorted(both_common) == sorted([helenes[2].pk, cotes[1].pk])


def test_merging_keeps_an_unsubscribe_of_either_record(manager):
    from comptoir.customers.models import Customer
    from comptoir.customers.services import customer_merge

    survivor = make_customer(manager, first_name="Luc", last_name="Roy")
    other = make_customer(manager, first_name="Luc", last_name="Roy")
    Customer.objects.filter(pk=other.pk).update(unsubscribed=True)

    merged = customer_merge(actor=manager, customer_id=survivor.pk, other_id=other.pk)

    assert merged.unsubscribed is True
    assert Customer.objects.get(pk=survivor.pk).unsubscribed is True
