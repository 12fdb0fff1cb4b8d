"""The sales board, the opportunity card and the conversion page. Thin: services and selectors decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.activities.selectors import task_list, timeline_for
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError
from comptoir.sales import selectors, services
from comptoir.sales.forms import AnalyticsFilter, BoardFilter, LostForm, PlanForm, SaleDateForm, WinForm
from comptoir.sales.models import Pipeline, Status

BOARD_LIMIT = 500
RESUME = gettext_lazy("Reprendre")
STATUS_BUTTONS = [(Status.WON, gettext_lazy("Gagnée")), (Status.LOST, gettext_lazy("Perdue")),
                  (Status.SUSPENDED, gettext_lazy("Suspendre")), (Status.OPEN, gettext_lazy("Rouvrir"))]


@login_required
def board(request):
    """Kanban by stage. A salesperson sees their own deals by default (DESIGN: users and roles)."""
    data = request.GET.copy()
    if "salesperson" not in data and not permissions.can_see_team(request.user):
        data["salesperson"] = request.user.pk
    data.setdefault("status", Status.OPEN)
    form = BoardFilter(data, user=request.user)
    form.is_valid()
    pipeline = form.cleaned_data.get("pipeline") or Pipeline.objects.filter(active=True).order_by("name").first()
    columns, truncated = [], False
    if pipeline is not None:
        salesperson = form.cleaned_data.get("salesperson")
        opportunities = selectors.opportunity_list(
            actor=request.user, pipeline=pipeline.pk, status=form.cleaned_data.get("status") or None,
            salesperson=salesperson.pk if salesperson else None,
        )
        if form.cleaned_data.get("source"):
            opportunities = opportunities.filter(source=form.cleaned_data["source"])
        cards = list(opportunities[:BOARD_LIMIT + 1])
        truncated = len(cards) > BOARD_LIMIT
        by_stage = {}
        for card in cards[:BOARD_LIMIT]:
            by_stage.setdefault(card.stage_id, []).append(card)
        columns = [(stage, by_stage.get(stage.pk, [])) for stage in pipeline.stages.order_by("order")]
    return render(request, "sales/board.html", {"form": form, "pipeline": pipeline, "columns": columns,
                                                "truncated": truncated, "limit": BOARD_LIMIT})


@login_required
@require_POST
def move(request, pk):
    """A card dropped in another column (htmx): the same service as the API."""
    try:
        services.opportunity_update(actor=request.user, opportunity_id=pk, stage=request.POST.get("stage", ""))
    except ApplicationError as error:
        return HttpResponse(str(error.message), status=error.status)
    return HttpResponse(status=204)


@login_required
def card(request, pk):
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    buttons = [(status, RESUME if status == Status.OPEN and opportunity.status == Status.SUSPENDED else label)
               for status, label in STATUS_BUTTONS
               if permissions.can_change_status(request.user, opportunity, status)
               and not (status == Status.WON and opportunity.pipeline.requires_quote
                        and not services.accepted_quote_exists(opportunity))]
    return render(request, "sales/card.html", {
        "opportunity": opportunity,
        "buttons": buttons,
        "lost_form": LostForm(),
        "win_form": WinForm(initial={"amount": opportunity.amount, "cost": opportunity.cost}),
        "sale_date_form": SaleDateForm(initial={"sale_date": opportunity.sale_date})
        if opportunity.status == Status.WON and permissions.can_change_sale_date(request.user) else None,
        "stage_changes": opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by"),
        "timeline": timeline_for(opportunity)[:50],
        "tasks": task_list(actor=request.user, opportunity=opportunity.pk),
    })


@login_required
@require_POST
def change_status(request, pk):
    values = {"status": request.POST.get("status", "")}
    if values["status"] == Status.LOST:
        values["lost_reason"] = request.POST.get("lost_reason") or None
    if values["status"] == Status.WON:
        # A comma is how Québec writes decimals: 24 999,99.
        values.update({key: (request.POST.get(key) or "").replace(" ", "").replace("\xa0", "").replace(",", ".")
                       or None for key in ("amount", "cost")})
    try:
        services.opportunity_change_status(actor=request.user, opportunity_id=pk, **values)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Statut changé."))
    return redirect("opportunity-card", pk)


@login_required
@require_POST
def change_sale_date(request, pk):
    form = SaleDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Date invalide."))
        return redirect("opportunity-card", pk)
    try:
        services.opportunity_change_sale_date(actor=request.user, opportunity_id=pk,
                                              sale_date=form.cleaned_data["sale_date"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Date de vente changée."))
    return redirect("opportunity-card", pk)


@login_required
def analytics(request):
    """Conversion by the chosen dimension, and the funnel as a chart: the same figures as the API."""
    form = AnalyticsFilter(request.GET)
    if not form.is_valid():
        messages.error(request, _("Période invalide : les 90 derniers jours sont affichés."))
        form = AnalyticsFilter({})
        form.is_valid()
    date_from, date_to = form.period()
    by = form.cleaned_data.get("by") or "salesperson"
    form = AnalyticsFilter(initial={"date_from": date_from, "date_to": date_to, "by": by})
    result = selectors.conversion_compute(actor=request.user, date_from=date_from, date_to=date_to, by=by)
    funnel = selectors.conversion_compute(actor=request.user, date_from=date_from, date_to=date_to, by="stage")
    chart = {"labels": [g["label"] for g in funnel["groups"]], "reached": [g["reached"] for g in funnel["groups"]]}
    plan_form = PlanForm(request.GET if "target_sales" in request.GET else None)
    plan = None
    if plan_form.is_valid():
        pipeline = plan_form.cleaned_data["pipeline"] or Pipeline.objects.filter(active=True).order_by("name").first()
        if pipeline is not None:
            plan = selectors.plan_compute(actor=request.user, target_sales=plan_form.cleaned_data["target_sales"],
                                          pipeline=pipeline)
    return render(request, "sales/analytics.html", {
        "form": form, "result": result, "by": by, "date_from": date_from, "date_to": date_to,
        "chart": chart, "plan_form": plan_form, "plan": plan,
    })
