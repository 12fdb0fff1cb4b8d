"""The sales board: the kanban by stage under the team's table for the month, and a card moved
from one column to another. Thin: sales selectors and services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.core.formatting import NO_VALUE, money_text
from comptoir.core.selectors import site_settings_get
from comptoir.core.views import refusal_as_message
from comptoir.sales import selectors, services
from comptoir.sales.forms import BoardFilter
from comptoir.sales.models import Status

BOARD_LIMIT = 500


def _filters(request):
    """The board's filter form and what it keeps. A salesperson sees their own deals by default
    (DESIGN: users and roles), open ones unless asked."""
    data = request.GET.copy()
    if "salesperson" not in data and not permissions.can_see_team(request.user):
        data["salesperson"] = request.user.pk
    data.setdefault("status", Status.OPEN)
    form = BoardFilter(data, user=request.user)
    form.is_valid()
    filters = form.cleaned_data
    salesperson = filters.get("salesperson")
    return form, filters.get("pipeline") or selectors.pipeline_default(), {
        "salesperson": salesperson.pk if salesperson else None, "status": filters.get("status") or None,
        "source": filters.get("source"), "location": filters.get("location"),
        "created_from": filters.get("created_from"), "created_to": filters.get("created_to")}


def _total_text(totals) -> str:
    """A column's total amount as the pages write money, one amount per currency."""
    return " + ".join(money_text(amount, currency) for currency, amount in totals) or NO_VALUE


def _column_heads(request, pipeline, chosen: dict) -> dict:
    return {stage: {"count": figures["count"], "total": _total_text(figures["totals"])}
            for stage, figures in selectors.board_column_figures(
                actor=request.user, pipeline=pipeline.pk, **chosen).items()}


@login_required
def board(request):
    """Kanban by stage, each column headed by its count and total (SQL, whatever the cards shown),
    under the team's table for the month: the top five by sales, sortable, the whole team on demand.
    ?part=heads answers the columns' heads as JSON (board.js refreshes them after a move)."""
    form, pipeline, chosen = _filters(request)
    if request.GET.get("part") == "heads":
        return JsonResponse({"columns": _column_heads(request, pipeline, chosen) if pipeline else {}})
    now = timezone.now()
    today = timezone.localdate()
    columns, truncated = [], False
    if pipeline is not None:
        cards = list(selectors.board_cards(actor=request.user, pipeline=pipeline.pk, **chosen)[:BOARD_LIMIT + 1])
        heads = _column_heads(request, pipeline, chosen)
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
        for stage, _cards in columns:  # the column's head: its count and total, whatever the cards shown
            stage.head = heads.get(stage.pk, {"count": 0, "total": NO_VALUE})
    everyone = request.GET.get("team") == "all"
    team = selectors.board_team_strip(actor=request.user, year=today.year, month=today.month,
                                      salesperson=chosen["salesperson"],
                                      sort=request.GET.get("sort", selectors.STRIP_DEFAULT_SORT)[:20],
                                      everyone=everyone)
    site = site_settings_get()
    return render(request, "sales/board.html", {
        "form": form, "pipeline": pipeline, "columns": columns, "truncated": truncated, "limit": BOARD_LIMIT,
        "strip": team["rows"], "team": team, "everyone": everyone, "sorts": _sort_links(team["sort"]),
        "month": today, "email_target": site.email_ratio_target_pct, "missing_points": site.email_missing_points,
    })


def _sort_links(current: str) -> dict:
    """Each heading of the team table: a figure sorts largest first, then smallest first; the name A to Z,
    then Z to A. {key: {"sort": the value its link asks for, "aria": how the table is sorted by it}}."""
    links = {}
    for key in selectors.STRIP_SORTS:
        first = key if key == "name" else f"-{key}"
        active = current.lstrip("-") == key
        target = (key if current.startswith("-") else f"-{key}") if active else first
        aria = ("descending" if current.startswith("-") else "ascending") if active else ""
        links[key] = {"sort": target, "aria": aria}
    return links


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
