"""Writes on users and API tokens. Permission checks come from core.permissions."""

import hashlib
import re
import unicodedata
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email
from PIL import Image, UnidentifiedImageError

from comptoir.accounts.models import LANGUAGE_CODES, ApiToken, Department, Location, Role, User
from comptoir.accounts.selectors import assignable_user, token_forget, token_remember
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden
from comptoir.core.selectors import reference_resolve
from comptoir.core.versioning import check_version, lock_one, save_versioned
from comptoir.timeline.services import timeline_record

USERS_FORBIDDEN = _("Seul un administrateur crée ou modifie les utilisateurs.")
OWN_FIELDS_ONLY = _("Vous ne pouvez modifier que votre nom, votre courriel, votre mot de passe, votre photo, "
                    "votre signature et votre langue.")
USERNAME_TAKEN = _("Ce nom d'utilisateur est déjà pris.")
USERNAME_REQUIRED = _("Le nom d'utilisateur est obligatoire.")
USERNAME_INVALID = _("Nom d'utilisateur invalide : lettres, chiffres et @ . + - _ seulement.")
BAD_EMAIL = _("Adresse courriel invalide.")
BAD_ROLE = _("Rôle inconnu : salesperson, sales_manager, reception ou admin.")
BAD_CREDENTIALS = _("Nom d'utilisateur ou mot de passe incorrect.")
PHOTO_TOO_BIG = _("La photo dépasse 5 Mo.")
PHOTO_NOT_AN_IMAGE = _("Le fichier n'est pas une image (JPEG, PNG, GIF ou WebP).")
BAD_MANAGER = _("Le directeur doit être un directeur des ventes actif.")
LAST_ADMIN = _("Il doit rester au moins un administrateur actif.")
BAD_LANGUAGE = _("Langue inconnue : fr-ca, en ou pl.")

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
SELF_EDITABLE = {"first_name", "last_name", "email", "password", "signature", "language"}
USER_FIELDS = {"username", "first_name", "last_name", "email", "role", "department", "location",
               "manager", "is_active", "password", "signature", "language"}


def _clean_email(email: str | None) -> str:
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ApplicationError(BAD_EMAIL, field="email") from None


def _clean_language(language) -> str:
    language = str(language or "").strip().lower()
    if language not in LANGUAGE_CODES:
        raise ApplicationError(BAD_LANGUAGE, field="language")
    return language


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ApplicationError(
            exc.messages[0], field="password",
            errors=[{"field": "password", "message": m} for m in exc.messages],
        ) from None


def _apply(user: User, values: dict) -> list[str]:
    """Set the given fields on `user`, cleaning each; answers the model fields changed."""
    changed = []
    for key, value in values.items():
        if key == "password":
            continue
        if key == "email":
            value = _clean_email(value)
        elif key in ("first_name", "last_name"):
            value = (value or "").strip()
        elif key == "username":
            value = (value or "").strip()
            if not value:
                raise ApplicationError(USERNAME_REQUIRED, field="username")
            if User.objects.exclude(pk=user.pk).filter(username__iexact=value).exists():
                raise Conflict(USERNAME_TAKEN, field="username")
        elif key == "role":
            if value not in Role.values:
                raise ApplicationError(BAD_ROLE, field="role")
        elif key == "language":
            value = _clean_language(value)
        elif key == "department":
            value = reference_resolve(Department, value, field="department")
        elif key == "location":
            value = reference_resolve(Location, value, field="location")
        elif key == "manager" and value is not None:
            value = User.objects.filter(pk=value, is_active=True, role=Role.SALES_MANAGER).first()
            if value is None:
                raise ApplicationError(BAD_MANAGER, field="manager")
        setattr(user, key, value)
        changed.append(key)
    if "password" in values:
        if values["password"] is None:
            user.set_unusable_password()
        else:
            _check_password(values["password"], user)
            user.set_password(values["password"])
        changed.append("password")
    try:
        user.full_clean(exclude=["password", "photo"], validate_unique=False)
    except DjangoValidationError as exc:
        if "username" in getattr(exc, "error_dict", {}):
            raise ApplicationError(USERNAME_INVALID, field="username") from None
        raise
    return changed


def _timeline_values(values: dict) -> dict:
    return {k: ("***" if k == "password" else str(v) if v is not None else None) for k, v in values.items()}


@transaction.atomic
def user_create(*, actor, username: str, password: str | None, first_name: str = "", last_name: str = "",
                email: str = "", role: str = Role.SALESPERSON, department=None, location=None,
                manager=None, language: str = settings.LANGUAGE_CODE) -> User:
    """A None password leaves the account without one until it is set."""
    permissions.require(actor, "manage_users", USERS_FORBIDDEN)
    values = {"username": username, "first_name": first_name, "last_name": last_name, "email": email,
              "role": role, "department": department, "location": location, "manager": manager,
              "language": language, "password": password}
    user = User()
    _apply(user, values)
    user.save()
    timeline_record(actor=actor, subject=user, verb="user_created", data=_timeline_values(
        {k: v for k, v in values.items() if k != "password"}))
    return user


