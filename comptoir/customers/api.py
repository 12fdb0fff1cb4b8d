"""/customers: list and search, card, create, edit, duplicates, timeline, notes (merges: api_merges)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.schemas import ContactFields, ContactPatch, Id, ReferenceValue, Version, patch_values
from comptoir.customers import selectors, services
from comptoir.customers.models import Customer
from comptoir.timeline.selectors import timeline_for

router = Router(tags=["customers"])

PhoneKindName = Literal["mobile", "home", "work", "other"]
EmailStatusName = Literal["valid", "invalid", "missing", "placeholder"]


class PhoneIn(Schema):
    kind: PhoneKindName = "mobile"
    # An extension may be written in the number (« 418 555-0199 poste 4 », « ext. 4 », « x4 ») or apart.
    number: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    extension: Annotated[str, StringConstraints(max_length=10)] = ""


class PhoneOut(Schema):
    kind: str
    number: str  # one format: national, « (418) 555-0199 », international abroad
    e164: str
    extension: str = ""


class CustomerFields(ContactFields):
    external_id: Annotated[str, StringConstraints(max_length=64)] = ""


class CustomerIn(CustomerFields):
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    no_email: bool = False
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    tags: list[ReferenceValue] = Field(default_factory=list, max_length=50)
    salesperson: Id | None = None


class CustomerPatch(ContactPatch):
    country: Annotated[str, StringConstraints(max_length=2)] | None = None
    external_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    no_email: bool | None = None
    phones: list[PhoneIn] | None = Field(None, max_length=10)
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    tags: list[ReferenceValue] | None = Field(None, max_length=50)
    salesperson: Id | None = None
    version: Version | None = None


class CustomerOut(CustomerFields):
    id: int
    display_name: str
    email: str
    email_status: str
    phones: list[PhoneOut]
    source: int | None = Field(None, alias="source_id")
    source_name: str | None
    media: int | None = Field(None, alias="media_id")
    media_name: str | None
    tags: list[str]
    salesperson: int | None = Field(None, alias="salesperson_id")
    salesperson_name: str | None
    created_by: int | None = Field(None, alias="created_by_id")
    channel: str
    unsubscribed: bool
    details: dict[str, str]
    points_lost: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_phones(obj: Customer):
        return list(obj.phones.all())

    @staticmethod
    def resolve_source_name(obj: Customer):
        return obj.source.label if obj.source_id else None

    @staticmethod
    def resolve_media_name(obj: Customer):
        return obj.media.label if obj.media_id else None

    @staticmethod
    def resolve_tags(obj: Customer):
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_salesperson_name(obj: Customer):
        return obj.salesperson.display_name if obj.salesperson_id else None


class CustomerCardOut(CustomerOut):
    sure_duplicates: int


class DuplicateOut(Schema):
    id: int
    reason: Literal["phone", "email", "name"]
    reasons: list[str]


class TimelineEventOut(Schema):
    id: int
    verb: str
    actor: int | None = Field(None, alias="actor_id")
    actor_name: str | None
    data: dict
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj):
        return obj.actor.display_name if obj.actor_id else None


class NoteIn(Schema):
    body: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class NoteOut(Schema):
    id: int
    body: str
    author: int | None = Field(None, alias="author_id")
    created_at: datetime


def _card(request, customer_id: int) -> Customer:
    customer = selectors.customer_get(actor=request.user, pk=customer_id)
    customer.sure_duplicates = selectors.customer_sure_duplicate_count(customer, actor=request.user)
    return customer


@router.get("", response=list[CustomerOut], summary="List and search customers")
@paginate
def list_customers(request, q: str | None = Query(None, max_length=100), salesperson: Id | None = None,
                   tag: str | None = Query(None, max_length=100), email_status: EmailStatusName | None = None):
    return selectors.customer_list(actor=request.user, q=q, salesperson=salesperson, tag=tag,
                                   email_status=email_status)


@router.post("", response={201: CustomerCardOut, **ERRORS}, summary="Create a customer (media: in store)")
def create_customer(request, payload: CustomerIn):
    # Only what was sent: an absent salesperson lets the service apply the default owner.
    customer = services.customer_create(actor=request.user, **payload.dict(exclude_unset=True))
    return Status(201, _card(request, customer.pk))


@router.get("/{int:customer_id}", response={200: CustomerCardOut, **ERRORS}, summary="A customer's card")
def get_customer(request, customer_id: int):
    return _card(request, customer_id)


@router.patch("/{int:customer_id}", response={200: CustomerCardOut, **ERRORS},
              summary="Change a customer (send the version you read: 409 when stale)")
def update_customer(request, customer_id: int, payload: CustomerPatch):
    values, version = patch_values(payload, nullable=("salesperson", "source", "media"))
    services.customer_update(actor=request.user, customer_id=customer_id, version=version, **values)
    return _card(request, customer_id)


@router.get("/{int:customer_id}/duplicates", response={200: list[DuplicateOut], **ERRORS},
            summary="Sure (phone, email) and possible (name) duplicates")
def get_duplicates(request, customer_id: int):
    customer = selectors.customer_get(actor=request.user, pk=customer_id)
    return selectors.customer_duplicates(customer, actor=request.user)


@router.get("/{int:customer_id}/timeline", response={200: list[TimelineEventOut], **ERRORS},
            summary="Everything that happened to this customer, newest first")
@paginate
def get_timeline(request, customer_id: int):
    return timeline_for(selectors.customer_get(actor=request.user, pk=customer_id))


@router.post("/{int:customer_id}/notes", response={201: NoteOut, **ERRORS}, summary="Add a note to the card")
def add_note(request, customer_id: int, payload: NoteIn):
    return Status(201, services.customer_note_add(actor=request.user, customer_id=customer_id, body=payload.body))
