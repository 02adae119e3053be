"""Reads of referrals, meetings, minutes and actions, always as the asking user (default deny).

Who sees a meeting: the Responsible Authority staff of its area who hold MEETING_VIEW (the MAPPA
unit, chairs, the agencies that manage the cases), its chair and minute-taker, anyone invited
or recorded as attending, and staff of an invited agency. Seeing a meeting is not seeing its
papers: those need a signature of the confidentiality statement for that meeting
(`has_signed`), whoever you are, the chair included.

Minutes are papers too: a draft is seen by the minute-taker and chair; approved minutes by those
who signed for the meeting and by the recipients the chair named or permitted.
"""

from django.db.models import Q, QuerySet

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    ConfidentialityStatement,
    Meeting,
    Minutes,
    MinutesStatus,
    Referral,
)
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas


def _user_id(user: AnyUser) -> int:
    # Only called for signed-in users, who always have a primary key; 0 matches no row.
    return int(user.pk or 0)


def current_statement() -> ConfidentialityStatement | None:
    return ConfidentialityStatement.objects.order_by("-version").first()


def meeting_list(*, fetched_by: AnyUser) -> QuerySet[Meeting]:
    if not has_permission(fetched_by, Permission.MEETING_VIEW):
        return Meeting.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return Meeting.objects.none()
    user_id = _user_id(fetched_by)
    visible = (
        Q(area__in=ra_areas(fetched_by))
        | Q(chair_id=user_id)
        | Q(minute_taker_id=user_id)
        | Q(pk__in=Attendee.objects.filter(user_id=user_id).values("meeting_id"))
        | Q(pk__in=Meeting.invited_agencies.through.objects.filter(agency_id=agency.pk).values("meeting_id"))
    )
    ids = Meeting.objects.filter(visible).values("pk")
    return (
        Meeting.objects.filter(pk__in=ids)
        .select_related("area", "chair", "minute_taker")
        .order_by("-starts_at", "-id")
    )


def attendee_for(*, meeting: Meeting, user: AnyUser) -> Attendee | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Attendee.objects.filter(meeting=meeting, user_id=_user_id(user)).select_related("statement").first()
    )


def has_signed(*, meeting: Meeting, user: AnyUser) -> bool:
    """Whether the user signed the confidentiality statement for this meeting: the key to its
    papers, and to anything shared into it."""
    attendee = attendee_for(meeting=meeting, user=user)
    return attendee is not None and attendee.has_signed


def signed_meeting_ids(*, user: AnyUser) -> QuerySet[Attendee]:
    """`values("meeting_id")` of the meetings the user has signed for (for other apps' filters)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Attendee.objects.none().values("meeting_id")  # type: ignore[return-value]
    return Attendee.objects.filter(user_id=_user_id(user), signed_at__isnull=False).values(  # type: ignore[return-value]
        "meeting_id"
    )


def agenda(*, meeting: Meeting, fetched_by: AnyUser) -> QuerySet[AgendaItem]:
    """The nominals on a meeting's agenda. Their names are papers: empty until signed."""
    if not meeting_list(fetched_by=fetched_by).filter(pk=meeting.pk).exists():
        return AgendaItem.objects.none()
    if not has_signed(meeting=meeting, user=fetched_by):
        return AgendaItem.objects.none()
    return meeting.agenda_items.select_related("nominal", "nominal__person", "referral").order_by(
        "position", "id"
    )


def referral_list(*, fetched_by: AnyUser) -> QuerySet[Referral]:
    """Referrals of nominals the user may see that their agency made, or, for a co-ordinator
    (REFERRAL_SCREEN), every referral of their areas' nominals."""
    agency = acting_agency(fetched_by)
    if agency is None or not (
        has_permission(fetched_by, Permission.REFERRAL_CREATE)
        or has_permission(fetched_by, Permission.REFERRAL_SCREEN)
    ):
        return Referral.objects.none()
    visible = nominal_list(fetched_by=fetched_by).values("pk")
    # The referring agency, and the lead agency of the case (whoever referred it).
    scope = Q(referring_agency_id=agency.pk) | Q(nominal__lead_agency_id=agency.pk)
    if has_permission(fetched_by, Permission.REFERRAL_SCREEN):
        scope |= Q(nominal__area__in=ra_areas(fetched_by))
    return (
        Referral.objects.filter(scope, nominal__in=visible)
        .select_related("nominal", "nominal__person", "referring_agency", "referred_by", "decided_by")
        .order_by("-submitted_at", "-id")
    )


def minutes_list(*, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Minutes the user may read: drafts for the meeting's chair and minute-taker; approved (and
    superseded) versions for those who signed for the meeting, and for named recipients."""
    if fetched_by is None or not getattr(fetched_by, "is_authenticated", False):
        return Minutes.objects.none()
    if acting_agency(fetched_by) is None:
        return Minutes.objects.none()
    user_id = _user_id(fetched_by)
    officers = Q(agenda_item__meeting__chair_id=user_id) | Q(agenda_item__meeting__minute_taker_id=user_id)
    approved = Q(status__in=[MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED]) & (
        Q(agenda_item__meeting_id__in=signed_meeting_ids(user=fetched_by)) | Q(recipients__user_id=user_id)
    )
    ids = Minutes.objects.filter(officers | approved).values("pk")
    return Minutes.objects.filter(pk__in=ids).select_related(
        "agenda_item", "agenda_item__meeting", "agenda_item__nominal", "agenda_item__nominal__person"
    )


def action_list(*, fetched_by: AnyUser) -> QuerySet[Action]:
    """Actions the user may see: their own and their agency's, and, for the meeting's chair and
    the area's co-ordinators, every action of the meetings they chair or run."""
    agency = acting_agency(fetched_by)
    if agency is None or not has_permission(fetched_by, Permission.MEETING_VIEW):
        return Action.objects.none()
    scope = Q(owner_id=fetched_by.pk) | Q(owner_agency_id=agency.pk)
    scope |= Q(minutes__agenda_item__meeting__chair_id=fetched_by.pk)
    if has_permission(fetched_by, Permission.MEETING_MANAGE):
        scope |= Q(minutes__agenda_item__meeting__area__in=ra_areas(fetched_by))
    # Only the actions of the current approved minutes: a corrected version carries its own.
    return (
        Action.objects.filter(scope, minutes__status=MinutesStatus.APPROVED)
        .select_related(
            "nominal", "nominal__person", "owner_agency", "owner", "minutes__agenda_item__meeting"
        )
        .order_by("due_date", "id")
    )


def open_actions(*, fetched_by: AnyUser) -> QuerySet[Action]:
    return action_list(fetched_by=fetched_by).filter(status=ActionStatus.OPEN)
