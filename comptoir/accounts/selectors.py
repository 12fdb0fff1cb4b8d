"""Reads on users and API tokens."""

from django.core.cache import cache
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from comptoir.accounts.models import ApiToken, User
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.core.text import is_small_id


def user_list(*, actor, q: str | None = None, role: str | None = None, department=None,
              location=None, active: bool | None = True) -> QuerySet:
    """API.md: any signed-in user may list names, for assignment."""
    queryset = User.objects.select_related("department", "location")
    if active is not None:
        queryset = queryset.filter(is_active=active)
    if role:
        queryset = queryset.filter(role=role)
    if department:
        queryset = queryset.filter(Q(department__code=department) | Q(department__pk=_int_or_none(department)))
    if location:
        queryset = queryset.filter(Q(location__code=location) | Q(location__pk=_int_or_none(location)))
    for word in (q or "").split()[:5]:
        queryset = queryset.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word)
            | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return queryset.order_by("last_name", "first_name", "username", "pk")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def user_get(*, actor, pk) -> User:
    user = User.objects.select_related("department", "location").filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


ASSIGNABLE = Q(is_active=True, department__isnull=False)


def users_assignable() -> QuerySet:
    """DESIGN: only an active user who belongs to a department may be put on a record; by name."""
    return User.objects.filter(ASSIGNABLE).order_by("last_name", "first_name", "username", "pk")


def assignable_user(pk, *, field: str, message) -> User:
    """DESIGN: only an active user who belongs to a department may be put on a record."""
    user = users_assignable().filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise ApplicationError(message, field=field)
    return user


# Issue 25: every API request looked its token and user up again (one query with three joins). They are
# kept a short while in the shared cache; a revocation and every save of the user or the token forget them
# at once (token_forget, wired in apps.py), so a revoked token or a deactivated user is refused on the next
# request. Only a raw UPDATE that bypasses both (never done by the product) waits for TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 30
_MISSING = "missing"


def _token_cache_key(key_hash: str) -> str:
    return f"comptoir:api-token:{key_hash}"


def token_find_active(key_hash: str) -> ApiToken | None:
    cached = cache.get(_token_cache_key(key_hash))
    if cached is not None:
        return None if cached == _MISSING else cached
    token = (
        ApiToken.objects.select_related("user", "user__department", "user__location")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    # An unknown key is not remembered: guessing keys must not fill the cache.
    if token is not None:
        token_remember(token)
    return token


def token_remember(token: ApiToken) -> None:
    cache.set(_token_cache_key(token.key_hash), token, TOKEN_CACHE_SECONDS)


def token_forget(*, user_id: int | None = None, key_hashes=()) -> None:
    """Drop the cached lookups of these tokens, or of every token of the user `user_id`."""
    hashes = list(key_hashes)
    if user_id is not None:
        hashes += ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True)
    if hashes:
        cache.delete_many([_token_cache_key(key_hash) for key_hash in hashes])


def user_find(text) -> User | None:
    """The user a file names: by id, username, email or full name (accents and case ignored)."""
    text = str(text or "").strip()
    if not text:
        return None
    if is_small_id(text):
        found = User.objects.filter(pk=int(text)).first()
        if found:
            return found
    found = User.objects.filter(username__iexact=text).first() or User.objects.filter(email__iexact=text).first()
    if found:
        return found
    full = Concat(Lower("first_name"), Value(" "), Lower("last_name"))
    return User.objects.annotate(full=full).filter(full=" ".join(text.lower().split())).order_by("pk").first()
