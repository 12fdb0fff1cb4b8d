"""The catalogue: products and services a team sells (DESIGN: glossary, Product)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxClass(models.TextChoices):
    STANDARD = "standard", _("taxable")
    EXEMPT = "exempt", _("exonéré")


class Product(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    series = models.CharField(_("série / marque"), max_length=100, blank=True)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=14, decimal_places=2)
    unit_cost = models.DecimalField(_("coût unitaire"), max_digits=14, decimal_places=2, null=True, blank=True)
    tax_class = models.CharField(_("classe de taxe"), max_length=10, choices=TaxClass.choices,
                                 default=TaxClass.STANDARD)
    active = models.BooleanField(_("actif"), default=True)
    # The name without case, accents or spaces: "GTXPro" and "GTX Pro" are one product.
    match_key = models.CharField(max_length=200, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tax_class__in=TaxClass.values), name="product_tax_class"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
