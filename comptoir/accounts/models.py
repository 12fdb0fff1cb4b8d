"""Users, their roles, departments and locations, and API tokens (DESIGN: users and roles)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.models import ReferenceItem


# The languages a user may choose (settings.LANGUAGES): fr-ca, en, pl.
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class Role(models.TextChoices):
    SALESPERSON = "salesperson", _("Vendeur")
    SALES_MANAGER = "sales_manager", _("Directeur des ventes")
    RECEPTION = "reception", _("Réception / BDC")
    ADMIN = "admin", _("Administrateur")


class Department(ReferenceItem):
    """Sales, F&I, service, parts: only a user in one may be assigned to an opportunity."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("département")
        verbose_name_plural = _("départements")


class Location(ReferenceItem):
    """A store or regional office (succursale)."""

    address = models.CharField(_("adresse"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    EXTRA_EDITABLE_FIELDS = ("address", "city", "province", "postal_code", "phone")

    class Meta(ReferenceItem.Meta):
        verbose_name = _("succursale")
        verbose_name_plural = _("succursales")


class ComptoirUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # API.md: a superuser has role admin.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.SALESPERSON)
    department = models.ForeignKey(
        Department, verbose_name=_("département"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    location = models.ForeignKey(
        Location, verbose_name=_("succursale"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    # The sales manager a salesperson reports to (conversion "by manager").
    manager = models.ForeignKey("self", verbose_name=_("directeur"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="team")
    photo = models.ImageField(_("photo"), upload_to="users/photos/", blank=True)
    # The morning reminder leaves at the settings' hour in this zone (a salesperson on the road).
    time_zone = models.CharField(_("fuseau horaire"), max_length=50, default="America/Toronto")
    # Closes the emails sent in their name ({{ salesperson.signature }} in a message template).
    signature = models.TextField(_("signature"), blank=True, max_length=1_000)
    # Every page and API answer of theirs is in it, whatever the browser asks (core.middleware).
    language = models.CharField(_("langue"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    version = models.PositiveIntegerField(default=1)

    objects = ComptoirUserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=LANGUAGE_CODES),
                name="user_language_known",
            ),
        ]

    def save(self, *args, **kwargs):
        # A superuser is an admin, and only admins reach the Django admin.
        if self.is_superuser:
            self.role = Role.ADMIN
        self.is_staff = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "role", "is_staff"}
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_admin or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_admin or super().has_module_perms(app_label)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [self.first_name[:1], self.last_name[:1]]
        return ("".join(parts) or self.username[:2]).upper()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored: a leaked database leaks no usable token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("début du jeton"), max_length=8)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
