"""The catalogue: products and services a team sells (DESIGN: glossary, Product)."""

from django.core.exceptions import ValidationError
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


class PriceList(models.Model):
    """Prices of some products for a period and a currency (a show price, a dealer list)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    currency = models.CharField(_("devise"), max_length=3, default="CAD")
    valid_from = models.DateField(_("valide du"), null=True, blank=True)
    valid_until = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("liste de prix")
        verbose_name_plural = _("listes de prix")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("La liste de prix finit avant de commencer.")})


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(_("prix"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="price_list_item_not_negative"),
        ]


class UnitStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("en inventaire")
    RESERVED = "reserved", _("réservée")
    SOLD = "sold", _("vendue")
    # Gone from the DMS's feed: kept with its history, offered to nobody.
    UNAVAILABLE = "unavailable", _("non disponible")


class UnitCondition(models.TextChoices):
    NEW = "new", _("neuf")
    USED = "used", _("d'occasion")


class InventoryUnit(models.Model):
    """A serialised unit on the lot, usually kept in sync from the DMS, with its place on the lot."""

    serial = models.CharField(_("NIV / no de série"), max_length=50, unique=True)
    stock_number = models.CharField(_("no de stock"), max_length=30, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    make = models.CharField(_("marque"), max_length=60, blank=True)
    model = models.CharField(_("modèle"), max_length=100, blank=True)
    trim = models.CharField(_("version"), max_length=100, blank=True)
    colour = models.CharField(_("couleur"), max_length=60, blank=True)
    condition = models.CharField(_("neuf ou d'occasion"), max_length=4, choices=UnitCondition.choices,
                                 default=UnitCondition.NEW)
    odometer_km = models.PositiveIntegerField(_("odomètre (km)"), null=True, blank=True)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="units")
    status = models.CharField(_("état"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.IN_STOCK)
    lot_location = models.CharField(_("emplacement"), max_length=60, blank=True)
    cost = models.DecimalField(_("coût"), max_digits=14, decimal_places=2, null=True, blank=True)
    price = models.DecimalField(_("prix affiché"), max_digits=14, decimal_places=2, null=True, blank=True)
    external_id = models.CharField(_("no DMS"), max_length=64, blank=True, db_index=True)
    # When a DMS feed last delivered it: a feed that no longer does marks it unavailable.
    synced_at = models.DateTimeField(_("synchronisée le"), null=True, blank=True)
    # The number of the opportunity that sold the unit here (unit_sold; emptied by unit_released): a
    # unit sold in the CRM stays sold whatever a lagging DMS feed says. Empty: not sold here.
    sale_number = models.CharField(max_length=30, blank=True, editable=False)
    # What the quote editor's search reads from an index (catalog.selectors.sellable_search), kept by the
    # services from the fields above (unit_search_keys): letters and digits only, so a range on them
    # is a prefix search on every database and collation. The serial backwards finds a VIN by its
    # last characters; the stock number, « make model trim » and « model trim » without case, accents,
    # spaces or punctuation.
    serial_reversed = models.CharField(max_length=50, blank=True, editable=False)
    stock_key = models.CharField(max_length=30, blank=True, editable=False)
    make_key = models.CharField(max_length=200, blank=True, editable=False)
    model_key = models.CharField(max_length=200, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unité en inventaire")
        verbose_name_plural = _("inventaire")
        ordering = ["make", "model", "serial"]
        indexes = [models.Index(fields=["status", "make", "model"], name="unit_status_idx"),
                   models.Index(fields=["synced_at"], name="unit_synced_idx"),
                   # The units for sale (status first) by each search key: a prefix is one range per state.
                   models.Index(fields=["status", "serial_reversed"], name="unit_serial_tail_idx"),
                   models.Index(fields=["status", "stock_key"], name="unit_stock_key_idx"),
                   models.Index(fields=["status", "make_key"], name="unit_make_key_idx"),
                   models.Index(fields=["status", "model_key"], name="unit_model_key_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=UnitStatus.values), name="unit_status"),
                       models.CheckConstraint(condition=models.Q(condition__in=UnitCondition.values),
                                              name="unit_condition")]

    def __str__(self) -> str:
        return f"{self.year or ''} {self.make} {self.model} ({self.serial})".strip()


class UnitLocationChange(models.Model):
    """Where a unit stood and who moved it (a person from the CRM, or the DMS's feed: no one)."""

    unit = models.ForeignKey(InventoryUnit, on_delete=models.CASCADE, related_name="location_changes")
    from_location = models.CharField(_("de"), max_length=60, blank=True)
    to_location = models.CharField(_("à"), max_length=60, blank=True)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déplacement sur le terrain")
        verbose_name_plural = _("déplacements sur le terrain")
        indexes = [models.Index(fields=["unit", "-changed_at"], name="unit_location_idx")]
