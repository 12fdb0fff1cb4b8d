"""Writes on quotes and contracts: lines cleaned and priced (the arithmetic is quotes.pricing),
acceptance, the contract with its trade-in, sending (DESIGN: quotes and contracts; API.md: /quotes)."""

import hashlib
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.catalog.models import InventoryUnit, Product
from comptoir.catalog.selectors import FOR_SALE, PRODUCT_NAMES_SHOWN, product_match, product_named, unit_label, \
    unit_resolve, unit_sellable
from comptoir.core import permissions
from comptoir.core.emails import email_html, public_url, sender_address, with_dealer_footer
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.figures import MAX_MONEY, odometer_clean
from comptoir.core.formatting import money_text
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import is_small_id
from comptoir.core.versioning import lock_rows
from comptoir.customers.services import email_clean
from comptoir.quotes import selectors
from comptoir.quotes.documents import variant_pdf
from comptoir.quotes.hooks import accepted_online_notify
from comptoir.quotes.models import Contract, Quote, QuoteLine, QuoteVariant, VariantStatus
from comptoir.quotes.pricing import Totals, cents, line_total, tax_classes, taxes_on, variant_totals  # noqa: F401
from comptoir.sales.models import Opportunity, Status
from comptoir.sales.services import opportunity_lock, opportunity_price_from_quote, paper_number
from comptoir.timeline.services import timeline_record

QUOTES_FORBIDDEN = _("Votre rôle ne permet pas de préparer des cotations.")
PIPELINE_WITHOUT_QUOTES = _("Ce processus de vente fonctionne sans cotation : saisissez le montant et le coût "
                            "sur l'opportunité.")
CLOSED_OPPORTUNITY = _("L'opportunité est fermée : rouvrez-la avant de la coter.")
VARIANTS_REQUIRED = _("Une cotation a au moins une variante.")
LINES_REQUIRED = _("Une variante a au moins une ligne.")
TOO_MANY = _("Trop d'éléments : %(max)s au plus.")
DESCRIPTION_REQUIRED = _("Il faut une description ou un produit du catalogue.")
UNKNOWN_PRODUCT = _("Produit inconnu ou inactif : « %(value)s ».")
AMBIGUOUS_PRODUCT = _("Plusieurs produits répondent à « %(value)s » : %(candidates)s. Choisissez-en un dans la "
                      "liste ou tapez son code.")
UNIT_NOT_FOR_SALE = _("L'unité %(unit)s n'est plus à vendre (%(status)s).")
UNIT_WITHOUT_PRICE = _("L'unité %(unit)s n'a pas de prix affiché : tapez son prix.")
BAD_NUMBER = _("Nombre illisible : %(value)s.")
QUANTITY_POSITIVE = _("La quantité doit être plus grande que zéro.")
NEGATIVE = _("La valeur ne peut pas être négative.")
DISCOUNT_PCT_RANGE = _("La remise en pourcentage va de 0 à 100.")
DISCOUNT_TOO_LARGE = _("La remise dépasse le prix de la ligne.")
TOO_LARGE = _("Montant trop grand.")
UNKNOWN_TAX_CLASS = _("Classe de taxe inconnue : %(value)s (classes : %(known)s).")
ALREADY_DECIDED = _("Cette variante est déjà %(status)s.")
VARIANT_NOT_ACCEPTED = _("Le contrat se bâtit sur la variante acceptée de l'opportunité.")

MAX_VARIANTS, MAX_LINES = 10, 200
QUANTITY_STEP = Decimal("0.001")


# --- Numbers as typed, the settings' taxes ---------------------------------------------------

def _decimal(value, *, field: str, default: Decimal | None = None) -> Decimal:
    if value is None or value == "":
        if default is None:
            raise ApplicationError(BAD_NUMBER % {"value": "—"}, field=field)
        return default
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(BAD_NUMBER % {"value": value}, field=field) from None
    if not number.is_finite():
        raise ApplicationError(BAD_NUMBER % {"value": value}, field=field)
    if abs(number) > MAX_MONEY:
        raise ApplicationError(TOO_LARGE, field=field)
    return number


