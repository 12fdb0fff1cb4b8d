"""Marking messages read and unread, and opening a reply from the inbox."""

from django.utils import timezone

from comptoir.messaging import selectors
from comptoir.messaging.models import Message


def message_mark_read(*, actor, message_id, read: bool = True) -> Message:
    """Mark a message the actor sees read (or unread with read=False); 404 for one they may not see.
    Idempotent: a read message keeps the time it was first read, and two people marking it at once
    write it once. The flag is the message's, whoever marks it; nothing lands in the timeline (reading
    is not history)."""
    message = selectors.message_get(actor=actor, pk=message_id)
    if read and message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    elif not read and message.read_at is not None:
        Message.objects.filter(pk=message.pk).update(read_at=None)
        message.read_at = None
    return message


def message_mark_unread(*, actor, message_id) -> Message:
    """Back to unread (« Marquer comme non lu »): it counts again in its owner's inbox."""
    return message_mark_read(actor=actor, message_id=message_id, read=False)


def inbox_message_open(*, actor, message_id) -> Message:
    """A reply opened from the inbox: read once the user whose inbox it is in opens it; a manager looking
    at a salesperson's inbox leaves it unread for them."""
    message = selectors.inbox_message_get(actor=actor, pk=message_id)
    if message.read_at is None and message.inbox_owner_id == actor.pk:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    return message
