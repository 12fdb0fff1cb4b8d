from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from comptoir.timeline import registry


class TimelineConfig(AppConfig):
    name = "comptoir.timeline"
    label = "timeline"
    verbose_name = _("Historique")

    def ready(self):
        # Imported once the models are loaded: services imports the model, which apps.py cannot.
        from comptoir.timeline.services import admin_site_change_record

        # Each app declares its verbs in its own events.py: read here, so the timeline imports none of them.
        registry.autodiscover()
        # What an admin changes in the Django admin lands in the timeline, so in the audit log, too.
        post_save.connect(admin_site_change_record, sender="admin.LogEntry", dispatch_uid="comptoir-admin-audit")
