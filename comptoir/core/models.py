"""Reference lists an admin manages, and the site settings (DESIGN: admin)."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 100
CODE_MAX_LENGTH = 50


class ReferenceItem(models.Model):
    """One entry of an admin-managed list, named in French, English and Polish.

    `code` is the stable key code relies on (media `web_form`, task type `call`);
    entries an admin adds may have none. Entries are deactivated, never deleted, so
    history keeps pointing at them.
    """

    code = models.SlugField(_("code"), max_length=CODE_MAX_LENGTH, null=True, blank=True, unique=True)
    name = models.CharField(_("nom (français)"), max_length=NAME_MAX_LENGTH, unique=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=NAME_MAX_LENGTH, blank=True)
    name_pl = models.CharField(_("nom (polonais)"), max_length=NAME_MAX_LENGTH, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("actif"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language, French when that one is missing."""
        language = (get_language() or "fr").split("-")[0]
        localised = {"en": self.name_en, "pl": self.name_pl}.get(language)
        return localised or self.name


class Media(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("média")
        verbose_name_plural = _("médias")


class Source(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class Tag(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")


class LostReason(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("raison de perte")
        verbose_name_plural = _("raisons de perte")


class TaskType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("type de tâche")
        verbose_name_plural = _("types de tâche")


class Competitor(ReferenceItem):
    """A dealer or brand a customer also shops at (Optima Sales' « concurrents »)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("concurrent")
        verbose_name_plural = _("concurrents")


def default_fake_email_patterns() -> list[str]:
    # DESIGN (Customers): fake addresses people type to get past a required field.
    return [
        "noemail.com",
        "nomail.com",
        "no-email.com",
        "aucun.com",
        "aucuncourriel.com",
        "pasdecourriel.com",
        "test.com",
        "example.com",
        "aucun@*",
        "none@*",
        "no@*",
        "non@*",
        "noemail@*",
        "nomail@*",
        "pasdecourriel@*",
        "aucuncourriel@*",
        "test@test.com",
    ]


def default_taxes() -> list[dict]:
    return [
        {"code": "TPS", "name": "TPS", "name_en": "GST", "rate": "5.000"},
        {"code": "TVQ", "name": "TVQ", "name_en": "QST", "rate": "9.975"},
    ]


def default_status_matrix() -> dict:
    # DESIGN (Opportunities): a salesperson wins, loses, suspends and resumes their own;
    # only a sales manager or admin reopens a won or lost one.
    everything = {"win": "any", "lose": "any", "suspend": "any", "resume": "any", "reopen": "any"}
    return {
        "salesperson": {"win": "own", "lose": "own", "suspend": "own", "resume": "own"},
        "sales_manager": dict(everything),
        "admin": dict(everything),
        "reception": {},
    }


class SiteSettings(models.Model):
    """The one row of settings an admin edits; read through core.selectors (cached)."""

    placeholder_email_domain = models.CharField(
        _("domaine des courriels fictifs"), max_length=100, default="aucun-courriel.invalid"
    )
    fake_email_patterns = models.JSONField(
        _("adresses fictives refusées"), default=default_fake_email_patterns, blank=True
    )
    email_ratio_target_pct = models.DecimalField(
        _("cible du ratio courriel (%)"), max_digits=5, decimal_places=2, default=Decimal("75"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    email_missing_points = models.PositiveIntegerField(
        _("points perdus par fiche sans courriel valide"), default=1
    )
    default_phone_region = models.CharField(_("région téléphonique par défaut"), max_length=2, default="CA")
    currency = models.CharField(_("devise"), max_length=3, default="CAD")
    taxes = models.JSONField(_("taxes"), default=default_taxes)
    trade_in_tax_credit = models.BooleanField(_("crédit de taxe sur l'échange"), default=True)
    # The morning reminder leaves at this local time, in each user's time zone.
    reminder_time = models.TimeField(_("heure du rappel du matin"), default=datetime.time(7, 30))
    # The quote editor shows a variant's margin in red below this percentage.
    margin_warning_pct = models.DecimalField(_("seuil d'alerte de marge (%)"), max_digits=5, decimal_places=2,
                                             default=10)
    status_matrix = models.JSONField(_("matrice des changements de statut"), default=default_status_matrix)
    # DESIGN (Running): the dealer's identity, printed on every customer document and email footer.
    dealer_legal_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    dealer_trade_name = models.CharField(_("nom commercial"), max_length=200, blank=True)
    dealer_address = models.CharField(_("adresse"), max_length=200, blank=True)
    dealer_city = models.CharField(_("ville"), max_length=100, blank=True)
    dealer_province = models.CharField(_("province"), max_length=40, blank=True, default="QC")
    dealer_postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    dealer_phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    dealer_email = models.EmailField(_("courriel"), blank=True)
    dealer_website = models.CharField(_("site web"), max_length=200, blank=True)
    dealer_logo = models.ImageField(_("logo"), upload_to="dealer/", blank=True)
    gst_number = models.CharField(_("no d'inscription TPS"), max_length=40, blank=True)
    qst_number = models.CharField(_("no d'inscription TVQ"), max_length=40, blank=True)
    dealer_permit = models.CharField(_("no de permis de commerçant"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paramètres")
        verbose_name_plural = _("paramètres")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Paramètres du site"))


class WorkerHeartbeat(models.Model):
    """When each background worker was last seen alive (DESIGN, Running: a stale worker is shown)."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("travailleur en arrière-plan")
        verbose_name_plural = _("travailleurs en arrière-plan")

    def __str__(self) -> str:
        return self.name
