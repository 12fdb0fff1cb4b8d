"""API authentication: a Bearer token (stored hashed) or the UI's session."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from comptoir.accounts.selectors import token_find_active
from comptoir.accounts.services import hash_token_key, token_touch
from comptoir.core.middleware import activate_user_language

CSRF_REFUSED = _("Vérification CSRF échouée : rechargez la page puis recommencez.")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        api_token = token_find_active(hash_token_key(token))
        if api_token is None:
            return None
        token_touch(api_token)
        request.user = api_token.user
        request.api_token = api_token
        # A program asking for a language (Accept-Language) gets it, as API.md promises; one that
        # does not is answered in its user's language. A browser's session always gets the user's
        # (core.middleware), since browsers send Accept-Language whether the user chose it or not.
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            activate_user_language(request, api_token.user)
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The web UI's session, for active users only, its writes CSRF-checked.

    Only a signed-in session is checked: CSRF protects what a cookie would let a forged page do, so a call
    with neither a session nor a valid token has nothing to protect and is unauthenticated (401), not
    forbidden. A signed-in browser's write without the CSRF token is refused (403)."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDenied(CSRF_REFUSED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [TokenAuth(), ActiveSessionAuth()]
