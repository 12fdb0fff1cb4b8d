"""Writes on pipelines and opportunities: numbering, stage moves, status rules (DESIGN: opportunities)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location, User
from comptoir.accounts.selectors import assignable_user
from comptoir.accounts.services import salesperson_resolve
from comptoir.catalog.models import InventoryUnit, UnitStatus
from comptoir.catalog.selectors import product_match, unit_resolve
from comptoir.catalog.services import UNIT_UNAVAILABLE, unit_lock, unit_released, unit_sold
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.figures import moment_clean, money_clean
from comptoir.core.models import Competitor, LostReason, Media, Source
from comptoir.core.selectors import reference_resolve, site_settings_get
from comptoir.core.text import is_small_id, normalize
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.models import Customer
from comptoir.customers.selectors import customer_get, customer_visible
from comptoir.sales.models import (
    NumberCounter, Opportunity, OpportunityContact, Pipeline, Stage, StageChange, Status,
)
from comptoir.sales.selectors import opportunity_visible
from comptoir.timeline.models import TimelineEvent
from comptoir.timeline.services import timeline_record

PIPELINES_FORBIDDEN = _("Seul un administrateur gère les processus de vente.")
PIPELINE_NAME_TAKEN = _("Un processus de vente porte déjà ce nom.")
PREFIX_TAKEN = _("Un processus de vente utilise déjà ce préfixe.")
BAD_PREFIX = _("Préfixe invalide : 1 à 10 lettres majuscules ou chiffres (p. ex. VN).")
STAGES_REQUIRED = _("Un processus de vente a au moins une étape.")
DUPLICATE_STAGE = _("Deux étapes portent le même nom.")
CREATE_FORBIDDEN = _("Votre rôle ne permet pas de créer des opportunités.")
ASSIGN_FORBIDDEN = _("Vous ne pouvez attribuer une opportunité qu'à vous-même.")
NOT_ASSIGNABLE = _("Seul un utilisateur actif ayant un département peut être attribué à une opportunité.")
WRONG_STAGE = _("Cette étape n'appartient pas au processus de vente de l'opportunité.")
ASSIGNEES_FORBIDDEN = _("Seul un directeur, la réception ou un administrateur ajoute d'autres personnes à une opportunité.")
REASSIGN_FORBIDDEN = _("Seul un directeur, la réception ou un administrateur change le vendeur d'une opportunité.")
CLOSED_FIGURES_FORBIDDEN = _("Seul un directeur ou un administrateur change le montant, le coût ou l'exclusion d'une "
                             "opportunité gagnée ou perdue.")
EXCLUDE_FORBIDDEN = _("Seul un directeur ou un administrateur exclut une opportunité des statistiques.")
NOT_VISIBLE_TO_CREATOR = _("Choisissez le vendeur : sans département, vous ne pouvez pas être le vendeur de "
                           "cette opportunité.")
LOST_NEEDS_REASON = _("Une opportunité perdue a besoin d'une raison de perte.")
WON_NEEDS_QUOTE = _("Ce processus de vente exige une variante de cotation acceptée avant de gagner l'opportunité.")
CLOSED_NO_PRICE = _("L'opportunité est fermée : rouvrez-la avant de la coter.")
BAD_PROBABILITY = _("La probabilité est un pourcentage de 0 à 100.")
UNKNOWN_COMPETITOR = _("Concurrent inconnu : ajoutez-le à la liste des concurrents ou écrivez-le en précisions.")
CONTACT_NEEDS_NAME = _("Chaque contact a un nom.")
TOO_MANY_CONTACTS = _("Vingt contacts au plus par opportunité.")
WON_NO_UNIT_CHANGE = _("L'opportunité est gagnée : rouvrez-la avant de changer d'unité.")
WON_NEEDS_AMOUNTS = _("Sans cotation, saisissez le montant et le coût de la vente pour la gagner.")
SALE_DATE_FORBIDDEN = _("Seul un directeur des ventes ou un administrateur change la date de vente.")
CLOSED_NO_STAGE = _("Une opportunité gagnée ou perdue ne change plus d'étape : rouvrez-la d'abord.")
SALE_DATE_IN_FUTURE = _("La date de vente ne peut pas être dans le futur.")
SALE_DATE_ONLY_WON = _("Seule une opportunité gagnée a une date de vente.")
STATUS_ELSEWHERE = _("Le statut change par POST /opportunities/{id}/status seulement.")
INACTIVE_PIPELINE = _("Ce processus de vente est désactivé.")
UNIT_SOLD = _("Cette unité est déjà vendue (%(number)s) : elle ne peut pas être vendue deux fois.")

OPPORTUNITY_FIELDS = ("stage", "amount", "cost", "currency", "salesperson", "assignees", "product",
                      "inventory_unit", "unit", "source", "media", "location", "excluded",
                      "expected_decision_date", "probability", "competitor_note")
CONTACT_FIELDS = {"name": 120, "role": 80, "phone": 40, "email": 254}
MAX_CONTACTS = 20


# --- Pipelines --------------------------------------------------------------------------------

def _clean_stage_names(names: list[str]) -> list[str]:
    cleaned = [(name or "").strip() for name in names or []]
    cleaned = [name for name in cleaned if name]
    if not cleaned:
        raise ApplicationError(STAGES_REQUIRED, field="stages")
    if len({name.lower() for name in cleaned}) != len(cleaned):
        raise ApplicationError(DUPLICATE_STAGE, field="stages")
    return cleaned


@transaction.atomic
def pipeline_create(*, actor, name: str, prefix: str, stages: list[str], requires_quote: bool = True) -> Pipeline:
    permissions.require(actor, "manage_lists", PIPELINES_FORBIDDEN)
    name, prefix = name.strip(), prefix.strip().upper()
    if not prefix.isalnum() or not prefix.isascii() or len(prefix) > 10:
        raise ApplicationError(BAD_PREFIX, field="prefix")
    if Pipeline.objects.filter(name__iexact=name).exists():
        raise Conflict(PIPELINE_NAME_TAKEN, field="name")
    if Pipeline.objects.filter(prefix=prefix).exists():
        raise Conflict(PREFIX_TAKEN, field="prefix")
    stage_names = _clean_stage_names(stages)
    pipeline = Pipeline(name=name, prefix=prefix, requires_quote=requires_quote)
    pipeline.full_clean()
    pipeline.save()
    Stage.objects.bulk_create(Stage(pipeline=pipeline, name=n, order=i) for i, n in enumerate(stage_names, start=1))
    timeline_record(actor=actor, subject=pipeline, verb="pipeline_created",
                    data={"prefix": prefix, "stages": stage_names, "requires_quote": requires_quote})
    return pipeline


@transaction.atomic
def pipeline_update(*, actor, pipeline_id, version: int | None = None, **values) -> Pipeline:
    """Rename, switch quotes on or off, (de)activate, add stages at the end.

    DESIGN: switching to "without quotes" keeps earlier deals' amount and cost; quotes are hidden,
    not deleted (nothing here touches them).
    """
    permissions.require(actor, "manage_lists", PIPELINES_FORBIDDEN)
    rows = lock_rows(Pipeline.objects.filter(pk=pipeline_id))
    if not rows:
        raise NotFound()
    pipeline = rows[0]
    check_version(pipeline, version)
    changed = []
    if "name" in values:
        name = values["name"].strip()
        if Pipeline.objects.exclude(pk=pipeline.pk).filter(name__iexact=name).exists():
            raise Conflict(PIPELINE_NAME_TAKEN, field="name")
        pipeline.name = name
        changed.append("name")
    for key in ("requires_quote", "active"):
        if key in values:
            setattr(pipeline, key, bool(values[key]))
            changed.append(key)
    if values.get("add_stages"):
        existing = list(pipeline.stages.values_list("name", flat=True))
        added = _clean_stage_names(values["add_stages"])
        if {n.lower() for n in added} & {n.lower() for n in existing}:
            raise ApplicationError(DUPLICATE_STAGE, field="add_stages")
        start = len(existing)
        Stage.objects.bulk_create(Stage(pipeline=pipeline, name=n, order=start + i) for i, n in enumerate(added, 1))
    pipeline.full_clean()
    save_versioned(pipeline, changed)
    timeline_record(actor=actor, subject=pipeline, verb="pipeline_updated", data=values)
    return pipeline


def _next_number(pipeline: Pipeline) -> str:
    """prefix-year-sequence, never reused: the counter row is locked until the transaction ends,
    so concurrent creations queue on it instead of reading the same last number."""
    year = timezone.localdate().year
    NumberCounter.objects.get_or_create(pipeline=pipeline, year=year)
    counter = NumberCounter.objects.select_for_update().get(pipeline=pipeline, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{pipeline.prefix}-{year}-{counter.last:05d}"


# --- Opportunities ----------------------------------------------------------------------------

def unit_for_sale(unit_id, *, opportunity: Opportunity) -> InventoryUnit:
    """The unit a deal may take, row-locked (catalog.services.unit_lock): not sold to another deal
    nor by the DMS, not gone from the DMS (409)."""
    unit = unit_lock(unit_id, field="unit")
    if unit.status == UnitStatus.SOLD:
        holders = Opportunity.objects.filter(unit_id=unit.pk)
        seller = holders.filter(status=Status.WON).exclude(pk=opportunity.pk).only("number").first()
        if seller is not None or not holders.filter(pk=opportunity.pk).exists():
            raise Conflict(UNIT_SOLD % {"number": seller.number if seller else "DMS"}, field="unit")
    if unit.status == UnitStatus.UNAVAILABLE:
        raise Conflict(UNIT_UNAVAILABLE, field="unit")
    return unit


def _unit_release(actor, opportunity: Opportunity) -> None:
    """The won deal is reopened, lost or suspended: its unit goes back in stock unless another won
    deal holds it."""
    unit = unit_lock(opportunity.unit_id, field="unit")
    if not Opportunity.objects.filter(unit_id=unit.pk, status=Status.WON).exclude(pk=opportunity.pk).exists():
        unit_released(actor=actor, unit=unit, opportunity=opportunity)


def _assignable(user_id, field: str) -> User:
    return assignable_user(user_id, field=field, message=NOT_ASSIGNABLE)


def _apply(actor, opportunity: Opportunity, values: dict) -> list[str]:
    changed = []
    for key in OPPORTUNITY_FIELDS:
        if key not in values or key == "assignees":
            continue
        value = values[key]
        if key == "stage":
            if opportunity.pk and opportunity.status in (Status.WON, Status.LOST) and str(value) != str(
                    opportunity.stage_id):
                raise ApplicationError(CLOSED_NO_STAGE, field="stage")
            stage = Stage.objects.filter(pk=int(value), pipeline_id=opportunity.pipeline_id).first() \
                if is_small_id(value) else None
            if stage is None:
                raise ApplicationError(WRONG_STAGE, field="stage")
            value = stage
        elif key in ("amount", "cost"):
            value = money_clean(value, field=key)
        elif key == "salesperson":
            value = salesperson_resolve(actor=actor, value=value, field="salesperson",
                                        forbidden_message=ASSIGN_FORBIDDEN, invalid_message=NOT_ASSIGNABLE)
        elif key == "source":
            value = reference_resolve(Source, value, field="source")
        elif key == "media":
            value = reference_resolve(Media, value, field="media")
        elif key == "location":
            value = reference_resolve(Location, value, field="location")
        elif key == "unit":
            if value in (None, ""):
                value = None
                if opportunity.unit_id is not None:
                    opportunity.inventory_unit = ""  # the serial shown was the unit's
                    changed.append("inventory_unit")
            else:
                if opportunity.pk and opportunity.status == Status.WON and str(value) != str(opportunity.unit_id):
                    raise ApplicationError(WON_NO_UNIT_CHANGE, field="unit")
                value = unit_for_sale(unit_resolve(value, field="unit").pk, opportunity=opportunity)
                opportunity.inventory_unit = value.serial
                changed.append("inventory_unit")
        elif key == "probability":
            if value not in (None, "") and (not is_small_id(str(value).strip()) or int(value) > 100):
                raise ApplicationError(BAD_PROBABILITY, field="probability")
            value = int(value) if value not in (None, "") else None
        elif key == "expected_decision_date":
            value = value or None
        elif key in ("product", "inventory_unit", "currency", "competitor_note"):
            value = (value or "").strip()
        elif key == "excluded":
            value = bool(value)
        setattr(opportunity, key, value)
        changed.append(key)
    return changed


def _set_assignees(actor, opportunity: Opportunity, ids) -> None:
    """Who else works the deal: an assigner picks anyone assignable; a salesperson may only add or
    remove themselves, since an assignee may see, win and lose the deal."""
    ids = list(dict.fromkeys(ids or []))
    if not permissions.has_capability(actor, "assign"):
        current = set(opportunity.assignees.values_list("pk", flat=True)) if opportunity.pk else set()
        if (set(ids) ^ current) - {actor.pk}:
            raise Forbidden(ASSIGNEES_FORBIDDEN)
    users = [_assignable(pk, f"assignees.{i}") for i, pk in enumerate(ids)]
    opportunity.assignees.set(users)


def _set_case_lists(opportunity: Opportunity, competitors, contacts) -> None:
    """The case card's lists, each replaced whole when given: competitors from the admin's list (by
    id, code or name), contacts on the customer's side with their role."""
    if competitors is not None:
        found = []
        for index, value in enumerate(competitors):
            competitor = reference_resolve(Competitor, value, field=f"competitors.{index}")
            if competitor is None:
                raise ApplicationError(UNKNOWN_COMPETITOR, field=f"competitors.{index}")
            found.append(competitor)
        opportunity.competitors.set(found)
    if contacts is not None:
        if len(contacts) > MAX_CONTACTS:
            raise ApplicationError(TOO_MANY_CONTACTS, field="contacts")
        rows = []
        for index, contact in enumerate(contacts):
            values = {key: str(contact.get(key) or "").strip()[:limit] for key, limit in CONTACT_FIELDS.items()}
            if not values["name"]:
                raise ApplicationError(CONTACT_NEEDS_NAME, field=f"contacts.{index}.name")
            if values["email"]:
                try:
                    validate_email(values["email"])
                except ValidationError:
                    raise ApplicationError(validate_email.message, field=f"contacts.{index}.email") from None
            rows.append(OpportunityContact(opportunity=opportunity, position=index, **values))
        opportunity.contacts.all().delete()
        OpportunityContact.objects.bulk_create(rows)


