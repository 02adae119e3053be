"""Reads about areas, agencies and agreements, always scoped to the asking user.

Everything is scoped by the MAPPA areas the user's *acting* agency serves: a practitioner in
Durham sees Durham's register of agencies and agreements, not Cumbria's. No acting membership,
an inactive acting agency or no view permission all mean an empty result (default deny).
"""

from django.db.models import Q, QuerySet

from mappa.agencies.models import Agency, InformationSharingAgreement, MappaArea
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser


def _served_areas(user: AnyUser) -> QuerySet[MappaArea]:
    membership = acting_membership(user)
    if membership is None:
        return MappaArea.objects.none()
    # Both conditions in one filter() so they apply to the same joined agency: a deactivated
    # agency's users (who cannot sign in anyway) reach nothing, even from a shell or command.
    return MappaArea.objects.filter(agencies__pk=membership.agency_id, agencies__is_active=True)


def area_list(*, fetched_by: AnyUser) -> QuerySet[MappaArea]:
    """The areas the user's acting agency serves."""
    if not has_permission(fetched_by, Permission.AGENCY_VIEW):
        return MappaArea.objects.none()
    return MappaArea.objects.filter(pk__in=_served_areas(fetched_by).values("pk")).order_by("name")


def agency_list(*, fetched_by: AnyUser) -> QuerySet[Agency]:
    """Agencies, active or not, serving any area the user's acting agency serves."""
    if not has_permission(fetched_by, Permission.AGENCY_VIEW):
        return Agency.objects.none()
    # A subquery rather than a join with distinct(): callers filter and count the result freely.
    reachable = Agency.objects.filter(areas__in=_served_areas(fetched_by)).values("pk")
    return Agency.objects.filter(pk__in=reachable).prefetch_related("areas").order_by("name")


def agreement_list(*, fetched_by: AnyUser) -> QuerySet[InformationSharingAgreement]:
    """Agreements of the areas the user's acting agency serves, whether or not it is a party."""
    if not has_permission(fetched_by, Permission.AGREEMENT_VIEW):
        return InformationSharingAgreement.objects.none()
    return (
        InformationSharingAgreement.objects.filter(area__in=_served_areas(fetched_by))
        .select_related("area")
        .prefetch_related("parties")
        .order_by("area__name", "title")
    )


def agreement_party_choices(
    *, area: MappaArea, fetched_by: AnyUser, agreement: InformationSharingAgreement | None = None
) -> QuerySet[Agency]:
    """Agencies that may be chosen as parties: the area's active agencies, plus current parties.

    Current parties stay selectable after their agency is deactivated, so that editing an
    agreement's dates does not silently drop a party.
    """
    keep = Q(is_active=True)
    if agreement is not None:
        keep |= Q(pk__in=agreement.parties.values("pk"))
    return agency_list(fetched_by=fetched_by).filter(areas=area).filter(keep)
