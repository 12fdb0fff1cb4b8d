"""Lead pages: list with search, a quick entry form, the card with status, next contact, tasks and
conversion. Thin: the leads services decide."""

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
from comptoir.leads import selectors, services
from comptoir.leads.models import LeadStatus
from comptoir.core.text import is_small_id
from comptoir.timeline.selectors import timeline_for

PAGE_SIZE = 25
ENTRY_FIELDS = ("first_name", "last_name", "company", "email", "city", "notes")


def _list_context(request) -> dict:
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status") or None
    leads = selectors.lead_list(actor=request.user, q=q, status=status if status in LeadStatus.values else None)
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "q": q, "status": status, "statuses": LeadStatus.choices, "entry": {}}


@login_required
def lead_list(request):
    return render_page_or_rows(request, "leads/list.html", "leads/_rows.html", _list_context(request))


@login_required
@require_POST
def lead_new(request):
    values = {key: request.POST.get(key, "") for key in ENTRY_FIELDS}
    phone = request.POST.get("phone", "").strip()
    try:
        lead = services.lead_create(actor=request.user, phones=[{"number": phone}] if phone else [], **values)
    except ApplicationError as error:
        # The page again, with what was typed and the reason, rather than an empty form.
        context = {**_list_context(request), "entry": {**values, "phone": phone}, "entry_error": error.message}
        return render(request, "leads/list.html", context, status=error.status)
    messages.success(request, _("Piste créée."))
    return redirect("lead-card", lead.pk)


@login_required
def lead_card(request, pk, duplicates=None):
    lead = selectors.lead_get(actor=request.user, pk=pk)
    return render(request, "leads/card.html", {
        "lead": lead, "statuses": [(v, label) for v, label in LeadStatus.choices if v != LeadStatus.CONVERTED],
        "sections": cards.sections(request.user, lead),  # the tasks, from activities (core.cards)
        "timeline": timeline_for(lead)[:50], "duplicates": duplicates or [],
        # Reception and managers hand a lead to a salesperson (DESIGN: reception assigns, owns none).
        "assignees": users_assignable() if permissions.has_capability(request.user, "assign") else None,
    }, status=409 if duplicates else 200)


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
    customer = request.POST.get("customer") or None
    with refusal_as_message(request):
        try:
            _lead, target, _opportunity = services.lead_convert(
                actor=request.user, lead_id=pk, customer=int(customer) if is_small_id(customer) else None,
                create_anyway=request.POST.get("create_anyway") == "1")
        except Conflict as error:
            if error.errors:  # look-alike customers: the card lists them, to pick one or create anyway
                return lead_card(request, pk, duplicates=[int(e["message"]) for e in error.errors])
            raise
        messages.success(request, _("Piste convertie : voici la fiche du client."))
        return redirect("customer-card", target.pk)
    return redirect("lead-card", pk)
