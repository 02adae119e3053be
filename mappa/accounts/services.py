"""Writes about accounts. Each service is one transaction that checks, writes and audits."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from mappa.accounts.models import AgencyMembership, NoticeAcceptance, User
from mappa.accounts.notice import NOTICE_VERSION
from mappa.accounts.selectors import home_agency_id
from mappa.agencies.models import Agency
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied

# django-otp doubles the wait after each wrong code, starting at one second.
THROTTLED = "Too many wrong codes. Wait a few seconds, then enter the code your app shows now"


def act_as(user: User, membership: AgencyMembership | None) -> None:
    """Make `membership` the one `user` acts under (for this request, command or test)."""
    if membership is not None and membership.user_id != user.pk:
        raise ValueError("a user can only act under their own membership")
    user.acting_membership = membership


def validate_roles(agency: Agency, roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise ApplicationError("Select at least one role", field="roles")
    for code in chosen:
        role = ROLES.get(code)
        if role is None:
            raise ApplicationError(f"Unknown role: {code}", field="roles")
        if not role.allowed_in(agency.kind):
            raise ApplicationError(
                f"{role.display_name} cannot be held in a {agency.get_kind_display().lower()} agency",
                field="roles",
            )
    return chosen


def _user_event(action: Action, user: User, summary: str, **kw: Any) -> None:
    """An event about a user's own account, recorded against their agency for its auditors."""
    record_event(
        action=action,
        actor=user,
        summary=summary,
        object_type="user",
        object_id=user.pk,
        object_agency_id=home_agency_id(user),
        **kw,
    )


def _require_manage(by: User, agency: Agency) -> None:
    # The agency= context means "acting for this agency": an administrator of agency A acting
    # for A cannot manage B's users, nor A's users while acting for B.
    if not has_permission(by, Permission.MEMBERSHIP_MANAGE, agency=agency):
        raise PermissionDenied("You cannot manage this agency's users")


def _membership_event(
    action: Action, membership: AgencyMembership, by: User, summary: str, **kw: Any
) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="membership",
        object_id=membership.pk,
        object_agency_id=membership.agency_id,
        **kw,
    )


@transaction.atomic
def user_create(
    *,
    agency: Agency,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    job_title: str = "",
    site_url: str = "",
    by: User,
) -> AgencyMembership:
    """Create an account in `agency` with no usable password: the user sets one from an invitation.

    With `site_url` (the service's address, e.g. https://mappa.example/), the invitation is also
    emailed to the user once the transaction commits.
    """
    _require_manage(by, agency)
    chosen = validate_roles(agency, roles)
    username = username.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("That username is already taken", field="username")
    if email and User.objects.filter(email__iexact=email.strip()).exists():
        raise ApplicationError("An account with that email address already exists", field="email")
    user = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip()
    )
    user.set_unusable_password()
    user.save()
    membership = AgencyMembership(user=user, agency=agency, roles=chosen, job_title=job_title.strip())
    membership.save(override=True)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary="User account created",
        object_type="user",
        object_id=user.pk,
        object_agency_id=agency.pk,
    )
    _membership_event(Action.PERMISSION_CHANGE, membership, by, "Roles granted", detail={"roles": chosen})
    if site_url and user.email:
        _send_invitation(membership, site_url, by)
    return membership


def _send_invitation(membership: AgencyMembership, site_url: str, by: User) -> None:
    user = membership.user
    link = site_url.rstrip("/") + invitation_path(user)
    body = render_to_string(
        "accounts/email/invitation.txt",
        {
            "user": user,
            "agency": membership.agency,
            "link": link,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )
    # After commit: an email about an account that was then rolled back would be a lie, and a
    # slow mail server must not hold the transaction open.
    transaction.on_commit(
        lambda: send_mail("Your mappa account", body, None, [user.email], fail_silently=False)
    )
    _membership_event(
        Action.PERMISSION_CHANGE, membership, by, "Invitation emailed", detail={"channel": "email"}
    )


@transaction.atomic
def invitation_resend(*, membership: AgencyMembership, site_url: str, by: User) -> None:
    """Email a fresh invitation to a user who has not yet set a password."""
    _require_manage(by, membership.agency)
    if membership.user.has_usable_password() or not membership.is_active:
        raise ApplicationError("This user has already set a password")
    if not membership.user.email:
        raise ApplicationError("This user has no email address: give them the link yourself")
    _send_invitation(membership, site_url, by)


@transaction.atomic
def membership_set_roles(*, membership: AgencyMembership, roles: Iterable[str], by: User) -> AgencyMembership:
    _require_manage(by, membership.agency)
    chosen = validate_roles(membership.agency, roles)
    if membership.user_id == by.pk and "agency_administrator" not in chosen:
        # Otherwise the last administrator could lock the agency out of its own user management.
        raise ApplicationError("You cannot remove your own administrator role", field="roles")
    before = sorted(membership.roles)
    if before == chosen:
        return membership
    membership.roles = chosen
    membership.save(override=True, update_fields=["roles", "updated_at"])
    _membership_event(
        Action.PERMISSION_CHANGE,
        membership,
        by,
        "Roles changed",
        changed_fields=["roles"],
        detail={"before": before, "after": chosen},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: AgencyMembership, by: User) -> AgencyMembership:
    """End a user's membership of an agency; with no active membership left the account is disabled.

    Sessions end too: the middleware re-reads the acting membership on every request, and an
    inactive user no longer authenticates at all.
    """
    _require_manage(by, membership.agency)
    if membership.user_id == by.pk:
        raise ApplicationError("You cannot deactivate your own account")
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(override=True, update_fields=["is_active", "deactivated_at", "updated_at"])
    user = membership.user
    if not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    _membership_event(
        Action.PERMISSION_CHANGE, membership, by, "Membership deactivated", changed_fields=["is_active"]
    )
    return membership


@transaction.atomic
def membership_reactivate(*, membership: AgencyMembership, by: User) -> AgencyMembership:
    _require_manage(by, membership.agency)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(override=True, update_fields=["is_active", "deactivated_at", "updated_at"])
    user = membership.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    _membership_event(
        Action.PERMISSION_CHANGE, membership, by, "Membership reactivated", changed_fields=["is_active"]
    )
    return membership


@transaction.atomic
def user_two_factor_reset(*, membership: AgencyMembership, by: User) -> int:
    """Remove a user's authenticator so they set up a new one at next sign-in (a lost phone).

    Every session they have ends, so whoever holds the lost phone and an open session must sign
    in again with the password.
    """
    _require_manage(by, membership.agency)
    if membership.user_id == by.pk:
        raise ApplicationError("Ask another administrator to reset your own two-factor authentication")
    removed, _ = TOTPDevice.objects.filter(user_id=membership.user_id).delete()
    # End their sessions too: a session whose device vanished would otherwise be sent to set up
    # a new authenticator without re-entering the password.
    user = membership.user
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary="Two-factor authentication reset",
        object_type="user",
        object_id=membership.user_id,
        object_agency_id=membership.agency_id,
        changed_fields=["two_factor_devices"],
    )
    return int(removed)


