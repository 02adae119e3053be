"""The meeting pages, each allowed and denied from one world (tests/unit/meetings/test_meetings.py).

North: the police co-ordinator, chair, minute-taker and practitioner; a probation practitioner
(Responsible Authority: sees the area's meetings, but probation is not invited to `meeting`);
a health practitioner (duty to co-operate: sees a meeting only once health is invited) and a
children's services practitioner (never invited). South's co-ordinator sees nothing of North.
`meeting` is next week, level 2, police_nominal on its agenda, North Police invited.
"""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.meetings.models import Attendee, AttendeeStatus, Meeting, MeetingStatus, WrittenReport
from tests.conftest import signed_in_client
from tests.factories.meetings import on_agenda, signed, statement
from tests.unit.meetings.test_meetings import World, _prepare_papers, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return build_world()


def _url(name: str, *args: Any) -> str:
    return reverse(f"meetings:{name}", args=args)


def _get(world: World, who: str, name: str, *args: Any, query: str = "") -> Any:
    return signed_in_client(world.user(who)).get(_url(name, *args) + query)


def _post(world: World, who: str, name: str, *args: Any, data: dict[str, Any] | None = None) -> Any:
    return signed_in_client(world.user(who)).post(_url(name, *args), data or {})


def _body(response: Any) -> str:
    return html.unescape(response.content.decode())


def _name(world: World) -> str:
    return str(world.police_nominal.person.display_name)


# --- list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("chair", 200),
        ("minute_taker", 200),
        ("practitioner", 200),
        ("health_practitioner", 200),
        ("senior_manager", 403),
        ("auditor", 403),
    ],
)
def test_meeting_list(world, who, status):
    response = _get(world, who, "meeting-list")
    assert response.status_code == status
    if status == 200 and who != "health_practitioner":
        assert world.meeting.reference in _body(response)


def test_meeting_list_hides_meetings_from_the_uninvited(world):
    for who in ("health_practitioner", "childrens_practitioner", "south_coordinator"):
        assert world.meeting.reference not in _body(_get(world, who, "meeting-list"))


def test_meeting_list_proposes_reviews_to_the_coordinator_only(world):
    body = _body(_get(world, "coordinator", "meeting-list"))
    assert "Proposed review meetings" in body
    # probation_nominal's review is overdue, with no meeting: proposed, with a Schedule link.
    assert world.probation_nominal.person.display_name in body
    assert f"{_url('meeting-create')}?nominal={world.probation_nominal.pk}&kind=review" in body
    assert AuditEvent.objects.filter(
        object_type="nominal_register", actor_username=world.coordinator.username
    )
    practitioner_body = _body(_get(world, "practitioner", "meeting-list"))
    assert "Proposed review meetings" not in practitioner_body
    assert world.probation_nominal.person.display_name not in practitioner_body


# --- schedule -----------------------------------------------------------------------------------


def _schedule_data(world: World, **overrides: Any) -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=5)
    data = {
        "area": world.area.pk,
        "level": "2",
        "kind": "initial",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "time": "10:30",
        "location": "Synthetic room",
        "video_link": "",
        "chair": world.chair.pk,
        "minute_taker": world.minute_taker.pk,
        "nominals": [world.police_nominal.pk, world.probation_nominal.pk],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 200), ("practitioner", 403), ("chair", 403), ("senior_manager", 403)]
)
def test_meeting_create_page(world, who, status):
    assert _get(world, who, "meeting-create").status_code == status


def test_meeting_create_in_another_area_offers_nothing_of_north(world):
    body = _body(_get(world, "south_coordinator", "meeting-create"))
    assert world.chair.get_full_name() not in body
    assert _name(world) not in body
    response = _post(world, "south_coordinator", "meeting-create", data=_schedule_data(world))
    assert response.status_code == 200  # North is not a choice: a form error, nothing written
    assert Meeting.objects.count() == 1


def test_meeting_create_offers_only_eligible_chairs_and_minute_takers(world):
    body = _body(_get(world, "coordinator", "meeting-create"))
    for eligible in (world.chair, world.probation_chair, world.minute_taker):
        assert eligible.get_full_name() in body
    for ineligible in (world.prison_chair, world.south_chair):
        assert ineligible.get_full_name() not in body
    assert _name(world) in body  # level 2 case offered


