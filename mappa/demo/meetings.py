"""Synthetic referrals, level 2 meetings, minutes and copies for the Durham demo (issue 5).

Everything is written through the meetings services, acting as the demo users, so every rule is
checked and every audit event written as in real use: Durham Constabulary's MAPPA co-ordinator
screens the referrals and schedules the meetings, Durham Constabulary's meeting chair chairs them
and its minute-taker writes the minutes.

- Referrals: one accepted at level 2, one declined (stays at level 1, with the reason), one
  waiting for screening.
- A level 2 meeting held two weeks ago, with two cases: attendees signed the confidentiality
  statement (one an external attendee recorded by the chair), the statement read out for each case,
  minutes approved with information credited to agencies, decisions (one with a dissent) and
  actions (one overdue, one done); the chair took one watermarked copy, a request to copy the
  minutes to children's services was granted and one to housing is waiting for the chair.
- A level 2 review meeting in three weeks, with children's services invited; the register's
  nominals whose review falls due and who have no meeting show as proposed reviews.

The services schedule meetings only in the future and set action due dates from today, so the
held meeting is scheduled ahead and then moved back two weeks, and the overdue action's due date
back a week, by plain queryset updates: the demo's only writes outside a service, and only of dates.
One audit event, by `system:demo`, marks the load: a database that has it is left alone.
"""

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.utils import timezone

from mappa.accounts.models import AgencyMembership, User
from mappa.accounts.services import act_as
from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import record_event
from mappa.meetings import (
    services_copies,
    services_meetings,
    services_minutes,
    services_referrals,
    statement_v1,
)
from mappa.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AttendeeStatus,
    ConfidentialityStatement,
    CopyKind,
    CopyRequestKind,
    Meeting,
    MeetingKind,
    Minutes,
)
from mappa.nominals.models import Nominal, Status

MARKER = "demo_meetings"
POLICE, PROBATION, CHILDREN, HOUSING, HEALTH = (
    "DURHAM-POLICE",
    "PS-NORTH-EAST",
    "DCC-CHILDREN",
    "DCC-HOUSING",
    "TEWV-NHS",
)
LOCATION = "MAPPA meeting room, Aykley Heads police headquarters, Durham"


class _Actors:
    """Demo users acting for their agency, as the sign-in would set them."""

    def __init__(self, username: Callable[[str, str], str]) -> None:
        self._username = username
        self._cache: dict[tuple[str, str], User] = {}

    def __call__(self, code: str, role: str) -> User:
        key = (code, role)
        if key not in self._cache:
            user = User.objects.get(username=self._username(code, role))
            act_as(user, AgencyMembership.objects.select_related("agency").get(user=user, agency__code=code))
            self._cache[key] = user
        return self._cache[key]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _community(area: MappaArea, prefix: str, lead: str, level: int) -> list[Nominal]:
    return list(
        Nominal.objects.filter(
            area=area,
            person__source_ref__startswith=prefix,
            lead_agency__code=lead,
            level=level,
            status=Status.IN_COMMUNITY,
        )
        .select_related("lead_agency")
        .order_by("person__source_ref")
    )


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's referrals and meetings if they have not been added. Returns whether they were."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    # Migration 0002 publishes the statement; a flushed test database has lost it. Reference
    # data rather than case data, so written here directly.
    if not ConfidentialityStatement.objects.exists():
        ConfidentialityStatement(version=1, title=statement_v1.TITLE, text=statement_v1.TEXT).save(
            override=True
        )
    actor = _Actors(username)
    coordinator = actor(POLICE, "mappa_coordinator")
    chair = actor(POLICE, "meeting_chair")
    taker = actor(POLICE, "minute_taker")

    level_one = _community(area, prefix, PROBATION, 1)
    level_two = _community(area, prefix, POLICE, 2) + _community(area, prefix, PROBATION, 2)
    referred, declined, waiting = level_one[0], level_one[1], level_one[2]
    _referrals(actor, coordinator, referred, declined, waiting)
    held = _held_meeting(actor, agencies, coordinator, chair, taker, [referred, level_two[0]])
    _upcoming_meeting(
        agencies, coordinator, chair, taker, actor(CHILDREN, "practitioner"), held, level_two[1]
    )

    record_event(
        action=AuditAction.COLLECTION,
        actor_username="system:demo",
        summary="Demo referrals and meetings loaded",
        object_type=MARKER,
        object_id=area.pk,
        detail={"referrals": 3, "meetings": 2},
    )
    return True


