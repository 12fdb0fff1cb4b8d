"""Web pages of the accounts app: thin, they call the same selectors as the API."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from comptoir.accounts.selectors import user_list
from comptoir.core import permissions
from comptoir.core.views import render_page_or_rows

TEAM_PAGE_SIZE = 25


@login_required
def home(request):
    return render(request, "accounts/home.html", {
        "can_admin": permissions.can_manage_settings(request.user),
    })


@login_required
def team(request):
    """The team directory, searched as you type (htmx swaps only the rows)."""
    q = request.GET.get("q", "")[:100]
    page = Paginator(user_list(actor=request.user, q=q), TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_rows(request, "accounts/team.html", "accounts/_team_rows.html", {"page": page, "q": q})
