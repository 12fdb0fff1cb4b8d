import pytest
from django.contrib.auth.hashers import check_password

from comptoir.accounts import services
from comptoir.accounts.models import ApiToken, Role, User
from comptoir.accounts.tests.factories import PASSWORD, LocationFactory, UserFactory
from comptoir.core.exceptions import ApplicationError, Conflict, Forbidden, StaleUpdate
from comptoir.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db


def test_a_superuser_has_role_admin_and_reaches_the_django_admin():
    user = User.objects.create_superuser("root", "root@example.com", "x-Secret-42")

    assert user.role == Role.ADMIN
    assert user.is_staff and user.is_admin


def test_only_admins_are_staff_whatever_the_flag_says():
    user = UserFactory(role=Role.SALESPERSON, is_staff=True)

    assert user.is_staff is False
    user.role = Role.ADMIN
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert user.is_staff is True


def test_admin_creates_a_user_with_department_and_location_by_name(admin):
    location = LocationFactory(name="Sherbrooke")

    user = services.user_create(
        actor=admin, username="mlavoie", password="Bateau-2026!", first_name=" Marie ",
        last_name="Lavoie", email=" Marie.Lavoie@Example.COM ", role="salesperson",
        department="Ventes", location="Sherbrooke",
    )

    user.refresh_from_db()
    assert (user.first_name, user.email) == ("Marie", "marie.lavoie@example.com")
    assert user.department.code == "sales" and user.location == location
    assert user.check_password("Bateau-2026!")
    assert [e.verb for e in timeline_for(user)] == ["user_created"]


def test_a_salesperson_cannot_create_users_and_nothing_is_saved(salesperson):
    before = User.objects.count()

    with pytest.raises(Forbidden) as refused:
        services.user_create(actor=salesperson, username="x", password="Bateau-2026!")

    assert refused.value.message == services.USERS_FORBIDDEN
    assert User.objects.count() == before


def test_username_is_unique_whatever_its_case(admin):
    UserFactory(username="gtremblay")

    with pytest.raises(Conflict) as refused:
        services.user_create(actor=admin, username="GTremblay", password="Bateau-2026!")

    assert refused.value.field == "username"


def test_a_weak_password_is_refused_with_the_validators_message(admin):
    with pytest.raises(ApplicationError) as refused:
        services.user_create(actor=admin, username="weak", password="1234")

    assert refused.value.field == "password"
    assert not User.objects.filter(username="weak").exists()


def test_unknown_role_or_department_is_refused(admin):
    with pytest.raises(ApplicationError) as bad_role:
        services.user_create(actor=admin, username="a1", password="Bateau-2026!", role="boss")
    with pytest.raises(ApplicationError) as bad_department:
        services.user_create(actor=admin, username="a2", password="Bateau-2026!", department="Marketing")

    assert bad_role.value.message == services.BAD_ROLE
    assert bad_department.value.field == "department"
    assert not User.objects.filter(username__in=["a1", "a2"]).exists()


def test_a_user_changes_own_name_but_not_own_role(salesperson):
    services.user_update(actor=salesperson, user_id=salesperson.pk, first_name="Jean")

    with pytest.raises(Forbidden) as refused:
        services.user_update(actor=salesperson, user_id=salesperson.pk, role="admin")

    salesperson.refresh_from_db()
    assert salesperson.first_name == "Jean"
    assert salesperson.role == Role.SALESPERSON
    assert refused.value.message == services.OWN_FIELDS_ONLY


def test_a_user_cannot_change_someone_else(salesperson):
    other = UserFactory()

    with pytest.raises(Forbidden):
        services.user_update(actor=salesperson, user_id=other.pk, first_name="Pirate")

    other.refresh_from_db()
    assert other.first_name != "Pirate"


def test_a_stale_version_is_refused_and_changes_nothing(admin, salesperson):
    services.user_update(actor=admin, user_id=salesperson.pk, version=1, last_name="Gagnon")

    with pytest.raises(StaleUpdate):
        services.user_update(actor=admin, user_id=salesperson.pk, version=1, last_name="Roy")

    salesperson.refresh_from_db()
    assert (salesperson.last_name, salesperson.version) == ("Gagnon", 2)


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    with pytest.raises(Conflict) as demoted:
        services.user_update(actor=admin, user_id=admin.pk, role="salesperson")
    with pytest.raises(Conflict):
        services.user_update(actor=admin, user_id=admin.pk, is_active=False)

    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active
    assert demoted.value.message == services.LAST_ADMIN


def test_a_token_is_stored_only_as_its_hash():
    user = UserFactory()

    token, raw_key = services.token_issue(username=user.username, password=PASSWORD)

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw_key not in (stored.key_hash, stored.prefix + stored.key_hash)
    assert stored.key_hash == services.hash_token_key(raw_key)
    assert len(raw_key) >= 40


def test_a_wrong_password_gets_no_token():
    user = UserFactory()

    with pytest.raises(ApplicationError) as refused:
        services.token_issue(username=user.username, password="wrong")

    assert refused.value.status == 401
    assert not ApiToken.objects.exists()


def test_a_user_cannot_revoke_someone_elses_token(salesperson):
    other = UserFactory()
    token, _raw = services.token_issue(username=other.username, password=PASSWORD)

    with pytest.raises(Forbidden):
        services.token_revoke(actor=salesperson, token=token)

    token.refresh_from_db()
    assert token.revoked_at is None


def test_password_is_never_written_to_the_timeline(admin, salesperson):
    services.user_update(actor=admin, user_id=salesperson.pk, password="Nouveau-Secret-9")

    event = timeline_for(salesperson).first()
    assert event.data == {"password": "***"}
    salesperson.refresh_from_db()
    assert check_password("Nouveau-Secret-9", salesperson.password)


def test_a_user_saves_their_language_once_in_the_timeline_and_an_unknown_one_is_refused(salesperson):
    services.user_set_language(actor=salesperson, language="en")
    services.user_set_language(actor=salesperson, language="en")  # the same choice: nothing to record

    with pytest.raises(ApplicationError) as refused:
        services.user_set_language(actor=salesperson, language="klingon")

    user = User.objects.get(pk=salesperson.pk)
    assert (user.language, user.version) == ("en", 2)
    assert refused.value.field == "language" and refused.value.message == services.BAD_LANGUAGE
    assert [e.data for e in timeline_for(user) if e.verb == "user_updated"] == [{"language": "en"}]