@transaction.atomic
def user_sign_out_everywhere(*, membership: AgencyMembership, by: User) -> None:
    """End every session the user has, on every device (ASVS 5 §7.4.5): a suspected compromise."""
    _require_manage(by, membership.agency)
    if membership.user_id == by.pk:
        raise ApplicationError("Use Sign out to end your own session")
    user = membership.user
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary="Signed out everywhere",
        object_type="user",
        object_id=user.pk,
        object_agency_id=membership.agency_id,
        changed_fields=["session_epoch"],
    )


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """A signed-in user changes their own password; validation is the form's job."""
    if not user.check_password(current_password):
        raise ApplicationError("Your current password is not correct", field="current_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _user_event(Action.ALTERATION, user, "Password changed", changed_fields=["password"])


def invitation_path(user: User) -> str:
    """The path of a one-time link from which `user` sets their password.

    Django's password-reset token: it expires after PASSWORD_RESET_TIMEOUT and stops working
    once the password or last sign-in changes, so it can be used once.
    """
    from django.urls import reverse

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def user_set_password_from_invitation(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    # Not signed in yet: the event names the user by username rather than as the actor.
    record_event(
        action=Action.ALTERATION,
        actor_username=user.username,
        summary="Password set from invitation",
        object_type="user",
        object_id=user.pk,
        object_agency_id=home_agency_id(user),
        changed_fields=["password"],
    )


@transaction.atomic
def notice_accept(*, user: User) -> NoticeAcceptance:
    acceptance, created = NoticeAcceptance.objects.get_or_create(
        user=user, version=NOTICE_VERSION, defaults={"accepted_at": timezone.now()}
    )
    if created:
        _user_event(
            Action.NOTICE_ACCEPTED,
            user,
            f"Accepted notice version {NOTICE_VERSION}",
            detail={"version": NOTICE_VERSION},
        )
    return acceptance


def notice_accepted(user: User) -> bool:
    return NoticeAcceptance.objects.filter(user=user, version=NOTICE_VERSION).exists()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for `user` (replacing any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _code_accepted(user: User, device: TOTPDevice, token: str, failure: str) -> bool:
    # django-otp doubles the wait after each wrong code; a guess while throttled is refused
    # without being checked, so brute-forcing the 6 digits is impractical.
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ApplicationError(THROTTLED, field="token")
    if device.verify_token(token.strip()):
        return True
    _user_event(Action.TWO_FACTOR_FAILED, user, failure)
    return False


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device if `token` is a valid code from it; the first valid code proves the set-up."""
    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError("Start setting up your authenticator app again")
    if not _code_accepted(user, device, token, "Wrong code at set-up"):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _user_event(Action.TWO_FACTOR_ENROLLED, user, "Authenticator app set up", detail={"factor": "totp"})
    return True


@transaction.atomic
def two_factor_verify(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Check a sign-in code; the caller completes the sign-in (otp_login) when this is True."""
    if device.user_id != user.pk or not device.confirmed:
        raise ApplicationError("Set up your authenticator app first")
    if not _code_accepted(user, device, token, "Wrong two-factor code"):
        return False
    _user_event(Action.SIGN_IN, user, "Second factor verified", detail={"factor": "totp"})
    return True


@transaction.atomic
def acting_agency_choose(*, user: User, membership: AgencyMembership) -> None:
    if membership.user_id != user.pk or not membership.is_active:
        raise PermissionDenied("You are not a member of that agency")
    act_as(user, membership)
    record_event(
        action=Action.AGENCY_CHOSEN,
        actor=user,
        summary=f"Acting for {membership.agency.name}",
        object_type="agency",
        object_id=membership.agency_id,
        object_agency_id=membership.agency_id,
    )
