"""Comptoir's own middleware: the request log, the API's error bodies, the user's language.

A signed-in user's language (User.language) over what the browser asks: Django's LocaleMiddleware picks
the language from the language cookie, then Accept-Language. That is right for anonymous pages (the
sign-in page, unsubscribe links), but a salesperson who chose English on a shared showroom computer, or
whose browser says French, still reads English: the choice is theirs, kept on their account, the same on
every device."""

import logging
import time

from django.conf import settings
from django.utils import translation

from comptoir.core.errors import api_error_as_json

request_logger = logging.getLogger("comptoir.requests")


class RequestLogMiddleware:
    """One line per request at INFO: method, path (no query string: it may carry a search or a key), status
    and duration in milliseconds. First in MIDDLEWARE, so the time is the whole of Django's, and the status
    the one sent. It replaces runserver's and gunicorn's access lines (settings LOGGING, `comptoir serve`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if request_logger.isEnabledFor(logging.INFO):
            duration_ms = (time.perf_counter() - started) * 1000
            request_logger.info("%s %s %s %.0fms", request.method, request.path, response.status_code, duration_ms,
                                extra={"method": request.method, "path": request.path,
                                       "status": response.status_code, "duration_ms": round(duration_ms, 1)})
        return response


class ApiErrorBodyMiddleware:
    """What Django answers by itself under /api/v1/ (an unknown path's 404, a 405, a 400 for a body it could not
    read, a 500 outside the API's handlers) in the contract's JSON body, like every other API error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return api_error_as_json(request, self.get_response(request))


def activate_user_language(request, user) -> None:
    """Answer this request in `user`'s language (pages, their API calls, error messages)."""
    language = getattr(user, "language", None)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (it needs request.user) and LocaleMiddleware (it overrides it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)