def _record(actor, opportunity: Opportunity, verb: str, data: dict) -> None:
    """On the opportunity's timeline and its customer's, so the card shows the whole story."""
    timeline_record(actor=actor, subject=opportunity, verb=verb, data=data)
    timeline_record(actor=actor, subject=opportunity.customer, verb=verb,
                    data={"opportunity": opportunity.pk, "number": opportunity.number, **data})


@transaction.atomic
def opportunity_create(*, actor, customer, pipeline, assignees=None, competitors=None, contacts=None,
                       **values) -> Opportunity:
    if not permissions.can_enter_records(actor):
        raise Forbidden(CREATE_FORBIDDEN)
    customer = customer_get(actor=actor, pk=customer)  # 404 for a customer the actor may not see
    pipeline = Pipeline.objects.filter(pk=int(pipeline)).first() if is_small_id(pipeline) \
        else Pipeline.objects.filter(name=str(pipeline)).first()
    if pipeline is None:
        raise ApplicationError(NotFound.default_message, field="pipeline")
    if not pipeline.active:
        raise ApplicationError(INACTIVE_PIPELINE, field="pipeline")
    opportunity = Opportunity(customer=customer, pipeline=pipeline, created_by=actor,
                              currency=site_settings_get().currency)
    if values.get("stage") is None:
        values["stage"] = pipeline.stages.order_by("order").values_list("pk", flat=True).first()
    if values.get("excluded") and not permissions.can_change_sale_date(actor):
        raise Forbidden(EXCLUDE_FORBIDDEN)
    _apply(actor, opportunity, values)
    if "salesperson" not in values and permissions.has_capability(actor, "work_own") \
            and actor.department_id is not None:
        opportunity.salesperson = actor  # DESIGN: defaults to the creator when a salesperson
    if opportunity.media is None:
        opportunity.media = Media.objects.filter(code="in_store").first()
    if not permissions.can_see_team(actor) and not permissions.can_see_all_customers(actor) \
            and opportunity.salesperson_id != actor.pk:
        # The creator must be able to open what they create.
        raise ApplicationError(NOT_VISIBLE_TO_CREATOR, field="salesperson")
    opportunity.number = _next_number(pipeline)
    opportunity.full_clean(exclude=["assignees"])
    opportunity.save()
    _set_assignees(actor, opportunity, assignees)
    _set_case_lists(opportunity, competitors, contacts)
    StageChange.objects.create(opportunity=opportunity, from_stage=None, to_stage=opportunity.stage,
                               changed_by=actor)
    _record(actor, opportunity, "opportunity_created",
            {"pipeline": pipeline.name, "stage": opportunity.stage.name, "salesperson": opportunity.salesperson_id})
    return opportunity


