"""Opportunities: created, updated, assigned, moved, won, lost, reopened (DESIGN: opportunities)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location, User
from comptoir.accounts.selectors import assignable_user
from comptoir.accounts.services import salesperson_resolve
from comptoir.catalog.models import InventoryUnit, UnitStatus
from comptoir.catalog.selectors import unit_resolve
from comptoir.catalog.services import UNIT_UNAVAILABLE, unit_lock, unit_released, unit_sold
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from comptoir.core.figures import money_clean
from comptoir.core.models import Competitor, LostReason, Media, Source
from comptoir.core.selectors import reference_resolve, site_settings_get
from comptoir.core.text import is_small_id
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.customers.selectors import customer_get
from comptoir.sales.models import Opportunity, OpportunityContact, Pipeline, Stage, StageChange, Status
from comptoir.sales.reassign import reassigned_followers_run
from comptoir.sales.selectors import opportunity_visible
from comptoir.sales.services.numbers import number_next
from comptoir.sales.services.pipelines import STAGE_ARCHIVED
from comptoir.sales.tasks import opportunity_reassigned_task
from comptoir.timeline.services import timeline_record

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
FIGURES_FROM_QUOTE = _("Le montant et le coût viennent de la variante de cotation acceptée : ils changent par une "
                       "cotation, pas à la main.")
CLOSED_REASSIGN_FORBIDDEN = _("Seul un directeur ou un administrateur change le vendeur d'une opportunité gagnée ou "
                              "perdue.")

OPPORTUNITY_FIELDS = ("stage", "amount", "cost", "currency", "salesperson", "assignees", "product",
                      "inventory_unit", "unit", "source", "media", "location", "excluded",
                      "expected_decision_date", "probability", "competitor_note")
CONTACT_FIELDS = {"name": 120, "role": 80, "phone": 40, "email": 254}
MAX_CONTACTS = 20
# What the history keeps old → new when a deal is edited (the stage and the salesperson have rows of
# their own): ids for the admin's lists, named when read in the reader's language (entries are never
# deleted), people by name, the rest as typed.
HISTORY_FIELDS = ("product", "unit", "amount", "cost", "source", "media", "location", "expected_decision_date",
                  "probability", "competitor_note", "excluded", "assignees", "competitors", "contacts")


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
            if stage.archived and stage.pk != opportunity.stage_id:  # issue 23: it takes no deal any more
                raise ApplicationError(STAGE_ARCHIVED, field="stage")
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
                if opportunity.unit_id is None:
                    continue
                if opportunity.pk and opportunity.status == Status.WON:
                    raise ApplicationError(WON_NO_UNIT_CHANGE, field="unit")
                value = None
                opportunity.inventory_unit = ""  # the serial shown was the unit's
                changed.append("inventory_unit")
            else:
                found = unit_resolve(value, field="unit")
                if opportunity.pk and found.pk == opportunity.unit_id:
                    continue  # the same unit, by id, serial or stock number: nothing changes (an edit form)
                if opportunity.pk and opportunity.status == Status.WON:
                    raise ApplicationError(WON_NO_UNIT_CHANGE, field="unit")
                value = unit_for_sale(found.pk, opportunity=opportunity)
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
    opportunity.number = number_next(pipeline)
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
    """Issue 23: a deal edited after its creation — product or unit, amount and cost (while no variant is
    accepted, or in a pipeline without quotes), source, expected decision, assignees, the case card — and
    given to another salesperson by an assigner (opportunity_locked_fields says who may change what). The
    history keeps each change old → new; a stale `version` is 409 and changes nothing."""
    if "status" in values:
        raise ApplicationError(STATUS_ELSEWHERE, field="status")
    opportunity = opportunity_lock(actor, opportunity_id)
    check_version(opportunity, version)
    sale_date = values.pop("sale_date", None)
    _check_update_rights(actor, opportunity, values)
    old_stage, old_salesperson = opportunity.stage, opportunity.salesperson
    lists = {name for name, given in (("assignees", assignees), ("competitors", competitors),
                                      ("contacts", contacts)) if given is not None}
    before = _history_values(opportunity, lists)
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
    changes = _history_changes(before, _history_values(opportunity, lists))
    if changes:
        timeline_record(actor=actor, subject=opportunity, verb="opportunity_updated", data={"changes": changes})
    if opportunity.salesperson_id != getattr(old_salesperson, "pk", None):
        _reassigned(actor, opportunity, old_salesperson, opportunity.salesperson)
    if sale_date is not None:
        _set_sale_date(actor, opportunity, sale_date)  # same transaction: a refusal undoes the rest
    return opportunity


def _history_values(opportunity: Opportunity, lists: set[str]) -> dict:
    """The deal as the history compares it before and after an edit (HISTORY_FIELDS); the lists only
    when the edit gives them (each costs a query)."""
    values = {"product": opportunity.product, "unit": opportunity.inventory_unit, "amount": opportunity.amount,
              "cost": opportunity.cost, "source": opportunity.source_id, "media": opportunity.media_id,
              "location": opportunity.location_id, "expected_decision_date": opportunity.expected_decision_date,
              "probability": opportunity.probability, "competitor_note": opportunity.competitor_note,
              "excluded": opportunity.excluded}
    if "assignees" in lists:
        values["assignees"] = sorted((user.display_name, user.pk) for user in opportunity.assignees.all())
    if "competitors" in lists:
        values["competitors"] = sorted(opportunity.competitors.values_list("pk", flat=True))
    if "contacts" in lists:
        values["contacts"] = [" · ".join(filter(None, (c.name, c.role and f"({c.role})", c.phone, c.email)))
                              for c in opportunity.contacts.all()]
    return values


def _history_changes(before: dict, after: dict) -> list[dict]:
    """[{"field", "from", "to"}] for each field an edit changed, in HISTORY_FIELDS' order."""
    def plain(field, value):
        return [name for name, _pk in value] if field == "assignees" else value
    return [{"field": field, "from": plain(field, before[field]), "to": plain(field, after[field])}
            for field in HISTORY_FIELDS if field in before and before[field] != after[field]]


