"""A quote variant as a document: HTML for the preview, PDF through WeasyPrint. The template (an
admin's, or the one shipped in quotes/templates/quotes/document.html) sees plain data built here,
never a model, in an engine without loaders or extra tag libraries: it can lay the quote out, not
reach anything else. Fonts come from quotes/static/quotes and the dealer's logo from the storage,
inlined; nothing is fetched from a network."""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.templatetags.static import static
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.models import UnitCondition
from comptoir.core.dealer import dealer_identity
from comptoir.core.exceptions import ApplicationError
from comptoir.core.formatting import money_text
from comptoir.core.sandbox import sandbox_engine
from comptoir.quotes.models import Quote, QuoteTemplate, QuoteVariant

ASSETS = Path(__file__).resolve().parent / "static" / "quotes"
SHIPPED = Path(__file__).resolve().parent / "templates" / "quotes" / "document.html"
BAD_TEMPLATE = gettext_lazy("Le gabarit de cotation « %(name)s » est invalide : %(error)s")
# What the shipped quote and contract share, and an admin's template may include too: the dealer's
# header cells ({% include "dealer.html" %}), the customer and salesperson ({% include "parties.html" %}),
# their styles ({% include "document.css" %} inside <style>), the customer's online signature
# ({% include "signature.html" %}; added before </body> when a template does not print it) and the
# financing terms of a variant made at the desk ({% include "financing.html" %}, issue 26).
PARTIALS = {name: (SHIPPED.parent / f"_{name}").read_text(encoding="utf-8")
            for name in ("dealer.html", "parties.html", "document.css", "signature.html", "financing.html")}
SANDBOX = sandbox_engine(autoescape=True, partials=PARTIALS)
SIGNATURE_MARK = 'class="online-signature"'


def _quantity(value: Decimal) -> str:
    return formats.number_format(value.normalize() if value == value.to_integral() else value, use_l10n=True)


def _french_spacing() -> bool:
    """French typesetting sets « % » and « : » off with a no-break space; English and Polish do not."""
    return (translation.get_language() or "").startswith("fr")


def rate_text(rate) -> str:
    """A tax rate as people write it: « 5 % » and « 9,975 % » in French, « 5% » and « 9.975% » in
    English; no trailing zeros (the settings keep 5.000)."""
    rate = Decimal(str(rate))
    rate = rate.quantize(Decimal(1)) if rate == rate.to_integral() else rate.normalize()
    number = formats.number_format(rate, use_l10n=True)
    return f"{number}\u00a0%" if _french_spacing() else f"{number}%"


def tax_lines(taxes: list[dict], currency: str) -> list[dict]:
    """The taxes of a variant or a contract: « TPS 5 % », « GST 5% » and the amount."""
    english = translation.get_language() == "en"
    return [{"name": (t.get("name_en") if english else t.get("name")) or t.get("code"),
             "rate": rate_text(t["rate"]), "amount": money_text(Decimal(t["amount"]), currency)} for t in taxes]


def kilometres(value: int | None) -> str:
    return f"{formats.number_format(value, use_l10n=True, force_grouping=True)}\u00a0km" if value is not None else ""


def unit_context(opportunity) -> dict | None:
    """The vehicle of the deal: the unit on the lot it names, else the serial typed on it."""
    unit = opportunity.unit
    if unit is None:
        serial = (opportunity.inventory_unit or "").strip()
        return {"title": opportunity.product, "condition": "", "colour": "", "vin": serial, "stock_number": "",
                "odometer": ""} if serial else None
    used = unit.condition == UnitCondition.USED
    return {
        "title": " ".join(str(p) for p in (unit.year, unit.make, unit.model, unit.trim) if p),
        "condition": unit.get_condition_display(), "colour": unit.colour, "vin": unit.serial,
        "stock_number": unit.stock_number,
        # A new unit's few delivery kilometres are not part of the deal; a used one's are.
        "odometer": kilometres(unit.odometer_km) if used else "",
    }


