from comptoir.customers.tests.factories import CustomerValues
from comptoir.walkins.services import walk_in_record


def make_walk_in(actor, *, customer=None, salesperson=None, **values):
    """Walk-ins go through the service (customer rules, task, timeline), as reception records them; a new
    customer of made-up values unless one is given."""
    if customer is None and "new_customer" not in values:
        values["new_customer"] = CustomerValues()
    return walk_in_record(actor=actor, customer=getattr(customer, "pk", customer),
                          salesperson=getattr(salesperson, "pk", salesperson), **values)
