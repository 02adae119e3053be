"""Approving a plan version: services_plans.plan_approve and selectors_plans.approval_blockers.

Each blocker is tested missing (refused, with its message, nothing written) and everything
present is tested allowed, on both paths: a level 1 plan approved by a manager (meeting chair) of
a Responsible Authority agency of the area who did not write it, with or without minutes, and a
level 2 plan approved by the chair of a meeting that discussed the case, with its minutes.

The world: NominalSetup's North and South. `police_nominal` (level 1) and `level2` are led by
North Police; North Health owns an item on both, so its duty-to-co-operate practitioner sees
them. `setup.chair` is North Police's meeting chair.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings.models import MeetingStatus, Minutes, MinutesStatus
from mappa.nominals.models import Nominal, Status
from mappa.risk_management import services_plans as services
from mappa.risk_management.models import PlanStatus, RiskManagementPlan
from mappa.risk_management.selectors_plans import approval_blockers, content_blockers
from tests.factories.accounts import member
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.risk_management import (
    ConsiderationFactory,
    PersonAtRiskFactory,
    PlanActionFactory,
    PlanFactory,
    full_plan,
)

pytestmark = pytest.mark.django_db

NOTE = "Synthetic: approved subject to the accommodation review."


@dataclass
class World:
    setup: NominalSetup
    level2: Nominal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


@pytest.fixture
def world(db) -> World:
    setup = NominalSetup()
    level2 = NominalFactory(lead_agency=setup.north.police, area=setup.area, level=2)
    for nominal in (setup.police_nominal, level2):
        ItemFactory(nominal=nominal, owner_agency=setup.north.health, author=setup.health_practitioner)
    return World(setup, level2)


def _ready(world: World, nominal: Nominal | None = None, **kwargs: Any) -> RiskManagementPlan:
    """A draft with nothing missing: a review date ahead, actions, and a decision for the one
    person at risk."""
    nominal = nominal or world.police_nominal
    kwargs.setdefault("author", world.practitioner)
    plan = full_plan(PlanFactory(nominal=nominal, **kwargs))
    ConsiderationFactory(plan=plan, person_at_risk=PersonAtRiskFactory(nominal=nominal))
    return plan


def _approve(plan: RiskManagementPlan, by: Any, **kwargs: Any) -> RiskManagementPlan:
    kwargs.setdefault("version", plan.version)
    return services.plan_approve(plan=plan, by=by, **kwargs)


def _events(plan: RiskManagementPlan) -> Any:
    return AuditEvent.objects.filter(object_type="risk_management_plan", object_id=str(plan.pk))


def _fresh(plan: RiskManagementPlan) -> RiskManagementPlan:
    return RiskManagementPlan.objects.get(pk=plan.pk)


def _refused(plan: RiskManagementPlan, by: Any, message: str, **kwargs: Any) -> None:
    """Approval is refused with `message` among its blockers, and nothing is written."""
    with pytest.raises(services.PlanNotReady) as refused:
        _approve(plan, by, **kwargs)
    assert any(message in blocker for blocker in refused.value.blockers), refused.value.blockers
    assert message in refused.value.message
    stored = _fresh(plan)
    assert (stored.status, stored.approved_at, stored.version) == (PlanStatus.DRAFT, None, plan.version)
    assert not _events(plan).exists()


# --- allowed ------------------------------------------------------------------------------------


def test_level_1_approved_by_a_manager_of_the_area(world: World):
    previous = PlanFactory(nominal=world.police_nominal, status=PlanStatus.APPROVED, approved_by=world.chair)
    plan = _ready(world)
    before = timezone.now()
    approved = _approve(plan, world.chair, note=NOTE)
    stored = _fresh(plan)
    assert stored.status == PlanStatus.APPROVED == approved.status
    assert stored.approved_by == world.chair
    assert stored.approved_at is not None
    assert before <= stored.approved_at <= timezone.now()
    assert stored.approved_minutes is None
    assert stored.approval_note == NOTE
    assert _fresh(previous).status == PlanStatus.SUPERSEDED
    event = _events(plan).get()
    assert event.action == Action.ALTERATION
    assert set(event.changed_fields) == {
        "status",
        "approved_at",
        "approved_by",
        "approved_minutes",
        "approval_note",
    }
    assert event.object_agency_id == world.north.police.pk
    assert event.nominal_id == world.police_nominal.pk
    assert event.detail["minutes"] is None
    assert event.detail["superseded"] == previous.number
    assert NOTE not in f"{event.summary} {event.detail}"
    superseded = _events(previous).get()
    assert (superseded.action, superseded.changed_fields) == (Action.ALTERATION, ["status"])


def test_level_1_approved_at_a_meeting_links_the_minutes(world: World):
    plan = _ready(world)
    minutes = held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.DRAFT)
    _approve(plan, world.chair, minutes=minutes)
    assert _fresh(plan).approved_minutes == minutes


def test_level_2_approved_by_the_meeting_chair_with_its_minutes(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair, level=3)
    _approve(plan, world.chair, minutes=minutes)
    stored = _fresh(plan)
    assert (stored.status, stored.approved_minutes) == (PlanStatus.APPROVED, minutes)
    event = _events(plan).get()
    meeting = minutes.agenda_item.meeting
    assert meeting.reference in event.summary
    assert event.detail["minutes"] == minutes.pk
    assert event.detail["minutes_reference"] == minutes.reference
    assert event.detail["meeting"] == meeting.pk
    assert event.detail["meeting_reference"] == meeting.reference
    assert event.detail["meeting_level"] == 3


def test_first_approval_supersedes_nothing(world: World):
    plan = _ready(world)
    _approve(plan, world.chair)
    assert RiskManagementPlan.objects.filter(status=PlanStatus.SUPERSEDED).count() == 0
    assert _events(plan).get().detail["superseded"] is None


def test_no_one_at_risk_with_a_note_is_enough(world: World):
    plan = full_plan(
        PlanFactory(
            nominal=world.police_nominal,
            author=world.practitioner,
            disclosure_note="Synthetic: no identifiable person or group is at risk.",
        )
    )
    _approve(plan, world.chair)
    assert _fresh(plan).status == PlanStatus.APPROVED


def test_a_person_no_longer_at_risk_needs_no_decision(world: World):
    plan = _ready(world)
    PersonAtRiskFactory(
        nominal=world.police_nominal, ended_on=timezone.localdate(), ended_reason="Moved away"
    )
    _approve(plan, world.chair)


def test_warnings_do_not_block(world: World):
    plan = PlanFactory(nominal=world.police_nominal, author=world.practitioner)
    PlanActionFactory(plan=plan)  # supervision only: four warnings
    ConsiderationFactory(plan=plan, person_at_risk=PersonAtRiskFactory(nominal=world.police_nominal))
    _approve(plan, world.chair)
    assert _events(plan).get().detail["warnings"] == 4


# --- each blocker -------------------------------------------------------------------------------


def test_refused_without_a_review_date(world: World):
    _refused(_ready(world, review_date=None), world.chair, "Enter the date of the next review of the plan")


@pytest.mark.parametrize("days", [0, -3])
def test_refused_when_the_review_date_is_not_ahead(world: World, days: int):
    plan = _ready(world, review_date=timezone.localdate() + timedelta(days=days))
    _refused(plan, world.chair, "The review date must be in the future")


def test_refused_without_an_action(world: World):
    plan = PlanFactory(nominal=world.police_nominal, author=world.practitioner)
    ConsiderationFactory(plan=plan, person_at_risk=PersonAtRiskFactory(nominal=world.police_nominal))
    _refused(plan, world.chair, "Add at least one action to the plan")


def test_refused_until_every_person_at_risk_is_considered(world: World):
    plan = _ready(world)
    group = PersonAtRiskFactory(nominal=world.police_nominal, description="Synthetic: staff of the hostel")
    _refused(plan, world.chair, f"Record a disclosure decision, with its rationale, for {group.label}")


def test_refused_when_a_decision_was_only_made_at_the_last_review(world: World):
    """Decisions are never carried forward: each review considers disclosure afresh."""
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    last = PlanFactory(nominal=world.police_nominal, status=PlanStatus.APPROVED, approved_by=world.chair)
    ConsiderationFactory(plan=last, person_at_risk=person)
    plan = full_plan(PlanFactory(nominal=world.police_nominal, author=world.practitioner))
    _refused(plan, world.chair, "Record a disclosure decision")


def test_refused_with_no_one_at_risk_and_no_note(world: World):
    plan = full_plan(PlanFactory(nominal=world.police_nominal, author=world.practitioner))
    _refused(plan, world.chair, "No person or group at risk is recorded: say in the plan why disclosure")


def test_level_2_refused_without_minutes(world: World):
    plan = _ready(world, world.level2)
    held_minutes(world.level2, chair=world.chair)
    _refused(plan, world.chair, "Choose the minutes of the meeting approving this level 2 plan")


def test_level_2_refused_for_a_chair_who_has_chaired_no_meeting_of_the_case(world: World):
    plan = _ready(world, world.level2)
    _refused(plan, world.chair, "you have not chaired one")


def test_level_2_refused_for_the_wrong_chair(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair)
    other_chair = member(["meeting_chair"], agency=world.north.probation)
    meeting = minutes.agenda_item.meeting
    _refused(plan, other_chair, f"Only the chair of meeting {meeting.reference} can approve", minutes=minutes)


def test_refused_with_minutes_of_another_nominal(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    _refused(plan, world.chair, "Those minutes are not about this nominal", minutes=minutes)


def test_refused_with_minutes_of_a_meeting_not_yet_started(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair, status=MinutesStatus.DRAFT, days_ago=-1)
    _refused(plan, world.chair, "has not started yet", minutes=minutes)


def test_refused_with_superseded_minutes(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair, status=MinutesStatus.SUPERSEDED)
    _refused(plan, world.chair, "have been superseded by a correction", minutes=minutes)


def test_refused_with_minutes_of_a_cancelled_meeting(world: World):
    plan = _ready(world, world.level2)
    minutes = held_minutes(world.level2, chair=world.chair)
    meeting = minutes.agenda_item.meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(override=True)
    _refused(plan, world.chair, "was cancelled", minutes=Minutes.objects.get(pk=minutes.pk))


def test_level_1_refused_with_minutes_the_approver_did_not_chair(world: World):
    plan = _ready(world)
    other_chair = member(["meeting_chair"], agency=world.north.probation)
    minutes = held_minutes(world.police_nominal, chair=other_chair)
    _refused(plan, world.chair, "Only the chair of meeting", minutes=minutes)


def test_level_1_refused_for_its_author(world: World):
    """Management oversight: no one approves their own version, whatever roles they hold."""
    author = member(["practitioner", "meeting_chair"], agency=world.north.police)
    plan = _ready(world, author=author)
    _refused(plan, author, "You wrote this version of the plan, so someone else must approve it")


def test_level_1_refused_for_a_manager_of_another_area(world: World):
    """A South Police chair who sees the case (South Police owns an item on it) is not a manager
    of the Responsible Authority of North."""
    south_chair = member(["meeting_chair"], agency=world.south.police)
    ItemFactory(nominal=world.police_nominal, owner_agency=world.south.police)
    plan = _ready(world)
    _refused(plan, south_chair, "Responsible Authority agency serving North test area")


def test_every_blocker_is_listed_at_once(world: World):
    plan = PlanFactory(nominal=world.level2, author=world.practitioner, review_date=None)
    PersonAtRiskFactory(nominal=world.level2)
    with pytest.raises(services.PlanNotReady) as refused:
        _approve(plan, world.chair)
    assert len(refused.value.blockers) == 4
    assert refused.value.message == ". ".join(refused.value.blockers)


def test_blockers_without_an_approver_leave_out_the_approver_checks(world: World):
    assert approval_blockers(_ready(world)) == []
    level2 = _ready(world, world.level2)
    assert approval_blockers(level2) == ["Choose the minutes of the meeting approving this level 2 plan"]
    # What the writers can finish themselves: nothing is left for them.
    assert content_blockers(level2) == []


# --- refused as a permission, or a state ----------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "practitioner",  # writes plans, does not approve them
        "coordinator",
        "health_practitioner",  # a duty-to-co-operate agency: sees the case, approves nothing
        "senior_manager",
    ],
)
def test_refused_without_plan_approve(world: World, who: str):
    plan = _ready(world)
    with pytest.raises(PermissionDenied):
        _approve(plan, world.setup.user(who))
    assert _fresh(plan).status == PlanStatus.DRAFT
    assert not _events(plan).exists()


def test_refused_for_a_chair_of_another_area(world: World):
    south_chair = member(["meeting_chair"], agency=world.south.police)
    plan = _ready(world)
    with pytest.raises(PermissionDenied, match="cannot see this nominal"):
        _approve(plan, south_chair)
    assert _fresh(plan).status == PlanStatus.DRAFT


def test_refused_on_a_stale_version(world: World):
    plan = _ready(world)
    with pytest.raises(services.PlanConflict):
        _approve(plan, world.chair, version=plan.version + 1)
    assert _fresh(plan).status == PlanStatus.DRAFT


@pytest.mark.parametrize("status", [PlanStatus.APPROVED, PlanStatus.SUPERSEDED])
def test_refused_unless_draft(world: World, status: str):
    plan = _ready(world, status=status, approved_by=world.chair)
    with pytest.raises(ApplicationError, match=r"can no longer be changed|superseded"):
        _approve(plan, world.chair)


def test_refused_for_an_exited_nominal(world: World):
    plan = _ready(world)
    nominal = world.police_nominal
    nominal.status, nominal.exited_on = Status.EXITED, timezone.localdate()
    nominal.save(override=True)
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _approve(_fresh(plan), world.chair)
