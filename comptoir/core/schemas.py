"""Pieces of schema shared by every app's API."""

from typing import Annotated, Union

from pydantic import Field, StrictInt, StringConstraints

from ninja import Schema

# A field that takes a list entry accepts its id or its exact name (API.md).
# StrictInt: `true` is not the entry with id 1.
ReferenceValue = Union[StrictInt, Annotated[str, StringConstraints(max_length=100)]]
Name = Annotated[str, StringConstraints(max_length=100)]
Code = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]*$")]
# A database id: a bigint, so a 25-digit number is a 422, not an overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Version = Annotated[int, Field(ge=1, description="The version read; a stale one answers 409.")]


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
