"""The lot's pages that show the deals holding each unit: the list, the as-you-type pick of a new
opportunity and the unit card. Here, above catalog, since the holders are sales' opportunities; the
unit itself, its writes and its move stay in catalog (catalog/views.py). URLs under /catalog/units/."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from comptoir.catalog.models import InventoryUnit, UnitCondition, UnitStatus
from comptoir.catalog.selectors import ON_LOT
from comptoir.core import permissions
from comptoir.core.views import render_page_or_rows
from comptoir.sales import selectors

UNITS_SHOWN = 50
UNITS_PICKED = 8


@login_required
def unit_list(request):
    """The lot, a page at a time, searched as you type and filtered by state and new or used."""
    q = request.GET.get("q", "")[:60]
    # The lot by default; « Tous » (status=all) adds the units sold or gone from the DMS's feed.
    status = request.GET.get("status", ON_LOT)
    status = status if status in (ON_LOT, *UnitStatus.values) else None
    condition = request.GET.get("condition") if request.GET.get("condition") in UnitCondition.values else None
    page = Paginator(selectors.unit_list(q=q, status=status, condition=condition),
                     UNITS_SHOWN).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page_or_rows(request, "sales/units.html", "sales/_unit_rows.html", {
        "page": page, "units": page.object_list, "q": q, "status": status, "condition": condition,
        "statuses": UnitStatus.choices, "conditions": UnitCondition.choices, "pager_query": query.urlencode(),
    })


@login_required
def unit_pick(request):
    """As-you-type help for « Unité » on a new opportunity: the matching units, each with the deals
    that already hold it, so a salesperson sees at once a unit sold or promised to someone else."""
    q = request.GET.get("unit", "")[:60].strip()
    units = list(selectors.unit_list(q=q)[:UNITS_PICKED]) if len(q) >= 2 else []
    return render(request, "sales/_unit_pick.html", {"units": units, "q": q})


@login_required
def unit_card(request, pk):
    unit = get_object_or_404(InventoryUnit, pk=pk)
    return render(request, "sales/unit.html", {
        "unit": unit,
        "deals": selectors.unit_deals(actor=request.user, unit_id=pk),
        "show_cost": permissions.can_see_team(request.user),
        "moves": unit.location_changes.select_related("changed_by").order_by("-changed_at", "-pk")[:20],
    })
