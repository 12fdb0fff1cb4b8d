"""/messages (one message, preview, bulk follow-ups and their progress, history), /message-templates
and the providers' public webhook (API.md: /messages)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id, Version, patch_values
from comptoir.messaging import inbound, selectors, services

messages_router = Router(tags=["messages"])
templates_router = Router(tags=["messages"])
public_router = Router(tags=["messages"], auth=None)

ChannelName = Literal["email", "sms"]
LanguageName = Literal["fr-ca", "en", "pl"]
Ids = list[Id]


class MessageOut(Schema):
    id: int
    channel: str
    direction: str
    status: str
    to: str
    from_address: str
    subject: str
    body_text: str
    customer: int | None = Field(None, alias="customer_id")
    lead: int | None = Field(None, alias="lead_id")
    opportunity: int | None = Field(None, alias="opportunity_id")
    template: int | None = Field(None, alias="template_id")
    sender: int | None = Field(None, alias="sender_id")
    bulk: int | None = Field(None, alias="bulk_id")
    in_reply_to: int | None = Field(None, alias="in_reply_to_id")
    attempts: int
    error: str
    created_at: datetime
    sent_at: datetime | None
    received_at: datetime | None
    read_at: datetime | None
    opened_at: datetime | None
    open_count: int
    clicked_at: datetime | None
    click_count: int


class MessageFilters(Schema):
    customer: Id | None = None
    lead: Id | None = None
    opportunity: Id | None = None
    channel: ChannelName | None = None
    direction: Literal["out", "in"] | None = None
    status: Literal["queued", "sending", "sent", "failed", "bounced", "received"] | None = None
    unread: bool | None = None


class MessageIn(Schema):
    channel: ChannelName | None = Field(None, description="Taken from the template when one is given")
    template: Id | None = None
    subject: Annotated[str, StringConstraints(max_length=200)] = ""
    body: Annotated[str, StringConstraints(max_length=20_000)] = ""
    opportunity: Id | None = None
    customer: Id | None = None
    lead: Id | None = None
    to: Annotated[str, StringConstraints(max_length=254)] | None = Field(
        None, description="Another address or number than the person's own")


class Targets(Schema):
    opportunities: Ids | None = Field(None, max_length=services.MAX_RECIPIENTS)
    customers: Ids | None = Field(None, max_length=services.MAX_RECIPIENTS)
    leads: Ids | None = Field(None, max_length=services.MAX_RECIPIENTS)

    def target(self) -> tuple[str, list[int]]:
        return services.target_of(opportunities=self.opportunities, customers=self.customers, leads=self.leads)


class PreviewIn(Targets):
    template: Id | None = None
    channel: ChannelName | None = None
    subject: Annotated[str, StringConstraints(max_length=200)] = ""
    body: Annotated[str, StringConstraints(max_length=20_000)] = ""
    limit: int = Field(20, ge=0, le=200)


class BulkIn(Targets):
    template: Id


class SkippedOut(Schema):
    id: int
    reason: str
    fields: list[str] = []


class SkipCountOut(Schema):
    reason: str
    label: str
    count: int
    fields: list[str] = []


class PreviewItemOut(Schema):
    id: int
    to: str
    subject: str
    body_text: str


class PreviewOut(Schema):
    channel: str
    to_send: int
    skipped: list[SkippedOut]
    skipped_by_reason: list[SkipCountOut]
    previews: list[PreviewItemOut]


class BulkOut(Schema):
    job: int
    to_send: int
    skipped: list[SkippedOut]


class BulkProgressOut(Schema):
    id: int
    template: int
    target: str
    created_at: datetime
    to_send: int
    skipped: list[SkippedOut]
    queued: int
    sent: int
    failed: int
    bounced: int
    done: bool


@messages_router.get("", response=list[MessageOut],
                     summary="Emails and texts, sent and received (?customer=, ?opportunity=, ?lead=, ?unread=true)")
@paginate
def list_messages(request, filters: Query[MessageFilters]):
    return selectors.message_list(actor=request.user, **filters.dict())


@messages_router.post("", response={201: MessageOut, **ERRORS},
                      summary="Send one email or text to one opportunity's customer, customer or lead (queued)")
def send_message(request, payload: MessageIn):
    values = payload.dict()
    message = services.message_send(actor=request.user, template_id=values.pop("template"), **values)
    return Status(201, message)


@messages_router.post("/preview", response={200: PreviewOut, **ERRORS},
                      summary="Render a template for each recipient before sending: who is skipped, and why")
def preview_messages(request, payload: PreviewIn):
    target, ids = payload.target()
    return services.messages_preview(actor=request.user, target=target, ids=ids, template_id=payload.template,
                                     channel=payload.channel, subject=payload.subject, body=payload.body,
                                     limit=payload.limit)


@messages_router.post("/bulk", response={201: BulkOut, **ERRORS},
                      summary="One personalised message each to many opportunities, customers or leads")
def bulk_send(request, payload: BulkIn):
    target, ids = payload.target()
    job = services.bulk_send(actor=request.user, template_id=payload.template, target=target, ids=ids)
    return Status(201, {"job": job.pk, "to_send": job.to_send, "skipped": job.skipped})


@messages_router.get("/bulk/{int:job_id}", response={200: BulkProgressOut, **ERRORS}, summary="A bulk send's progress")
def bulk_progress(request, job_id: int):
    return selectors.bulk_progress(actor=request.user, pk=job_id)


class InboxFilters(Schema):
    user: Id | None = Field(None, description="Whose inbox: one's own by default; another's for a manager or admin")
    unread: bool = Field(True, description="Unread replies only (default), or every reply with false")


class InboxCountOut(Schema):
    unread: int


# Declared before /{message_id}: the inbox is not a message.
@messages_router.get("/inbox", response={200: list[MessageOut], **ERRORS},
                     summary="The replies a user should answer, newest first (?user= for a manager, ?unread=false)")
@paginate
def inbox(request, filters: Query[InboxFilters]):
    return selectors.inbox(request.user, user=filters.user, unread_only=filters.unread)


@messages_router.get("/inbox/count", response={200: InboxCountOut, **ERRORS},
                     summary="How many replies in one's inbox are unread")
def inbox_count(request):
    return {"unread": selectors.inbox_unread_count(request.user)}


@messages_router.get("/{int:message_id}", response={200: MessageOut, **ERRORS}, summary="A message")
def get_message(request, message_id: int):
    return selectors.message_get(actor=request.user, pk=message_id)


class ReadIn(Schema):
    read: bool = True


@messages_router.post("/{int:message_id}/read", response={200: MessageOut, **ERRORS},
                      summary="Mark a received message read (or unread with {\"read\": false})")
def mark_read(request, message_id: int, payload: ReadIn):
    return services.message_mark_read(actor=request.user, message_id=message_id, read=payload.read)


@messages_router.post("/{int:message_id}/unread", response={200: MessageOut, **ERRORS},
                      summary="Mark a received message unread: it counts again in its owner's inbox")
def mark_unread(request, message_id: int):
    return services.message_mark_unread(actor=request.user, message_id=message_id)


# --- Templates ------------------------------------------------------------------------------------------

class TemplateIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    channel: ChannelName = "email"
    language: LanguageName = "fr-ca"
    subject: Annotated[str, StringConstraints(max_length=200)] = ""
    body: Annotated[str, StringConstraints(max_length=20_000)]
    active: bool = True


class TemplatePatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    channel: ChannelName | None = None
    language: LanguageName | None = None
    subject: Annotated[str, StringConstraints(max_length=200)] | None = None
    body: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    active: bool | None = None
    version: Version | None = None


class TemplateOut(TemplateIn):
    id: int
    version: int


class TemplateFilters(Schema):
    channel: ChannelName | None = None
    language: LanguageName | None = None
    active: bool | None = True


@templates_router.get("", response=list[TemplateOut], summary="Message templates (active ones unless ?active=)")
@paginate
def list_templates(request, filters: Query[TemplateFilters]):
    return selectors.template_list(**filters.dict())


@templates_router.post("", response={201: TemplateOut, **ERRORS},
                       summary="Add a template with merge fields such as {{ customer.first_name }} (admin)")
def create_template(request, payload: TemplateIn):
    return Status(201, services.template_create(actor=request.user, **payload.dict()))


@templates_router.get("/{int:template_id}", response={200: TemplateOut, **ERRORS}, summary="A message template")
def get_template(request, template_id: int):
    return selectors.template_get(template_id)


@templates_router.patch("/{int:template_id}", response={200: TemplateOut, **ERRORS},
                        summary="Change a template (with `version`; admin)")
def update_template(request, template_id: int, payload: TemplatePatch):
    values, version = patch_values(payload)
    return services.template_update(actor=request.user, template_id=template_id, version=version, **values)


@templates_router.delete("/{int:template_id}", response={204: None, **ERRORS},
                         summary="Delete a template never used by a bulk send (admin)")
def delete_template(request, template_id: int):
    services.template_delete(actor=request.user, template_id=template_id)
    return Status(204, None)


# --- Provider webhooks ------------------------------------------------------------------------------------

class EventsAccepted(Schema):
    applied: int


@public_router.post("/email-events/{provider}", response={200: EventsAccepted, **ERRORS},
                    summary="Delivery, open, click, bounce and complaint events from an email provider "
                            "(generic: X-Comptoir-Signature: sha256=<HMAC of the body>; mailgun)")
def email_events(request, provider: str):
    return {"applied": inbound.email_events_receive(provider=provider, body=request.body, headers=request.headers)}
