"""Reception's walk-in screen: find the customer as you type (or enter a new one), pick the salesperson,
« Enregistrer la visite »; below, the day's walk-ins. And the showroom conversion card the analytics page
loads. Thin: the walkins services and selectors decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.core.figures import default_period
from comptoir.customers.selectors import customer_list
from comptoir.walkins import selectors, services
from comptoir.core.text import is_small_id

MATCHES = 8
NEW_CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email")


def _date(text):
    """A YYYY-MM-DD date, or None for anything else (also a well-formed impossible one: 2026-02-31)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _day(request):
    return _date(request.GET.get("date")) or timezone.localdate()


def _matches(actor, q: str):
    q = (q or "").strip()[:100]
    return list(customer_list(actor=actor, q=q)[:MATCHES]) if q else []


def _page(request, *, status: int = 200, entry: dict | None = None, error=None, duplicates=None):
    day = _day(request)
    entry = entry or {}
    q = entry.get("q", request.GET.get("q", ""))
    if duplicates:
        matches = list(customer_list(actor=request.user).filter(pk__in=duplicates))
    else:
        matches = _matches(request.user, q)
    salespeople = list(selectors.walk_in_salespeople(actor=request.user))
    chosen = entry.get("salesperson") or (str(request.user.pk) if any(u.pk == request.user.pk for u in salespeople)
                                          else "")
    return render(request, "walkins/page.html", {
        "day": day, "today": timezone.localdate(), "visits": selectors.walk_in_list(actor=request.user, day=day),
        "salespeople": salespeople, "chosen_salesperson": chosen, "q": q, "matches": matches,
        "chosen_customer": entry.get("customer", ""), "entry": entry, "error": error, "duplicates": duplicates,
        "new_open": any(entry.get(name) for name in NEW_CUSTOMER_FIELDS),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def walk_in_page(request):
    """GET: the screen (?date= another day). POST: records the visit in one request, then back to the
    screen; a refusal shows the screen again with what was typed. Without JavaScript, the search button
    posts the form to show the matches, recording nothing."""
    if request.method == "GET":
        return _page(request)
    entry = {key: request.POST.get(key, "").strip() for key in ("q", "customer", "salesperson", "notes",
                                                                  *NEW_CUSTOMER_FIELDS)}
    if request.POST.get("search"):
        return _page(request, entry=entry)
    new_customer = None
    if any(entry[name] for name in NEW_CUSTOMER_FIELDS):
        new_customer = {"first_name": entry["first_name"], "last_name": entry["last_name"], "email": entry["email"],
                        "phones": [{"number": entry["phone"]}] if entry["phone"] else []}
    try:
        visit = services.walk_in_record(
            actor=request.user, customer=int(entry["customer"]) if is_small_id(entry["customer"]) else None,
            new_customer=new_customer, notes=entry["notes"],
            salesperson=int(entry["salesperson"]) if is_small_id(entry["salesperson"]) else None,
            create_anyway=request.POST.get("create_anyway") == "1")
    except Conflict as error:
        duplicates = [int(e["message"]) for e in error.errors if is_small_id(str(e.get("message", "")))]
        return _page(request, status=error.status, entry=entry, error=error.message, duplicates=duplicates)
    except ApplicationError as error:
        return _page(request, status=error.status, entry=entry, error=error.message)
    messages.success(request, _("Visite de %(customer)s enregistrée pour %(salesperson)s.") % {
        "customer": visit.customer.display_name, "salesperson": visit.salesperson.display_name})
    return redirect("walkin-list")


@login_required
@require_GET
def customer_matches(request):
    """The customers matching what reception types (htmx), as choices of the visit's form."""
    q = request.GET.get("q", "")
    return render(request, "walkins/_matches.html", {"matches": _matches(request.user, q), "q": q.strip()})


@login_required
@require_GET
def analytics_section(request):
    """The showroom conversion card of the analytics page (?from=&to=, default the last 90 days): overall
    and per salesperson, with its CSV."""
    date_from, date_to = default_period(_date(request.GET.get("from")), _date(request.GET.get("to")))
    error = None
    try:
        result = selectors.showroom_conversion(actor=request.user, date_from=date_from, date_to=date_to,
                                               by="salesperson")
    except ApplicationError as refused:
        error, result = refused.message, None
    return render(request, "walkins/_analytics_section.html", {
        "result": result, "error": error, "date_from": date_from, "date_to": date_to})
