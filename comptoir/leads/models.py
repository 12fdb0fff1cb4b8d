"""Leads: potential customers not yet qualified into customers (DESIGN: activities, leads)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import Media, Source
from comptoir.customers.models import Channel, EmailStatus


class LeadStatus(models.TextChoices):
    NEW = "new", _("nouvelle")
    CONTACTED = "contacted", _("contactée")
    QUALIFIED = "qualified", _("qualifiée")
    CONVERTED = "converted", _("convertie")
    LOST = "lost", _("perdue")


class Lead(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    company = models.CharField(_("entreprise"), max_length=200, blank=True)
    email = models.CharField(_("courriel"), max_length=254, blank=True, db_index=True)
    email_status = models.CharField(_("état du courriel"), max_length=12, choices=EmailStatus.choices,
                                    default=EmailStatus.MISSING)
    # [{kind, number, e164}], cleaned by the customers' phone rules.
    phones = models.JSONField(_("téléphones"), default=list, blank=True)
    address_line1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_line2 = models.CharField(_("adresse (suite)"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    country = models.CharField(_("pays"), max_length=2, blank=True, default="CA")
    industry = models.CharField(_("secteur"), max_length=100, blank=True)
    market_segment = models.CharField(_("segment de marché"), max_length=100, blank=True)
    territory = models.CharField(_("territoire"), max_length=100, blank=True)
    website = models.CharField(_("site web"), max_length=200, blank=True)
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    media = models.ForeignKey(Media, verbose_name=_("média"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsable"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="leads")
    status = models.CharField(_("statut"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.MANUAL)
    unsubscribed = models.BooleanField(_("désabonnée"), default=False)
    next_contact_at = models.DateTimeField(_("prochain contact"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("client"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="leads")
    external_id = models.CharField(_("no externe"), max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("piste")
        verbose_name_plural = _("pistes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "status"], name="lead_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LeadStatus.values), name="lead_status"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.company or f"#{self.pk}"


class WebForm(models.Model):
    """A form on the dealership's site that posts leads with its key (no token): media web form, no owner."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    key = models.CharField(max_length=43, unique=True, editable=False)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("formulaire web")
        verbose_name_plural = _("formulaires web")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
