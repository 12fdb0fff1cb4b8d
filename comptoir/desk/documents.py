"""The desk's worksheet (« Feuille de calcul », issue 26): what a sheet showed the customer — the unit,
its price build-up, and the chosen option or up to three side by side, each with the credit disclosure
— under the dealer's identity, as a PDF through WeasyPrint. It shares the quotes' header, parties,
styles and financing block (quotes.documents), and never prints a cost or a gross."""

from decimal import Decimal
from pathlib import Path

from django.template import Context
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.exceptions import ApplicationError
from comptoir.core.formatting import money_text
from comptoir.core.selectors import site_settings_get
from comptoir.desk.models import DeskSheet, ItemKind
from comptoir.quotes.services import tax_rules
from comptoir.quotes.documents import SANDBOX, financing_context, html_pdf, paper_context, web_assets

WORKSHEET = Path(__file__).resolve().parent / "templates" / "desk" / "worksheet.html"
MAX_OPTIONS = 3
NOTHING_TO_LEND = gettext_lazy("Ce comptant couvre le prix : il n'y a rien à financer ou à louer à ce terme.")


def sheet_number(sheet: DeskSheet) -> str:
    """« VN-000123-F2 »: the deal's number and the sheet's."""
    return f"{sheet.opportunity.number}-F{sheet.number}"


def option_financing(inputs: dict, cash_price, cell: dict, kind: str) -> dict:
    """A grid cell as the financing a quote variant keeps and a worksheet prints
    (quotes.documents.financing_context): the sheet's inputs as kept (Desk.stored), its cash price, the
    cell. One builder for the variant the desk makes and for the worksheet."""
    return {"kind": kind, "frequency": inputs.get("frequency"), "kilometres": inputs.get("kilometres"),
            "program": inputs.get(f"{kind}_program") if kind != "cash" else None, "cash_price": cash_price,
            "trade_in": dict(inputs.get("trade_in") or {}),
            "rebates_after_tax": [{"name": i["name"], "amount": i["price"]} for i in inputs.get("items", [])
                                  if i["kind"] == ItemKind.REBATE and i.get("after_tax")],
            **{k: v for k, v in cell.items() if k != "kind"}}


def _sheet_option(sheet: DeskSheet, cell: dict, kind: str) -> dict:
    return option_financing(sheet.inputs, sheet.grid.get("cash_price"), cell, kind)


