"""The desk's pages (issue 26): thin, over desk.services and desk.selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from comptoir.desk import selectors
from comptoir.sales.selectors import opportunity_get


@login_required
def desk_sheets(request, pk: int):
    """The sheets kept on a deal (the opportunity's « Calcul des paiements » tab)."""
    opportunity = opportunity_get(actor=request.user, pk=pk)
    sheets = selectors.desk_sheets(actor=request.user, opportunity_id=opportunity.pk)
    return render(request, "desk/_sheets.html", {"opportunity": opportunity, "sheets": sheets})


@login_required
def desk_page(request, pk: int):
    opportunity = opportunity_get(actor=request.user, pk=pk)
    return render(request, "desk/_sheets.html", {"opportunity": opportunity, "sheets": []})
