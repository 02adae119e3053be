from django.db.models import QuerySet

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
