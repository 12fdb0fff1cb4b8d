"""/walk-ins: store visits (« passants ») and /analytics/showroom, the showroom conversion."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.exports import DECIMAL, INTEGER, Column, export_response
from comptoir.core.figures import default_period
from comptoir.core.schemas import ContactFields, Id, ReferenceValue, Version, patch_values
from comptoir.customers.api import PhoneIn
from comptoir.walkins import selectors, services
from comptoir.walkins.models import StoreVisit

router = Router(tags=["walk-ins"])
showroom_router = Router(tags=["analytics"])

Notes = Annotated[str, StringConstraints(max_length=2_000)]


class WalkInCustomerIn(ContactFields):
    """A customer created by the walk-in: every customer rule applies; media « en magasin »."""

    email: Annotated[str, StringConstraints(max_length=254)] = ""
    no_email: bool = False
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    source: ReferenceValue | None = None


class WalkInIn(Schema):
    customer: Id | None = Field(None, description="An existing customer; or send `new_customer`")
    new_customer: WalkInCustomerIn | None = None
    salesperson: Id | None = Field(None, description="Who serves them; default: the found customer's salesperson, "
                                                     "else the caller when a salesperson")
    notes: Notes = ""
    visited_at: datetime | None = Field(None, description="Default: now; never in the future")
    create_anyway: bool = Field(False, description="Create `new_customer` even when a sure duplicate exists")


class WalkInPatch(Schema):
    salesperson: Id | None = None
    opportunity: Id | None = Field(None, description="Link the opportunity that came out of the visit; null unlinks")
    notes: Notes | None = None
    version: Version | None = None


class WalkInOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    customer_name: str
    salesperson: int = Field(alias="salesperson_id")
    salesperson_name: str
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    visited_at: datetime
    visited_on: date
    notes: str
    opportunity: int | None = Field(None, alias="came_out_id",
                                    description="The opportunity that came out: the linked one, else the "
                                                "customer's first one opened from the visit to the end of its day")
    opportunity_number: str | None = Field(None, alias="came_out_number")
    opportunity_status: str | None = Field(None, alias="came_out_status")
    opportunity_linked: bool
    task: int | None = Field(None, alias="task_id")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_customer_name(obj: StoreVisit):
        return obj.customer.display_name

    @staticmethod
    def resolve_salesperson_name(obj: StoreVisit):
        return obj.salesperson.display_name

    @staticmethod
    def resolve_opportunity_linked(obj: StoreVisit):
        return obj.opportunity_id is not None


class WalkInFilters(Schema):
    day: date | None = Field(None, alias="date", description="A local day (America/Toronto); default: today")
    salesperson: Id | None = None
    customer: Id | None = None


@router.get("", response=list[WalkInOut], summary="The walk-ins of a day (?date=YYYY-MM-DD, default today; "
                                                  "?salesperson=, ?customer=), latest first")
@paginate
def list_walk_ins(request, filters: Query[WalkInFilters]):
    return selectors.walk_in_list(actor=request.user, day=filters.day, salesperson=filters.salesperson,
                                  customer=filters.customer)


@router.post("", response={201: WalkInOut, **ERRORS},
             summary="Record a walk-in: an existing `customer` or a `new_customer` (media in store; a sure "
                     "duplicate answers 409 with its ids), the salesperson serving them (task and email)")
def record_walk_in(request, payload: WalkInIn):
    values = payload.dict()
    if values["new_customer"] is not None:
        values["new_customer"]["phones"] = [dict(phone) for phone in values["new_customer"]["phones"]]
    visit = services.walk_in_record(actor=request.user, **values)
    return Status(201, selectors.walk_in_get(actor=request.user, pk=visit.pk))


@router.get("/{int:walk_in_id}", response={200: WalkInOut, **ERRORS}, summary="A walk-in")
def get_walk_in(request, walk_in_id: int):
    return selectors.walk_in_get(actor=request.user, pk=walk_in_id)


@router.patch("/{int:walk_in_id}", response={200: WalkInOut, **ERRORS},
              summary="Reassign the salesperson, link the opportunity, change the notes (with `version`: 409 "
                      "when stale)")
def update_walk_in(request, walk_in_id: int, payload: WalkInPatch):
    values, version = patch_values(payload, nullable=("opportunity",))
    services.walk_in_update(actor=request.user, walk_in_id=walk_in_id, version=version, **values)
    return selectors.walk_in_get(actor=request.user, pk=walk_in_id)


class ShowroomFigures(Schema):
    visits: int
    with_opportunity: int
    won: int
    conversion_pct: float | None = Field(description="with_opportunity / visits × 100, two decimals; null "
                                                     "without visits")
    won_pct: float | None = Field(description="won / visits × 100, two decimals; null without visits")


class ShowroomGroup(ShowroomFigures):
    key: int | None
    label: str


class ShowroomOut(Schema):
    from_: date = Field(alias="from")
    to: date
    by: str | None
    overall: ShowroomFigures
    groups: list[ShowroomGroup]


# The figure as a file: the page's table, in the reader's language (core.exports), the total first.
SHOWROOM_COLUMNS = (
    Column("label", _("Vendeur"), width=24),
    Column("visits", _("Visites"), INTEGER),
    Column("with_opportunity", _("Avec opportunité"), INTEGER),
    Column("won", _("Gagnées"), INTEGER),
    Column("conversion_pct", _("Conversion (%)"), DECIMAL),
    Column("won_pct", _("Gagnées ÷ visites (%)"), DECIMAL),
)


@showroom_router.get("/showroom", response={200: ShowroomOut, **ERRORS}, by_alias=True,
                     summary="Showroom conversion: walk-ins of the period an opportunity came out of ÷ walk-ins "
                             "(default: the last 90 days), overall or ?by=salesperson; ?format=csv or xlsx as a file")
def showroom(request, date_from: date | None = Query(None, alias="from"),
             date_to: date | None = Query(None, alias="to"), by: Literal["salesperson"] | None = None,
             format: Literal["json", "csv", "xlsx"] = "json"):
    date_from, date_to = default_period(date_from, date_to)
    result = selectors.showroom_conversion(actor=request.user, date_from=date_from, date_to=date_to, by=by)
    if format != "json":
        rows = [{**result["overall"], "label": gettext("Total")}, *result["groups"]]
        return export_response(request, f"showroom-{by or 'overall'}-{date_from}-{date_to}", SHOWROOM_COLUMNS, rows,
                               format, title=gettext("Salle de montre"))
    return result