def tax_rules() -> list[dict]:
    """The settings' taxes: each applies to the line classes it names (`applies_to`, "standard"
    when it names none); a line of class "exempt" pays none."""
    rules = []
    for tax in site_settings_get().taxes:
        rules.append({"code": tax.get("code") or tax.get("name"), "name": tax.get("name") or tax.get("code"),
                      "name_en": tax.get("name_en") or tax.get("name"), "rate": Decimal(str(tax["rate"])),
                      "applies_to": list(tax.get("applies_to") or ["standard"])})
    return rules



# --- Cleaning ---------------------------------------------------------------------------------

def _product(value, field: str) -> Product | None:
    """A catalogue product named by its id, its code, or (typed by name where a code was expected, or
    without JavaScript) its name: the one whose name it is, else the only one whose name contains it;
    several answer 422 with their codes."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    queryset = Product.objects.filter(active=True)
    product = (queryset.filter(pk=int(text)).first() if is_small_id(text) else None) \
        or queryset.filter(code__iexact=text).first()
    if product is not None:
        return product
    named = product_named(text)
    if len(named) == 1:
        return named[0]
    if named:
        candidates = ", ".join(f"{p.code} ({p.name})" for p in named[:PRODUCT_NAMES_SHOWN])
        raise ApplicationError(AMBIGUOUS_PRODUCT % {"value": text, "candidates": candidates + (
            "…" if len(named) > PRODUCT_NAMES_SHOWN else "")}, field=field, code="ambiguous")
    raise ApplicationError(UNKNOWN_PRODUCT % {"value": text}, field=field)


def _unit(value, field: str) -> InventoryUnit | None:
    """A unit on the lot named by its id, serial or stock number; one sold or gone from the DMS is no
    longer offered (DESIGN: a unit is sold once)."""
    if value in (None, ""):
        return None
    unit = unit_resolve(value, field=field)
    if unit.status not in FOR_SALE:
        raise ApplicationError(UNIT_NOT_FOR_SALE % {"unit": unit.stock_number or unit.serial,
                                                    "status": unit.get_status_display()}, field=field)
    return unit


def clean_line(raw: dict, index: int, classes: set[str], prefix: str) -> dict:
    """A line as sent: a catalogue product, or a unit on the lot, fills the description, price, cost
    and tax class the line does not give. A unit's line reads « 2026 Sea-Doo GTI 130 — NIV …KP042788 —
    stock S-100 » at the unit's price and cost (its cost even for whoever may not see it: the deal's
    margin is made of it), under its catalogue product when it has one."""
    where = f"{prefix}.lines.{index}"
    unit = _unit(raw.get("unit"), f"{where}.unit")
    product = _product(raw.get("product"), f"{where}.product") or (unit.product if unit else None)
    description = (raw.get("description") or (unit_label(unit) if unit else product.name if product else "")).strip()
    if not description:
        raise ApplicationError(DESCRIPTION_REQUIRED, field=f"{where}.description")
    quantity = _decimal(raw.get("quantity"), field=f"{where}.quantity", default=Decimal(1)).quantize(
        QUANTITY_STEP, rounding=ROUND_HALF_UP)
    if quantity <= 0:
        raise ApplicationError(QUANTITY_POSITIVE, field=f"{where}.quantity")
    line = {"product": product, "description": description[:300], "quantity": quantity}
    if unit is not None:
        if unit.price is None and raw.get("unit_price") in (None, ""):
            raise ApplicationError(UNIT_WITHOUT_PRICE % {"unit": unit.stock_number or unit.serial},
                                   field=f"{where}.unit_price")
        source_price, source_cost = unit.price, unit.cost
    elif product is not None:
        source_price, source_cost = product.unit_price, product.unit_cost
    else:
        source_price, source_cost = None, None
    defaults = {"unit_price": source_price, "unit_cost": source_cost or Decimal(0),
                "discount_pct": Decimal(0), "discount_amount": Decimal(0)}
    for name in ("unit_price", "unit_cost", "discount_pct", "discount_amount"):
        value = _decimal(raw.get(name), field=f"{where}.{name}", default=defaults[name])
        if value < 0:
            raise ApplicationError(NEGATIVE, field=f"{where}.{name}")
        line[name] = cents(value)
    if line["discount_pct"] > 100:
        raise ApplicationError(DISCOUNT_PCT_RANGE, field=f"{where}.discount_pct")
    tax_class = (raw.get("tax_class") or (product.tax_class if product else "standard")).strip()
    if tax_class not in classes:
        raise ApplicationError(UNKNOWN_TAX_CLASS % {"value": tax_class, "known": ", ".join(sorted(classes))},
                               field=f"{where}.tax_class")
    line["tax_class"] = tax_class
    if line_total(line["quantity"], line["unit_price"], line["discount_pct"], line["discount_amount"]) < 0:
        raise ApplicationError(DISCOUNT_TOO_LARGE, field=f"{where}.discount_amount")
    return line


def _apply_totals(variant: QuoteVariant, totals: Totals) -> None:
    variant.subtotal, variant.discount_total = totals.subtotal, totals.discount_total
    variant.taxes = [{**t, "rate": str(t["rate"]), "base": str(t["base"]), "amount": str(t["amount"])}
                     for t in totals.taxes]
    variant.tax_total, variant.total, variant.cost = totals.tax_total, totals.total, totals.cost
    variant.margin, variant.margin_pct, variant.markup_pct = totals.margin, totals.margin_pct, totals.markup_pct


# --- Quotes -----------------------------------------------------------------------------------

def quote_first_lines(*, actor, opportunity: Opportunity) -> list[dict]:
    """What the first variant of a new quote starts with (issue 23): the deal's unit at its price and
    cost, else the catalogue product its « produit » names (catalog.selectors.product_match) at its
    price and cost, else nothing. A unit's cost stays out of the line for whoever may not see it
    (clean_line fills it from the unit named on the line)."""
    unit = opportunity.unit if opportunity.unit_id else None
    if unit is not None and unit.status in FOR_SALE:
        sold = unit_sellable(unit, actor=actor)
        return [{"unit": unit.pk, "description": sold["label"], "quantity": Decimal(1),
                 "unit_price": sold["unit_price"], "unit_cost": sold["unit_cost"], "tax_class": sold["tax_class"]}]
    product = product_match(opportunity.product)
    if product is not None and product.active:
        return [{"product": product.code, "description": product.name, "quantity": Decimal(1),
                 "unit_price": product.unit_price, "unit_cost": product.unit_cost, "tax_class": product.tax_class}]
    return []


@transaction.atomic
def quote_create(*, actor, opportunity_id, variants: list[dict], title: str = "") -> Quote:
    """API.md: POST /opportunities/{id}/quotes — a quote with one or more variants of priced lines."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(QUOTES_FORBIDDEN)
    opportunity = opportunity_lock(actor, opportunity_id)
    if not opportunity.pipeline.requires_quote:
        raise ApplicationError(PIPELINE_WITHOUT_QUOTES, field="opportunity")
    if opportunity.status in (Status.WON, Status.LOST):
        raise ApplicationError(CLOSED_OPPORTUNITY, field="opportunity")
    if not variants:
        raise ApplicationError(VARIANTS_REQUIRED, field="variants")
    if len(variants) > MAX_VARIANTS:
        raise ApplicationError(TOO_MANY % {"max": MAX_VARIANTS}, field="variants")
    rules = tax_rules()
    classes = tax_classes(rules)
    site = site_settings_get()
    cleaned = []
    for index, raw in enumerate(variants):
        prefix = f"variants.{index}"
        lines = raw.get("lines") or []
        if not lines:
            raise ApplicationError(LINES_REQUIRED, field=f"{prefix}.lines")
        if len(lines) > MAX_LINES:
            raise ApplicationError(TOO_MANY % {"max": MAX_LINES}, field=f"{prefix}.lines")
        cleaned.append((raw, [clean_line(line, i, classes, prefix) for i, line in enumerate(lines)]))
    quote = Quote.objects.create(opportunity=opportunity, title=(title or "").strip()[:200], created_by=actor,
                                 number=paper_number(opportunity, Quote, "C"))
    for position, (raw, lines) in enumerate(cleaned):
        totals = variant_totals(lines, rules)
        variant = QuoteVariant(quote=quote, position=position, name=(raw.get("name") or "").strip()[:100]
                               or str(_("Variante %(n)s") % {"n": position + 1}),
                               currency=(raw.get("currency") or site.currency).upper()[:3],
                               valid_until=raw.get("valid_until"),
                               payment_terms=(raw.get("payment_terms") or "").strip(),
                               delivery_terms=(raw.get("delivery_terms") or "").strip(),
                               financing=raw.get("financing") or {})
        _apply_totals(variant, totals)
        variant.full_clean(exclude=["quote"])
        variant.save()
        QuoteLine.objects.bulk_create(QuoteLine(variant=variant, position=i, line_total=amount, **line)
                                      for i, (line, amount) in enumerate(zip(lines, totals.lines)))
    timeline_record(actor=actor, subject=opportunity, verb="quote_created",
                    data={"quote": quote.pk, "number": quote.number,
                          "variants": [{"name": v.name, "total": v.total} for v in quote.variants.all()]})
    return quote


