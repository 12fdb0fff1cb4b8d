from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "comptoir.desk"
    label = "desk"
    verbose_name = _("Calcul des paiements")

    def ready(self) -> None:
        from comptoir.desk import cards  # noqa: F401  (the desk's tab on the opportunity page)
