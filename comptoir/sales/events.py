"""The timeline verbs sales records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "opportunity_created": _("Opportunité créée"),
    "opportunity_updated": _("Opportunité modifiée"),
    "opportunity_reassigned": _("Opportunité réassignée"),
    "opportunity_stage_changed": _("Étape changée"),
    "opportunity_status_changed": _("Statut changé"),
    "opportunity_sale_date_changed": _("Date de vente changée"),
    "opportunity_imported": _("Opportunité importée"),
    "pipeline_created": _("Processus de vente créé"),
    "pipeline_updated": _("Processus de vente modifié"),
    "pipeline_stage_added": _("Étape ajoutée"),
    "pipeline_stage_renamed": _("Étape renommée"),
    "pipeline_stages_reordered": _("Étapes réordonnées"),
    "pipeline_stage_archived": _("Étape archivée"),
    "pipeline_stage_unarchived": _("Étape désarchivée"),
    "pipeline_stage_removed": _("Étape supprimée"),
}
