"""/pipelines and /opportunities."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.exceptions import NotFound
from comptoir.core.schemas import Id, ReferenceValue, RowSchema, Version, patch_values
from comptoir.sales import selectors, services
from comptoir.sales.models import Pipeline

pipelines_router = Router(tags=["pipelines"])
opportunities_router = Router(tags=["opportunities"])

StageName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
StatusName = Literal["open", "won", "lost", "suspended"]


class StageOut(Schema):
    id: int
    name: str
    order: int
    archived: bool = Field(description="Archived: offered for no new deal or move, off the board; history kept")


class PipelineOut(Schema):
    id: int
    name: str
    prefix: str
    requires_quote: bool
    accept_wins: bool = Field(description="Accepting a quote variant wins the deal (sale date today)")
    locations: list[int] = Field(description="The stores that sell through it; empty: every store")
    active: bool
    stages: list[StageOut]
    version: int

    @staticmethod
    def resolve_stages(obj: Pipeline):
        return list(obj.stages.all())

    @staticmethod
    def resolve_locations(obj: Pipeline):
        return [location.pk for location in obj.locations.all()]


class PipelineIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    prefix: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    requires_quote: bool = True
    accept_wins: bool = True
    locations: list[ReferenceValue] = Field(default_factory=list, max_length=100,
                                            description="Stores by id or name; none: every store")
    stages: list[StageName] = Field(min_length=1, max_length=50)


class PipelinePatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    requires_quote: bool | None = None
    accept_wins: bool | None = None
    locations: list[ReferenceValue] | None = Field(None, max_length=100, description="Replaces the list")
    active: bool | None = None
    add_stages: list[StageName] | None = Field(None, max_length=50)
    version: Version | None = None


class StageIn(Schema):
    name: StageName
    version: Version | None = None


class StagePatch(Schema):
    name: StageName | None = None
    archived: bool | None = None
    version: Version | None = None


class StageOrderIn(Schema):
    stages: list[Id] = Field(min_length=1, max_length=200, description="Every stage id of the pipeline, once, "
                                                                        "in the new order (archived ones too)")
    version: Version | None = None


def _pipeline(pipeline_id: int) -> Pipeline:
    pipeline = Pipeline.objects.prefetch_related("stages", "locations").filter(pk=pipeline_id).first()
    if pipeline is None:
        raise NotFound()
    return pipeline


@pipelines_router.get("", response=list[PipelineOut], summary="Pipelines with their stages")
@paginate
def list_pipelines(request):
    return Pipeline.objects.prefetch_related("stages", "locations").order_by("name", "pk")


@pipelines_router.post("", response={201: PipelineOut, **ERRORS},
                       summary="Create a pipeline, stages by name (sales manager, admin)")
def create_pipeline(request, payload: PipelineIn):
    pipeline = services.pipeline_create(actor=request.user, **payload.dict())
    return Status(201, _pipeline(pipeline.pk))


@pipelines_router.get("/{int:pipeline_id}", response={200: PipelineOut, **ERRORS}, summary="A pipeline and its stages")
def get_pipeline(request, pipeline_id: int):
    return _pipeline(pipeline_id)


@pipelines_router.patch("/{int:pipeline_id}", response={200: PipelineOut, **ERRORS},
                        summary="Rename, require quotes or not, accept wins or not, stores, deactivate, add stages "
                                "(sales manager, admin)")
def update_pipeline(request, pipeline_id: int, payload: PipelinePatch):
    values, version = patch_values(payload)
    services.pipeline_update(actor=request.user, pipeline_id=pipeline_id, version=version, **values)
    return _pipeline(pipeline_id)


@pipelines_router.post("/{int:pipeline_id}/stages", response={201: PipelineOut, **ERRORS},
                       summary="Add a stage after the last one (sales manager, admin)")
def add_stage(request, pipeline_id: int, payload: StageIn):
    services.stage_add(actor=request.user, pipeline_id=pipeline_id, name=payload.name, version=payload.version)
    return Status(201, _pipeline(pipeline_id))


@pipelines_router.patch("/{int:pipeline_id}/stages/{int:stage_id}", response={200: PipelineOut, **ERRORS},
                        summary="Rename a stage, archive it (409 while it holds open or suspended deals, or when "
                                "it is the first) or bring it back (sales manager, admin)")
def update_stage(request, pipeline_id: int, stage_id: int, payload: StagePatch):
    values, version = patch_values(payload)
    services.stage_update(actor=request.user, pipeline_id=pipeline_id, stage_id=stage_id, version=version, **values)
    return _pipeline(pipeline_id)


@pipelines_router.post("/{int:pipeline_id}/stages/order", response={200: PipelineOut, **ERRORS},
                       summary="Put the stages in a new order (sales manager, admin)")
def reorder_stages(request, pipeline_id: int, payload: StageOrderIn):
    services.stages_reorder(actor=request.user, pipeline_id=pipeline_id, stages=payload.stages,
                            version=payload.version)
    return _pipeline(pipeline_id)


@pipelines_router.delete("/{int:pipeline_id}/stages/{int:stage_id}", response={204: None, **ERRORS},
                         summary="Remove a stage no deal ever entered; 409 otherwise: archive it (sales manager, "
                                 "admin)")
def remove_stage(request, pipeline_id: int, stage_id: int, version: Version | None = None):
    services.stage_remove(actor=request.user, pipeline_id=pipeline_id, stage_id=stage_id, version=version)
    return Status(204, None)


class ContactOut(RowSchema):
    name: str
    role: str
    phone: str
    email: str


class ContactIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    role: Annotated[str, StringConstraints(max_length=80)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""


Probability = Annotated[int, Field(ge=0, le=100)]


class OpportunityOut(RowSchema):
    id: int
    number: str
    customer: int = Field(alias="customer_id")
    customer_name: str
    pipeline: int = Field(alias="pipeline_id")
    stage: int = Field(alias="stage_id")
    stage_name: str
    status: str
    amount: Decimal | None
    cost: Decimal | None
    currency: str
    salesperson: int | None = Field(None, alias="salesperson_id")
    assignees: list[int]
    product: str
    inventory_unit: str
    unit: int | None = Field(None, alias="unit_id", description="The unit on the lot (GET /inventory-units/{id})")
    source: int | None = Field(None, alias="source_id")
    media: int | None = Field(None, alias="media_id")
    location: int | None = Field(None, alias="location_id")
    excluded: bool
    lost_reason: int | None = Field(None, alias="lost_reason_id")
    lost_reason_name: str | None
    sale_date: date | None
    expected_decision_date: date | None
    probability: int | None
    competitors: list[int]
    competitor_note: str
    contacts: list[ContactOut]
    stage_since: datetime | None = Field(None, description="When the deal reached its current stage")
    amount_locked: bool = Field(description="Amount and cost come from the accepted quote variant: they change "
                                            "through a quote, and PATCH refuses them (422)")
    created_at: datetime
    closed_at: datetime | None
    version: int


class OpportunityIn(Schema):
    customer: Id
    pipeline: Id | Annotated[str, StringConstraints(max_length=100)]
    stage: Id | None = None
    amount: Money | None = None
    cost: Money | None = None
    salesperson: Id | None = None
    assignees: list[Id] = Field(default_factory=list, max_length=20)
    product: Annotated[str, StringConstraints(max_length=200)] = ""
    inventory_unit: Annotated[str, StringConstraints(max_length=100)] = ""
    unit: Id | Annotated[str, StringConstraints(max_length=50)] | None = Field(
        None, description="A unit on the lot by id, serial or stock number: 409 when sold or unavailable")
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    location: ReferenceValue | None = None
    excluded: bool = False
    expected_decision_date: date | None = None
    probability: Probability | None = None
    competitors: list[ReferenceValue] = Field(default_factory=list, max_length=20)
    competitor_note: Annotated[str, StringConstraints(max_length=200)] = ""
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)


class OpportunityPatch(Schema):
    """What changes after creation (issue 23). `salesperson` reassigns the deal (an assigner: sales manager,
    reception, admin; a won or lost deal: manager or admin): the deal's open tasks of the former one go to the
    new one, who is told by email. `amount` and `cost` are refused (422) once a quote variant is accepted in a
    pipeline with quotes. Every change is in the history, old → new; a stale `version` is 409."""
    stage: Id | None = None
    amount: Money | None = None
    cost: Money | None = None
    salesperson: Id | None = None
    assignees: list[Id] | None = Field(None, max_length=20)
    product: Annotated[str, StringConstraints(max_length=200)] | None = None
    inventory_unit: Annotated[str, StringConstraints(max_length=100)] | None = None
    unit: Id | Annotated[str, StringConstraints(max_length=50)] | None = None
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    location: ReferenceValue | None = None
    excluded: bool | None = None
    sale_date: date | None = None
    expected_decision_date: date | None = None
    probability: Probability | None = None
    competitors: list[ReferenceValue] | None = Field(None, max_length=20, description="Replaces the list")
    competitor_note: Annotated[str, StringConstraints(max_length=200)] | None = None
    contacts: list[ContactIn] | None = Field(None, max_length=20, description="Replaces the list")
    version: Version | None = None


class StatusIn(Schema):
    status: StatusName
    lost_reason: ReferenceValue | None = None
    amount: Money | None = None
    cost: Money | None = None
    version: Version | None = None


@opportunities_router.get("", response=list[OpportunityOut], summary="List opportunities (own and assigned for a salesperson)")
@paginate
def list_opportunities(request, customer: Id | None = None, salesperson: Id | None = None,
                       status: StatusName | None = None, pipeline: Id | None = None, stage: Id | None = None,
                       q: str | None = Query(None, max_length=100), decision_from: date | None = None,
                       decision_to: date | None = None, competitor: Id | None = None):
    return selectors.opportunity_page(actor=request.user, customer=customer, salesperson=salesperson,
                                      status=status, pipeline=pipeline, stage=stage, q=q,
                                      decision_from=decision_from, decision_to=decision_to, competitor=competitor)


@opportunities_router.post("", response={201: OpportunityOut, **ERRORS}, summary="Create an opportunity")
def create_opportunity(request, payload: OpportunityIn):
    opportunity = services.opportunity_create(actor=request.user, **payload.dict(exclude_unset=True))
    return Status(201, selectors.opportunity_row(actor=request.user, pk=opportunity.pk))


@opportunities_router.get("/{int:opportunity_id}", response={200: OpportunityOut, **ERRORS})
def get_opportunity(request, opportunity_id: int):
    return selectors.opportunity_row(actor=request.user, pk=opportunity_id)


@opportunities_router.patch("/{int:opportunity_id}", response={200: OpportunityOut, **ERRORS},
                            summary="Edit or reassign an opportunity (every change in its history, old → new); "
                                    "sale_date: managers only")
def update_opportunity(request, opportunity_id: int, payload: OpportunityPatch):
    values, version = patch_values(payload, nullable=("salesperson", "source", "media", "location", "unit",
                                                       "expected_decision_date", "probability"))
    services.opportunity_update(actor=request.user, opportunity_id=opportunity_id, version=version, **values)
    return selectors.opportunity_row(actor=request.user, pk=opportunity_id)


@opportunities_router.post("/{int:opportunity_id}/status", response={200: OpportunityOut, **ERRORS},
                           summary="The only way to change status; the role matrix applies")
def change_status(request, opportunity_id: int, payload: StatusIn):
    services.opportunity_change_status(actor=request.user, opportunity_id=opportunity_id, **payload.dict())
    return selectors.opportunity_row(actor=request.user, pk=opportunity_id)
