"""Reads of the nominal register, always scoped to the asking user (default deny).

Who sees a nominal (issue 3): staff of a Responsible Authority agency (police, probation,
prison) holding NOMINAL_VIEW see the register of every MAPPA area their agency serves, plus
nominals being transferred into one of those areas (the receiving area must prepare and
acknowledge). Any agency's staff holding NOMINAL_VIEW also see the nominals their agency leads
and those it is involved with (issue 4: it owns information items on them or holds an active
share about them; involvement.py), which is all that duty-to-co-operate and associate staff
ever see. Everyone else, and anyone without an acting membership, sees nothing.
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency, MappaArea
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import RESPONSIBLE_AUTHORITY
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.types import AnyUser
from mappa.nominals.involvement import involved_nominal_ids
from mappa.nominals.models import (
    LEAD_AGENCY_KINDS,
    OPEN_TRANSFER_STATUSES,
    Nominal,
    NominalStatusChange,
    NominalTransfer,
    Status,
)
from mappa.people.models import Person

# "Review due" on the register: the next review falls within this many days (and has not passed).
REVIEW_DUE_DAYS = 28


def acting_agency(user: AnyUser) -> Agency | None:
    """The user's acting agency if it is active; None without an acting membership."""
    membership = acting_membership(user)
    if membership is None:
        return None
    agency: Agency = membership.agency  # type: ignore[attr-defined]
    return agency if agency.is_active else None


def ra_areas(user: AnyUser) -> QuerySet[MappaArea]:
    """The areas whose register the user's agency holds: those it serves, if it is an RA agency."""
    agency = acting_agency(user)
    if agency is None or agency.kind not in RESPONSIBLE_AUTHORITY:
        return MappaArea.objects.none()
    return MappaArea.objects.filter(agencies__pk=agency.pk)


def nominal_list(*, fetched_by: AnyUser) -> QuerySet[Nominal]:
    if not has_permission(fetched_by, Permission.NOMINAL_VIEW):
        return Nominal.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return Nominal.objects.none()
    areas = ra_areas(fetched_by)
    incoming = NominalTransfer.objects.filter(status__in=OPEN_TRANSFER_STATUSES, to_area__in=areas)
    # The lead agency always sees its cases, whatever its kind: health leads hospital orders
    # and youth justice leads young offenders' cases (nominals.models.LEAD_AGENCY_KINDS).
    scope = Q(area__in=areas) | Q(pk__in=incoming.values("nominal_id")) | Q(lead_agency=agency)
    for involved in involved_nominal_ids(agency.pk):
        scope |= Q(pk__in=involved)
    # A subquery rather than a join with distinct(): callers filter and count the result freely.
    visible = Nominal.objects.filter(scope).values("pk")
    return (
        Nominal.objects.filter(pk__in=visible)
        .select_related("area", "lead_agency", "case_manager", "person")
        .prefetch_related("person__names", "person__dates_of_birth")
        .order_by("next_review_date", "pk")
    )


def nominal_register(
    *,
    fetched_by: AnyUser,
    category: int | None = None,
    level: int | None = None,
    lead_agency: int | None = None,
    status: str = "",
    review: str = "",
) -> QuerySet[Nominal]:
    """The register with its filters. `status` "" means every status but exited; "all" means all.

    `review` is "overdue" (the next review date has passed) or "due" (within REVIEW_DUE_DAYS).
    """
    nominals = nominal_list(fetched_by=fetched_by)
    if category is not None:
        nominals = nominals.filter(category=category)
    if level is not None:
        nominals = nominals.filter(level=level)
    if lead_agency is not None:
        nominals = nominals.filter(lead_agency_id=lead_agency)
    if status == "":
        nominals = nominals.exclude(status=Status.EXITED)
    elif status != "all":
        nominals = nominals.filter(status=status)
    today = timezone.localdate()
    if review == "overdue":
        nominals = nominals.exclude(status=Status.EXITED).filter(next_review_date__lt=today)
    elif review == "due":
        nominals = nominals.exclude(status=Status.EXITED).filter(
            next_review_date__gte=today, next_review_date__lte=today + timedelta(days=REVIEW_DUE_DAYS)
        )
    return nominals


def nominal_history(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[NominalStatusChange]:
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return NominalStatusChange.objects.none()
    return nominal.changes.select_related("changed_by").order_by("-effective_date", "-changed_at", "-id")


def nominal_transfers(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[NominalTransfer]:
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return NominalTransfer.objects.none()
    return nominal.transfers.select_related("from_area", "to_area", "requested_by", "accepted_by")


def transfer_list(*, fetched_by: AnyUser) -> QuerySet[NominalTransfer]:
    """Transfers of nominals the user can see."""
    return NominalTransfer.objects.filter(nominal__in=nominal_list(fetched_by=fetched_by).values("pk"))


def register_lead_agencies(*, fetched_by: AnyUser) -> QuerySet[Agency]:
    """Agencies that may lead a nominal in the user's register areas: the lead agency filter."""
    return (
        Agency.objects.filter(areas__in=ra_areas(fetched_by), kind__in=LEAD_AGENCY_KINDS)
        .distinct()
        .order_by("name")
    )


def lead_agency_choices(*, area: MappaArea) -> QuerySet[Agency]:
    return Agency.objects.filter(areas=area, kind__in=LEAD_AGENCY_KINDS, is_active=True).order_by("name")


def case_manager_choices(*, agency: Agency) -> QuerySet[AgencyMembership]:
    """Active memberships of the lead agency: who may be named case manager."""
    return (
        AgencyMembership.objects.filter(agency=agency, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def other_areas(*, nominal: Nominal) -> QuerySet[MappaArea]:
    """Areas a nominal may be transferred to: every other area (transfers cross any boundary)."""
    return MappaArea.objects.exclude(pk=nominal.area_id).order_by("name")


def person_for_nominal(*, reference: str, area: MappaArea, fetched_by: AnyUser) -> list[Person]:
    """Person records of the area matching a record number or the recording agency's reference.

    A simple picker until person search (the people app) can be used from the create page: only
    records held by agencies serving the area, and only for those who may record nominals there.
    """
    if not has_permission(fetched_by, Permission.NOMINAL_MANAGE):
        return []
    if not ra_areas(fetched_by).filter(pk=area.pk).exists():
        return []
    reference = reference.strip()
    if not reference:
        return []
    persons = Person.objects.filter(source_agency__areas=area)
    query = Q(source_ref__iexact=reference)
    if reference.isdigit():
        query |= Q(pk=int(reference))
    return list(persons.filter(query).distinct()[:5])
