"""Reads for scheduling and running meetings, as the asking user (default deny).

Kept apart from selectors.py, which holds the visibility rules every part of the app shares
(who sees a meeting, its agenda, minutes and actions); these build on them. The predicates at
the end are the object rules of meetings: who runs one (a co-ordinator of its area), who
chairs it, and who may send a written report to it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from mappa.accounts.models import AgencyMembership, User
from mappa.agencies.models import Agency, AgencyKind, MappaArea
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    OPEN_REFERRAL_STATUSES,
    AgendaItem,
    Attendee,
    AttendeeStatus,
    Meeting,
    MeetingStatus,
    Referral,
    ReferralStatus,
    WrittenReport,
)
from mappa.meetings.selectors import agenda, has_signed, meeting_list, referral_list
from mappa.nominals.models import Nominal, Status
from mappa.nominals.selectors import REVIEW_DUE_DAYS, acting_agency, nominal_list, ra_areas

# MAPPA Guidance ch. 13: the chair is a senior police or probation manager (domain.md §1.8);
# a prison does not chair, though it is part of the Responsible Authority.
CHAIR_AGENCY_KINDS = frozenset({AgencyKind.POLICE, AgencyKind.PROBATION})
CHAIR_ROLE = "meeting_chair"
MINUTE_TAKER_ROLES = frozenset({"minute_taker", "mappa_coordinator"})
# Roles whose holders can open a meeting (MEETING_VIEW): only they are worth inviting by name.
ATTENDING_ROLES = frozenset({"practitioner", "mappa_coordinator", "meeting_chair", "minute_taker"})


# --- who may do what with a meeting -----------------------------------------------------------


def can_manage(user: AnyUser, meeting: Meeting) -> bool:
    """A co-ordinator (MEETING_MANAGE) of an agency serving the meeting's area."""
    if not has_permission(user, Permission.MEETING_MANAGE):
        return False
    return ra_areas(user).filter(pk=meeting.area_id).exists()


def is_chair(user: AnyUser, meeting: Meeting) -> bool:
    # The chair's duties need the chair to still be able to open the meeting (an active
    # membership granting MEETING_VIEW), not only to be named on it.
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and meeting.chair_id == user.pk
        and meeting_list(fetched_by=user).filter(pk=meeting.pk).exists()
    )


def can_record_attendance(user: AnyUser, meeting: Meeting) -> bool:
    return is_chair(user, meeting) or can_manage(user, meeting)


def report_agency(user: AnyUser, meeting: Meeting) -> Agency | None:
    """The user's agency if it may send the meeting a written report, else None.

    An agency invited to the meeting (or one whose staff were invited by name) that is not
    attending sends a written report instead (MAPPA audits ask for one: domain.md §1.8). Once
    someone of the agency is recorded as attending, it speaks at the meeting instead.
    """
    agency = acting_agency(user)
    if agency is None or not has_permission(user, Permission.MEETING_VIEW):
        return None
    if not meeting_list(fetched_by=user).filter(pk=meeting.pk).exists():
        return None
    invited = (
        meeting.invited_agencies.filter(pk=agency.pk).exists()
        or meeting.attendees.filter(agency_id=agency.pk).exists()
    )
    if not invited:
        return None
    if meeting.attendees.filter(agency_id=agency.pk, status=AttendeeStatus.ATTENDED).exists():
        return None
    return agency


# --- choices for the scheduling forms ---------------------------------------------------------


