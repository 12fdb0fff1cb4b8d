"""Timeline rows change subject only through the timeline: a merged customer's history follows."""

import json

import pytest

from comptoir.customers.tests.factories import make_customer
from comptoir.leads.services import lead_create
from comptoir.timeline.models import TimelineEvent
from comptoir.timeline.selectors import timeline_for
from comptoir.timeline.services import timeline_move, timeline_record

pytestmark = pytest.mark.django_db


def _rows(events) -> list[tuple]:
    return sorted((e.pk, e.created_at, e.actor_id, e.verb, json.dumps(e.data, sort_keys=True)) for e in events)


def test_moving_a_timeline_keeps_each_rows_date_actor_and_data(salesperson, manager):
    # given two customers, one with some history
    old, new = make_customer(salesperson, last_name="Roy"), make_customer(salesperson, last_name="Roi")
    timeline_record(actor=manager, subject=old, verb="note_added", data={"body": "Rappeler"})
    before = _rows(timeline_for(old))
    new_history = _rows(timeline_for(new))

    # when
    moved = timeline_move(from_subject=old, to_subject=new)

    # then
    assert moved == len(before) == 2
    assert not timeline_for(old).exists()
    assert _rows(timeline_for(new)) == sorted(before + new_history)


def test_a_timeline_moves_only_between_records_of_the_same_model(salesperson):
    customer = make_customer(salesperson)
    lead = lead_create(actor=salesperson, last_name="Roy")
    count = TimelineEvent.objects.count()

    with pytest.raises(ValueError):
        timeline_move(from_subject=lead, to_subject=customer)

    assert TimelineEvent.objects.count() == count
    assert timeline_for(lead).count() == 1 and timeline_for(customer).count() == 1
