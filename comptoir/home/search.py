"""The topbar's search: customers, leads and opportunities (by number) in one answer."""

from comptoir.customers.selectors import customer_list
from comptoir.leads.selectors import lead_list
from comptoir.sales.selectors import opportunity_list

SEARCH_LIMIT = 10


def search_everything(*, actor, q: str | None, limit: int = SEARCH_LIMIT) -> dict:
    """The first `limit` of each kind the actor may see, through each app's own list selector (the
    same matching as their lists: phone tail, email or accentless name for customers, the number's
    start or the customer for opportunities). Three queries and their related lists, whatever `q`."""
    text = (q or "").strip()[:100]
    if len(text) < 2:
        return {"q": text, "customers": [], "leads": [], "opportunities": []}
    return {
        "q": text,
        "customers": list(customer_list(actor=actor, q=text)[:limit]),
        "leads": list(lead_list(actor=actor, q=text)[:limit]),
        "opportunities": list(opportunity_list(actor=actor, q=text)[:limit]),
    }
