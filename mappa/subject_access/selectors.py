"""Reads of subject access requests for the receiving side, scoped to the asking user.

A request is seen by the SAR officers (SAR_MANAGE) of the agency that received it. Of its parts
they see the status only (agency, status, counts, due, late), never the content or the owners'
reasons: those stay with the owning agency (selectors for parts are the owning side's).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.nominals.selectors import acting_agency
from mappa.subject_access import deadlines
from mappa.subject_access.models import (
    ClarificationPause,
    ItemDecision,
    RequestPart,
    RequestStatus,
    SubjectAccessRequest,
)

# Pauses in date order, prefetched wherever a deadline is shown.
PAUSES = ClarificationPause.objects.order_by("requested_on", "pk")


def request_list(*, fetched_by: AnyUser) -> QuerySet[SubjectAccessRequest]:
    """The requests the user's acting agency received, for its SAR officers; nothing otherwise."""
    if not has_permission(fetched_by, Permission.SAR_MANAGE):
        return SubjectAccessRequest.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return SubjectAccessRequest.objects.none()
    return (
        SubjectAccessRequest.objects.filter(receiving_agency=agency)
        .select_related("receiving_agency")
        .prefetch_related(Prefetch("pauses", queryset=PAUSES))
    )


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Deadline:
    """A request's deadline as deadlines.py computes it, with the arithmetic in words."""

    due: date
    paused: bool
    late: bool
    first_month_due: date
    start: date
    paused_days: int
    explanation: str

    @property
    def display(self) -> str:
        return "Paused" if self.paused else long_date(self.due)


def deadline(request: SubjectAccessRequest, *, today: date | None = None) -> Deadline:
    """Uses the request's pauses (prefetched by request_list)."""
    today = today or timezone.localdate()
    pauses = [deadlines.Pause(p.requested_on, p.answered_on) for p in request.pauses.all()]
    due = deadlines.due_date(
        request.received_on,
        request.identity_verified_on,
        pauses,
        extension_months=request.extension_months,
        today=today,
    )
    first = deadlines.first_month_due(request.received_on, request.identity_verified_on, pauses, today=today)
    start = deadlines.clock_start(request.received_on, request.identity_verified_on)
    days = deadlines.paused_days(pauses, today=today)
    paused = deadlines.is_paused(pauses)
    finished_on = timezone.localtime(request.closed_at).date() if request.closed_at else None
    late = request.status != RequestStatus.WITHDRAWN and deadlines.is_late(
        due, answered_on=finished_on, today=today
    )
    months = 1 + request.extension_months
    if request.identity_verified_on is None:
        why = f"{long_date(start)}, when it was received (provisional until identity is verified)"
    elif request.identity_verified_on > request.received_on:
        why = f"{long_date(start)}, when identity was verified"
    else:
        why = f"{long_date(start)}, when it was received"
    words = f"{'one month' if months == 1 else f'{months} months'} from {why}"
    if request.extension_months:
        words += (
            f" (extended by {request.extension_months} month{'s' if request.extension_months > 1 else ''})"
        )
    if days:
        words += f", plus {days} day{'s' if days != 1 else ''} paused"
        if paused:
            words += " so far"
    explanation = f"Due {long_date(due)}: {words}"
    if paused:
        explanation = f"Paused while clarification is awaited. {explanation}"
    return Deadline(due, paused, late and not paused, first, start, days, explanation)


def part_late(part: RequestPart, request_deadline: Deadline, *, today: date) -> bool:
    """A part shares its request's deadline: it is late if answered after it, or still open once
    it has passed (never while the clock is paused)."""
    if request_deadline.paused and part.answered_at is None:
        return False
    answered = timezone.localtime(part.answered_at).date() if part.answered_at else None
    return deadlines.is_late(request_deadline.due, answered_on=answered, today=today)


def part_deadline(part: RequestPart, *, today: date | None = None) -> Deadline:
    """The request's deadline, as one part stands against it."""
    today = today or timezone.localdate()
    state = deadline(part.request, today=today)
    return replace(
        state,
        paused=state.paused and part.answered_at is None,
        late=part_late(part, state, today=today),
    )


@dataclass(frozen=True)
class PartStatusRow:
    """What the receiving agency may know about a part: never its items' content."""

    pk: int
    agency: str
    regime: str
    status: str
    status_label: str
    items: int
    decided: int
    answered_at: datetime | None
    due: date
    late: bool


def part_statuses(*, request: SubjectAccessRequest, fetched_by: AnyUser) -> list[PartStatusRow]:
    if not request_list(fetched_by=fetched_by).filter(pk=request.pk).exists():
        return []
    due = deadline(request)
    parts = (
        RequestPart.objects.filter(request=request)
        .select_related("agency")
        .annotate(
            item_count=Count("items"),
            decided_count=Count("items", filter=~Q(items__decision=ItemDecision.PENDING)),
        )
        .order_by("agency__name", "pk")
    )
    today = timezone.localdate()
    return [
        PartStatusRow(
            pk=part.pk,
            agency=part.agency.name,
            regime=part.get_regime_display(),
            status=part.status,
            status_label=part.get_status_display(),
            items=part.item_count,
            decided=part.decided_count,
            answered_at=part.answered_at,
            due=due.due,
            late=part_late(part, due, today=today),
        )
        for part in parts
    ]


def subject_record_list(*, request: SubjectAccessRequest, fetched_by: AnyUser) -> list[tuple[int, str, str]]:
    """The confirmed person records as (person id, reference, agency code): references only."""
    if not request_list(fetched_by=fetched_by).filter(pk=request.pk).exists():
        return []
    return list(
        request.subject_records.order_by("pk").values_list(
            "person_id", "person__source_ref", "person__source_agency__code"
        )
    )
