"""Reads for writing minutes and following up actions, always as the asking user.

Who may read which minutes is `selectors.minutes_list`; these add what the minutes pages and the
home page need: what a new draft is pre-filled from, the earlier actions it reviews, what stops a
draft being submitted, and the actions and minutes waiting for someone. The object rules for
writing (the meeting's named minute-taker writes, its chair approves, an action's owner, owner
agency or chair updates it) are here too, so the services and the pages ask the same question.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency
from mappa.audit.models import Action as AuditAction
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeStatus,
    Meeting,
    Minutes,
    MinutesStatus,
)
from mappa.meetings.selectors import action_list, minutes_list
from mappa.nominals.access import can_apply_meeting_decision
from mappa.nominals.models import Category, Level
from mappa.nominals.selectors import acting_agency, ra_areas

RMP_SECTIONS = ("rmp_supervision", "rmp_monitoring", "rmp_interventions", "rmp_victim_safety")
TEXT_SECTIONS = (
    "purpose",
    "risk_assessment",
    *RMP_SECTIONS,
    "disclosure_considered",
    "level_rationale",
    "executive_summary",
)
EDITABLE_SECTIONS = (*TEXT_SECTIONS, "level_decision", "next_review_date")
SECTION_LABELS = {
    "purpose": "Purpose of the meeting",
    "risk_assessment": "Risk assessment summary",
    "rmp_supervision": "Supervision",
    "rmp_monitoring": "Monitoring and control",
    "rmp_interventions": "Interventions and treatment",
    "rmp_victim_safety": "Victim safety planning",
    "disclosure_considered": "Disclosure considered",
    "level_decision": "Level decision",
    "level_rationale": "Reasons for the level decision",
    "next_review_date": "Next review date",
    "executive_summary": "Executive summary",
}


# What approving does to the nominal's level (the confirmation page, the audit detail).
LEVEL_UNCHANGED = "unchanged"
LEVEL_APPLIED = "applied"
LEVEL_NOT_PERMITTED = "not_permitted"
LEVEL_EXITED = "nominal_exited"


def _uid(user: AnyUser) -> int:
    return int(getattr(user, "pk", None) or 0)


# --- who may write --------------------------------------------------------------------------


def can_write_minutes(user: AnyUser, meeting: Meeting) -> bool:
    """The meeting's named minute-taker, acting under a role that writes minutes."""
    return has_permission(user, Permission.MINUTES_WRITE) and meeting.minute_taker_id == _uid(user)


def can_approve_minutes(user: AnyUser, meeting: Meeting) -> bool:
    """The meeting's chair, acting under a role that approves minutes."""
    return has_permission(user, Permission.MINUTES_APPROVE) and meeting.chair_id == _uid(user)


def can_update_action(user: AnyUser, action: Action) -> bool:
    """The action's owner, anyone of its owner agency who updates actions, or the meeting's chair.

    The owner and the chair answer for the action personally, so their role does not matter; the
    rest of the owner agency needs ACTION_UPDATE (practitioners and co-ordinators hold it).
    """
    agency = acting_agency(user)
    if agency is None:
        return False
    if action.owner_id is not None and action.owner_id == _uid(user):
        return True
    if action.minutes.agenda_item.meeting.chair_id == _uid(user):
        return True
    return has_permission(user, Permission.ACTION_UPDATE) and agency.pk == action.owner_agency_id


def level_change_outcome(minutes: Minutes, user: AnyUser) -> str:
    """What approving these minutes would do to the nominal's level when `user` approves them.

    The meeting's chair (a Responsible Authority manager of the area) applies the decision, as
    does anyone who may manage the nominal (nominals.services.can_apply_meeting_decision);
    anyone else would approve it into the minutes only.
    """
    nominal = minutes.agenda_item.nominal
    if nominal.is_exited:
        return LEVEL_EXITED
    if not can_apply_meeting_decision(user, nominal):
        return LEVEL_NOT_PERMITTED
    if minutes.level_decision is None or nominal.level == minutes.level_decision:
        return LEVEL_UNCHANGED
    return LEVEL_APPLIED


# --- pre-filling and reviewing --------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    text: str
    source: str  # "the referral REF-000012", for "Pre-filled from ..."


