"""Phones saved before issue 22: a database migrated then shows every North American number in one
format and has the « poste » typed in the number as an extension."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.customers.models import CustomerPhone
from comptoir.customers.tests.factories import make_customer

BEFORE = [("customers", "0009_merge_undo_aliases_emails_extension")]
AFTER = [("customers", "0010_phones_in_one_format")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_phones_typed_before_are_written_in_one_format_with_their_extension(salesperson):
    customer = make_customer(salesperson)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        for position, (typed, e164) in enumerate([("418.555.0199 poste 4", "+14185550199"),
                                                  ("1-819-555-0142", "+18195550142"),
                                                  ("+48 22 123 45 67", "+48221234567")]):
            CustomerPhone.objects.create(customer=customer, number=typed, e164=e164, position=position,
                                         digits_reversed=e164[1:][::-1])

        _migrate(AFTER)

        phones = list(CustomerPhone.objects.filter(customer=customer).order_by("position")
                      .values_list("number", "extension"))
        assert phones == [("(418) 555-0199", "4"), ("(819) 555-0142", ""), ("+48 22 123 45 67", "")]
    finally:
        _migrate(leaves)
