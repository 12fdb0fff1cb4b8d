"""/customers/{id}/merge and /merges: one record kept, the other merged into it, and the undo."""

from ninja import Router, Schema

from comptoir.core.api import ERRORS
from comptoir.core.schemas import Id
from comptoir.customers import services
from comptoir.customers.api import CustomerCardOut, _card

customer_merge_router = Router(tags=["customers"])


class MergeIn(Schema):
    other_id: Id


# The operation id it had when it lived in customers.api: integrators' generated clients keep their names.
@customer_merge_router.post("/{int:customer_id}/merge", response={200: CustomerCardOut, **ERRORS},
                            summary="Merge other_id into this customer; the other then answers 404",
                            operation_id="comptoir_customers_api_merge_customer")
def merge_customer(request, customer_id: int, payload: MergeIn):
    services.customer_merge(actor=request.user, customer_id=customer_id, other_id=payload.other_id)
    return _card(request, customer_id)
