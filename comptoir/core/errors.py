"""Every exception → the contract's error body `{"detail", "errors"}` (API.md: errors).

This is the only module that builds an error body: endpoints just raise.
"""

import json
import logging

from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, \
    SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from comptoir.core.exceptions import FORBIDDEN, NOT_FOUND, ApplicationError

try:  # Django's PostgreSQL connection pool (settings: COMPTOIR_DB_POOL_MAX); absent on SQLite-only installs.
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover
    PoolTimeout = None

logger = logging.getLogger(__name__)

INVALID_DATA = _("Données invalides : corrigez les champs indiqués.")
UNREADABLE_BODY = _("Le corps de la requête n'est pas du JSON valide.")
AUTHENTICATION_REQUIRED = _("Authentification requise : envoyez « Authorization: Bearer <jeton> ».")
DUPLICATE_VALUE = _("Conflit : une fiche avec cette valeur existe déjà.")
TOO_MANY_REQUESTS = _("Trop de requêtes : réessayez dans un moment.")
OUT_OF_RANGE = _("Valeur hors limites ou illisible pour la base de données.")
INTERNAL_ERROR = _("Erreur interne : l'incident est consigné.")
MULTIPART_UNREADABLE = _("Corps multipart/form-data illisible : la frontière (boundary) manque ou est invalide.")
BODY_INCOMPLETE = _("Corps de la requête incomplet : l'envoi a été interrompu.")
BODY_TOO_LARGE = _("Corps de la requête trop volumineux.")
BAD_REQUEST = _("Requête mal formée.")
MULTIPART_EXPECTED = _("Type de contenu non pris en charge : envoyez le fichier en multipart/form-data.")
JSON_EXPECTED = _("Type de contenu non pris en charge : envoyez du JSON (application/json).")
METHOD_NOT_ALLOWED = _("Méthode non permise à cette adresse.")
SERVICE_BUSY = _("Service momentanément surchargé : réessayez dans un moment.")

# Pydantic writes its messages in English; the common ones are said in the user's language.
PYDANTIC_MESSAGES = {
    "missing": _("Champ obligatoire."),
    "string_type": _("Texte attendu."),
    "int_type": _("Nombre entier attendu."),
    "int_parsing": _("Nombre entier attendu."),
    "bool_type": _("Vrai ou faux attendu."),
    "bool_parsing": _("Vrai ou faux attendu."),
    "decimal_type": _("Nombre décimal attendu."),
    "decimal_parsing": _("Nombre décimal attendu."),
    "list_type": _("Liste attendue."),
    "dict_type": _("Objet attendu."),
    "model_attributes_type": _("Objet JSON attendu."),
    "model_type": _("Objet JSON attendu."),
    "literal_error": _("Valeur non permise : %(expected)s."),
    "string_too_long": _("Texte trop long : %(max_length)s caractères au plus."),
    "string_too_short": _("Texte trop court : %(min_length)s caractère(s) au moins."),
    "too_long": _("Trop d'éléments : %(max_length)s au plus."),
    "greater_than_equal": _("Doit être supérieur ou égal à %(ge)s."),
    "less_than_equal": _("Doit être inférieur ou égal à %(le)s."),
    "string_pattern_mismatch": _("Format invalide."),
    "datetime_parsing": _("Date et heure ISO 8601 attendues."),
    "date_parsing": _("Date ISO 8601 attendue (AAAA-MM-JJ)."),
    "decimal_max_places": _("Trop de décimales : %(decimal_places)s au plus."),
    "decimal_max_digits": _("Nombre trop grand."),
}

# Pydantic's location prefixes that say where a value came from, not which field it is.
_LOCATION_PREFIXES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


def error_body(detail, errors=()):
    return {"detail": str(detail), "errors": [
        {"field": e.get("field"), "message": str(e["message"])} for e in errors
    ]}


def _field_from_location(loc) -> str | None:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOCATION_PREFIXES:
        parts.pop(0)
    if not parts and len(loc) > 1 and str(loc[0]) in ("file", "form"):
        return str(loc[-1])  # an upload field named like a location: `file`
    return ".".join(parts) or None


