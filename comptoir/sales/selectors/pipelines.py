"""Reads on pipelines and their stages: the pages that set them up, the stages a deal may be put in."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from comptoir.sales.models import Pipeline, Stage, StageChange, Status


def _stages_with_counts() -> QuerySet:
    """Each stage with how many deals sit in it (open, suspended, closed) and whether any deal ever went
    through it: what the page shows, and whether « Supprimer » is offered (services.stage_remove decides)."""
    went_through = StageChange.objects.filter(Q(to_stage=OuterRef("pk")) | Q(from_stage=OuterRef("pk")))
    return Stage.objects.annotate(
        open_count=Count("opportunities", filter=Q(opportunities__status=Status.OPEN)),
        suspended_count=Count("opportunities", filter=Q(opportunities__status=Status.SUSPENDED)),
        closed_count=Count("opportunities", filter=Q(opportunities__status__in=(Status.WON, Status.LOST))),
        went_through=Exists(went_through),
    ).order_by("order", "pk")


def pipeline_list() -> QuerySet:
    """Every pipeline, active ones first, with its stores, its stages and their counts: three queries
    whatever their number."""
    return (Pipeline.objects.prefetch_related("locations", Prefetch("stages", queryset=_stages_with_counts()))
            .annotate(open_count=Count("opportunities", filter=Q(opportunities__status=Status.OPEN)))
            .order_by("-active", "name", "pk"))


def pipeline_get(pk) -> Pipeline | None:
    return pipeline_list().filter(pk=pk).first()


def stages_offered(pipeline: Pipeline | int, *, current=None) -> QuerySet:
    """The stages a deal may be put in: not archived. `current` (the deal's own stage) stays listed even
    when archived, so a picker shows where the deal is."""
    pipeline_id = getattr(pipeline, "pk", pipeline)
    return Stage.objects.filter(Q(archived=False) | Q(pk=current), pipeline_id=pipeline_id).order_by("order", "pk")

