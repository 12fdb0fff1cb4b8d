"""How each timeline verb reads on screen."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "customer_created": _("Fiche créée"),
    "customer_updated": _("Fiche modifiée"),
    "customer_merged": _("Fusion : une autre fiche a été fusionnée ici"),
    "customer_merged_into": _("Fusionnée dans une autre fiche"),
    "customer_email_bounced": _("Courriel en rebond : marqué invalide"),
    "note_added": _("Note ajoutée"),
    "opportunity_created": _("Opportunité créée"),
    "opportunity_updated": _("Opportunité modifiée"),
    "opportunity_stage_changed": _("Étape changée"),
    "opportunity_status_changed": _("Statut changé"),
    "opportunity_sale_date_changed": _("Date de vente changée"),
    "opportunity_imported": _("Opportunité importée"),
    "quote_created": _("Cotation créée"),
    "quote_variant_accepted": _("Variante de cotation acceptée"),
    "quote_variant_sent": _("Cotation envoyée"),
    "quote_variant_opened": _("Cotation ouverte par le client"),
    "contract_created": _("Contrat de vente créé"),
    "catalog_item_deleted": _("Élément du catalogue supprimé"),
    "lead_created": _("Piste créée"),
    "lead_updated": _("Piste modifiée"),
    "lead_converted": _("Piste convertie en client"),
    "web_form_created": _("Formulaire web créé"),
    "task_created": _("Tâche ajoutée"),
    "task_updated": _("Tâche modifiée"),
    "task_completed": _("Tâche faite"),
    "calendar_feed_reset": _("Adresse de l'agenda privé renouvelée"),
    "unsubscribed": _("Désabonnement par le lien du courriel"),
}
