"""Pieces of schema shared by every app's API."""

from typing import Annotated, Union

from pydantic import Field, StrictInt, StringConstraints, model_validator

from ninja import Schema
from ninja.schema import DjangoGetter

# A field that takes a list entry accepts its id or its exact name (API.md).
# StrictInt: `true` is not the entry with id 1.
ReferenceValue = Union[StrictInt, Annotated[str, StringConstraints(max_length=100)]]
Name = Annotated[str, StringConstraints(max_length=100)]
Code = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]*$")]
# A database id: a bigint, so a 25-digit number is a 422, not an overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Version = Annotated[int, Field(ge=1, description="The version read; a stale one answers 409.")]


class RowSchema(Schema):
    """A Schema for answers a selector gives as plain rows (dicts with the fields' names): pydantic reads
    them as they are. ninja's Schema wraps every object in a getter read field by field, which for a page
    of rows was half of a request's time (issue 25); a model instance still goes through it."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if type(values) is dict and not cls._ninja_resolvers and cls.model_config.get("extra") != "forbid":
            return handler(values)
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


def patch_values(payload: Schema, *, nullable: tuple[str, ...] = ()) -> tuple[dict, int | None]:
    """The fields a PATCH sent, and the version it read. A null clears only a nullable field;
    elsewhere it means "unchanged"."""
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    return {k: v for k, v in values.items() if v is not None or k in nullable}, version


Text100 = Annotated[str, StringConstraints(max_length=100)]
Text200 = Annotated[str, StringConstraints(max_length=200)]


class ContactFields(Schema):
    """The name, address and structured fields a customer and a lead share."""

    first_name: Text100 = ""
    last_name: Text100 = ""
    company: Text200 = ""
    address_line1: Text200 = ""
    address_line2: Text200 = ""
    city: Text100 = ""
    province: Annotated[str, StringConstraints(max_length=50)] = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    country: Annotated[str, StringConstraints(max_length=2)] = "CA"
    industry: Text100 = ""
    market_segment: Text100 = ""
    territory: Text100 = ""
    website: Text200 = ""


class ContactPatch(Schema):
    """The name, address and structured fields a customer and a lead share, as a PATCH sends them."""

    first_name: Text100 | None = None
    last_name: Text100 | None = None
    company: Text200 | None = None
    address_line1: Text200 | None = None
    address_line2: Text200 | None = None
    city: Text100 | None = None
    province: Annotated[str, StringConstraints(max_length=50)] | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    industry: Text100 | None = None
    market_segment: Text100 | None = None
    territory: Text100 | None = None
    website: Text200 | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