def opportunity_lock(actor, pk) -> Opportunity:
    """The opportunity, row-locked until the transaction ends; 404 when the actor may not see it."""
    if not is_small_id(pk):
        raise NotFound()
    rows = lock_rows(Opportunity.objects.filter(pk=pk))
    if not rows or not opportunity_visible(actor).filter(pk=pk).exists():
        raise NotFound()
    return rows[0]


@transaction.atomic
def opportunity_update(*, actor, opportunity_id, version: int | None = None, assignees=None, competitors=None,
                       contacts=None, **values) -> Opportunity:
    if "status" in values:
        raise ApplicationError(STATUS_ELSEWHERE, field="status")
    opportunity = opportunity_lock(actor, opportunity_id)
    check_version(opportunity, version)
    sale_date = values.pop("sale_date", None)
    _check_update_rights(actor, opportunity, values)
    old_stage = opportunity.stage
    changed = _apply(actor, opportunity, values)
    opportunity.full_clean(exclude=["assignees"])
    save_versioned(opportunity, changed)
    if assignees is not None:
        _set_assignees(actor, opportunity, assignees)
    _set_case_lists(opportunity, competitors, contacts)
    if opportunity.stage_id != old_stage.pk:
        StageChange.objects.create(opportunity=opportunity, from_stage=old_stage, to_stage=opportunity.stage,
                                   changed_by=actor)
        _record(actor, opportunity, "opportunity_stage_changed",
                {"from": old_stage.name, "to": opportunity.stage.name})
    other = [f for f in changed if f != "stage"] + [name for name, given in (
        ("assignees", assignees), ("competitors", competitors), ("contacts", contacts)) if given is not None]
    if other:
        timeline_record(actor=actor, subject=opportunity, verb="opportunity_updated",
                        data={f: str(getattr(opportunity, f, "")) for f in other
                              if f not in ("assignees", "competitors", "contacts")})
    if sale_date is not None:
        _set_sale_date(actor, opportunity, sale_date)  # same transaction: a refusal undoes the rest
    return opportunity