def signature_context(variant: QuoteVariant) -> dict | None:
    """The customer's online acceptance as the accepted document prints it, in the active language:
    « Accepté en ligne par … le … à … — adresse IP … — empreinte … ». None until they accepted online."""
    if not variant.signed_name or variant.accepted_at is None:
        return None
    moment = timezone.localtime(variant.accepted_at, ZoneInfo(settings.TIME_ZONE))
    return {
        "name": variant.signed_name, "ip": variant.signed_ip or "", "sha256": variant.signed_pdf_sha256,
        "title": _("Acceptation en ligne"),
        "text": _("Accepté en ligne par %(name)s le %(date)s à %(time)s — adresse IP %(ip)s — empreinte "
                  "%(fingerprint)s…") % {
            "name": variant.signed_name, "date": formats.date_format(moment.date()),
            "time": formats.time_format(moment.time()), "ip": variant.signed_ip or "—",
            "fingerprint": variant.signed_pdf_sha256[:16]},
        "fingerprint_note": _("Empreinte SHA-256 du document accepté : %(sha256)s") % {
            "sha256": variant.signed_pdf_sha256},
    }


FREQUENCY_LABELS = {"monthly": gettext_lazy("par mois"), "biweekly": gettext_lazy("aux deux semaines"),
                    "weekly": gettext_lazy("par semaine")}
FINANCING_KINDS = {"cash": gettext_lazy("Comptant"), "finance": gettext_lazy("Financement"),
                   "lease": gettext_lazy("Location")}


def _money(value, currency: str) -> str:
    return money_text(Decimal(str(value)), currency) if value not in (None, "") else ""


def financing_context(financing: dict, currency: str) -> dict | None:
    """A desk option's terms as a document prints them, with the credit disclosure the law asks for
    (rate, term, number of payments, payment, amount financed, total cost of credit; a lease's residual,
    yearly kilometres and excess-kilometre charge). None for a variant priced without the desk."""
    if not financing or not financing.get("kind"):
        return None
    kind = financing["kind"]
    program = financing.get("program") or {}
    rows = []

    def row(label, value, key=""):
        if value not in (None, ""):
            rows.append({"label": label, "value": value, "key": key})

    row(_("Prix au comptant"), _money(financing.get("cash_price"), currency), "cash_price")
    for rebate in financing.get("rebates_after_tax") or []:
        row(rebate["name"], "− " + _money(rebate["amount"], currency))
    if kind != "cash":
        row(_("Prêteur"), " — ".join(p for p in (program.get("lender"), program.get("name")) if p))
        row(_("Comptant versé"), _money(financing.get("cash_down"), currency))
        row(_("Taux annuel"), rate_text(financing["apr"]) if financing.get("apr") not in (None, "") else "")
        row(_("Terme"), _("%(months)s mois") % {"months": financing.get("term")})
        row(_("Nombre de paiements"), str(financing.get("payments") or ""))
        payment = _money(financing.get("payment"), currency)
        row(_("Paiement"), f"{payment} {FREQUENCY_LABELS.get(financing.get('frequency'), '')}".strip())
        row(_("Total des paiements"), _money(financing.get("total_of_payments"), currency))
    if kind == "finance":
        row(_("Montant financé"), _money(financing.get("amount_financed"), currency))
        row(_("Coût total du crédit"), _money(financing.get("cost_of_credit"), currency))
    if kind == "lease":
        row(_("Coût capitalisé"), _money(financing.get("cap_cost"), currency))
        row(_("Valeur résiduelle"), _money(financing.get("residual"), currency))
        if financing.get("kilometres"):
            row(_("Kilométrage annuel"), kilometres(int(financing["kilometres"])))
        if program.get("excess_km_charge") and Decimal(program["excess_km_charge"]):
            row(_("Frais par km excédentaire"), _money(program["excess_km_charge"], currency) + "/km")
    title = FINANCING_KINDS.get(kind, kind)
    head = _("%(kind)s · %(months)s mois") % {"kind": title, "months": financing["term"]} \
        if kind != "cash" and financing.get("term") else title
    return {"kind": kind, "title": title, "head": head, "rows": rows,
            "pairs": [rows[i:i + 2] for i in range(0, len(rows), 2)],  # two figures a line on the papers
            "note": _("Estimation sujette à l'approbation du crédit par le prêteur. Taxes incluses dans le "
                      "paiement.") if kind == "lease" else
            _("Estimation sujette à l'approbation du crédit par le prêteur.") if kind == "finance" else ""}