def _variant_of(actor, quote_id, variant_id) -> tuple[Quote, QuoteVariant, Opportunity]:
    """The quote, its variant (locked) and their opportunity (locked); 404 for what the actor may
    not see, and for the quotes of a pipeline running without them (DESIGN: hidden, not deleted)."""
    quote = Quote.objects.filter(pk=quote_id).first() if is_small_id(quote_id) else None
    if quote is None:
        raise NotFound()
    opportunity = opportunity_lock(actor, quote.opportunity_id)
    if not opportunity.pipeline.requires_quote:
        raise NotFound()
    variant = lock_rows(QuoteVariant.objects.filter(quote=quote, pk=variant_id)) if is_small_id(variant_id) else []
    if not variant:
        raise NotFound()
    return quote, variant[0], opportunity


@transaction.atomic
def quote_variant_accept(*, actor, quote_id, variant_id) -> QuoteVariant:
    """API.md: the variant is accepted, the quote's others rejected, and the opportunity takes its
    amount (subtotal) and cost through sales (opportunity_price_from_quote), which also wins it when the
    pipeline's accept_wins is on, under the status rules: a refused win refuses the whole acceptance
    (this transaction). The opportunity is locked first (_variant_of), then the variants."""
    quote, variant, opportunity = _variant_of(actor, quote_id, variant_id)
    if opportunity.status in (Status.WON, Status.LOST):
        raise ApplicationError(CLOSED_OPPORTUNITY, field="opportunity")
    variants = lock_rows(QuoteVariant.objects.filter(quote=quote))
    if variant.status == VariantStatus.ACCEPTED:
        raise Conflict(ALREADY_DECIDED % {"status": variant.get_status_display()})
    _accept(actor, quote, variant, opportunity, variants)
    return variant


