"""The desk's tab on the opportunity page, registered in core.cards when Django starts (DeskConfig.ready),
so sales does not import the desk. The tab loads its sheets when opened (htmx): the page itself reads
nothing more for it."""

from django.utils.translation import gettext_lazy as _

from comptoir.core.cards import card_section

DESK = _("Calcul des paiements")


@card_section("sales.Opportunity", name="desk", title=DESK, template="desk/_card_desk.html")
def opportunity_desk(actor, opportunity) -> dict:
    return {"opportunity_id": opportunity.pk}
