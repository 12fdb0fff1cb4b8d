"""The timeline verbs walk-ins records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "walk_in_recorded": _("Visite en magasin"),
    "walk_in_updated": _("Visite en magasin modifiée"),
}
