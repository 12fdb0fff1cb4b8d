"""Customer pages: list with search-as-you-type, filters, their counts and exports; card; form with the
duplicates panel (compare and merge: views_merge). Thin: services and selectors decide."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.core import cards
from comptoir.core.exceptions import ApplicationError
from comptoir.core.text import is_small_id
from comptoir.core.views import catch_refusal, refusal_as_message, render_page_or_rows
from comptoir.customers import selectors, services
from comptoir.customers.exports import customers_csv, customers_xlsx
from comptoir.customers.forms import CustomerFilterForm, CustomerForm
from comptoir.timeline.selectors import timeline_for

PAGE_SIZE = 25
PANEL_SIZE = 8
# The phones a page's form posts: the customer form's phone_number_0…, the lead form's phone_0…, the
# walk-in's phone.
TYPED_PHONE = re.compile(r"^phone(_number)?(_\d{1,2})?$")
TYPED_FIELDS = ("email", "first_name", "last_name", "company", "postal_code")


def _list_query(request) -> str:
    """The list's URL query without its page, for the pager and the counts."""
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    return query.urlencode()


def _filtered(request, form: CustomerFilterForm):
    """The filters of the URL and the list they keep. One the selector refuses (a period that ends before
    it starts) is said above the list, which then keeps the search alone."""
    filters = form.filters()
    with catch_refusal() as refused:
        return filters, selectors.customer_list(actor=request.user, filters=filters)
    form.add_error(None, refused.message)
    filters = selectors.CustomerFilters(q=filters.q)
    return filters, selectors.customer_list(actor=request.user, filters=filters)


@login_required
@require_GET
def customer_list(request):
    """?q= searches as you type (htmx answers the rows); the filters are a GET form, so the URL, the pager
    and the exports keep them; ?format=csv or xlsx exports what the filters keep, every page of it."""
    form = CustomerFilterForm(request.GET, user=request.user)
    filters, customers = _filtered(request, form)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        filename = f"{_('clients')}-{timezone.localdate().isoformat()}.{export}"
        rows = selectors.customer_export_rows(actor=request.user, filters=filters)
        return customers_csv(rows, filename=filename) if export == "csv" else customers_xlsx(rows, filename=filename)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_rows(request, "customers/list.html", "customers/_rows.html", {
        "page": page, "q": filters.q or "", "form": form, "filtered": filters.active(),
        "pager_query": _list_query(request)})


@login_required
@require_GET
def customer_filter_counts(request):
    """The filters again, each value with how many customers it would keep (loaded by the list once it is
    shown: one grouped count per filter over the whole list, which a page of rows need not wait for)."""
    filters = CustomerFilterForm(request.GET, user=request.user).filters()
    with catch_refusal() as refused:
        counts = selectors.customer_facets(actor=request.user, filters=filters)
    form = CustomerFilterForm(request.GET, user=request.user, counts=None if refused else counts)
    form.filters()
    if refused:
        form.add_error(None, refused.message)
    return render(request, "customers/_filters.html", {"form": form, "filtered": filters.active(), "counted": True})


def _typed_values(query) -> dict:
    """What a form has typed so far, under the names the duplicates check takes."""
    values = {name: query.get(name, "")[:254] for name in TYPED_FIELDS}
    values["phones"] = [number for key in query if TYPED_PHONE.match(key)
                        for number in query.getlist(key) if number.strip()][:10]
    exclude = query.get("exclude", "")
    values["exclude"] = int(exclude) if is_small_id(exclude) else None
    return values


@login_required
@require_GET
def customer_duplicates_check(request):
    """The duplicates panel of a form being typed (htmx, a moment after each keystroke): sure duplicates
    (same phone, same email) and possible ones (a close name with the postal code or the phone's tail),
    among the customers the user may see."""
    found = services.customer_duplicates_check(actor=request.user, **_typed_values(request.GET))
    return render(request, "customers/_duplicates_panel.html", {
        "duplicates": selectors.customer_duplicates_described(found, actor=request.user, limit=PANEL_SIZE)})


def _form_page(request, form, customer=None, *, duplicates=(), status=200):
    return render(request, "customers/form.html", {"form": form, "customer": customer, "duplicates": duplicates,
                                                   "confirm": bool(duplicates)}, status=status)


@login_required
def customer_new(request):
    """A sure duplicate (same phone or email) is not saved: the page comes back with them, « Ouvrir la
    fiche » for each and « Créer quand même », which posts the form again with create_anyway."""
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("version")
        if values["salesperson"] is None:
            values.pop("salesperson")
        try:
            customer = services.customer_create(actor=request.user, **values,
                                                create_anyway=request.POST.get("create_anyway") == "1")
        except services.DuplicateCustomer as error:
            duplicates = selectors.customer_duplicates_described(error.duplicates, actor=request.user,
                                                                 limit=PANEL_SIZE)
            return _form_page(request, form, duplicates=duplicates, status=error.status)
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
