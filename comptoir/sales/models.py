"""Pipelines, their stages and numbering, opportunities and their stage history (DESIGN: opportunities)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location
from comptoir.core.models import LostReason, Media, Source
from comptoir.customers.models import Customer


class Pipeline(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    prefix = models.CharField(_("préfixe"), max_length=10, unique=True)
    requires_quote = models.BooleanField(_("exige une cotation"), default=True)
    # Accepting a quote variant (in the CRM or by the customer online) wins the deal, sale date today.
    accept_wins = models.BooleanField(_("l'acceptation conclut la vente"), default=True)
    # The stores that sell through it; none means every store.
    locations = models.ManyToManyField(Location, verbose_name=_("succursales"), blank=True,
                                       related_name="pipelines")
    active = models.BooleanField(_("actif"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("processus de vente")
        verbose_name_plural = _("processus de vente")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("nom"), max_length=100)
    order = models.PositiveIntegerField(_("ordre"))
    # An archived stage takes no deal any more and leaves the board; its history stays.
    archived = models.BooleanField(_("archivée"), default=False)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["pipeline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "order"], name="stage_order_unique"),
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last number given per pipeline and year; its row is locked while a number is taken."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pipeline", "year"], name="number_counter_unique")]


class Status(models.TextChoices):
    OPEN = "open", _("ouverte")
    WON = "won", _("gagnée")
    LOST = "lost", _("perdue")
    SUSPENDED = "suspended", _("suspendue")


class Opportunity(models.Model):
    number = models.CharField(_("numéro"), max_length=30, unique=True, editable=False)
    customer = models.ForeignKey(Customer, verbose_name=_("client"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("processus"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    stage = models.ForeignKey(Stage, verbose_name=_("étape"), on_delete=models.PROTECT, related_name="opportunities")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.OPEN)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(_("coût"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="CAD")
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vendeur"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="opportunities")
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("assignés"), blank=True,
                                       related_name="assigned_opportunities")
    product = models.CharField(_("produit"), max_length=200, blank=True)
    # The deal's id in the system it was imported from; a re-import matches on it.
    external_id = models.CharField(_("no externe"), max_length=64, blank=True, db_index=True)
    inventory_unit = models.CharField(_("unité (NIV / no de série)"), max_length=100, blank=True)
    # The unit on the lot this deal is about (its serial is copied into inventory_unit for display).
    unit = models.ForeignKey("catalog.InventoryUnit", verbose_name=_("unité"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="opportunities")
    # The case card (Optima Sales): when the customer expects to decide, how likely, against whom.
    expected_decision_date = models.DateField(_("décision attendue le"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probabilité (%)"), null=True, blank=True)
    competitors = models.ManyToManyField("core.Competitor", verbose_name=_("concurrents"), blank=True,
                                         related_name="+")
    competitor_note = models.CharField(_("concurrence (précisions)"), max_length=200, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    media = models.ForeignKey(Media, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # DESIGN: an excluded opportunity (a trailer sold with a boat) counts in no statistic.
    excluded = models.BooleanField(_("exclue des statistiques"), default=False)
    lost_reason = models.ForeignKey(LostReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sale_date = models.DateField(_("date de vente"), null=True, blank=True)
    # When the deal was priced from an accepted quote variant (sales.services.opportunity_price_from_quote):
    # the win reads it on its own row (DESIGN: `won` needs an accepted quote variant).
    quote_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # A default, not auto_now_add: an imported deal keeps the date its source gives.
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("opportunité")
        verbose_name_plural = _("opportunités")
        indexes = [
            models.Index(fields=["status", "closed_at"], name="opportunity_closed_idx"),
            models.Index(fields=["salesperson", "status"], name="opportunity_salesperson_idx"),
            models.Index(fields=["pipeline", "stage"], name="opportunity_stage_idx"),
            # The list's order (newest first, id breaking ties): a page's ids, deep pages too, read from this
            # index alone (issue 25); also every range on created_at.
            models.Index(fields=["created_at", "id"], name="opportunity_list_order_idx"),
            # A pipeline's deals of one status, newest first: the list's page and its count from the index.
            models.Index(fields=["pipeline", "status", "-created_at"], name="opportunity_pipe_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="opportunity_status"),
            models.CheckConstraint(condition=models.Q(probability__isnull=True) | models.Q(probability__lte=100),
                                   name="opportunity_probability"),
            models.CheckConstraint(condition=~models.Q(status="lost") | models.Q(lost_reason__isnull=False),
                                   name="opportunity_lost_has_reason"),
        ]

    def __str__(self) -> str:
        return self.number


class StageChange(models.Model):
    """Every stage an opportunity entered, and when: the funnel counts from it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["to_stage", "opportunity"], name="stage_change_reach_idx")]


class OpportunityContact(models.Model):
    """Someone on the customer's side of a deal and their part in it (the spouse, the fleet buyer)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=120)
    role = models.CharField(_("rôle"), max_length=80, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contact de l'opportunité")
        verbose_name_plural = _("contacts de l'opportunité")
        ordering = ["position", "pk"]
