"""Files kept on a customer's or an opportunity's card: a PDF, a photo, an office document."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.attachments.kinds import INLINE_TYPES


def attachment_path(instance: "Attachment", filename: str) -> str:
    """attachments/2026/05/<random>.<extension>: a name nobody can guess nor choose; the person's own name
    for the file is kept in `original_name`."""
    now = timezone.now()
    extension = filename.rpartition(".")[2] if "." in filename else "bin"
    return f"attachments/{now:%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


class Attachment(models.Model):
    # Exactly one of the two (attachment_one_record): the card the file is on.
    customer = models.ForeignKey("customers.Customer", verbose_name=_("client"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="attachments", db_index=False)
    opportunity = models.ForeignKey("sales.Opportunity", verbose_name=_("opportunité"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="attachments", db_index=False)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    # Read from the content (attachments.kinds), never taken from the browser.
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ajoutée par"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(customer__isnull=False, opportunity__isnull=True)
                           | models.Q(customer__isnull=True, opportunity__isnull=False)),
                name="attachment_one_record",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="attachment_customer_idx"),
            models.Index(fields=["opportunity", "-created_at"], name="attachment_opportunity_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def inline(self) -> bool:
        """Shown in the browser (images, PDF) rather than downloaded."""
        return self.content_type in INLINE_TYPES
