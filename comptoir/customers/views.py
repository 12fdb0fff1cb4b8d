"""Customer pages: list with search-as-you-type, card, form (compare and merge: views_merge). Thin:
services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import cards
from comptoir.core.exceptions import ApplicationError
from comptoir.core.views import refusal_as_message, render_page_or_rows
from comptoir.customers import selectors, services
from comptoir.customers.forms import CustomerForm
from comptoir.timeline.selectors import timeline_for

PAGE_SIZE = 25


@login_required
def customer_list(request):
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.customer_list(actor=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_rows(request, "customers/list.html", "customers/_rows.html", {"page": page, "q": q})


def _form_page(request, form, customer=None):
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@login_required
def customer_new(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("version")
        if values["salesperson"] is None:
            values.pop("salesperson")
        try:
            customer = services.customer_create(actor=request.user, **values)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Client créé."))
            return redirect("customer-card", customer.pk)
    return _form_page(request, form)


@login_required
def customer_edit(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk)
    form = CustomerForm(request.POST) if request.method == "POST" else CustomerForm.for_customer(customer)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if values["salesperson"] == customer.salesperson_id:
            values.pop("salesperson")  # unchanged: no assignment check needed
        try:
            services.customer_update(actor=request.user, customer_id=pk, **values)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("customer-card", pk)
    return _form_page(request, form, customer)


@login_required
def customer_card(request, pk):
    survivor = selectors.customer_merged_into(actor=request.user, pk=pk)
    if survivor is not None:  # a merged record's address leads to the record it was merged into
        messages.info(request, _("Cette fiche a été fusionnée dans celle-ci."))
        return redirect("customer-card", survivor.pk)
    customer = selectors.customer_get(actor=request.user, pk=pk)
    duplicates = selectors.customer_duplicates(customer, actor=request.user)
    return render(request, "customers/card.html", {
        "customer": customer,
        "duplicates": duplicates,
        "sure_duplicates": [d for d in duplicates if d["reason"] != "name"],
        "timeline": timeline_for(customer)[:50],
        "notes": customer.notes.select_related("author")[:20],
        "sections": cards.sections(request.user, customer),  # the tasks, from activities (core.cards)
    })


@login_required
@require_POST
def customer_add_note(request, pk):
    with refusal_as_message(request):
        services.customer_note_add(actor=request.user, customer_id=pk, body=request.POST.get("body", "")[:10_000])
    return redirect("customer-card", pk)
