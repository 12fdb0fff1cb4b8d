"""The opportunity page's « Historique » (issue 23): its timeline, each edit shown field by field old → new.

The edit's row keeps ids for the admin's lists (sources, media, stores, competitors: entries are never
deleted) and names them here in the reader's language, one query per list whatever the number of rows."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location
from comptoir.core.models import Competitor, Media, Source
from comptoir.sales.models import Opportunity
from comptoir.timeline.selectors import timeline_for

HISTORY_LIMIT = 50
FIELD_LABELS = {
    "product": _("Produit"), "unit": _("Unité"), "amount": _("Montant"), "cost": _("Coût"),
    "source": _("Source"), "media": _("Média"), "location": _("Succursale"),
    "expected_decision_date": _("Décision attendue le"), "probability": _("Probabilité"),
    "competitor_note": _("Concurrence (précisions)"), "excluded": _("Exclue des statistiques"),
    "assignees": _("Autres personnes"), "competitors": _("Concurrents"), "contacts": _("Contacts"),
}
# How a value is written: money in the deal's currency, a date, yes/no, a list, text as it is.
KINDS = {"amount": "money", "cost": "money", "expected_decision_date": "date", "excluded": "bool",
         "probability": "percent", "assignees": "list", "competitors": "list", "contacts": "list"}
REFERENCES = {"source": Source, "media": Media, "location": Location, "competitors": Competitor}


def _typed(kind: str, value):
    if value in (None, "", []):
        return None
    if kind == "money":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    if kind == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return value
    return value


def opportunity_history(opportunity: Opportunity, *, limit: int = HISTORY_LIMIT) -> list:
    """The newest `limit` rows of the deal's timeline; an edit's row (opportunity_updated) carries
    `changes`: [{"field", "label", "kind", "from", "to"}], values typed for the page's filters and the
    admin's lists named."""
    events = list(timeline_for(opportunity)[:limit])
    wanted: dict[str, set] = {}
    for event in events:
        for change in (event.data or {}).get("changes", []) if event.verb == "opportunity_updated" else []:
            if change.get("field") in REFERENCES:
                for value in (change.get("from"), change.get("to")):
                    ids = value if isinstance(value, list) else [value]
                    wanted.setdefault(change["field"], set()).update(pk for pk in ids if isinstance(pk, int))
    names = {field: {item.pk: item.label for item in REFERENCES[field].objects.filter(pk__in=ids)}
             for field, ids in wanted.items() if ids}
    for event in events:
        event.changes = []
        if event.verb != "opportunity_updated":
            continue
        for change in (event.data or {}).get("changes", []):
            field = change.get("field")
            kind = KINDS.get(field, "text")
            values = [change.get("from"), change.get("to")]
            if field in REFERENCES:
                found = names.get(field, {})
                values = [[found.get(pk, f"#{pk}") for pk in value] if isinstance(value, list)
                          else found.get(value, f"#{value}") if value is not None else None for value in values]
            event.changes.append({"field": field, "label": FIELD_LABELS.get(field, field), "kind": kind,
                                  "from": _typed(kind, values[0]), "to": _typed(kind, values[1])})
    return events
