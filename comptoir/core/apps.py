from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = _("Listes et paramètres")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from comptoir.core.models import ReferenceItem
        from comptoir.core.selectors import reference_forget

        # Cache coherence: a list entry saved or deleted anywhere (admin, API, import) drops its cached list.
        def forget(sender, **kwargs):
            reference_forget(sender)

        for model in apps.get_models():
            if issubclass(model, ReferenceItem):
                label = model._meta.label
                post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"core.reference_forget.{label}")
                post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"core.reference_forget_d.{label}")
