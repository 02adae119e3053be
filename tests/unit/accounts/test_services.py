import pytest
from django.contrib.auth.tokens import default_token_generator
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mappa.accounts import services
from mappa.accounts.models import AgencyMembership, NoticeAcceptance, User
from mappa.accounts.notice import NOTICE_VERSION
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, DirectWriteError, PermissionDenied
from tests.factories.accounts import MembershipFactory, UserFactory, member
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db


def _create(by, **overrides):
    kwargs = {
        "agency": by.acting_membership.agency,
        "username": "new.user",
        "first_name": "Test",
        "last_name": "Person",
        "email": "new.user@example.invalid",
        "roles": ["practitioner"],
        "by": by,
    }
    kwargs.update(overrides)
    return services.user_create(**kwargs)


def test_user_create_by_administrator_creates_account_without_password_and_audits():
    admin = member(["agency_administrator"])
    membership = _create(admin)
    assert membership.agency == admin.acting_membership.agency
    assert membership.roles == ["practitioner"]
    assert not membership.user.has_usable_password()
    actions = list(
        AuditEvent.objects.filter(object_agency_id=membership.agency_id).values_list("action", flat=True)
    )
    assert Action.COLLECTION in actions
    assert Action.PERMISSION_CHANGE in actions


@pytest.mark.parametrize("roles", [["practitioner"], ["auditor"], ["senior_manager"]])
def test_user_create_denied_without_membership_manage(roles):
    not_admin = member(roles)
    with pytest.raises(PermissionDenied):
        _create(not_admin)
    assert not User.objects.filter(username="new.user").exists()


def test_user_create_denied_for_another_agency():
    admin = member(["agency_administrator"])
    other = AgencyFactory()
    with pytest.raises(PermissionDenied):
        _create(admin, agency=other)
    assert not User.objects.filter(username="new.user").exists()


def test_user_create_rejects_duplicate_username_case_insensitively():
    admin = member(["agency_administrator"])
    UserFactory(username="taken")
    with pytest.raises(ApplicationError) as error:
        _create(admin, username="TAKEN")
    assert error.value.field == "username"


def test_user_create_rejects_duplicate_email():
    admin = member(["agency_administrator"])
    UserFactory(email="someone@example.invalid")
    with pytest.raises(ApplicationError) as error:
        _create(admin, email="SOMEONE@example.invalid")
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("roles", "message"),
    [([], "Select at least one role"), (["wizard"], "Unknown role"), (["lay_adviser"], "cannot be held")],
)
def test_user_create_validates_roles_and_writes_nothing(roles, message):
    admin = member(["agency_administrator"])
    events_before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message):
        _create(admin, roles=roles)
    assert not User.objects.filter(username="new.user").exists()
    assert AuditEvent.objects.count() == events_before


def test_membership_set_roles_records_before_and_after():
    admin = member(["agency_administrator"])
    target = MembershipFactory(agency=admin.acting_membership.agency, roles=["practitioner"])
    services.membership_set_roles(membership=target, roles=["auditor", "practitioner"], by=admin)
    target.refresh_from_db()
    assert target.roles == ["auditor", "practitioner"]
    event = AuditEvent.objects.filter(object_type="membership", object_id=str(target.pk)).first()
    assert event is not None
    assert event.changed_fields == ["roles"]
    assert event.detail == {"before": ["practitioner"], "after": ["auditor", "practitioner"]}


def test_membership_set_roles_same_roles_writes_nothing():
    admin = member(["agency_administrator"])
    target = MembershipFactory(agency=admin.acting_membership.agency, roles=["practitioner"])
    before = AuditEvent.objects.count()
    services.membership_set_roles(membership=target, roles=["practitioner"], by=admin)
    assert AuditEvent.objects.count() == before


def test_membership_set_roles_cannot_remove_own_administrator_role():
    admin = member(["agency_administrator"])
    own = admin.memberships.get()
    with pytest.raises(ApplicationError, match="your own administrator role"):
        services.membership_set_roles(membership=own, roles=["practitioner"], by=admin)


@pytest.mark.parametrize(
    ("admin_roles", "allowed"), [(["agency_administrator"], True), (["practitioner"], False)]
)
def test_membership_set_roles_permission(admin_roles, allowed):
    actor = member(admin_roles)
    target = MembershipFactory(agency=actor.acting_membership.agency, roles=["practitioner"])
    if allowed:
        services.membership_set_roles(membership=target, roles=["auditor"], by=actor)
    else:
        with pytest.raises(PermissionDenied):
            services.membership_set_roles(membership=target, roles=["auditor"], by=actor)
    target.refresh_from_db()
    assert target.roles == (["auditor"] if allowed else ["practitioner"])


