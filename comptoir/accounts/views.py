"""Web pages of the accounts app: thin, they call the same selectors as the API."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import i18n

from comptoir.accounts.models import LANGUAGE_CODES
from comptoir.accounts.selectors import user_list
from comptoir.accounts.services import user_set_language
from comptoir.core.throttling import address_throttle
from comptoir.core.views import render_page_or_rows

LOGIN_THROTTLE = address_throttle("login", settings.COMPTOIR_TOKEN_THROTTLE)


class LoginView(auth_views.LoginView):
    """Sign-in, with the token endpoint's limit on attempts per address (429 beyond)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not LOGIN_THROTTLE.allow_request(request):
            return render(request, self.template_name, {"form": self.get_form(), "throttled": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # The next page is in the user's language (core.middleware); the cookie keeps it on this
        # browser's sign-in page after they sign out.
        response = super().form_valid(form)
        _remember_language(response, form.get_user().language)
        return response


def _remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request):
    """The top bar's language switch: Django's set_language (cookie, then back to `next`), and for
    a signed-in user the choice saved on their account, so every device shows it."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER)
    if request.method == "POST" and request.user.is_authenticated and language in LANGUAGE_CODES:
        user_set_language(actor=request.user, language=language)
    return response


TEAM_PAGE_SIZE = 25


@login_required
def team(request):
    """The team directory, searched as you type (htmx swaps only the rows)."""
    q = request.GET.get("q", "")[:100]
    page = Paginator(user_list(actor=request.user, q=q), TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_rows(request, "accounts/team.html", "accounts/_team_rows.html", {"page": page, "q": q})
