"""One clean record per customer (DESIGN: customers)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import Media, Source, Tag


class EmailStatus(models.TextChoices):
    VALID = "valid", _("valide")
    INVALID = "invalid", _("invalide")
    MISSING = "missing", _("absent")
    PLACEHOLDER = "placeholder", _("aucun courriel")


class Channel(models.TextChoices):
    """How the record reached us; decides its media and whether it counts in the email ratio."""

    MANUAL = "manual", _("saisie manuelle")
    PHONE = "phone", _("téléphonie")
    WEB_FORM = "web_form", _("formulaire web")
    IMPORT = "import", _("importation")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("cellulaire")
    HOME = "home", _("maison")
    WORK = "work", _("travail")
    OTHER = "other", _("autre")


class Customer(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    company = models.CharField(_("entreprise"), max_length=200, blank=True)
    email = models.CharField(_("courriel"), max_length=254, blank=True, db_index=True)
    email_status = models.CharField(
        _("état du courriel"), max_length=12, choices=EmailStatus.choices, default=EmailStatus.MISSING
    )
    address_line1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_line2 = models.CharField(_("adresse (suite)"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    country = models.CharField(_("pays"), max_length=2, blank=True, default="CA")
    external_id = models.CharField(_("no DMS"), max_length=64, blank=True, db_index=True)
    # DESIGN (leads): the structured fields a lead carries, kept when it is converted.
    industry = models.CharField(_("secteur"), max_length=100, blank=True)
    market_segment = models.CharField(_("segment de marché"), max_length=100, blank=True)
    territory = models.CharField(_("territoire"), max_length=100, blank=True)
    website = models.CharField(_("site web"), max_length=200, blank=True)
    # What an import brought that has no field of its own (column → value), kept rather than lost.
    details = models.JSONField(_("autres renseignements"), default=dict, blank=True)
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    media = models.ForeignKey(Media, verbose_name=_("média"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    tags = models.ManyToManyField(Tag, verbose_name=_("étiquettes"), blank=True, related_name="customers")
    # No index of their own: customer_salesperson_idx and customer_creator_idx lead with them.
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vendeur"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="customers", db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.MANUAL)
    # DESIGN: set when the person follows an unsubscribe link; bulk sends skip them.
    unsubscribed = models.BooleanField(_("désabonné"), default=False)
    # DESIGN (email ratio): recorded at creation; adding the email later changes the ratio, not the points.
    points_lost = models.PositiveIntegerField(_("points perdus"), default=0)
    # Search and duplicate keys, kept by customers.services on every write.
    search_name = models.CharField(max_length=420, blank=True, editable=False)
    name_key = models.CharField(max_length=210, blank=True, editable=False)
    postal_key = models.CharField(max_length=20, blank=True, editable=False)
    # No index: nearly every row holds NULL, and the planner would pick it over better ones.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", editable=False, db_index=False)
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["name_key", "postal_key"], name="customer_name_postal_idx"),
            models.Index(fields=["postal_key"], name="customer_postal_idx"),
            models.Index(fields=["created_by", "created_at"], name="customer_creator_idx"),
            models.Index(fields=["created_at"], name="customer_created_idx"),
            # The list's order, so a page of a million customers reads 25 index entries.
            models.Index(fields=["last_name", "first_name", "id"], name="customer_name_order_idx"),
            models.Index(fields=["salesperson", "last_name", "first_name"], name="customer_salesperson_idx"),
            # The email ratio of a month (issue 25): the customers salespeople created in it, with every column
            # the ratio counts, answered from this index alone.
            models.Index(fields=["created_at", "created_by", "email_status", "merged_into", "points_lost", "id"],
                         condition=models.Q(channel="manual", created_by__isnull=False),
                         name="customer_month_ratio_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(email_status__in=EmailStatus.values), name="customer_email_status"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="customer_channel"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.company or f"#{self.pk}"

    @property
    def has_email(self) -> bool:
        # DESIGN: a placeholder counts as no email everywhere; an invalid email counts as none.
        return self.email_status == EmailStatus.VALID


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(_("type"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    number = models.CharField(_("numéro"), max_length=40)
    e164 = models.CharField(max_length=20, db_index=True)
    # The number's digits backwards: "last 4 digits" becomes an indexed prefix search.
    digits_reversed = models.CharField(max_length=20, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)
    # « poste 4 », « ext. 12 », « x 305 »: digits only; shown after the national format.
    extension = models.CharField(_("poste"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("téléphone")
        verbose_name_plural = _("téléphones")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return phone_display(self.number, self.extension)


def phone_display(number: str, extension: str = "") -> str:
    """« (418) 555-0199, poste 4 » in French, « …, ext. 4 » in English: a customer's or a lead's."""
    return _("%(number)s, poste %(extension)s") % {"number": number, "extension": extension} if extension \
        else number


class CustomerAlias(models.Model):
    """Another name the customer is known by: the one a merged record had (« Hélène Côté-Tremblay »
    kept beside « Helene Cote »). Its words are in the customer's search tokens."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    company = models.CharField(_("entreprise"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("autre nom")
        verbose_name_plural = _("autres noms")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.company


class CustomerEmail(models.Model):
    """A secondary address (a merged record's): found by duplicates and bounces, never mailed in bulk."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="other_emails")
    email = models.CharField(_("courriel"), max_length=254, db_index=True)
    email_status = models.CharField(_("état du courriel"), max_length=12, choices=EmailStatus.choices,
                                    default=EmailStatus.VALID)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("autre courriel")
        verbose_name_plural = _("autres courriels")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["customer", "email"], name="customer_email_once")]

    def __str__(self) -> str:
        return self.email


class CustomerMerge(models.Model):
    """One merge, with what it changed, so a manager can undo it (DESIGN: merge keeps everything).

    `survivor_before` holds the kept record's fields before the merge and `survivor_after` what the
    merge set; `moved` lists, per model, the primary keys of the rows the merge moved (and the
    many-to-many rows it added or removed), so an undo moves back exactly those."""

    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_undergone")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    survivor_before = models.JSONField(default=dict)
    survivor_after = models.JSONField(default=dict)
    choices = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("fusionné le"), auto_now_add=True)
    undone_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("fusion")
        verbose_name_plural = _("fusions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["survivor", "created_at"], name="merge_survivor_idx"),
                   models.Index(fields=["merged", "created_at"], name="merge_merged_idx")]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class CustomerSearchToken(models.Model):
    """Each word of a customer's names and company, unaccented: a word-prefix search is an index range scan."""

    # Both indexes cover (token, customer): a search reads them without touching the table.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=50)

    class Meta:
        indexes = [
            models.Index(fields=["token", "customer"], name="customer_token_idx"),
            models.Index(fields=["customer", "token"], name="customer_token_owner_idx"),
        ]


class Note(models.Model):
    """A free-text note on a customer's card. The table kept its name from when notes lived in
    activities: the rows never moved."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=10_000)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        db_table = "activities_note"
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.body[:60]
