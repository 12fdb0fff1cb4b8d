"""The desk's pages (issue 26): thin, over desk.services and desk.selectors. The page's form is read into
the same `raw` dict the API sends (services.desk_clean), recomputed through services.desk_result on every
change (htmx, `desk_grid`) or with « Recalculer » (a plain POST), and a chosen cell is kept with
services.desk_sheet_save."""

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.views import refusal_as_message
from comptoir.desk import selectors, services
from comptoir.desk.documents import sheet_number, worksheet_pdf
from comptoir.desk.models import KILOMETRES, ItemKind, ProgramKind
from comptoir.sales.selectors import opportunity_get

EMPTY_ACCESSORIES = 2  # blank rows under the deal's accessories (the page adds more on each recompute)
FREQUENCIES = [("monthly", _("Mensuel")), ("biweekly", _("Aux deux semaines")), ("weekly", _("Hebdomadaire"))]
PER = {"monthly": _("/mois"), "biweekly": _("/2 sem."), "weekly": _("/sem.")}
ITEM_GROUPS = [(ItemKind.FEE, _("Frais")), (ItemKind.PRODUCT, _("Produits F&A")), (ItemKind.REBATE, _("Rabais"))]
KINDS = [(ProgramKind.FINANCE, _("Financement")), (ProgramKind.LEASE, _("Location"))]
SHEET_KEPT = _("Feuille de calcul %(number)s gardée.")
SHEET_SENT = _("Feuille de calcul %(number)s envoyée à %(to)s.")
SHEET_QUOTED = _("Feuille de calcul %(number)s gardée ; sa cotation est dans l'onglet Cotations.")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


# --- The form ⇄ the raw dict of services.desk_clean ---------------------------------------------

def _shown(value):
    """A stored amount ("28500.00") as a Decimal, so the page writes it in the user's format."""
    if isinstance(value, str) and _PLAIN_NUMBER.match(value):
        return Decimal(value)
    return value


def _padded(values, size: int) -> list:
    values = [_shown(v) for v in (values or [])][:size]
    return values + [""] * (size - len(values))


def _raw_from_post(data, *, rates: bool) -> dict:
    """The page's fields as services.desk_clean reads them (the API's JSON shape), values as typed."""
    accessories = [{"description": data.get(f"acc-{n}-description", ""), "price": data.get(f"acc-{n}-price", ""),
                    "cost": data.get(f"acc-{n}-cost", "")}
                   for n in range(services.MAX_ACCESSORIES) if f"acc-{n}-description" in data]
    items = [{"id": item_id, "price": data.get(f"item-{item_id}-price", "")} for item_id in data.getlist("item")]
    raw = {"selling_price": data.get("selling_price", ""), "msrp": data.get("msrp", ""), "accessories": accessories,
           "trade_in": {"description": data.get("trade_description", ""), "vin": data.get("trade_vin", ""),
                        "allowance": data.get("trade_allowance", ""), "lien_payoff": data.get("trade_lien_payoff", "")},
           "items": items, "cash_downs": data.getlist("cash_down"),
           "finance_program": data.get("finance_program", ""), "lease_program": data.get("lease_program", ""),
           "finance_terms": data.getlist("finance_term"), "lease_terms": data.getlist("lease_term"),
           "frequency": data.get("frequency", ""), "kilometres": data.get("kilometres", "")}
    if rates:  # a salesperson's page has no rate fields: the programs' rates apply
        raw.update(finance_apr=data.get("finance_apr", ""), lease_apr=data.get("lease_apr", ""))
    return raw


def _target_from_post(data) -> dict:
    return {"payment": data.get("target_payment", ""), "kind": data.get("target_kind", ProgramKind.FINANCE),
            "term": data.get("target_term", ""), "cash_down": data.get("target_cash_down", "")}


