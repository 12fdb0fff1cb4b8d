"""/leads, /leads/{id}/convert, /web-forms and the public web-form endpoint (API.md: /leads)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core import permissions
from comptoir.core.api import ERRORS
from comptoir.core.exceptions import Forbidden
from comptoir.core.schemas import ContactFields, ContactPatch, Id, ReferenceValue, Version, patch_values
from comptoir.core.throttling import address_throttle
from comptoir.customers.api import PhoneIn, PhoneOut
from comptoir.leads import selectors, services
from comptoir.leads.models import WebForm

leads_router = Router(tags=["leads"])
web_forms_router = Router(tags=["leads"])
public_router = Router(tags=["leads"], auth=None)

StatusName = Literal["new", "contacted", "qualified", "converted", "lost"]
WEB_FORM_THROTTLE = address_throttle("web_form", settings.COMPTOIR_WEB_FORM_THROTTLE)


class LeadFields(ContactFields):
    notes: Annotated[str, StringConstraints(max_length=10_000)] = ""


class LeadIn(LeadFields):
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    owner: Id | None = None
    status: Literal["new", "contacted", "qualified", "lost"] = "new"
    next_contact_at: datetime | None = None
    external_id: Annotated[str, StringConstraints(max_length=64)] = ""


class LeadPatch(ContactPatch):
    notes: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    phones: list[PhoneIn] | None = Field(None, max_length=10)
    source: ReferenceValue | None = None
    media: ReferenceValue | None = None
    owner: Id | None = None
    status: Literal["new", "contacted", "qualified", "lost"] | None = None
    next_contact_at: datetime | None = None
    unsubscribed: bool | None = None
    version: Version | None = None


class LeadOut(LeadFields):
    id: int
    email: str
    email_status: str
    phones: list[PhoneOut]
    source: int | None = Field(None, alias="source_id")
    media: int | None = Field(None, alias="media_id")
    owner: int | None = Field(None, alias="owner_id")
    status: str
    unsubscribed: bool
    next_contact_at: datetime | None
    customer: int | None = Field(None, alias="customer_id")
    external_id: str
    version: int
    created_at: datetime


class LeadFilters(Schema):
    q: str | None = None
    status: StatusName | None = None
    owner: Id | Literal["none"] | None = None  # "none": leads nobody has taken
    source: Id | None = None
    next_contact_from: date | None = None  # days in the dealership's time zone, both included
    next_contact_to: date | None = None


class ConvertOpportunityIn(Schema):
    pipeline: Id | Annotated[str, StringConstraints(max_length=100)]
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    product: Annotated[str, StringConstraints(max_length=200)] = ""
    unit: Id | Annotated[str, StringConstraints(max_length=64)] | None = None  # id, VIN or stock number
    salesperson: Id | None = None  # default: the lead's owner, now the customer's salesperson


class ConvertIn(Schema):
    customer: Id | None = None
    create_anyway: bool = False
    create_opportunity: ConvertOpportunityIn | None = None


class ConvertOut(Schema):
    lead: int
    customer: int
    opportunity: int | None


@leads_router.get("", response=list[LeadOut], summary="Leads (?q= name, company, email; ?status=, ?owner= an id or "
                                                     "none, ?source=, ?next_contact_from=, ?next_contact_to=)")
@paginate
def list_leads(request, filters: Query[LeadFilters]):
    return selectors.lead_list(actor=request.user, q=filters.q, status=filters.status, owner=filters.owner,
                               source=filters.source, next_from=filters.next_contact_from,
                               next_to=filters.next_contact_to)


@leads_router.post("", response={201: LeadOut, **ERRORS}, summary="Enter a lead (email and phones follow the customer rules)")
def create_lead(request, payload: LeadIn):
    values = payload.dict()
    values["phones"] = [dict(p) for p in values["phones"]]
    if values.get("owner") is None:
        values.pop("owner", None)
    lead = services.lead_create(actor=request.user, **values)
    return Status(201, lead)


@leads_router.get("/{int:lead_id}", response={200: LeadOut, **ERRORS}, summary="A lead")
def get_lead(request, lead_id: int):
    return selectors.lead_get(actor=request.user, pk=lead_id)


@leads_router.patch("/{int:lead_id}", response={200: LeadOut, **ERRORS}, summary="Change a lead (with `version`)")
def update_lead(request, lead_id: int, payload: LeadPatch):
    values, version = patch_values(payload, nullable=("next_contact_at",))
    if "phones" in values:
        values["phones"] = [dict(p) for p in values["phones"]]
    services.lead_update(actor=request.user, lead_id=lead_id, version=version, **values)
    return selectors.lead_get(actor=request.user, pk=lead_id)


@leads_router.post("/{int:lead_id}/convert", response={200: ConvertOut, **ERRORS},
                   summary="Convert into a customer (new, or `customer` to link one), optionally with an opportunity")
def convert_lead(request, lead_id: int, payload: ConvertIn):
    values = payload.dict()
    lead, customer, opportunity = services.lead_convert(actor=request.user, lead_id=lead_id, **values)
    return {"lead": lead.pk, "customer": customer.pk, "opportunity": opportunity.pk if opportunity else None}


class WebFormIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class WebFormOut(Schema):
    id: int
    name: str
    key: str
    active: bool


@web_forms_router.get("", response=list[WebFormOut], summary="Web forms (admin)")
@paginate
def list_web_forms(request):
    if not permissions.has_capability(request.user, "manage_lists"):
        raise Forbidden(services.FORMS_FORBIDDEN)
    return WebForm.objects.order_by("name")


@web_forms_router.post("", response={201: WebFormOut, **ERRORS}, summary="Add a web form: its key goes in the site's form (admin)")
def create_web_form(request, payload: WebFormIn):
    return Status(201, services.web_form_create(actor=request.user, name=payload.name))


class WebFormLeadIn(LeadFields):
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    source: ReferenceValue | None = None
    # A field people never see: a robot fills it, and nothing is created.
    website_url: Annotated[str, StringConstraints(max_length=200)] = ""


class WebFormAccepted(Schema):
    id: int | None


@public_router.post("/web-form/{key}", response={201: WebFormAccepted, **ERRORS}, throttle=[WEB_FORM_THROTTLE],
                    summary="A lead from the dealership's site: no token, the form's key (media web form, no owner)")
def submit_web_form(request, key: str, payload: WebFormLeadIn):
    values = payload.dict()
    honeypot = values.pop("website_url")
    phone = values.pop("phone")
    lead = services.web_form_submit(key=key, honeypot=honeypot,
                                    phones=[{"kind": "mobile", "number": phone}] if phone else [], **values)
    return Status(201, {"id": lead.pk if lead else None})