def _check_update_rights(actor, opportunity: Opportunity, values: dict) -> None:
    if "salesperson" in values and values["salesperson"] != opportunity.salesperson_id \
            and not permissions.has_capability(actor, "assign"):
        raise Forbidden(REASSIGN_FORBIDDEN)
    if "excluded" in values and bool(values["excluded"]) != opportunity.excluded \
            and not permissions.can_change_sale_date(actor):
        raise Forbidden(EXCLUDE_FORBIDDEN)
    closed_figures = {k for k in ("amount", "cost") if k in values}
    if opportunity.status in (Status.WON, Status.LOST) and closed_figures \
            and not permissions.can_change_sale_date(actor):
        # The figures of a closed deal are the statistics: a manager's change, like the sale date.
        raise Forbidden(CLOSED_FIGURES_FORBIDDEN)


def opportunity_status_check(actor, opportunity: Opportunity, status: str) -> None:
    """Whether `actor` may move `opportunity` to `status` now, raising why not: the role matrix
    (core.permissions), then DESIGN: `won` needs an accepted quote variant unless the pipeline runs
    without quotes. The one reading of these rules: opportunity_change_status and the import run it,
    the card shows the buttons opportunity_status_actions lets through."""
    permissions.require_status_change(actor, opportunity, status)
    if status == Status.WON and opportunity.pipeline.requires_quote and opportunity.quote_accepted_at is None:
        raise ApplicationError(WON_NEEDS_QUOTE, field="status", code="quote_required")


