"""comptoir.bulk: rows written with one prepared statement (imports, the timeline, the benchmark) survive
the columns later migrations add."""

import pytest
from django.db import IntegrityError, connection, migrations, models, transaction
from django.db.migrations.state import ProjectState

from comptoir.bulk import insert_rows
from comptoir.customers.models import CustomerPhone

TABLE = "bulk_probe_card"


def _migrate(state: ProjectState, *operations) -> ProjectState:
    """Applies the operations as a migration of the app `core` would."""
    for operation in operations:
        after = state.clone()
        operation.state_forwards("core", after)
        with connection.schema_editor() as editor:
            operation.database_forwards("core", editor, state, after)
        state = after
    return state


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # SQLite alters tables outside a transaction
def test_a_column_added_with_a_default_does_not_break_bulk_inserts():
    # given: a table as its first migration made it, a bulk insert written then naming its columns, and
    # later migrations adding required columns, each with a model default and none in the database
    state = _migrate(ProjectState(), migrations.CreateModel("Card", [
        ("id", models.BigAutoField(primary_key=True)), ("name", models.CharField(max_length=40))],
        options={"db_table": TABLE}))
    try:
        state = _migrate(state, *(migrations.AddField("card", name, field) for name, field in [
            ("language", models.CharField(max_length=10, default="fr-ca")),
            ("archived", models.BooleanField(default=False)),
            ("details", models.JSONField(default=dict)),
            ("note", models.TextField(blank=True)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("closed_at", models.DateTimeField(null=True)),
        ]))
        card = state.apps.get_model("core", "card")
        with pytest.raises(IntegrityError), transaction.atomic():  # the trap: the former INSERT fails
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {TABLE} (name) VALUES ('Hélène')")

        # when
        written = insert_rows(card, ["name"], [("Hélène",), ("Rémi",)])

        # then: each column left out holds what Model() and save() would have given it
        assert written == 2
        rows = list(card.objects.order_by("pk").values("name", "language", "archived", "details", "note",
                                                       "closed_at"))
        assert rows == [{"name": name, "language": "fr-ca", "archived": False, "details": {}, "note": "",
                         "closed_at": None} for name in ("Hélène", "Rémi")]
        assert not card.objects.filter(created_at__isnull=True).exists()
    finally:
        _migrate(state, migrations.DeleteModel("card"))


@pytest.mark.django_db
def test_a_required_column_without_default_left_out_is_named_and_nothing_is_written():
    with pytest.raises(ValueError, match=r"CustomerPhone\.customer is NOT NULL and has no default"):
        insert_rows(CustomerPhone, ["kind", "number"], [("mobile", "(819) 555-0142")])

    assert CustomerPhone.objects.count() == 0
