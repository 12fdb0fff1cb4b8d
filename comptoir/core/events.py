"""The timeline verbs core records (an admin's changes of the configuration, so the audit log), and how
each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "reference_item_created": _("Entrée de liste ajoutée"),
    "reference_item_updated": _("Entrée de liste modifiée"),
    "settings_updated": _("Paramètres modifiés"),
}