def worksheet_options(sheet: DeskSheet, picks: list[tuple[str, int, str]] | None = None) -> list[dict]:
    """The options a worksheet prints: those picked (kind, term, cash-down), else the sheet's choice, else
    up to three of its cells — the middle cash-down of each finance term (of each lease term without
    finance). A cell with nothing to lend (not `possible`) is never printed: a pick naming one is
    refused, and the default takes the next cash-down that lends."""
    grid = sheet.grid
    if picks:
        chosen = []
        for index, (kind, term, down) in enumerate(picks[:MAX_OPTIONS]):
            if kind == "cash":
                chosen.append(_sheet_option(sheet, {}, "cash"))
                continue
            cell = next((c for c in grid.get(kind, []) if c["term"] == term and Decimal(c["cash_down"]) == Decimal(
                down)), None)
            if cell is not None and not cell.get("possible", True):
                raise ApplicationError(NOTHING_TO_LEND, field=f"options.{index}")
            if cell is not None:
                chosen.append(_sheet_option(sheet, cell, kind))
        if chosen:
            return chosen
    if sheet.choice:
        return [_sheet_option(sheet, sheet.choice, sheet.choice["kind"])]
    for kind in ("finance", "lease"):
        cells = [c for c in grid.get(kind, []) if c.get("possible", True)]
        downs = sorted({Decimal(c["cash_down"]) for c in cells})
        if downs:
            middle = downs[(len(downs) - 1) // 2]
            return [_sheet_option(sheet, c, kind) for c in cells if Decimal(c["cash_down"]) == middle][:MAX_OPTIONS]
    return [_sheet_option(sheet, {}, "cash")]


def _price_rows(sheet: DeskSheet, currency: str) -> list[dict]:
    """The cash price built up line by line, as DESIGN « Desk » computes it."""
    inputs, grid = sheet.inputs, sheet.grid
    rows = []

    def row(label, value, sign=""):
        if value not in (None, "") and Decimal(str(value)):
            rows.append({"label": label, "value": f"{sign}{money_text(Decimal(str(value)), currency)}"})

    row(_("Prix de vente"), inputs.get("selling_price"))
    for accessory in inputs.get("accessories", []):
        row(accessory["description"], accessory["price"], "+ ")
    items = inputs.get("items", [])
    for item in items:
        if item["kind"] == ItemKind.REBATE and not item.get("after_tax"):
            row(item["name"], item["price"], "− ")
    for item in items:
        if item["kind"] != ItemKind.REBATE and item.get("taxable"):
            row(item["name"], item["price"], "+ ")
    trade_in = inputs.get("trade_in") or {}
    credit = site_settings_get().trade_in_tax_credit  # the allowance lowers the taxable amount, else the total
    if credit:
        row(_("Valeur d'échange"), trade_in.get("allowance"), "− ")
    rows.append({"label": _("Montant taxable"), "value": money_text(Decimal(grid["taxable"]), currency),
                 "strong": True})
    english = translation.get_language() == "en"
    names = [(rule["name_en"] if english else rule["name"]) for rule in tax_rules() if "standard" in rule["applies_to"]]
    for index, amount in enumerate(grid.get("taxes", [])):
        row(names[index] if index < len(names) else _("Taxe"), amount, "+ ")
    for item in items:
        if item["kind"] != ItemKind.REBATE and not item.get("taxable"):
            row(f"{item['name']} ({_('non taxable')})", item["price"], "+ ")
    if not credit:
        row(_("Valeur d'échange"), trade_in.get("allowance"), "− ")
    row(_("Solde du prêt de l'échange"), trade_in.get("lien_payoff"), "+ ")
    rows.append({"label": _("Prix au comptant"), "value": money_text(Decimal(grid["cash_price"]), currency),
                 "strong": True})
    return rows


def worksheet_context(sheet: DeskSheet, picks=None) -> dict:
    opportunity = sheet.opportunity
    currency = opportunity.currency or "CAD"
    trade_in = sheet.inputs.get("trade_in") or {}
    options = [financing_context(option, currency) for option in worksheet_options(sheet, picks)]
    # Side by side: one row per figure, one column per option (a figure an option lacks is blank); the
    # cash price, the same for all, is the price table's last line.
    labels = []
    for option in options:
        labels += [row["label"] for row in option["rows"] if row["label"] not in labels]
    cash_price = {row["label"] for option in options for row in option["rows"] if row["key"] == "cash_price"}
    labels = [label for label in labels if label not in cash_price]
    table = {"heads": [option["head"] for option in options],
             "rows": [{"label": label, "values": [next((r["value"] for r in option["rows"] if r["label"] == label), "")
                                                  for option in options]} for label in labels],
             "notes": list(dict.fromkeys(option["note"] for option in options if option["note"]))}
    paper = paper_context(opportunity)
    return {
        **paper,
        "sheet": {"number": sheet_number(sheet), "date": formats.date_format(sheet.created_at.date()),
                  "description": sheet.inputs.get("description", "")},
        "trade_in": {"description": trade_in.get("description", ""), "vin": trade_in.get("vin", "")}
        if trade_in.get("description") or trade_in.get("vin") else None,
        "prices": _price_rows(sheet, currency),
        "options": table,
        "chosen": bool(sheet.choice),
        "labels": {
            **paper["labels"],
            "worksheet": _("Feuille de calcul"), "trade_in": _("Échange"), "price": _("Prix"),
            "options": _("Option choisie") if sheet.choice else _("Options de paiement"),
            "disclosure": _("Les taux, paiements et valeurs résiduelles sont ceux des programmes des prêteurs en "
                            "date de la feuille ; le contrat du prêteur fait foi. Le coût total du crédit comprend "
                            "les intérêts sur toute la durée du terme."),
            "customer_signature": _("Signature du client"),
        },
    }


def worksheet_html(sheet: DeskSheet, *, language: str = "fr-ca", picks=None, for_pdf: bool = False) -> str:
    with translation.override(language):
        context = worksheet_context(sheet, picks)
        context["asset_base"] = "" if for_pdf else web_assets()
        return SANDBOX.from_string(WORKSHEET.read_text(encoding="utf-8")).render(Context(context))


def worksheet_pdf(sheet: DeskSheet, *, language: str = "fr-ca", picks=None) -> bytes:
    return html_pdf(worksheet_html(sheet, language=language, picks=picks, for_pdf=True))
