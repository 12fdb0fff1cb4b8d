"""The analytics figures as files (DESIGN: every figure on screen can be exported and recomputed from
the export): the conversion table, the planning and the email ratio, with the page's headers in the
reader's language, through the one export layer (core.exports). Each file has the table's lines, the
total first, and the counts beside every rate so a spreadsheet recomputes it."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.exports import DECIMAL, INTEGER, Column, export_response
from comptoir.sales.forms import DIMENSION_LABELS

CONVERSION_COLUMNS = (
    Column("won", _("Gagnées"), INTEGER),
    Column("lost", _("Perdues"), INTEGER),
    Column("open", _("Ouvertes"), INTEGER),
    Column("suspended", _("Suspendues"), INTEGER),
    Column("conversion_pct", _("Conversion (%)"), DECIMAL),
    Column("won_amount", _("Montant gagné"), DECIMAL),
    Column("avg_deal_size", _("Vente moyenne"), DECIMAL),
    Column("avg_days_to_close", _("Jours pour conclure"), DECIMAL, decimals=1),
    Column("margin", _("Marge"), DECIMAL),
)
FUNNEL_COLUMNS = (
    Column("reached", _("Ont atteint l'étape"), INTEGER),
    Column("reached_next", _("Ont atteint la suivante"), INTEGER),
)
RATIO_COLUMNS = (
    Column("label", _("Vendeur"), width=24),
    Column("created", _("Clients créés"), INTEGER),
    Column("with_valid_email", _("Avec courriel valide"), INTEGER),
    Column("ratio_pct", _("Ratio (%)"), DECIMAL),
    Column("points_lost", _("Points perdus"), INTEGER),
)
PLAN_COLUMNS = (
    Column("group", _("Vendeur"), width=24),
    Column("step", _("Étape")),
    Column("measured", _("Mesuré (90 jours)"), INTEGER),
    Column("needed", _("Nécessaire"), INTEGER),
)


def conversion_export(request, result: dict, format: str):
    """conversion_compute's answer as the page's table: the group (named as the page names it), the
    funnel's counts when by stage, then every figure; the total first."""
    columns = (Column("label", DIMENSION_LABELS.get(result["by"], _("Groupe")), width=24),
               *(FUNNEL_COLUMNS if result["by"] == "stage" else ()), *CONVERSION_COLUMNS)
    total = {**result["overall"], "label": gettext("Total")}
    rows = [total, *({**group, "label": group["label"] or gettext("(aucun)")} for group in result["groups"])]
    return export_response(request, f"conversion-{result['by']}-{result['from']}-{result['to']}", columns, rows,
                           format, title=gettext("Conversion"))


def email_ratio_export(request, result: dict, format: str):
    rows = [{**result["overall"], "label": gettext("Total"), "points_lost": None}, *result["by_salesperson"]]
    return export_response(request, f"email-ratio-{result['month']}", RATIO_COLUMNS, rows, format,
                           title=gettext("Ratio courriel"))


def plan_export(request, result: dict, format: str):
    groups = [{"label": gettext("Toute l'équipe"), "steps": result["steps"]}, *result["groups"]]
    rows = [{"group": group["label"] or gettext("(aucun)"), "step": step["label"], "measured": step["measured"],
             "needed": step["needed"]} for group in groups for step in group["steps"]]
    return export_response(request, f"plan-{result['target_sales']}", PLAN_COLUMNS, rows, format,
                           title=gettext("Planifier"))