def _form(raw: dict, opening: dict) -> dict:
    """What the form's fields show: the raw dict, padded to three cash-downs and terms, the items offered
    with their checkbox and amount, a few blank accessory rows."""
    chosen = {str(item.get("id")): item.get("price") for item in raw.get("items") or [] if isinstance(item, dict)}
    offered = selectors.items_offered()
    groups = []
    for kind, title in ITEM_GROUPS:
        rows = [{"item": item, "checked": str(item.pk) in chosen, "slot": f"item-{item.pk}",
                 "price": _shown(chosen.get(str(item.pk))) if chosen.get(str(item.pk)) not in (None, "")
                 else item.price} for item in offered if item.kind == kind]
        if rows:
            groups.append({"kind": kind, "title": title, "rows": rows})
    accessories = [{**a, "price": _shown(a.get("price")), "cost": _shown(a.get("cost"))}
                   for a in raw.get("accessories") or []]
    accessories += [{}] * min(EMPTY_ACCESSORIES, services.MAX_ACCESSORIES - len(accessories))
    trade_in = {k: _shown(v) for k, v in (raw.get("trade_in") or {}).items()}
    programs = {kind: [p for p in opening["programs"] if p.kind == kind] for kind, _label in KINDS}
    term_choices = {kind: sorted({t.term for p in programs[kind] for t in p.terms.all()}) for kind, _label in KINDS}

    def numbered(values, size, slot):  # each field of a row of three with the name its errors are shown under
        return [{"n": n, "value": str(v) if slot.endswith("terms") else v, "slot": f"{slot}-{n}"}
                for n, v in enumerate(_padded(values, size))]

    return {
        "selling_price": _shown(raw.get("selling_price")), "msrp": _shown(raw.get("msrp")),
        "accessories": [{**a, "n": n, "slot": f"accessories-{n}"} for n, a in enumerate(accessories)],
        "trade_in": trade_in, "item_groups": groups,
        "cash_downs": numbered(raw.get("cash_downs"), services.MAX_STEPS, "cash_down"),
        "finance_program": str(raw.get("finance_program") or ""), "lease_program": str(raw.get("lease_program") or ""),
        "finance_terms": numbered(raw.get("finance_terms"), services.MAX_TERMS, "finance_terms"),
        "lease_terms": numbered(raw.get("lease_terms"), services.MAX_TERMS, "lease_terms"),
        "finance_apr": _shown(raw.get("finance_apr") or ""), "lease_apr": _shown(raw.get("lease_apr") or ""),
        "frequency": raw.get("frequency") or "monthly", "kilometres": str(raw.get("kilometres") or ""),
        "finance_programs": programs[ProgramKind.FINANCE], "lease_programs": programs[ProgramKind.LEASE],
        "finance_term_choices": term_choices[ProgramKind.FINANCE],
        "lease_term_choices": term_choices[ProgramKind.LEASE],
        "target_term_choices": sorted(set(term_choices[ProgramKind.FINANCE]) | set(term_choices[ProgramKind.LEASE])),
    }


def _error_slot(error: ApplicationError, raw: dict) -> str:
    """Where on the page a refusal is shown: its field as the page names it ('cash_down.1' →
    'cash_down-1'); an item's error beside that item's checkbox."""
    field = error.field or ""
    match = re.match(r"^items\.(\d+)", field)
    if match:
        items = raw.get("items") or []
        index = int(match[1])
        return f"item-{items[index].get('id')}" if index < len(items) else "items"
    return field.replace(".", "-")


# --- The grid ------------------------------------------------------------------------------------

def _rows(cells: list[dict], steps: list) -> list[dict]:
    """A kind's cells (terms outer, cash-downs inner) as rows of a term × cash-down table."""
    rows = {}
    for cell in cells:
        row = rows.setdefault(cell["term"], {"term": cell["term"], "apr": cell["apr"],
                                             "rate_changed": cell["rate_changed"], "cells": {}})
        row["cells"][cell["cash_down"]] = cell
    return [{**row, "cells": [row["cells"].get(step) for step in steps]} for row in rows.values()]


def _payment_first(desk: services.Desk, target: dict) -> dict | None:
    """« Paiement d'abord »: the unit's highest selling price for the target payment
    (services.desk_payment_first), as the form's selling price."""
    if target["payment"] in (None, ""):
        return None
    price = services.desk_payment_first(desk, kind=target["kind"], term=target["term"],
                                        cash_down=target["cash_down"], target=target["payment"])
    return {"price": price, "kind": ProgramKind.LEASE if target["kind"] == ProgramKind.LEASE else ProgramKind.FINANCE,
            "term": int(target["term"]), "cash_down": services.money(target["cash_down"], field="target_cash_down"),
            "target": services.money(target["payment"], field="target_payment")}


def _computed(request, opening: dict, raw: dict, target: dict) -> dict:
    """The grid's context: the cash price, the finance and lease tables, the gross for whoever sees it,
    « payment first » — or the refusal and where to show it."""
    try:
        desk = services.desk_of(actor=request.user, opening=opening, raw=raw)
        result = services.desk_result(actor=request.user, desk=desk)
        found = _payment_first(desk, target)
    except NotFound:
        raise
    except ApplicationError as error:
        return {"error": error, "error_at": _error_slot(error, raw)}
    titles = dict(KINDS)
    tables = [(kind, titles[kind], _rows(result[kind], desk.cash_downs), program)
              for kind, program in ((ProgramKind.FINANCE, desk.finance_program),
                                    (ProgramKind.LEASE, desk.lease_program))]
    return {"desk": desk, "result": result, "found": found, "steps": desk.cash_downs, "tables": tables,
            "per": PER[desk.frequency], "gross": result.get("gross")}


