"""The opportunity card and a customer's deals (the board: views_board; the figures: views_reports).
Thin: services and selectors decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import permissions
from comptoir.core.cards import sections as card_sections
from comptoir.core.exceptions import NotFound
from comptoir.core.views import catch_refusal, posted_version, refusal_as_message
from comptoir.core.text import decimal_text
from comptoir.customers.selectors import customer_get
from comptoir.sales import selectors, services
from comptoir.sales.forms import (
    CaseForm, LostForm, OpportunityForm, SaleDateForm, WinForm,
)
from comptoir.sales.forms_opportunities import OpportunityEditForm, ReassignForm
from comptoir.sales.models import Status

CARD_DEALS = 20
RESUME = gettext_lazy("Reprendre")
STATUS_BUTTONS = [(Status.WON, gettext_lazy("Gagnée")), (Status.LOST, gettext_lazy("Perdue")),
                  (Status.SUSPENDED, gettext_lazy("Suspendre")), (Status.OPEN, gettext_lazy("Rouvrir"))]
# The opportunity page's tabs (issue 23), each linkable as ?tab=…: the quotes (in a pipeline with quotes),
# the communications, the sections other apps register (the tasks, core.cards), the files, the history.
QUOTES_TAB = ("quotes", gettext_lazy("Cotations"))
MESSAGES_TAB = ("messages", gettext_lazy("Communications"))
CASE_TAB = ("case", gettext_lazy("Suivi"))
ATTACHMENTS_TAB = ("attachments", gettext_lazy("Pièces jointes"))
HISTORY_TAB = ("history", gettext_lazy("Historique"))
TABS_TARGET = "opportunity-tabs"


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


def _card_tab(pk, tab) -> str:
    return f"{reverse('opportunity-card', args=[pk])}?tab={tab[0]}"


def _tabs(opportunity, sections) -> list[tuple[str, object]]:
    tabs = [QUOTES_TAB] if opportunity.pipeline.requires_quote else []
    return [*tabs, MESSAGES_TAB, *((section.name, section.title) for section in sections), CASE_TAB,
            ATTACHMENTS_TAB, HISTORY_TAB]


def _tab_context(opportunity, sections, tab: str) -> dict:
    """What the open tab draws; the others load when chosen (htmx), or with their own ?tab= link."""
    if tab == HISTORY_TAB[0]:
        return {"history": selectors.opportunity_history(opportunity),
                "stage_changes": opportunity.stage_changes.select_related("to_stage", "changed_by")}
    if tab == CASE_TAB[0]:
        return {"case_form": CaseForm(initial={
            "expected_decision_date": opportunity.expected_decision_date, "probability": opportunity.probability,
            "competitors": list(opportunity.competitors.all()), "competitor_note": opportunity.competitor_note,
            "contacts": "\n".join(" ; ".join(filter(None, (c.name, c.role, c.phone, c.email)))
                                  for c in opportunity.contacts.all())})}
    return {"section": next((section for section in sections if section.name == tab), None)}


@login_required
def card(request, pk):
    """The opportunity page (issue 23): who, what, how much, which stage and what next at the top, with
    the status actions; then the tabs. `?tab=` opens one (a link, a reload, no JavaScript); htmx asks for
    the tabs alone (HX-Target: opportunity-tabs) when one is chosen."""
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    sections = card_sections(request.user, opportunity)  # the tasks, from activities (core.cards)
    tabs = _tabs(opportunity, sections)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(tabs) else tabs[0][0]
    tasks = sections.get("tasks").get("tasks") or []
    context = {"opportunity": opportunity, "tabs": tabs, "tab": tab, "tabs_target": TABS_TARGET,
               "open_tasks": sum(1 for task in tasks if task.done_at is None),
               **_tab_context(opportunity, sections, tab)}
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == TABS_TARGET:
        response = render(request, "sales/_tabs.html", context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
    allowed = services.opportunity_status_actions(request.user, opportunity)
    buttons = [(status, RESUME if status == Status.OPEN and opportunity.status == Status.SUSPENDED else label)
               for status, label in STATUS_BUTTONS if status in allowed]
    locked = services.opportunity_locked_fields(request.user, opportunity)
    track = list(selectors.stages_offered(opportunity.pipeline_id, current=opportunity.stage_id))
    reached = next((index for index, stage in enumerate(track) if stage.pk == opportunity.stage_id), -1)
    margin = opportunity.amount - opportunity.cost \
        if opportunity.amount is not None and opportunity.cost is not None else None
    context.update({
        "buttons": buttons,
        "lost_form": LostForm(),
        "win_form": WinForm(initial={"amount": opportunity.amount, "cost": opportunity.cost}),
        "sale_date_form": SaleDateForm(initial={"sale_date": opportunity.sale_date})
        if opportunity.status == Status.WON and permissions.can_change_sale_date(request.user) else None,
        "stages": track if opportunity.status == Status.OPEN else None,
        "track": [(stage, index < reached, index == reached) for index, stage in enumerate(track)],
        "unit_rivals": selectors.unit_rivals(opportunity),
        "phones": list(opportunity.customer.phones.all()),
        # A deal handed to a salesperson whose customer is a colleague's: its page shows the customer's
        # name and contacts, but the customer's card is not theirs to open (customers' visibility rule).
        "customer_link": permissions.can_see_customer(request.user, opportunity.customer),
        "assignee_names": ", ".join(user.display_name for user in opportunity.assignees.all()),
        # DESIGN (Desk): the front gross is for sales managers and admins.
        "margin": margin if permissions.can_see_team(request.user) else None,
        "margin_pct": round(margin / opportunity.amount * 100, 1)
        if margin is not None and opportunity.amount and permissions.can_see_team(request.user) else None,
        "next_task": sections.get("tasks").get("next_task"),
        "days_in_stage": (timezone.now() - opportunity.stage_since).days if opportunity.stage_since else None,
        "reassign_form": ReassignForm(opportunity=opportunity) if "salesperson" not in locked else None,
    })
    response = render(request, "sales/card.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
def edit(request, pk):
    """« Modifier » (issue 23): product or unit, amount and cost, source, expected decision, the other
    people on the deal. What the user may not change now shows read only with why (the service's
    opportunity_locked_fields); only what they changed is sent, with the version they read (409 when
    someone saved in between)."""
    opportunity = selectors.opportunity_get(actor=request.user, pk=pk)
    form = OpportunityEditForm(request.POST if request.method == "POST" else None, opportunity=opportunity,
                               locked=services.opportunity_locked_fields(request.user, opportunity),
                               may_assign=permissions.has_capability(request.user, "assign"))
    status, refusal = 200, None
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            with catch_refusal(let_through=NotFound) as refused:
                services.opportunity_update(actor=request.user, opportunity_id=pk, version=posted_version(request),
                                            **form.service_values())
            if not refused:
                messages.success(request, _("Opportunité %(number)s modifiée.") % {"number": opportunity.number})
                return redirect("opportunity-card", pk)
            status, refusal = refused.error.status, refused.error
            if refusal.field in form.fields:
                form.add_error(refusal.field, str(refusal.message))
    return render(request, "sales/edit.html", {
        "opportunity": opportunity, "form": form, "refusal": refusal,
        "version": request.POST.get("version") if request.method == "POST" else opportunity.version,
    }, status=status)


@login_required
@require_POST
def reassign(request, pk):
    """« Réassigner » (issue 23): an assigner gives the deal to another salesperson, who gets its open
    tasks and an email (opportunity_update → sales.reassign)."""
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le nouveau vendeur."))
        return redirect("opportunity-card", pk)
    new = form.cleaned_data["salesperson"]
    with refusal_as_message(request):
        services.opportunity_update(actor=request.user, opportunity_id=pk, version=posted_version(request),
                                    salesperson=new.pk)
        messages.success(request, _("Opportunité confiée à %(name)s.") % {"name": new.display_name})
    return redirect("opportunity-card", pk)


@login_required
@require_POST
def change_case(request, pk):
    """The case card's follow-up (decision date, probability, competitors, contacts): one update."""
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_card_tab(pk, CASE_TAB))
    with refusal_as_message(request):
        services.opportunity_update(actor=request.user, opportunity_id=pk, version=posted_version(request),
                                    **form.service_values())
        messages.success(request, _("Suivi enregistré."))
    return redirect(_card_tab(pk, CASE_TAB))  # back on the « Suivi » tab the form is on


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
