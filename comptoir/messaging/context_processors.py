"""The topbar's count of unread replies (« Courriels »), for every page a signed-in user sees."""

from django.utils.functional import SimpleLazyObject

from comptoir.messaging.selectors import inbox_unread_count


def inbox(request) -> dict:
    """`inbox_unread`: one COUNT query, run only when a template prints it (htmx fragments, the API and
    anonymous pages pay nothing), at most once per page."""

    def count() -> int:
        return inbox_unread_count(getattr(request, "user", None))

    return {"inbox_unread": SimpleLazyObject(count)}
