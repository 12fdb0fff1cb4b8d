"""The timeline verbs attachments records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "attachment_added": _("Pièce jointe ajoutée"),
    "attachment_deleted": _("Pièce jointe supprimée"),
    "attachment_shared": _("Lien de pièce jointe créé"),
    "attachment_sent": _("Pièce jointe envoyée au client"),
}
