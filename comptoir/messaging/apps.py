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
        # Email providers' events (django-anymail's tracking and inbound signals) go to the tracking services.
        from comptoir.messaging import providers

        providers.connect()
        # A customer's online acceptance of a quote lands in the salesperson's inbox (quotes.hooks).
        from comptoir.messaging.services import message_quote_accepted
        from comptoir.quotes.hooks import on_accepted_online

        on_accepted_online(message_quote_accepted)
