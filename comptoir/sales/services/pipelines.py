"""Pipelines: created, renamed, switched to or from quotes, stages added (DESIGN: pipelines)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound
from comptoir.core.versioning import check_version, lock_rows, save_versioned
from comptoir.sales.models import Pipeline, Stage
from comptoir.timeline.services import timeline_record

PIPELINES_FORBIDDEN = _("Seul un administrateur gère les processus de vente.")
PIPELINE_NAME_TAKEN = _("Un processus de vente porte déjà ce nom.")
PREFIX_TAKEN = _("Un processus de vente utilise déjà ce préfixe.")
BAD_PREFIX = _("Préfixe invalide : 1 à 10 lettres majuscules ou chiffres (p. ex. VN).")
STAGES_REQUIRED = _("Un processus de vente a au moins une étape.")
DUPLICATE_STAGE = _("Deux étapes portent le même nom.")


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
