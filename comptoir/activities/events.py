"""The timeline verbs activities records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "task_created": _("Tâche ajoutée"),
    "task_updated": _("Tâche modifiée"),
    "task_completed": _("Tâche faite"),
    "calendar_feed_reset": _("Adresse de l'agenda privé renouvelée"),
}
