"""The timeline verbs messaging records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "message_sent": _("Message envoyé"),
    "message_failed": _("Message non envoyé (échec)"),
    "message_opened": _("Courriel ouvert"),
    "message_clicked": _("Lien du courriel suivi"),
    "message_bounced": _("Courriel revenu (rebond)"),
    "message_soft_bounced": _("Courriel non remis, adresse conservée (rebond temporaire)"),
    "email_soft_bounced": _("Courriel non remis, adresse conservée (rebond temporaire)"),
    "message_complaint": _("Courriel signalé comme indésirable (désabonné)"),
    "message_received": _("Réponse reçue"),
    "message_template_created": _("Modèle de message créé"),
    "message_template_updated": _("Modèle de message modifié"),
    "bulk_send_created": _("Envoi groupé lancé"),
    "unsubscribed": _("Désabonnement par le lien du courriel"),
}