def username_from_name(full_name: str) -> str:
    """'Anna Snelling' → 'anna.snelling': a username for an imported person."""
    ascii_name = unicodedata.normalize("NFKD", full_name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:150]


def _would_leave_no_admin(user: User, values: dict) -> bool:
    if not user.is_admin:
        return False
    demoted = values.get("role", Role.ADMIN) != Role.ADMIN or values.get("is_active", True) is False
    return demoted and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def user_update(*, actor, user_id, version: int | None = None, **values) -> User:
    """An admin edits anyone; a user edits their own names, email and password."""
    values = {k: v for k, v in values.items() if k in USER_FIELDS}
    user = lock_one(User, user_id)
    if not permissions.can_edit_user(actor, user):
        raise Forbidden(USERS_FORBIDDEN)
    if not permissions.can_manage_users(actor) and set(values) - SELF_EDITABLE:
        raise Forbidden(OWN_FIELDS_ONLY)
    check_version(user, version)
    if _would_leave_no_admin(user, values):
        raise Conflict(LAST_ADMIN, field="role" if "role" in values else "is_active")
    changed = _apply(user, values)
    save_versioned(user, changed)
    timeline_record(actor=actor, subject=user, verb="user_updated", data=_timeline_values(values))
    return user


@transaction.atomic
def user_set_language(*, actor, language: str) -> User:
    """The language `actor` chose in the top bar: every page and API answer of theirs is in it
    from then on (core.middleware), whatever their browser asks."""
    language = _clean_language(language)
    user = lock_one(User, actor.pk)
    if user.language != language:
        user.language = language
        save_versioned(user, ["language"])
        timeline_record(actor=actor, subject=user, verb="user_updated", data={"language": language})
    actor.language = language
    return user


def _check_photo(photo: UploadedFile) -> None:
    if photo.size > PHOTO_MAX_BYTES:
        raise ApplicationError(PHOTO_TOO_BIG, field="photo")
    try:
        with Image.open(photo) as image:
            image.verify()
            if image.format not in PHOTO_FORMATS:
                raise ApplicationError(PHOTO_NOT_AN_IMAGE, field="photo")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApplicationError(PHOTO_NOT_AN_IMAGE, field="photo") from None
    photo.seek(0)


@transaction.atomic
def user_set_photo(*, actor, user_id, photo: UploadedFile) -> User:
    user = lock_one(User, user_id)
    if not permissions.can_edit_user(actor, user):
        raise Forbidden(USERS_FORBIDDEN)
    _check_photo(photo)
    old = user.photo.name if user.photo else None
    user.photo.save(photo.name, photo, save=False)
    save_versioned(user, ["photo"])
    if old:
        transaction.on_commit(lambda: user.photo.storage.delete(old))
    timeline_record(actor=actor, subject=user, verb="user_photo_changed")
    return user


def salesperson_resolve(*, actor, value, field: str, forbidden_message, invalid_message) -> User | None:
    """The salesperson `actor` puts on a record: an assigner puts anyone assignable, or nobody;
    a salesperson only themselves (core.permissions.can_assign)."""
    if value is None:
        # Leaving a record to nobody makes it every salesperson's: an assigner's decision.
        if not permissions.has_capability(actor, "assign"):
            raise Forbidden(forbidden_message)
        return None
    pk = value.pk if isinstance(value, User) else value
    if not permissions.can_assign(actor, pk):
        raise Forbidden(forbidden_message)
    return assignable_user(pk, field=field, message=invalid_message)


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, username: str, password: str, name: str = "", request=None) -> tuple[ApiToken, str]:
    """Answers the stored token and the raw key, which is shown once and never stored."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApplicationError(BAD_CREDENTIALS, status=401, code="bad_credentials")
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=_hash(raw_key), prefix=raw_key[:8])
    timeline_record(actor=user, subject=user, verb="api_token_issued", data={"prefix": token.prefix})
    return token, raw_key


def token_revoke(*, actor, token: ApiToken) -> None:
    if token.user_id != actor.pk and not permissions.can_manage_users(actor):
        raise Forbidden(USERS_FORBIDDEN)
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token_forget(key_hashes=[token.key_hash])  # refused from the next request on, by every process
    if updated:
        timeline_record(actor=actor, subject=token.user, verb="api_token_revoked", data={"prefix": token.prefix})


def token_touch(token: ApiToken) -> None:
    """Record use at most every five minutes, so reads do not each cost a write."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        token_remember(token)  # the cached lookup knows it, so the next requests do not write again


def hash_token_key(raw_key: str) -> str:
    return _hash(raw_key)
