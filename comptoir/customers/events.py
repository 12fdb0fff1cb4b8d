"""The timeline verbs customers records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "customer_created": _("Fiche créée"),
    "customer_updated": _("Fiche modifiée"),
    "customer_merged": _("Fusion : une autre fiche a été fusionnée ici"),
    "customer_merged_into": _("Fusionnée dans une autre fiche"),
    "customer_merge_undone": _("Fusion annulée : les deux fiches sont rétablies"),
    "customer_email_bounced": _("Courriel en rebond : marqué invalide"),
    "note_added": _("Note ajoutée"),
}
