"""The opportunity card and a customer's deals (the board: views_board; the figures: views_reports).
Thin: services and selectors decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.cards import sections as card_sections
from comptoir.core.views import posted_version, refusal_as_message
from comptoir.core.text import decimal_text
from comptoir.customers.selectors import customer_get
from comptoir.sales import selectors, services
from comptoir.sales.forms import (
    CaseForm, LostForm, OpportunityForm, SaleDateForm, WinForm,
)
from comptoir.sales.models import Status
from comptoir.timeline.selectors import timeline_for

CARD_DEALS = 20
RESUME = gettext_lazy("Reprendre")
STATUS_BUTTONS = [(Status.WON, gettext_lazy("Gagnée")), (Status.LOST, gettext_lazy("Perdue")),
                  (Status.SUSPENDED, gettext_lazy("Suspendre")), (Status.OPEN, gettext_lazy("Rouvrir"))]


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
