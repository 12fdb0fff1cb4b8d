from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinsConfig(AppConfig):
    name = "comptoir.walkins"
    label = "walkins"
    verbose_name = _("Visites en magasin")

    def ready(self):
        # How this app's timeline verbs read on a customer's card (activities.verbs is the one table).
        from comptoir.activities.verbs import VERB_LABELS

        VERB_LABELS.setdefault("walk_in_recorded", _("Visite en magasin"))
        VERB_LABELS.setdefault("walk_in_updated", _("Visite en magasin modifiée"))
