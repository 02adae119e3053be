"""Reads for distribution, copies and the chair's permission, always as the asking user.

Who may take a copy of approved minutes (`copy_basis`): the meeting's chair, an attendee who
signed the confidentiality statement for it, and a recipient the minutes were distributed to
(at approval, by the chair's own decision, or by the chair's permission on request). Anyone
else needs the chair's permission first (domain.md §3.2: minutes are not copied without the
chair's agreement).

Who sees the copy register of a set of minutes (`can_see_register`): the meeting's chair and
minute-taker, who answer for the minutes, and the MAPPA co-ordinators of its area, who run the
unit that keeps them. It names staff and agencies, not the case.

A request for the chair's permission is seen by whoever asked and by the chair who decides it.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mappa.accounts.models import AgencyMembership, User
from mappa.agencies.models import Agency, MappaArea
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    CopyRequest,
    CopyRequestKind,
    CopyRequestStatus,
    Meeting,
    Minutes,
    MinutesCopy,
    MinutesRecipient,
    MinutesStatus,
)
from mappa.meetings.selectors import has_signed
from mappa.nominals.selectors import acting_agency, ra_areas


def _signed_in(user: AnyUser) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _user_id(user: AnyUser) -> int:
    # Only called for signed-in users, who always have a primary key; 0 matches no row.
    return int(user.pk or 0)


@dataclass(frozen=True)
class CopyBasis:
    """Why a user may take a copy: the audit event's justification, and the chair's permission
    behind it when there is one."""

    justification: str
    permission: CopyRequest | None = None


def copy_basis(*, minutes: Minutes, user: AnyUser) -> CopyBasis | None:
    """Why `user` may take a copy of `minutes`, or None: they must ask the chair."""
    if not _signed_in(user):
        return None
    meeting: Meeting = minutes.agenda_item.meeting
    if meeting.chair_id == user.pk:
        return CopyBasis(f"Chair of {meeting.reference}")
    if has_signed(meeting=meeting, user=user):
        return CopyBasis(f"Signed the confidentiality statement for {meeting.reference}")
    recipient = MinutesRecipient.objects.filter(minutes_id=minutes.pk, user_id=_user_id(user)).first()
    if recipient is None:
        return None
    # A recipient added on the chair's permission: the register links the copy to it.
    permission = (
        CopyRequest.objects.filter(
            minutes_id=minutes.pk,
            kind=CopyRequestKind.COPY,
            status=CopyRequestStatus.GRANTED,
            recipient_user_id=_user_id(user),
        )
        .order_by("-decided_at", "-id")
        .first()
    )
    return CopyBasis(f"Recipient of the minutes: {recipient.reason}", permission)


def can_see_register(*, minutes: Minutes, user: AnyUser) -> bool:
    if not _signed_in(user) or acting_agency(user) is None:
        return False
    meeting: Meeting = minutes.agenda_item.meeting
    if user.pk in (meeting.chair_id, meeting.minute_taker_id):
        return True
    return (
        has_permission(user, Permission.MEETING_MANAGE) and ra_areas(user).filter(pk=meeting.area_id).exists()
    )


def register_minutes(*, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Minutes whose copy register the user may see (see `can_see_register`)."""
    if not _signed_in(fetched_by) or acting_agency(fetched_by) is None:
        return Minutes.objects.none()
    scope = Q(agenda_item__meeting__chair_id=fetched_by.pk) | Q(
        agenda_item__meeting__minute_taker_id=fetched_by.pk
    )
    if has_permission(fetched_by, Permission.MEETING_MANAGE):
        scope |= Q(agenda_item__meeting__area__in=ra_areas(fetched_by))
    return Minutes.objects.filter(scope).select_related(
        "agenda_item", "agenda_item__meeting", "agenda_item__meeting__area"
    )


def copy_register(*, minutes: Minutes, fetched_by: AnyUser) -> QuerySet[MinutesCopy]:
    if not can_see_register(minutes=minutes, user=fetched_by):
        return MinutesCopy.objects.none()
    return (
        MinutesCopy.objects.filter(minutes_id=minutes.pk)
        .select_related("issued_to", "permission")
        .order_by("copy_number")
    )


def recipient_list(*, minutes: Minutes, fetched_by: AnyUser) -> QuerySet[MinutesRecipient]:
    """The distribution list: for those who see the register, and for the chair who keeps it."""
    if not can_see_register(minutes=minutes, user=fetched_by):
        return MinutesRecipient.objects.none()
    return (
        MinutesRecipient.objects.filter(minutes_id=minutes.pk)
        .select_related("user", "agency", "added_by")
        .order_by("created_at", "id")
    )


def area_users(*, area: MappaArea) -> QuerySet[User]:
    """Active users with an active membership of an active agency serving `area`: who minutes
    may be copied to inside mappa."""
    members = AgencyMembership.objects.filter(
        is_active=True, agency__is_active=True, agency__areas=area, user__is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=members).order_by("last_name", "first_name", "username")


def area_agency_of(*, user: User, area: MappaArea) -> Agency | None:
    """The agency `user` works for in `area` (the first by name if several): the recipient's
    agency in the distribution list."""
    membership = (
        AgencyMembership.objects.filter(user=user, is_active=True, agency__is_active=True, agency__areas=area)
        .select_related("agency")
        .order_by("agency__name")
        .first()
    )
    return membership.agency if membership is not None else None


def copy_request_list(*, fetched_by: AnyUser) -> QuerySet[CopyRequest]:
    """Requests the user made, and requests about minutes of meetings they chair."""
    if not _signed_in(fetched_by) or acting_agency(fetched_by) is None:
        return CopyRequest.objects.none()
    scope = Q(requested_by_id=fetched_by.pk) | Q(minutes__agenda_item__meeting__chair_id=fetched_by.pk)
    return (
        CopyRequest.objects.filter(scope)
        .select_related(
            "minutes",
            "minutes__agenda_item",
            "minutes__agenda_item__meeting",
            "requested_by",
            "requesting_agency",
            "recipient_user",
            "decided_by",
        )
        .order_by("-created_at", "-id")
    )


def can_decide(*, copy_request: CopyRequest, user: AnyUser) -> bool:
    """Only the chair of the meeting decides, acting in a role that may approve minutes."""
    if not _signed_in(user):
        return False
    meeting: Meeting = copy_request.minutes.agenda_item.meeting
    return meeting.chair_id == user.pk and has_permission(user, Permission.MINUTES_APPROVE)


@dataclass(frozen=True)
class CopyActions:
    """What a reader of approved minutes may do with them, for the buttons on the minutes page
    (templates/meetings/copies_buttons.html). The services check each again."""

    minutes: Minutes
    can_copy: bool
    can_ask: bool
    can_see_register: bool
    is_chair: bool


def copy_actions(*, minutes: Minutes, user: AnyUser) -> CopyActions:
    current = minutes.status == MinutesStatus.APPROVED
    return CopyActions(
        minutes=minutes,
        can_copy=current and copy_basis(minutes=minutes, user=user) is not None,
        can_ask=current and acting_agency(user) is not None,
        can_see_register=can_see_register(minutes=minutes, user=user),
        is_chair=_signed_in(user)
        and minutes.agenda_item.meeting.chair_id == user.pk
        and has_permission(user, Permission.MINUTES_APPROVE),
    )
