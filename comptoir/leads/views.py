"""Lead pages: list with search and filters, a quick entry form, the edit page, the card with status,
next contact, tasks and conversion (customer and opportunity in one form). Thin: the leads services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts.selectors import users_assignable
from comptoir.core import cards, permissions
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.core.views import refusal_as_message, render_page_or_rows
from comptoir.core.models import Source
from comptoir.leads import selectors, services
from comptoir.leads.forms import ConvertForm, LeadFilters, LeadForm
from comptoir.leads.models import LeadStatus
from comptoir.sales.selectors import pipeline_default
from comptoir.core.text import is_small_id
from comptoir.timeline.selectors import timeline_for

PAGE_SIZE = 25


def _list_context(request, entry: LeadForm | None = None) -> dict:
    filters = LeadFilters(request.GET)
    values = filters.values()
    leads = selectors.lead_list(actor=request.user, **values)
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "q": values["q"] or "", "status": values["status"], "statuses": LeadStatus.choices,
            "filters": values, "filtered": any(v for k, v in values.items() if k != "q"),
            "owners": users_assignable(), "nobody": selectors.NOBODY,
            "sources": Source.objects.filter(active=True).order_by("name"),
            "entry": entry or LeadForm(), "pager_query": _without_page(request)}


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def lead_list(request):
    return render_page_or_rows(request, "leads/list.html", "leads/_rows.html", _list_context(request))


@login_required
@require_POST
def lead_new(request):
    form = LeadForm(request.POST)
    if form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, **form.service_values())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Piste créée."))
            return redirect("lead-card", lead.pk)
    # The page again, with what was typed and the reason, rather than an empty form.
    return render(request, "leads/list.html", _list_context(request, entry=form), status=422)


@login_required
def lead_edit(request, pk):
    lead = selectors.lead_get(actor=request.user, pk=pk)
    form = LeadForm(request.POST) if request.method == "POST" else LeadForm.for_lead(lead)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if values["media"] is None:
            values.pop("media")  # « selon le canal »: the one the lead has
        try:
            services.lead_update(actor=request.user, lead_id=pk, **values)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Piste enregistrée."))
            return redirect("lead-card", pk)
    return render(request, "leads/form.html", {"form": form, "lead": lead},
                  status=422 if request.method == "POST" else 200)


@login_required
def lead_card(request, pk, convert: ConvertForm | None = None, duplicates=None):
    lead = selectors.lead_get(actor=request.user, pk=pk)
    default_pipeline = pipeline_default()
    return render(request, "leads/card.html", {
        "lead": lead, "statuses": [(v, label) for v, label in LeadStatus.choices if v != LeadStatus.CONVERTED],
        "sections": cards.sections(request.user, lead),  # the tasks, from activities (core.cards)
        "timeline": timeline_for(lead)[:50], "duplicates": duplicates or [],
        # Reception and managers hand a lead to a salesperson (DESIGN: reception assigns, owns none).
        "assignees": users_assignable() if permissions.has_capability(request.user, "assign") else None,
        "convert": convert or ConvertForm(initial={
            "pipeline": default_pipeline.pk if default_pipeline else None, "salesperson": lead.owner_id}),
    }, status=409 if duplicates else 422 if convert is not None else 200)


@login_required
@require_POST
def lead_change(request, pk):
    values = {}
    if request.POST.get("status"):
        values["status"] = request.POST["status"]
    if "owner" in request.POST:
        owner = request.POST["owner"]
        values["owner"] = int(owner) if is_small_id(owner) else None
    if "next_contact_at" in request.POST:
        text = request.POST["next_contact_at"].strip()
        values["next_contact_at"] = parse_datetime(text) if text else None
    with refusal_as_message(request):
        services.lead_update(actor=request.user, lead_id=pk, **values)
        messages.success(request, _("Piste mise à jour."))
    return redirect("lead-card", pk)


@login_required
@require_POST
def lead_convert(request, pk):
    form = ConvertForm(request.POST)
    if not form.is_valid():
        return lead_card(request, pk, convert=form)
    try:
        _lead, target, opportunity = services.lead_convert(actor=request.user, lead_id=pk, **form.service_values())
    except Conflict as error:
        if error.errors:  # look-alike customers: the card lists them, to pick one or create anyway
            return lead_card(request, pk, convert=form, duplicates=selectors.lead_duplicate_customers(
                actor=request.user, ids=[int(e["message"]) for e in error.errors]))
        messages.error(request, str(error.message))
        return redirect("lead-card", pk)
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return lead_card(request, pk, convert=form)
    if opportunity is not None:
        messages.success(request, _("Piste convertie : voici l'opportunité créée pour le client."))
        return redirect("opportunity-card", opportunity.pk)
    messages.success(request, _("Piste convertie : voici la fiche du client."))
    return redirect("customer-card", target.pk)
