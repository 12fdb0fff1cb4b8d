"""Helpers shared by the htmx pages."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

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
