"""The morning reminder: one email per user per day, whatever the number of workers running it."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from comptoir.activities.models import ReminderSent
from comptoir.activities.services import reminders_send_due, task_create

TORONTO = ZoneInfo("America/Toronto")


def _morning(hour=8):
    return datetime(2026, 11, 24, hour, 0, tzinfo=TORONTO)


@pytest.mark.django_db
def test_the_reminder_lists_the_days_tasks_and_overdue_ones_once_a_day(salesperson):
    task_create(actor=salesperson, title="Rappeler M. Roy", due_at=_morning(14))
    task_create(actor=salesperson, title="Soumission en retard", due_at=_morning() - timedelta(days=2))

    early = reminders_send_due(now=_morning(6))
    first = reminders_send_due(now=_morning(8))
    again = reminders_send_due(now=_morning(11))

    assert (early, first, again) == (0, 1, 0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [salesperson.email]
    body = mail.outbox[0].body
    assert "Rappeler M. Roy" in body and "Soumission en retard" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reminder_job_sends_exactly_one_email_per_user_per_day_with_two_workers(salesperson, manager):
    for user in (salesperson, manager):
        task_create(actor=user, title=f"Appel de {user.username}", due_at=_morning(15))
    start = threading.Barrier(2)
    failures = []

    def worker():
        start.wait()
        try:
            reminders_send_due(now=_morning(9))
        except Exception as error:  # a worker that dies would hide a double send behind the other
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([salesperson.email, manager.email])
    assert ReminderSent.objects.count() == 2
