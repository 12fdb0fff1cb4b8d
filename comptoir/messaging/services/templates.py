"""Message templates: an administrator's subject and body per channel and language."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.core.versioning import check_version, lock_one, save_versioned
from comptoir.messaging.models import Channel, MessageTemplate
from comptoir.messaging.rendering import Compiled, compile_message
from comptoir.timeline.services import timeline_record

TEMPLATES_FORBIDDEN = _("Seul un administrateur gère les modèles de message.")
TEMPLATE_NAME_TAKEN = _("Un modèle porte déjà ce nom dans cette langue pour ce canal.")
TEMPLATE_IN_USE = _("Ce modèle a servi à un envoi groupé : désactivez-le plutôt.")
SUBJECT_REQUIRED = _("Un courriel a besoin d'un objet.")
BODY_REQUIRED = _("Le message est vide.")
TEMPLATE_FIELDS = ("name", "channel", "language", "subject", "body", "active")


def _check_template(template: MessageTemplate) -> Compiled:
    template.name = (template.name or "").strip()
    template.subject = (template.subject or "").strip()
    if not (template.body or "").strip():
        raise ApplicationError(BODY_REQUIRED, field="body")
    if template.channel == Channel.EMAIL and not template.subject:
        raise ApplicationError(SUBJECT_REQUIRED, field="subject")
    return compile_message(subject=template.subject, body=template.body, language=template.language)


def _save_template(template: MessageTemplate, fields: list[str] | None) -> None:
    taken = MessageTemplate.objects.filter(name=template.name, channel=template.channel, language=template.language)
    if taken.exclude(pk=template.pk).exists():
        raise Conflict(TEMPLATE_NAME_TAKEN, field="name")
    if fields is None:
        template.save()
    else:
        save_versioned(template, [*fields, "updated_at"])


@transaction.atomic
def template_create(*, actor, **values) -> MessageTemplate:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = MessageTemplate(**{k: v for k, v in values.items() if k in TEMPLATE_FIELDS})
    _check_template(template)
    _save_template(template, None)
    timeline_record(actor=actor, subject=template, verb="message_template_created", data={"name": template.name})
    return template


@transaction.atomic
def template_update(*, actor, template_id, version: int | None = None, **values) -> MessageTemplate:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = lock_one(MessageTemplate, template_id)
    check_version(template, version)
    changed = [k for k, v in values.items() if k in TEMPLATE_FIELDS and getattr(template, k) != v]
    for name in changed:
        setattr(template, name, values[name])
    _check_template(template)
    _save_template(template, changed)
    timeline_record(actor=actor, subject=template, verb="message_template_updated", data={"fields": changed})
    return template


@transaction.atomic
def template_delete(*, actor, template_id) -> None:
    permissions.require(actor, "manage_lists", TEMPLATES_FORBIDDEN)
    template = lock_one(MessageTemplate, template_id)
    try:
        with transaction.atomic():
            template.delete()
    except ProtectedError:
        raise Conflict(TEMPLATE_IN_USE) from None
