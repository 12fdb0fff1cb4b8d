"""Issue 22, the property: for random pairs of customers with random children, a merge loses no value
(every distinct value of either record is findable on the kept one), and merge then undo gives back both
records and every child row as they were, compared field by field. Runs on SQLite and PostgreSQL
(DATABASE_URL); each example in a savepoint rolled back afterwards."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.activities.models import Task
from comptoir.activities.services import task_create
from comptoir.core.models import Tag
from comptoir.customers import merges_read, services
from comptoir.customers.models import (
    Customer,
    CustomerAlias,
    CustomerEmail,
    CustomerPhone,
    CustomerSearchToken,
    EmailStatus,
    Note,
)
from comptoir.customers.tests.factories import make_customer
from comptoir.timeline.models import TimelineEvent

pytestmark = pytest.mark.django_db

NAMES = {"first_name": ["", "Hélène", "Helene", "Luc"], "last_name": ["", "Côté-Tremblay", "Cote", "Roy"],
         "company": ["", "Roy inc.", "Marina Côté"]}
ALIASES = [("Marie", "Roy", ""), ("Hélène", "Côté-Tremblay", ""), ("", "", "Roy inc.")]
EMAILS = ["helene@videotron.ca", "luc.roy@gmail.com"]
PHONES = ["819 555 0001", "819 555 0002", "819 555 0001 poste 4", "+33 1 23 45 67 89"]
CHOICES = ("first_name", "last_name", "company", "email", "address", "external_id", "website")
# Bookkeeping, not values: a version and a modification time move forward with every write, undo included.
BOOKKEEPING = ("version", "updated_at")


def _record():
    return st.fixed_dictionaries({
        **{name: st.sampled_from(values) for name, values in NAMES.items()},
        "email": st.sampled_from(["", "placeholder", *EMAILS]),
        "bounced": st.booleans(),
        "phones": st.lists(st.sampled_from(PHONES), max_size=3, unique=True),
        "city": st.sampled_from(["", "Magog", "Orford"]),
        "postal_code": st.sampled_from(["", "J1X 1A1"]),
        "external_id": st.sampled_from(["", "DMS-1", "DMS-2"]),
        "website": st.sampled_from(["", "roy.ca"]),
        "details": st.dictionaries(st.sampled_from(["Permis", "Loisir", "Autre adresse"]), st.sampled_from(["A", "B"]),
                                   max_size=2),
        "tags": st.lists(st.sampled_from(["VIP", "Bateau", "Quad"]), max_size=3, unique=True),
        "aliases": st.lists(st.sampled_from(ALIASES), max_size=2, unique=True),
        "other_emails": st.lists(st.tuples(st.sampled_from(EMAILS + ["vieux@sympatico.ca"]), st.booleans()),
                                 max_size=2, unique_by=lambda pair: pair[0]),
        "notes": st.integers(0, 2),
        "tasks": st.integers(0, 1),
        "unsubscribed": st.booleans(),
    }).filter(lambda r: r["first_name"] or r["last_name"] or r["company"])


def _create(actor, data) -> Customer:
    customer = make_customer(
        actor, first_name=data["first_name"], last_name=data["last_name"], company=data["company"],
        email="" if data["email"] == "placeholder" else data["email"], no_email=data["email"] == "placeholder",
        phones=[{"number": number} for number in data["phones"]], city=data["city"],
        postal_code=data["postal_code"], external_id=data["external_id"], website=data["website"],
        details=data["details"], tags=[Tag.objects.get_or_create(name=name)[0].pk for name in data["tags"]])
    if data["bounced"] and customer.email_status == EmailStatus.VALID:
        Customer.objects.filter(pk=customer.pk).update(email_status=EmailStatus.INVALID)
    Customer.objects.filter(pk=customer.pk).update(unsubscribed=data["unsubscribed"])
    for first, last, company in data["aliases"]:  # other names from an earlier merge
        CustomerAlias.objects.create(customer=customer, first_name=first, last_name=last, company=company)
    for email, bounced in data["other_emails"]:
        CustomerEmail.objects.create(customer=customer, email=email,
                                     email_status=EmailStatus.INVALID if bounced else EmailStatus.VALID)
    for number in range(data["notes"]):
        Note.objects.create(customer=customer, author=actor, body=f"Note {number}")
    for _number in range(data["tasks"]):
        task_create(actor=actor, title="Rappeler", due_at=timezone.now(), customer=customer.pk)
    services.customer_update(actor=actor, customer_id=customer.pk)  # search tokens, other names included
    customer.refresh_from_db()
    return customer


def _state(customers: list[Customer]) -> dict:
    """Every column of both records and of every row hanging from them, by primary key."""
    ids = [c.pk for c in customers]
    rows = {
        "customers": {c.pk: {f.attname: getattr(c, f.attname) for f in Customer._meta.concrete_fields
                             if f.attname not in BOOKKEEPING}
                      for c in Customer.objects.filter(pk__in=ids)},
        "merged_in": set(Customer.objects.filter(merged_into__in=ids).values_list("pk", "merged_into")),
        "tags": set(Customer.tags.through.objects.filter(customer__in=ids).values_list("customer", "tag")),
        "tokens": set(CustomerSearchToken.objects.filter(customer__in=ids).values_list("customer", "token")),
    }
    for name, model in (("phones", CustomerPhone), ("aliases", CustomerAlias), ("emails", CustomerEmail),
                        ("notes", Note)):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[name] = {row[0]: row for row in model.objects.filter(customer__in=ids).values_list(*columns)}
    rows["tasks"] = dict(Task.objects.filter(customer__in=ids).values_list("pk", "customer"))
    rows["timeline"] = dict(TimelineEvent.objects.filter(
        subject_type__model="customer", subject_id__in=ids).values_list("pk", "subject_id"))
    return rows


def _findable(survivor: Customer, record: dict, aliases, emails) -> list[str]:
    """The values of `record` (a state row and its children) the kept record does not hold anywhere."""
    lost = []
    names = [(survivor.first_name, survivor.last_name, survivor.company), *aliases]
    for index, name in enumerate(("first_name", "last_name", "company")):
        for value in {record["row"][name], *(alias[index] for alias in record["aliases"])} - {""}:
            if value not in {held[index] for held in names}:
                lost.append(f"{name} {value}")
    held_emails = {survivor.email, *emails}
    for email in record["emails"]:
        if email not in held_emails:
            lost.append(f"email {email}")
    held_phones = set(survivor.phones.values_list("e164", "extension"))
    lost += [f"phone {phone}" for phone in record["phones"] if phone not in held_phones]
    details = set(survivor.details.values())
    texts = {"address": merges_read.address_text(survivor), "external_id": survivor.external_id,
             "website": survivor.website}
    for key, value in record["texts"].items():
        if value and value != texts[key] and value not in details:
            lost.append(f"{key} {value}")
    lost += [f"detail {value}" for value in record["details"] if value not in details]
    held_tags = set(survivor.tags.values_list("pk", flat=True))
    lost += [f"tag {tag}" for tag in record["tags"] if tag not in held_tags]
    return lost


def _values(customer: Customer) -> dict:
    real = customer.email_status in (EmailStatus.VALID, EmailStatus.INVALID)
    return {
        "row": {name: getattr(customer, name) for name in ("first_name", "last_name", "company")},
        "aliases": list(customer.aliases.values_list("first_name", "last_name", "company")),
        "emails": [customer.email] * real + list(customer.other_emails.values_list("email", flat=True)),
        "phones": list(customer.phones.values_list("e164", "extension")),
        "texts": {"address": merges_read.address_text(customer) if customer.city or customer.postal_code else "",
                  "external_id": customer.external_id, "website": customer.website},
        "details": list(customer.details.values()),
        "tags": list(customer.tags.values_list("pk", flat=True)),
        "words": set(CustomerSearchToken.objects.filter(customer=customer).values_list("token", flat=True)),
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(keep_data=_record(), other_data=_record(), other_is_newer=st.booleans(), earlier_merge=st.booleans(),
       choices=st.dictionaries(st.sampled_from(CHOICES), st.sampled_from(["survivor", "other"])))
def test_merge_loses_no_value_and_undo_gives_back_both_records_and_every_child_row(
        manager, keep_data, other_data, other_is_newer, earlier_merge, choices):
    with transaction.atomic():
        # given
        keep, other = _create(manager, keep_data), _create(manager, other_data)
        if earlier_merge:  # a record merged into `other` before: it follows to the survivor, and comes back
            services.customer_merge(actor=manager, customer_id=other.pk,
                                    other_id=make_customer(manager, last_name="Ancien").pk)
        newer = other if other_is_newer else keep
        Customer.objects.filter(pk=newer.pk).update(updated_at=timezone.now() + timedelta(minutes=1))
        keep.refresh_from_db()
        other.refresh_from_db()
        before = _state([keep, other])
        values = [_values(keep), _values(other)]

        # when
        services.customer_merge(actor=manager, customer_id=keep.pk, other_id=other.pk, keep=choices)

        # then: nothing lost, every word still finds the kept record
        survivor = Customer.objects.get(pk=keep.pk)
        aliases = list(survivor.aliases.values_list("first_name", "last_name", "company"))
        emails = list(survivor.other_emails.values_list("email", flat=True))
        tokens = set(CustomerSearchToken.objects.filter(customer=survivor).values_list("token", flat=True))
        for record in values:
            assert _findable(survivor, record, aliases, emails) == []
            assert record["words"] <= tokens
        assert survivor.email_status != EmailStatus.PLACEHOLDER or survivor.email.startswith(f"nomail_{keep.pk}@")
        merge = survivor.merges_kept.get(undone_at__isnull=True)

        # when
        services.customer_merge_undo(actor=manager, merge_id=merge.pk)

        # then: both records and every row as they were; the rows written since (merge, undo) aside
        after = _state([keep, other])
        for name in before:
            if name == "timeline":
                assert {pk: after[name].get(pk) for pk in before[name]} == before[name]
            else:
                assert after[name] == before[name], name
        transaction.set_rollback(True)
