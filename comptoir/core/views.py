"""Helpers shared by the htmx pages."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


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
    """For the load balancer: this process answers (no database, no session). Also the floor that
    `make bench` measures the API's throughput against: the cheapest JSON answer Django can give."""
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})
