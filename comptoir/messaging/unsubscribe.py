"""The unsubscribe link at the foot of a mailing (DESIGN: following it sets `unsubscribed`; bulk sends
skip them). Its own module: rendering signs the link and services (which import rendering) send it.

The salt and the token's shape are those of the links already sent: changing either breaks them."""

from django.core import signing
from django.db import transaction

from comptoir.core.exceptions import NotFound
from comptoir.customers.models import Customer
from comptoir.leads.models import Lead
from comptoir.timeline.services import timeline_record

UNSUBSCRIBE_SALT = "comptoir.unsubscribe"


def unsubscribe_token(subject) -> str:
    """A signed token naming a customer or a lead, for the link at the foot of an email."""
    return signing.dumps({"m": subject._meta.model_name, "id": subject.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_subject(token: str):
    """The customer or lead a token names, or NotFound for a forged or broken one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise NotFound() from None
    model = {"customer": Customer, "lead": Lead}.get(data.get("m"))
    subject = model.objects.filter(pk=data.get("id")).first() if model else None
    if subject is None:
        raise NotFound()
    return subject


@transaction.atomic
def unsubscribe(*, token: str):
    """DESIGN: following the link sets `unsubscribed`; bulk sends skip them."""
    subject = unsubscribe_subject(token)
    if not subject.unsubscribed:
        type(subject).objects.filter(pk=subject.pk).update(unsubscribed=True)
        timeline_record(actor=None, subject=subject, verb="unsubscribed", data={})
        subject.unsubscribed = True
    return subject