def _memberships(areas: QuerySet[MappaArea]) -> QuerySet[AgencyMembership]:
    return (
        AgencyMembership.objects.filter(
            is_active=True, user__is_active=True, agency__is_active=True, agency__areas__in=areas
        )
        .select_related("user", "agency")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def _users_with(memberships: QuerySet[AgencyMembership], roles: frozenset[str]) -> list[User]:
    # Roles are a JSON list, which SQLite cannot search: filter in Python (an area has few staff).
    users: dict[int, User] = {}
    for membership in memberships:
        if roles.intersection(membership.roles):
            users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def chair_choices(*, fetched_by: AnyUser, area: MappaArea | None = None) -> list[User]:
    """Meeting chairs of police and probation agencies serving the user's areas (or `area`)."""
    if not has_permission(fetched_by, Permission.MEETING_MANAGE):
        return []
    areas = ra_areas(fetched_by) if area is None else ra_areas(fetched_by).filter(pk=area.pk)
    return _users_with(
        _memberships(areas).filter(agency__kind__in=CHAIR_AGENCY_KINDS), frozenset({CHAIR_ROLE})
    )


def minute_taker_choices(*, fetched_by: AnyUser, area: MappaArea | None = None) -> list[User]:
    if not has_permission(fetched_by, Permission.MEETING_MANAGE):
        return []
    areas = ra_areas(fetched_by) if area is None else ra_areas(fetched_by).filter(pk=area.pk)
    return _users_with(_memberships(areas), MINUTE_TAKER_ROLES)


def chair_membership(*, user: User, area: MappaArea) -> AgencyMembership | None:
    """The membership that makes `user` eligible to chair in `area`, if any."""
    memberships = _memberships(MappaArea.objects.filter(pk=area.pk)).filter(
        user=user, agency__kind__in=CHAIR_AGENCY_KINDS
    )
    return next((m for m in memberships if CHAIR_ROLE in m.roles), None)


def minute_taker_membership(*, user: User, area: MappaArea) -> AgencyMembership | None:
    memberships = _memberships(MappaArea.objects.filter(pk=area.pk)).filter(user=user)
    return next((m for m in memberships if MINUTE_TAKER_ROLES.intersection(m.roles)), None)


def attending_membership(*, user: User, meeting: Meeting) -> AgencyMembership | None:
    """The membership through which `user` would attend: one of an agency serving the area whose
    roles let them open the meeting, preferring an agency already invited."""
    memberships = [
        m
        for m in _memberships(MappaArea.objects.filter(pk=meeting.area_id)).filter(user=user)
        if ATTENDING_ROLES.intersection(m.roles)
    ]
    invited = set(meeting.invited_agencies.values_list("pk", flat=True))
    memberships.sort(key=lambda m: (m.agency_id not in invited, m.agency.name))
    return memberships[0] if memberships else None


def agenda_nominal_choices(
    *, fetched_by: AnyUser, area: MappaArea | None = None, include: int | None = None
) -> QuerySet[Nominal]:
    """Nominals a co-ordinator may put on an agenda: live, of their areas, managed at level 2 or
    3 or referred there (an open or accepted referral), plus `include` (the case the
    co-ordinator came from, whatever its level: an emergency meeting may be about anyone)."""
    if not has_permission(fetched_by, Permission.MEETING_MANAGE):
        return Nominal.objects.none()
    areas = ra_areas(fetched_by) if area is None else ra_areas(fetched_by).filter(pk=area.pk)
    referred = Referral.objects.filter(status__in=[*OPEN_REFERRAL_STATUSES, ReferralStatus.ACCEPTED]).values(
        "nominal_id"
    )
    wanted = Q(level__in=[2, 3]) | Q(pk__in=referred)
    if include is not None:
        wanted |= Q(pk=include)
    return (
        nominal_list(fetched_by=fetched_by)
        .filter(wanted, area__in=areas)
        .exclude(status=Status.EXITED)
        .order_by("person__pk", "pk")
    )


def invitable_agencies(*, meeting: Meeting, fetched_by: AnyUser) -> QuerySet[Agency]:
    if not can_manage(fetched_by, meeting):
        return Agency.objects.none()
    return (
        Agency.objects.filter(areas=meeting.area_id, is_active=True)
        .exclude(pk__in=meeting.invited_agencies.values("pk"))
        .order_by("name")
    )


def invitable_people(*, meeting: Meeting, fetched_by: AnyUser) -> list[AgencyMembership]:
    """One membership per person not yet on the meeting who could attend it."""
    if not can_manage(fetched_by, meeting):
        return []
    present = set(meeting.attendees.exclude(user=None).values_list("user_id", flat=True))
    seen: set[int] = set()
    found = []
    for membership in _memberships(MappaArea.objects.filter(pk=meeting.area_id)):
        if membership.user_id in present or membership.user_id in seen:
            continue
        if ATTENDING_ROLES.intersection(membership.roles):
            seen.add(membership.user_id)
            found.append(membership)
    return found


# --- what a meeting page shows ----------------------------------------------------------------


def attendee_list(*, meeting: Meeting, fetched_by: AnyUser) -> QuerySet[Attendee]:
    """Everyone invited to or at the meeting: staff and external attendees, not nominals, so
    anyone who can see the meeting sees who is coming and who has signed."""
    if not meeting_list(fetched_by=fetched_by).filter(pk=meeting.pk).exists():
        return Attendee.objects.none()
    return meeting.attendees.select_related("user", "agency", "statement", "signature_captured_by").order_by(
        "user__last_name", "name", "id"
    )


def written_reports(*, meeting: Meeting, fetched_by: AnyUser) -> QuerySet[WrittenReport]:
    """Reports sent to the meeting: papers, so nothing until the user has signed."""
    if not meeting_list(fetched_by=fetched_by).filter(pk=meeting.pk).exists():
        return WrittenReport.objects.none()
    if not has_signed(meeting=meeting, user=fetched_by):
        return WrittenReport.objects.none()
    return meeting.written_reports.select_related("agency", "submitted_by", "agenda_item").order_by(
        "created_at", "id"
    )


def agenda_item_for(*, meeting: Meeting, pk: int, fetched_by: AnyUser) -> AgendaItem | None:
    return agenda(meeting=meeting, fetched_by=fetched_by).filter(pk=pk).first()


def meetings_of_nominal(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Meeting]:
    """Meetings the user can see with this nominal on the agenda (for the nominal's page, which
    the user has already opened: it names no other case)."""
    return (
        meeting_list(fetched_by=fetched_by)
        .filter(pk__in=AgendaItem.objects.filter(nominal=nominal).values("meeting_id"))
        .order_by("-starts_at", "-id")
    )


def nominal_referrals(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Referral]:
    return referral_list(fetched_by=fetched_by).filter(nominal=nominal)


def upcoming_and_past(*, fetched_by: AnyUser) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """Scheduled meetings from today on (soonest first), and the rest (latest first)."""
    meetings = meeting_list(fetched_by=fetched_by)
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = Q(status=MeetingStatus.SCHEDULED, starts_at__gte=start_of_today)
    return meetings.filter(upcoming).order_by("starts_at", "id"), meetings.exclude(upcoming)


# --- review meetings proposed from the nominals' next review dates ------------------------------


@dataclass(frozen=True)
class ProposedReview:
    nominal: Nominal
    overdue: bool
    proposed_date: date


def proposed_date(nominal: Nominal) -> date:
    """The review date itself, or tomorrow if it has passed (a meeting needs some notice)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    review = nominal.next_review_date
    return review if review is not None and review >= tomorrow else tomorrow


def proposed_reviews(*, fetched_by: AnyUser, area: MappaArea | None = None) -> list[ProposedReview]:
    """Level 2 and 3 nominals of the co-ordinator's areas (or `area`) whose next review is due
    within REVIEW_DUE_DAYS or overdue, and who have no meeting scheduled from now on."""
    if not has_permission(fetched_by, Permission.MEETING_MANAGE):
        return []
    areas = ra_areas(fetched_by) if area is None else ra_areas(fetched_by).filter(pk=area.pk)
    today = timezone.localdate()
    booked = AgendaItem.objects.filter(
        meeting__status=MeetingStatus.SCHEDULED, meeting__starts_at__gte=timezone.now()
    ).values("nominal_id")
    nominals = (
        nominal_list(fetched_by=fetched_by)
        .filter(
            area__in=areas,
            level__in=[2, 3],
            next_review_date__isnull=False,
            next_review_date__lte=today + timedelta(days=REVIEW_DUE_DAYS),
        )
        .exclude(status=Status.EXITED)
        .exclude(pk__in=booked)
    )
    return [
        ProposedReview(
            nominal,
            nominal.next_review_date is not None and nominal.next_review_date < today,
            proposed_date(nominal),
        )
        for nominal in nominals
    ]


def level_mismatches(meeting: Meeting) -> int:
    """How many cases on the agenda are neither managed at the meeting's level nor referred to
    it: a warning for the co-ordinator, not a refusal (a level 3 meeting may review a case being
    stepped down, or an emergency may come first)."""
    items = meeting.agenda_items.select_related("nominal")
    referred = set(
        Referral.objects.filter(
            nominal_id__in=items.values("nominal_id"),
            status__in=[*OPEN_REFERRAL_STATUSES, ReferralStatus.ACCEPTED],
        )
        .filter(Q(proposed_level=meeting.level) | Q(accepted_level=meeting.level))
        .values_list("nominal_id", flat=True)
    )
    return sum(1 for item in items if item.nominal.level != meeting.level and item.nominal_id not in referred)
