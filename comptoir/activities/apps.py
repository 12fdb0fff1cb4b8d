from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "comptoir.activities"
    label = "activities"
    verbose_name = _("Activités")

    def ready(self):
        # Imported once the models are loaded: the tasks' sections of the cards and the board's next
        # task, registered in core.cards (the apps below read them without importing activities).
        from comptoir.activities import cards  # noqa: F401
        from comptoir.activities.services import tasks_follow_lead, tasks_follow_reassignment
        from comptoir.leads.conversion import lead_follower
        from comptoir.sales.reassign import on_reassigned

        lead_follower(tasks_follow_lead)  # a converted lead's tasks follow it (leads.conversion)
        on_reassigned(tasks_follow_reassignment)  # a reassigned deal's open tasks follow it (sales.reassign)