def opportunity_status_actions(actor, opportunity: Opportunity) -> list[str]:
    """The statuses `actor` may move `opportunity` to now, as opportunity_status_check decides."""
    allowed = []
    for status in Status.values:
        try:
            opportunity_status_check(actor, opportunity, status)
        except ApplicationError:
            continue
        allowed.append(status)
    return allowed


def opportunity_price_from_quote(*, actor, opportunity: Opportunity, amount, cost, currency: str,
                                 accepted: bool = True) -> Opportunity:
    """DESIGN: accepting a variant sets the opportunity's amount and cost. Quotes call this with the
    opportunity they locked through opportunity_lock (same transaction); `accepted` records that the
    price comes from an accepted variant, which the win reads (opportunity_status_check)."""
    if opportunity.status in (Status.WON, Status.LOST):
        raise ApplicationError(CLOSED_NO_PRICE, field="opportunity")
    opportunity.amount, opportunity.cost = money_clean(amount, field="amount"), money_clean(cost, field="cost")
    opportunity.currency = currency
    opportunity.quote_accepted_at = timezone.now() if accepted else None
    save_versioned(opportunity, ["amount", "cost", "currency", "quote_accepted_at"])
    return opportunity


@transaction.atomic
def opportunity_change_status(*, actor, opportunity_id, status: str, lost_reason=None, amount=None, cost=None,
                              version: int | None = None) -> Opportunity:
    """The only way a status changes (API.md: POST /opportunities/{id}/status)."""
    opportunity = opportunity_lock(actor, opportunity_id)
    check_version(opportunity, version)
    opportunity_status_check(actor, opportunity, status)
    old = opportunity.status
    now = timezone.now()
    data = {"from": old, "to": status}
    if status == Status.LOST:
        reason = reference_resolve(LostReason, lost_reason, field="lost_reason")
        if reason is None:
            raise ApplicationError(LOST_NEEDS_REASON, field="lost_reason")
        opportunity.lost_reason, opportunity.closed_at = reason, now
        data["lost_reason"] = reason.name
    elif status == Status.WON:
        if not opportunity.pipeline.requires_quote:
            if amount is not None:
                opportunity.amount = money_clean(amount, field="amount")
            if cost is not None:
                opportunity.cost = money_clean(cost, field="cost")
            if opportunity.amount is None or opportunity.cost is None:
                raise ApplicationError(WON_NEEDS_AMOUNTS, field="amount" if opportunity.amount is None else "cost")
        if opportunity.unit_id is not None:
            unit_sold(actor=actor, unit=unit_for_sale(opportunity.unit_id, opportunity=opportunity),
                      opportunity=opportunity)
        opportunity.closed_at, opportunity.sale_date = now, timezone.localdate()
        data.update(amount=opportunity.amount, cost=opportunity.cost, sale_date=opportunity.sale_date)
    elif status == Status.OPEN:
        # Reopening or resuming: the deal is open again, its close and sale dates go.
        opportunity.closed_at, opportunity.sale_date, opportunity.lost_reason = None, None, None
    if old == Status.WON and status != Status.WON and opportunity.unit_id is not None:
        _unit_release(actor, opportunity)
    opportunity.status = status
    opportunity.full_clean(exclude=["assignees"])
    save_versioned(opportunity, ["status", "closed_at", "sale_date", "lost_reason", "amount", "cost"])
    _record(actor, opportunity, "opportunity_status_changed", data)
    return opportunity


