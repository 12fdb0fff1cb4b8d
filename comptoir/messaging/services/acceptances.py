"""A customer's online acceptance of a quote, in the inbox (issue 23): quotes calls the listeners of
quotes.hooks inside the acceptance's transaction, and this one files it as a received message of the
deal and its customer, so it lands in the salesperson's inbox (selectors.inbox_owner: the deal's
salesperson first) and in the card's communications, beside the replies."""

from django.utils import translation

from comptoir.customers.models import EmailStatus
from comptoir.messaging.models import Channel, Direction, Message, MessageStatus
from comptoir.quotes.services import acceptance_text


def acceptance_message_id(variant) -> str:
    """The message's own id: one per variant (message_inbound_once), so it is filed once."""
    return f"<quote-accepted-{variant.pk}@comptoir>"


def message_quote_accepted(*, variant, opportunity, salesperson) -> Message:
    """The acceptance as a received message, written in the language of the salesperson it is for."""
    customer = opportunity.customer
    with translation.override(salesperson.language if salesperson else None):
        subject, lines = acceptance_text(variant, opportunity)
    return Message.objects.create(
        channel=Channel.EMAIL, direction=Direction.IN, status=MessageStatus.RECEIVED, to="",
        from_address=customer.email if customer.email_status == EmailStatus.VALID else "",
        subject=subject[:300], body_text="\n\n".join(lines), message_id=acceptance_message_id(variant),
        customer=customer, opportunity=opportunity, received_at=variant.accepted_at, sent_at=variant.accepted_at,
        sender=None)
