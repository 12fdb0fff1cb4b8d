"""One hierarchy of application errors; core.errors maps them to HTTP (STYLE: errors).

Services raise these with a module-level, translated message constant so tests can
assert on the constant rather than on a copy of the text.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("Introuvable.")
FORBIDDEN = _("Vous n'avez pas le droit de faire cette action.")
CONFLICT = _("Conflit avec l'état actuel de la ressource.")
STALE_UPDATE = _(
    "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
    "Rechargez-la puis recommencez."
)


class ApplicationError(Exception):
    """A refused request: nothing was changed, and `message` says why."""

    status = 422
    code = "invalid"

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None,
                 status: int | None = None, errors: list[dict] | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.errors = errors if errors is not None else (
            [{"field": field, "message": str(self.message)}] if field else []
        )
        super().__init__(str(self.message))

    default_message = _("Données invalides.")


# Also Http404 / PermissionDenied, so a web page that lets one escape answers 404 / 403 too.
class NotFound(ApplicationError, Http404):
    status = 404
    code = "not_found"
    default_message = NOT_FOUND


class Forbidden(ApplicationError, PermissionDenied):
    status = 403
    code = "forbidden"
    default_message = FORBIDDEN


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    default_message = CONFLICT


class StaleUpdate(Conflict):
    code = "stale"
    default_message = STALE_UPDATE
