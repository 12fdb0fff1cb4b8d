"""/customers/{id}/merge and /merges: one record kept, the other merged into it, and the undo (API.md)."""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id
from comptoir.customers import merges_read, services
from comptoir.customers.api import CustomerCardOut, _card
from comptoir.customers.models import CustomerMerge

customer_merge_router = Router(tags=["customers"])
merges_router = Router(tags=["customers"])

ChoiceKey = Literal[merges_read.CHOICE_KEYS]
Side = Literal[merges_read.SIDES]


class MergeIn(Schema):
    other_id: Id
    keep: dict[ChoiceKey, Side] = Field(
        default_factory=dict,
        description="Where both records have a different value, which one the kept record shows: "
                    "\"survivor\" (this customer's) or \"other\" (other_id's). Unsaid: the newer record's. "
                    "\"address\" chooses the whole address, \"email\" the address with its status.")


class MergedCustomerOut(CustomerCardOut):
    other_names: list[str] = Field(description="Names it is also known by (found by ?q=)")
    other_emails: list[str] = Field(description="Secondary addresses; never mailed in bulk")
    other_email_statuses: dict[str, str] = Field(description="Each secondary address's status")
    merge: int | None = Field(None, description="The merge just done (POST /merges/{id}/undo)")



class MergeOut(Schema):
    id: int
    kept: int = Field(alias="survivor_id")
    merged: int = Field(alias="merged_id")
    kept_name: str
    merged_name: str
    actor: int | None = Field(None, alias="actor_id")
    choices: dict[str, str]
    created_at: datetime
    undone_at: datetime | None
    undone_by: int | None = Field(None, alias="undone_by_id")
    undo_until: datetime
    can_undo: bool = Field(description="Whether the caller may undo it now")

    @staticmethod
    def resolve_kept_name(obj: CustomerMerge):
        return obj.survivor.display_name

    @staticmethod
    def resolve_merged_name(obj: CustomerMerge):
        return obj.merged.display_name

    @staticmethod
    def resolve_undo_until(obj: CustomerMerge):
        return merges_read.merge_undo_until(obj)

    @staticmethod
    def resolve_can_undo(obj: CustomerMerge, context):
        request = context.get("request") if context else None
        return request is not None and merges_read.merge_undo_refusal(request.user, obj) is None


class UndoneOut(Schema):
    kept: int
    restored: int


# The operation id it had when it lived in customers.api: integrators' generated clients keep their names.
@customer_merge_router.post("/{int:customer_id}/merge", response={200: MergedCustomerOut, **ERRORS},
                            summary="Merge other_id into this customer; the other then answers 404",
                            operation_id="comptoir_customers_api_merge_customer")
def merge_customer(request, customer_id: int, payload: MergeIn):
    services.customer_merge(actor=request.user, customer_id=customer_id, other_id=payload.other_id,
                            keep=payload.keep)
    return {**_card(request, customer_id), **merges_read.merge_survivor_extras(
        customer_id=customer_id, other_id=payload.other_id)}


@merges_router.get("", response={200: list[MergeOut], **ERRORS},
                   summary="Merges, newest first; ?customer= those a customer took part in, kept or merged")
@paginate
def list_merges(request, customer: Id | None = None):
    return merges_read.customer_merge_list(actor=request.user, customer=customer)


@merges_router.post("/{int:merge_id}/undo", response={200: UndoneOut, **ERRORS},
                    summary="Undo a merge (sales manager, admin; within COMPTOIR_MERGE_UNDO_DAYS, else 409)")
def undo_merge(request, merge_id: int):
    merge = services.customer_merge_undo(actor=request.user, merge_id=merge_id)
    return {"kept": merge.survivor_id, "restored": merge.merged_id}