def _referrals(
    actor: _Actors, coordinator: User, referred: Nominal, declined: Nominal, waiting: Nominal
) -> None:
    probation = actor(PROBATION, "practitioner")
    police = actor(POLICE, "practitioner")
    accept = services_referrals.referral_create(
        nominal=referred,
        proposed_level=2,
        reasons=(
            "Since release he has formed a relationship with a woman who has two children under ten, "
            "and has not told his offender manager. Two missed appointments in the last month."
        ),
        risk_summary="OASys: high risk of serious harm to children in the community.",
        current_level_gaps=(
            "Police, probation and children's services need to share information and agree "
            "safeguarding actions together; single-agency management cannot do that."
        ),
        by=probation,
    )
    services_referrals.referral_accept(
        referral=accept,
        level=2,
        reason="Multi-agency planning is needed to manage the risk to the children: accepted at level 2.",
        version=accept.version,
        by=coordinator,
    )
    decline = services_referrals.referral_create(
        nominal=declined,
        proposed_level=2,
        reasons="Recent verbal threats towards a neighbour reported by the housing officer.",
        risk_summary="OASys: medium risk of serious harm to the public.",
        current_level_gaps="Housing would like to be kept informed of any change of address.",
        by=police,
    )
    services_referrals.referral_decline(
        referral=decline,
        reason=(
            "The risk is manageable at level 1: probation and housing can share information under the "
            "agreement without a meeting. Refer again if the threats continue."
        ),
        version=decline.version,
        by=coordinator,
    )
    services_referrals.referral_create(
        nominal=waiting,
        proposed_level=2,
        reasons="Disclosed thoughts of harming his former partner during a supervision session.",
        risk_summary="OASys: high risk of serious harm to a known adult.",
        current_level_gaps="Victim safety planning needs police, probation and health together.",
        by=probation,
    )


def _held_meeting(
    actor: _Actors,
    agencies: dict[str, Agency],
    coordinator: User,
    chair: User,
    taker: User,
    cases: list[Nominal],
) -> Meeting:
    meeting = services_meetings.meeting_schedule(
        area=cases[0].area,
        level=2,
        kind=MeetingKind.INITIAL,
        starts_at=_at(1, 10),
        location=LOCATION,
        video_link="",
        chair=chair,
        minute_taker=taker,
        nominals=cases,
        by=coordinator,
    )
    children = actor(CHILDREN, "practitioner")
    housing = actor(HOUSING, "practitioner")
    services_meetings.meeting_invite_agency(meeting=meeting, agency=agencies[CHILDREN], by=coordinator)
    services_meetings.meeting_invite_agency(meeting=meeting, agency=agencies[HOUSING], by=coordinator)
    services_meetings.meeting_invite_person(meeting=meeting, user=children, by=coordinator)
    services_meetings.meeting_invite_person(meeting=meeting, user=housing, by=coordinator)
    for user in (chair, taker, children):
        services_meetings.confidentiality_sign(meeting=meeting, by=user)
    # The meeting took place two weeks ago (see the module docstring).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(-14, 10))
    meeting.refresh_from_db()
    services_meetings.external_attendee_record(
        meeting=meeting,
        name="Margaret Hindmarsh",
        role="Safeguarding lead",
        organisation="St Cuthbert's Primary School (invented)",
        signed=True,
        by=chair,
    )
    for attendee in meeting.attendees.filter(user__isnull=False):
        status = AttendeeStatus.APOLOGIES if attendee.user_id == housing.pk else AttendeeStatus.ATTENDED
        services_meetings.attendance_record(meeting=meeting, attendee=attendee, status=status, by=chair)
    for item in meeting.agenda_items.order_by("position"):
        services_meetings.statement_recorded(agenda_item=item, how="read", by=chair)
    services_meetings.meeting_mark_held(meeting=meeting, by=chair)

    items = list(meeting.agenda_items.order_by("position"))
    first = _minutes(agencies, chair, taker, items[0], children, dissent=True)
    _minutes(agencies, chair, taker, items[1], children, dissent=False)

    overdue, done = list(first.actions.order_by("pk"))
    Action.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=7))
    services_minutes.action_update(
        action=done, status=ActionStatus.DONE, outcome_note="Home visit made with the police.", by=children
    )
    services_copies.copy_issue(minutes=first, kind=CopyKind.DOWNLOAD, by=chair)
    granted = services_copies.copy_request_create(
        minutes=first,
        kind=CopyRequestKind.COPY,
        recipient_user=actor(CHILDREN, "senior_manager"),
        reason="The head of service is reviewing the children's protection plan.",
        by=children,
    )
    services_copies.copy_request_decide(
        request=granted, grant=True, reason="Needed for the child protection plan.", by=chair
    )
    services_copies.copy_request_create(
        minutes=first,
        kind=CopyRequestKind.COPY,
        recipient_user=housing,
        reason="Housing sent apologies and needs the actions about the tenancy.",
        by=taker,
    )
    return meeting