def _page(request, opportunity, opening, raw, target, *, status=200, error=None):
    may_change_rates = services.may_change_rates(request.user)
    if not may_change_rates:
        raw = {k: v for k, v in raw.items() if k not in ("finance_apr", "lease_apr")}
    computed = _computed(request, opening, raw, target)
    if error is not None:  # a refusal of the save, shown like a refusal of the figures
        computed.update(error=error, error_at=_error_slot(error, raw))
    if computed.get("error") is not None and status == 200 and request.method == "POST":
        status = 422 if computed["error"].status < 500 else computed["error"].status
    return render(request, "desk/page.html", {
        "opportunity": opportunity, "opening": opening, "form": _form(raw, opening), "target": target,
        "may_change_rates": may_change_rates, "frequencies": FREQUENCIES, "kilometres": KILOMETRES, "kinds": KINDS,
        **computed,
    }, status=status)


def _choice(value: str) -> dict:
    """A cell's button ("finance:72:2000.00", "cash") as services.desk_sheet_save's choice."""
    kind, _sep, rest = (value or "").partition(":")
    if kind == "cash":
        return {"kind": "cash"}
    term, _sep, cash_down = rest.partition(":")
    return {"kind": kind, "term": term, "cash_down": cash_down}


# --- Views ---------------------------------------------------------------------------------------

@login_required
def desk_sheets(request, pk: int):
    """The sheets kept on a deal (the opportunity's « Calcul des paiements » tab)."""
    opportunity = opportunity_get(actor=request.user, pk=pk)
    sheets = selectors.desk_sheets(actor=request.user, opportunity_id=opportunity.pk)
    return render(request, "desk/_sheets.html", {"opportunity": opportunity, "sheets": sheets})


@login_required
def desk_sheet_pdf(request, pk: int, sheet_id: int):
    """A kept sheet's worksheet (« Feuille de calcul », desk.documents) in the page's language: no cost, no gross."""
    sheet = selectors.desk_sheet_get(actor=request.user, opportunity_id=pk, sheet_id=sheet_id)
    response = HttpResponse(worksheet_pdf(sheet, language=translation.get_language() or "fr-ca"),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sheet_number(sheet)}.pdf"'
    return response


@login_required
@require_POST
def desk_sheet_send(request, pk: int, sheet_id: int):
    """Email a kept sheet's worksheet to the customer (or to « À »), from the worker."""
    opportunity_get(actor=request.user, pk=pk)  # 404 for a deal one may not see
    with refusal_as_message(request):
        sheet = services.desk_sheet_send(actor=request.user, opportunity_id=pk, sheet_id=sheet_id,
                                         to=request.POST.get("to") or None, message=request.POST.get("message", ""))
        messages.success(request, SHEET_SENT % {"number": sheet.number, "to": sheet.sent_to})
    return redirect(f"{reverse('opportunity-card', args=[pk])}?tab=desk")


@login_required
def desk_page(request, pk: int):
    """The desk of a deal: the form, the grid beside it. A POST recomputes (« Recalculer », the page
    without JavaScript), puts the « payment first » price in the form, or keeps a sheet (a chosen cell,
    or none) and goes to the deal's quotes."""
    opportunity = opportunity_get(actor=request.user, pk=pk)
    opening = selectors.desk_opening(actor=request.user, opportunity=opportunity)
    if request.method != "POST":
        terms = [t for t in opening["raw"].get("finance_terms") or [] if t]
        target = {"payment": "", "kind": ProgramKind.FINANCE, "term": str(terms[len(terms) // 2]) if terms else "",
                  "cash_down": ""}
        return _page(request, opportunity, opening, dict(opening["raw"]), target)
    raw = _raw_from_post(request.POST, rates=services.may_change_rates(request.user))
    target = _target_from_post(request.POST)
    if request.POST.get("use_price"):
        raw["selling_price"] = request.POST["use_price"]
    if "choice" not in request.POST and "keep" not in request.POST:
        return _page(request, opportunity, opening, raw, target)
    try:
        desk = services.desk_of(actor=request.user, opening=opening, raw=raw)
        choice = _choice(request.POST["choice"]) if "choice" in request.POST else None
        sheet = services.desk_sheet_save(actor=request.user, opportunity_id=opportunity.pk, desk=desk, choice=choice)
    except NotFound:
        raise
    except ApplicationError as refused:
        return _page(request, opportunity, opening, raw, target, status=refused.status, error=refused)
    card = reverse("opportunity-card", args=[opportunity.pk])
    if sheet.variant_id:
        messages.success(request, SHEET_QUOTED % {"number": sheet.number})
        return redirect(f"{card}?tab=quotes")
    messages.success(request, SHEET_KEPT % {"number": sheet.number})
    return redirect(f"{card}?tab=desk")


@login_required
@require_POST
def desk_grid(request, pk: int):
    """The grid of what the form holds (htmx, on every change): nothing saved. A refusal answers 200 with
    its message beside its field (htmx swaps only what succeeds)."""
    opportunity = opportunity_get(actor=request.user, pk=pk)
    opening = selectors.desk_opening(actor=request.user, opportunity=opportunity)
    raw = _raw_from_post(request.POST, rates=services.may_change_rates(request.user))
    computed = _computed(request, opening, raw, _target_from_post(request.POST))
    return render(request, "desk/_grid.html", {"opportunity": opportunity, "oob": True, **computed})