def _pydantic_message(err: dict) -> str:
    template = PYDANTIC_MESSAGES.get(err.get("type"))
    if template is None:
        return err.get("msg", "")
    try:
        return str(template) % {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return err.get("msg", "")


def _pydantic_errors(raw_errors) -> list[dict]:
    return [
        {"field": _field_from_location(err.get("loc", ())), "message": _pydantic_message(err)}
        for err in raw_errors
    ]


def _django_validation_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def _is_pool_timeout(exc: OperationalError) -> bool:
    """Every connection of this process's pool stayed busy for COMPTOIR_DB_POOL_TIMEOUT seconds."""
    return PoolTimeout is not None and isinstance(exc.__cause__, PoolTimeout)


def _file_sent_otherwise(request, raw_errors) -> bool:
    """A file parameter is missing because the body is not multipart at all (JSON, text, a form)."""
    return request.content_type != "multipart/form-data" and any(
        err.get("type") == "missing" and tuple(err.get("loc", ()))[:1] == ("file",) for err in raw_errors
    )


def register_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status, detail, errors=()):
        return api.create_response(request, error_body(detail, errors), status=status)

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return respond(request, exc.status, exc.message, exc.errors)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        if _file_sent_otherwise(request, exc.errors):
            return respond(request, 415, MULTIPART_EXPECTED, _pydantic_errors(exc.errors))
        return respond(request, 422, INVALID_DATA, _pydantic_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc: DjangoValidationError):
        return respond(request, 422, INVALID_DATA, _django_validation_errors(exc))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return respond(request, 401, AUTHENTICATION_REQUIRED)

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        response = respond(request, 429, TOO_MANY_REQUESTS)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja raises HttpError(400) for a body it cannot parse.
        detail = UNREADABLE_BODY if exc.status_code == 400 else str(exc)
        return respond(request, exc.status_code, detail)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, str(exc) or FORBIDDEN)

    # Exceptions that always mean one status and one message.
    fixed = [
        ((Http404, ObjectDoesNotExist), 404, NOT_FOUND),
        ((IntegrityError,), 409, DUPLICATE_VALUE),
        # A value the database cannot hold (a NUL byte, a number past its range): the request is wrong.
        ((DataError, OverflowError), 422, OUT_OF_RANGE),
        # Bodies Django cannot read (request.POST, .FILES, .body): the request is wrong, not the server.
        ((MultiPartParserError,), 400, MULTIPART_UNREADABLE),
        ((UnreadablePostError,), 400, BODY_INCOMPLETE),
        ((RequestDataTooBig,), 413, BODY_TOO_LARGE),
        ((SuspiciousOperation, BadRequest), 400, BAD_REQUEST),
        # The form was read (a browser session's CSRF check reads it), so there is no JSON body left.
        ((RawPostDataException,), 415, JSON_EXPECTED),
    ]
    for exception_classes, status, message in fixed:
        for exception_class in exception_classes:
            api.add_exception_handler(
                exception_class,
                lambda request, exc, status=status, message=message: respond(request, status, message),
            )

    @api.exception_handler(OperationalError)
    def database_unavailable(request, exc: OperationalError):
        if _is_pool_timeout(exc):
            logger.warning("No database connection free for %s %s: %s", request.method, request.path, exc)
            response = respond(request, 503, SERVICE_BUSY)
            response["Retry-After"] = "5"
            return response
        return unexpected(request, exc)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return respond(request, 500, INTERNAL_ERROR)


# Under /api/v1/, even what Django itself answers (an unknown path, a method the path does not take, a body
# it could not read, a server error) is the contract's JSON body (API.md: errors); pages keep their HTML.
API_PREFIX = "/api/v1/"
_FIXED_DETAILS = {
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    413: BODY_TOO_LARGE,
    500: INTERNAL_ERROR,
    503: SERVICE_BUSY,
}


def api_error_as_json(request, response):
    """An error response for an API path that is not JSON yet becomes `{"detail", "errors"}` (same status and
    headers: Allow, Retry-After, cookies); anything else is left as it is."""
    if (response.status_code < 400 or response.streaming or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")):
        return response
    detail = _FIXED_DETAILS.get(response.status_code, response.reason_phrase)
    response.content = json.dumps(error_body(detail))
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response
