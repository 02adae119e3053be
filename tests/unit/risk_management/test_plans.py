"""The versioned risk management plan: services_plans (start, update, actions, progress,
disclosure decisions), selectors_plans (scope, grouping, warnings, minutes choices) and
access_plans.

One world: NominalSetup's North and South. North Police leads `police_nominal` (level 1); North
Health, a duty-to-co-operate agency, owns an item on it, so its practitioner sees the case (and
its plan) but may write nothing. The North co-ordinator writes any North plan; the North Police
practitioner writes the plans of the cases North Police leads.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings.models import MeetingStatus, MinutesStatus
from mappa.nominals.models import Nominal, Status
from mappa.risk_management import selectors_plans as selectors
from mappa.risk_management import services_plans as services
from mappa.risk_management.access_plans import (
    access_plan,
    access_plan_action,
    can_approve_plan,
    can_record_consideration,
    can_set_action_status,
)
from mappa.risk_management.models import (
    ConsiderationDecision,
    DisclosureConsideration,
    Pillar,
    PlanAction,
    PlanActionStatus,
    PlanStatus,
    RiskManagementPlan,
)
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

RATIONALE = "Synthetic: she already knows of the offending; disclosure adds no protection."


@pytest.fixture
def setup(db) -> NominalSetup:
    setup = NominalSetup()
    # North Health owns an item on the case, so its practitioner is involved and sees it.
    ItemFactory(
        nominal=setup.police_nominal, owner_agency=setup.north.health, author=setup.health_practitioner
    )
    return setup


def _today() -> Any:
    return timezone.localdate()


def _draft(setup: NominalSetup, **kwargs: Any) -> RiskManagementPlan:
    kwargs.setdefault("nominal", setup.police_nominal)
    kwargs.setdefault("author", setup.practitioner)
    return PlanFactory(**kwargs)


def _approved(setup: NominalSetup, **kwargs: Any) -> RiskManagementPlan:
    kwargs.setdefault("status", PlanStatus.APPROVED)
    kwargs.setdefault("approved_by", setup.chair)
    return _draft(setup, **kwargs)


def _events(plan: RiskManagementPlan | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="risk_management_plan")
    return events.filter(object_id=str(plan.pk)) if plan is not None else events


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _update(plan: RiskManagementPlan, by: Any, **overrides: Any) -> RiskManagementPlan:
    values: dict[str, Any] = {
        "version": plan.version,
        "risks_to_manage": "Synthetic: risk of sexual harm to children at the nearby school.",
        "licence_conditions": "Synthetic: reside at the approved premises.",
        "restrictive_orders": "Synthetic: sexual harm prevention order.",
        "review_date": _today() + timedelta(weeks=12),
        "disclosure_note": "",
    }
    values.update(overrides)
    return services.plan_update(plan=plan, by=by, **values)


def _add(plan: RiskManagementPlan, by: Any, **overrides: Any) -> PlanAction:
    values: dict[str, Any] = {
        "version": plan.version,
        "pillar": Pillar.SUPERVISION,
        "description": "Synthetic: weekly home visit by the police public protection officer.",
        "owner_agency": plan.owner_agency,
    }
    values.update(overrides)
    return services.plan_action_add(plan=plan, by=by, **values)


# --- plan_start ---------------------------------------------------------------------------------


def test_start_first_version(setup: NominalSetup):
    nominal = setup.police_nominal
    nominal.restrictive_orders = "Synthetic: SHPO, no unsupervised contact with children."
    nominal.save(override=True)
    plan = services.plan_start(nominal=nominal, by=setup.practitioner)
    assert (plan.number, plan.status, plan.version) == (1, PlanStatus.DRAFT, 1)
    assert plan.owner_agency == setup.north.police
    assert plan.author == setup.practitioner
    assert plan.review_date is None
    assert plan.restrictive_orders == nominal.restrictive_orders
    event = _events(plan).get()
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == setup.north.police.pk
    assert event.nominal_id == nominal.pk
    assert event.detail["version"] == 1


def test_start_by_the_area_coordinator_is_owned_by_the_lead_agency(setup: NominalSetup):
    plan = services.plan_start(nominal=setup.probation_nominal, by=setup.coordinator)
    assert plan.owner_agency == setup.north.probation
    assert plan.author == setup.coordinator


def test_start_copies_the_current_version_but_not_its_disclosure_decisions(setup: NominalSetup):
    PlanFactory(nominal=setup.police_nominal, status=PlanStatus.SUPERSEDED, approved_by=setup.chair)
    current = _approved(
        setup,
        licence_conditions="Synthetic: curfew 7pm to 7am.",
        restrictive_orders="Synthetic: SHPO.",
        disclosure_note="Synthetic: no one at risk yet.",
    )
    owner = member(["practitioner"], agency=setup.north.probation)
    action = PlanActionFactory(
        plan=current,
        pillar=Pillar.VICTIM_SAFETY,
        owner_agency=setup.north.probation,
        owner=owner,
        due_date=_today() - timedelta(days=3),
        status=PlanActionStatus.IN_PROGRESS,
        position=4,
    )
    PlanActionFactory(
        plan=current, pillar=Pillar.CONTINGENCY, owner=None, owner_name="Approved premises manager"
    )
    ConsiderationFactory(plan=current)

    plan = services.plan_start(nominal=setup.police_nominal, by=setup.practitioner)

    assert plan.number == 3
    assert (plan.risks_to_manage, plan.licence_conditions, plan.restrictive_orders) == (
        current.risks_to_manage,
        current.licence_conditions,
        current.restrictive_orders,
    )
    assert plan.review_date is None  # a review sets a new date
    assert plan.disclosure_note == ""  # disclosure is considered afresh
    assert not plan.considerations.exists()
    copied = plan.actions.get(pillar=Pillar.VICTIM_SAFETY)
    assert copied.pk != action.pk
    for name in (
        "description",
        "owner_agency_id",
        "owner_id",
        "owner_name",
        "due_date",
        "status",
        "position",
    ):
        assert getattr(copied, name) == getattr(action, name)
    assert plan.actions.get(pillar=Pillar.CONTINGENCY).owner_name == "Approved premises manager"
    assert _fresh(current).status == PlanStatus.APPROVED  # untouched until the draft is approved
    assert _events(plan).get().detail == {"version": 3, "copied_from": 2, "actions_copied": 2}


def test_start_refused_while_a_draft_exists(setup: NominalSetup):
    _draft(setup)
    with pytest.raises(ApplicationError, match="A new version is already being written: continue it"):
        services.plan_start(nominal=setup.police_nominal, by=setup.practitioner)
    assert RiskManagementPlan.objects.count() == 1
    assert not _events().exists()


@pytest.mark.parametrize(
    "who",
    [
        "probation_practitioner",  # RA of the area, but not the lead agency
        "health_practitioner",  # duty to co-operate: sees the plan, does not write it
        "chair",  # approves plans, does not write them
        "senior_manager",
        "south_coordinator",
    ],
)
def test_start_refused(setup: NominalSetup, who: str):
    with pytest.raises(PermissionDenied):
        services.plan_start(nominal=setup.police_nominal, by=setup.user(who))
    assert not RiskManagementPlan.objects.exists()
    assert not _events().exists()


def test_start_refused_for_an_exited_nominal(setup: NominalSetup):
    nominal = NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=_today()
    )
    with pytest.raises(PermissionDenied):
        services.plan_start(nominal=nominal, by=setup.practitioner)


# --- plan_update --------------------------------------------------------------------------------


def test_update_changes_the_draft_and_bumps_its_version(setup: NominalSetup):
    plan = _draft(setup, review_date=None)
    updated = _update(plan, setup.practitioner)
    stored = _fresh(plan)
    assert stored.version == 2 == updated.version
    assert stored.review_date == _today() + timedelta(weeks=12)
    assert stored.licence_conditions == "Synthetic: reside at the approved premises."
    event = _events(plan).get()
    assert event.action == Action.ALTERATION
    assert set(event.changed_fields) == {
        "risks_to_manage",
        "licence_conditions",
        "restrictive_orders",
        "review_date",
    }
    # What the plan says never goes into the audit log.
    assert "approved premises" not in f"{event.summary} {event.detail}"


def test_update_with_nothing_changed_writes_nothing(setup: NominalSetup):
    plan = _draft(setup)
    _update(
        plan,
        setup.practitioner,
        risks_to_manage=plan.risks_to_manage,
        licence_conditions="",
        restrictive_orders="",
        review_date=plan.review_date,
    )
    assert _fresh(plan).version == 1
    assert not _events().exists()


def test_update_refused_on_a_stale_version(setup: NominalSetup):
    plan = _draft(setup)
    _update(plan, setup.practitioner)
    with pytest.raises(services.PlanConflict, match="Someone else changed this plan"):
        _update(plan, setup.coordinator, version=1, licence_conditions="Synthetic: other")
    assert _fresh(plan).licence_conditions == "Synthetic: reside at the approved premises."
    assert _events(plan).count() == 1


@pytest.mark.parametrize("days", [0, -1])
def test_update_refused_when_the_review_date_is_not_ahead(setup: NominalSetup, days: int):
    plan = _draft(setup)
    with pytest.raises(ApplicationError, match="The review date must be in the future") as refused:
        _update(plan, setup.practitioner, review_date=_today() + timedelta(days=days))
    assert refused.value.field == "review_date"
    assert _fresh(plan).version == 1


@pytest.mark.parametrize(
    ("status", "message"), [("approved", "has been approved"), ("superseded", "superseded")]
)
def test_update_refused_unless_draft(setup: NominalSetup, status: str, message: str):
    plan = _approved(setup, status=status)
    with pytest.raises(ApplicationError, match=message):
        _update(plan, setup.practitioner)


@pytest.mark.parametrize(
    "who", ["probation_practitioner", "health_practitioner", "chair", "south_coordinator"]
)
def test_update_refused_for_non_writers(setup: NominalSetup, who: str):
    plan = _draft(setup)
    with pytest.raises(PermissionDenied):
        _update(plan, setup.user(who))
    assert _fresh(plan).version == 1


# --- actions ------------------------------------------------------------------------------------


def test_action_add(setup: NominalSetup):
    plan = _draft(setup)
    PlanActionFactory(plan=plan, pillar=Pillar.SUPERVISION)
    owner = member(["practitioner"], agency=setup.north.probation)
    action = _add(
        plan,
        setup.practitioner,
        owner_agency=setup.north.probation,
        owner=owner,
        due_date=_today() + timedelta(days=10),
    )
    assert (action.plan_id, action.pillar, action.position) == (plan.pk, Pillar.SUPERVISION, 2)
    assert (action.owner_agency, action.owner, action.status) == (
        setup.north.probation,
        owner,
        PlanActionStatus.NOT_STARTED,
    )
    assert _fresh(plan).version == 2
    event = _events(plan).get()
    assert event.action == Action.COLLECTION
    assert event.detail == {"version": plan.number, "action": action.pk, "pillar": "supervision"}


def test_action_add_to_a_duty_to_cooperate_agency_of_the_area(setup: NominalSetup):
    action = _add(_draft(setup), setup.coordinator, owner_agency=setup.north.health, owner_name="GP practice")
    assert (action.owner_agency, action.owner_name) == (setup.north.health, "GP practice")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "  "}, "description", "Enter what is to be done"),
        ({"pillar": "other"}, "pillar", "Select the part of the plan"),
        ({"owner_agency": None}, "owner_agency", "Select an agency serving North test area"),
        ({"owner_agency": "south"}, "owner_agency", "Select an agency serving North test area"),
        ({"owner": "south"}, "owner", "The owner must be a member of North Police"),
        ({"owner": "self", "owner_name": "Someone else"}, "owner_name", "Name the person responsible once"),
        ({"due_date": -1}, "due_date", "The due date must be today or in the future"),
    ],
)
def test_action_add_refused(setup: NominalSetup, overrides: dict[str, Any], field: str, message: str):
    plan = _draft(setup)
    values = dict(overrides)
    if values.get("owner_agency") == "south":
        values["owner_agency"] = setup.south.police
    if values.get("owner") == "south":
        values["owner"] = setup.south_coordinator
    if values.get("owner") == "self":
        values["owner"] = setup.practitioner
    if "due_date" in values:
        values["due_date"] = _today() + timedelta(days=values["due_date"])
    with pytest.raises(ApplicationError, match=message) as refused:
        _add(plan, setup.practitioner, **values)
    assert refused.value.field == field
    assert not PlanAction.objects.exists()
    assert _fresh(plan).version == 1
    assert not _events().exists()


def test_action_add_refused_for_an_inactive_member(setup: NominalSetup):
    owner = member(["practitioner"], agency=setup.north.police)
    membership = owner.acting_membership
    membership.is_active, membership.deactivated_at = False, timezone.now()
    membership.save(override=True)
    with pytest.raises(ApplicationError, match="must be a member"):
        _add(_draft(setup), setup.practitioner, owner=owner)


def test_action_add_refused_on_a_stale_version(setup: NominalSetup):
    plan = _draft(setup)
    _add(plan, setup.practitioner)
    with pytest.raises(services.PlanConflict):
        _add(plan, setup.coordinator, version=1)
    assert PlanAction.objects.count() == 1


def test_action_add_refused_on_an_approved_plan(setup: NominalSetup):
    with pytest.raises(ApplicationError, match="has been approved"):
        _add(_approved(setup), setup.practitioner)


def test_action_add_refused_for_non_writers(setup: NominalSetup):
    with pytest.raises(PermissionDenied):
        _add(_draft(setup), setup.health_practitioner)


def _update_action(action: PlanAction, by: Any, **overrides: Any) -> PlanAction:
    values: dict[str, Any] = {
        "version": action.plan.version,
        "pillar": action.pillar,
        "description": action.description,
        "owner_agency": action.owner_agency,
        "owner": action.owner,
        "owner_name": action.owner_name,
        "due_date": action.due_date,
    }
    values.update(overrides)
    return services.plan_action_update(action=action, by=by, **values)


def test_action_update_moving_pillar_goes_last(setup: NominalSetup):
    plan = _draft(setup)
    PlanActionFactory(plan=plan, pillar=Pillar.CONTINGENCY)
    action = PlanActionFactory(plan=plan, pillar=Pillar.SUPERVISION)
    updated = _update_action(
        action, setup.practitioner, pillar=Pillar.CONTINGENCY, description="Synthetic: recall"
    )
    assert (updated.pillar, updated.position, updated.description) == (
        Pillar.CONTINGENCY,
        2,
        "Synthetic: recall",
    )
    assert _fresh(plan).version == 2
    event = _events(plan).get()
    assert set(event.changed_fields) == {"pillar", "description", "position"}
    assert event.detail["action"] == action.pk


def test_action_update_keeps_a_passed_due_date_carried_over(setup: NominalSetup):
    plan = _draft(setup)
    action = PlanActionFactory(plan=plan, due_date=_today() - timedelta(days=20))
    updated = _update_action(action, setup.practitioner, description="Synthetic: fortnightly visit")
    assert updated.due_date == action.due_date
    with pytest.raises(ApplicationError, match="today or in the future"):
        _update_action(action, setup.practitioner, version=2, due_date=_today() - timedelta(days=1))


def test_action_update_with_nothing_changed_writes_nothing(setup: NominalSetup):
    action = PlanActionFactory(plan=_draft(setup))
    _update_action(action, setup.practitioner)
    assert _fresh(action.plan).version == 1
    assert not _events().exists()


def test_action_update_refused_on_a_stale_version(setup: NominalSetup):
    plan = _draft(setup)
    action = PlanActionFactory(plan=plan)
    _add(plan, setup.practitioner)
    with pytest.raises(services.PlanConflict):
        _update_action(action, setup.coordinator, version=1, description="Synthetic: lost edit")
    assert _fresh(action).description == action.description


def test_action_remove(setup: NominalSetup):
    plan = _draft(setup)
    action = PlanActionFactory(plan=plan)
    services.plan_action_remove(action=action, version=plan.version, by=setup.coordinator)
    assert not PlanAction.objects.exists()
    event = _events(plan).get()
    assert (event.action, event.detail["action"]) == (Action.ERASURE, action.pk)
    assert _fresh(plan).version == 2


def test_action_remove_refused(setup: NominalSetup):
    plan = _draft(setup)
    action = PlanActionFactory(plan=plan)
    with pytest.raises(services.PlanConflict):
        services.plan_action_remove(action=action, version=plan.version + 1, by=setup.practitioner)
    with pytest.raises(PermissionDenied):
        services.plan_action_remove(action=action, version=plan.version, by=setup.probation_practitioner)
    approved_action = PlanActionFactory(plan=_approved(setup, nominal=setup.probation_nominal))
    with pytest.raises(ApplicationError, match="has been approved"):
        services.plan_action_remove(action=approved_action, version=1, by=setup.coordinator)
    assert PlanAction.objects.count() == 2


# --- progress on actions ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["probation_practitioner", "owner", "practitioner", "coordinator"])
def test_set_status_on_the_current_plan(setup: NominalSetup, who: str):
    owner = member(["practitioner"], agency=setup.north.health)
    plan = _approved(setup)
    action = PlanActionFactory(plan=plan, owner_agency=setup.north.probation, owner=None)
    if who == "owner":
        action.owner = owner
        action.save(override=True)
        # Named personally: they answer for it whatever agency owns it.
        ItemFactory(nominal=setup.police_nominal, owner_agency=setup.north.health, author=owner)
    by = owner if who == "owner" else setup.user(who)
    assert can_set_action_status(by, action)
    updated = services.plan_action_set_status(action=action, status=PlanActionStatus.DONE, by=by)
    assert updated.status == PlanActionStatus.DONE
    event = _events(plan).get()
    assert (event.action, event.changed_fields, event.detail["action"]) == (
        Action.ALTERATION,
        ["status"],
        action.pk,
    )


@pytest.mark.parametrize("who", ["health_practitioner", "chair", "south_coordinator", "senior_manager"])
def test_set_status_refused_for_others(setup: NominalSetup, who: str):
    action = PlanActionFactory(plan=_approved(setup), owner_agency=setup.north.probation)
    assert not can_set_action_status(setup.user(who), action)
    with pytest.raises(PermissionDenied):
        services.plan_action_set_status(action=action, status=PlanActionStatus.DONE, by=setup.user(who))
    assert _fresh(action).status == PlanActionStatus.NOT_STARTED


def test_set_status_refused_on_a_superseded_version(setup: NominalSetup):
    action = PlanActionFactory(plan=_approved(setup, status=PlanStatus.SUPERSEDED))
    with pytest.raises(PermissionDenied):
        services.plan_action_set_status(action=action, status=PlanActionStatus.DONE, by=setup.practitioner)


def test_set_status_refused_for_an_unknown_status(setup: NominalSetup):
    action = PlanActionFactory(plan=_draft(setup))
    with pytest.raises(ApplicationError, match="Select the action's progress"):
        services.plan_action_set_status(action=action, status="lost", by=setup.practitioner)


def test_set_status_unchanged_writes_nothing(setup: NominalSetup):
    action = PlanActionFactory(plan=_draft(setup))
    services.plan_action_set_status(action=action, status=PlanActionStatus.NOT_STARTED, by=setup.practitioner)
    assert not _events().exists()


# --- disclosure considered ------------------------------------------------------------------------


def _consider(plan: RiskManagementPlan, by: Any, person: Any, **overrides: Any) -> DisclosureConsideration:
    values: dict[str, Any] = {
        "version": plan.version,
        "decision": ConsiderationDecision.DO_NOT_DISCLOSE,
        "rationale": RATIONALE,
    }
    values.update(overrides)
    return services.consideration_record(plan=plan, person_at_risk=person, by=by, **values)


def test_consideration_recorded_then_replaced(setup: NominalSetup):
    plan = _draft(setup)
    person = PersonAtRiskFactory(nominal=setup.police_nominal)
    first = _consider(plan, setup.practitioner, person)
    assert (first.decision, first.rationale, first.recorded_by) == (
        ConsiderationDecision.DO_NOT_DISCLOSE,
        RATIONALE,
        setup.practitioner,
    )
    again = _consider(plan, setup.coordinator, person, version=2, decision=ConsiderationDecision.DISCLOSE)
    assert again.pk == first.pk
    assert DisclosureConsideration.objects.get().decision == ConsiderationDecision.DISCLOSE
    assert _fresh(plan).version == 3
    collected, altered = _events(plan).order_by("sequence")
    assert collected.action == Action.COLLECTION
    assert collected.detail == {"version": 1, "person_at_risk": person.pk, "decision": "do_not_disclose"}
    assert altered.action == Action.ALTERATION
    assert set(altered.changed_fields) == {"decision", "recorded_by"}
    assert RATIONALE not in f"{collected.summary} {collected.detail} {altered.detail}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rationale": ""}, "Enter the rationale for the decision"),
        ({"rationale": "Not needed."}, "Explain the rationale in a sentence or more"),
        ({"decision": "maybe"}, "Select whether to disclose"),
        ({"person": "other_nominal"}, "not recorded as at risk from this nominal"),
        ({"person": "ended"}, "no longer recorded as at risk"),
    ],
)
def test_consideration_refused(setup: NominalSetup, overrides: dict[str, Any], message: str):
    plan = _draft(setup)
    person = PersonAtRiskFactory(nominal=setup.police_nominal)
    which = overrides.pop("person", None)
    if which == "other_nominal":
        person = PersonAtRiskFactory(nominal=setup.probation_nominal)
    if which == "ended":
        person = PersonAtRiskFactory(
            nominal=setup.police_nominal, ended_on=_today(), ended_reason="Synthetic: moved away"
        )
    with pytest.raises(ApplicationError, match=message):
        _consider(plan, setup.practitioner, person, **overrides)
    assert not DisclosureConsideration.objects.exists()
    assert not _events().exists()


def test_consideration_refused_on_stale_or_approved_plans(setup: NominalSetup):
    plan = _draft(setup)
    person = PersonAtRiskFactory(nominal=setup.police_nominal)
    with pytest.raises(services.PlanConflict):
        _consider(plan, setup.practitioner, person, version=7)
    approved = _approved(setup, nominal=setup.probation_nominal)
    with pytest.raises(ApplicationError, match="has been approved"):
        _consider(approved, setup.coordinator, PersonAtRiskFactory(nominal=setup.probation_nominal))


def test_consideration_by_the_level_1_approver(setup: NominalSetup):
    """A chair of the area records the decision too: they approve the plan of a level 1 case."""
    plan = _draft(setup)
    assert can_record_consideration(setup.chair, plan)
    _consider(plan, setup.chair, PersonAtRiskFactory(nominal=setup.police_nominal))
    assert DisclosureConsideration.objects.get().recorded_by == setup.chair


def test_consideration_at_level_2_by_the_meeting_chair_only(setup: NominalSetup):
    nominal = NominalFactory(lead_agency=setup.north.police, area=setup.area, level=2)
    plan = _draft(setup, nominal=nominal)
    person = PersonAtRiskFactory(nominal=nominal)
    # The chair has not chaired a meeting about the case: they are not its approver.
    assert not can_record_consideration(setup.chair, plan)
    with pytest.raises(PermissionDenied):
        _consider(plan, setup.chair, person)
    held_minutes(nominal, chair=setup.chair, level=2)
    assert can_record_consideration(setup.chair, plan)
    _consider(plan, setup.chair, person)


@pytest.mark.parametrize("who", ["health_practitioner", "probation_practitioner", "south_coordinator"])
def test_consideration_refused_for_others(setup: NominalSetup, who: str):
    plan = _draft(setup)
    with pytest.raises(PermissionDenied):
        _consider(plan, setup.user(who), PersonAtRiskFactory(nominal=setup.police_nominal))
    assert not DisclosureConsideration.objects.exists()


# --- plan_warnings ------------------------------------------------------------------------------


def test_warnings_of_an_empty_plan(setup: NominalSetup):
    plan = _draft(setup)
    assert selectors.plan_warnings(plan) == [
        "Supervision has no actions",
        "Monitoring and control has no actions",
        "Interventions and treatment has no actions",
        "Victim safety planning has no actions",
        "There are no contingency actions: say what happens if the plan breaks down",
    ]


def test_warnings_of_a_full_plan(setup: NominalSetup):
    assert selectors.plan_warnings(full_plan(_draft(setup))) == []


@pytest.mark.parametrize("pillar", [*selectors.PLAN_SECTIONS])
def test_warnings_name_the_one_pillar_missing(setup: NominalSetup, pillar: Pillar):
    plan = _draft(setup)
    for other in selectors.PLAN_SECTIONS:
        if other != pillar:
            PlanActionFactory(plan=plan, pillar=other)
    warnings = selectors.plan_warnings(plan)
    assert len(warnings) == 1
    if pillar == Pillar.CONTINGENCY:
        assert "no contingency actions" in warnings[0]
    else:
        assert warnings == [f"{pillar.label} has no actions"]


def test_warnings_about_the_review_date(setup: NominalSetup):
    plan = full_plan(_draft(setup, review_date=None))
    assert selectors.plan_warnings(plan) == ["The plan has no review date"]
    plan.review_date = _today() - timedelta(days=1)
    passed = selectors.plan_warnings(plan)
    assert len(passed) == 1 and passed[0].endswith("has passed")
    plan.review_date = _today()
    assert selectors.plan_warnings(plan) == []  # due today, not yet passed


# --- selectors and access -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("practitioner", True),
        ("coordinator", True),
        ("chair", True),
        ("probation_practitioner", True),  # the area's register: the case page asks for a reason
        ("health_practitioner", True),  # involved through its item
        ("senior_manager", False),  # no RISK_VIEW
        ("auditor", False),
        ("south_coordinator", False),  # cannot see the nominal
    ],
)
def test_plan_list_scope(setup: NominalSetup, who: str, sees: bool):
    first = _approved(setup, status=PlanStatus.SUPERSEDED)
    second = _approved(setup)
    third = _draft(setup)
    user = setup.user(who)
    plans = list(selectors.plan_list(nominal=setup.police_nominal, fetched_by=user))
    assert plans == ([third, second, first] if sees else [])
    assert selectors.current_plan(nominal=setup.police_nominal, fetched_by=user) == (second if sees else None)
    assert selectors.draft_plan(nominal=setup.police_nominal, fetched_by=user) == (third if sees else None)
    if sees:
        assert access_plan(user, first.pk) == first
    else:
        with pytest.raises(Http404):
            access_plan(user, first.pk)


def test_plan_list_of_a_case_the_duty_to_cooperate_agency_is_not_involved_in(setup: NominalSetup):
    plan = _draft(setup, nominal=setup.probation_nominal)
    assert not selectors.plan_list(nominal=setup.probation_nominal, fetched_by=setup.health_practitioner)
    with pytest.raises(Http404):
        access_plan(setup.health_practitioner, plan.pk)


def test_access_missing_and_hidden_look_the_same(setup: NominalSetup):
    plan = _draft(setup, nominal=setup.south_nominal, author=setup.south_coordinator)
    action = PlanActionFactory(plan=plan)
    for pk in (plan.pk, 10**6):
        with pytest.raises(Http404) as refused:
            access_plan(setup.practitioner, pk)
        assert str(refused.value) == "No such plan"
    for pk in (action.pk, 10**6):
        with pytest.raises(Http404) as refused_action:
            access_plan_action(setup.practitioner, pk)
        assert str(refused_action.value) == "No such action"
    assert access_plan_action(setup.south_coordinator, action.pk) == action


def test_plan_sections_group_and_flag_overdue_actions(setup: NominalSetup):
    plan = _draft(setup)
    late = PlanActionFactory(plan=plan, pillar=Pillar.VICTIM_SAFETY, due_date=_today() - timedelta(days=1))
    done = PlanActionFactory(
        plan=plan,
        pillar=Pillar.VICTIM_SAFETY,
        due_date=_today() - timedelta(days=1),
        status=PlanActionStatus.DONE,
    )
    sections = selectors.plan_sections(plan=plan, fetched_by=setup.health_practitioner)
    assert [s.pillar for s in sections] == [p.value for p in selectors.PLAN_SECTIONS]
    victim = sections[3]
    assert (victim.label, victim.anchor) == ("Victim safety planning", "pillar-victim-safety")
    assert [(row.action, row.overdue) for row in victim.rows] == [(late, True), (done, False)]
    assert all(not s.rows for s in sections if s is not victim)
    hidden = selectors.plan_sections(plan=plan, fetched_by=setup.south_coordinator)
    assert all(not s.rows for s in hidden)


def test_approval_minutes_choices(setup: NominalSetup):
    nominal = NominalFactory(lead_agency=setup.north.police, area=setup.area, level=2)
    plan = _draft(setup, nominal=nominal)
    good = held_minutes(nominal, chair=setup.chair, level=2, status=MinutesStatus.DRAFT)
    held_minutes(nominal, chair=setup.chair, status=MinutesStatus.SUPERSEDED)
    held_minutes(nominal, chair=setup.chair, days_ago=-2)  # not started yet
    held_minutes(setup.police_nominal, chair=setup.chair)  # another case
    cancelled = held_minutes(nominal, chair=setup.chair, days_ago=3)
    cancelled.agenda_item.meeting.status = MeetingStatus.CANCELLED
    cancelled.agenda_item.meeting.save(override=True)
    other_chair = member(["meeting_chair"], agency=setup.north.probation)
    held_minutes(nominal, chair=other_chair)
    assert list(selectors.approval_minutes_choices(plan=plan, fetched_by=setup.chair)) == [good]
    # Chairing is not enough without PLAN_APPROVE in the role acting now.
    assert not selectors.approval_minutes_choices(plan=plan, fetched_by=setup.practitioner).exists()


def test_can_approve_plan(setup: NominalSetup):
    plan = _draft(setup)
    assert can_approve_plan(setup.chair, plan)  # level 1: a manager of the area's RA
    assert not can_approve_plan(setup.practitioner, plan)  # no PLAN_APPROVE
    assert not can_approve_plan(setup.health_practitioner, plan)
    author = member(["practitioner", "meeting_chair"], agency=setup.north.police)
    assert not can_approve_plan(author, _draft(setup, nominal=setup.probation_nominal, author=author))
    assert not can_approve_plan(setup.chair, _approved(setup, nominal=setup.probation_nominal))


def test_exited_nominal_plans_are_read_only(setup: NominalSetup):
    nominal: Nominal = setup.police_nominal
    plan = _draft(setup)
    action = PlanActionFactory(plan=plan)
    nominal.status, nominal.exited_on = Status.EXITED, _today()
    nominal.save(override=True)
    plan = _fresh(plan)
    action = _fresh(action)
    assert not can_set_action_status(setup.practitioner, action)
    assert not can_record_consideration(setup.practitioner, plan)
    assert not can_approve_plan(setup.chair, plan)