@transaction.atomic
def opportunity_change_sale_date(*, actor, opportunity_id, sale_date, version: int | None = None) -> Opportunity:
    """DESIGN: after the win only a sales manager or admin changes the sale date, and it is in the timeline."""
    if not permissions.can_change_sale_date(actor):
        raise Forbidden(SALE_DATE_FORBIDDEN)
    opportunity = opportunity_lock(actor, opportunity_id)
    check_version(opportunity, version)
    _set_sale_date(actor, opportunity, sale_date)
    return opportunity


def _set_sale_date(actor, opportunity: Opportunity, sale_date) -> None:
    if not permissions.can_change_sale_date(actor):
        raise Forbidden(SALE_DATE_FORBIDDEN)
    if opportunity.status != Status.WON:
        raise ApplicationError(SALE_DATE_ONLY_WON, field="sale_date")
    if sale_date > timezone.localdate():
        raise ApplicationError(SALE_DATE_IN_FUTURE, field="sale_date")
    old = opportunity.sale_date
    opportunity.sale_date = sale_date
    save_versioned(opportunity, ["sale_date"])
    _record(actor, opportunity, "opportunity_sale_date_changed", {"from": old, "to": sale_date})


# --- Import -----------------------------------------------------------------------------------

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
    opportunity.status = status
    reached = lookups.remember(("reached", opportunity.stage_id), lambda: list(
        pipeline.stages.filter(order__lte=opportunity.stage.order).order_by("order")))
    return opportunity, reached


