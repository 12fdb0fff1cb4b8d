"""Issue 22: a customer merge that loses nothing, shows what it will do, and can be undone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.services import task_create
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.models import Tag
from comptoir.customers import merges_read, selectors, services
from comptoir.customers.models import Customer, CustomerMerge, EmailStatus, Note
from comptoir.customers.tests.factories import make_customer
from comptoir.timeline.selectors import timeline_for
from comptoir.timeline.services import timeline_record

pytestmark = pytest.mark.django_db


def _search(actor, q):
    return list(selectors.customer_list(actor=actor, q=q).values_list("pk", flat=True))


def _touch(customer):
    """Make `customer` the newer record (its values win by default)."""
    Customer.objects.filter(pk=customer.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    customer.refresh_from_db()


def _merge(actor, keep, other, **choices):
    merged = services.customer_merge(actor=actor, customer_id=keep.pk, other_id=other.pk, keep=choices or None)
    merged.refresh_from_db()
    return merged, CustomerMerge.objects.get(survivor=keep, merged=other, undone_at__isnull=True)


# --- What the kept record shows -----------------------------------------------------------------

def test_merge_keeps_the_other_name_as_an_alias(manager):
    # given: the case, « Hélène Côté-Tremblay » merged into « Helene Cote », the newer record
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay")
    keep = make_customer(manager, first_name="Helene", last_name="Cote")

    # when
    survivor, _merge_row = _merge(manager, keep, other)

    # then: the kept name shows, the accented compound one stays, found without its accents
    assert (survivor.first_name, survivor.last_name) == ("Helene", "Cote")
    assert [str(alias) for alias in survivor.aliases.all()] == ["Hélène Côté-Tremblay"]
    assert _search(manager, "Côté-Tremblay") == [survivor.pk]
    assert _search(manager, "helene tremblay") == [survivor.pk]
    assert _search(manager, "TREMBLAY") == [survivor.pk]


def test_the_other_email_a_merge_kept_finds_the_customer(manager):
    other = make_customer(manager, first_name="Luc", last_name="Roy", email="luc.roy@videotron.ca")
    keep = make_customer(manager, first_name="Luc", last_name="Roy", email="lroy@bell.net")
    survivor, _merge_row = _merge(manager, keep, other, email="survivor")

    assert survivor.email == "lroy@bell.net"
    assert _search(manager, "luc.roy@videotron.ca") == [survivor.pk]
    assert _search(manager, "luc.roy@vid") == [survivor.pk]


def test_other_names_stay_searchable_after_the_card_is_edited(manager):
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay")
    keep = make_customer(manager, first_name="Helene", last_name="Cote")
    survivor, _merge_row = _merge(manager, keep, other)

    services.customer_update(actor=manager, customer_id=survivor.pk, first_name="Hélène")

    assert _search(manager, "tremblay") == [survivor.pk]


def test_merge_shows_the_newer_non_empty_value_by_default(manager):
    keep = make_customer(manager, company="Marina Roy", city="Magog", postal_code="J1X 1A1", industry="")
    other = make_customer(manager, company="Marina Roy inc.", city="Orford", postal_code="J1X 3W2",
                          industry="Nautisme")
    _touch(other)

    survivor, merge = _merge(manager, keep, other)

    assert (survivor.company, survivor.city, survivor.postal_code) == ("Marina Roy inc.", "Orford", "J1X 3W2")
    assert survivor.industry == "Nautisme"  # only the other had one
    assert merge.choices == {"company": "other", "address": "other"}
    assert survivor.details == {"Autre adresse": "Magog J1X 1A1"}
    assert merges_read.customer_merge_panel(actor=manager, customer=survivor)["aliases"] == [
        "Jean Tremblay (Marina Roy)"]


def test_merge_shows_the_value_chosen_where_both_have_one(manager):
    keep = make_customer(manager, first_name="Luc", external_id="DMS-1")
    other = make_customer(manager, first_name="Lucien", external_id="DMS-2")
    _touch(other)

    survivor, merge = _merge(manager, keep, other, first_name="survivor", external_id="survivor")

    assert (survivor.first_name, survivor.external_id) == ("Luc", "DMS-1")
    assert merge.choices == {"first_name": "survivor", "external_id": "survivor"}
    assert [str(alias) for alias in survivor.aliases.all()] == ["Lucien Tremblay"]
    assert survivor.details == {"Autre no DMS": "DMS-2"}


def test_merge_never_shows_the_placeholder_email(manager):
    keep = make_customer(manager, no_email=True)
    other = make_customer(manager, first_name="Autre", no_email=True)
    third = make_customer(manager, first_name="Troisième", email="vrai@videotron.ca")

    first, _m = _merge(manager, keep, other)
    second, _m = _merge(manager, keep, third, email="survivor")  # a placeholder is no value to choose

    assert first.email == f"nomail_{keep.pk}@aucun-courriel.invalid"  # its own, never the other's
    assert (second.email, second.email_status) == ("vrai@videotron.ca", EmailStatus.VALID)
    assert not second.other_emails.exists()


def test_merge_keeps_the_other_email_as_a_secondary_one_with_its_status(manager):
    keep = make_customer(manager, email="luc@videotron.ca")
    other = make_customer(manager, first_name="Autre", email="luc.roy@gmail.com")
    services.customer_mark_email_bounced(email="luc.roy@gmail.com")

    survivor, _merge_row = _merge(manager, keep, other)

    assert (survivor.email, survivor.email_status) == ("luc@videotron.ca", EmailStatus.VALID)  # valid beats bounced
    assert list(survivor.other_emails.values_list("email", "email_status")) == [
        ("luc.roy@gmail.com", EmailStatus.INVALID)]


def test_a_hard_bounce_marks_the_secondary_email_that_bounced(manager):
    keep = make_customer(manager, email="luc@videotron.ca")
    other = make_customer(manager, first_name="Autre", email="luc.roy@gmail.com")
    survivor, _merge_row = _merge(manager, keep, other, email="survivor")

    count = services.customer_mark_email_bounced(email="LUC.ROY@gmail.com", reason="550")

    survivor.refresh_from_db()
    assert survivor.email_status == EmailStatus.VALID  # its own address did not bounce
    assert survivor.other_emails.get().email_status == EmailStatus.INVALID
    event = timeline_for(survivor).first()
    assert (event.verb, event.data["email"], event.data["secondary"]) == (
        "customer_email_bounced", "luc.roy@gmail.com", True)
    assert count == 2  # the merged record, which still holds the address, is marked too


def test_merge_keeps_every_phone_tag_and_detail_and_moves_every_child_row(manager):
    vip, boat = Tag.objects.create(name="VIP"), Tag.objects.create(name="Bateau")
    keep = make_customer(manager, phones=[{"number": "819 555 0001"}], tags=[vip.pk], details={"Permis": "A"})
    other = make_customer(manager, first_name="Autre", tags=[vip.pk, boat.pk], details={"Permis": "B", "Loisir": "Pêche"},
                          phones=[{"number": "819 555 0001 poste 4"}, {"number": "819 555 0002"},
                                  {"number": "819 555 0001"}])
    note = Note.objects.create(customer=other, author=manager, body="Rappeler")
    task = task_create(actor=manager, title="Rappeler", due_at=timezone.now(), customer=other.pk)

    survivor, _merge_row = _merge(manager, keep, other, first_name="survivor")

    assert [p.display for p in survivor.phones.all()] == [
        "(819) 555-0001", "(819) 555-0001, poste 4", "(819) 555-0002"]
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["Bateau", "VIP"]
    assert survivor.details == {"Permis": "A", "Permis (2)": "B", "Loisir": "Pêche"}
    note.refresh_from_db()
    task.refresh_from_db()
    assert note.customer_id == task.customer_id == survivor.pk


def test_an_unknown_choice_is_refused_on_its_field_and_nothing_changes(manager):
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")

    with pytest.raises(ApplicationError) as unknown:
        services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk, keep={"points_lost": "other"})
    with pytest.raises(ApplicationError) as bad_side:
        services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk, keep={"email": "both"})

    assert unknown.value.field == "keep.points_lost" and unknown.value.status == 422
    assert bad_side.value.message == services.BAD_SIDE
    other.refresh_from_db()
    assert other.merged_into_id is None and not CustomerMerge.objects.exists()


def test_the_preview_shows_what_the_merge_will_do_with_its_defaults(manager):
    keep = make_customer(manager, first_name="Helene", last_name="Cote", no_email=True)
    other = make_customer(manager, first_name="Hélène", last_name="Côté-Tremblay", email="helene@videotron.ca")
    Note.objects.create(customer=other, author=manager, body="Rappeler")

    preview = merges_read.customer_merge_preview(actor=manager, customer_id=keep.pk, other_id=other.pk)

    rows = {row.key: row for row in preview["plan"].rows}
    assert rows["email"].survivor == "aucun courriel" and not rows["email"].choosable
    assert rows["email"].chosen == "other"
    assert rows["last_name"].choosable and rows["last_name"].default == "other"  # the newer record
    assert preview["plan"].other_names == ["Helene Cote"]
    assert ("Notes", 1) in preview["moving"]


# --- Undo ---------------------------------------------------------------------------------------

def test_undo_restores_both_records_and_moves_back_only_merged_rows(manager):
    # given
    keep = make_customer(manager, email="luc@videotron.ca", city="Magog", phones=[{"number": "819 555 0001"}])
    other = make_customer(manager, first_name="Lucien", email="lucien@videotron.ca", city="Orford",
                          phones=[{"number": "819 555 0002"}])
    old_note = Note.objects.create(customer=other, author=manager, body="Avant")
    before = {c.pk: {f.attname: getattr(c, f.attname) for f in Customer._meta.concrete_fields
                     if f.attname not in ("version", "updated_at")} for c in (keep, other)}
    history = set(timeline_for(other).values_list("pk", flat=True))
    survivor, merge = _merge(manager, keep, other, address="other", email="other")
    new_note = Note.objects.create(customer=survivor, author=manager, body="Après")

    # when
    services.customer_merge_undo(actor=manager, merge_id=merge.pk)

    # then
    for record in (keep, other):
        record.refresh_from_db()
        assert {name: getattr(record, name) for name in before[record.pk]} == before[record.pk]
    assert list(keep.phones.values_list("e164", flat=True)) == ["+18195550001"]
    assert list(other.phones.values_list("e164", flat=True)) == ["+18195550002"]
    assert not keep.aliases.exists() and not keep.other_emails.exists()
    assert set(Note.objects.filter(customer=other).values_list("pk", flat=True)) == {old_note.pk}
    assert set(Note.objects.filter(customer=keep).values_list("pk", flat=True)) == {new_note.pk}
    assert history <= set(timeline_for(other).values_list("pk", flat=True))
    assert _search(manager, "lucien") == [other.pk]
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == manager


def test_undo_gives_the_merged_record_its_phones_back_after_the_kept_card_was_edited(manager):
    keep = make_customer(manager, phones=[{"number": "819 555 0001"}])
    other = make_customer(manager, first_name="Autre", phones=[{"number": "819 555 0002 poste 4"}])
    survivor, merge = _merge(manager, keep, other)
    services.customer_update(actor=manager, customer_id=survivor.pk, phones=[
        {"number": "819 555 0001"}, {"number": "819 555 0002 poste 4"}, {"number": "819 555 0003"}])

    services.customer_merge_undo(actor=manager, merge_id=merge.pk)

    assert [p.display for p in other.phones.all()] == ["(819) 555-0002, poste 4"]
    assert len(keep.phones.all()) == 3  # what the kept card was given since stays


def test_undo_keeps_a_value_changed_since_the_merge(manager):
    keep = make_customer(manager, city="Magog", website="")
    other = make_customer(manager, first_name="Autre", city="Orford", website="roy.ca")
    survivor, merge = _merge(manager, keep, other, address="other")
    services.customer_update(actor=manager, customer_id=survivor.pk, city="Sherbrooke")

    services.customer_merge_undo(actor=manager, merge_id=merge.pk)

    keep.refresh_from_db()
    assert keep.city == "Sherbrooke"  # changed by someone since: theirs stays
    assert keep.website == ""  # set by the merge, untouched since: given back
    event = timeline_for(keep).first()
    assert event.verb == "customer_merge_undone" and "city" in event.data["kept"]


def test_both_timelines_record_the_merge_and_its_undo(manager):
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")
    _survivor, merge = _merge(manager, keep, other)
    timeline_record(actor=manager, subject=keep, verb="note_added", data={})  # written after the merge

    services.customer_merge_undo(actor=manager, merge_id=merge.pk)

    kept_verbs = [e.verb for e in timeline_for(keep)]
    other_verbs = [e.verb for e in timeline_for(other)]
    assert kept_verbs[:3] == ["customer_merge_undone", "note_added", "customer_merged"]
    assert other_verbs[:2] == ["customer_merge_undone", "customer_merged_into"]
    assert "customer_created" in other_verbs and kept_verbs.count("customer_created") == 1


def test_only_a_manager_or_an_admin_undoes_a_merge(salesperson, reception, admin):
    keep, other = make_customer(salesperson), make_customer(salesperson, first_name="Autre")
    _survivor, merge = _merge(salesperson, keep, other)

    for refused in (salesperson, reception):
        with pytest.raises(Forbidden) as forbidden:
            services.customer_merge_undo(actor=refused, merge_id=merge.pk)
        assert forbidden.value.message == services.UNDO_FORBIDDEN
    services.customer_merge_undo(actor=admin, merge_id=merge.pk)

    other.refresh_from_db()
    assert other.merged_into_id is None


def test_undo_of_a_merge_of_customers_one_may_not_see_is_not_found(salesperson):
    rival = UserFactory(role="salesperson")
    keep, other = make_customer(rival), make_customer(rival, first_name="Autre")
    _survivor, merge = _merge(rival, keep, other)

    with pytest.raises(NotFound):
        services.customer_merge_undo(actor=salesperson, merge_id=merge.pk)
    with pytest.raises(NotFound):
        merges_read.customer_merge_list(actor=salesperson, customer=keep.pk)
    assert list(merges_read.customer_merge_list(actor=salesperson)) == []


def test_a_merge_is_undone_once_and_only_within_the_window(manager, settings):
    settings.COMPTOIR_MERGE_UNDO_DAYS = 30
    keep, other = make_customer(manager), make_customer(manager, first_name="Autre")
    _survivor, merge = _merge(manager, keep, other)
    CustomerMerge.objects.filter(pk=merge.pk).update(created_at=timezone.now() - timedelta(days=31))

    with pytest.raises(Conflict) as too_late:
        services.customer_merge_undo(actor=manager, merge_id=merge.pk)
    settings.COMPTOIR_MERGE_UNDO_DAYS = 45
    services.customer_merge_undo(actor=manager, merge_id=merge.pk)
    with pytest.raises(Conflict) as twice:
        services.customer_merge_undo(actor=manager, merge_id=merge.pk)

    assert too_late.value.code == "merge_undo_expired" and "30 jours" in str(too_late.value.message)
    assert twice.value.message == services.UNDO_ALREADY


def test_undo_is_refused_while_the_kept_record_is_merged_into_another(manager):
    first, middle, last = (make_customer(manager, first_name=name) for name in ("Un", "Deux", "Trois"))
    _survivor, inner = _merge(manager, middle, first)
    _survivor, outer = _merge(manager, last, middle)

    with pytest.raises(Conflict) as stale:
        services.customer_merge_undo(actor=manager, merge_id=inner.pk)
    services.customer_merge_undo(actor=manager, merge_id=outer.pk)
    services.customer_merge_undo(actor=manager, merge_id=inner.pk)

    assert stale.value.message == services.UNDO_STALE and stale.value.status == 409
    for record in (first, middle, last):
        record.refresh_from_db()
        assert record.merged_into_id is None
    assert _search(manager, "un") == [first.pk]


def test_undo_gives_back_the_records_merged_earlier_into_the_merged_one(manager):
    first, middle, last = (make_customer(manager, first_name=name) for name in ("Un", "Deux", "Trois"))
    _merge(manager, middle, first)
    _survivor, outer = _merge(manager, last, middle)

    services.customer_merge_undo(actor=manager, merge_id=outer.pk)

    first.refresh_from_db()
    assert first.merged_into_id == middle.pk


def test_merges_a_customer_took_part_in_are_listed_newest_first(manager):
    keep, a, b = make_customer(manager), make_customer(manager, first_name="A"), make_customer(manager, first_name="B")
    _s, first = _merge(manager, keep, a)
    _s, second = _merge(manager, keep, b)
    services.customer_merge_undo(actor=manager, merge_id=first.pk)

    kept = list(merges_read.customer_merge_list(actor=manager, customer=keep.pk))
    restored = list(merges_read.customer_merge_list(actor=manager, customer=a.pk))

    assert kept == [second, first] and restored == [first]
    panel = merges_read.customer_merge_panel(actor=manager, customer=keep)
    assert [(row.merge, row.can_undo) for row in panel["merges"]] == [(second, True), (first, False)]
