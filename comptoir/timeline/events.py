"""The timeline's own verbs: what an admin does in the Django admin (see apps.py)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "admin_site_added": _("Ajout dans l'administration"),
    "admin_site_changed": _("Modification dans l'administration"),
    "admin_site_deleted": _("Suppression dans l'administration"),
}
