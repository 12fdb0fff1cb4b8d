"""Messaging writes (DESIGN: messaging): templates, one message or a bulk follow-up queued with its
personalised text, delivery by the worker (throttled, retried with backoff, a restarted worker sends
what is left and nothing twice), opens and clicks, bounces and replies.

One module per part; every name callers use is here, so they import `comptoir.messaging.services`."""

from comptoir.messaging.services.templates import (  # noqa: F401
    BODY_REQUIRED, SUBJECT_REQUIRED, TEMPLATE_FIELDS, TEMPLATE_IN_USE, TEMPLATE_NAME_TAKEN, TEMPLATES_FORBIDDEN,
    template_create, template_delete, template_update,
)
from comptoir.messaging.services.sending import (  # noqa: F401
    CLAIM_LEASE, CLICK_SALT, MAX_RECIPIENTS, MISSING_FIELDS, NOBODY_TO_SEND, ONE_TARGET, SKIP_MESSAGES,
    TEMPLATE_INACTIVE, UNSUBSCRIBE_FOOTER, bulk_send, click_url, message_send, messages_deliver_due,
    messages_follow_lead, messages_preview, skip_summary, target_of,
)
from comptoir.messaging.services.tracking import (  # noqa: F401
    email_bounced, email_event, email_unsubscribed, message_clicked, message_for, message_opened, reply_received,
)
from comptoir.messaging.services.inbox import inbox_message_open, message_mark_read, message_mark_unread  # noqa: F401
from comptoir.messaging.services.acceptances import message_quote_accepted  # noqa: F401
