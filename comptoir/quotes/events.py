"""The timeline verbs quotes records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "quote_created": _("Cotation créée"),
    "quote_variant_accepted": _("Variante de cotation acceptée"),
    "quote_variant_signed": _("Cotation acceptée et signée en ligne par le client"),
    "quote_variant_sent": _("Cotation envoyée"),
    "quote_variant_opened": _("Cotation ouverte par le client"),
    "contract_created": _("Contrat de vente créé"),
}
