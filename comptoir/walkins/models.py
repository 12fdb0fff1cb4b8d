"""Walk-ins (« passants »): a customer who came to the store, the day they came, who served them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoreVisit(models.Model):
    """One walk-in: reception (or the salesperson themselves) records it, a salesperson serves it.

    The opportunity that came out of the visit is
      1. the one linked explicitly (`opportunity`, set by walkins.services.walk_in_update: a deal
         opened on a later day, or a correction), else
      2. the customer's first opportunity created from the visit's time until the end of that
         local day (America/Toronto), excluded deals aside (DESIGN: they count in no statistic).
    The second is derived in SQL when reading (walkins.selectors.with_outcome), so a deal opened from
    the customer card right after the visit counts without the sales app knowing about walk-ins;
    `opportunity` holds only the explicit link.
    """

    customer = models.ForeignKey("customers.Customer", verbose_name=_("client"), on_delete=models.PROTECT,
                                 related_name="store_visits")
    visited_at = models.DateTimeField(_("arrivée"), default=timezone.now)
    # The local day of visited_at, kept so "today's walk-ins" and a period's figure read an index.
    visited_on = models.DateField(_("jour de la visite"), editable=False)
    # No index of its own: store_visit_salesperson_idx leads with it.
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vendeur"), on_delete=models.PROTECT,
                                    related_name="store_visits", db_index=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("enregistrée par"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2_000)
    opportunity = models.ForeignKey("sales.Opportunity", verbose_name=_("opportunité liée"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="store_visits")
    # Whether recording the visit gave the customer (who had no salesperson) to the serving one: the
    # customer then follows the visit when it is handed to another salesperson.
    customer_assigned = models.BooleanField(default=False, editable=False)
    # The salesperson's « Client en magasin » task: it follows the visit when it is reassigned.
    task = models.ForeignKey("activities.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visite en magasin")
        verbose_name_plural = _("visites en magasin")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            # The day's walk-ins (reception's screen) and a period's showroom figure.
            models.Index(fields=["visited_on", "salesperson"], name="store_visit_day_idx"),
            # A salesperson's own walk-ins, by day.
            models.Index(fields=["salesperson", "visited_on"], name="store_visit_salesperson_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.visited_on}"

    def save(self, *args, **kwargs):
        # The local day always follows the time, whoever saves (a service, the Django admin).
        self.visited_on = timezone.localtime(self.visited_at, timezone.get_default_timezone()).date()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "visited_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "visited_on"}
        super().save(*args, **kwargs)