def previous_minutes(agenda_item: AgendaItem) -> Minutes | None:
    """The nominal's last approved minutes from an earlier meeting (not a correction in hand)."""
    return (
        Minutes.objects.filter(
            agenda_item__nominal_id=agenda_item.nominal_id,
            status=MinutesStatus.APPROVED,
            agenda_item__meeting__starts_at__lt=agenda_item.meeting.starts_at,
        )
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "-number")
        .first()
    )


def prefill_for(agenda_item: AgendaItem) -> dict[str, Prefill]:
    """What a new draft starts with: the referral's reasons and risk summary (MAPPA A), and the
    risk assessment and plan headings of the last approved minutes (domain.md §3.1).

    Where both offer a risk assessment, the more recent wins: a referral made after the last
    meeting (say, to level 3) describes the risk as it is now; otherwise the last meeting's
    multi-agency assessment is the better starting point.
    """
    values: dict[str, Prefill] = {}
    referral = agenda_item.referral
    if referral is not None:
        source = f"the referral {referral.reference}"
        if referral.reasons.strip():
            values["purpose"] = Prefill(referral.reasons, source)
        if referral.risk_summary.strip():
            values["risk_assessment"] = Prefill(referral.risk_summary, source)
    previous = previous_minutes(agenda_item)
    if previous is not None:
        source = f"the approved minutes of {previous.agenda_item.meeting.reference}"
        newer = referral is None or (
            previous.approved_at is not None and previous.approved_at >= referral.submitted_at
        )
        for section in ("risk_assessment", *RMP_SECTIONS):
            text = getattr(previous, section)
            if text.strip() and (section not in values or newer):
                values[section] = Prefill(text, source)
    return values


def reused_from(minutes: Minutes) -> dict[str, str]:
    """For each pre-filled section still to confirm, where its text came from."""
    pending = [s for s in minutes.reused_sections if s not in minutes.confirmed_sections]
    if not pending:
        return {}
    sources = prefill_for(minutes.agenda_item)
    return {s: sources[s].source if s in sources else "earlier papers" for s in pending}


def previous_actions(minutes: Minutes) -> QuerySet[Action]:
    """Earlier meetings' actions these minutes review: every action of the last approved minutes,
    and any older one still open or closed since that meeting (so nothing drops out unreviewed)."""
    item = minutes.agenda_item
    previous = previous_minutes(item)
    if previous is None:
        return Action.objects.none()
    return (
        Action.objects.filter(
            nominal_id=item.nominal_id,
            minutes__status=MinutesStatus.APPROVED,
            minutes__agenda_item__meeting__starts_at__lt=item.meeting.starts_at,
        )
        .filter(
            Q(status=ActionStatus.OPEN)
            | Q(minutes=previous)
            | Q(closed_at__gte=previous.agenda_item.meeting.starts_at)
        )
        .select_related("owner_agency", "owner", "closed_by", "minutes__agenda_item__meeting")
        .order_by("due_date", "id")
    )


def draft_reviewing(action: Action, user: AnyUser) -> Minutes | None:
    """The draft minutes, written by `user`, whose review of previous actions lists `action`."""
    drafts = Minutes.objects.filter(
        status=MinutesStatus.DRAFT,
        agenda_item__nominal_id=action.nominal_id,
        agenda_item__meeting__minute_taker_id=_uid(user),
        agenda_item__meeting__starts_at__gt=action.minutes.agenda_item.meeting.starts_at,
    ).select_related("agenda_item__meeting")
    for draft in drafts:
        if previous_actions(draft).filter(pk=action.pk).exists():
            return draft
    return None


# --- the rows of a draft --------------------------------------------------------------------


