"""Moving a unit on the lot. The pages that list units with the deals holding them (the list, the
pick, the card) are sales' (sales/views_units.py): the holders are opportunities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import services
from comptoir.core.views import posted_version, refusal_as_message


@login_required
@require_POST
def unit_move(request, pk):
    with refusal_as_message(request):
        services.inventory_unit_move(actor=request.user, unit_id=pk, lot_location=request.POST.get("lot_location", ""),
                                     version=posted_version(request))
        messages.success(request, _("Emplacement changé."))
    return redirect("unit-card", pk)