def test_meeting_create_preselects_the_nominal_and_proposes_the_review_date(world):
    response = _get(
        world, "coordinator", "meeting-create", query=f"?nominal={world.probation_nominal.pk}&kind=review"
    )
    form = response.context["form"]
    assert form.initial["nominals"] == [world.probation_nominal.pk]
    assert form.initial["kind"] == "review"
    assert form.initial["level"] == 3
    assert form.initial["date"] == timezone.localdate() + timedelta(days=1)  # overdue: tomorrow
    # A nominal the co-ordinator cannot see is ignored, not an error.
    response = _get(world, "coordinator", "meeting-create", query=f"?nominal={world.south_nominal.pk}")
    assert "nominals" not in response.context["form"].initial


def test_meeting_create_schedules_and_redirects(world):
    response = _post(world, "coordinator", "meeting-create", data=_schedule_data(world))
    meeting = Meeting.objects.exclude(pk=world.meeting.pk).get()
    assert response.status_code == 302
    assert response.url == _url("meeting-detail", meeting.pk)
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute) == (10, 30)
    assert meeting.agenda_items.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": "25:00"}, "time"),
        ({"location": ""}, "location"),
        ({"chair": "", "nominals": []}, "chair"),
        ({"date_year": str(timezone.localdate().year - 1)}, "date"),
    ],
)
def test_meeting_create_shows_errors_on_the_form(world, change, field):
    response = _post(world, "coordinator", "meeting-create", data=_schedule_data(world, **change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "govuk-error-summary" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_meeting_create_refused_post_writes_nothing(world):
    response = _post(world, "practitioner", "meeting-create", data=_schedule_data(world))
    assert response.status_code == 403
    assert Meeting.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="meeting").exists()


# --- detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("chair", 200),
        ("practitioner", 200),
        ("childrens_practitioner", 404),
        ("south_coordinator", 404),
        ("senior_manager", 404),
    ],
)
def test_meeting_detail(world, who, status):
    assert _get(world, who, "meeting-detail", world.meeting.pk).status_code == status


def test_missing_and_hidden_meetings_look_the_same(world):
    hidden = _get(world, "south_coordinator", "meeting-detail", world.meeting.pk)
    missing = _get(world, "south_coordinator", "meeting-detail", world.meeting.pk + 1000)
    assert hidden.status_code == missing.status_code == 404


def test_meeting_detail_names_the_agenda_only_after_signing(world):
    body = _body(_get(world, "practitioner", "meeting-detail", world.meeting.pk))
    assert _name(world) not in body
    assert "1 case on the agenda" in body
    assert _url("meeting-sign", world.meeting.pk) in body
    signed(world.meeting, world.practitioner)
    body = _body(_get(world, "practitioner", "meeting-detail", world.meeting.pk))
    assert _name(world) in body
    assert AuditEvent.objects.filter(
        object_type="meeting", action=AuditAction.CONSULTATION, object_id=str(world.meeting.pk)
    ).exists()


def test_meeting_detail_buttons_by_role(world):
    coordinator = _body(_get(world, "coordinator", "meeting-detail", world.meeting.pk))
    practitioner = _body(_get(world, "practitioner", "meeting-detail", world.meeting.pk))
    for link in (_url("meeting-edit", world.meeting.pk), _url("meeting-invite", world.meeting.pk)):
        assert link in coordinator
        assert link not in practitioner
    chair = _body(_get(world, "chair", "meeting-detail", world.meeting.pk))
    assert _url("meeting-attendance", world.meeting.pk) in chair
    assert _url("meeting-attendance", world.meeting.pk) not in practitioner


# --- edit, cancel, held -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("chair", 403), ("practitioner", 403), ("south_coordinator", 404)],
)
def test_meeting_edit_page(world, who, status):
    assert _get(world, who, "meeting-edit", world.meeting.pk).status_code == status


def test_meeting_edit_saves_with_the_version_seen(world):
    data = _schedule_data(world, location="Room 12", version=1)
    response = _post(world, "coordinator", "meeting-edit", world.meeting.pk, data=data)
    assert response.status_code == 302
    assert Meeting.objects.get(pk=world.meeting.pk).location == "Room 12"
    stale = _post(
        world, "coordinator", "meeting-edit", world.meeting.pk, data={**data, "location": "Room 13"}
    )
    assert stale.status_code == 200
    assert "Someone else changed" in _body(stale)


