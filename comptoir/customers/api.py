"""/customers: list and search with filters, their counts and export, card, create (409 on a sure
duplicate), edit, duplicates (of a card, or of values being typed), timeline, notes (merges: api_merges)."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.errors import error_body
from comptoir.core.schemas import (
    ContactFields, ContactPatch, ErrorOut, Id, ReferenceValue, RowSchema, Version, patch_values,
)
from comptoir.customers import selectors, services
from comptoir.customers.exports import customers_csv, customers_xlsx
from comptoir.timeline.selectors import timeline_for

router = Router(tags=["customers"])

PhoneKindName = Literal["mobile", "home", "work", "other"]
EmailStatusName = Literal["valid", "invalid", "missing", "placeholder"]
Text100 = Annotated[str, StringConstraints(max_length=100)]
DUPLICATES_CHECKED = 20  # the most a duplicates check answers, strongest first


class PhoneIn(Schema):
    kind: PhoneKindName = "mobile"
    # An extension may be written in the number (« 418 555-0199 poste 4 », « ext. 4 », « x4 ») or apart.
    number: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    extension: Annotated[str, StringConstraints(max_length=10)] = ""


class PhoneOut(RowSchema):
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
    create_anyway: bool = Field(False, description="Create even when a sure duplicate (same phone or email) "
                                                   "exists; without it such a customer answers 409")


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


class CustomerOut(CustomerFields, RowSchema):
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


class CustomerCardOut(CustomerOut):
    sure_duplicates: int


class DuplicateOut(Schema):
    id: int
    reason: Literal["phone", "email", "name"]
    reasons: list[str]


class DuplicateFoundOut(DuplicateOut):
    display_name: str


class DuplicateConflictOut(ErrorOut):
    """409 on POST /customers: the sure duplicates, beside the usual error body (API.md)."""

    duplicates: list[DuplicateFoundOut] = Field(default_factory=list)


class DuplicateCheckOut(DuplicateOut):
    display_name: str
    sure: bool = Field(description="Same phone or email (a sure duplicate); false for a similar name")
    phones: list[PhoneOut]
    email: str
    email_status: str
    postal_code: str
    salesperson: int | None
    salesperson_name: str | None


class CustomerFiltersIn(Schema):
    """The list's filters; the counts and the export take the same."""

    q: Text100 | None = None
    salesperson: Id | Literal["none"] | None = Field(None, description="A user id, or none: customers nobody owns")
    source: Text100 | None = Field(None, description="Its id or exact name")
    media: Text100 | None = Field(None, description="Its id, code or exact name")
    email_status: EmailStatusName | None = None
    created_from: date | None = Field(None, description="A day in the dealership's time zone, included")
    created_to: date | None = Field(None, description="A day in the dealership's time zone, included")
    tag: list[Text100] = Field(default_factory=list, max_length=20,
                               description="Ids or names, repeated: customers having every one")
    unsubscribed: bool | None = None

    def values(self) -> selectors.CustomerFilters:
        return selectors.CustomerFilters(
            q=self.q, salesperson=self.salesperson, source=self.source, media=self.media,
            email_status=self.email_status, created_from=self.created_from, created_to=self.created_to,
            tags=tuple(self.tag), unsubscribed=self.unsubscribed)


class DuplicatesCheckIn(Schema):
    """What a form has typed so far; what cannot be read yet is left out, never refused."""

    phone: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list, max_length=10)
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    first_name: Text100 = ""
    last_name: Text100 = ""
    company: Annotated[str, StringConstraints(max_length=200)] = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    exclude: Id | None = Field(None, description="The customer being edited, left out")


class FacetCountOut(Schema):
    value: int | str | bool = Field(description="What the filter takes (salesperson none: nobody's)")
    count: int


class CustomerFacetsOut(Schema):
    salesperson: list[FacetCountOut]
    source: list[FacetCountOut]
    media: list[FacetCountOut]
    email_status: list[FacetCountOut]
    tag: list[FacetCountOut]
    unsubscribed: list[FacetCountOut]


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


def _card(request, customer_id: int) -> dict:
    return selectors.customer_card(actor=request.user, pk=customer_id)


@router.get("", response=list[CustomerOut],
            summary="List and search customers (?q=, ?salesperson= an id or none, ?source=, ?media=, "
                    "?email_status=, ?created_from=, ?created_to=, ?tag= repeated, ?unsubscribed=)")
@paginate
def list_customers(request, filters: Query[CustomerFiltersIn]):
    return selectors.customer_page(actor=request.user, filters=filters.values())


@router.get("/facets", response={200: CustomerFacetsOut, **ERRORS},
            summary="How many customers each value of each filter keeps, under the other filters")
def customer_facets(request, filters: Query[CustomerFiltersIn]):
    counts = selectors.customer_facets(actor=request.user, filters=filters.values())
    # A customer without a source or media is counted under no value: those filters take none.
    counts["salesperson"] = {"none" if value is None else value: n for value, n in counts["salesperson"].items()}
    return {{"tags": "tag"}.get(facet, facet): [
        {"value": value, "count": n} for value, n in sorted(found.items(), key=lambda item: (-item[1], str(item[0])))
        if value is not None] for facet, found in counts.items()}


@router.get("/export", response={200: None, **ERRORS},
            summary="The filtered list as a file (?format=csv or xlsx; the list's filters), every row of it")
def export_customers(request, filters: Query[CustomerFiltersIn], format: Literal["csv", "xlsx"] = "csv"):
    rows = selectors.customer_export_rows(actor=request.user, filters=filters.values())
    return customers_csv(rows, filename="customers.csv") if format == "csv" \
        else customers_xlsx(rows, filename="customers.xlsx")


@router.get("/duplicates-check", response={200: list[DuplicateCheckOut], **ERRORS},
            summary="Customers a new one being typed would duplicate, before saving: same phone or email "
                    "(sure), a close name with the postal code or phone tail (possible)")
def duplicates_check(request, typed: Query[DuplicatesCheckIn]):
    values = typed.dict()
    found = services.customer_duplicates_check(actor=request.user, phones=values.pop("phone"), **values)
    return [{**row, "display_name": row["customer"].display_name, "phones": list(row["customer"].phones.all()),
             "email": row["customer"].email, "email_status": row["customer"].email_status,
             "postal_code": row["customer"].postal_code, "salesperson": row["customer"].salesperson_id,
             "salesperson_name": row["customer"].salesperson.display_name if row["customer"].salesperson_id else None}
            for row in selectors.customer_duplicates_described(found, actor=request.user, limit=DUPLICATES_CHECKED)]


@router.post("", response={201: CustomerCardOut, **ERRORS, 409: DuplicateConflictOut},
             summary="Create a customer (media: in store); a sure duplicate answers 409 with them unless "
                     "create_anyway")
def create_customer(request, payload: CustomerIn):
    # Only what was sent: an absent salesperson lets the service apply the default owner.
    values = payload.dict(exclude_unset=True)
    values.pop("create_anyway", None)
    try:
        customer = services.customer_create(actor=request.user, create_anyway=payload.create_anyway, **values)
    except services.DuplicateCustomer as error:
        # API.md: the sure duplicates beside the one error body core.errors writes for every refusal.
        return Status(409, {**error_body(error.message, error.errors), "duplicates": error.duplicates})
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
