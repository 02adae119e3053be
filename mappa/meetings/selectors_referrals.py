"""Reads about referrals (MAPPA A): who may act on one, the screening queue, and their timings.

Everything here is scoped through `selectors.referral_list` (default deny): a referral is seen by
the agency that made it and by the co-ordinators of the nominal's area. The predicates say who may
act on a referral; the services check them again, so a page can use them to offer only the
actions that will succeed.

Timings are what the MAPPA audit asks about (domain.md §1.7, §2): how long screening took, and
how long after the referral the first level 2 or 3 meeting about the nominal was held. They are
computed from the stored times rather than from the audit log, so reporting can reuse them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import DateTimeField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyGroup
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    OPEN_REFERRAL_STATUSES,
    AgendaItem,
    MeetingStatus,
    Referral,
    ReferralStatus,
    ReferralStep,
)
from mappa.meetings.selectors import referral_list
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas
from mappa.people.models import PersonName

# The steps a referral goes through, as ReferralStep.step stores them, and how a page names them.
STEP_SUBMITTED = "submitted"
STEP_INFORMATION_REQUESTED = "information_requested"
STEP_INFORMATION_PROVIDED = "information_provided"
STEP_ACCEPTED = "accepted"
STEP_DECLINED = "declined"
STEP_WITHDRAWN = "withdrawn"
STEP_LABELS = {
    STEP_SUBMITTED: "Referral made",
    STEP_INFORMATION_REQUESTED: "More information requested",
    STEP_INFORMATION_PROVIDED: "More information given",
    STEP_ACCEPTED: "Accepted",
    STEP_DECLINED: "Declined",
    STEP_WITHDRAWN: "Withdrawn",
}

# How many decided referrals, and referrals made by an agency, a list page shows.
LIST_LIMIT = 50

# A declined or withdrawn referral leads to no meeting: a later meeting about the nominal (after
# a second referral, say) would be wrongly counted as this referral's first meeting.
_NO_MEETING_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)


# --- who may act -------------------------------------------------------------------------------


def referring_agency(user: AnyUser) -> Agency | None:
    """The agency the user would refer for: a Responsible Authority or duty-to-co-operate agency.

    Associate agencies take part in MAPPA by invitation but do not refer: the guidance gives
    referral to "any RA or DTC agency" (domain.md §1.7).
    """
    if not has_permission(user, Permission.REFERRAL_CREATE):
        return None
    agency = acting_agency(user)
    if agency is None or agency.group == AgencyGroup.ASSOCIATE:
        return None
    return agency


def can_refer(user: AnyUser, nominal: Nominal) -> bool:
    """Whether the user may refer this nominal: a referring agency's user who can see the case.
    Whether the referral itself is sound (level, open referral, exit) is the service's question."""
    if referring_agency(user) is None:
        return False
    return nominal_list(fetched_by=user).filter(pk=nominal.pk).exists()


def can_screen(user: AnyUser, referral: Referral) -> bool:
    """The co-ordinator of the nominal's area screens its referrals, wherever they came from."""
    if not has_permission(user, Permission.REFERRAL_SCREEN):
        return False
    return ra_areas(user).filter(pk=referral.nominal.area_id).exists()


def is_referrer(user: AnyUser, referral: Referral) -> bool:
    """Acting for the agency that made the referral, with the permission to refer: that agency,
    not only the person who wrote it, answers questions about it and may withdraw it."""
    if not has_permission(user, Permission.REFERRAL_CREATE):
        return False
    agency = acting_agency(user)
    return agency is not None and agency.pk == referral.referring_agency_id


# --- lists --------------------------------------------------------------------------------------


