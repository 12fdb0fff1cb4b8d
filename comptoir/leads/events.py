"""The timeline verbs leads records, and how each reads on screen (comptoir.timeline.registry)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "lead_created": _("Piste créée"),
    "lead_updated": _("Piste modifiée"),
    "lead_converted": _("Piste convertie en client"),
    "web_form_created": _("Formulaire web créé"),
}
