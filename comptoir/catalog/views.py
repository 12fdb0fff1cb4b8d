"""The unit card: what it is, where it stands (and moving it), and every deal that named it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import selectors, services
from comptoir.catalog.models import InventoryUnit, UnitCondition, UnitStatus
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.core.views import posted_version, render_page_or_rows

UNITS_SHOWN = 50
UNITS_PICKED = 8


@login_required
def unit_list(request):
    """The lot, a page at a time, searched as you type and filtered by state and new or used."""
    q = request.GET.get("q", "")[:60]
    status = request.GET.get("status") if request.GET.get("status") in UnitStatus.values else None
    condition = request.GET.get("condition") if request.GET.get("condition") in UnitCondition.values else None
    page = Paginator(selectors.inventory_unit_list(q=q, status=status, condition=condition),
                     UNITS_SHOWN).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page_or_rows(request, "catalog/units.html", "catalog/_unit_rows.html", {
        "page": page, "units": page.object_list, "q": q, "status": status, "condition": condition,
        "statuses": UnitStatus.choices, "conditions": UnitCondition.choices, "pager_query": query.urlencode(),
    })


@login_required
def unit_pick(request):
    """As-you-type help for « Unité » on a new opportunity: the matching units, each with the deals
    that already hold it, so a salesperson sees at once a unit sold or promised to someone else."""
    q = request.GET.get("unit", "")[:60].strip()
    units = list(selectors.inventory_unit_list(q=q)[:UNITS_PICKED]) if len(q) >= 2 else []
    return render(request, "catalog/_unit_pick.html", {"units": units, "q": q})


@login_required
def unit_card(request, pk):
    unit = get_object_or_404(InventoryUnit, pk=pk)
    return render(request, "catalog/unit.html", {
        "unit": unit,
        "deals": selectors.unit_deals(actor=request.user, unit_id=pk),
        "show_cost": permissions.can_see_team(request.user),
        "moves": unit.location_changes.select_related("changed_by").order_by("-changed_at", "-pk")[:20],
    })


@login_required
@require_POST
def unit_move(request, pk):
    try:
        services.inventory_unit_move(actor=request.user, unit_id=pk, lot_location=request.POST.get("lot_location", ""),
                                     version=posted_version(request))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Emplacement changé."))
    return redirect("unit-card", pk)
