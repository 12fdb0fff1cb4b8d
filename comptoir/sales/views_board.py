"""The sales board: the kanban by stage under the team's strip for the month, and a card moved
from one column to another. Thin: sales selectors and services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import site_settings_get
from comptoir.core.views import refusal_as_message
from comptoir.sales import selectors, services
from comptoir.sales.forms import BoardFilter
from comptoir.sales.models import Status

BOARD_LIMIT = 500


@login_required
def board(request):
    """Kanban by stage, under the team's strip for the month. A salesperson sees their own deals by
    default (DESIGN: users and roles)."""
    data = request.GET.copy()
    if "salesperson" not in data and not permissions.can_see_team(request.user):
        data["salesperson"] = request.user.pk
    data.setdefault("status", Status.OPEN)
    form = BoardFilter(data, user=request.user)
    form.is_valid()
    filters = form.cleaned_data
    pipeline = filters.get("pipeline") or selectors.pipeline_default()
    salesperson = filters.get("salesperson")
    now = timezone.now()
    today = timezone.localdate()
    columns, truncated = [], False
    if pipeline is not None:
        cards = list(selectors.board_cards(
            actor=request.user, pipeline=pipeline.pk, status=filters.get("status") or None,
            salesperson=salesperson.pk if salesperson else None, source=filters.get("source"),
            location=filters.get("location"), created_from=filters.get("created_from"),
            created_to=filters.get("created_to"),
        )[:BOARD_LIMIT + 1])
        truncated = len(cards) > BOARD_LIMIT
        by_stage = {}
        for card in cards[:BOARD_LIMIT]:
            card.age_days = (today - timezone.localtime(card.created_at).date()).days
            # The next task's columns come from activities (core.cards.list_annotation): none without it.
            card.next_task_late = getattr(card, "next_task_due", None) is not None and card.next_task_due < now
            by_stage.setdefault(card.stage_id, []).append(card)
        # Issue 23: an archived stage has no column, unless deals shown (won, lost) still sit in it.
        columns = [(stage, by_stage.get(stage.pk, [])) for stage in pipeline.stages.order_by("order")
                   if not stage.archived or stage.pk in by_stage]
    strip = selectors.board_team_figures(actor=request.user, year=today.year, month=today.month,
                                         salesperson=salesperson.pk if salesperson else None)
    return render(request, "sales/board.html", {
        "form": form, "pipeline": pipeline, "columns": columns, "truncated": truncated, "limit": BOARD_LIMIT,
        "strip": strip, "month": today, "email_target": site_settings_get().email_ratio_target_pct,
    })


@login_required
@require_POST
def move(request, pk):
    """A card dropped in another column (board.js), or the card's stage picker (a phone has no drag
    and drop): the same service as the API."""
    stage = request.POST.get("stage", "")
    if request.POST.get("next") == "card":
        with refusal_as_message(request):
            services.opportunity_update(actor=request.user, opportunity_id=pk, stage=stage)
            messages.success(request, _("Étape changée."))
        return redirect("opportunity-card", pk)
    try:
        services.opportunity_update(actor=request.user, opportunity_id=pk, stage=stage)
    except ApplicationError as error:  # board.js puts the card back and shows why
        return HttpResponse(str(error.message), status=error.status)
    return HttpResponse(status=204)
