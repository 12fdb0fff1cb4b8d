"""Who may do what: plain functions, driven by the role matrices, never `if role ==` elsewhere.

Two matrices drive them: the role capabilities in Django settings
(`COMPTOIR_ROLE_CAPABILITIES`) and the status-change matrix in the site settings, which
an admin edits. Services call these and raise `Forbidden` with a message when refused.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.core.selectors import site_settings_get

STATUS_OPEN = "open"
STATUS_WON = "won"
STATUS_LOST = "lost"
STATUS_SUSPENDED = "suspended"

# (from, to) → the action the status matrix names.
STATUS_ACTIONS = {
    (STATUS_OPEN, STATUS_WON): "win",
    (STATUS_SUSPENDED, STATUS_WON): "win",
    (STATUS_OPEN, STATUS_LOST): "lose",
    (STATUS_SUSPENDED, STATUS_LOST): "lose",
    (STATUS_OPEN, STATUS_SUSPENDED): "suspend",
    (STATUS_SUSPENDED, STATUS_OPEN): "resume",
    (STATUS_WON, STATUS_OPEN): "reopen",
    (STATUS_LOST, STATUS_OPEN): "reopen",
}
STATUS_ACTION_NAMES = ("win", "lose", "suspend", "resume", "reopen")
SCOPE_OWN = "own"
SCOPE_ANY = "any"

CAPABILITIES = (
    "work_own",
    "see_team",
    "see_all_customers",
    "change_sale_date",
    "set_objectives",
    "create_customers",
    "assign",
    "manage_users",
    "manage_lists",
    "manage_pipelines",
    "manage_settings",
    "undo_merge",
    "see_gross",  # issue 26: the desk's front and back gross, and a lender rate other than the program's
)

STATUS_CHANGE_REFUSED = _("Votre rôle ne permet pas de passer cette opportunité de « %(old)s » à « %(new)s ».")
STATUS_CHANGE_NOT_OWN = _("Vous ne pouvez changer le statut que de vos propres opportunités.")
STATUS_CHANGE_IMPOSSIBLE = _("Une opportunité ne passe pas de « %(old)s » à « %(new)s ».")


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def has_capability(user, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    if not _active(user):
        return False
    granted = settings.COMPTOIR_ROLE_CAPABILITIES.get(user.role, ())
    return "*" in granted or capability in granted


def require(user, capability: str, message=None) -> None:
    if not has_capability(user, capability):
        raise Forbidden(message)


def can_manage_users(user) -> bool:
    return has_capability(user, "manage_users")


def can_manage_lists(user) -> bool:
    return has_capability(user, "manage_lists")


def can_manage_pipelines(user) -> bool:
    """Issue 23: sales managers and admins set up the sales processes and their stages."""
    return has_capability(user, "manage_pipelines")


def can_manage_settings(user) -> bool:
    return has_capability(user, "manage_settings")


def can_see_gross(user) -> bool:
    """Issue 26: the desk's front and back gross (and a desk quote's cost and margin), and a lender rate
    other than the program's: managers and admins."""
    return has_capability(user, "see_gross")


def can_see_team(user) -> bool:
    return has_capability(user, "see_team")


def can_enter_records(user) -> bool:
    """Who enters customers and opportunities: whoever works deals, and reception."""
    return has_capability(user, "work_own") or has_capability(user, "create_customers")


def can_see_all_customers(user) -> bool:
    """A manager, reception and admin see every customer; a salesperson their own and unowned ones."""
    return has_capability(user, "see_all_customers")


def can_see_customer(user, customer) -> bool:
    if can_see_all_customers(user):
        return True
    return has_capability(user, "work_own") and customer.salesperson_id in (None, user.pk)


def can_assign(user, salesperson_id) -> bool:
    """Who may put `salesperson_id` on a record: assigners anyone; a salesperson only themselves."""
    if has_capability(user, "assign"):
        return True
    return has_capability(user, "work_own") and salesperson_id == user.pk


def can_change_sale_date(user) -> bool:
    return has_capability(user, "change_sale_date")


def can_undo_merge(user) -> bool:
    """DESIGN (customers): a sales manager or an admin undoes a merge; a salesperson does not."""
    return has_capability(user, "undo_merge")


def can_edit_user(actor, target) -> bool:
    """An admin edits anyone; a user edits their own name, email, password and photo."""
    return can_manage_users(actor) or (_active(actor) and actor.pk == target.pk)


def is_own(user, opportunity) -> bool:
    """Own = the primary salesperson, or one of the assignees."""
    if getattr(opportunity, "salesperson_id", None) == user.pk:
        return True
    assignee_ids = getattr(opportunity, "assignee_ids", None)
    if assignee_ids is not None:
        return user.pk in assignee_ids
    assignees = getattr(opportunity, "assignees", None)
    return bool(assignees is not None and assignees.filter(pk=user.pk).exists())


def status_change_refusal(user, opportunity, new_status: str, matrix: dict | None = None):
    """Why `user` may not move `opportunity` to `new_status`, or None when they may."""
    old = opportunity.status
    action = STATUS_ACTIONS.get((old, new_status))
    if action is None:
        return STATUS_CHANGE_IMPOSSIBLE % {"old": old, "new": new_status}
    if not _active(user):
        return STATUS_CHANGE_REFUSED % {"old": old, "new": new_status}
    if matrix is None:
        matrix = site_settings_get().status_matrix
    scope = matrix.get(user.role, {}).get(action)
    if scope == SCOPE_ANY:
        return None
    if scope == SCOPE_OWN:
        return None if is_own(user, opportunity) else STATUS_CHANGE_NOT_OWN
    return STATUS_CHANGE_REFUSED % {"old": old, "new": new_status}


def can_change_status(user, opportunity, new_status: str, matrix: dict | None = None) -> bool:
    return status_change_refusal(user, opportunity, new_status, matrix) is None


def require_status_change(user, opportunity, new_status: str) -> None:
    if (opportunity.status, new_status) not in STATUS_ACTIONS:
        raise ApplicationError(
            STATUS_CHANGE_IMPOSSIBLE % {"old": opportunity.status, "new": new_status}, field="status"
        )
    refusal = status_change_refusal(user, opportunity, new_status)
    if refusal is not None:
        raise Forbidden(refusal)
