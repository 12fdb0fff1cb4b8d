"""/tasks (API.md): something to do, by someone, by a date."""

from datetime import datetime
from typing import Annotated

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.activities import selectors, services
from comptoir.activities.models import Task
from comptoir.core.api import ERRORS
from comptoir.core.exceptions import NotFound
from comptoir.core.schemas import Id, ReferenceValue, Version, patch_values

router = Router(tags=["tasks"])
calendar_router = Router(tags=["tasks"])


class TaskOut(Schema):
    id: int
    type: str
    type_name: str
    title: str
    assignee: int = Field(alias="assignee_id")
    customer: int | None = Field(None, alias="customer_id")
    lead: int | None = Field(None, alias="lead_id")
    opportunity: int | None = Field(None, alias="opportunity_id")
    due_at: datetime
    done_at: datetime | None
    notes: str
    outcome: str
    overdue: bool
    version: int

    @staticmethod
    def resolve_type(obj: Task):
        return obj.type.code

    @staticmethod
    def resolve_type_name(obj: Task):
        return obj.type.label

    @staticmethod
    def resolve_overdue(obj: Task):
        return obj.is_overdue


class TaskIn(Schema):
    type: ReferenceValue = "call"
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    assignee: Id | None = None
    customer: Id | None = None
    lead: Id | None = None
    opportunity: Id | None = None
    due_at: datetime
    notes: Annotated[str, StringConstraints(max_length=10_000)] = ""


class TaskPatch(Schema):
    type: ReferenceValue | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    assignee: Id | None = None
    due_at: datetime | None = None
    notes: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    version: Version | None = None


class CompleteIn(Schema):
    outcome: Annotated[str, StringConstraints(max_length=2000)] = ""
    version: Version | None = None


class TaskFilters(Schema):
    assignee: Id | None = None
    overdue: bool | None = None
    done: bool | None = None
    customer: Id | None = None
    lead: Id | None = None
    opportunity: Id | None = None


def _get(request, task_id: int) -> Task:
    task = selectors.task_list(actor=request.user).filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task


@router.get("", response=list[TaskOut], summary="Tasks (?assignee=, ?overdue=true, ?done=, ?customer=, ?lead=, ?opportunity=)")
@paginate
def list_tasks(request, filters: Query[TaskFilters]):
    return selectors.task_list(actor=request.user, **filters.dict())


@router.post("", response={201: TaskOut, **ERRORS}, summary="Add a task (a call by default)")
def create_task(request, payload: TaskIn):
    values = {k: v for k, v in payload.dict().items() if v is not None}
    task = services.task_create(actor=request.user, **values)
    return Status(201, _get(request, task.pk))


@router.patch("/{int:task_id}", response={200: TaskOut, **ERRORS}, summary="Change a task (with `version`)")
def update_task(request, task_id: int, payload: TaskPatch):
    values, version = patch_values(payload)
    services.task_update(actor=request.user, task_id=task_id, version=version, **values)
    return _get(request, task_id)


@router.post("/{int:task_id}/complete", response={200: TaskOut, **ERRORS}, summary="Mark done, with the call's outcome")
def complete_task(request, task_id: int, payload: CompleteIn):
    services.task_complete(actor=request.user, task_id=task_id, outcome=payload.outcome, version=payload.version)
    return _get(request, task_id)


class CalendarOut(Schema):
    ics_url: str


def _calendar_url(request, feed) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[feed.secret]))


@calendar_router.get("/calendar", response=CalendarOut, summary="One's private ICS feed (tasks, leads' next contacts)")
def my_calendar(request):
    return {"ics_url": _calendar_url(request, services.calendar_feed_get(actor=request.user))}


@calendar_router.post("/calendar/reset", response=CalendarOut, summary="A new feed address; the old one stops working")
def reset_calendar(request):
    return {"ics_url": _calendar_url(request, services.calendar_feed_reset(actor=request.user))}


# --- The audit log ---------------------------------------------------------------------------------

audit_router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime = Field(alias="created_at")
    actor: int | None = Field(None, alias="actor_id")
    actor_name: str
    verb: str
    model: str
    object_id: int = Field(alias="subject_id")
    data: dict

    @staticmethod
    def resolve_actor_name(obj):
        return obj.actor.display_name if obj.actor_id else ""

    @staticmethod
    def resolve_model(obj):
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"


class AuditFilters(Schema):
    user: Id | None = None
    verb: Annotated[str, StringConstraints(max_length=60)] | None = None
    since: datetime | None = Field(None, alias="from")
    until: datetime | None = Field(None, alias="to")


@audit_router.get("", response={200: list[AuditEventOut], **ERRORS},
                  summary="The audit log: every change an admin made, newest first (admin)")
@paginate
def audit_log(request, filters: Query[AuditFilters]):
    return selectors.audit_list(actor=request.user, user=filters.user, verb=filters.verb, since=filters.since,
                                until=filters.until)
