"""The figures' pages: conversion by every dimension with its funnel and planning, and the deals behind
a figure (with their CSV export). Thin: sales selectors decide."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.exports import csv_stream_response
from comptoir.core.selectors import site_settings_get
from comptoir.core.views import refusal_as_message
from comptoir.customers.selectors import email_ratio_by_month, email_ratio_compute
from comptoir.sales import selectors
from comptoir.sales.forms import AnalyticsFilter, DealsFilter, PlanForm
from comptoir.sales.selectors import NO_GROUP

DEALS_PAGE_SIZE = 50
DEAL_CSV_COLUMNS = ("number", "customer", "salesperson", "stage", "status", "amount", "created_at", "closed_at")
NO_GROUP_LABEL = gettext_lazy("(aucun)")


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