def _accept(actor, quote: Quote, variant: QuoteVariant, opportunity: Opportunity, variants, *,
            signed_by: str = "", language: str = "") -> None:
    """The acceptance itself, in the CRM or by the customer online (`signed_by`, the signature fields
    already set on `variant`): one accepted variant per opportunity, the deal priced (and won when its
    pipeline says so) by sales, the timeline."""
    now = timezone.now()
    # One accepted variant per opportunity: an earlier acceptance on another quote is withdrawn.
    QuoteVariant.objects.filter(quote__opportunity=opportunity, status=VariantStatus.ACCEPTED).exclude(
        pk=variant.pk).update(status=VariantStatus.REJECTED)
    for other in variants:
        if other.pk != variant.pk and other.status != VariantStatus.REJECTED:
            other.status = VariantStatus.REJECTED
            other.save(update_fields=["status"])
    variant.status, variant.accepted_at = VariantStatus.ACCEPTED, now
    variant.save(update_fields=["status", "accepted_at", *(SIGNATURE_FIELDS if signed_by else ())])
    data = {"quote": quote.number, "variant": variant.name, "amount": variant.subtotal, "cost": variant.cost,
            "total": variant.total}
    if signed_by:
        data.update(signed_by=signed_by, ip=variant.signed_ip, pdf_sha256=variant.signed_pdf_sha256,
                    language=language)
    timeline_record(actor=None if signed_by else actor, subject=opportunity,
                    verb="quote_variant_signed" if signed_by else "quote_variant_accepted", data=data)
    opportunity_price_from_quote(actor=actor, opportunity=opportunity, amount=variant.subtotal, cost=variant.cost,
                                 currency=variant.currency, accepted=True, signed_by=signed_by)