def paper_context(opportunity) -> dict:
    """What every paper of a deal prints around its own figures (quote, contract, worksheet): the
    language and its colon, the dealer, the deal's number, its unit, the customer and the salesperson,
    and the labels of those parts."""
    customer, salesperson = opportunity.customer, opportunity.salesperson
    address = [line for line in (customer.address_line1, customer.address_line2,
                                 " ".join(p for p in (customer.city, customer.province, customer.postal_code) if p))
               if line]
    return {
        "language": translation.get_language(),
        "colon": "\u00a0:" if _french_spacing() else ":",
        "dealer": dealer_identity(),
        "opportunity": {"number": opportunity.number},
        "unit": unit_context(opportunity),
        "customer": {"name": customer.display_name, "company": customer.company, "address": address,
                     "email": customer.email if customer.email_status == "valid" else "",
                     "phones": [p.number for p in customer.phones.all()]},
        "salesperson": {"name": salesperson.display_name if salesperson else "",
                        "email": salesperson.email if salesperson else ""},
        "labels": {
            "date": _("Date"), "customer": _("Client"), "salesperson": _("Vendeur"), "opportunity": _("Opportunité"),
            "vehicle": _("Véhicule"), "vin": _("NIV"), "stock_number": _("No de stock"), "colour": _("Couleur"),
            "odometer": _("Odomètre"), "phone": _("Tél."),
        },
    }


def document_context(quote: Quote, variant: QuoteVariant) -> dict:
    opportunity = quote.opportunity
    currency = variant.currency
    lines = []
    for line in variant.lines.all():
        discount = []
        if line.discount_pct:
            discount.append(rate_text(line.discount_pct))
        if line.discount_amount:
            discount.append(money_text(line.discount_amount, currency))
        lines.append({"description": line.description, "quantity": _quantity(line.quantity),
                      "unit_price": money_text(line.unit_price, currency), "discount": " + ".join(discount),
                      "total": money_text(line.line_total, currency), "exempt": line.tax_class == "exempt"})
    paper = paper_context(opportunity)
    return {
        **paper,
        "quote": {"number": quote.number, "title": quote.title, "date": formats.date_format(quote.created_at.date())},
        "variant": {
            "name": variant.name, "currency": currency, "payment_terms": variant.payment_terms,
            "delivery_terms": variant.delivery_terms,
            "valid_until": formats.date_format(variant.valid_until) if variant.valid_until else "",
            "lines": lines, "subtotal": money_text(variant.subtotal, currency),
            "discount_total": money_text(variant.discount_total, currency),
            "taxes": tax_lines(variant.taxes, currency),
            "total": money_text(variant.total, currency),
        },
        "signature": signature_context(variant),
        "financing": financing_context(variant.financing, currency),
        "labels": {
            **paper["labels"],
            "quote": _("Cotation"), "valid_until": _("Valide jusqu'au"),
            "description": _("Description"), "quantity": _("Qté"), "unit_price": _("Prix unitaire"),
            "discount": _("Remise"), "amount": _("Montant"), "exempt": _("exonéré"), "subtotal": _("Sous-total"),
            "total": _("Total"), "payment_terms": _("Conditions de paiement"),
            "delivery_terms": _("Conditions de livraison"),
        },
    }


def quote_template_for(template_id=None) -> tuple[str, str]:
    """(name, body): the template asked for, else the admin's default, else the shipped one."""
    templates = QuoteTemplate.objects.filter(active=True)
    chosen = templates.filter(pk=template_id).first() if template_id else None
    chosen = chosen or templates.filter(is_default=True).first()
    if chosen is not None:
        return chosen.name, chosen.body
    return "Comptoir", SHIPPED.read_text(encoding="utf-8")


def web_assets() -> str:
    """Where a browser finds the document's fonts and logo (a PDF reads them from the disk)."""
    return static("quotes/")


