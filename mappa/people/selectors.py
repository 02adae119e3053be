"""Reads of the people index, always scoped to the asking user (default deny).

For now a user sees:
- the person records their acting agency holds (`source_agency`), given PERSON_VIEW;
- and, acting for a Responsible Authority agency (police, probation, prison) as a practitioner,
  co-ordinator or chair, every person record held by any agency serving an area their agency
  serves: the Responsible Authority manages MAPPA for the area (CJA 2003 s.325).
Everyone else sees nothing. Later issues widen this through shares. Search results pass through
here too, so a match never shows a record the user could not otherwise open.
"""

from typing import Any

from django.db.models import Q, QuerySet

from mappa.agencies.models import Agency, AgencyKind
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.people.models import Person, PersonLink

RESPONSIBLE_AUTHORITY_KINDS = frozenset({AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON})
AREA_ROLES = frozenset({"practitioner", "mappa_coordinator", "meeting_chair"})

JUSTIFICATION_OWN = "own agency record"
JUSTIFICATION_AREA = "area responsible authority"


def _area_wide(user: AnyUser) -> bool:
    membership = acting_membership(user)
    if membership is None:
        return False
    agency = membership.agency  # type: ignore[attr-defined]
    return agency.kind in RESPONSIBLE_AUTHORITY_KINDS and bool(AREA_ROLES & set(membership.roles))


def person_list(*, fetched_by: AnyUser) -> QuerySet[Person]:
    membership = acting_membership(fetched_by)
    if membership is None or not has_permission(fetched_by, Permission.PERSON_VIEW):
        return Person.objects.none()
    visible = Q(source_agency_id=membership.agency_id)
    if _area_wide(fetched_by):
        area_agencies = Agency.objects.filter(
            areas__agencies__pk=membership.agency_id, areas__agencies__is_active=True
        ).values("pk")
        visible |= Q(source_agency__in=area_agencies)
    return Person.objects.filter(visible).select_related("source_agency")


def person_justification(user: AnyUser, person: Person) -> str:
    """Why the user may see `person` (assumes they may): recorded with each consultation."""
    membership = acting_membership(user)
    if membership is not None and person.source_agency_id == membership.agency_id:
        return JUSTIFICATION_OWN
    return JUSTIFICATION_AREA


def person_links(*, person: Person, fetched_by: AnyUser) -> QuerySet[PersonLink]:
    """Standing and revoked link decisions involving `person`, between records the user may see."""
    visible = person_list(fetched_by=fetched_by).values("pk")
    return (
        PersonLink.objects.filter(Q(person_a=person) | Q(person_b=person))
        .filter(person_a__in=visible, person_b__in=visible)
        .select_related("decided_by", "revoked_by")
        .order_by("-decided_at")
    )


# Operator look-ups for the `mappa persons` command (no signed-in user: the operator names one).


def operator_agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, is_active=True).first()


def source_refs_of(agency: Agency) -> set[str]:
    return set(Person.objects.filter(source_agency=agency).values_list("source_ref", flat=True))


def operator_user(username: str, agency_code: str | None) -> Any:
    """The named active user, acting for the given agency or their only active membership."""
    from mappa.accounts.models import User
    from mappa.accounts.selectors import active_memberships
    from mappa.accounts.services import act_as

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        return None
    memberships = active_memberships(user)
    if agency_code:
        memberships = memberships.filter(agency__code=agency_code)
    if memberships.count() != 1:
        return None
    act_as(user, memberships.get())
    return user
