"""Pipelines and their stages: created, renamed, switched to or from quotes, stores chosen; stages added,
renamed, reordered, archived and removed (DESIGN: pipelines; issue 23).

Sales managers and admins manage them ("manage_pipelines"). The pipeline is one whole with its stages:
every change of a stage locks the pipeline's row and raises its version, so a page or a client that read
an older list (a reorder made from it) is refused with 409 instead of undoing someone else's change.

Two rules keep every deal somewhere it can be worked:
- a stage that holds open or suspended deals is neither removed nor archived until they move; a stage
  any deal went through (won and lost ones included) is never removed, only archived, so the stage
  history and the funnel keep it;
- the first stage, where new deals start, is never archived, so a pipeline always offers one.
"""

from django.db import transaction
from django.db.models import Case, F, Max, PositiveIntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Location
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound
from comptoir.core.selectors import reference_resolve
from comptoir.core.text import is_small_id
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.sales.models import Opportunity, Pipeline, Stage, StageChange, Status
from comptoir.timeline.services import timeline_record

PIPELINES_FORBIDDEN = _("Seul un directeur des ventes ou un administrateur gère les processus de vente.")
PIPELINE_NAME_REQUIRED = _("Donnez un nom au processus de vente.")
PIPELINE_NAME_TOO_LONG = _("Le nom d'un processus de vente a au plus 100 caractères.")
PIPELINE_NAME_TAKEN = _("Un processus de vente porte déjà ce nom.")
PREFIX_TAKEN = _("Un processus de vente utilise déjà ce préfixe.")
BAD_PREFIX = _("Préfixe invalide : 1 à 10 lettres majuscules ou chiffres (p. ex. VN).")
STAGES_REQUIRED = _("Un processus de vente a au moins une étape.")
DUPLICATE_STAGE = _("Deux étapes portent le même nom.")
STAGE_NAME_TAKEN = _("Une autre étape de ce processus porte déjà ce nom.")
STAGE_NAME_REQUIRED = _("Donnez un nom à l'étape.")
STAGE_NAME_TOO_LONG = _("Le nom d'une étape a au plus 100 caractères.")
BAD_STAGE_ORDER = _("Donnez chaque étape du processus une seule fois, dans le nouvel ordre.")
STAGE_HOLDS_OPEN_DEALS = _("Cette étape contient des opportunités ouvertes ou suspendues : elle ne peut pas être "
                           "supprimée, seulement archivée après le déplacement de ses opportunités.")
STAGE_ARCHIVE_OPEN_DEALS = _("Cette étape contient des opportunités ouvertes ou suspendues : déplacez-les vers une "
                             "autre étape avant de l'archiver.")
STAGE_HAS_HISTORY = _("Des opportunités sont passées par cette étape : elle ne peut pas être supprimée. "
                      "Archivez-la, leur historique la garde.")
STAGE_ARCHIVED = _("Cette étape est archivée : elle ne reçoit plus d'opportunités. Choisissez-en une autre.")
FIRST_STAGE_ARCHIVED = _("La première étape reçoit les nouvelles opportunités : elle ne peut pas être archivée. "
                         "Placez d'abord une autre étape en tête.")

NAME_MAX = 100
HELD = (Status.OPEN, Status.SUSPENDED)  # deals still worked in their stage


# --- checks ---------------------------------------------------------------------------------------

def stage_names_clean(names: list[str], *, field: str = "stages") -> list[str]:
    """The stage names typed (blank lines left out): at least one, none twice (case-blind), 100 characters
    at most."""
    cleaned = [(name or "").strip() for name in names or []]
    cleaned = [name for name in cleaned if name]
    if not cleaned:
        raise ApplicationError(STAGES_REQUIRED, field=field)
    if any(len(name) > NAME_MAX for name in cleaned):
        raise ApplicationError(STAGE_NAME_TOO_LONG, field=field)
    if len({name.lower() for name in cleaned}) != len(cleaned):
        raise ApplicationError(DUPLICATE_STAGE, field=field)
    return cleaned