def entry_agencies(meeting: Meeting) -> QuerySet[Agency]:
    """Agencies information can be credited to, and actions given to: the area's agencies, and
    any agency invited to the meeting or attending it (a neighbouring area's, say)."""
    attending = Attendee.objects.filter(meeting=meeting, agency__isnull=False).values("agency_id")
    return (
        Agency.objects.filter(
            Q(areas__pk=meeting.area_id) | Q(meeting_invitations__pk=meeting.pk) | Q(pk__in=attending),
            is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def action_owner_choices(meeting: Meeting) -> QuerySet[AgencyMembership]:
    """Who an action may name as its owner on the page: those at the meeting with an account,
    in the agency they attended for (the service accepts any active member of the owner agency)."""
    attendees = Attendee.objects.filter(meeting=meeting, user__isnull=False)
    pairs = Q()
    for user_id, agency_id in attendees.values_list("user_id", "agency_id"):
        pairs |= Q(user_id=user_id, agency_id=agency_id)
    if not pairs:
        return AgencyMembership.objects.none()
    return (
        AgencyMembership.objects.filter(pairs, is_active=True, user__is_active=True)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name")
    )


def is_member(user_id: int, agency_id: int) -> bool:
    return AgencyMembership.objects.filter(
        user_id=user_id, agency_id=agency_id, is_active=True, user__is_active=True
    ).exists()


def attendance(meeting: Meeting) -> QuerySet[Attendee]:
    return meeting.attendees.select_related("user", "agency", "statement").order_by("status", "name", "id")


def minutes_problems(minutes: Minutes) -> list[tuple[str | None, str]]:
    """What stops these minutes being submitted, as (field, message); empty when ready."""
    problems: list[tuple[str | None, str]] = []
    for section in minutes.reused_sections:
        if section not in minutes.confirmed_sections:
            label = SECTION_LABELS.get(section, section).lower()
            problems.append((section, f"Confirm that the pre-filled {label} is still current, or change it"))
    if not minutes.purpose.strip():
        problems.append(("purpose", "Enter the purpose of the meeting"))
    if not minutes.risk_assessment.strip():
        problems.append(("risk_assessment", "Enter the risk assessment summary"))
    if minutes.level_decision is None:
        problems.append(("level_decision", "Select the level the meeting decided"))
    elif (
        minutes.agenda_item.nominal.category == Category.OTHER_DANGEROUS_OFFENDER
        and minutes.level_decision == Level.LEVEL_1
    ):
        problems.append(
            ("level_decision", "A category 3 nominal cannot be managed at level 1: select level 2 or 3")
        )
    if minutes.next_review_date is None:
        problems.append(("next_review_date", "Enter the next review date"))
    if not minutes.agenda_item.statement:
        problems.append(
            (
                None,
                "The chair has not recorded that the confidentiality statement was read out or "
                "displayed for this case",
            )
        )
    if not minutes.agenda_item.meeting.attendees.filter(status=AttendeeStatus.ATTENDED).exists():
        problems.append((None, "Record who attended the meeting before submitting the minutes"))
    return problems


def open_correction(minutes: Minutes) -> Minutes | None:
    """A later version of the same minutes still being written or approved."""
    return (
        Minutes.objects.filter(
            agenda_item_id=minutes.agenda_item_id,
            status__in=[MinutesStatus.DRAFT, MinutesStatus.SUBMITTED],
            number__gt=minutes.number,
        )
        .order_by("number")
        .first()
    )


def minutes_versions(minutes: Minutes, *, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Every version of these minutes the user may read, latest first."""
    return (
        minutes_list(fetched_by=fetched_by).filter(agenda_item_id=minutes.agenda_item_id).order_by("-number")
    )


# --- waiting for someone --------------------------------------------------------------------


def minutes_waiting(*, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Drafts the user is to write (as named minute-taker) and submitted minutes they are to
    approve (as chair)."""
    scope = Q(pk__in=[])
    if has_permission(fetched_by, Permission.MINUTES_WRITE):
        scope |= Q(status=MinutesStatus.DRAFT, agenda_item__meeting__minute_taker_id=_uid(fetched_by))
    if has_permission(fetched_by, Permission.MINUTES_APPROVE):
        scope |= Q(status=MinutesStatus.SUBMITTED, agenda_item__meeting__chair_id=_uid(fetched_by))
    return minutes_list(fetched_by=fetched_by).filter(scope).order_by("agenda_item__meeting__starts_at", "pk")


def my_open_actions(*, fetched_by: AnyUser) -> QuerySet[Action]:
    return action_list(fetched_by=fetched_by).filter(status=ActionStatus.OPEN, owner_id=_uid(fetched_by))


def agency_open_actions(*, fetched_by: AnyUser) -> QuerySet[Action]:
    """Open actions given to the user's agency, other than the user's own."""
    agency = acting_agency(fetched_by)
    if agency is None:
        return Action.objects.none()
    return (
        action_list(fetched_by=fetched_by)
        .filter(status=ActionStatus.OPEN, owner_agency_id=agency.pk)
        .exclude(owner_id=_uid(fetched_by))
    )


def oversees_actions(user: AnyUser) -> bool:
    """Chairs and co-ordinators follow up the actions of the meetings they chair or run."""
    return has_permission(user, Permission.MINUTES_APPROVE) or has_permission(user, Permission.MEETING_MANAGE)


def overdue_meeting_actions(*, fetched_by: AnyUser, today: date | None = None) -> QuerySet[Action]:
    """Open actions past their due date from meetings the user chairs or, as a co-ordinator
    (MEETING_MANAGE), meetings of their areas."""
    if not oversees_actions(fetched_by):
        return Action.objects.none()
    scope = Q(minutes__agenda_item__meeting__chair_id=_uid(fetched_by))
    if has_permission(fetched_by, Permission.MEETING_MANAGE):
        scope |= Q(minutes__agenda_item__meeting__area__in=ra_areas(fetched_by))
    return (
        action_list(fetched_by=fetched_by)
        .filter(scope, status=ActionStatus.OPEN, due_date__lt=today or timezone.localdate())
        .select_related("minutes__agenda_item__meeting__chair")
    )


def access_action(user: AnyUser, pk: int, *, record: bool = True) -> Action:
    """One action, through action_list: one 404 for missing or hidden, the look recorded.

    (It belongs with the other access functions in access.py; it lives here while that module
    is another part's to change.) An action describes what is to be done about a nominal, so
    opening it is a consultation of personal data, like opening the minutes it came from.
    """
    action = action_list(fetched_by=user).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action")
    if record:
        meeting = action.minutes.agenda_item.meeting
        agency = acting_agency(user)
        if action.owner_id == _uid(user):
            basis = "Owner of the action"
        elif agency is not None and agency.pk == action.owner_agency_id:
            basis = "Action given to their agency"
        elif meeting.chair_id == _uid(user):
            basis = f"Chair of {meeting.reference}"
        else:
            basis = f"MAPPA co-ordinator of the area of {meeting.reference}"
        with transaction.atomic():
            record_event(
                action=AuditAction.CONSULTATION,
                actor=user,
                summary="Action consulted",
                object_type="action",
                object_id=action.pk,
                object_agency_id=action.nominal.lead_agency_id,
                nominal_id=action.nominal_id,
                justification=basis,
            )
    return action


def agenda_item_to_minute(meeting: Meeting, pk: int, *, fetched_by: AnyUser) -> AgendaItem | None:
    """An agenda item of a meeting the user is the minute-taker of. The minute-taker writes the
    minutes without first signing for the papers (minutes_list lets them read their drafts)."""
    if not can_write_minutes(fetched_by, meeting):
        return None
    return meeting.agenda_items.select_related("meeting", "nominal").filter(pk=pk).first()


def latest_minutes(agenda_item: AgendaItem) -> Minutes | None:
    return agenda_item.minutes.order_by("-number").first()


def signed_count(meeting: Meeting) -> int:
    """How many signed the statement for the meeting: who approved minutes reach."""
    return meeting.attendees.filter(signed_at__isnull=False, user__isnull=False).count()


def statement_versions(meeting: Meeting) -> list[int]:
    """The statement versions the meeting's attendees signed."""
    versions = meeting.attendees.filter(statement__isnull=False).values_list("statement__version", flat=True)
    return sorted(set(versions))


def draft_rows(minutes: Minutes) -> dict[str, QuerySet[Any]]:
    return {
        "entry": minutes.entries.select_related("agency").order_by("position", "id"),
        "decision": minutes.decisions.order_by("position", "id"),
        "action": minutes.actions.select_related("owner_agency", "owner", "closed_by").order_by(
            "due_date", "id"
        ),
    }
