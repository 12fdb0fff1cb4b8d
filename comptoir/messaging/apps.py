from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "comptoir.messaging"
    label = "messaging"
    verbose_name = _("Messagerie")

    def ready(self):
        # Imported once the models are loaded: a converted lead's messages follow it (leads.conversion).
        from comptoir.leads.conversion import lead_follower
        from comptoir.messaging.services import messages_follow_lead

        lead_follower(messages_follow_lead)
