"""The figures' pages: conversion by every dimension with its funnel and planning, and the deals behind
a figure (with their CSV export). Thin: sales selectors decide."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.exports import DATETIME, DECIMAL, FORMATS, Column, export_response
from comptoir.core.selectors import site_settings_get
from comptoir.core.views import refusal_as_message
from comptoir.customers.selectors import email_ratio_by_month, email_ratio_compute
from comptoir.sales import selectors
from comptoir.sales.forms import DIMENSION_LABELS, AnalyticsFilter, DealsFilter, PlanForm
from comptoir.sales.models import Status
from comptoir.sales.selectors import NO_GROUP

DEALS_PAGE_SIZE = 50
NO_GROUP_LABEL = gettext_lazy("(aucun)")
# The deals behind a figure as a file (core.exports): the list's columns, the amount a number beside its
# currency, both dates, so a spreadsheet recomputes the won amount, the average sale and the days to close.
DEAL_COLUMNS = (
    Column("number", gettext_lazy("Numéro"), width=16),
    Column("customer", gettext_lazy("Client"), width=26),
    Column("salesperson", gettext_lazy("Vendeur"), width=22),
    Column("product", gettext_lazy("Produit"), width=26),
    Column("stage", gettext_lazy("Étape")),
    Column("status", gettext_lazy("Statut"), width=11),
    Column("amount", gettext_lazy("Montant"), DECIMAL),
    Column("currency", gettext_lazy("Devise"), width=8),
    Column("created_at", gettext_lazy("Créée le"), DATETIME),
    Column("closed_at", gettext_lazy("Fermée le"), DATETIME),
)


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
    ratio = email_ratio_compute(year=year, month=month, actor=request.user)
    # Every table offers its file (CSV or XLSX in the reader's language): the API's, the same figures.
    exports = {
        "conversion_url": "/api/v1/analytics/conversion?" + urlencode({**period, "by": by}),
        "plan_url": "/api/v1/analytics/plan?" + urlencode({"target_sales": plan["target_sales"],
                                                           "pipeline": plan["pipeline"]}) if plan else "",
        "ratio_url": "/api/v1/analytics/email-ratio?" + urlencode({"month": ratio["month"]}),
    }
    return render(request, "sales/analytics.html", {
        "form": form, "result": result, "by": by, "by_label": DIMENSION_LABELS.get(by, ""), "date_from": date_from,
        "date_to": date_to, "currency": site_settings_get().currency, "overall_link": overall_link,
        "chart": _chart(result), "funnel": _chart(funnel), "plan_form": plan_form, "plan": plan, "ratio": ratio,
        "ratio_months": email_ratio_by_month(actor=request.user, year=year, month=month), **exports,
    })


def _deal_lines(rows):
    """selectors.conversion_deal_rows' plain values as the list names them (display names as the models
    write them, the status in the file's language), one tuple per deal in DEAL_COLUMNS' order."""
    statuses = {value: capfirst(str(label)) for value, label in Status.choices}
    for (number, first, last, company, customer_id, seller_first, seller_last, seller_username, product, stage,
         status, amount, currency, created_at, closed_at) in rows:
        customer = f"{first} {last}".strip() or company or f"#{customer_id}"
        seller = f"{seller_first} {seller_last}".strip() or seller_username or ""
        yield (number, customer, seller, product, stage, statuses.get(status, status), amount, currency,
               created_at, closed_at)


@login_required
def deals(request):
    """The deals behind one figure of the conversion page (a click on a count); ?format=csv or xlsx exports
    every one of them (not the page), in the reader's language."""
    form = DealsFilter(request.GET)
    if not form.is_valid():
        messages.error(request, _("Ce lien ne désigne aucun chiffre de la conversion."))
        return redirect("sales-analytics")
    values = form.cleaned_data
    with refusal_as_message(request) as refused:
        found = selectors.conversion_deals(actor=request.user, **values)
    if refused:
        return redirect("sales-analytics")
    export = request.GET.get("format")
    if export in FORMATS:
        rows = selectors.conversion_deal_rows(actor=request.user, **values)
        return export_response(request, f"deals-{values['by']}-{values['outcome']}", DEAL_COLUMNS,
                               _deal_lines(rows), export, title=_("Opportunités"))
    page = Paginator(found, DEALS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sales/deals.html", {"page": page, **values})
