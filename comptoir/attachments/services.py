"""Writes on attachments: a file checked by its content and size before anything is stored, deleted by
its uploader or a manager, shared by a signed link that expires, sent to the customer through messaging.

A customer merge moves the files with every other row pointing at the customer (customers.services
_move_children walks every relation to Customer, this one included): nothing to call from here."""

import hashlib
import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy as _

from comptoir.attachments import kinds, selectors
from comptoir.attachments.models import Attachment
from comptoir.core import permissions
from comptoir.core.emails import public_url
from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.messaging.services import message_send
from comptoir.timeline.services import timeline_record

FILE_REQUIRED = _("Choisissez un fichier.")
FILE_EMPTY = _("Le fichier est vide.")
FILE_TOO_BIG = _("Le fichier dépasse %(size)s.")
TYPE_REFUSED = _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
CONTENT_MISMATCH = _("Le contenu de ce fichier n'est pas celui d'un fichier « %(extension)s » : il est refusé.")
ONE_RECORD = _("Indiquez un client ou une opportunité, pas les deux.")
DELETE_FORBIDDEN = _("Seuls la personne qui a ajouté le fichier, un directeur des ventes ou un administrateur "
                     "peuvent le supprimer.")
BAD_CHANNEL = _("Canal inconnu : email ou sms.")
SEND_SUBJECT = _("Document : %(name)s")
SEND_EMAIL_BODY = _("Bonjour,\n\nVoici le document « %(name)s » : %(url)s\n\nLe lien reste valable jusqu'au "
                    "%(date)s.\n\n%(sender)s")
SEND_SMS_BODY = _("%(sender)s vous envoie « %(name)s » : %(url)s (valable jusqu'au %(date)s)")

DESCRIPTION_MAX = 500
NAME_MAX = 200
CHANNELS = ("email", "sms")
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _clean_name(name: str) -> str:
    """The person's name for the file, without a path or control characters, short enough to store."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rpartition("/")[2])
    name = UNSAFE_NAME.sub(" ", name).strip().strip(".") or gettext("fichier")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:NAME_MAX - len(extension) - 1] + "." + extension) if dot and len(extension) <= 10 \
            else name[:NAME_MAX]
    return name


def _check(upload: UploadedFile | None, name: str) -> kinds.Kind:
    """DESIGN: the file's kind is read from its content and must be one the settings take; nothing is stored
    otherwise."""
    if upload is None:
        raise ApplicationError(FILE_REQUIRED, field="file")
    if not upload.size:
        raise ApplicationError(FILE_EMPTY, field="file")
    if upload.size > settings.COMPTOIR_ATTACHMENT_MAX_BYTES:
        raise ApplicationError(FILE_TOO_BIG % {"size": filesizeformat(settings.COMPTOIR_ATTACHMENT_MAX_BYTES)},
                               field="file", code="too_big")
    extension = kinds.extension_of(name)
    if extension and extension not in kinds.allowed_extensions():
        raise ApplicationError(TYPE_REFUSED % {"types": ", ".join(kinds.allowed_extensions())}, field="file",
                               code="type")
    kind = kinds.identify(upload, name)
    if kind is None:
        if extension:
            raise ApplicationError(CONTENT_MISMATCH % {"extension": extension}, field="file", code="content")
        raise ApplicationError(TYPE_REFUSED % {"types": ", ".join(kinds.allowed_extensions())}, field="file",
                               code="type")
    return kind


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _target(actor, customer, opportunity):
    """(field, record): the one card the file goes on, that the actor may see (404 otherwise)."""
    if (customer is None) == (opportunity is None):
        raise ApplicationError(ONE_RECORD, field="customer" if customer is None else "opportunity")
    kind, pk = ("customer", customer) if customer is not None else ("opportunity", opportunity)
    return kind, selectors.record_get(actor=actor, kind=kind, pk=pk)


def _record(actor, attachment: Attachment, verb: str, **data) -> None:
    subject = attachment.customer if attachment.customer_id else attachment.opportunity
    timeline_record(actor=actor, subject=subject, verb=verb,
                    data={"attachment": attachment.pk, "name": attachment.original_name, **data})


def attachment_add(*, actor, upload: UploadedFile | None, customer=None, opportunity=None,
                   description: str = "") -> Attachment:
    """A file on a customer's or an opportunity's card. The card is checked first (404), then the file
    (422: size, kind by content); only then is it stored."""
    field, record = _target(actor, customer, opportunity)
    if not permissions.can_enter_records(actor):
        raise Forbidden()
    name = _clean_name(getattr(upload, "name", "") or "")
    kind = _check(upload, name)
    attachment = Attachment(**{field: record}, original_name=name, content_type=kind.mime, size=upload.size,
                            sha256=_sha256(upload), description=(description or "").strip()[:DESCRIPTION_MAX],
                            uploaded_by=actor)
    # The stored name comes from the kind read, never from the person's extension.
    attachment.file.save(f"file.{kind.extensions[0]}", upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            _record(actor, attachment, "attachment_added", size=attachment.size, content_type=kind.mime)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)  # no row, no file
        raise
    return attachment


def attachment_may_delete(actor, attachment: Attachment) -> bool:
    """The one who added it, or whoever answers for the team: a sales manager, an admin."""
    return attachment.uploaded_by_id == actor.pk or permissions.can_see_team(actor)


@transaction.atomic
def attachment_delete(*, actor, attachment_id) -> None:
    attachment = selectors.attachment_get(actor=actor, pk=attachment_id)
    if not attachment_may_delete(actor, attachment):
        raise Forbidden(DELETE_FORBIDDEN)
    _record(actor, attachment, "attachment_deleted")
    attachment.delete()  # the file goes once the deletion is committed (attachment_file_forget)


def attachment_file_forget(sender, instance: Attachment, **kwargs) -> None:
    """post_delete: the stored file goes when its row is gone for good (a rolled-back deletion keeps it)."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _link(attachment: Attachment) -> dict:
    path = reverse("attachment-shared", args=[selectors.share_token(attachment)])
    expires_at = timezone.now() + timedelta(days=settings.COMPTOIR_ATTACHMENT_LINK_DAYS)
    return {"url": public_url(path), "expires_at": expires_at}