def _reassigned(actor, opportunity: Opportunity, old: User | None, new: User | None) -> None:
    """Issue 23: the deal's open tasks of the one who had it follow it (the apps above register what
    follows, sales.reassign), the history says who gave it to whom, and the new salesperson is told by
    email once the change is committed (unless they made it themselves)."""
    moved = reassigned_followers_run(actor=actor, opportunity=opportunity, old=old, new=new)
    old_name = old.display_name if old is not None else ""
    _record(actor, opportunity, "opportunity_reassigned", {
        "from": old_name, "to": new.display_name if new is not None else "",
        "from_id": getattr(old, "pk", None), "to_id": getattr(new, "pk", None), **moved})
    if new is not None and new.pk != getattr(actor, "pk", None) and new.email:
        by_id, tasks = getattr(actor, "pk", None), moved.get("tasks", 0)
        transaction.on_commit(lambda: opportunity_reassigned_task.enqueue(opportunity.pk, new.pk, by_id, old_name,
                                                                          tasks))


def opportunity_figures_from_quote(opportunity: Opportunity) -> bool:
    """Issue 23: once a quote variant is accepted, the deal's amount and cost are the variant's; they
    change through the quotes (another variant accepted), not by hand — unless the pipeline runs without
    quotes (DESIGN: then amount and cost are typed in)."""
    return opportunity.pipeline.requires_quote and opportunity.quote_accepted_at is not None


def _edit_refusals(actor, opportunity: Opportunity) -> dict[str, ApplicationError]:
    """Which fields `actor` may not change on `opportunity` now, each with the refusal a change gets."""
    refusals: dict[str, ApplicationError] = {}
    closed = opportunity.status in (Status.WON, Status.LOST)
    manager = permissions.can_change_sale_date(actor)
    for field in ("amount", "cost"):
        if opportunity_figures_from_quote(opportunity):
            refusals[field] = ApplicationError(FIGURES_FROM_QUOTE, field=field, code="figures_from_quote")
        elif closed and not manager:
            # The figures of a closed deal are the statistics: a manager's change, like the sale date.
            refusals[field] = Forbidden(CLOSED_FIGURES_FORBIDDEN)
    if not permissions.has_capability(actor, "assign"):
        refusals["salesperson"] = Forbidden(REASSIGN_FORBIDDEN)
    elif closed and not manager:
        refusals["salesperson"] = Forbidden(CLOSED_REASSIGN_FORBIDDEN)  # whose sale it was: the statistics too
    if not manager:
        refusals["excluded"] = Forbidden(EXCLUDE_FORBIDDEN)
    if opportunity.status == Status.WON:
        refusals["unit"] = ApplicationError(WON_NO_UNIT_CHANGE, field="unit")
    if closed:
        refusals["stage"] = ApplicationError(CLOSED_NO_STAGE, field="stage")
    return refusals


