"""/attachments: files on a customer's or an opportunity's card (PDF, photos, office files)."""

from datetime import datetime
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from comptoir.attachments import selectors, services
from comptoir.attachments.models import Attachment
from comptoir.attachments.views import file_response
from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    customer: int | None = Field(None, alias="customer_id")
    opportunity: int | None = Field(None, alias="opportunity_id")
    original_name: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: int | None = Field(None, alias="uploaded_by_id")
    uploaded_by_name: str | None
    created_at: datetime
    download_url: str

    @staticmethod
    def resolve_uploaded_by_name(obj: Attachment):
        return obj.uploaded_by.display_name if obj.uploaded_by_id else None

    @staticmethod
    def resolve_download_url(obj: Attachment):
        # The file itself, for a token as for a session (the card's own link is /attachments/<id>/).
        return reverse("api:attachment_file", args=[obj.pk])


class AttachmentFilters(Schema):
    customer: Id | None = None
    opportunity: Id | None = None


class ShareOut(Schema):
    url: str
    expires_at: datetime


@router.get("", response={200: list[AttachmentOut], **ERRORS},
            summary="Files on a card (?customer= or ?opportunity=; without either, every file one may see)")
@paginate
def list_attachments(request, filters: Query[AttachmentFilters]):
    return selectors.attachment_list(actor=request.user, customer=filters.customer, opportunity=filters.opportunity)


@router.post("", response={201: AttachmentOut, **ERRORS},
             summary="Add a file to a customer or an opportunity (multipart: file, customer | opportunity, "
                     "description); its kind is read from its content")
def create_attachment(request, file: File[UploadedFile], customer: Form[Id | None] = None,
                      opportunity: Form[Id | None] = None,
                      description: str = Form("", max_length=500)):
    attachment = services.attachment_add(actor=request.user, upload=file, customer=customer,
                                         opportunity=opportunity, description=description)
    return Status(201, selectors.attachment_get(actor=request.user, pk=attachment.pk))


@router.get("/{int:attachment_id}", response={200: AttachmentOut, **ERRORS}, summary="A file's details")
def get_attachment(request, attachment_id: int):
    return selectors.attachment_get(actor=request.user, pk=attachment_id)


@router.get("/{int:attachment_id}/file", response={200: None, **ERRORS}, url_name="attachment_file",
            summary="The file itself, with its name (Content-Disposition)")
def download_attachment(request, attachment_id: int):
    return file_response(selectors.attachment_get(actor=request.user, pk=attachment_id))


@router.delete("/{int:attachment_id}", response={204: None, **ERRORS},
               summary="Delete a file (the one who added it, a sales manager, an admin)")
def delete_attachment(request, attachment_id: int):
    services.attachment_delete(actor=request.user, attachment_id=attachment_id)
    return Status(204, None)


@router.post("/{int:attachment_id}/share", response={200: ShareOut, **ERRORS},
             summary="A signed link to the file that works without signing in, for "
                     "COMPTOIR_ATTACHMENT_LINK_DAYS days (7)")
def share_attachment(request, attachment_id: int):
    return services.attachment_share(actor=request.user, attachment_id=attachment_id)
