"""The timeline (and customers' notes) left activities in Django's state only: a database migrated
before the move keeps every row, under the same content type."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comptoir.customers.models import Note
from comptoir.customers.tests.factories import make_customer
from comptoir.timeline.models import TimelineEvent

BEFORE = [("activities", "0007_timelineevent_timeline_actor_idx"), ("customers", "0007_customer_unsubscribed"),
          ("timeline", None)]


def _migrate(targets) -> "StateApps":  # noqa: F821
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_to_the_timeline_app_keeps_every_row_and_content_type(salesperson):
    customer = make_customer(salesperson)
    event_type = ContentType.objects.get_for_model(TimelineEvent).pk
    note_type = ContentType.objects.get_for_model(Note).pk
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        # given a database as it was before the move, with a row written by the old models
        old = _migrate(BEFORE)
        at = timezone.now().replace(microsecond=0)
        old_event = old.get_model("activities", "TimelineEvent").objects.create(
            subject_type_id=ContentType.objects.get_for_model(customer).pk, subject_id=customer.pk,
            actor_id=salesperson.pk, verb="note_added", data={"body": "Rappeler"})
        old.get_model("activities", "TimelineEvent").objects.filter(pk=old_event.pk).update(created_at=at)
        old_note = old.get_model("activities", "Note").objects.create(customer_id=customer.pk,
                                                                     author_id=salesperson.pk, body="Rappeler")
        assert old.get_model("contenttypes", "ContentType").objects.get(pk=event_type).app_label == "activities"

        # when it migrates
        _migrate(leaves)
    finally:
        _migrate(leaves)
        ContentType.objects.clear_cache()

    # then the rows are read by the new models, and their content types are the same rows, renamed
    event = TimelineEvent.objects.get(pk=old_event.pk)
    assert (event.subject_id, event.actor_id, event.verb, event.data, event.created_at) == (
        customer.pk, salesperson.pk, "note_added", {"body": "Rappeler"}, at)
    assert Note.objects.get(pk=old_note.pk).customer == customer
    assert ContentType.objects.get_for_model(TimelineEvent).pk == event_type
    assert ContentType.objects.get_for_model(Note).pk == note_type
    assert ContentType.objects.get(pk=event_type).app_label == "timeline"
    assert ContentType.objects.get(pk=note_type).app_label == "customers"
