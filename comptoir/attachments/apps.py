from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

from comptoir.attachments.kinds import check_settings


class AttachmentsConfig(AppConfig):
    name = "comptoir.attachments"
    label = "attachments"
    verbose_name = _("Pièces jointes")

    def ready(self):
        # Imported once the models are loaded: the model and the services (which import it) cannot be before.
        from comptoir.attachments.models import Attachment
        from comptoir.attachments.services import attachment_file_forget

        # A row gone by any path (the service, a cascade, the admin) takes its file with it, once committed.
        post_delete.connect(attachment_file_forget, sender=Attachment, dispatch_uid="comptoir-attachment-file")
        checks.register(check_settings)
