from django.contrib.auth.tokens import default_token_generator
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from mappa.accounts.models import AgencyMembership, User
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser


def active_memberships(user: User) -> QuerySet[AgencyMembership]:
    """The memberships a signed-in user may act under (their own, active, in active agencies)."""
    return (
        AgencyMembership.objects.filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name")
    )


def membership_list(*, fetched_by: AnyUser) -> QuerySet[AgencyMembership]:
    """Memberships of the administrator's own acting agency; nothing for anyone else."""
    membership = acting_membership(fetched_by)
    if membership is None or not has_permission(fetched_by, Permission.MEMBERSHIP_MANAGE):
        return AgencyMembership.objects.none()
    return (
        AgencyMembership.objects.filter(agency_id=membership.agency_id)
        .select_related("user", "agency")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's authenticator app, once set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice | None:
    """An authenticator the user has started but not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def invited_user(uidb64: str, token: str) -> User | None:
    """The active user an invitation link is for, if the link is genuine, unused and unexpired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def home_agency_id(user: User) -> int | None:
    """The agency an account event concerns, so that agency's auditors see it.

    The acting agency if one is chosen; otherwise the user's only active membership. A user of
    several agencies who has not chosen yet gets none: the agency-chosen event follows.
    """
    membership = user.acting_membership
    if membership is not None:
        return int(membership.agency_id)
    agency_ids = list(
        AgencyMembership.objects.filter(user_id=user.pk, is_active=True).values_list("agency_id", flat=True)[
            :2
        ]
    )
    return agency_ids[0] if len(agency_ids) == 1 else None
