"""The desk (issue 26, DESIGN « Desk »): lenders' programs with their rates and residuals by term, the
F&I products, fees and rebates a deal may carry, and the desk sheets kept on a deal — what was shown
to the customer, when and by whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.quotes.models import QuoteVariant
from comptoir.sales.models import Opportunity, Pipeline

# Yearly kilometres a lease is priced at (a residual per term for each).
KILOMETRES = (12_000, 16_000, 20_000, 24_000)


class ProgramKind(models.TextChoices):
    FINANCE = "finance", _("financement")
    LEASE = "lease", _("location")


class ProgramCondition(models.TextChoices):
    ANY = "any", _("neuf ou d'occasion")
    NEW = "new", _("neuf")
    USED = "used", _("d'occasion")


class LenderProgram(models.Model):
    """A lender's finance or lease program: to which units it applies (new/used, makes, model years),
    from when to when, and its rates (and residuals for a lease) by term."""

    lender = models.CharField(_("prêteur"), max_length=100)
    name = models.CharField(_("programme"), max_length=100)
    kind = models.CharField(_("type"), max_length=7, choices=ProgramKind.choices)
    condition = models.CharField(_("neuf ou d'occasion"), max_length=4, choices=ProgramCondition.choices,
                                 default=ProgramCondition.ANY)
    makes = models.CharField(_("marques"), max_length=300, blank=True,
                             help_text=_("Séparées par des virgules ; vide : toutes les marques."))
    year_from = models.PositiveSmallIntegerField(_("années modèles, de"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("années modèles, à"), null=True, blank=True)
    valid_from = models.DateField(_("valide du"), null=True, blank=True)
    valid_to = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    excess_km_charge = models.DecimalField(_("frais par km excédentaire"), max_digits=6, decimal_places=4,
                                           default=0)
    active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme de prêteur")
        verbose_name_plural = _("programmes des prêteurs")
        ordering = ["kind", "lender", "name"]
        constraints = [
            models.UniqueConstraint(fields=["lender", "name", "kind"], name="desk_program_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=ProgramKind.values), name="desk_program_kind"),
            models.CheckConstraint(condition=models.Q(condition__in=ProgramCondition.values),
                                   name="desk_program_condition"),
        ]

    def __str__(self) -> str:
        return f"{self.lender} — {self.name}"


class ProgramTerm(models.Model):
    """One term of a program: its annual rate and, for a lease, the residual % at each yearly mileage."""

    program = models.ForeignKey(LenderProgram, on_delete=models.CASCADE, related_name="terms")
    term = models.PositiveSmallIntegerField(_("terme (mois)"))
    apr = models.DecimalField(_("taux annuel %"), max_digits=6, decimal_places=3)
    residual_12000 = models.DecimalField(_("résiduel % à 12 000 km"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)
    residual_16000 = models.DecimalField(_("résiduel % à 16 000 km"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)
    residual_20000 = models.DecimalField(_("résiduel % à 20 000 km"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)
    residual_24000 = models.DecimalField(_("résiduel % à 24 000 km"), max_digits=5, decimal_places=2,
                                         null=True, blank=True)

    class Meta:
        verbose_name = _("terme")
        verbose_name_plural = _("termes")
        ordering = ["program", "term"]
        constraints = [
            models.UniqueConstraint(fields=["program", "term"], name="desk_program_term_unique"),
            models.CheckConstraint(condition=models.Q(term__gte=1, term__lte=120), name="desk_term_range"),
            models.CheckConstraint(condition=models.Q(apr__gte=0, apr__lte=40), name="desk_apr_range"),
        ]

    def __str__(self) -> str:
        return f"{self.term}"

    def residual(self, kilometres: int):
        return getattr(self, f"residual_{kilometres}", None)


class ItemKind(models.TextChoices):
    PRODUCT = "product", _("produit F&A")
    FEE = "fee", _("frais")
    REBATE = "rebate", _("rabais")


class DeskItem(models.Model):
    """What a deal may carry beside the unit: an F&I product (extended warranty, protection package,
    rustproofing: price and cost), a fee (freight and PDI, admin fee, tire levy, RDPRM registration)
    or a rebate (before or after taxes). Fees may be added by default to a pipeline's deals."""

    kind = models.CharField(_("type"), max_length=7, choices=ItemKind.choices)
    name = models.CharField(_("nom"), max_length=100)
    price = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    cost = models.DecimalField(_("coût"), max_digits=12, decimal_places=2, default=0)
    taxable = models.BooleanField(_("taxable"), default=True)
    after_tax = models.BooleanField(_("après taxes"), default=False,
                                    help_text=_("Rabais : appliqué après les taxes (comme un comptant)."))
    pipelines = models.ManyToManyField(Pipeline, blank=True, related_name="+",
                                       verbose_name=_("par défaut dans les processus"))
    active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("produit, frais ou rabais")
        verbose_name_plural = _("produits F&A, frais et rabais")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="desk_item_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=ItemKind.values), name="desk_item_kind"),
            models.CheckConstraint(condition=models.Q(price__gte=0, cost__gte=0), name="desk_item_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class DeskSheet(models.Model):
    """What the desk showed on a deal: the inputs as entered, the grid computed from them, the option
    chosen (if any) and the quote variant made of it, and when the worksheet was sent."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="desk_sheets")
    number = models.PositiveIntegerField(_("no"))
    inputs = models.JSONField(default=dict)
    grid = models.JSONField(default=dict)
    choice = models.JSONField(default=dict, blank=True)  # {"kind", "term", "cash_down"}; {} when none chosen
    # Front, back and total gross when the sheet was kept: managers' and admins' only, never printed.
    gross = models.JSONField(default=dict, blank=True)
    variant = models.ForeignKey(QuoteVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    sent_to = models.CharField(_("envoyée à"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("feuille de calcul")
        verbose_name_plural = _("feuilles de calcul")
        ordering = ["opportunity", "-number"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "number"], name="desk_sheet_number")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}-{self.number}"
