"""The timeline verbs accounts records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "user_created": _("Utilisateur créé"),
    "user_updated": _("Utilisateur modifié"),
    "user_photo_changed": _("Photo changée"),
    "api_token_issued": _("Jeton d'API créé"),
    "api_token_revoked": _("Jeton d'API révoqué"),
}