def test_membership_deactivate_disables_user_with_no_other_membership_and_reactivate_restores():
    admin = member(["agency_administrator"])
    target = MembershipFactory(agency=admin.acting_membership.agency)
    services.membership_deactivate(membership=target, by=admin)
    target.refresh_from_db()
    target.user.refresh_from_db()
    assert not target.is_active
    assert target.deactivated_at is not None
    assert not target.user.is_active
    services.membership_reactivate(membership=target, by=admin)
    target = AgencyMembership.objects.select_related("user").get(pk=target.pk)
    assert target.is_active
    assert target.deactivated_at is None
    assert target.user.is_active


def test_membership_deactivate_keeps_user_active_with_another_membership():
    admin = member(["agency_administrator"])
    target = MembershipFactory(agency=admin.acting_membership.agency)
    MembershipFactory(user=target.user)
    services.membership_deactivate(membership=target, by=admin)
    target.user.refresh_from_db()
    assert target.user.is_active


def test_membership_deactivate_refuses_self_and_other_agency():
    admin = member(["agency_administrator"])
    with pytest.raises(ApplicationError, match="your own account"):
        services.membership_deactivate(membership=admin.memberships.get(), by=admin)
    elsewhere = MembershipFactory()
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(membership=elsewhere, by=admin)
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_memberships_refuse_direct_save_and_delete():
    membership = MembershipFactory()
    with pytest.raises(DirectWriteError):
        membership.save()
    with pytest.raises(DirectWriteError):
        membership.delete()


def test_users_are_never_deleted():
    with pytest.raises(PermissionError):
        UserFactory().delete()


def test_invitation_token_is_single_use():
    admin = member(["agency_administrator"])
    user = _create(admin).user
    path = services.invitation_path(user)
    token = path.rstrip("/").split("/")[-1]
    assert default_token_generator.check_token(user, token)
    services.user_set_password_from_invitation(user=user, password="a long enough passphrase")
    user.refresh_from_db()
    assert user.check_password("a long enough passphrase")
    assert not default_token_generator.check_token(user, token)


def test_notice_accept_records_once_per_version():
    user = UserFactory(accepted_notice=False)
    MembershipFactory(user=user)
    assert not services.notice_accepted(user)
    services.notice_accept(user=user)
    services.notice_accept(user=user)
    assert services.notice_accepted(user)
    assert NoticeAcceptance.objects.filter(user=user, version=NOTICE_VERSION).count() == 1
    assert AuditEvent.objects.filter(action=Action.NOTICE_ACCEPTED, actor_user_id=user.pk).count() == 1


def test_notice_new_version_requires_acceptance_again(monkeypatch):
    user = UserFactory()
    assert services.notice_accepted(user)
    monkeypatch.setattr(services, "NOTICE_VERSION", NOTICE_VERSION + 1)
    assert not services.notice_accepted(user)


def test_totp_enrolment_confirms_only_with_a_valid_code():
    user = member(["practitioner"])
    device = services.totp_device_start(user=user)
    assert not services.totp_device_confirm(user=user, device=device, token="000000")
    device.refresh_from_db()
    assert not device.confirmed
    code = f"{totp(device.bin_key):06d}"
    # Straight after a wrong code the device is throttled: even the right code is refused unchecked.
    with pytest.raises(ApplicationError, match="Too many wrong codes"):
        services.totp_device_confirm(user=user, device=device, token=code)
    device.throttle_reset()
    assert services.totp_device_confirm(user=user, device=device, token=code)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ENROLLED, actor_user_id=user.pk).exists()
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_FAILED, actor_user_id=user.pk).exists()


def test_totp_device_start_replaces_unconfirmed_devices():
    user = member(["practitioner"])
    services.totp_device_start(user=user)
    services.totp_device_start(user=user)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_acting_agency_choose_refuses_someone_elses_or_inactive_membership():
    user = member(["practitioner"])
    with pytest.raises(PermissionDenied):
        services.acting_agency_choose(user=user, membership=MembershipFactory())
    inactive = MembershipFactory(user=user, is_active=False, deactivated_at="2026-01-01T00:00:00Z")
    with pytest.raises(PermissionDenied):
        services.acting_agency_choose(user=user, membership=inactive)


def test_act_as_refuses_another_users_membership():
    user = member(["practitioner"])
    with pytest.raises(ValueError, match="own membership"):
        services.act_as(user, MembershipFactory())


def test_membership_deactivated_at_constraint_is_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    membership = MembershipFactory()
    membership.is_active = False
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save(override=True)
    assert AgencyMembership.objects.get(pk=membership.pk).is_active
