from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "comptoir.activities"
    label = "activities"
    verbose_name = _("Activités")

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from comptoir.activities.services import admin_site_change_record

        # What an admin changes in the Django admin lands in the timeline, so in the audit log, too.
        post_save.connect(admin_site_change_record, sender=LogEntry, dispatch_uid="comptoir-admin-audit")
