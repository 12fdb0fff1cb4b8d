"""A signed-in user's language (User.language) over what the browser asks.

Django's LocaleMiddleware picks the language from the language cookie, then Accept-Language. That
is right for anonymous pages (the sign-in page, unsubscribe links), but a salesperson who chose
English on a shared showroom computer, or whose browser says French, still reads English: the
choice is theirs, kept on their account, the same on every device."""

from django.conf import settings
from django.utils import translation


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