@pytest.mark.parametrize(("who", "status"), [("coordinator", 302), ("practitioner", 403), ("chair", 403)])
def test_meeting_cancel(world, who, status):
    assert _get(world, who, "meeting-cancel", world.meeting.pk).status_code == (200 if status == 302 else 403)
    data = {"reason": "Synthetic: chair unavailable", "version": 1}
    response = _post(world, who, "meeting-cancel", world.meeting.pk, data=data)
    assert response.status_code == status
    expected = MeetingStatus.CANCELLED if status == 302 else MeetingStatus.SCHEDULED
    assert Meeting.objects.get(pk=world.meeting.pk).status == expected


def test_meeting_cancel_needs_a_reason(world):
    response = _post(
        world, "coordinator", "meeting-cancel", world.meeting.pk, data={"reason": "", "version": 1}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors


@pytest.mark.parametrize(
    ("who", "status"), [("chair", 302), ("coordinator", 302), ("practitioner", 403), ("minute_taker", 403)]
)
def test_meeting_held(world, who, status):
    meeting = world.started()
    assert _get(world, who, "meeting-held", meeting.pk).status_code == (200 if status == 302 else 403)
    assert _post(world, who, "meeting-held", meeting.pk).status_code == status


def test_meeting_held_before_it_starts_is_an_error_on_the_page(world):
    response = _post(world, "chair", "meeting-held", world.meeting.pk)
    assert response.status_code == 200
    assert "once the meeting has started" in _body(response)


# --- invitations ------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("chair", 403), ("practitioner", 403)])
def test_meeting_invite_page(world, who, status):
    assert _get(world, who, "meeting-invite", world.meeting.pk).status_code == status


def test_inviting_a_dtc_agency_opens_the_meeting_and_the_case_to_it(world):
    assert _get(world, "health_practitioner", "meeting-detail", world.meeting.pk).status_code == 404
    nominal_url = reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
    assert signed_in_client(world.health_practitioner).get(nominal_url).status_code == 404

    response = _post(
        world,
        "coordinator",
        "meeting-invite",
        world.meeting.pk,
        data={"invite": "agency", "a-agency": world.north.health.pk},
    )
    assert response.status_code == 302

    assert _get(world, "health_practitioner", "meeting-detail", world.meeting.pk).status_code == 200
    # Involved through the invitation: the case opens without a reason.
    assert signed_in_client(world.health_practitioner).get(nominal_url).status_code == 200
    assert _get(world, "childrens_practitioner", "meeting-detail", world.meeting.pk).status_code == 404


def test_inviting_a_person(world):
    response = _post(
        world,
        "coordinator",
        "meeting-invite",
        world.meeting.pk,
        data={"invite": "person", "p-user": world.health_practitioner.pk},
    )
    assert response.status_code == 302
    attendee = Attendee.objects.get(meeting=world.meeting, user=world.health_practitioner)
    assert attendee.agency == world.north.health
    refused = _post(
        world,
        "chair",
        "meeting-invite",
        world.meeting.pk,
        data={"invite": "person", "p-user": world.practitioner.pk},
    )
    assert refused.status_code == 403
    assert not Attendee.objects.filter(user=world.practitioner).exists()


# --- signing ------------------------------------------------------------------------------------


def test_sign_page_shows_the_full_statement_and_signing_opens_the_papers(world):
    current = statement()
    response = _get(world, "practitioner", "meeting-sign", world.meeting.pk)
    assert response.status_code == 200
    body = _body(response)
    assert current.text.splitlines()[0] in body
    assert f"Version {current.version}" in body
    assert "I agree and sign" in body

    response = _post(
        world, "practitioner", "meeting-sign", world.meeting.pk, data={"statement_version": current.version}
    )
    assert response.status_code == 302
    assert response.url == _url("meeting-pack", world.meeting.pk)
    attendee = Attendee.objects.get(meeting=world.meeting, user=world.practitioner)
    assert attendee.statement == current and attendee.signed_at is not None


@pytest.mark.parametrize("who", ["childrens_practitioner", "south_coordinator"])
def test_sign_page_is_404_to_those_who_cannot_see_the_meeting(world, who):
    assert _get(world, who, "meeting-sign", world.meeting.pk).status_code == 404
    assert (
        _post(world, who, "meeting-sign", world.meeting.pk, data={"statement_version": 1}).status_code == 404
    )
    assert not Attendee.objects.exists()


# --- papers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chair", "coordinator", "practitioner", "health_practitioner"])
def test_pack_redirects_to_signing_then_opens(world, who):
    world.meeting.invited_agencies.add(world.north.health)
    response = _get(world, who, "meeting-pack", world.meeting.pk)
    assert response.status_code == 302
    assert response.url == _url("meeting-sign", world.meeting.pk)
    signed(world.meeting, world.user(who))
    response = _get(world, who, "meeting-pack", world.meeting.pk)
    assert response.status_code == 200
    assert _name(world) in _body(response)
    assert AuditEvent.objects.filter(
        object_type="agenda_item", action=AuditAction.CONSULTATION, nominal_id=world.police_nominal.pk
    ).exists()


def test_pack_shows_referral_previous_minutes_actions_and_reports(world):
    papers = _prepare_papers(world)
    signed(world.meeting, world.probation_practitioner)
    body = _body(_get(world, "probation_practitioner", "meeting-pack", world.meeting.pk))
    assert papers["referral"].reasons in body
    assert papers["minutes"].risk_assessment in body
    assert papers["action"].description in body
    assert papers["report"].text in body
    assert "OFFICIAL-SENSITIVE" in body


@pytest.mark.parametrize("who", ["childrens_practitioner", "south_coordinator"])
def test_pack_is_404_to_the_uninvited(world, who):
    assert _get(world, who, "meeting-pack", world.meeting.pk).status_code == 404


# --- agenda -------------------------------------------------------------------------------------


def test_agenda_page_for_the_signed_coordinator(world):
    assert _get(world, "coordinator", "meeting-agenda", world.meeting.pk).status_code == 302  # sign first
    signed(world.meeting, world.coordinator)
    assert _get(world, "coordinator", "meeting-agenda", world.meeting.pk).status_code == 200
    response = _post(
        world, "coordinator", "meeting-agenda", world.meeting.pk, data={"nominal": world.probation_nominal.pk}
    )
    assert response.status_code == 302
    item = world.meeting.agenda_items.get(nominal=world.probation_nominal)
    assert _get(world, "coordinator", "meeting-agenda-remove", world.meeting.pk, item.pk).status_code == 200
    assert _post(world, "coordinator", "meeting-agenda-remove", world.meeting.pk, item.pk).status_code == 302
    assert not world.meeting.agenda_items.filter(nominal=world.probation_nominal).exists()


@pytest.mark.parametrize("who", ["practitioner", "chair"])
def test_agenda_pages_refused_to_others(world, who):
    signed(world.meeting, world.user(who))
    item = world.meeting.agenda_items.get()
    assert _get(world, who, "meeting-agenda", world.meeting.pk).status_code == 403
    data = {"nominal": world.probation_nominal.pk}
    assert _post(world, who, "meeting-agenda", world.meeting.pk, data=data).status_code == 403
    assert _post(world, who, "meeting-agenda-remove", world.meeting.pk, item.pk).status_code == 403
    assert world.meeting.agenda_items.count() == 1


# --- attendance and external attendees ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("chair", 200), ("coordinator", 200), ("practitioner", 403), ("minute_taker", 403)]
)
def test_attendance_page(world, who, status):
    assert _get(world, who, "meeting-attendance", world.meeting.pk).status_code == status


