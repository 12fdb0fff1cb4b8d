"""Email and SMS to and from customers: templates, every message kept with its delivery and tracking,
bulk follow-ups as jobs (DESIGN: messaging)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("courriel")
    SMS = "sms", _("texto")


class Direction(models.TextChoices):
    OUT = "out", _("envoyé")
    IN = "in", _("reçu")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("en file")
    SENDING = "sending", _("en cours d'envoi")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec")
    BOUNCED = "bounced", _("rebond")
    RECEIVED = "received", _("reçu")


class Language(models.TextChoices):
    FR_CA = "fr-ca", "Français"
    EN = "en", "English"
    PL = "pl", "Polski"


class MessageTemplate(models.Model):
    """An admin's message with merge fields (`{{ customer.first_name }}`), in one language and one channel."""

    name = models.CharField(_("nom"), max_length=100)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(_("langue"), max_length=5, choices=Language.choices, default=Language.FR_CA)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("texte"), max_length=20_000)
    active = models.BooleanField(_("actif"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de message")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "channel", "language"], name="message_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class BulkSend(models.Model):
    """One personalised message to each of many opportunities, customers or leads; its messages are
    written when it is accepted, so a restarted worker sends what is left and nothing twice."""

    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=20)  # opportunities | customers | leads
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    to_send = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envoi groupé")
        verbose_name_plural = _("envois groupés")
        ordering = ["-created_at", "-pk"]


class Message(models.Model):
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    direction = models.CharField(_("sens"), max_length=3, choices=Direction.choices, default=Direction.OUT)
    status = models.CharField(_("état"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    to = models.CharField(_("destinataire"), max_length=254)
    from_address = models.CharField(_("expéditeur"), max_length=254, blank=True)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    body_text = models.TextField(_("texte"), blank=True)
    body_html = models.TextField(blank=True)
    template = models.ForeignKey(MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="messages")
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    opportunity = models.ForeignKey("sales.Opportunity", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("envoyé par"))
    bulk = models.ForeignKey(BulkSend, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    # Our Message-ID header (replies name it in In-Reply-To), and the provider's id (webhooks name it).
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    provider_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    # Random, unique: the open pixel and the click links carry it, never the row id.
    tracking_key = models.CharField(max_length=43, unique=True, null=True, blank=True)
    # Delivery: a worker claims a due message, sends it, then records the outcome.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(_("reçu le"), null=True, blank=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("ouvertures"), default=0)
    clicked_at = models.DateTimeField(_("cliqué le"), null=True, blank=True)
    click_count = models.PositiveIntegerField(_("clics"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["customer", "-created_at"], name="message_customer_idx"),
            models.Index(fields=["opportunity", "-created_at"], name="message_opportunity_idx"),
            models.Index(fields=["lead", "-created_at"], name="message_lead_idx"),
            # The inbox's unread count (selectors.inbox_unread_count): the unread replies only (what we send,
            # the bulk of the table, is not in it), holding every column the count reads of them: the four
            # keys that say whose inbox each one is in, and the two it filters on (SQLite reads them there).
            models.Index(fields=["direction", "read_at", "opportunity", "customer", "lead", "in_reply_to"],
                         condition=models.Q(direction="in", read_at__isnull=True), name="message_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=MessageStatus.values), name="message_status_known"),
            # An inbound message is read once whatever how often the mailbox is polled.
            models.UniqueConstraint(fields=["message_id"], condition=models.Q(direction="in"),
                                    name="message_inbound_once"),
        ]

    def __str__(self) -> str:
        return self.subject or self.body_text[:60]


class MessageEvent(models.Model):
    """What happened to a message after it left: each open and click with its time, bounces, replies."""

    class Kind(models.TextChoices):
        OPEN = "open", _("ouverture")
        CLICK = "click", _("clic")
        DELIVERED = "delivered", _("remis")
        BOUNCE = "bounce", _("rebond")
        SOFT_BOUNCE = "soft_bounce", _("rebond temporaire")
        COMPLAINT = "complaint", _("plainte")
        REPLY = "reply", _("réponse")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    url = models.TextField(blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # The provider's or the report's own id: a webhook sent twice, or a DSN read twice, counts once.
    external_id = models.CharField(max_length=250, null=True, blank=True, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
