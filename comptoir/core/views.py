"""Helpers shared by the htmx pages."""

from contextlib import contextmanager

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from comptoir.core.exceptions import ApplicationError
from comptoir.core.selectors import worker_status
from comptoir.core.text import is_small_id


def render_page_or_rows(request, page_template: str, rows_template: str, context: dict):
    """The whole page, or only its rows when htmx asks (search as you type).

    The answer varies with HX-Request, so the browser's back button never shows the rows
    alone in place of the page.
    """
    template = rows_template if request.headers.get("HX-Request") else page_template
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def healthz(request):
    """For the load balancer: this process answers (no session), and whether the background worker keeps
    up (DESIGN, Running): "worker" is "ok", "stale" (tasks wait, no worker seen for two minutes) or "idle"
    (none seen, nothing waits). The web answers 200 whatever the worker does: a load balancer must not
    drop a sound web server because the worker is down; a monitor alerts on "stale".

    Also the floor that `make bench` measures the API's throughput against, so it stays near the cheapest
    JSON answer Django can give: the status is one cache read, and once every few seconds one small
    indexed query (two when no worker is alive)."""
    return JsonResponse({"status": "ok", "worker": worker_status()})


def posted_version(request) -> int | None:
    """The `version` a page's form read (optimistic locking): a whole number, or none."""
    value = request.POST.get("version", "")
    return int(value) if is_small_id(value) else None


class Refusal:
    """What a service refused in a `catch_refusal` block: true when it refused, with its error."""

    error: ApplicationError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self):
        return self.error.message if self.error is not None else None


@contextmanager
def catch_refusal(*, let_through: type[ApplicationError] | tuple = ()):
    """Keeps the `ApplicationError` the block raises in the `Refusal` it yields, and leaves the block there;
    `let_through` (NotFound, say) still escapes, as a 404."""
    refusal = Refusal()
    try:
        yield refusal
    except let_through:
        raise
    except ApplicationError as error:
        refusal.error = error


@contextmanager
def refusal_as_message(request):
    """How a page answers a service's refusal (`ApplicationError`): its message becomes the error message
    of the page shown next, and the view carries on after the block, with its redirect. What follows a
    success (its message, a redirect of its own) goes inside the block, which a refusal leaves:

        with refusal_as_message(request):
            services.task_complete(actor=request.user, task_id=pk)
            messages.success(request, _("Tâche faite."))
        return redirect("my-day")

    The yielded `Refusal` is true after a refusal, for a view that then goes elsewhere. A page that shows
    the refusal in its own form (status 4xx) catches it itself."""
    with catch_refusal() as refusal:
        yield refusal
    if refusal:
        messages.error(request, str(refusal.message))