# --- The customer accepts online (the tracked page /q/<key>/) ---------------------------------------

SIGNATURE_FIELDS = ("signed_name", "signed_ip", "signed_user_agent", "signed_pdf_sha256")
SIGNED_NAME_MAX = 200
USER_AGENT_MAX = 400
SIGNED_NAME_REQUIRED = _("Tapez votre nom complet : il vaut signature.")
SIGNED_NAME_TOO_LONG = _("Votre nom tient en %(max)s caractères au plus.")
CONSENT_REQUIRED = _("Cochez la case pour confirmer que vous acceptez la soumission.")
ONLINE_ACCEPTED_ALREADY = _("Cette option a déjà été acceptée : rien n'a été changé.")
ONLINE_DECIDED = _("Cette soumission a déjà reçu une réponse : cette option ne peut plus être acceptée.")
ONLINE_CLOSED = _("Cette soumission n'est plus ouverte : communiquez avec votre conseiller.")
ONLINE_EXPIRED = _("Cette soumission est expirée depuis le %(date)s : communiquez avec votre conseiller pour "
                   "la renouveler.")
ONLINE_REFUSED = _("Cette soumission ne peut pas être acceptée en ligne : communiquez avec votre conseiller.")


def _refusal(state: str, variant: QuoteVariant) -> ApplicationError:
    if state == selectors.EXPIRED:
        return ApplicationError(ONLINE_EXPIRED % {"date": formats.date_format(variant.valid_until)}, status=410,
                                code="expired")
    message = {selectors.ACCEPTED: ONLINE_ACCEPTED_ALREADY, selectors.REJECTED: ONLINE_DECIDED}.get(state,
                                                                                                  ONLINE_CLOSED)
    return Conflict(message, code="decided")


def _signature_clean(name, consent) -> str:
    name = " ".join(str(name or "").split())
    errors = []
    if not name:
        errors.append({"field": "signed_name", "message": str(SIGNED_NAME_REQUIRED)})
    elif len(name) > SIGNED_NAME_MAX:
        errors.append({"field": "signed_name", "message": str(SIGNED_NAME_TOO_LONG % {"max": SIGNED_NAME_MAX})})
    if not consent:
        errors.append({"field": "consent", "message": str(CONSENT_REQUIRED)})
    if errors:
        raise ApplicationError(errors[0]["message"], field=errors[0]["field"], errors=errors)
    return name


def quote_salesperson(quote: Quote):
    """Who a customer's answer goes to, and whose rights it is checked against: the deal's salesperson,
    else whoever made the quote; None when neither is an active user."""
    for user in (quote.opportunity.salesperson, quote.created_by):
        if user is not None and user.is_active:
            return user
    return None


