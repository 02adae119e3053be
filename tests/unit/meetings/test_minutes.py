"""Minutes (MAPPA C), their approval and versions, and actions as tasks: services_minutes and
selectors_minutes.

One world, from NominalSetup: a North level 2 meeting held yesterday, chaired by the North
Police chair and minuted by a North Police minute-taker, with `police_nominal` on its agenda
(referred, the statement read out, one attendee present). Another minute-taker, a chair who also
co-ordinates (and so may change the nominal's level), and South's staff are there to be refused.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors_minutes as sel
from mappa.meetings import services_minutes as services
from mappa.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeStatus,
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesEntry,
    MinutesStatus,
    ReferralStatus,
)
from mappa.meetings.selectors import action_list, minutes_list
from mappa.nominals.models import ChangedField, ChangeReason, Nominal
from tests.factories.accounts import member
from tests.factories.meetings import MeetingFactory, ReferralFactory, on_agenda, statement
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RISK = "Synthetic: risk to a known adult when drinking."


def attend(meeting: Meeting, user: Any, status: str = AttendeeStatus.ATTENDED) -> Attendee:
    attendee = Attendee(
        meeting=meeting,
        user=user,
        agency=user.acting_membership.agency,
        status=status,
        statement=statement(),
        signed_at=timezone.now(),
    )
    attendee.save(override=True)
    return attendee


def held_meeting(setup: NominalSetup, chair: Any, minute_taker: Any, days_ago: int = 1) -> Meeting:
    return MeetingFactory(
        area=setup.area,
        chair=chair,
        minute_taker=minute_taker,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=MeetingStatus.HELD,
    )


def agenda_item(meeting: Meeting, nominal: Nominal, chair: Any, **kwargs: Any) -> AgendaItem:
    return on_agenda(
        meeting,
        nominal,
        statement="read",
        statement_recorded_at=timezone.now(),
        statement_recorded_by=chair,
        **kwargs,
    )


def accepted_referral(nominal: Nominal, **kwargs: Any) -> Any:
    # Accepted, as a referral is by the time its case is on an agenda (and only one may be open).
    return ReferralFactory(
        nominal=nominal,
        status=ReferralStatus.ACCEPTED,
        accepted_level=2,
        decided_at=timezone.now(),
        decision_reason="Synthetic: threshold met.",
        **kwargs,
    )


class MinutesSetup:
    """NominalSetup plus one held meeting about `police_nominal`, ready to be minuted."""

    def __init__(self) -> None:
        self.s = NominalSetup()
        north = self.s.north
        self.chair = self.s.chair
        self.minute_taker = member(["minute_taker"], agency=north.police)
        self.other_minute_taker = member(["minute_taker"], agency=north.police)
        self.coordinating_chair = member(["meeting_chair", "mappa_coordinator"], agency=north.police)
        self.other_chair = member(["meeting_chair"], agency=north.police)
        self.nominal = self.s.police_nominal
        self.referral = accepted_referral(self.nominal, risk_summary=RISK)
        self.meeting = held_meeting(self.s, self.chair, self.minute_taker)
        self.item = agenda_item(self.meeting, self.nominal, self.chair, referral=self.referral)
        attend(self.meeting, self.s.practitioner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.s, name)


@pytest.fixture
def ms(db: Any) -> MinutesSetup:
    return MinutesSetup()


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def events(object_type: str = "minutes", **filters: Any) -> Any:
    return AuditEvent.objects.filter(object_type=object_type, **filters)


def complete(ms: MinutesSetup, minutes: Minutes, **sections: Any) -> Minutes:
    values: dict[str, Any] = {
        "purpose": minutes.purpose or "Synthetic purpose.",
        "risk_assessment": minutes.risk_assessment or RISK,
        "level_decision": 2,
        "next_review_date": TODAY + timedelta(weeks=16),
    }
    values.update(sections)
    return services.minutes_update(
        minutes=minutes,
        version=minutes.version,
        sections=values,
        confirmed=minutes.reused_sections,
        by=ms.minute_taker,
    )


def approved(ms: MinutesSetup, *, chair: Any = None, **sections: Any) -> Minutes:
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker), **sections)
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    return services.minutes_approve(minutes=minutes, version=minutes.version, by=chair or ms.chair)


def add_action(ms: MinutesSetup, minutes: Minutes, **kwargs: Any) -> Action:
    values: dict[str, Any] = {
        "description": "Synthetic: visit the address.",
        "owner_agency": ms.north.police,
        "owner": ms.practitioner,
        "due_date": TODAY + timedelta(days=14),
    }
    values.update(kwargs)
    return services.minutes_action_add(minutes=minutes, by=ms.minute_taker, **values)


# --- start and pre-fill ---------------------------------------------------------------------


def test_start_prefills_from_the_referral(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    assert (minutes.number, minutes.status, minutes.version) == (1, MinutesStatus.DRAFT, 1)
    assert minutes.purpose == ms.referral.reasons
    assert minutes.risk_assessment == RISK
    assert minutes.reused_sections == ["purpose", "risk_assessment"]
    assert minutes.confirmed_sections == []
    event = events(action=AuditAction.COLLECTION).get()
    assert event.object_id == str(minutes.pk)
    assert event.nominal_id == ms.nominal.pk
    assert event.object_agency_id == ms.nominal.lead_agency_id
    assert event.detail["reused_sections"] == ["purpose", "risk_assessment"]


@pytest.mark.parametrize(
    "who", ["chair", "other_minute_taker", "practitioner", "coordinator", "south_coordinator"]
)
def test_start_refused_to_anyone_but_the_named_minute_taker(ms: MinutesSetup, who):
    with pytest.raises(PermissionDenied):
        services.minutes_start(agenda_item=ms.item, by=getattr(ms, who))
    assert not Minutes.objects.exists()
    assert not events().exists()


def test_one_draft_at_a_time(ms: MinutesSetup):
    services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(ApplicationError, match="already been started"):
        services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    assert Minutes.objects.count() == 1


def test_no_second_start_after_approval(ms: MinutesSetup):
    approved(ms)
    with pytest.raises(ApplicationError, match="start a correction"):
        services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    assert Minutes.objects.count() == 1


def test_start_refused_for_a_cancelled_meeting(ms: MinutesSetup):
    ms.meeting.status = MeetingStatus.CANCELLED
    ms.meeting.save(override=True)
    with pytest.raises(ApplicationError, match="cancelled"):
        services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)


def test_start_prefills_from_the_last_approved_minutes_and_lists_their_open_actions(ms: MinutesSetup):
    first = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    complete(ms, first, rmp_supervision="Synthetic: weekly reporting.", rmp_victim_safety="Synthetic: alarm.")
    open_action = add_action(ms, first)
    done_action = add_action(ms, first, description="Synthetic: check the licence.")
    first = services.minutes_submit(minutes=fresh(first), version=fresh(first).version, by=ms.minute_taker)
    first = services.minutes_approve(minutes=first, version=first.version, by=ms.chair)
    services.action_update(action=done_action, status=ActionStatus.DONE, outcome_note="", by=ms.practitioner)
    # The review meeting, with no referral: everything comes from the last minutes.
    review = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker, location="Room 2")
    item = agenda_item(review, ms.nominal, ms.chair)

    second = services.minutes_start(agenda_item=item, by=ms.minute_taker)

    assert second.reused_sections == ["risk_assessment", "rmp_supervision", "rmp_victim_safety"]
    assert second.risk_assessment == RISK
    assert second.rmp_supervision == "Synthetic: weekly reporting."
    assert second.purpose == ""
    assert set(sel.previous_actions(second)) == {open_action, done_action}
    assert sel.reused_from(second)["rmp_supervision"] == f"the approved minutes of {ms.meeting.reference}"


def test_the_more_recent_of_referral_and_last_minutes_fills_the_risk_assessment(ms: MinutesSetup):
    approved(ms, risk_assessment="Synthetic: the meeting's assessment.")
    review = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker)
    # A referral made after those minutes were approved (say, to level 3) is the newer view.
    later = accepted_referral(ms.nominal, risk_summary="Synthetic: newer risk.")
    item = agenda_item(review, ms.nominal, ms.chair, referral=later)
    minutes = services.minutes_start(agenda_item=item, by=ms.minute_taker)
    assert minutes.risk_assessment == "Synthetic: newer risk."
    assert minutes.purpose == later.reasons


# --- editing, conflicts, confirming ---------------------------------------------------------


def test_update_saves_bumps_the_version_and_audits_field_names(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    saved = services.minutes_update(
        minutes=minutes,
        version=1,
        sections={"disclosure_considered": "Synthetic: not needed.", "level_decision": "2"},
        by=ms.minute_taker,
    )
    assert saved.version == 2
    assert fresh(minutes).level_decision == 2
    event = events(action=AuditAction.ALTERATION).get()
    assert sorted(event.changed_fields) == ["disclosure_considered", "level_decision"]
    assert "Synthetic" not in event.summary + str(event.detail)


def test_update_with_nothing_changed_writes_nothing(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    services.minutes_update(
        minutes=minutes, version=1, sections={"purpose": minutes.purpose}, by=ms.minute_taker
    )
    assert fresh(minutes).version == 1
    assert not events(action=AuditAction.ALTERATION).exists()


def test_update_on_an_old_version_is_a_conflict_and_saves_nothing(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    services.minutes_update(minutes=minutes, version=1, sections={"purpose": "Theirs."}, by=ms.minute_taker)
    with pytest.raises(services.MinutesConflict, match="Someone else changed"):
        services.minutes_update(minutes=minutes, version=1, sections={"purpose": "Mine."}, by=ms.minute_taker)
    assert fresh(minutes).purpose == "Theirs."
    assert events(action=AuditAction.ALTERATION).count() == 1


def test_update_validates_level_and_review_date(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(ApplicationError) as error:
        services.minutes_update(
            minutes=minutes, version=1, sections={"level_decision": 4}, by=ms.minute_taker
        )
    assert error.value.field == "level_decision"
    before_meeting = timezone.localdate(ms.meeting.starts_at)
    with pytest.raises(ApplicationError) as error:
        services.minutes_update(
            minutes=minutes, version=1, sections={"next_review_date": before_meeting}, by=ms.minute_taker
        )
    assert error.value.field == "next_review_date"


@pytest.mark.parametrize("who", ["chair", "other_minute_taker", "practitioner"])
def test_update_refused_to_others(ms: MinutesSetup, who):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(PermissionDenied):
        services.minutes_update(minutes=minutes, version=1, sections={"purpose": "X"}, by=getattr(ms, who))
    assert fresh(minutes).purpose == ms.referral.reasons


def test_editing_a_reused_section_confirms_it_and_ticking_confirms_unchanged(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    minutes = services.minutes_update(
        minutes=minutes,
        version=1,
        sections={"purpose": "Synthetic: changed."},
        confirmed=["rmp_monitoring"],  # not pre-filled: ignored
        by=ms.minute_taker,
    )
    assert minutes.confirmed_sections == ["purpose"]
    minutes = services.minutes_update(
        minutes=minutes,
        version=minutes.version,
        sections={},
        confirmed=["risk_assessment"],
        by=ms.minute_taker,
    )
    assert fresh(minutes).confirmed_sections == ["purpose", "risk_assessment"]


def test_confirm_current(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(PermissionDenied):
        services.minutes_confirm_current(minutes=minutes, section="purpose", by=ms.chair)
    with pytest.raises(ApplicationError, match="not pre-filled"):
        services.minutes_confirm_current(minutes=minutes, section="rmp_monitoring", by=ms.minute_taker)
    services.minutes_confirm_current(minutes=minutes, section="purpose", by=ms.minute_taker)
    services.minutes_confirm_current(minutes=minutes, section="purpose", by=ms.minute_taker)  # no-op
    stored = fresh(minutes)
    assert stored.confirmed_sections == ["purpose"]
    assert stored.version == 1  # a confirmation overwrites no one's text
    assert events(action=AuditAction.ALTERATION).count() == 1


# --- entries, decisions, actions ------------------------------------------------------------


def test_entries_need_an_agency_of_the_area_or_the_meeting(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    entry = services.minutes_entry_add(
        minutes=minutes, agency=ms.north.health, text="Synthetic: GP concerns.", by=ms.minute_taker
    )
    assert (entry.agency, entry.position) == (ms.north.health, 1)
    with pytest.raises(ApplicationError) as error:
        services.minutes_entry_add(minutes=minutes, agency=ms.south.police, text="X", by=ms.minute_taker)
    assert error.value.field == "agency"
    ms.meeting.invited_agencies.add(ms.south.police)
    services.minutes_entry_add(minutes=minutes, agency=ms.south.police, text="Synthetic.", by=ms.minute_taker)
    with pytest.raises(ApplicationError, match="Enter the information"):
        services.minutes_entry_add(minutes=minutes, agency=ms.north.police, text="  ", by=ms.minute_taker)
    assert event_types(minutes) == [AuditAction.COLLECTION, AuditAction.COLLECTION, AuditAction.COLLECTION]


def event_types(minutes: Minutes) -> list[str]:
    return list(events(object_id=str(minutes.pk)).order_by("sequence").values_list("action", flat=True))


def test_entry_update_and_remove(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    entry = services.minutes_entry_add(minutes=minutes, agency=ms.north.health, text="A.", by=ms.minute_taker)
    with pytest.raises(PermissionDenied):
        services.minutes_entry_update(entry=entry, agency=ms.north.police, text="B.", by=ms.chair)
    services.minutes_entry_update(entry=entry, agency=ms.north.police, text="B.", by=ms.minute_taker)
    assert (fresh(entry).agency, fresh(entry).text) == (ms.north.police, "B.")
    assert events(action=AuditAction.ALTERATION).get().changed_fields == ["agency", "text"]
    with pytest.raises(PermissionDenied):
        services.minutes_entry_remove(entry=entry, by=ms.chair)
    services.minutes_entry_remove(entry=entry, by=ms.minute_taker)
    assert not MinutesEntry.objects.exists()
    assert events(action=AuditAction.ERASURE).exists()


def test_decisions_need_a_rationale(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(ApplicationError) as error:
        services.minutes_decision_add(
            minutes=minutes, text="Raise to level 2.", rationale="", by=ms.minute_taker
        )
    assert error.value.field == "rationale"
    decision = services.minutes_decision_add(
        minutes=minutes,
        text="Raise to level 2.",
        rationale="Synthetic: needs co-ordination.",
        dissent="Health disagreed.",
        by=ms.minute_taker,
    )
    services.minutes_decision_update(
        decision=decision, text="Raise to level 2.", rationale="R.", dissent="", by=ms.minute_taker
    )
    assert (fresh(decision).rationale, fresh(decision).dissent) == ("R.", "")
    with pytest.raises(PermissionDenied):
        services.minutes_decision_remove(decision=decision, by=ms.practitioner)
    services.minutes_decision_remove(decision=decision, by=ms.minute_taker)
    assert not Decision.objects.exists()


def test_actions_need_owner_agency_a_member_owner_and_a_due_date_not_past(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    action = add_action(ms, minutes)
    assert (action.nominal, action.status, action.owner) == (ms.nominal, ActionStatus.OPEN, ms.practitioner)
    assert events("action", action=AuditAction.COLLECTION, object_id=str(action.pk)).exists()
    with pytest.raises(ApplicationError) as error:
        add_action(ms, minutes, owner=ms.probation_practitioner)
    assert error.value.field == "owner"
    with pytest.raises(ApplicationError) as error:
        add_action(ms, minutes, due_date=TODAY - timedelta(days=1))
    assert error.value.field == "due_date"
    with pytest.raises(ApplicationError) as error:
        add_action(ms, minutes, owner_agency=ms.south.police, owner=None)
    assert error.value.field == "owner_agency"
    unowned = add_action(ms, minutes, owner_agency=ms.north.health, owner=None, due_date=TODAY)
    services.minutes_action_update(
        action=unowned,
        description="Synthetic: changed.",
        owner_agency=ms.north.health,
        owner=ms.health_practitioner,
        due_date=TODAY,
        by=ms.minute_taker,
    )
    assert fresh(unowned).owner == ms.health_practitioner
    with pytest.raises(PermissionDenied):
        services.minutes_action_remove(action=unowned, by=ms.chair)
    services.minutes_action_remove(action=unowned, by=ms.minute_taker)
    assert list(Action.objects.all()) == [action]


# --- submit, return, approve ----------------------------------------------------------------


def _break(ms: MinutesSetup, minutes: Minutes, what: str) -> Minutes:
    if what == "unconfirmed":
        return services.minutes_update(
            minutes=minutes,
            version=minutes.version,
            sections={
                "purpose": minutes.purpose,
                "level_decision": 2,
                "next_review_date": TODAY + timedelta(days=60),
            },
            confirmed=["purpose"],
            by=ms.minute_taker,
        )
    if what == "statement":
        ms.item.statement = ""
        ms.item.save(override=True)
    if what == "attendance":
        Attendee.objects.filter(meeting=ms.meeting).update(status=AttendeeStatus.APOLOGIES)
    if what == "category_3_at_level_1":
        ms.nominal.category, ms.nominal.level = 3, 2
        ms.nominal.save(override=True)
    sections: dict[str, Any] = {
        "purpose": "" if what == "purpose" else "P.",
        "risk_assessment": "" if what == "risk_assessment" else "R.",
        "level_decision": None if what == "level_decision" else (1 if what == "category_3_at_level_1" else 2),
        "next_review_date": None if what == "next_review_date" else TODAY + timedelta(days=60),
    }
    return services.minutes_update(
        minutes=minutes, version=minutes.version, sections=sections, by=ms.minute_taker
    )


@pytest.mark.parametrize(
    ("what", "field"),
    [
        ("unconfirmed", "risk_assessment"),
        ("purpose", "purpose"),
        ("risk_assessment", "risk_assessment"),
        ("level_decision", "level_decision"),
        ("category_3_at_level_1", "level_decision"),
        ("next_review_date", "next_review_date"),
        ("statement", None),
        ("attendance", None),
    ],
)
def test_submit_refused_until_complete(ms: MinutesSetup, what, field):
    minutes = _break(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker), what)
    with pytest.raises(ApplicationError) as error:
        services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    assert error.value.field == field
    assert fresh(minutes).status == MinutesStatus.DRAFT


def test_submit_by_the_minute_taker_only(ms: MinutesSetup):
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker))
    assert sel.minutes_problems(minutes) == []
    with pytest.raises(PermissionDenied):
        services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.chair)
    with pytest.raises(services.MinutesConflict):
        services.minutes_submit(minutes=minutes, version=minutes.version - 1, by=ms.minute_taker)
    submitted = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    assert submitted.status == MinutesStatus.SUBMITTED
    assert submitted.submitted_at is not None
    # Submitted minutes are the chair's to approve or return, not the writer's to change.
    with pytest.raises(ApplicationError, match="submitted to the chair"):
        services.minutes_update(
            minutes=submitted, version=submitted.version, sections={"purpose": "X"}, by=ms.minute_taker
        )


def test_return_by_the_chair_with_a_reason(ms: MinutesSetup):
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker))
    with pytest.raises(ApplicationError, match="not been submitted"):
        services.minutes_return(minutes=minutes, reason="Fix it.", by=ms.chair)
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    for who in (ms.minute_taker, ms.other_chair):
        with pytest.raises(PermissionDenied):
            services.minutes_return(minutes=minutes, reason="Fix it.", by=who)
    with pytest.raises(ApplicationError) as error:
        services.minutes_return(minutes=minutes, reason=" ", by=ms.chair)
    assert error.value.field == "reason"
    returned = services.minutes_return(minutes=minutes, reason="Synthetic: add the dissent.", by=ms.chair)
    assert (returned.status, returned.submitted_at) == (MinutesStatus.DRAFT, None)
    event = events(summary="Minutes returned to the minute-taker").get()
    assert event.justification == "Synthetic: add the dissent."


@pytest.mark.parametrize("who", ["minute_taker", "other_chair", "coordinator"])
def test_approve_refused_to_all_but_the_chair(ms: MinutesSetup, who):
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker))
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(minutes=minutes, version=minutes.version, by=getattr(ms, who))
    assert fresh(minutes).status == MinutesStatus.SUBMITTED


def test_approve_needs_submitted_minutes(ms: MinutesSetup):
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker))
    with pytest.raises(ApplicationError, match="not been submitted"):
        services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)


def test_approval_by_the_chair_applies_the_meeting_decision_to_the_nominal(ms: MinutesSetup):
    # The chair cannot manage the nominal, but the meeting decides its level and review date.
    minutes = approved(ms, level_decision=2)
    assert (minutes.status, minutes.approved_by) == (MinutesStatus.APPROVED, ms.chair)
    assert minutes.approved_at is not None
    nominal = fresh(ms.nominal)
    assert (nominal.level, nominal.next_review_date) == (2, minutes.next_review_date)
    change = nominal.changes.get(reason=ChangeReason.MEETING_DECISION)
    assert change.changed_by == ms.chair and minutes.reference in change.reason_detail
    event = events(summary="Minutes approved").get()
    assert event.detail["level_change"] == sel.LEVEL_APPLIED


def test_approval_distributes_to_those_who_attended_and_signed(ms: MinutesSetup):
    minutes = approved(ms)
    assert list(minutes.recipients.values_list("user_id", flat=True)) == [ms.practitioner.pk]
    assert events(action=AuditAction.DISCLOSURE, object_id=str(minutes.pk)).exists()


def test_approval_changes_the_level_with_history_when_the_chair_may(ms: MinutesSetup):
    ms.meeting.chair = ms.coordinating_chair
    ms.meeting.save(override=True)
    version = fresh(ms.nominal).version
    approved(ms, chair=ms.coordinating_chair, level_decision=2)
    nominal = fresh(ms.nominal)
    assert (nominal.level, nominal.version) == (2, version + 1)
    change = nominal.changes.get(field=ChangedField.LEVEL, reason=ChangeReason.MEETING_DECISION)
    assert change.changed_by == ms.coordinating_chair
    assert change.effective_date == timezone.localdate(ms.meeting.starts_at)
    assert events(summary="Minutes approved").get().detail["level_change"] == sel.LEVEL_APPLIED
    assert events("nominal", nominal_id=nominal.pk, action=AuditAction.ALTERATION).exists()


def test_approval_with_the_same_level_changes_nothing(ms: MinutesSetup):
    ms.meeting.chair = ms.coordinating_chair
    ms.meeting.save(override=True)
    minutes = approved(ms, chair=ms.coordinating_chair, level_decision=1)
    nominal = fresh(ms.nominal)
    assert nominal.level == 1 and not nominal.changes.filter(reason=ChangeReason.MEETING_DECISION).exists()
    # Only the review date the meeting set is recorded.
    assert nominal.next_review_date == minutes.next_review_date
    assert events(summary="Minutes approved").get().detail["level_change"] == sel.LEVEL_UNCHANGED


def _every_write(ms: MinutesSetup, minutes: Minutes) -> dict[str, Any]:
    entry = minutes.entries.get()
    decision = minutes.decisions.get()
    action = minutes.actions.get()
    mt = ms.minute_taker
    v = minutes.version
    return {
        "update": lambda: services.minutes_update(
            minutes=minutes, version=v, sections={"purpose": "X"}, by=mt
        ),
        "confirm": lambda: services.minutes_confirm_current(minutes=minutes, section="purpose", by=mt),
        "entry_add": lambda: services.minutes_entry_add(
            minutes=minutes, agency=ms.north.police, text="X", by=mt
        ),
        "entry_update": lambda: services.minutes_entry_update(
            entry=entry, agency=ms.north.police, text="X", by=mt
        ),
        "entry_remove": lambda: services.minutes_entry_remove(entry=entry, by=mt),
        "decision_add": lambda: services.minutes_decision_add(
            minutes=minutes, text="X", rationale="Y", by=mt
        ),
        "decision_update": lambda: services.minutes_decision_update(
            decision=decision, text="X", rationale="Y", by=mt
        ),
        "decision_remove": lambda: services.minutes_decision_remove(decision=decision, by=mt),
        "action_add": lambda: add_action(ms, minutes),
        "action_update": lambda: services.minutes_action_update(
            action=action, description="X", owner_agency=ms.north.police, due_date=TODAY, by=mt
        ),
        "action_remove": lambda: services.minutes_action_remove(action=action, by=mt),
        "submit": lambda: services.minutes_submit(minutes=minutes, version=v, by=mt),
        "return": lambda: services.minutes_return(minutes=minutes, reason="X", by=ms.chair),
        "approve": lambda: services.minutes_approve(minutes=minutes, version=v, by=ms.chair),
    }


WRITES = [
    "update",
    "confirm",
    "entry_add",
    "entry_update",
    "entry_remove",
    "decision_add",
    "decision_update",
    "decision_remove",
    "action_add",
    "action_update",
    "action_remove",
    "submit",
    "return",
    "approve",
]


@pytest.mark.parametrize("write", WRITES)
def test_approved_minutes_refuse_every_write(ms: MinutesSetup, write):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    services.minutes_entry_add(minutes=minutes, agency=ms.north.police, text="E.", by=ms.minute_taker)
    services.minutes_decision_add(minutes=minutes, text="D.", rationale="R.", by=ms.minute_taker)
    add_action(ms, minutes)
    minutes = complete(ms, fresh(minutes))
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    minutes = services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)
    before = events().count(), events("action").count(), fresh(minutes).version
    with pytest.raises(ApplicationError, match="approved and can no longer be changed"):
        _every_write(ms, minutes)[write]()
    assert (events().count(), events("action").count(), fresh(minutes).version) == before
    assert (MinutesEntry.objects.count(), Decision.objects.count(), Action.objects.count()) == (1, 1, 1)


# --- corrections ----------------------------------------------------------------------------


def test_correction_copies_everything_and_supersedes_on_approval(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    services.minutes_entry_add(minutes=minutes, agency=ms.north.health, text="E.", by=ms.minute_taker)
    services.minutes_decision_add(
        minutes=minutes, text="D.", rationale="R.", dissent="X.", by=ms.minute_taker
    )
    action = add_action(ms, minutes)
    minutes = complete(ms, fresh(minutes), rmp_monitoring="Synthetic: tag.")
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    v1 = services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)

    with pytest.raises(ApplicationError) as error:
        services.minutes_correct(minutes=v1, reason="", by=ms.chair)
    assert error.value.field == "reason"
    v2 = services.minutes_correct(minutes=v1, reason="Synthetic: wrong date.", by=ms.chair)
    assert (v2.number, v2.status, v2.correction_reason) == (2, MinutesStatus.DRAFT, "Synthetic: wrong date.")
    for name in sel.EDITABLE_SECTIONS:
        assert getattr(v2, name) == getattr(v1, name)
    assert list(v2.entries.values_list("agency_id", "text")) == [(ms.north.health.pk, "E.")]
    assert list(v2.decisions.values_list("text", "rationale", "dissent")) == [("D.", "R.", "X.")]
    assert list(v2.actions.values_list("description", "owner_id")) == [
        (action.description, ms.practitioner.pk)
    ]
    assert sel.minutes_problems(v2) == []
    with pytest.raises(ApplicationError, match="already being written"):
        services.minutes_correct(minutes=v1, reason="Again.", by=ms.minute_taker)
    # Until the correction is approved, v1 and its actions stay current; follow-up recorded on
    # them meanwhile is carried onto the corrected copy.
    services.action_update(
        action=action, status=ActionStatus.DONE, outcome_note="Visited.", by=ms.practitioner
    )

    v2 = services.minutes_update(
        minutes=v2,
        version=v2.version,
        sections={"next_review_date": TODAY + timedelta(weeks=8)},
        by=ms.minute_taker,
    )
    v2 = services.minutes_submit(minutes=v2, version=v2.version, by=ms.minute_taker)
    v2 = services.minutes_approve(minutes=v2, version=v2.version, by=ms.chair)

    assert fresh(v1).status == MinutesStatus.SUPERSEDED
    assert v2.status == MinutesStatus.APPROVED
    copied = v2.actions.get()
    assert (copied.status, copied.outcome_note, copied.closed_by) == (
        ActionStatus.DONE,
        "Visited.",
        ms.practitioner,
    )
    assert list(action_list(fetched_by=ms.practitioner)) == [copied]
    assert events(summary="Minutes superseded by an approved correction", object_id=str(v1.pk)).exists()
    with pytest.raises(ApplicationError, match="already been corrected"):
        services.minutes_correct(minutes=fresh(v1), reason="Again.", by=ms.chair)
    with pytest.raises(ApplicationError, match="approved and can no longer be changed"):
        services.minutes_update(minutes=fresh(v1), version=fresh(v1).version, sections={}, by=ms.minute_taker)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("minute_taker", True), ("chair", True), ("other_chair", False), ("practitioner", False)],
)
def test_who_may_start_a_correction(ms: MinutesSetup, who, allowed):
    v1 = approved(ms)
    if allowed:
        assert services.minutes_correct(minutes=v1, reason="Synthetic.", by=getattr(ms, who)).number == 2
    else:
        with pytest.raises(PermissionDenied):
            services.minutes_correct(minutes=v1, reason="Synthetic.", by=getattr(ms, who))
        assert Minutes.objects.count() == 1


def test_a_draft_is_not_corrected(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    with pytest.raises(ApplicationError, match="Only approved minutes"):
        services.minutes_correct(minutes=minutes, reason="X.", by=ms.minute_taker)


# --- actions as tasks -----------------------------------------------------------------------


def _approved_with_action(ms: MinutesSetup, **kwargs: Any) -> Action:
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    action = add_action(ms, minutes, **kwargs)
    minutes = complete(ms, fresh(minutes))
    minutes = services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    services.minutes_approve(minutes=minutes, version=minutes.version, by=ms.chair)
    return Action.objects.get(pk=action.pk)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("practitioner", True),  # the owner
        ("coordinator", True),  # the owner agency, with ACTION_UPDATE
        ("chair", True),  # the meeting's chair
        ("other_chair", False),  # the owner agency, without ACTION_UPDATE
        ("probation_practitioner", False),
        ("health_practitioner", False),
        ("south_coordinator", False),
    ],
)
def test_action_update_rights(ms: MinutesSetup, who, allowed):
    action = _approved_with_action(ms)
    user = getattr(ms, who)
    if allowed:
        updated = services.action_update(action=action, status=ActionStatus.DONE, outcome_note="", by=user)
        assert (updated.status, updated.closed_by) == (ActionStatus.DONE, user)
        assert updated.closed_at is not None
        event = events("action", object_id=str(action.pk), action=AuditAction.ALTERATION).get()
        assert sorted(event.changed_fields) == ["closed_at", "closed_by", "status"]
    else:
        with pytest.raises(PermissionDenied):
            services.action_update(action=action, status=ActionStatus.DONE, outcome_note="", by=user)
        assert fresh(action).status == ActionStatus.OPEN
        assert not events("action", object_id=str(action.pk), action=AuditAction.ALTERATION).exists()


def test_owner_alone_may_update_even_in_another_agency(ms: MinutesSetup):
    action = _approved_with_action(ms, owner_agency=ms.north.health, owner=ms.health_practitioner)
    services.action_update(
        action=action, status=ActionStatus.OPEN, outcome_note="Booked.", by=ms.health_practitioner
    )
    with pytest.raises(PermissionDenied):
        services.action_update(action=action, status=ActionStatus.DONE, outcome_note="", by=ms.practitioner)


def test_action_not_done_needs_why_and_reopening_clears_closure(ms: MinutesSetup):
    action = _approved_with_action(ms)
    with pytest.raises(ApplicationError) as error:
        services.action_update(
            action=action, status=ActionStatus.NOT_DONE, outcome_note=" ", by=ms.practitioner
        )
    assert error.value.field == "outcome_note"
    services.action_update(
        action=action, status=ActionStatus.NOT_DONE, outcome_note="Moved.", by=ms.practitioner
    )
    reopened = services.action_update(
        action=action, status=ActionStatus.OPEN, outcome_note="", by=ms.practitioner
    )
    assert (reopened.closed_at, reopened.closed_by) == (None, None)


def test_action_of_a_draft_is_not_a_task_yet(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    action = add_action(ms, minutes)
    assert not action_list(fetched_by=ms.practitioner).exists()
    with pytest.raises(ApplicationError, match="not in the current approved minutes"):
        services.action_update(action=action, status=ActionStatus.DONE, outcome_note="", by=ms.practitioner)


def test_action_review_while_drafting_the_next_minutes(ms: MinutesSetup):
    action = _approved_with_action(ms)
    review = MeetingFactory(area=ms.area, chair=ms.chair, minute_taker=ms.minute_taker)
    draft = services.minutes_start(agenda_item=agenda_item(review, ms.nominal, ms.chair), by=ms.minute_taker)
    for who in (ms.other_minute_taker, ms.chair, ms.practitioner):
        with pytest.raises(PermissionDenied):
            services.action_review(action=action, status=ActionStatus.DONE, outcome_note="", by=who)
    with pytest.raises(ApplicationError) as error:
        services.action_review(
            action=action, status=ActionStatus.NOT_DONE, outcome_note="", by=ms.minute_taker
        )
    assert error.value.field == "outcome_note"
    with pytest.raises(ApplicationError):
        services.action_review(action=action, status=ActionStatus.OPEN, outcome_note="", by=ms.minute_taker)
    reviewed = services.action_review(
        action=action, status=ActionStatus.NOT_DONE, outcome_note="Synthetic: no access.", by=ms.minute_taker
    )
    assert (reviewed.status, reviewed.closed_by) == (ActionStatus.NOT_DONE, ms.minute_taker)
    event = events("action", object_id=str(action.pk), action=AuditAction.ALTERATION).get()
    assert event.detail == {"reviewed_in": draft.pk}
    assert list(sel.previous_actions(draft)) == [reviewed]


def test_action_review_needs_a_draft(ms: MinutesSetup):
    action = _approved_with_action(ms)
    # The minutes the action came from are no place to review it.
    with pytest.raises(PermissionDenied):
        services.action_review(action=action, status=ActionStatus.DONE, outcome_note="", by=ms.minute_taker)


# --- who sees which actions, overdue, waiting -----------------------------------------------


def test_action_visibility(ms: MinutesSetup):
    action = _approved_with_action(ms)
    assert list(sel.my_open_actions(fetched_by=ms.practitioner)) == [action]
    assert list(sel.agency_open_actions(fetched_by=ms.practitioner)) == []
    assert list(sel.agency_open_actions(fetched_by=ms.coordinator)) == [action]
    assert list(action_list(fetched_by=ms.chair)) == [action]
    for who in ("probation_practitioner", "health_practitioner", "south_coordinator", "senior_manager"):
        assert not action_list(fetched_by=getattr(ms, who)).exists(), who
    # Closed actions leave the open lists.
    services.action_update(action=action, status=ActionStatus.DONE, outcome_note="", by=ms.practitioner)
    assert not sel.my_open_actions(fetched_by=ms.practitioner).exists()


def test_overdue_actions_from_your_meetings(ms: MinutesSetup):
    action = _approved_with_action(ms, due_date=TODAY)
    assert not sel.overdue_meeting_actions(fetched_by=ms.chair).exists()
    later = TODAY + timedelta(days=1)
    assert list(sel.overdue_meeting_actions(fetched_by=ms.chair, today=later)) == [action]
    assert list(sel.overdue_meeting_actions(fetched_by=ms.coordinator, today=later)) == [action]
    # The owner is not a chair or co-ordinator; another chair did not chair this meeting.
    assert not sel.overdue_meeting_actions(fetched_by=ms.practitioner, today=later).exists()
    assert not sel.overdue_meeting_actions(fetched_by=ms.other_chair, today=later).exists()
    assert not sel.overdue_meeting_actions(fetched_by=ms.south_coordinator, today=later).exists()


def test_minutes_waiting(ms: MinutesSetup):
    minutes = complete(ms, services.minutes_start(agenda_item=ms.item, by=ms.minute_taker))
    assert list(sel.minutes_waiting(fetched_by=ms.minute_taker)) == [minutes]
    assert not sel.minutes_waiting(fetched_by=ms.chair).exists()
    services.minutes_submit(minutes=minutes, version=minutes.version, by=ms.minute_taker)
    assert not sel.minutes_waiting(fetched_by=ms.minute_taker).exists()
    assert list(sel.minutes_waiting(fetched_by=ms.chair)) == [minutes]
    assert not sel.minutes_waiting(fetched_by=ms.other_chair).exists()


def test_drafts_are_read_by_chair_and_minute_taker_only_until_approved(ms: MinutesSetup):
    minutes = services.minutes_start(agenda_item=ms.item, by=ms.minute_taker)
    readers = {
        who
        for who in ("chair", "minute_taker", "practitioner", "coordinator")
        if minutes_list(fetched_by=getattr(ms, who)).filter(pk=minutes.pk).exists()
    }
    assert readers == {"chair", "minute_taker"}