def _minutes(
    agencies: dict[str, Agency], chair: User, taker: User, item: AgendaItem, children: User, *, dissent: bool
) -> Minutes:
    minutes = services_minutes.minutes_start(agenda_item=item, by=taker)
    minutes = services_minutes.minutes_update(
        minutes=minutes,
        version=minutes.version,
        sections={
            "purpose": "Initial level 2 meeting to agree a multi-agency risk management plan.",
            "risk_assessment": "High risk of serious harm to children; medium to known adults.",
            "rmp_supervision": "Weekly appointments with the offender manager.",
            "rmp_monitoring": "Licence condition to disclose developing relationships.",
            "rmp_interventions": "Referral to an accredited programme.",
            "rmp_victim_safety": "Children's services to complete a safety plan with the mother.",
            "disclosure_considered": "Disclosure to the partner considered and agreed; police to make it.",
            "level_rationale": "Active multi-agency management is needed.",
            "executive_summary": "Agencies agreed a plan to protect the children; police will disclose.",
            "level_decision": 2,
            "next_review_date": timezone.localdate() + timedelta(days=10),
        },
        confirmed=list(minutes.reused_sections),
        by=taker,
    )
    for code, text in (
        (POLICE, "Police visited the address last week; a new partner with two children lives there."),
        (PROBATION, "He missed two appointments and has not disclosed the relationship."),
        (CHILDREN, "The children are known to the service; no current plan."),
    ):
        services_minutes.minutes_entry_add(minutes=minutes, agency=agencies[code], text=text, by=taker)
    services_minutes.minutes_decision_add(
        minutes=minutes,
        text="Police to disclose his convictions to his partner.",
        rationale="She has children under ten and a right to know the risk.",
        dissent="Probation preferred to give him the chance to tell her first." if dissent else "",
        by=taker,
    )
    services_minutes.minutes_action_add(
        minutes=minutes,
        description="Make the disclosure to the partner.",
        owner_agency=agencies[POLICE],
        due_date=timezone.localdate(),
        by=taker,
    )
    services_minutes.minutes_action_add(
        minutes=minutes,
        description="Visit the children at home with the police.",
        owner_agency=agencies[CHILDREN],
        owner=children,
        due_date=timezone.localdate() + timedelta(days=7),
        by=taker,
    )
    minutes.refresh_from_db()
    minutes = services_minutes.minutes_submit(minutes=minutes, version=minutes.version, by=taker)
    return services_minutes.minutes_approve(minutes=minutes, version=minutes.version, by=chair)


def _upcoming_meeting(
    agencies: dict[str, Agency],
    coordinator: User,
    chair: User,
    taker: User,
    children: User,
    held: Meeting,
    case: Nominal,
) -> Meeting:
    meeting = services_meetings.meeting_schedule(
        area=held.area,
        level=2,
        kind=MeetingKind.REVIEW,
        starts_at=_at(21, 14),
        location=LOCATION,
        video_link="https://meet.example.org/durham-mappa-review",
        chair=chair,
        minute_taker=taker,
        nominals=[case],
        by=coordinator,
    )
    services_meetings.meeting_invite_agency(meeting=meeting, agency=agencies[CHILDREN], by=coordinator)
    services_meetings.meeting_invite_agency(meeting=meeting, agency=agencies[HEALTH], by=coordinator)
    services_meetings.meeting_invite_person(meeting=meeting, user=children, by=coordinator)
    return meeting
