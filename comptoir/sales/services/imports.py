"""Deals from another system, with their outcome and dates, saved in bulk (imports, the Maven dataset)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location
from comptoir.accounts.services import salesperson_resolve
from comptoir.catalog.selectors import product_match
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Forbidden, NotFound
from comptoir.core.figures import moment_clean, money_clean
from comptoir.core.models import LostReason, Media, Source
from comptoir.core.selectors import site_settings_get
from comptoir.core.text import is_small_id, normalize
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_visible
from comptoir.sales.models import Opportunity, Pipeline, Stage, StageChange, Status
from comptoir.sales.services.numbers import numbers_take
from comptoir.sales.services.pipelines import STAGE_ARCHIVED
from comptoir.sales.services.opportunities import (
    ASSIGN_FORBIDDEN, CREATE_FORBIDDEN, INACTIVE_PIPELINE, LOST_NEEDS_REASON, NOT_ASSIGNABLE, WON_NEEDS_AMOUNTS,
    opportunity_status_check, opportunity_update,
)
from comptoir.timeline.services import timeline_record_many

CUSTOMER_REQUIRED = _("Il faut le client de l'opportunité (son no, son no DMS ou son nom exact).")
UNKNOWN_CUSTOMER = _("Client introuvable : « %(value)s ».")
PIPELINE_REQUIRED = _("Il faut le processus de vente de l'opportunité.")
UNKNOWN_STAGE = _("Étape inconnue dans ce processus : « %(value)s ».")
BAD_STATUS = _("Statut inconnu : open, won, lost ou suspended.")
CLOSED_IN_FUTURE = _("Une opportunité ne se ferme pas dans le futur.")
CLOSED_BEFORE_CREATED = _("L'opportunité se ferme avant d'avoir été créée.")
STATUS_WORDS = {
    "open": Status.OPEN, "ouverte": Status.OPEN, "ouvert": Status.OPEN, "en cours": Status.OPEN,
    "won": Status.WON, "gagnee": Status.WON, "gagne": Status.WON, "vendu": Status.WON, "vendue": Status.WON,
    "lost": Status.LOST, "perdue": Status.LOST, "perdu": Status.LOST,
    "suspended": Status.SUSPENDED, "suspendue": Status.SUSPENDED, "suspendu": Status.SUSPENDED,
}


def _import_customers_prefetch(lookups, values) -> None:
    """The customers a batch names, found in two queries rather than per row: by DMS id, then by
    internal id; only those the actor may see (customers.selectors.customer_visible)."""
    texts = {str(v or "").strip() for v in values} - {""}
    texts -= {key[1] for key in lookups.memo if key[0] == "customer"}
    if not texts:
        return
    visible = customer_visible(lookups.actor)
    found = {}
    for customer in visible.filter(external_id__in=texts).order_by("-pk"):
        found[customer.external_id] = customer
    ids = {int(t) for t in texts - set(found) if is_small_id(t)}
    for customer in visible.filter(pk__in=ids):
        found.setdefault(str(customer.pk), customer)
    for text, customer in found.items():
        lookups.memo[("customer", text)] = (customer, None)


def _import_customer(lookups, value) -> Customer:
    text = str(value or "").strip()
    if not text:
        raise ApplicationError(CUSTOMER_REQUIRED, field="customer")

    def find():
        found = customer_visible(lookups.actor).filter(search_name=normalize(text)[:420]).order_by("pk").first()
        if found is None:
            raise ApplicationError(UNKNOWN_CUSTOMER % {"value": text}, field="customer")
        return found

    return lookups.remember(("customer", text), find)


def _import_stage(lookups, pipeline: Pipeline, value) -> Stage:
    text = str(value or "").strip()

    def find():
        stages = list(pipeline.stages.order_by("order"))
        if not text:
            return stages[0]
        for stage in stages:
            if str(stage.pk) == text or stage.name.lower() == text.lower():
                return stage
        raise ApplicationError(UNKNOWN_STAGE % {"value": text}, field="stage")

    return lookups.remember(("stage", pipeline.pk, text), find)


def _import_draft(actor, lookups, site, row: dict) -> tuple[Opportunity, list[Stage]]:
    """Every rule opportunity_create and opportunity_change_status apply, for a deal from another
    system with its own dates and outcome; nothing saved."""
    if not permissions.can_enter_records(actor):
        raise Forbidden(CREATE_FORBIDDEN)
    customer = _import_customer(lookups, row.get("customer"))
    if not row.get("pipeline"):
        raise ApplicationError(PIPELINE_REQUIRED, field="pipeline")
    pipeline = lookups.remember(("pipeline", str(row["pipeline"])), lambda: (
        Pipeline.objects.filter(pk=int(row["pipeline"])).first() if is_small_id(row["pipeline"])
        else Pipeline.objects.filter(name__iexact=str(row["pipeline"]).strip()).first()))
    if pipeline is None:
        raise ApplicationError(NotFound.default_message, field="pipeline")
    if not pipeline.active:
        raise ApplicationError(INACTIVE_PIPELINE, field="pipeline")
    status = STATUS_WORDS.get(normalize(row.get("status") or "open"))
    if status is None:
        raise ApplicationError(BAD_STATUS, field="status")
    opportunity = Opportunity(customer=customer, pipeline=pipeline, created_by=actor, currency=site.currency,
                              external_id=str(row.get("external_id") or "").strip()[:64])
    opportunity.stage = _import_stage(lookups, pipeline, row.get("stage"))
    opportunity.amount = money_clean(row.get("amount") or None, field="amount")
    opportunity.cost = money_clean(row.get("cost") or None, field="cost")
    if row.get("currency"):
        opportunity.currency = str(row["currency"]).strip().upper()[:3]
    if row.get("salesperson") not in (None, ""):
        opportunity.salesperson = lookups.remember(("opportunity-salesperson", row["salesperson"]), lambda: (
            salesperson_resolve(actor=actor, value=row["salesperson"], field="salesperson",
                                forbidden_message=ASSIGN_FORBIDDEN, invalid_message=NOT_ASSIGNABLE)))
    elif permissions.has_capability(actor, "work_own") and actor.department_id is not None:
        opportunity.salesperson = actor
    if row.get("product"):
        # Matched to the catalogue ignoring case and spaces ("GTXPro" is "GTX Pro"); kept as typed otherwise.
        product = lookups.remember(("product", row["product"]), lambda: product_match(row["product"]))
        opportunity.product = product.name if product else str(row["product"]).strip()[:200]
    for key, model in (("source", Source), ("media", Media), ("location", Location)):
        setattr(opportunity, key, lookups.reference(model, row.get(key) or None, field=key))
    if opportunity.media is None:
        opportunity.media = lookups.reference(Media, "import", field="media")
    opportunity.created_at = moment_clean(row.get("created_at"), field="created_at") or timezone.now()
    if status != Status.OPEN:
        # A deal from another system never had a quote accepted here: won needs a pipeline without quotes.
        as_opened = Opportunity(status=Status.OPEN, salesperson=opportunity.salesperson, pipeline=pipeline)
        as_opened.assignee_ids = []
        opportunity_status_check(actor, as_opened, status)
    if status == Status.LOST:
        opportunity.lost_reason = lookups.reference(LostReason, row.get("lost_reason") or None, field="lost_reason")
        if opportunity.lost_reason is None:
            raise ApplicationError(LOST_NEEDS_REASON, field="lost_reason")
    elif status == Status.WON:
        if opportunity.amount is None or opportunity.cost is None:
            raise ApplicationError(WON_NEEDS_AMOUNTS, field="amount" if opportunity.amount is None else "cost")
    if status in (Status.WON, Status.LOST):
        opportunity.closed_at = moment_clean(row.get("closed_at"), field="closed_at") or timezone.now()
        if opportunity.closed_at > timezone.now():
            raise ApplicationError(CLOSED_IN_FUTURE, field="closed_at")
        if opportunity.closed_at < opportunity.created_at:
            raise ApplicationError(CLOSED_BEFORE_CREATED, field="closed_at")
        if status == Status.WON:
            opportunity.sale_date = timezone.localtime(opportunity.closed_at).date()
    if opportunity.stage.archived and status in (Status.OPEN, Status.SUSPENDED):
        raise ApplicationError(STAGE_ARCHIVED, field="stage")  # a closed deal's history may sit there
    opportunity.status = status
    reached = lookups.remember(("reached", opportunity.stage_id), lambda: list(
        pipeline.stages.filter(order__lte=opportunity.stage.order).order_by("order")))
    return opportunity, reached



def opportunities_import(*, actor, rows: list[dict], lookups, on_duplicate: str = "skip",
                         job_id: int | None = None) -> list[tuple[str, object]]:
    """A batch of deals from another system, with their outcome and dates, saved in bulk. A row
    whose `external_id` is already known is skipped, or updated (its plain fields, not its
    status) when `on_duplicate` is "update". One outcome per row, as customers_import answers."""
    site = site_settings_get()
    outcomes: list = [None] * len(rows)
    keys = {str(r.get("external_id") or "").strip() for r in rows} - {""}
    known = dict(Opportunity.objects.filter(external_id__in=keys).values_list("external_id", "pk")) \
        if keys and on_duplicate != "create" else {}
    _import_customers_prefetch(lookups, [r.get("customer") for r in rows])
    drafts, seen = [], set()
    for index, row in enumerate(rows):
        key = str(row.get("external_id") or "").strip()
        if key and (key in known or key in seen) and on_duplicate != "create":
            if on_duplicate == "update" and key in known:
                values = {k: row[k] for k in ("stage", "amount", "cost", "product", "source", "media", "location")
                          if row.get(k) not in (None, "")}
                try:
                    with transaction.atomic():
                        opportunity_update(actor=actor, opportunity_id=known[key], **values)
                    outcomes[index] = ("updated", known[key])
                except ApplicationError as error:
                    outcomes[index] = ("error", error)
            else:
                outcomes[index] = ("skipped", known.get(key))
            continue
        try:
            drafts.append((index, *_import_draft(actor, lookups, site, row)))
        except ApplicationError as error:
            outcomes[index] = ("error", error)
            continue
        seen.add(key)
    by_series: dict[tuple, list] = {}
    for _index, opportunity, _reached in drafts:
        year = timezone.localtime(opportunity.created_at).year
        by_series.setdefault((opportunity.pipeline_id, year), []).append(opportunity)
    for (_pipeline_id, year), series in by_series.items():
        for opportunity, number in zip(series, numbers_take(series[0].pipeline, year, len(series))):
            opportunity.number = number
    created = Opportunity.objects.bulk_create([o for _i, o, _r in drafts])
    StageChange.objects.bulk_create(
        StageChange(opportunity_id=o.pk, from_stage=previous, to_stage=stage, changed_by=actor,
                    changed_at=o.created_at)
        for _i, o, reached in drafts for previous, stage in zip([None, *reached[:-1]], reached))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    data = {o.pk: {"import": job_id, "number": o.number, "status": o.status, "external_id": o.external_id}
            for o in created}
    timeline_record_many(model=Opportunity, rows=(
        (o.pk, actor_id, "opportunity_imported", data[o.pk], None) for o in created))
    timeline_record_many(model=Customer, rows=(
        (o.customer_id, actor_id, "opportunity_imported", {"opportunity": o.pk, **data[o.pk]}, None) for o in created))
    for index, opportunity, _reached in drafts:
        outcomes[index] = ("created", opportunity.pk)
    return outcomes
