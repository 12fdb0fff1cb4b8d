"""The sales board, the opportunity card and the conversion page. Thin: services and selectors decide."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.cards import sections as card_sections
from comptoir.core.exceptions import ApplicationError
from comptoir.core.views import posted_version, refusal_as_message
from comptoir.core.exports import csv_stream_response
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import decimal_text
from comptoir.customers.selectors import customer_get, email_ratio_by_month, email_ratio_compute
from comptoir.sales import selectors, services
from comptoir.sales.selectors import NO_GROUP
from comptoir.sales.forms import (
    AnalyticsFilter, BoardFilter, CaseForm, DealsFilter, LostForm, OpportunityForm, PlanForm, SaleDateForm, WinForm,
)
from comptoir.sales.models import Status
from comptoir.timeline.selectors import timeline_for

BOARD_LIMIT = 500
CARD_DEALS = 20
DEALS_PAGE_SIZE = 50
DEAL_CSV_COLUMNS = ("number", "customer", "salesperson", "stage", "status", "amount", "created_at", "closed_at")
NO_GROUP_LABEL = gettext_lazy("(aucun)")
RESUME = gettext_lazy("Reprendre")
STATUS_BUTTONS = [(Status.WON, gettext_lazy("Gagnée")), (Status.LOST, gettext_lazy("Perdue")),
                  (Status.SUSPENDED, gettext_lazy("Suspendre")), (Status.OPEN, gettext_lazy("Rouvrir"))]


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
def customer_opportunities(request, customer_pk):
    """The customer card's « Opportunités » section (loaded by htmx): their deals and a new one."""
    customer_get(actor=request.user, pk=customer_pk)  # 404 for a customer the user may not see
    return render(request, "sales/_customer_opportunities.html", {
        "customer_pk": customer_pk,
        "opportunities": selectors.opportunity_list(actor=request.user, customer=customer_pk)[:CARD_DEALS],
        "form": OpportunityForm(), "can_create": permissions.can_enter_records(request.user),
    })


@login_required
@require_POST
def opportunity_new(request, customer_pk):
    form = OpportunityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un processus de vente."))
        return redirect("customer-card", customer_pk)
    values = form.cleaned_data
    with refusal_as_message(request):
        opportunity = services.opportunity_create(
            actor=request.user, customer=customer_pk, pipeline=values["pipeline"].pk, product=values["product"],
            amount=decimal_text(values["amount"]) or None,
            **({"source": values["source"].pk} if values["source"] else {}),
            **({"unit": values["unit"]} if values["unit"] else {}),
        )
        messages.success(request, _("Opportunité %(number)s créée.") % {"number": opportunity.number})
        return redirect("opportunity-card", opportunity.pk)
    return redirect("customer-card", customer_pk)


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


@login_required
def card(request, pk):
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    sections = card_sections(request.user, opportunity)  # the tasks, from activities (core.cards)
    allowed = services.opportunity_status_actions(request.user, opportunity)
    buttons = [(status, RESUME if status == Status.OPEN and opportunity.status == Status.SUSPENDED else label)
               for status, label in STATUS_BUTTONS if status in allowed]
    return render(request, "sales/card.html", {
        "opportunity": opportunity,
        "buttons": buttons,
        "lost_form": LostForm(),
        "win_form": WinForm(initial={"amount": opportunity.amount, "cost": opportunity.cost}),
        "sale_date_form": SaleDateForm(initial={"sale_date": opportunity.sale_date})
        if opportunity.status == Status.WON and permissions.can_change_sale_date(request.user) else None,
        "stages": selectors.stages_offered(opportunity.pipeline_id, current=opportunity.stage_id)
        if opportunity.status == Status.OPEN else None,
        "unit_rivals": selectors.unit_rivals(opportunity),
        "stage_changes": opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by"),
        "timeline": timeline_for(opportunity)[:50],
        "sections": sections,
        "next_task": sections.get("tasks").get("next_task"),
        "days_in_stage": (timezone.now() - opportunity.stage_since).days if opportunity.stage_since else None,
        "case_form": CaseForm(initial={
            "expected_decision_date": opportunity.expected_decision_date, "probability": opportunity.probability,
            "competitors": list(opportunity.competitors.all()), "competitor_note": opportunity.competitor_note,
            "contacts": "\n".join(" ; ".join(filter(None, (c.name, c.role, c.phone, c.email)))
                                  for c in opportunity.contacts.all())}),
    })


@login_required
@require_POST
def change_case(request, pk):
    """The case card's follow-up (decision date, probability, competitors, contacts): one update."""
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("opportunity-card", pk)
    with refusal_as_message(request):
        services.opportunity_update(actor=request.user, opportunity_id=pk, version=posted_version(request),
                                    **form.service_values())
        messages.success(request, _("Suivi enregistré."))
    return redirect("opportunity-card", pk)


