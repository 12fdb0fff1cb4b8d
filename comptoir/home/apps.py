from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The page a user lands on after signing in: a salesperson's day, a manager's team month."""

    name = "comptoir.home"
    verbose_name = _("Accueil")