@transaction.atomic
def quote_variant_sign(*, tracking_key: str, variant_id, signed_name: str, consent: bool, ip: str | None,
                       user_agent: str = "", language: str = "fr-ca") -> QuoteVariant:
    """Issue 23: the customer accepts one variant of the quote their link shows by typing their name as
    signature and ticking the consent line. Recorded: the name, the time (accepted_at), the address and
    browser, and the SHA-256 of the PDF of that variant rendered now, unsigned, in the page's language,
    from the same data and template as the PDF link of the page (WeasyPrint's output is byte-for-byte
    the same for the same input, so the fingerprint can be checked by rendering it again while the
    quote, the template and the dealer's identity are unchanged). The acceptance then runs as in the
    CRM, for the deal's salesperson (their rights decide the win); the salesperson is told at once:
    an email from the worker, and the apps above quotes through quotes.hooks (messaging's inbox).

    Refused, nothing changed: an expired variant (410), a decided one or a closed deal (409), a win the
    status rules refuse (403) or that cannot happen (409), a missing name or consent (422)."""
    quote, shown_variant, shown = selectors.quote_for_customer(tracking_key=tracking_key)
    chosen = next((v for v in shown if is_small_id(variant_id) and v.pk == int(variant_id)), None)
    if chosen is None:
        raise NotFound()
    salesperson = quote_salesperson(quote)
    if salesperson is None:
        raise Conflict(ONLINE_REFUSED, code="refused")
    opportunity = opportunity_lock(salesperson, quote.opportunity_id)
    variants = lock_rows(QuoteVariant.objects.filter(quote=quote))
    variant = next(v for v in variants if v.pk == chosen.pk)
    state = selectors.acceptance_state(variant, variants, opportunity)
    if state != selectors.OPEN:
        raise _refusal(state, variant)
    name = _signature_clean(signed_name, consent)
    pdf = variant_pdf(quote, variant, language=language)
    variant.signed_name, variant.signed_ip = name, ip or None
    variant.signed_user_agent = (user_agent or "")[:USER_AGENT_MAX]
    variant.signed_pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    try:
        _accept(salesperson, quote, variant, opportunity, variants, signed_by=name, language=language)
    except ApplicationError as refused:
        # The customer reads why in their words, not the CRM's; the transaction undoes everything.
        raise ApplicationError(ONLINE_REFUSED, status=403 if refused.status == 403 else 409,
                               code="refused") from refused
    accepted_online_notify(variant=variant, opportunity=opportunity, salesperson=salesperson)
    if salesperson.email:
        # Imported here, not at the top: quotes.tasks imports this module (its task runs quote_accepted_send).
        from comptoir.quotes.tasks import quote_accepted_task

        transaction.on_commit(lambda: quote_accepted_task.enqueue(variant.pk, salesperson.pk, language))
    return variant