@login_required
@require_POST
def change_status(request, pk):
    values = {"status": request.POST.get("status", "")}
    if values["status"] == Status.LOST:
        values["lost_reason"] = request.POST.get("lost_reason") or None
    if values["status"] == Status.WON:
        values.update({key: decimal_text(request.POST.get(key)) or None for key in ("amount", "cost")})
    with refusal_as_message(request):
        services.opportunity_change_status(actor=request.user, opportunity_id=pk, **values)
        messages.success(request, _("Statut changé."))
    return redirect("opportunity-card", pk)


@login_required
@require_POST
def change_sale_date(request, pk):
    form = SaleDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Date invalide."))
        return redirect("opportunity-card", pk)
    with refusal_as_message(request):
        services.opportunity_change_sale_date(actor=request.user, opportunity_id=pk,
                                              sale_date=form.cleaned_data["sale_date"])
        messages.success(request, _("Date de vente changée."))
    return redirect("opportunity-card", pk)


def _chart(result: dict) -> dict:
    """The chart beside the table: the funnel's reached counts, or each group's conversion."""
    if result["by"] == "stage":
        return {"kind": "funnel", "labels": [g["label"] for g in result["groups"]],
                "values": [g["reached"] for g in result["groups"]]}
    return {"kind": "conversion", "labels": [g["label"] or str(NO_GROUP_LABEL) for g in result["groups"]],
            "values": [float(g["conversion_pct"]) if g["conversion_pct"] is not None else None
                       for g in result["groups"]]}


@login_required
def analytics(request):
    """Conversion by the chosen dimension (chart beside the table, every figure opening its deals),
    the funnel, the planning calculator and the email ratio of a month: the same figures as the API."""
    form = AnalyticsFilter(request.GET)
    if not form.is_valid():
        messages.error(request, _("Période invalide : les 90 derniers jours sont affichés."))
        form = AnalyticsFilter({})
        form.is_valid()
    date_from, date_to = form.period()
    by = form.cleaned_data.get("by") or "salesperson"
    year, month = form.ratio_month()
    form = AnalyticsFilter(initial={"date_from": date_from, "date_to": date_to, "by": by,
                                    "month": f"{year:04d}-{month:02d}"})
    result = selectors.conversion_compute(actor=request.user, date_from=date_from, date_to=date_to, by=by)
    funnel = result if by == "stage" else \
        selectors.conversion_funnel(actor=request.user, date_from=date_from, date_to=date_to)
    plan_form = PlanForm(request.GET if "target_sales" in request.GET else None)
    plan = None
    if plan_form.is_valid():
        pipeline = plan_form.cleaned_data["pipeline"] or selectors.pipeline_default()
        if pipeline is not None:
            plan = selectors.plan_compute(actor=request.user, target_sales=plan_form.cleaned_data["target_sales"],
                                          pipeline=pipeline)
    period = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    deals_url = reverse("sales-deals")
    for group in result["groups"]:
        group["link"] = f"{deals_url}?" + urlencode({**period, "by": by, "group": group["key"] or NO_GROUP})
    # Beside the funnel, the overall rate is the period's closed deals (as for every dimension).
    overall_link = f"{deals_url}?" + urlencode({**period, "by": "salesperson" if by == "stage" else by})
    return render(request, "sales/analytics.html", {
        "form": form, "result": result, "by": by, "date_from": date_from, "date_to": date_to,
        "currency": site_settings_get().currency, "overall_link": overall_link, "chart": _chart(result), "funnel": _chart(funnel), "plan_form": plan_form,
        "plan": plan, "ratio": email_ratio_compute(year=year, month=month, actor=request.user),
        "ratio_months": email_ratio_by_month(actor=request.user, year=year, month=month),
    })


@login_required
def deals(request):
    """The deals behind one figure of the conversion page (a click on a count); ?format=csv exports them."""
    form = DealsFilter(request.GET)
    if not form.is_valid():
        messages.error(request, _("Ce lien ne désigne aucun chiffre de la conversion."))
        return redirect("sales-analytics")
    values = form.cleaned_data
    with refusal_as_message(request) as refused:
        found = selectors.conversion_deals(actor=request.user, **values)
    if refused:
        return redirect("sales-analytics")
    if request.GET.get("format") == "csv":
        local = lambda moment: timezone.localtime(moment).isoformat() if moment else None  # noqa: E731
        return csv_stream_response(f"deals-{values['by']}-{values['outcome']}.csv", DEAL_CSV_COLUMNS,
                                   ({"number": deal.number, "customer": deal.customer.display_name,
                                     "salesperson": deal.salesperson.display_name if deal.salesperson else "",
                                     "stage": deal.stage.name, "status": deal.status, "amount": deal.amount,
                                     "created_at": local(deal.created_at), "closed_at": local(deal.closed_at)}
                                    for deal in found.iterator(chunk_size=2000)))
    page = Paginator(found, DEALS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sales/deals.html", {"page": page, **values})