@transaction.atomic
def attachment_share(*, actor, attachment_id) -> dict:
    """{"url", "expires_at"}: a link anyone holding it may open, without signing in, for
    COMPTOIR_ATTACHMENT_LINK_DAYS days; its signature is checked, nothing is stored."""
    attachment = selectors.attachment_get(actor=actor, pk=attachment_id)
    link = _link(attachment)
    _record(actor, attachment, "attachment_shared", expires_at=link["expires_at"])
    return link


def _template_safe(text: str) -> str:
    # Messaging renders the text as a template: a file named "{{ x }}" must stay a name.
    return text.replace("{", "(").replace("}", ")")


@transaction.atomic
def attachment_send(*, actor, attachment_id, channel: str, to: str | None = None):
    """The file's signed link to the customer, by email or text, through messaging (so it lands in their
    communications like any message): to their own address or number unless `to` says another."""
    if channel not in CHANNELS:
        raise ApplicationError(BAD_CHANNEL, field="channel")
    attachment = selectors.attachment_get(actor=actor, pk=attachment_id)
    link = _link(attachment)
    values = {"name": _template_safe(attachment.original_name), "url": link["url"],
              "date": formats.date_format(timezone.localtime(link["expires_at"]).date()),
              "sender": _template_safe(actor.display_name)}
    target = {"customer": attachment.customer_id} if attachment.customer_id else \
        {"opportunity": attachment.opportunity_id}
    body = (SEND_EMAIL_BODY if channel == "email" else SEND_SMS_BODY) % values
    message = message_send(actor=actor, channel=channel, subject=gettext(SEND_SUBJECT) % values, body=body,
                           to=to or None, **target)
    _record(actor, attachment, "attachment_sent", channel=channel, message=message.pk, to=message.to,
            expires_at=link["expires_at"])
    return message

