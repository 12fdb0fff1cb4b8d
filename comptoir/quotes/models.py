"""Quotes with their variants and lines, and the contracts built from accepted variants
(DESIGN: quotes and contracts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product
from comptoir.sales.models import Opportunity


class Quote(models.Model):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunité"), on_delete=models.PROTECT,
                                    related_name="quotes")
    number = models.CharField(_("numéro"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("cotation")
        verbose_name_plural = _("cotations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class VariantStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SENT = "sent", _("envoyée")
    ACCEPTED = "accepted", _("acceptée")
    REJECTED = "rejected", _("refusée")


class QuoteVariant(models.Model):
    """One priced offer of a quote. Its totals are computed from its lines by the services
    (quotes.pricing.variant_totals) and kept here, so lists and figures read them in SQL."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("nom"), max_length=100)
    status = models.CharField(_("état"), max_length=10, choices=VariantStatus.choices, default=VariantStatus.DRAFT)
    currency = models.CharField(_("devise"), max_length=3, default="CAD")
    valid_until = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    payment_terms = models.TextField(_("conditions de paiement"), blank=True, max_length=2000)
    delivery_terms = models.TextField(_("conditions de livraison"), blank=True, max_length=2000)
    subtotal = models.DecimalField(_("sous-total"), max_digits=14, decimal_places=2, default=0)
    discount_total = models.DecimalField(_("remises"), max_digits=14, decimal_places=2, default=0)
    taxes = models.JSONField(_("taxes"), default=list)  # [{code, name, rate, base, amount}]
    tax_total = models.DecimalField(_("total des taxes"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    cost = models.DecimalField(_("coût"), max_digits=14, decimal_places=2, default=0)
    margin = models.DecimalField(_("marge"), max_digits=14, decimal_places=2, default=0)
    margin_pct = models.DecimalField(_("marge %"), max_digits=9, decimal_places=2, null=True, blank=True)
    markup_pct = models.DecimalField(_("majoration %"), max_digits=12, decimal_places=2, null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Issue 26: a variant made from a desk sheet carries its financing — cash, finance or lease, the
    # lender's program, term, rate, payment and its disclosure, the trade-in and rebates after taxes —
    # which the quote and the contract print; {} for a variant priced in the quote editor.
    financing = models.JSONField(_("financement"), default=dict, blank=True)
    # The customer's own acceptance on the quote page: the name typed as signature, where from, and
    # the SHA-256 of the PDF they saw (the accepted PDF prints the signature block).
    signed_name = models.CharField(_("signé par"), max_length=200, blank=True)
    signed_ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    signed_user_agent = models.CharField(_("navigateur"), max_length=400, blank=True)
    signed_pdf_sha256 = models.CharField(max_length=64, blank=True)
    # Sending and tracking: the key of the public view link the email carries.
    tracking_key = models.CharField(max_length=43, unique=True, null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    sent_to = models.CharField(_("envoyée à"), max_length=254, blank=True)
    first_opened_at = models.DateTimeField(_("ouverte la première fois le"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("vues"), default=0)

    class Meta:
        verbose_name = _("variante")
        verbose_name_plural = _("variantes")
        ordering = ["quote", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=VariantStatus.values), name="variant_status"),
        ]

    def __str__(self) -> str:
        return self.name


class QuoteLine(models.Model):
    variant = models.ForeignKey(QuoteVariant, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=14, decimal_places=2)
    discount_pct = models.DecimalField(_("remise %"), max_digits=5, decimal_places=2, default=0)
    discount_amount = models.DecimalField(_("remise $"), max_digits=14, decimal_places=2, default=0)
    unit_cost = models.DecimalField(_("coût unitaire"), max_digits=14, decimal_places=2, default=0)
    tax_class = models.CharField(_("classe de taxe"), max_length=20, default="standard")
    line_total = models.DecimalField(_("total de la ligne"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        ordering = ["variant", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class Contract(models.Model):
    """The signed sale built from an accepted variant, with or without a trade-in."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="contracts")
    variant = models.ForeignKey(QuoteVariant, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("numéro"), max_length=40, unique=True, editable=False)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    allowance = models.DecimalField(_("valeur d'échange"), max_digits=14, decimal_places=2, default=0)
    taxable_amount = models.DecimalField(max_digits=14, decimal_places=2)
    taxes = models.JSONField(default=list)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    lien_payoff = models.DecimalField(_("solde du prêt"), max_digits=14, decimal_places=2, default=0)
    deposit = models.DecimalField(_("dépôt"), max_digits=14, decimal_places=2, default=0)
    net_to_pay = models.DecimalField(_("net à payer"), max_digits=14, decimal_places=2)
    trade_in_description = models.CharField(_("unité échangée"), max_length=300, blank=True)
    trade_in_vin = models.CharField(_("NIV de l'échange"), max_length=50, blank=True)
    trade_in_odometer_km = models.PositiveIntegerField(_("odomètre de l'échange (km)"), null=True, blank=True)
    trade_in_actual_cash_value = models.DecimalField(_("valeur réelle en argent"), max_digits=14, decimal_places=2,
                                                     null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contrat de vente")
        verbose_name_plural = _("contrats de vente")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class QuoteTemplate(models.Model):
    """An admin's layout for quotes: Django template language over the quote's data only
    (quotes.documents renders it in a sandboxed engine)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    body = models.TextField(_("gabarit"), help_text=_("Langage de gabarits de Django ; données : quote, variant, "
                                                      "customer, salesperson, opportunity, labels, language."))
    is_default = models.BooleanField(_("par défaut"), default=False)
    active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gabarit de cotation")
        verbose_name_plural = _("gabarits de cotation")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name
