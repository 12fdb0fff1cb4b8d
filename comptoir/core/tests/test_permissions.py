"""The role matrices decide; these prove the defaults DESIGN.md names and that an admin can change them."""

from types import SimpleNamespace

import pytest

from comptoir.accounts.tests.factories import UserFactory
from comptoir.core import permissions
from comptoir.core.exceptions import ApplicationError, Forbidden
from comptoir.core.services import site_settings_update

pytestmark = pytest.mark.django_db


def opportunity(status, salesperson=None, assignees=()):
    return SimpleNamespace(
        status=status, salesperson_id=getattr(salesperson, "pk", None), assignee_ids={a.pk for a in assignees}
    )


@pytest.mark.parametrize("old,new", [("open", "won"), ("open", "lost"), ("open", "suspended"), ("suspended", "open")])
def test_a_salesperson_wins_loses_suspends_and_resumes_own_deals(salesperson, old, new):
    assert permissions.can_change_status(salesperson, opportunity(old, salesperson), new)


def test_an_assignee_counts_as_owner(salesperson):
    deal = opportunity("open", UserFactory(), assignees=[salesperson])

    assert permissions.can_change_status(salesperson, deal, "won")


def test_a_salesperson_cannot_change_someone_elses_deal(salesperson):
    deal = opportunity("open", UserFactory())

    assert permissions.status_change_refusal(salesperson, deal, "won") == permissions.STATUS_CHANGE_NOT_OWN


@pytest.mark.parametrize("old", ["won", "lost"])
def test_only_a_manager_or_admin_reopens_a_won_or_lost_deal(salesperson, manager, admin, reception, old):
    deal = opportunity(old, salesperson)

    assert not permissions.can_change_status(salesperson, deal, "open")
    assert not permissions.can_change_status(reception, deal, "open")
    assert permissions.can_change_status(manager, deal, "open")
    assert permissions.can_change_status(admin, deal, "open")


def test_reception_changes_no_status(reception):
    assert not permissions.can_change_status(reception, opportunity("open", reception), "won")


def test_an_impossible_transition_is_a_422_not_a_403(manager):
    with pytest.raises(ApplicationError) as refused:
        permissions.require_status_change(manager, opportunity("won", manager), "lost")

    assert not isinstance(refused.value, Forbidden)
    assert refused.value.field == "status"


def test_an_admin_edited_matrix_changes_who_may_reopen(admin, salesperson):
    deal = opportunity("lost", salesperson)
    matrix = {"salesperson": {"win": "own", "lose": "own", "suspend": "own", "resume": "own", "reopen": "own"}}

    site_settings_update(actor=admin, status_matrix=matrix)

    assert permissions.can_change_status(salesperson, deal, "open")


def test_refusal_raises_forbidden_with_the_message(salesperson):
    with pytest.raises(Forbidden) as refused:
        permissions.require_status_change(salesperson, opportunity("won", salesperson), "open")

    assert "won" in str(refused.value.message)


def test_an_inactive_user_has_no_capability():
    user = UserFactory(role="admin", is_active=False)

    assert not permissions.can_manage_users(user)


@pytest.mark.parametrize("role,expected", [
    ("salesperson", set()), ("reception", set()),
    ("sales_manager", {"see_team", "change_sale_date"}),
    ("admin", {"see_team", "change_sale_date", "manage_users", "manage_lists", "manage_settings"}),
])
def test_capabilities_follow_the_role_matrix(role, expected):
    user = UserFactory(role=role)
    checked = {"see_team", "change_sale_date", "manage_users", "manage_lists", "manage_settings"}

    assert {c for c in checked if permissions.has_capability(user, c)} == expected


def test_the_capability_matrix_is_read_from_settings(settings, salesperson):
    settings.COMPTOIR_ROLE_CAPABILITIES = {**settings.COMPTOIR_ROLE_CAPABILITIES, "salesperson": ["see_team"]}

    assert permissions.can_see_team(salesperson)
