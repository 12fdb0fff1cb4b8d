"""The reference lists (/media, /sources, /tags, /lost-reasons, /task-types) and /settings."""

from decimal import Decimal
from typing import Annotated, Literal

from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.core import services
from comptoir.core.exceptions import NotFound
from comptoir.core.models import Competitor, LostReason, Media, ReferenceItem, Source, Tag, TaskType
from comptoir.core.schemas import Code, ErrorOut, Name, Version, patch_values
from comptoir.core.selectors import object_by_id, reference_list, site_settings_get

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ReferenceItemOut(Schema):
    id: int
    code: str | None
    name: str
    name_en: str
    name_pl: str
    label: str
    position: int
    active: bool
    version: int


class ReferenceItemIn(Schema):
    name: Name = Field(min_length=1)
    name_en: Name = ""
    name_pl: Name = ""
    code: Code | None = None
    position: int = Field(0, ge=0, le=1_000_000)
    active: bool = True


class ReferenceItemPatch(Schema):
    name: Name | None = Field(None, min_length=1)
    name_en: Name | None = None
    name_pl: Name | None = None
    code: Code | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)
    active: bool | None = None
    version: Version | None = None


def reference_router(model: type[ReferenceItem], *, tag: str, out=ReferenceItemOut,
                     create=ReferenceItemIn, patch=ReferenceItemPatch) -> Router:
    """List and detail for every signed-in user; create and rename/deactivate for admins."""
    router = Router(tags=[tag])
    slug = tag.replace("-", "_")

    @router.get("", response=list[out], summary=f"List {tag}", operation_id=f"list_{slug}")
    @paginate
    def list_items(request, q: str | None = Query(None, max_length=100), active: bool | None = None):
        return reference_list(model, q=q, active=active)

    @router.get("/{int:item_id}", response={200: out, **ERRORS}, summary=f"Get one of {tag}",
                operation_id=f"get_{slug}")
    def get_item(request, item_id: int):
        item = object_by_id(model, item_id)
        if item is None:
            raise NotFound()
        return item

    @router.post("", response={201: out, **ERRORS}, summary=f"Create one of {tag} (admin)",
                 operation_id=f"create_{slug}")
    def create_item(request, payload: create):
        return Status(201, services.reference_item_create(actor=request.user, model=model, **payload.dict()))

    @router.patch("/{int:item_id}", response={200: out, **ERRORS},
                  summary=f"Rename, reorder or deactivate one of {tag} (admin)",
                  operation_id=f"update_{slug}")
    def update_item(request, item_id: int, payload: patch):
        values, version = patch_values(payload, nullable=("code",))
        return services.reference_item_update(
            actor=request.user, model=model, pk=item_id, version=version, **values
        )

    return router


media_router = reference_router(Media, tag="media")
sources_router = reference_router(Source, tag="sources")
tags_router = reference_router(Tag, tag="tags")
lost_reasons_router = reference_router(LostReason, tag="lost-reasons")
task_types_router = reference_router(TaskType, tag="task-types")
competitors_router = reference_router(Competitor, tag="competitors")


class TaxRuleOut(Schema):
    code: str
    name: str
    name_en: str
    rate: Decimal
    applies_to: list[str] = ["standard"]


class TaxIn(Schema):
    code: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    name_en: Annotated[str, StringConstraints(max_length=50)] = ""
    rate: Decimal = Field(ge=0, le=100, max_digits=6, decimal_places=3)
    applies_to: list[Annotated[str, StringConstraints(min_length=1, max_length=20)]] = Field(
        default_factory=lambda: ["standard"], max_length=20, description="Line tax classes it applies to")


RoleName = Literal["salesperson", "sales_manager", "reception", "admin"]
StatusAction = Literal["win", "lose", "suspend", "resume", "reopen"]
Scope = Literal["own", "any"]


class SettingsOut(Schema):
    placeholder_email_domain: str
    fake_email_patterns: list[str]
    email_ratio_target_pct: Decimal
    email_missing_points: int
    default_phone_region: str
    currency: str
    taxes: list[TaxRuleOut]
    trade_in_tax_credit: bool
    margin_warning_pct: Decimal
    status_matrix: dict[str, dict[str, str]]
    dealer_legal_name: str
    dealer_trade_name: str
    dealer_address: str
    dealer_city: str
    dealer_province: str
    dealer_postal_code: str
    dealer_phone: str
    dealer_email: str
    dealer_website: str
    gst_number: str = Field(description="The dealer's GST registration, as 123456789 RT0001")
    qst_number: str = Field(description="The dealer's QST registration, as 1234567890 TQ0001")
    dealer_permit: str
    dealer_logo: bool = Field(description="Whether a logo is set (POST /settings/logo)")
    version: int

    @staticmethod
    def resolve_dealer_logo(obj) -> bool:
        return bool(obj.dealer_logo)


def _text(max_length: int):
    return Annotated[str, StringConstraints(max_length=max_length)] | None


class SettingsPatch(Schema):
    placeholder_email_domain: Annotated[str, StringConstraints(min_length=3, max_length=100)] | None = None
    fake_email_patterns: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] | None = Field(
        None, max_length=500
    )
    email_ratio_target_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    email_missing_points: int | None = Field(None, ge=0, le=1000)
    default_phone_region: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    taxes: list[TaxIn] | None = Field(None, max_length=20)
    trade_in_tax_credit: bool | None = None
    margin_warning_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    status_matrix: dict[RoleName, dict[StatusAction, Scope]] | None = None
    # DESIGN (Running): the dealer's identity, printed on every customer document and email footer;
    # "" clears a field.
    dealer_legal_name: _text(200) = None
    dealer_trade_name: _text(200) = None
    dealer_address: _text(200) = None
    dealer_city: _text(100) = None
    dealer_province: _text(40) = None
    dealer_postal_code: _text(20) = None
    dealer_phone: _text(40) = None
    dealer_email: _text(254) = None
    dealer_website: _text(200) = None
    gst_number: _text(40) = Field(None, description="123456789 RT0001, spaces and dashes optional")
    qst_number: _text(40) = Field(None, description="1234567890 TQ0001, spaces and dashes optional")
    dealer_permit: _text(40) = None
    version: Version | None = None


settings_router = Router(tags=["settings"])


@settings_router.get("", response=SettingsOut, summary="Site settings")
def get_settings(request):
    return site_settings_get()


@settings_router.patch("", response={200: SettingsOut, **ERRORS}, summary="Change site settings (admin)")
def update_settings(request, payload: SettingsPatch):
    values, version = patch_values(payload)
    return services.site_settings_update(actor=request.user, version=version, **values)


@settings_router.post("/logo", response={200: SettingsOut, **ERRORS},
                      summary="Upload the dealer's logo (admin; multipart field `logo`: PNG, JPEG, GIF or WebP, "
                              "2 MB at most), printed on quotes and contracts")
def upload_logo(request, logo: File[UploadedFile]):
    return services.site_settings_set_logo(actor=request.user, logo=logo)


@settings_router.delete("/logo", response={200: SettingsOut, **ERRORS}, summary="Take the dealer's logo away (admin)")
def delete_logo(request):
    return services.site_settings_set_logo(actor=request.user, logo=None)
