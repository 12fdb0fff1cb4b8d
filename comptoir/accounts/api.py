"""/auth/token, /me, /users, /departments, /locations."""

from typing import Annotated, Literal

from django.conf import settings
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from comptoir.accounts import selectors, services
from comptoir.accounts.auth import api_auth
from comptoir.accounts.models import LANGUAGE_CODES, Department, Location, User
from comptoir.core.api import ERRORS, ReferenceItemIn, ReferenceItemOut, ReferenceItemPatch, reference_router
from comptoir.core.throttling import address_throttle
from comptoir.core.schemas import Id, ReferenceValue, Version, patch_values

RoleName = Literal["salesperson", "sales_manager", "reception", "admin"]
LanguageCode = Literal[LANGUAGE_CODES]  # "fr-ca", "en", "pl" (settings.LANGUAGES)
Username = Annotated[str, StringConstraints(min_length=1, max_length=150)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
PersonName = Annotated[str, StringConstraints(max_length=150)]
Email = Annotated[str, StringConstraints(max_length=254)]

auth_router = Router(tags=["auth"])
# Guessing passwords through the token endpoint is slowed per client address.
TOKEN_THROTTLE = address_throttle("token", settings.COMPTOIR_TOKEN_THROTTLE)


class TokenIn(Schema):
    username: Username
    password: Password
    name: Annotated[str, StringConstraints(max_length=100)] = ""


class TokenOut(Schema):
    token: str
    user: int


@auth_router.post("/token", auth=None, response={200: TokenOut, **ERRORS},
                  throttle=[TOKEN_THROTTLE],
                  summary="Exchange a username and password for a bearer token")
def issue_token(request, payload: TokenIn):
    token, raw_key = services.token_issue(
        username=payload.username, password=payload.password, name=payload.name, request=request
    )
    return {"token": raw_key, "user": token.user_id}


@auth_router.delete("/token", auth=api_auth, response={204: None, **ERRORS},
                    summary="Revoke the token this request is signed with")
def revoke_token(request):
    token = getattr(request, "api_token", None)
    if token is not None:
        services.token_revoke(actor=request.user, token=token)
    return Status(204, None)


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    display_name: str
    email: str
    role: str
    department: str | None = Field(None, description="The department's code")
    location: int | None
    location_name: str | None
    manager: int | None
    photo_url: str | None
    signature: str
    language: LanguageCode = Field(description="The language of their pages and API answers")
    is_active: bool
    version: int

    @staticmethod
    def resolve_department(obj: User):
        return (obj.department.code or obj.department.name) if obj.department_id else None

    @staticmethod
    def resolve_location(obj: User):
        return obj.location_id

    @staticmethod
    def resolve_manager(obj: User):
        return obj.manager_id

    @staticmethod
    def resolve_location_name(obj: User):
        return obj.location.label if obj.location_id else None

    @staticmethod
    def resolve_photo_url(obj: User):
        return obj.photo.url if obj.photo else None


class UserIn(Schema):
    username: Username
    password: Password
    first_name: PersonName = ""
    last_name: PersonName = ""
    email: Email = ""
    role: RoleName = "salesperson"
    department: ReferenceValue | None = None
    location: ReferenceValue | None = None
    manager: Id | None = None
    language: LanguageCode = settings.LANGUAGE_CODE


class UserPatch(Schema):
    username: Username | None = None
    password: Password | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    role: RoleName | None = None
    department: ReferenceValue | None = None
    location: ReferenceValue | None = None
    manager: Id | None = None
    is_active: bool | None = None
    signature: Annotated[str, StringConstraints(max_length=1_000)] | None = None
    language: LanguageCode | None = None
    version: Version | None = None


users_router = Router(tags=["users"])


@users_router.get("", response=list[UserOut], summary="List users (any signed-in user, for assignment)")
@paginate
def list_users(request, q: str | None = Query(None, max_length=100), role: RoleName | None = None,
               department: str | None = Query(None, max_length=100),
               location: str | None = Query(None, max_length=100), active: bool = True):
    return selectors.user_list(
        actor=request.user, q=q, role=role, department=department, location=location, active=active
    )


@users_router.post("", response={201: UserOut, **ERRORS}, summary="Create a user (admin)")
def create_user(request, payload: UserIn):
    user = services.user_create(actor=request.user, **payload.dict())
    return Status(201, selectors.user_get(actor=request.user, pk=user.pk))


@users_router.get("/{int:user_id}", response={200: UserOut, **ERRORS})
def get_user(request, user_id: int):
    return selectors.user_get(actor=request.user, pk=user_id)


@users_router.patch("/{int:user_id}", response={200: UserOut, **ERRORS},
                    summary="Change a user (admin; a user changes their own name, email, password, signature, "
                            "language)")
def update_user(request, user_id: int, payload: UserPatch):
    values, version = patch_values(payload, nullable=("department", "location", "manager"))
    services.user_update(actor=request.user, user_id=user_id, version=version, **values)
    return selectors.user_get(actor=request.user, pk=user_id)


@users_router.post("/{int:user_id}/photo", response={200: UserOut, **ERRORS},
                   summary="Upload a user's photo (JPEG, PNG, GIF or WebP, 5 MB at most)")
def upload_photo(request, user_id: int, photo: File[UploadedFile]):
    services.user_set_photo(actor=request.user, user_id=user_id, photo=photo)
    return selectors.user_get(actor=request.user, pk=user_id)


me_router = Router(tags=["users"])


@me_router.get("", response=UserOut, summary="The signed-in user")
def get_me(request):
    return selectors.user_get(actor=request.user, pk=request.user.pk)


class LocationOut(ReferenceItemOut):
    address: str
    city: str
    province: str
    postal_code: str
    phone: str


_Address = Annotated[str, StringConstraints(max_length=200)]


class LocationIn(ReferenceItemIn):
    address: _Address = ""
    city: Annotated[str, StringConstraints(max_length=100)] = ""
    province: Annotated[str, StringConstraints(max_length=50)] = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    phone: Annotated[str, StringConstraints(max_length=30)] = ""


class LocationPatch(ReferenceItemPatch):
    address: _Address | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    province: Annotated[str, StringConstraints(max_length=50)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None


departments_router = reference_router(Department, tag="departments")
locations_router = reference_router(
    Location, tag="locations", out=LocationOut, create=LocationIn, patch=LocationPatch
)
