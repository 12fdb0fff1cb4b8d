"""Comparing two customers, merging one into the other field by field, and undoing a merge. Thin:
merges_read shows what the merge will do, services do it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.exceptions import NotFound
from comptoir.core.views import catch_refusal, refusal_as_message
from comptoir.customers import merges_read, services


def _choices(data) -> dict[str, str]:
    """The radio buttons' choices, keep_<field> = survivor | other."""
    return {key: data[f"keep_{key}"] for key in merges_read.CHOICE_KEYS
            if data.get(f"keep_{key}") in merges_read.SIDES}


@login_required
def customer_compare(request, pk, other_pk):
    """The two records side by side, field by field; merging keeps the left one. Changing a choice
    refreshes what the kept record will keep (htmx), the page works without it."""
    keep = _choices(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":  # refused, the comparison again, under the reason
        with refusal_as_message(request):
            survivor = services.customer_merge(actor=request.user, customer_id=pk, other_id=other_pk, keep=keep)
            messages.success(request, _("Fiches fusionnées : rien n'a été perdu."))
            if permissions.can_undo_merge(request.user):
                merge = survivor.merges_kept.filter(merged_id=other_pk).order_by("-pk").first()
                messages.info(request, _("Vous pouvez annuler cette fusion jusqu'au %(date)s (section « Fusions »).")
                              % {"date": formats.date_format(merges_read.merge_undo_until(merge), "DATE_FORMAT")})
            return redirect("customer-card", pk)
    with catch_refusal(let_through=NotFound) as refusal:
        preview = merges_read.customer_merge_preview(actor=request.user, customer_id=pk, other_id=other_pk,
                                                     keep=keep)
    if refusal:  # the same record twice
        messages.error(request, str(refusal.message))
        return redirect("customer-card", pk)
    return render(request, "customers/compare.html", preview)


@login_required
@require_POST
def customer_merge_undo(request, pk):
    """« Annuler la fusion » on the kept record's card: back to that card, with what happened."""
    merge = merges_read.customer_merge_get(actor=request.user, pk=pk)
    with refusal_as_message(request):
        services.customer_merge_undo(actor=request.user, merge_id=pk)
        messages.success(request, _("Fusion annulée : la fiche « %(name)s » (n° %(id)s) est rétablie.")
                         % {"name": merge.merged.display_name, "id": merge.merged_id})
    return redirect("customer-card", merge.survivor_id)
