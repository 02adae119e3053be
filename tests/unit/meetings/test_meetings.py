"""Meetings: scheduling, invitations, signatures, attendance, reports and the papers.

One world from NominalSetup (North and South): North Police leads `police_nominal` (level 2,
review due in 10 days) and North Probation `probation_nominal` (level 3, review overdue). North
has a police meeting chair, a probation chair, a prison "chair" (not eligible: prisons do not
chair), a minute-taker, the co-ordinator, and two duty-to-co-operate practitioners: health
(invited to meetings in these tests) and children's services (never invited). South has its own
co-ordinator and chair. `meeting` is a North level 2 meeting next week with police_nominal on
its agenda, chaired by the police chair.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors, selectors_meetings
from mappa.meetings import services_meetings as services
from mappa.meetings.models import (
    Action,
    ActionStatus,
    Attendee,
    AttendeeStatus,
    ConfidentialityStatement,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    ReferralStatus,
    WrittenReport,
)
from mappa.meetings.papers import meeting_pack
from mappa.nominals.models import Nominal, Status
from mappa.nominals.selectors import nominal_list
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.meetings import (
    MeetingFactory,
    NominalFactory,
    ReferralFactory,
    on_agenda,
    signed,
    statement,
)
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db


def _set(nominal: Nominal, **values: Any) -> Nominal:
    for field, value in values.items():
        setattr(nominal, field, value)
    nominal.save(override=True)
    return nominal


@dataclass
class World:
    setup: NominalSetup
    minute_taker: Any
    probation_chair: Any
    prison_chair: Any
    childrens_practitioner: Any
    south_chair: Any
    meeting: Meeting

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)

    def user(self, who: str) -> Any:
        return getattr(self, who)

    def schedule(self, **overrides: Any) -> Meeting:
        values: dict[str, Any] = {
            "area": self.area,
            "level": 2,
            "kind": MeetingKind.INITIAL,
            "starts_at": timezone.now() + timedelta(days=3),
            "location": "Synthetic room 1",
            "video_link": "",
            "chair": self.chair,
            "minute_taker": self.minute_taker,
            "nominals": [self.police_nominal],
            "by": self.coordinator,
        }
        values.update(overrides)
        return services.meeting_schedule(**values)

    def started(self, **kwargs: Any) -> Meeting:
        """A North meeting that started an hour ago, police_nominal on its agenda."""
        meeting = MeetingFactory(
            area=self.area,
            chair=self.chair,
            minute_taker=self.minute_taker,
            created_by=self.coordinator,
            starts_at=timezone.now() - timedelta(hours=1),
            **kwargs,
        )
        on_agenda(meeting, self.police_nominal)
        return meeting


def build_world() -> World:
    setup = NominalSetup()
    north = setup.north
    statement()
    today = timezone.localdate()
    _set(setup.police_nominal, level=2, next_review_date=today + timedelta(days=10))
    _set(setup.probation_nominal, level=3, next_review_date=today - timedelta(days=1))
    prison = AgencyFactory(
        name="North Prison", code="NORTH-PRISON", kind=AgencyKind.PRISON, areas=[north.area]
    )
    childrens = AgencyFactory(
        name="North Children's Services",
        code="NORTH-CHILDREN",
        kind=AgencyKind.CHILDRENS_SERVICES,
        areas=[north.area],
    )
    minute_taker = member(["minute_taker"], agency=north.police)
    meeting = MeetingFactory(
        area=north.area, chair=setup.chair, minute_taker=minute_taker, created_by=setup.coordinator
    )
    meeting.invited_agencies.add(north.police)
    on_agenda(meeting, setup.police_nominal)
    return World(
        setup=setup,
        minute_taker=minute_taker,
        probation_chair=member(["meeting_chair"], agency=north.probation),
        prison_chair=member(["meeting_chair"], agency=prison),
        childrens_practitioner=member(["practitioner"], agency=childrens),
        south_chair=member(["meeting_chair"], agency=setup.south.police),
        meeting=meeting,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def _events(object_type: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type, **filters).order_by("sequence"))


# --- scheduling ---------------------------------------------------------------------------------


def test_schedule_writes_meeting_agenda_invitations_and_audit(world):
    meeting = world.schedule(nominals=[world.police_nominal, world.probation_nominal])

    assert (meeting.area, meeting.level, meeting.status) == (world.area, 2, MeetingStatus.SCHEDULED)
    assert [i.nominal for i in meeting.agenda_items.order_by("position")] == [
        world.police_nominal,
        world.probation_nominal,
    ]
    # The chair's agency and the cases' lead agencies are invited; chair and minute-taker by name.
    assert set(meeting.invited_agencies.all()) == {world.north.police, world.north.probation}
    assert {a.user for a in meeting.attendees.all()} == {world.chair, world.minute_taker}
    assert not any(a.has_signed for a in meeting.attendees.all())
    [event] = _events("meeting", object_id=str(meeting.pk))
    assert event.action == AuditAction.COLLECTION
    assert event.object_agency_id == world.north.police.pk
    case_events = _events("agenda_item", action=AuditAction.COLLECTION)
    assert {e.nominal_id for e in case_events} == {world.police_nominal.pk, world.probation_nominal.pk}
    assert {e.object_agency_id for e in case_events} == {world.north.police.pk, world.north.probation.pk}


@pytest.mark.parametrize("who", ["practitioner", "chair", "south_coordinator"])
def test_schedule_refused_to_others_than_the_areas_coordinator(world, who):
    before = Meeting.objects.count()
    with pytest.raises(PermissionDenied):
        world.schedule(by=world.user(who))
    assert Meeting.objects.count() == before
    assert _events("meeting") == []


@pytest.mark.parametrize(
    ("chair", "ok"),
    [
        ("chair", True),  # police meeting chair of the area
        ("probation_chair", True),
        ("prison_chair", False),  # the Responsible Authority, but prisons do not chair
        ("south_chair", False),  # another area's chair
        ("practitioner", False),  # no chair role
        ("coordinator", False),
    ],
)
def test_chair_must_be_a_police_or_probation_meeting_chair_of_the_area(world, chair, ok):
    if ok:
        assert world.schedule(chair=world.user(chair)).chair == world.user(chair)
    else:
        with pytest.raises(ApplicationError) as error:
            world.schedule(chair=world.user(chair))
        assert error.value.field == "chair"
        assert "police or probation" in error.value.message


def test_an_inactive_chair_is_refused(world):
    world.chair.is_active = False
    world.chair.save()
    with pytest.raises(ApplicationError) as error:
        world.schedule()
    assert error.value.field == "chair"


@pytest.mark.parametrize(
    ("taker", "ok"),
    [("minute_taker", True), ("coordinator", True), ("practitioner", False), ("chair", False)],
)
def test_minute_taker_holds_the_role_or_is_a_coordinator_and_is_not_the_chair(world, taker, ok):
    if ok:
        assert world.schedule(minute_taker=world.user(taker)).minute_taker == world.user(taker)
    else:
        with pytest.raises(ApplicationError) as error:
            world.schedule(minute_taker=world.user(taker))
        assert error.value.field == "minute_taker"


def test_minute_taker_of_another_area_is_refused(world):
    with pytest.raises(ApplicationError) as error:
        world.schedule(minute_taker=world.south_coordinator)
    assert error.value.field == "minute_taker"


@pytest.mark.parametrize(
    ("kind", "offset", "ok"),
    [
        (MeetingKind.INITIAL, timedelta(days=1), True),
        (MeetingKind.INITIAL, timedelta(minutes=-5), False),
        (MeetingKind.REVIEW, timedelta(days=-1), False),
        (MeetingKind.EMERGENCY, timedelta(minutes=-5), True),  # called for now
        (MeetingKind.EMERGENCY, timedelta(hours=-2), False),
    ],
)
def test_meetings_are_not_scheduled_in_the_past_except_an_emergency_now(world, kind, offset, ok):
    call = {"kind": kind, "starts_at": timezone.now() + offset}
    if ok:
        assert world.schedule(**call).kind == kind
    else:
        with pytest.raises(ApplicationError) as error:
            world.schedule(**call)
        assert error.value.field == "starts_at"


@pytest.mark.parametrize(
    ("location", "link", "field"),
    [
        ("", "", "location"),
        ("", "http://meet.example.invalid/abc", "video_link"),
        ("", "not a link", "video_link"),
        ("", "https://meet.example.invalid/abc", None),
        ("Room 2", "", None),
    ],
)
def test_a_place_or_a_secure_video_link_is_required(world, location, link, field):
    if field is None:
        assert world.schedule(location=location, video_link=link).pk
    else:
        with pytest.raises(ApplicationError) as error:
            world.schedule(location=location, video_link=link)
        assert error.value.field == field


def test_agenda_nominals_must_be_live_cases_of_the_area(world):
    with pytest.raises(ApplicationError) as error:
        world.schedule(nominals=[world.south_nominal])
    assert error.value.field == "nominals"
    with pytest.raises(ApplicationError, match="at least one"):
        world.schedule(nominals=[])
    exited = NominalFactory(
        lead_agency=world.north.police, area=world.area, status=Status.EXITED, exited_on=timezone.localdate()
    )
    with pytest.raises(ApplicationError, match="exited"):
        world.schedule(nominals=[exited])


def test_level_mismatch_is_a_warning_not_a_refusal(world):
    meeting = world.schedule(level=3, nominals=[world.police_nominal, world.probation_nominal])
    # police_nominal is level 2 and not referred to 3; probation_nominal is level 3.
    assert selectors_meetings.level_mismatches(meeting) == 1
    ReferralFactory(nominal=world.police_nominal, proposed_level=3)
    assert selectors_meetings.level_mismatches(meeting) == 0


def test_proposed_reviews_list_due_and_overdue_cases_without_a_meeting(world):
    level_1 = NominalFactory(
        lead_agency=world.north.police, area=world.area, next_review_date=timezone.localdate()
    )
    proposals = {p.nominal.pk: p for p in selectors_meetings.proposed_reviews(fetched_by=world.coordinator)}
    # police_nominal already has next week's meeting; level 1 cases are reviewed by their agency.
    assert set(proposals) == {world.probation_nominal.pk}
    overdue = proposals[world.probation_nominal.pk]
    assert overdue.overdue
    assert overdue.proposed_date == timezone.localdate() + timedelta(days=1)
    assert level_1.pk not in proposals

    world.meeting.starts_at = timezone.now() - timedelta(days=1)
    world.meeting.save(override=True)
    proposals = {p.nominal.pk: p for p in selectors_meetings.proposed_reviews(fetched_by=world.coordinator)}
    assert proposals[world.police_nominal.pk].proposed_date == world.police_nominal.next_review_date
    assert not proposals[world.police_nominal.pk].overdue


@pytest.mark.parametrize("who", ["practitioner", "chair", "south_coordinator"])
def test_proposed_reviews_only_for_the_areas_coordinator(world, who):
    world.meeting.starts_at = timezone.now() - timedelta(days=1)
    world.meeting.save(override=True)
    assert selectors_meetings.proposed_reviews(fetched_by=world.coordinator)
    assert selectors_meetings.proposed_reviews(fetched_by=world.user(who)) == []


# --- changing, cancelling, holding --------------------------------------------------------------


def _update(world: World, meeting: Meeting, **overrides: Any) -> Meeting:
    values: dict[str, Any] = {
        "meeting": meeting,
        "version": meeting.version,
        "level": meeting.level,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "video_link": meeting.video_link,
        "chair": meeting.chair,
        "minute_taker": meeting.minute_taker,
        "by": world.coordinator,
    }
    values.update(overrides)
    return services.meeting_update(**values)


def test_update_changes_fields_bumps_version_and_invites_the_new_chair(world):
    meeting = world.meeting
    updated = _update(world, meeting, location="Room 9", chair=world.probation_chair)
    assert (updated.location, updated.chair, updated.version) == ("Room 9", world.probation_chair, 2)
    assert updated.invited_agencies.filter(pk=world.north.probation.pk).exists()
    assert updated.attendees.filter(user=world.probation_chair).exists()
    [event] = _events("meeting", action=AuditAction.ALTERATION)
    assert set(event.changed_fields) == {"location", "chair"}


def test_update_with_nothing_changed_writes_nothing(world):
    _update(world, world.meeting)
    assert Meeting.objects.get(pk=world.meeting.pk).version == 1
    assert _events("meeting") == []


def test_update_based_on_an_old_version_is_refused(world):
    _update(world, world.meeting, location="Room 9")
    with pytest.raises(ApplicationError, match="Someone else changed"):
        _update(world, world.meeting, location="Room 10", version=1)
    assert Meeting.objects.get(pk=world.meeting.pk).location == "Room 9"


@pytest.mark.parametrize("who", ["practitioner", "chair", "south_coordinator"])
def test_update_and_cancel_refused_to_others(world, who):
    with pytest.raises(PermissionDenied):
        _update(world, world.meeting, location="Room 9", by=world.user(who))
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(
            meeting=world.meeting, version=1, reason="Chair unavailable", by=world.user(who)
        )
    assert Meeting.objects.get(pk=world.meeting.pk).status == MeetingStatus.SCHEDULED


def test_cancel_needs_a_reason_and_ends_changes(world):
    with pytest.raises(ApplicationError) as error:
        services.meeting_cancel(meeting=world.meeting, version=1, reason=" ", by=world.coordinator)
    assert error.value.field == "reason"
    meeting = services.meeting_cancel(
        meeting=world.meeting, version=1, reason="Chair unavailable; to be rearranged", by=world.coordinator
    )
    assert meeting.status == MeetingStatus.CANCELLED
    [event] = _events("meeting", action=AuditAction.ALTERATION)
    assert event.justification == "Chair unavailable; to be rearranged"
    with pytest.raises(ApplicationError, match="cancelled"):
        _update(world, meeting, location="Room 9")


def test_invitation_involvement_ends_when_the_meeting_is_cancelled(world):
    services.meeting_invite_agency(meeting=world.meeting, agency=world.north.health, by=world.coordinator)
    assert nominal_list(fetched_by=world.health_practitioner).filter(pk=world.police_nominal.pk).exists()
    services.meeting_cancel(meeting=world.meeting, version=1, reason="No longer needed", by=world.coordinator)
    assert not nominal_list(fetched_by=world.health_practitioner).filter(pk=world.police_nominal.pk).exists()


def test_meeting_is_marked_held_once_started_by_chair_or_coordinator(world):
    with pytest.raises(ApplicationError, match="once the meeting has started"):
        services.meeting_mark_held(meeting=world.meeting, by=world.chair)
    meeting = world.started()
    with pytest.raises(PermissionDenied):
        services.meeting_mark_held(meeting=meeting, by=world.practitioner)
    assert services.meeting_mark_held(meeting=meeting, by=world.chair).status == MeetingStatus.HELD
    other = world.started()
    assert services.meeting_mark_held(meeting=other, by=world.coordinator).status == MeetingStatus.HELD


# --- agenda -------------------------------------------------------------------------------------


def test_agenda_add_and_remove(world):
    item = services.agenda_add(meeting=world.meeting, nominal=world.probation_nominal, by=world.coordinator)
    assert item.position == 2
    assert world.meeting.invited_agencies.filter(pk=world.north.probation.pk).exists()
    with pytest.raises(ApplicationError, match="already on the agenda"):
        services.agenda_add(meeting=world.meeting, nominal=world.probation_nominal, by=world.coordinator)
    with pytest.raises(PermissionDenied):
        services.agenda_remove(agenda_item=item, by=world.practitioner)
    services.agenda_remove(agenda_item=item, by=world.coordinator)
    assert list(world.meeting.agenda_items.values_list("nominal", flat=True)) == [world.police_nominal.pk]
    [event] = _events("agenda_item", action=AuditAction.ERASURE)
    assert event.nominal_id == world.probation_nominal.pk
    with pytest.raises(ApplicationError, match="only case"):
        services.agenda_remove(agenda_item=world.meeting.agenda_items.get(), by=world.coordinator)


def test_agenda_add_refused_to_others(world):
    with pytest.raises(PermissionDenied):
        services.agenda_add(
            meeting=world.meeting, nominal=world.probation_nominal, by=world.south_coordinator
        )
    assert world.meeting.agenda_items.count() == 1


# --- invitations and involvement -----------------------------------------------------------------


def test_invited_dtc_agency_sees_the_meeting_and_the_cases_on_its_agenda(world):
    health, childrens = world.health_practitioner, world.childrens_practitioner
    assert not nominal_list(fetched_by=health).filter(pk=world.police_nominal.pk).exists()
    assert not selectors.meeting_list(fetched_by=health).filter(pk=world.meeting.pk).exists()

    services.meeting_invite_agency(meeting=world.meeting, agency=world.north.health, by=world.coordinator)

    assert nominal_list(fetched_by=health).filter(pk=world.police_nominal.pk).exists()
    assert selectors.meeting_list(fetched_by=health).filter(pk=world.meeting.pk).exists()
    # Another duty-to-co-operate agency, not invited, sees neither.
    assert not nominal_list(fetched_by=childrens).filter(pk=world.police_nominal.pk).exists()
    assert not selectors.meeting_list(fetched_by=childrens).filter(pk=world.meeting.pk).exists()
    [event] = _events("meeting", action=AuditAction.ALTERATION)
    assert event.changed_fields == ["invited_agencies"]
    assert event.detail == {"agency": world.north.health.code}


def test_invite_agency_rules(world):
    with pytest.raises(ApplicationError, match="already invited"):
        services.meeting_invite_agency(meeting=world.meeting, agency=world.north.police, by=world.coordinator)
    with pytest.raises(ApplicationError) as error:
        services.meeting_invite_agency(meeting=world.meeting, agency=world.south.police, by=world.coordinator)
    assert error.value.field == "agency"
    with pytest.raises(PermissionDenied):
        services.meeting_invite_agency(
            meeting=world.meeting, agency=world.north.health, by=world.practitioner
        )
    assert not world.meeting.invited_agencies.filter(pk=world.north.health.pk).exists()


def test_invite_person_creates_an_invited_attendee_with_their_agency(world):
    attendee = services.meeting_invite_person(
        meeting=world.meeting, user=world.health_practitioner, by=world.coordinator
    )
    assert (attendee.status, attendee.agency, attendee.has_signed) == (
        AttendeeStatus.INVITED,
        world.north.health,
        False,
    )
    # Through their attendance their agency is involved too.
    assert nominal_list(fetched_by=world.health_practitioner).filter(pk=world.police_nominal.pk).exists()
    with pytest.raises(ApplicationError, match="already invited"):
        services.meeting_invite_person(
            meeting=world.meeting, user=world.health_practitioner, by=world.coordinator
        )


@pytest.mark.parametrize("invitee", ["senior_manager", "south_coordinator"])
def test_invite_person_refuses_those_who_could_not_attend(world, invitee):
    # A senior manager's role gives no access to meetings; South's staff serve another area.
    with pytest.raises(ApplicationError) as error:
        services.meeting_invite_person(meeting=world.meeting, user=world.user(invitee), by=world.coordinator)
    assert error.value.field == "user"


def test_invite_person_refused_to_others(world):
    with pytest.raises(PermissionDenied):
        services.meeting_invite_person(meeting=world.meeting, user=world.health_practitioner, by=world.chair)
    assert not world.meeting.attendees.exists()


# --- signing ------------------------------------------------------------------------------------


def test_signing_records_who_which_version_when_and_the_acting_agency(world):
    before = timezone.now()
    attendee = services.confidentiality_sign(meeting=world.meeting, by=world.practitioner)
    current = selectors.current_statement()
    assert current is not None
    assert attendee.user == world.practitioner
    assert attendee.statement == current
    assert attendee.agency == world.north.police
    assert attendee.signed_at is not None and attendee.signed_at >= before
    assert selectors.has_signed(meeting=world.meeting, user=world.practitioner)
    [event] = _events("attendee")
    assert event.action == AuditAction.COLLECTION
    assert event.detail["statement_version"] == current.version
    # Signing again changes nothing.
    services.confidentiality_sign(meeting=world.meeting, by=world.practitioner)
    assert len(_events("attendee")) == 1


def test_signing_updates_an_invitation_and_a_new_version_is_signed_afresh(world):
    invited = services.meeting_invite_person(meeting=world.meeting, user=world.chair, by=world.coordinator)
    signed_attendee = services.confidentiality_sign(meeting=world.meeting, by=world.chair)
    assert signed_attendee.pk == invited.pk and signed_attendee.has_signed
    newer = ConfidentialityStatement(version=statement().version + 1, title="Statement", text="Synthetic v2.")
    newer.save(override=True)
    with pytest.raises(ApplicationError, match="changed while you were reading"):
        services.confidentiality_sign(
            meeting=world.meeting, by=world.chair, statement_version=newer.version - 1
        )
    again = services.confidentiality_sign(
        meeting=world.meeting, by=world.chair, statement_version=newer.version
    )
    assert again.statement == newer
    assert _events("attendee")[-1].action == AuditAction.ALTERATION


def test_signing_refused_to_someone_who_cannot_see_the_meeting(world):
    for outsider in (world.childrens_practitioner, world.south_coordinator, world.senior_manager):
        with pytest.raises(PermissionDenied):
            services.confidentiality_sign(meeting=world.meeting, by=outsider)
    assert not Attendee.objects.exists()


def test_signing_refused_once_the_meeting_is_held_or_cancelled(world):
    held = world.started(status=MeetingStatus.HELD)
    with pytest.raises(ApplicationError, match="too late"):
        services.confidentiality_sign(meeting=held, by=world.practitioner)
    cancelled = world.started(status=MeetingStatus.CANCELLED)
    with pytest.raises(ApplicationError, match="cancelled"):
        services.confidentiality_sign(meeting=cancelled, by=world.practitioner)


def test_signing_without_a_statement_is_a_clear_error(world):
    for row in ConfidentialityStatement.objects.all():
        row.delete(override=True)
    with pytest.raises(ApplicationError, match="no confidentiality statement"):
        services.confidentiality_sign(meeting=world.meeting, by=world.practitioner)


# --- no papers before signing -------------------------------------------------------------------


def _prepare_papers(world: World) -> dict[str, Any]:
    """An earlier meeting with approved minutes and an action, a referral and a written report."""
    referral = ReferralFactory(nominal=world.police_nominal, status=ReferralStatus.SUBMITTED)
    item = world.meeting.agenda_items.get()
    item.referral = referral
    item.save(override=True)
    earlier = world.started(status=MeetingStatus.HELD)
    earlier.starts_at = timezone.now() - timedelta(days=60)
    earlier.save(override=True)
    minutes = Minutes(
        agenda_item=earlier.agenda_items.get(),
        status=MinutesStatus.APPROVED,
        approved_at=timezone.now() - timedelta(days=55),
        level_decision=2,
        risk_assessment="Synthetic: high risk to a known adult.",
    )
    minutes.save(override=True)
    action = Action(
        minutes=minutes,
        nominal=world.police_nominal,
        description="Synthetic: check the address",
        owner_agency=world.north.police,
        due_date=timezone.localdate() - timedelta(days=20),
        status=ActionStatus.DONE,
    )
    action.save(override=True)
    draft = Minutes(agenda_item=world.meeting.agenda_items.get(), status=MinutesStatus.DRAFT)
    draft.save(override=True)
    report = WrittenReport(
        meeting=world.meeting,
        agenda_item=item,
        agency=world.north.probation,
        submitted_by=world.probation_practitioner,
        text="Synthetic written report.",
    )
    report.save(override=True)
    return {"referral": referral, "minutes": minutes, "action": action, "report": report}


def _attend_as(world: World, kind: str) -> Any:
    """Give `kind` of attendee their way into the meeting; return the user."""
    if kind == "invited_agency_dtc":
        world.meeting.invited_agencies.add(world.north.health)
        return world.health_practitioner
    if kind == "invited_person":
        Attendee(meeting=world.meeting, user=world.probation_practitioner, agency=world.north.probation).save(
            override=True
        )
        return world.probation_practitioner
    return world.user(kind)


ATTENDEE_KINDS = [
    "chair",
    "minute_taker",
    "coordinator",
    "practitioner",
    "invited_agency_dtc",
    "invited_person",
]


@pytest.mark.parametrize("kind", ATTENDEE_KINDS)
def test_agenda_and_pack_are_empty_before_signing_and_full_after(world, kind):
    papers = _prepare_papers(world)
    user = _attend_as(world, kind)
    assert selectors.meeting_list(fetched_by=user).filter(pk=world.meeting.pk).exists()

    assert not selectors.agenda(meeting=world.meeting, fetched_by=user).exists()
    assert not selectors_meetings.written_reports(meeting=world.meeting, fetched_by=user).exists()
    pack = meeting_pack(meeting=world.meeting, fetched_by=user)
    assert (pack.signed, pack.cases, pack.general_reports) == (False, [], [])
    assert _events("agenda_item", action=AuditAction.CONSULTATION) == []

    services.confidentiality_sign(meeting=world.meeting, by=user)

    assert [i.nominal for i in selectors.agenda(meeting=world.meeting, fetched_by=user)] == [
        world.police_nominal
    ]
    pack = meeting_pack(meeting=world.meeting, fetched_by=user)
    assert pack.signed
    [case] = pack.cases
    assert case.nominal == world.police_nominal
    assert case.referral == papers["referral"]
    assert case.previous is not None
    assert case.previous.minutes == papers["minutes"]  # approved, not this meeting's draft
    assert case.previous.actions == [papers["action"]]
    assert case.reports == [papers["report"]]
    [event] = _events("agenda_item", action=AuditAction.CONSULTATION)
    assert event.nominal_id == world.police_nominal.pk
    assert world.meeting.reference in event.justification


def test_pack_of_a_meeting_the_user_cannot_see_is_empty(world):
    signed(world.meeting, world.practitioner)
    pack = meeting_pack(meeting=world.meeting, fetched_by=world.childrens_practitioner)
    assert not pack.signed and pack.cases == []


def test_previous_minutes_link_only_when_the_minutes_open_for_the_reader(world):
    papers = _prepare_papers(world)
    signed(world.meeting, world.practitioner)
    [case] = meeting_pack(meeting=world.meeting, fetched_by=world.practitioner, record=False).cases
    assert case.previous is not None and case.previous.url is None  # did not sign the earlier meeting
    signed(papers["minutes"].agenda_item.meeting, world.practitioner)
    [case] = meeting_pack(meeting=world.meeting, fetched_by=world.practitioner, record=False).cases
    assert case.previous is not None and case.previous.url


# --- external attendees, attendance, statement per case -----------------------------------------


def test_only_the_chair_records_an_external_attendee_with_a_captured_signature(world):
    meeting = world.started()
    signed(meeting, world.chair)
    call = {
        "meeting": meeting,
        "name": "Synthetic Person",
        "role": "Support worker",
        "organisation": "Synthetic charity",
        "signed": True,
    }
    for other in (world.coordinator, world.practitioner, world.probation_chair):
        with pytest.raises(PermissionDenied):
            services.external_attendee_record(**call, by=other)
    assert not meeting.attendees.filter(user=None).exists()

    attendee = services.external_attendee_record(**call, agency=world.north.health, by=world.chair)
    assert attendee.is_external and attendee.has_signed
    assert (attendee.signature_captured_by, attendee.status, attendee.agency) == (
        world.chair,
        AttendeeStatus.ATTENDED,
        world.north.health,
    )
    assert attendee.statement == selectors.current_statement()
    assert _events("attendee", object_id=str(attendee.pk))[0].action == AuditAction.COLLECTION


@pytest.mark.parametrize(
    ("change", "field"),
    [({"signed": False}, "signed"), ({"name": " "}, "name"), ({"organisation": ""}, "organisation")],
)
def test_external_attendee_needs_name_role_organisation_and_signature(world, change, field):
    meeting = world.started()
    call = {
        "meeting": meeting,
        "name": "Synthetic Person",
        "role": "Support worker",
        "organisation": "Charity",
    }
    with pytest.raises(ApplicationError) as error:
        services.external_attendee_record(**{**call, "signed": True, **change}, by=world.chair)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("who", "allowed"), [("chair", True), ("coordinator", True), ("practitioner", False)]
)
def test_attendance_recorded_by_chair_or_coordinator(world, who, allowed):
    meeting = world.started()
    attendee = signed(meeting, world.probation_practitioner)
    if allowed:
        recorded = services.attendance_record(
            meeting=meeting, attendee=attendee, status=AttendeeStatus.ATTENDED, by=world.user(who)
        )
        assert recorded.status == AttendeeStatus.ATTENDED
        assert _events("attendee", action=AuditAction.ALTERATION)[0].changed_fields == ["status"]
    else:
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                meeting=meeting, attendee=attendee, status=AttendeeStatus.ATTENDED, by=world.user(who)
            )
        assert Attendee.objects.get(pk=attendee.pk).status == AttendeeStatus.INVITED


def test_attendance_rules(world):
    invited = services.meeting_invite_person(
        meeting=world.meeting, user=world.probation_practitioner, by=world.coordinator
    )
    # Apologies may come before the meeting; attending only once it has started, and signed.
    assert (
        services.attendance_record(
            meeting=world.meeting, attendee=invited, status=AttendeeStatus.APOLOGIES, by=world.coordinator
        ).status
        == AttendeeStatus.APOLOGIES
    )
    with pytest.raises(ApplicationError, match="started"):
        services.attendance_record(
            meeting=world.meeting, attendee=invited, status=AttendeeStatus.ATTENDED, by=world.coordinator
        )
    meeting = world.started()
    unsigned = Attendee(meeting=meeting, user=world.practitioner, agency=world.north.police)
    unsigned.save(override=True)
    with pytest.raises(ApplicationError, match="not signed"):
        services.attendance_record(
            meeting=meeting, attendee=unsigned, status=AttendeeStatus.ATTENDED, by=world.coordinator
        )
    with pytest.raises(ApplicationError) as error:
        services.attendance_record(meeting=meeting, attendee=invited, status="attended", by=world.coordinator)
    assert error.value.field == "attendee"  # someone of another meeting


def test_statement_recorded_per_case_only_by_the_signed_chair_once_started(world):
    item = world.meeting.agenda_items.get()
    signed(world.meeting, world.chair)
    with pytest.raises(ApplicationError, match="started"):
        services.statement_recorded(agenda_item=item, how="read", by=world.chair)

    meeting = world.started()
    item = meeting.agenda_items.get()
    with pytest.raises(ApplicationError, match="Sign the confidentiality statement"):
        services.statement_recorded(agenda_item=item, how="read", by=world.chair)
    signed(meeting, world.chair)
    for other in (world.coordinator, world.minute_taker, world.practitioner):
        signed(meeting, other)
        with pytest.raises(PermissionDenied):
            services.statement_recorded(agenda_item=item, how="read", by=other)
    with pytest.raises(ApplicationError) as error:
        services.statement_recorded(agenda_item=item, how="whispered", by=world.chair)
    assert error.value.field == "how"

    recorded = services.statement_recorded(agenda_item=item, how="displayed", by=world.chair)
    assert (recorded.statement, recorded.statement_recorded_by) == ("displayed", world.chair)
    assert recorded.statement_recorded_at is not None
    [event] = _events("agenda_item", action=AuditAction.ALTERATION)
    assert (event.nominal_id, event.object_agency_id) == (world.police_nominal.pk, world.north.police.pk)


# --- written reports ----------------------------------------------------------------------------


def test_written_report_from_an_invited_agency_that_is_not_attending(world):
    world.meeting.invited_agencies.add(world.north.health)
    health = world.health_practitioner
    item = world.meeting.agenda_items.get()
    with pytest.raises(ApplicationError, match="Sign the confidentiality statement"):
        services.written_report_submit(
            meeting=world.meeting, agenda_item=item, agency=world.north.health, text="Synthetic.", by=health
        )
    signed(world.meeting, health)
    with pytest.raises(ApplicationError) as error:
        services.written_report_submit(
            meeting=world.meeting, agenda_item=item, agency=world.north.health, text=" ", by=health
        )
    assert error.value.field == "text"
    with pytest.raises(PermissionDenied):
        services.written_report_submit(
            meeting=world.meeting, agenda_item=item, agency=world.north.police, text="Synthetic.", by=health
        )

    report = services.written_report_submit(
        meeting=world.meeting,
        agenda_item=item,
        agency=world.north.health,
        text="Synthetic report.",
        by=health,
    )
    assert (report.agency, report.submitted_by, report.agenda_item) == (world.north.health, health, item)
    [event] = _events("written_report")
    assert (event.nominal_id, event.object_agency_id) == (world.police_nominal.pk, world.north.health.pk)


def test_written_report_refused_to_uninvited_and_attending_agencies(world):
    with pytest.raises(PermissionDenied):
        services.written_report_submit(
            meeting=world.meeting,
            agenda_item=None,
            agency=world.childrens_practitioner.acting_membership.agency,
            text="Synthetic.",
            by=world.childrens_practitioner,
        )
    meeting = world.started()
    meeting.invited_agencies.add(world.north.health)
    attended = signed(meeting, world.health_practitioner)
    attended.status = AttendeeStatus.ATTENDED
    attended.save(override=True)
    with pytest.raises(PermissionDenied):
        services.written_report_submit(
            meeting=meeting,
            agenda_item=None,
            agency=world.north.health,
            text="Synthetic.",
            by=world.health_practitioner,
        )
    assert not WrittenReport.objects.exists()