def variant_html(quote: Quote, variant: QuoteVariant, *, language: str = "fr-ca", template_id=None,
                 for_pdf: bool = False) -> str:
    name, body = quote_template_for(template_id)
    with translation.override(language):
        try:
            template = SANDBOX.from_string(body)
        except TemplateSyntaxError as error:
            raise ApplicationError(BAD_TEMPLATE % {"name": name, "error": error}, field="template") from None
        context = document_context(quote, variant)
        context["asset_base"] = "" if for_pdf else web_assets()
        try:
            html = template.render(Context(context))
        except TemplateDoesNotExist as error:  # an include of anything but the partials
            raise ApplicationError(BAD_TEMPLATE % {"name": name, "error": error}, field="template") from None
        if context["signature"] and SIGNATURE_MARK not in html:
            # An admin's template that does not print the signature still carries it: the accepted document
            # is the proof of the acceptance, whatever its layout.
            block = SANDBOX.get_template("signature.html").render(Context(context))
            head, body_end, tail = html.rpartition("</body>")
            html = head + block + body_end + tail if body_end else html + block
        return html


def _local_fetcher():
    """WeasyPrint's fetcher for this document: files of quotes/static/quotes and the data: URI of the
    dealer's logo, nothing else."""
    # Imported when a PDF is made: weasyprint loads ~22 MB and ~0.6 s that every process start would pay.
    from weasyprint.urls import URLFetcher

    class LocalAssets(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            path = Path(parsed.path).resolve()
            if parsed.scheme != "file" or ASSETS not in path.parents:
                raise ValueError(f"not a local asset: {url}")
            return super().fetch(url, headers)

    return LocalAssets(allowed_protocols=("file", "data"))


def html_pdf(html: str) -> bytes:
    """A paper's HTML as a PDF (quote, contract, worksheet): its fonts from quotes/static/quotes, nothing
    fetched from a network."""
    # Imported when a PDF is made: weasyprint loads ~22 MB and ~0.6 s that every process start would pay.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ASSETS) + "/", url_fetcher=_local_fetcher()).write_pdf()


def variant_pdf(quote: Quote, variant: QuoteVariant, *, language: str = "fr-ca", template_id=None) -> bytes:
    return html_pdf(variant_html(quote, variant, language=language, template_id=template_id, for_pdf=True))


CONTRACT = Path(__file__).resolve().parent / "templates" / "quotes" / "contract.html"


def contract_context(contract) -> dict:
    variant = contract.variant
    context = document_context(variant.quote, variant)
    currency = variant.currency
    context["contract"] = {
        "number": contract.number, "date": formats.date_format(contract.created_at.date()),
        "subtotal": money_text(contract.subtotal, currency), "allowance": money_text(contract.allowance, currency)
        if contract.allowance else "",
        # Printed beside the taxes, the amount they are computed on: an exempt fee (the SAAQ's) is in the
        # subtotal and the API's taxable_amount (API.md: subtotal − allowance), never in a tax's base.
        "taxable_amount": money_text(max((Decimal(t["base"]) for t in contract.taxes), default=contract.taxable_amount),
                                     currency),
        "taxes": tax_lines(contract.taxes, currency),
        "total": money_text(contract.total, currency),
        "lien_payoff": money_text(contract.lien_payoff, currency) if contract.lien_payoff else "",
        "deposit": money_text(contract.deposit, currency) if contract.deposit else "",
        "net_to_pay": money_text(contract.net_to_pay, currency),
        "trade_in": contract.trade_in_description, "trade_in_vin": contract.trade_in_vin,
        "trade_in_odometer": kilometres(contract.trade_in_odometer_km),
    }
    context["labels"].update({
        "contract": _("Contrat de vente"), "trade_in": _("Échange"), "taxable_amount": _("Montant taxable"),
        "allowance": _("Valeur d'échange"), "lien_payoff": _("Solde du prêt"), "deposit": _("Dépôt"),
        "net_to_pay": _("Net à payer"), "customer_signature": _("Signature du client"),
        "dealer_signature": _("Signature du concessionnaire"), "quote_number": _("Cotation"),
    })
    return context


def contract_pdf(contract, *, language: str = "fr-ca") -> bytes:
    with translation.override(language):
        context = {**contract_context(contract), "asset_base": ""}
        html = SANDBOX.from_string(CONTRACT.read_text(encoding="utf-8")).render(Context(context))
    return html_pdf(html)