def _take_numbers(pipeline: Pipeline, year: int, count: int) -> list[str]:
    NumberCounter.objects.get_or_create(pipeline=pipeline, year=year)
    counter = NumberCounter.objects.select_for_update().get(pipeline=pipeline, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{pipeline.prefix}-{year}-{n:05d}" for n in range(first, first + count)]


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
        for opportunity, number in zip(series, _take_numbers(series[0].pipeline, year, len(series))):
            opportunity.number = number
    created = Opportunity.objects.bulk_create([o for _i, o, _r in drafts])
    StageChange.objects.bulk_create(
        StageChange(opportunity_id=o.pk, from_stage=previous, to_stage=stage, changed_by=actor,
                    changed_at=o.created_at)
        for _i, o, reached in drafts for previous, stage in zip([None, *reached[:-1]], reached))
    opportunity_type = ContentType.objects.get_for_model(Opportunity)
    customer_type = ContentType.objects.get_for_model(Customer)
    events = []
    for o in created:
        data = {"import": job_id, "number": o.number, "status": o.status, "external_id": o.external_id}
        events.append(TimelineEvent(subject_type=opportunity_type, subject_id=o.pk, actor=actor,
                                    verb="opportunity_imported", data=data))
        events.append(TimelineEvent(subject_type=customer_type, subject_id=o.customer_id, actor=actor,
                                    verb="opportunity_imported", data={"opportunity": o.pk, **data}))
    TimelineEvent.objects.bulk_create(events)
    for index, opportunity, _reached in drafts:
        outcomes[index] = ("created", opportunity.pk)
    return outcomes