def pipeline_check(*, name: str, prefix: str | None = None, pipeline_id=None) -> tuple[str, str | None]:
    """A pipeline's name (required, unique case-blind) and prefix (1 to 10 ASCII letters or digits,
    unique), cleaned; `pipeline_id` is the one being changed. The Django admin's form asks it too."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(PIPELINE_NAME_REQUIRED, field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(PIPELINE_NAME_TOO_LONG, field="name")
    others = Pipeline.objects.exclude(pk=pipeline_id) if pipeline_id else Pipeline.objects.all()
    if others.filter(name__iexact=name).exists():
        raise Conflict(PIPELINE_NAME_TAKEN, field="name")
    if prefix is not None:
        prefix = prefix.strip().upper()
        if not prefix or not prefix.isalnum() or not prefix.isascii() or len(prefix) > 10:
            raise ApplicationError(BAD_PREFIX, field="prefix")
        if others.filter(prefix=prefix).exists():
            raise Conflict(PREFIX_TAKEN, field="prefix")
    return name, prefix


def _locations(values) -> list[Location]:
    """The stores a pipeline sells through, by id or name (API.md: a list entry by id or exact name)."""
    found = [reference_resolve(Location, value, field="locations") for value in values or []]
    return list({location.pk: location for location in found if location is not None}.values())


def _stage_name(name: str, pipeline: Pipeline, *, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(STAGE_NAME_REQUIRED, field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(STAGE_NAME_TOO_LONG, field="name")
    if pipeline.stages.exclude(pk=exclude_pk).filter(name__iexact=name).exists():
        raise Conflict(STAGE_NAME_TAKEN, field="name")
    return name


def _holds_deals(stage: Stage) -> bool:
    return Opportunity.objects.filter(stage=stage, status__in=HELD).exists()


def _has_history(stage: Stage) -> bool:
    """A deal sits in it (won and lost ones too) or went through it: its stage history points at it."""
    return (Opportunity.objects.filter(stage=stage).exists()
            or StageChange.objects.filter(Q(to_stage=stage) | Q(from_stage=stage)).exists())


def _check_first_stage_offered(pipeline: Pipeline) -> None:
    """Checked once a change is made, so a change in several steps (the admin's table) is judged whole."""
    first = pipeline.stages.order_by("order", "pk").first()
    if first is None:
        raise ApplicationError(STAGES_REQUIRED, field="stages")
    if first.archived:
        raise Conflict(FIRST_STAGE_ARCHIVED, field="stages")


# --- locks ----------------------------------------------------------------------------------------

def _lock_pipeline(actor, pipeline_id, version: int | None) -> Pipeline:
    permissions.require(actor, "manage_pipelines", PIPELINES_FORBIDDEN)
    if not is_small_id(pipeline_id):
        raise NotFound()
    rows = lock_rows(Pipeline.objects.filter(pk=pipeline_id))
    if not rows:
        raise NotFound()
    check_version(rows[0], version)
    return rows[0]


def _lock_stage(pipeline: Pipeline, stage_id) -> Stage:
    """The pipeline's stage, row-locked: a stage of another pipeline is not found (404)."""
    rows = lock_rows(Stage.objects.filter(pk=stage_id, pipeline=pipeline)) if is_small_id(stage_id) else []
    if not rows:
        raise NotFound()
    return rows[0]


def _done(actor, pipeline: Pipeline, events: list[tuple[str, dict]]) -> Pipeline:
    """A stage change is a change of its pipeline: the rules checked on the result (a change in several
    steps, the admin's table, is judged whole), the version raised once, the timeline told."""
    _check_first_stage_offered(pipeline)
    if events:
        save_versioned(pipeline, [])
        for verb, data in events:
            timeline_record(actor=actor, subject=pipeline, verb=verb, data=data)
    return pipeline


def _renumber(pipeline: Pipeline, ordered_ids: list[int]) -> None:
    """Orders 1..n in the given order, in two statements that never hold two stages on one order (the unique
    (pipeline, order) is checked row by row on PostgreSQL): first every stage above any final order."""
    top = (pipeline.stages.aggregate(top=Max("order"))["top"] or 0) + len(ordered_ids) + 1
    pipeline.stages.update(order=F("order") + top)
    pipeline.stages.update(order=Case(*(When(pk=pk, then=Value(position))
                                        for position, pk in enumerate(ordered_ids, start=1)),
                                      default=F("order"), output_field=PositiveIntegerField()))


def _ids_in_order(pipeline: Pipeline) -> list[int]:
    return list(pipeline.stages.order_by("order", "pk").values_list("pk", flat=True))


# --- pipelines ------------------------------------------------------------------------------------

@transaction.atomic
def pipeline_create(*, actor, name: str, prefix: str, stages: list[str], requires_quote: bool = True,
                    accept_wins: bool = True, locations=None) -> Pipeline:
    permissions.require(actor, "manage_pipelines", PIPELINES_FORBIDDEN)
    name, prefix = pipeline_check(name=name, prefix=prefix or "")
    stage_names = stage_names_clean(stages)
    stores = _locations(locations)
    pipeline = Pipeline(name=name, prefix=prefix, requires_quote=requires_quote, accept_wins=accept_wins)
    pipeline.full_clean()
    pipeline.save()
    pipeline.locations.set(stores)
    Stage.objects.bulk_create(Stage(pipeline=pipeline, name=n, order=i) for i, n in enumerate(stage_names, start=1))
    timeline_record(actor=actor, subject=pipeline, verb="pipeline_created",
                    data={"prefix": prefix, "stages": stage_names, "requires_quote": requires_quote,
                          "accept_wins": accept_wins, "locations": [store.pk for store in stores]})
    return pipeline


@transaction.atomic
def pipeline_update(*, actor, pipeline_id, version: int | None = None, **values) -> Pipeline:
    """Rename, switch quotes on or off, say whether accepting a variant wins the deal, choose the stores,
    (de)activate, add stages at the end.

    DESIGN: switching to "without quotes" keeps earlier deals' amount and cost; quotes are hidden,
    not deleted (nothing here touches them).
    """
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    changed, data = [], {}
    if "name" in values:
        pipeline.name, _prefix = pipeline_check(name=values["name"], pipeline_id=pipeline.pk)
        changed.append("name")
        data["name"] = pipeline.name
    for key in ("requires_quote", "accept_wins", "active"):
        if key in values:
            setattr(pipeline, key, bool(values[key]))
            changed.append(key)
            data[key] = bool(values[key])
    if "locations" in values:
        stores = _locations(values["locations"])
        pipeline.locations.set(stores)
        data["locations"] = [store.pk for store in stores]
    if values.get("add_stages"):
        added = stage_names_clean(values["add_stages"], field="add_stages")
        existing = {n.lower() for n in pipeline.stages.values_list("name", flat=True)}
        if {n.lower() for n in added} & existing:
            raise ApplicationError(DUPLICATE_STAGE, field="add_stages")
        # After the last one, whatever the gaps a removal left.
        start = pipeline.stages.aggregate(top=Max("order"))["top"] or 0
        Stage.objects.bulk_create(Stage(pipeline=pipeline, name=n, order=start + i) for i, n in enumerate(added, 1))
        data["add_stages"] = added
    pipeline.full_clean()
    save_versioned(pipeline, changed)
    timeline_record(actor=actor, subject=pipeline, verb="pipeline_updated", data=data)
    return pipeline


# --- stages ---------------------------------------------------------------------------------------

def _add(pipeline: Pipeline, name: str) -> Stage:
    name = _stage_name(name, pipeline)
    top = pipeline.stages.aggregate(top=Max("order"))["top"] or 0
    return Stage.objects.create(pipeline=pipeline, name=name, order=top + 1)


def _rename(pipeline: Pipeline, stage: Stage, name: str) -> str | None:
    """The former name, or None when nothing changed."""
    name = _stage_name(name, pipeline, exclude_pk=stage.pk)
    if name == stage.name:
        return None
    former, stage.name = stage.name, name
    stage.save(update_fields=["name"])
    return former


def _set_archived(stage: Stage, archived: bool) -> bool:
    """Whether it changed. A stage still holding deals being worked is not archived: they would vanish
    from the board with it."""
    archived = bool(archived)
    if stage.archived == archived:
        return False
    if archived and _holds_deals(stage):
        raise Conflict(STAGE_ARCHIVE_OPEN_DEALS, field="archived")
    stage.archived = archived
    stage.save(update_fields=["archived"])
    return True


def _remove(stage: Stage) -> None:
    if _holds_deals(stage):
        raise Conflict(STAGE_HOLDS_OPEN_DEALS, field="stage")
    if _has_history(stage):
        raise Conflict(STAGE_HAS_HISTORY, field="stage")
    stage.delete()


def _reorder(pipeline: Pipeline, stage_ids) -> list[str]:
    """The names in their new order; `stage_ids` must name every stage of the pipeline once."""
    try:
        wanted = [int(pk) for pk in stage_ids]
    except (TypeError, ValueError):
        raise ApplicationError(BAD_STAGE_ORDER, field="stages") from None
    current = _ids_in_order(pipeline)
    if len(wanted) != len(current) or set(wanted) != set(current):
        raise ApplicationError(BAD_STAGE_ORDER, field="stages")
    if wanted != current:
        _renumber(pipeline, wanted)
    names = dict(pipeline.stages.values_list("pk", "name"))
    return [names[pk] for pk in wanted]


@transaction.atomic
def stage_add(*, actor, pipeline_id, name: str, version: int | None = None) -> Stage:
    """A new stage after the last one."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    stage = _add(pipeline, name)
    _done(actor, pipeline, [("pipeline_stage_added", {"stage": stage.name})])
    return stage


@transaction.atomic
def stage_update(*, actor, pipeline_id, stage_id, version: int | None = None, **values) -> Stage:
    """Rename it (`name`), archive it (`archived=True`: offered for no new deal and no move, off the
    board, its history kept) or bring it back where it was (`archived=False`)."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    stage = _lock_stage(pipeline, stage_id)
    events = []
    if "name" in values:
        former = _rename(pipeline, stage, values["name"])
        if former is not None:
            events.append(("pipeline_stage_renamed", {"from": former, "to": stage.name}))
    if "archived" in values and _set_archived(stage, values["archived"]):
        events.append(("pipeline_stage_archived" if stage.archived else "pipeline_stage_unarchived",
                       {"stage": stage.name}))
    _done(actor, pipeline, events)
    return stage


@transaction.atomic
def stage_remove(*, actor, pipeline_id, stage_id, version: int | None = None) -> None:
    """Only a stage no deal ever entered is removed; the others left are numbered again from 1."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    stage = _lock_stage(pipeline, stage_id)
    name = stage.name
    _remove(stage)
    _renumber(pipeline, _ids_in_order(pipeline))
    _done(actor, pipeline, [("pipeline_stage_removed", {"stage": name})])


@transaction.atomic
def stages_reorder(*, actor, pipeline_id, stages: list, version: int | None = None) -> Pipeline:
    """The stages in the order given: every stage of the pipeline, archived ones included, once."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    before = _ids_in_order(pipeline)
    names = _reorder(pipeline, stages)
    return _done(actor, pipeline, [("pipeline_stages_reordered", {"stages": names})]
                 if _ids_in_order(pipeline) != before else [])


@transaction.atomic
def stage_move(*, actor, pipeline_id, stage_id, offset: int, version: int | None = None) -> Pipeline:
    """One place up (-1) or down (+1) from where it stands now: the pages' buttons, for a keyboard or a
    browser without drag and drop. At either end it stays."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    stage = _lock_stage(pipeline, stage_id)
    ids = _ids_in_order(pipeline)
    here = ids.index(stage.pk)
    there = max(0, min(len(ids) - 1, here + (1 if offset > 0 else -1)))
    if there == here:
        return pipeline
    ids[here], ids[there] = ids[there], ids[here]
    return _done(actor, pipeline, [("pipeline_stages_reordered", {"stages": _reorder(pipeline, ids)})])


@transaction.atomic
def pipeline_stages_save(*, actor, pipeline_id, rows: list[dict], version: int | None = None) -> Pipeline:
    """The stage list edited as one table (the Django admin's inline): each row `{"id"` (None for a new
    stage)`, "name", "order", "archived", "delete"}`, rows left out unchanged. Each part goes through the
    same rules as above; the first-stage rule is judged on the result."""
    pipeline = _lock_pipeline(actor, pipeline_id, version)
    stages = {stage.pk: stage for stage in lock_rows(pipeline.stages.all())}
    rows, events = [dict(row) for row in rows], []
    for row in rows:
        if row.get("id") is not None and row["id"] not in stages:
            raise NotFound()
    # Unarchived first and archived last, so a stage brought back can head the list and one set aside
    # may leave it in the same save.
    for row in rows:
        if row.get("id") and not row.get("delete") and not row.get("archived", True):
            if _set_archived(stages[row["id"]], False):
                events.append(("pipeline_stage_unarchived", {"stage": stages[row["id"]].name}))
    for row in rows:
        if row.get("id") and row.get("delete"):
            stage = stages.pop(row["id"])
            _remove(stage)
            events.append(("pipeline_stage_removed", {"stage": stage.name}))
    for row in rows:
        if row.get("id") in stages and "name" in row:
            former = _rename(pipeline, stages[row["id"]], row["name"])
            if former is not None:
                events.append(("pipeline_stage_renamed", {"from": former, "to": stages[row["id"]].name}))
    kept = [row for row in rows if not row.get("delete")]
    for row in kept:
        if row.get("id") is None:
            stage = _add(pipeline, row.get("name", ""))
            row["id"] = stage.pk
            stages[stage.pk] = stage
            events.append(("pipeline_stage_added", {"stage": stage.name}))
    if any("order" in row for row in kept):
        # The table's order; stages it left out keep their place after the ones it placed.
        placed = sorted(enumerate(kept), key=lambda pair: (pair[1].get("order", 0), pair[0]))
        given = [row["id"] for _index, row in placed]
        wanted = given + [pk for pk in _ids_in_order(pipeline) if pk not in given]
        if wanted != _ids_in_order(pipeline):
            events.append(("pipeline_stages_reordered", {"stages": _reorder(pipeline, wanted)}))
    for row in kept:
        if row.get("archived") and _set_archived(stages[row["id"]], True):
            events.append(("pipeline_stage_archived", {"stage": stages[row["id"]].name}))
    return _done(actor, pipeline, events)
