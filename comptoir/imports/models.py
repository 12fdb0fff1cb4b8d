"""Imports of spreadsheets: one job per file, its progress, and the rows it refused."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_storage():
    """Imported files hold customers' data: kept outside MEDIA_ROOT, which signed-in users can read."""
    return FileSystemStorage(location=settings.COMPTOIR_IMPORT_DIR)


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("clients")
    LEADS = "leads", _("pistes")
    OPPORTUNITIES = "opportunities", _("opportunités")
    PRODUCTS = "products", _("produits")
    USERS = "users", _("utilisateurs")
    INVENTORY = "inventory", _("inventaire (flux du DMS)")
    LENDER_PROGRAMS = "lender_programs", _("programmes des prêteurs")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    FAILED = "failed", _("échouée")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("ignorer la ligne")
    UPDATE = "update", _("mettre à jour la fiche")
    CREATE = "create", _("créer quand même")


class ImportJob(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file = models.FileField(_("fichier"), upload_to="%Y/%m/", storage=import_storage, max_length=255)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    # The file's SHA-256: with the row number, what makes a re-run resume instead of repeat.
    file_hash = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=5)  # csv | xlsx
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    mapping = models.JSONField(_("correspondance"), default=dict)
    dry_run = models.BooleanField(_("essai à blanc"), default=False)
    on_duplicate = models.CharField(_("doublons"), max_length=6, choices=OnDuplicate.choices,
                                    default=OnDuplicate.SKIP)
    options = models.JSONField(default=dict, blank=True)
    # Set when the user confirmed the mapping; a job runs only once confirmed.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("importation")
        verbose_name_plural = _("importations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="import_status"),
            models.CheckConstraint(condition=models.Q(kind__in=ImportKind.values), name="import_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.kind})"

    @property
    def progress_pct(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.rows_done * 100 // self.total_rows)


class ImportRowError(models.Model):
    """A refused row: its line in the file (the header is line 1), the rules it broke, its cells."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("ligne"))
    field = models.CharField(_("champ"), max_length=100, blank=True)
    message = models.TextField(_("message"))
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["line"]
        constraints = [models.UniqueConstraint(fields=["job", "line"], name="import_error_line_unique")]