def opportunity_locked_fields(actor, opportunity: Opportunity) -> dict[str, str]:
    """The fields `actor` may not change on `opportunity` now, with why: the edit page shows them read
    only with the reason; opportunity_update refuses a change to them."""
    return {field: refusal.message for field, refusal in _edit_refusals(actor, opportunity).items()}


def _changes(opportunity: Opportunity, field: str, value) -> bool:
    """Whether `value` (as a PATCH or a form gives it) changes `field`: a form sends every field, and
    a value given again is no change to refuse."""
    if field in ("amount", "cost"):
        return money_clean(value, field=field) != getattr(opportunity, field)
    if field == "salesperson":
        pk = getattr(value, "pk", value)
        return (int(pk) if is_small_id(pk) else pk) != opportunity.salesperson_id
    if field == "excluded":
        return bool(value) != opportunity.excluded
    if field == "unit":
        if value in (None, ""):
            return opportunity.unit_id is not None
        return unit_resolve(value, field="unit").pk != opportunity.unit_id
    if field == "stage":
        return str(value) != str(opportunity.stage_id)
    return True


def _check_update_rights(actor, opportunity: Opportunity, values: dict) -> None:
    refusals = _edit_refusals(actor, opportunity)
    for field in ("salesperson", "excluded", "amount", "cost", "unit", "stage"):
        if field in values and field in refusals and _changes(opportunity, field, values[field]):
            raise refusals[field]


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
                                 accepted: bool = True, signed_by: str = "") -> Opportunity:
    """DESIGN: accepting a variant sets the opportunity's amount and cost. Quotes call this with the
    opportunity they locked through opportunity_lock (same transaction); `accepted` records that the
    price comes from an accepted variant, which the win reads (opportunity_status_check).

    Issue 23: when the pipeline's « l'acceptation conclut la vente » is on (accept_wins), the acceptance
    also wins the deal, through the same status rules and the same writes as opportunity_change_status
    (a salesperson wins their own; a refusal raises and the caller's transaction undoes the acceptance
    too). `signed_by` is the customer's typed name when they accepted online: `actor` is then the user
    whose rights the win is checked against (the deal's salesperson), and the timeline names the customer."""
    if opportunity.status in (Status.WON, Status.LOST):
        raise ApplicationError(CLOSED_NO_PRICE, field="opportunity")
    opportunity.amount, opportunity.cost = money_clean(amount, field="amount"), money_clean(cost, field="cost")
    opportunity.currency = currency
    opportunity.quote_accepted_at = timezone.now() if accepted else None
    save_versioned(opportunity, ["amount", "cost", "currency", "quote_accepted_at"])
    if accepted and opportunity.pipeline.accept_wins:
        _status_change(actor, opportunity, Status.WON, recorded_actor=None if signed_by else actor,
                       note={"accepted_online_by": signed_by} if signed_by else {"quote_accepted": True})
    return opportunity


@transaction.atomic
def opportunity_change_status(*, actor, opportunity_id, status: str, lost_reason=None, amount=None, cost=None,
                              version: int | None = None) -> Opportunity:
    """The only way a status changes (API.md: POST /opportunities/{id}/status); accepting a quote
    variant wins through the same _status_change (opportunity_price_from_quote)."""
    opportunity = opportunity_lock(actor, opportunity_id)
    check_version(opportunity, version)
    return _status_change(actor, opportunity, status, lost_reason=lost_reason, amount=amount, cost=cost,
                          recorded_actor=actor)


def _status_change(actor, opportunity: Opportunity, status: str, *, recorded_actor, lost_reason=None, amount=None,
                   cost=None, note: dict | None = None) -> Opportunity:
    """The status rules (opportunity_status_check, for `actor`) and the writes of a status change, on an
    opportunity the caller locked; the timeline names `recorded_actor` (None: the customer, online)."""
    opportunity_status_check(actor, opportunity, status)
    old = opportunity.status
    now = timezone.now()
    data = {"from": old, "to": status, **(note or {})}
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
            unit_sold(actor=recorded_actor, unit=unit_for_sale(opportunity.unit_id, opportunity=opportunity),
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
    _record(recorded_actor, opportunity, "opportunity_status_changed", data)
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
