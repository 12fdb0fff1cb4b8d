"""API authentication: a Bearer token (stored hashed) or the UI's session."""

from ninja.security import HttpBearer, SessionAuth

from comptoir.accounts.selectors import token_find_active
from comptoir.accounts.services import hash_token_key, token_touch
from comptoir.core.middleware import activate_user_language


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
    """The web UI's session (CSRF-checked by ninja), for active users only."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [TokenAuth(), ActiveSessionAuth()]