def test_attendance_recorded_from_the_page(world):
    meeting = world.started()
    attendee = signed(meeting, world.practitioner)
    data = {"record": "status", "attendee": attendee.pk, "status": "attended"}
    assert _post(world, "practitioner", "meeting-attendance", meeting.pk, data=data).status_code == 403
    assert Attendee.objects.get(pk=attendee.pk).status == AttendeeStatus.INVITED
    assert _post(world, "coordinator", "meeting-attendance", meeting.pk, data=data).status_code == 302
    assert Attendee.objects.get(pk=attendee.pk).status == AttendeeStatus.ATTENDED


def test_external_attendee_only_by_the_chair(world):
    meeting = world.started()
    data = {
        "record": "external",
        "x-name": "Synthetic Visitor",
        "x-role": "Support worker",
        "x-organisation": "Synthetic charity",
        "x-agency": "",
        "x-signed": "on",
    }
    assert _post(world, "coordinator", "meeting-attendance", meeting.pk, data=data).status_code == 403
    assert not meeting.attendees.filter(user=None).exists()
    assert _post(world, "chair", "meeting-attendance", meeting.pk, data=data).status_code == 302
    external = meeting.attendees.get(user=None)
    assert external.signature_captured_by == world.chair and external.has_signed
    unconfirmed = _post(world, "chair", "meeting-attendance", meeting.pk, data={**data, "x-signed": ""})
    assert unconfirmed.status_code == 200
    assert "signed" in unconfirmed.context["external_form"].errors


