"""Reads on attachments. Visibility follows the card: whoever may see the customer or the opportunity
sees its files, and nobody else (404)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet

from comptoir.activities.selectors import record_get as activities_record_get
from comptoir.attachments.models import Attachment
from comptoir.core.exceptions import NotFound
from comptoir.core.text import is_small_id
from comptoir.customers.selectors import customer_visible
from comptoir.sales.selectors import opportunity_visible

SHARE_SALT = "comptoir.attachments.share"
TARGETS = {"customers": "customer", "opportunities": "opportunity"}


def attachment_visible(actor) -> QuerySet:
    return Attachment.objects.filter(
        Q(customer__in=customer_visible(actor).values("pk"))
        | Q(opportunity__in=opportunity_visible(actor).values("pk"))
    )


def record_get(*, actor, kind: str | None, pk):
    """The customer or opportunity a file is (or goes) on, through its own visibility rule: 404 otherwise."""
    if kind not in TARGETS.values() or not is_small_id(pk):
        raise NotFound()
    return activities_record_get(actor=actor, kind=kind, pk=pk)


def attachment_list(*, actor, customer=None, opportunity=None) -> QuerySet:
    """Newest first; filtered by a card the actor may see (404 for one they may not), else every file they
    may see. One query whatever the number of rows (the uploader comes joined)."""
    if customer is None and opportunity is None:
        queryset = attachment_visible(actor)
    else:
        queryset = Attachment.objects.all()
        for kind, pk in (("customer", customer), ("opportunity", opportunity)):
            if pk is not None:
                record_get(actor=actor, kind=kind, pk=pk)
                queryset = queryset.filter(**{f"{kind}_id": pk})
    return queryset.select_related("uploaded_by").order_by("-created_at", "-pk")


def attachments_of(record) -> QuerySet:
    """The files of a card already fetched for (and so visible to) the user, newest first."""
    kind = "customer" if record._meta.model_name == "customer" else "opportunity"
    return Attachment.objects.filter(**{kind: record}).select_related("uploaded_by").order_by("-created_at", "-pk")


def attachment_get(*, actor, pk) -> Attachment:
    if not is_small_id(pk):
        raise NotFound()
    attachment = attachment_visible(actor).select_related("uploaded_by", "customer", "opportunity").filter(
        pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def share_token(attachment: Attachment) -> str:
    # The id and the start of the content's hash: a link names this file, never a later one with its id.
    return signing.TimestampSigner(salt=SHARE_SALT).sign(f"{attachment.pk}.{attachment.sha256[:16]}")


def attachment_from_token(token: str) -> Attachment:
    """The file a link sent to a customer names, while the link lasts; 404 for a forged, stale or altered
    one, or a file deleted since."""
    try:
        value = signing.TimestampSigner(salt=SHARE_SALT).unsign(
            token, max_age=timedelta(days=settings.COMPTOIR_ATTACHMENT_LINK_DAYS))
    except signing.BadSignature:  # SignatureExpired included
        raise NotFound() from None
    pk, _dot, digest = value.partition(".")
    attachment = Attachment.objects.filter(pk=pk, sha256__startswith=digest).first() if is_small_id(pk) else None
    if attachment is None or not digest:
        raise NotFound()
    return attachment