def quote_accepted_send(*, variant_id: int, user_id: int, language: str = "fr-ca") -> bool:
    """The email telling the salesperson their customer accepted online (run by the worker), in the
    salesperson's language, with the signed PDF in the language the customer accepted it in (the one
    its fingerprint was taken of). Answers whether it left."""
    variant = QuoteVariant.objects.select_related(
        "quote__opportunity__customer", "quote__opportunity__pipeline").filter(pk=variant_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if variant is None or user is None or not user.email or not variant.signed_name:
        return False
    quote, opportunity = variant.quote, variant.quote.opportunity
    with translation.override(user.language):
        subject, lines = acceptance_text(variant, opportunity)
        link = public_url(reverse("opportunity-card", args=[opportunity.pk]))
        body = "\n\n".join([gettext("Bonjour %(name)s,") % {"name": user.first_name or user.username}, *lines,
                             gettext("Fiche de l'opportunité : %(link)s") % {"link": link}])
        email = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
        email.attach(f"{quote.number}-{variant.position + 1}.pdf", variant_pdf(quote, variant, language=language),
                     "application/pdf")
        email.send()
    return True


def acceptance_text(variant: QuoteVariant, opportunity: Opportunity) -> tuple[str, list[str]]:
    """What the salesperson reads of an online acceptance (their email, their inbox), in the active
    language: a subject and the lines saying who accepted what, when, and what became of the deal."""
    quote, customer = variant.quote, opportunity.customer
    moment = timezone.localtime(variant.accepted_at, ZoneInfo(settings.TIME_ZONE))
    subject = gettext("Cotation %(number)s acceptée en ligne : %(variant)s — %(customer)s") % {
        "number": quote.number, "variant": variant.name, "customer": customer.display_name}
    lines = [
        gettext("%(customer)s a accepté l'option « %(variant)s » de la cotation %(number)s (%(total)s) en ligne, "
                "le %(date)s à %(time)s.") % {
            "customer": customer.display_name, "variant": variant.name, "number": quote.number,
            "total": money_text(variant.total, variant.currency), "date": formats.date_format(moment.date()),
            "time": formats.time_format(moment.time())},
        gettext("Signature : « %(name)s », adresse IP %(ip)s, empreinte du PDF %(sha256)s.") % {
            "name": variant.signed_name, "ip": variant.signed_ip or "—", "sha256": variant.signed_pdf_sha256},
        gettext("L'opportunité %(number)s est gagnée (date de vente : %(date)s).") % {
            "number": opportunity.number, "date": formats.date_format(opportunity.sale_date)}
        if opportunity.status == Status.WON and opportunity.sale_date else
        gettext("L'opportunité %(number)s en prend le montant ; elle reste ouverte : gagnez-la depuis sa fiche.") % {
            "number": opportunity.number},
    ]
    return subject, lines


# --- Contracts --------------------------------------------------------------------------------

def _money_value(value, field: str) -> Decimal:
    amount = _decimal(value, field=field, default=Decimal(0))
    if amount < 0:
        raise ApplicationError(NEGATIVE, field=field)
    return cents(amount)


@transaction.atomic
def contract_create(*, actor, opportunity_id, variant, deposit=None, trade_in: dict | None = None) -> Contract:
    """API.md: POST /opportunities/{id}/contract. With the trade-in tax credit on (the default,
    as in Québec), the allowance reduces the taxable amount; net to pay = total − allowance +
    lien payoff − deposit."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(QUOTES_FORBIDDEN)
    opportunity = opportunity_lock(actor, opportunity_id)
    if not opportunity.pipeline.requires_quote:
        raise ApplicationError(PIPELINE_WITHOUT_QUOTES, field="opportunity")
    chosen = QuoteVariant.objects.filter(pk=variant, quote__opportunity=opportunity).first() \
        if is_small_id(variant) else None
    if chosen is None or chosen.status != VariantStatus.ACCEPTED:
        raise ApplicationError(VARIANT_NOT_ACCEPTED, field="variant")
    # Issue 26: a variant made at the desk brings its trade-in, and its cash down with the rebates after
    # taxes as the deposit, unless the contract is given others.
    financing = chosen.financing or {}
    if trade_in is None and financing.get("trade_in"):
        trade_in = {k: v for k, v in financing["trade_in"].items() if v not in (None, "", "0.00")}
    if deposit is None and financing.get("kind"):
        deposit = sum((Decimal(r["amount"]) for r in financing.get("rebates_after_tax") or []),
                      Decimal(financing.get("cash_down") or 0))
    trade_in = trade_in or {}
    allowance = _money_value(trade_in.get("allowance"), "trade_in.allowance")
    lien_payoff = _money_value(trade_in.get("lien_payoff"), "trade_in.lien_payoff")
    deposit = _money_value(deposit, "deposit")
    rules = tax_rules()
    bases: dict[str, Decimal] = {}
    for line in chosen.lines.all():
        bases[line.tax_class] = bases.get(line.tax_class, Decimal(0)) + line.line_total
    credit = allowance if site_settings_get().trade_in_tax_credit else Decimal(0)
    taxes = taxes_on(bases, rules, credit=credit)
    tax_total = sum((t["amount"] for t in taxes), Decimal(0))
    subtotal = chosen.subtotal
    total = subtotal + tax_total
    contract = Contract(
        opportunity=opportunity, variant=chosen, number=paper_number(opportunity, Contract, "K"),
        subtotal=subtotal, allowance=allowance, taxable_amount=max(subtotal - credit, Decimal(0)),
        taxes=[{**t, "rate": str(t["rate"]), "base": str(t["base"]), "amount": str(t["amount"])} for t in taxes],
        tax_total=tax_total, total=total, lien_payoff=lien_payoff, deposit=deposit,
        net_to_pay=total - allowance + lien_payoff - deposit,
        trade_in_description=(trade_in.get("description") or "").strip()[:300],
        trade_in_vin=(trade_in.get("vin") or "").strip().upper()[:50],
        trade_in_odometer_km=odometer_clean(trade_in.get("odometer_km"), field="trade_in.odometer_km"),
        trade_in_actual_cash_value=_money_value(trade_in["actual_cash_value"], "trade_in.actual_cash_value")
        if trade_in.get("actual_cash_value") not in (None, "") else None,
        created_by=actor)
    contract.full_clean(exclude=["opportunity", "variant"])
    contract.save()
    timeline_record(actor=actor, subject=opportunity, verb="contract_created",
                    data={"contract": contract.number, "total": contract.total, "net_to_pay": contract.net_to_pay,
                          "allowance": allowance})
    return contract


# --- Sending and tracking -----------------------------------------------------------------------

NO_RECIPIENT = _("Ce client n'a pas de courriel valide : indiquez à qui envoyer la cotation.")
DECIDED_NOT_SENT = _("Une variante refusée ne s'envoie plus.")


@transaction.atomic
def quote_variant_send(*, actor, quote_id, variant_id, to: str | None = None, message: str = "") -> QuoteVariant:
    """Send the variant by email with a tracked link to view it (and its PDF attached). The
    customer's valid email unless `to` says otherwise; the email leaves from the worker."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(QUOTES_FORBIDDEN)
    quote, variant, opportunity = _variant_of(actor, quote_id, variant_id)
    if variant.status == VariantStatus.REJECTED:
        raise ApplicationError(DECIDED_NOT_SENT, field="variant")
    if to:
        recipient, _status = email_clean(to, field="to")
    elif opportunity.customer.email_status == "valid":
        recipient = opportunity.customer.email
    else:
        raise ApplicationError(NO_RECIPIENT, field="to")
    variant.tracking_key = variant.tracking_key or secrets.token_urlsafe(32)
    variant.sent_at, variant.sent_to = timezone.now(), recipient
    if variant.status == VariantStatus.DRAFT:
        variant.status = VariantStatus.SENT
    variant.save(update_fields=["tracking_key", "sent_at", "sent_to", "status"])
    timeline_record(actor=actor, subject=opportunity, verb="quote_variant_sent",
                    data={"quote": quote.number, "variant": variant.name, "recipient": recipient})
    # Imported here, not at the top: quotes.tasks imports this module (its task runs quote_email_send).
    from comptoir.quotes.tasks import quote_email_task

    language = translation.get_language() or "fr-ca"
    transaction.on_commit(lambda: quote_email_task.enqueue(variant.pk, recipient, message, language))
    return variant


def quote_email_send(*, variant_id: int, to: str, message: str = "", language: str = "fr-ca") -> None:
    """The email itself (run by the worker): the message, the tracked link, the PDF."""
    variant = QuoteVariant.objects.select_related("quote__opportunity__customer",
                                                  "quote__opportunity__salesperson").get(pk=variant_id)
    quote = variant.quote
    with translation.override(language):
        link = public_url(reverse("quote-view", args=[variant.tracking_key])) + f"?language={language}"
        salesperson = quote.opportunity.salesperson
        body = "\n\n".join(part for part in (
            message.strip(),
            str(_("Voici votre cotation %(number)s (%(variant)s), d'un total de %(total)s : %(link)s")
                % {"number": quote.number, "variant": variant.name,
                   "total": money_text(variant.total, variant.currency), "link": link}),
            salesperson.display_name if salesperson else "") if part)
        # DESIGN (Running): the dealer's identity ends the email, in the customer's language.
        body = with_dealer_footer(body)
        email = EmailMultiAlternatives(
            subject=str(_("Cotation %(number)s — %(variant)s") % {"number": quote.number, "variant": variant.name}),
            body=body, to=[to], from_email=sender_address(salesperson.display_name if salesperson else ""),
            reply_to=[salesperson.email] if salesperson and salesperson.email else None)
        # The link is tracked by the page it opens: the HTML part needs no click redirect nor pixel.
        email.attach_alternative(email_html(body, click_url=lambda url: url, pixel_url=None), "text/html")
        email.attach(f"{quote.number}.pdf", variant_pdf(quote, variant, language=language), "application/pdf")
        email.send()


def quote_variant_viewed(*, tracking_key: str) -> QuoteVariant:
    """The customer opened the link: count the view; the first one lands in the timeline."""
    variant = QuoteVariant.objects.select_related("quote__opportunity").filter(tracking_key=tracking_key).first() \
        if tracking_key else None
    if variant is None:
        raise NotFound()
    now = timezone.now()
    first = QuoteVariant.objects.filter(pk=variant.pk, first_opened_at__isnull=True).update(first_opened_at=now)
    QuoteVariant.objects.filter(pk=variant.pk).update(view_count=F("view_count") + 1)
    if first:
        timeline_record(actor=None, subject=variant.quote.opportunity, verb="quote_variant_opened",
                        data={"quote": variant.quote.number, "variant": variant.name})
    variant.refresh_from_db()
    return variant