# --- statement per case -------------------------------------------------------------------------


def test_statement_page_for_the_chair_only(world):
    meeting = world.started()
    item = meeting.agenda_items.get()
    assert _get(world, "chair", "meeting-statement", meeting.pk, item.pk).status_code == 302  # sign first
    signed(meeting, world.chair)
    signed(meeting, world.coordinator)
    assert _get(world, "chair", "meeting-statement", meeting.pk, item.pk).status_code == 200
    assert _get(world, "coordinator", "meeting-statement", meeting.pk, item.pk).status_code == 403
    assert (
        _post(
            world, "coordinator", "meeting-statement", meeting.pk, item.pk, data={"how": "read"}
        ).status_code
        == 403
    )
    assert (
        _post(world, "chair", "meeting-statement", meeting.pk, item.pk, data={"how": "read"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.statement == "read"
    # An agenda item of another meeting is not found here.
    other = world.meeting.agenda_items.get()
    assert _get(world, "chair", "meeting-statement", meeting.pk, other.pk).status_code == 404


# --- written reports ----------------------------------------------------------------------------


def test_written_report_page(world):
    world.meeting.invited_agencies.add(world.north.health)
    assert _get(world, "health_practitioner", "meeting-report", world.meeting.pk).status_code == 302  # sign
    signed(world.meeting, world.health_practitioner)
    assert _get(world, "health_practitioner", "meeting-report", world.meeting.pk).status_code == 200
    item = world.meeting.agenda_items.get()
    data = {"agenda_item": item.pk, "text": "Synthetic report from health."}
    assert (
        _post(world, "health_practitioner", "meeting-report", world.meeting.pk, data=data).status_code == 302
    )
    report = WrittenReport.objects.get()
    assert (report.agency, report.agenda_item) == (world.north.health, item)


@pytest.mark.parametrize(
    ("who", "status"), [("probation_practitioner", 403), ("childrens_practitioner", 404)]
)
def test_written_report_refused_to_uninvited_agencies(world, who, status):
    # Probation sees the area's meetings but is not invited to this one; children's sees nothing.
    assert _get(world, who, "meeting-report", world.meeting.pk).status_code == status
    data = {"agenda_item": "", "text": "Synthetic."}
    assert _post(world, who, "meeting-report", world.meeting.pk, data=data).status_code == status
    assert not WrittenReport.objects.exists()


# --- the nominal's page ---------------------------------------------------------------------------


def test_nominal_page_lists_meetings_and_offers_referral_and_scheduling_by_permission(world):
    nominal_url = reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
    schedule = f"{_url('meeting-create')}?nominal={world.police_nominal.pk}"
    refer = reverse("meetings:referral-create", args=[world.police_nominal.pk])
    coordinator = _body(signed_in_client(world.coordinator).get(nominal_url))
    assert "Referrals and meetings" in coordinator
    assert world.meeting.reference in coordinator
    assert schedule in coordinator
    practitioner = _body(signed_in_client(world.practitioner).get(nominal_url))
    assert world.meeting.reference in practitioner
    assert refer in practitioner
    assert schedule not in practitioner


def test_nominal_page_names_no_other_case_of_the_meeting(world):
    world.meeting.invited_agencies.add(world.north.health)
    on_agenda(world.meeting, world.probation_nominal)
    nominal_url = reverse("nominals:nominal-detail", args=[world.police_nominal.pk])
    body = _body(signed_in_client(world.health_practitioner).get(nominal_url))
    assert world.meeting.reference in body
    assert world.probation_nominal.person.display_name not in body