def _with_names(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    # The lists show each nominal's name: one query for all names, not one per row.
    return referrals.prefetch_related(
        Prefetch("nominal__person__names", queryset=PersonName.objects.order_by("id"))
    )


def screening_queue(*, fetched_by: AnyUser) -> QuerySet[Referral]:
    """Open referrals of the co-ordinator's areas, oldest first: the next one to screen is the
    one that has waited longest. Both open states: waiting, and waiting for more information."""
    if not has_permission(fetched_by, Permission.REFERRAL_SCREEN):
        return Referral.objects.none()
    return _with_names(
        referral_list(fetched_by=fetched_by)
        .filter(nominal__area__in=ra_areas(fetched_by), status__in=OPEN_REFERRAL_STATUSES)
        .order_by("submitted_at", "id")
    )


def referrals_closed(*, fetched_by: AnyUser) -> QuerySet[Referral]:
    """Decided (and withdrawn) referrals of the co-ordinator's areas, latest first."""
    if not has_permission(fetched_by, Permission.REFERRAL_SCREEN):
        return Referral.objects.none()
    return _with_names(
        referral_list(fetched_by=fetched_by)
        .filter(nominal__area__in=ra_areas(fetched_by))
        .exclude(status__in=OPEN_REFERRAL_STATUSES)
        # A withdrawal is not a decision (decided_at stays empty): it closed when last changed.
        .annotate(closed_at=Coalesce("decided_at", "updated_at"))
        .order_by("-closed_at", "-id")
    )


def referrals_made(*, fetched_by: AnyUser) -> QuerySet[Referral]:
    """Referrals the user's acting agency made, latest first."""
    agency = acting_agency(fetched_by)
    if agency is None:
        return Referral.objects.none()
    return _with_names(referral_list(fetched_by=fetched_by).filter(referring_agency_id=agency.pk))


def referrals_for_nominal(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Referral]:
    """The nominal's referrals the user may see, latest first."""
    return referral_list(fetched_by=fetched_by).filter(nominal_id=nominal.pk)


def open_referral_for(*, nominal: Nominal, fetched_by: AnyUser) -> Referral | None:
    """The nominal's open referral, whoever made it, for a user who can see the nominal.

    A second referral is refused while one is open (one per nominal), and the refusal names the
    open one so the referrer can follow it up; that is all this reveals to another agency.
    """
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return None
    return (
        Referral.objects.filter(nominal_id=nominal.pk, status__in=OPEN_REFERRAL_STATUSES)
        .select_related("referring_agency")
        .first()
    )


def referral_steps(*, referral: Referral, fetched_by: AnyUser) -> QuerySet[ReferralStep]:
    """The referral's dated steps, oldest first: its timeline."""
    if not referral_list(fetched_by=fetched_by).filter(pk=referral.pk).exists():
        return ReferralStep.objects.none()
    return referral.steps.select_related("by").order_by("at", "id")


def days_waiting(referral: Referral, *, today: date | None = None) -> int:
    """Whole days since the referral was made, by the calendar in London."""
    today = today or timezone.localdate()
    return (today - timezone.localdate(referral.submitted_at)).days


# --- timings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralTimings:
    """How long screening took and how long until the first meeting; None where it has not
    happened (or, for the first meeting, where the referral was declined or withdrawn)."""

    submitted_at: datetime
    decided_at: datetime | None
    first_meeting_at: datetime | None

    @property
    def to_decision(self) -> timedelta | None:
        return self.decided_at - self.submitted_at if self.decided_at else None

    @property
    def to_first_meeting(self) -> timedelta | None:
        return self.first_meeting_at - self.submitted_at if self.first_meeting_at else None

    @property
    def days_to_decision(self) -> int | None:
        return _days(self.submitted_at, self.decided_at)

    @property
    def days_to_first_meeting(self) -> int | None:
        return _days(self.submitted_at, self.first_meeting_at)


def _days(start: datetime, end: datetime | None) -> int | None:
    # Calendar days in London, as a practitioner counts them: made on Monday, decided on
    # Wednesday is two days, whatever the hours.
    if end is None:
        return None
    return (timezone.localdate(end) - timezone.localdate(start)).days


def _meetings_of(nominal_id: Any, since: Any) -> QuerySet[AgendaItem]:
    # The nominal on the agenda of a meeting not cancelled, starting at or after `since`.
    # A meeting still to come counts: it is when the referral's first meeting is planned.
    return (
        AgendaItem.objects.filter(nominal_id=nominal_id, meeting__starts_at__gte=since)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("meeting__starts_at")
    )


def first_meeting_subquery() -> Subquery:
    """The start of the referral's first meeting (see `referral_timings`), for
    `annotate(first_meeting_at=...)` on referrals."""
    first = _meetings_of(OuterRef("nominal_id"), OuterRef("submitted_at")).values("meeting__starts_at")[:1]
    return Subquery(first, output_field=DateTimeField())


def with_timings(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """`referrals` annotated with `first_meeting_at`, so timings for many cost one query."""
    return referrals.annotate(first_meeting_at=first_meeting_subquery())


def referral_timings(referral: Referral) -> ReferralTimings:
    """Referral to decision (decided_at minus submitted_at) and to the first meeting: the first
    meeting not cancelled with the nominal on its agenda, at or after the referral was made.

    Uses the `with_timings` annotation when the referral carries it, else one query.
    """
    first: datetime | None
    if referral.status in _NO_MEETING_STATUSES:
        first = None
    elif hasattr(referral, "first_meeting_at"):
        first = referral.first_meeting_at
    else:
        first = (
            _meetings_of(referral.nominal_id, referral.submitted_at)
            .values_list("meeting__starts_at", flat=True)
            .first()
        )
    return ReferralTimings(
        submitted_at=referral.submitted_at, decided_at=referral.decided_at, first_meeting_at=first
    )
