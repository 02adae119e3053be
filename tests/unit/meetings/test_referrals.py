"""Referrals (MAPPA A) and their screening: services_referrals and selectors_referrals.

One world: North (police, probation, health) and South, from NominalSetup. North Police leads
`police_nominal` (level 1); North Health leads `health_nominal`, so its duty-to-co-operate
practitioner can see and refer it; a North associate agency owns an item on `police_nominal`, so
it sees the case but may not refer. The North co-ordinator screens; South's may not.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors_referrals as selectors
from mappa.meetings import services_referrals as services
from mappa.meetings.models import MeetingStatus, Referral, ReferralStatus, ReferralStep
from mappa.nominals.models import ChangedField, ChangeReason, Nominal, Status
from mappa.nominals.services import next_review_date
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import MeetingFactory, NominalFactory, ReferralFactory, on_agenda
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db

REASONS = "Synthetic: escalating threats towards a former partner and breaches of licence."
GAPS = "Synthetic: police and housing must act together; level 1 cannot co-ordinate that."
DECISION = "Synthetic: the threshold for active multi-agency management is met."


@dataclass
class World:
    setup: NominalSetup
    health_nominal: Nominal
    associate_practitioner: Any
    police_practitioner_2: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


@pytest.fixture
def world(db) -> World:
    setup = NominalSetup()
    north = setup.north
    health_nominal = NominalFactory(lead_agency=north.health, area=north.area)
    associate = AgencyFactory(
        name="North Associate", code="NORTH-ASSOC", kind=AgencyKind.ASSOCIATE, areas=[north.area]
    )
    associate_practitioner = member(["practitioner"], agency=associate)
    # The associate owns an item on the case, so it is involved and sees the nominal.
    ItemFactory(nominal=setup.police_nominal, owner_agency=associate, author=associate_practitioner)
    return World(setup, health_nominal, associate_practitioner, member(["practitioner"], agency=north.police))


def _refer(world: World, by: Any = None, nominal: Nominal | None = None, **kwargs: Any) -> Referral:
    fields: dict[str, Any] = {
        "proposed_level": 2,
        "reasons": REASONS,
        "risk_summary": "Synthetic: high risk to a known adult.",
        "current_level_gaps": GAPS,
    }
    fields.update(kwargs)
    return services.referral_create(
        nominal=nominal or world.police_nominal, by=by or world.practitioner, **fields
    )


def _events(referral_id: Any = None) -> Any:
    events = AuditEvent.objects.filter(object_type="referral")
    return events.filter(object_id=str(referral_id)) if referral_id is not None else events


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# --- referral_create ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "coordinator", "probation_practitioner"])
def test_create_by_responsible_authority_staff(world: World, who: str):
    before = timezone.now()
    referral = _refer(world, by=world.setup.user(who))
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.referring_agency == world.setup.user(who).acting_membership.agency
    assert referral.referred_by == world.setup.user(who)
    assert referral.version == 1
    step = referral.steps.get()
    assert (step.step, step.by) == ("submitted", world.setup.user(who))
    assert step.at == referral.submitted_at
    assert before <= referral.submitted_at <= timezone.now()


def test_create_by_duty_to_cooperate_agency(world: World):
    referral = _refer(world, by=world.health_practitioner, nominal=world.health_nominal, proposed_level=3)
    assert referral.referring_agency == world.north.health
    assert referral.proposed_level == 3


def test_create_records_a_collection_event_owned_by_the_referring_agency(world: World):
    referral = _refer(world, by=world.probation_practitioner)
    event = _events(referral.pk).get()
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == world.north.probation.pk
    assert event.nominal_id == world.police_nominal.pk
    assert event.actor_agency_id == world.north.probation.pk
    # What the referral says about the nominal never goes into the audit log.
    assert REASONS not in f"{event.summary} {event.detail} {event.justification}"


@pytest.mark.parametrize(
    ("who", "nominal"),
    [
        ("senior_manager", "police_nominal"),  # no permission to refer
        ("chair", "police_nominal"),  # a meeting chair screens nothing and refers nothing
        ("associate_practitioner", "police_nominal"),  # sees the case, but associates do not refer
        ("practitioner", "south_nominal"),  # cannot see the nominal
        ("health_practitioner", "police_nominal"),  # cannot see the nominal
    ],
)
def test_create_refused(world: World, who: str, nominal: str):
    with pytest.raises(PermissionDenied):
        _refer(world, by=getattr(world, who), nominal=getattr(world, nominal))
    assert not Referral.objects.exists()
    assert not _events().exists()


def test_create_refused_for_an_exited_nominal(world: World):
    nominal = NominalFactory(
        lead_agency=world.north.police, area=world.area, status=Status.EXITED, exited_on=timezone.localdate()
    )
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _refer(world, nominal=nominal)
    assert not Referral.objects.exists()


def test_create_refused_while_a_referral_is_open_and_names_it(world: World):
    first = _refer(world, by=world.probation_practitioner)
    with pytest.raises(ApplicationError) as refused:
        _refer(world)
    assert first.reference in refused.value.message
    assert "North Probation" in refused.value.message
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("close", ["decline", "withdraw"])
def test_create_allowed_again_once_the_open_referral_is_closed(world: World, close: str):
    first = _refer(world)
    if close == "decline":
        services.referral_decline(
            referral=first, reason=DECISION, version=first.version, by=world.coordinator
        )
    else:
        services.referral_withdraw(
            referral=first, reason="Synthetic: risk has reduced.", by=world.practitioner
        )
    second = _refer(world)
    assert second.pk != first.pk


@pytest.mark.parametrize(("current", "proposed"), [(2, 2), (3, 3), (3, 2)])
def test_create_refused_at_or_below_the_current_level(world: World, current: int, proposed: int):
    nominal = NominalFactory(lead_agency=world.north.police, area=world.area, level=current)
    with pytest.raises(ApplicationError, match=f"already managed at level {current}") as refused:
        _refer(world, nominal=nominal, proposed_level=proposed)
    assert refused.value.field == "proposed_level"


def test_create_level_2_nominal_to_level_3(world: World):
    nominal = NominalFactory(lead_agency=world.north.police, area=world.area, level=2)
    assert _refer(world, nominal=nominal, proposed_level=3).proposed_level == 3


@pytest.mark.parametrize("level", [1, 4, "", None])
def test_create_refuses_levels_other_than_2_and_3(world: World, level: Any):
    with pytest.raises(ApplicationError) as refused:
        _refer(world, proposed_level=level)
    assert refused.value.field == "proposed_level"


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (2, "Enter what cannot be managed at level 1"),
        (3, "Enter which parts of the risk management plan cannot be delivered at level 2"),
    ],
)
def test_create_needs_what_cannot_be_managed_now(world: World, level: int, message: str):
    with pytest.raises(ApplicationError, match=message) as refused:
        _refer(world, proposed_level=level, current_level_gaps="  ")
    assert refused.value.field == "current_level_gaps"


@pytest.mark.parametrize(
    ("field", "value"), [("reasons", ""), ("reasons", "Risky."), ("current_level_gaps", "Short.")]
)
def test_create_needs_reasons_in_a_sentence(world: World, field: str, value: str):
    fields: dict[str, Any] = {field: value}
    with pytest.raises(ApplicationError) as refused:
        _refer(world, **fields)
    assert refused.value.field == field


def test_create_risk_summary_is_optional(world: World):
    assert _refer(world, risk_summary="").risk_summary == ""


# --- referral_request_information ---------------------------------------------------------------


def test_request_information_by_the_areas_coordinator(world: World):
    referral = _refer(world)
    updated = services.referral_request_information(
        referral=referral, request_text="Synthetic: the latest OASys summary, please.", by=world.coordinator
    )
    assert updated.status == ReferralStatus.MORE_INFORMATION
    assert updated.information_request == "Synthetic: the latest OASys summary, please."
    assert updated.version == 2
    step = updated.steps.get(step="information_requested")
    assert (step.by, step.note) == (world.coordinator, "Synthetic: the latest OASys summary, please.")
    event = _events(referral.pk).get(action=Action.ALTERATION)
    assert event.object_agency_id == world.north.police.pk
    assert "information_request" in event.changed_fields


@pytest.mark.parametrize("who", ["practitioner", "south_coordinator", "chair"])
def test_request_information_refused_to_others(world: World, who: str):
    referral = _refer(world)
    with pytest.raises(PermissionDenied):
        services.referral_request_information(
            referral=referral, request_text="More please.", by=getattr(world, who)
        )
    assert _fresh(referral).status == ReferralStatus.SUBMITTED
    assert _events(referral.pk).count() == 1


def test_request_information_refused_while_waiting_for_an_answer(world: World):
    referral = _refer(world)
    services.referral_request_information(
        referral=referral, request_text="More please.", by=world.coordinator
    )
    with pytest.raises(ApplicationError, match="has not answered yet"):
        services.referral_request_information(
            referral=referral, request_text="And more.", by=world.coordinator
        )


def test_request_information_needs_the_question(world: World):
    referral = _refer(world)
    with pytest.raises(ApplicationError) as refused:
        services.referral_request_information(referral=referral, request_text=" ", by=world.coordinator)
    assert refused.value.field == "request_text"


# --- referral_provide_information ---------------------------------------------------------------


def _asked(world: World, **kwargs: Any) -> Referral:
    referral = _refer(world, **kwargs)
    return services.referral_request_information(
        referral=referral, request_text="Synthetic: which addresses?", by=world.coordinator
    )


def test_provide_information_by_anyone_of_the_referring_agency(world: World):
    referral = _asked(world)
    updated = services.referral_provide_information(
        referral=referral,
        response_text="Synthetic: two addresses in the north.",
        by=world.police_practitioner_2,
    )
    assert updated.status == ReferralStatus.SUBMITTED
    assert updated.information_response == "Synthetic: two addresses in the north."
    assert updated.version == 3
    assert [s.step for s in updated.steps.order_by("at", "id")] == [
        "submitted",
        "information_requested",
        "information_provided",
    ]


@pytest.mark.parametrize("who", ["probation_practitioner", "senior_manager", "south_coordinator"])
def test_provide_information_refused_to_other_agencies(world: World, who: str):
    referral = _asked(world)
    with pytest.raises(PermissionDenied):
        services.referral_provide_information(
            referral=referral, response_text="Answer.", by=getattr(world, who)
        )
    assert _fresh(referral).status == ReferralStatus.MORE_INFORMATION


def test_provide_information_refused_when_nothing_was_asked(world: World):
    referral = _refer(world)
    with pytest.raises(ApplicationError, match="has not asked"):
        services.referral_provide_information(
            referral=referral, response_text="Answer.", by=world.practitioner
        )


def test_asking_again_keeps_each_rounds_answer_on_its_step(world: World):
    referral = _asked(world)
    services.referral_provide_information(
        referral=referral, response_text="First answer.", by=world.practitioner
    )
    again = services.referral_request_information(
        referral=referral, request_text="Second question.", by=world.coordinator
    )
    assert again.information_response == ""
    assert list(again.steps.order_by("at", "id").values_list("note", flat=True)) == [
        "",
        "Synthetic: which addresses?",
        "First answer.",
        "Second question.",
    ]


# --- referral_accept ----------------------------------------------------------------------------


def test_accept_sets_the_nominals_level_with_history_and_audit(world: World):
    referral = _refer(world)
    nominal_version = world.police_nominal.version
    accepted = services.referral_accept(
        referral=referral, level=2, reason=DECISION, version=referral.version, by=world.coordinator
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    assert (accepted.accepted_level, accepted.decided_by, accepted.decision_reason) == (
        2,
        world.coordinator,
        DECISION,
    )
    assert accepted.decided_at is not None
    step = accepted.steps.get(step="accepted")
    assert step.at == accepted.decided_at
    nominal = _fresh(world.police_nominal)
    assert nominal.level == 2
    assert nominal.version == nominal_version + 1
    assert nominal.next_review_date == next_review_date(2, timezone.localdate())
    change = nominal.changes.get(field=ChangedField.LEVEL)
    assert (change.reason, change.changed_by, change.to_value) == (
        ChangeReason.SCREENING,
        world.coordinator,
        "2",
    )
    assert referral.reference in change.reason_detail
    nominal_event = AuditEvent.objects.get(
        object_type="nominal", object_id=str(nominal.pk), action=Action.ALTERATION
    )
    assert nominal_event.changed_fields == ["level", "next_review_date"]
    referral_event = _events(referral.pk).get(action=Action.ALTERATION)
    assert referral_event.changed_fields == sorted(
        ["status", "accepted_level", "decided_at", "decided_by", "decision_reason"]
    )


def test_accept_at_a_level_other_than_proposed(world: World):
    referral = _refer(world, proposed_level=2)
    services.referral_accept(
        referral=referral, level=3, reason=DECISION, version=referral.version, by=world.coordinator
    )
    assert _fresh(referral).accepted_level == 3
    assert _fresh(world.police_nominal).level == 3


def test_accept_a_referral_waiting_for_information(world: World):
    referral = _asked(world)
    services.referral_accept(
        referral=referral, level=2, reason=DECISION, version=referral.version, by=world.coordinator
    )
    assert _fresh(referral).status == ReferralStatus.ACCEPTED


@pytest.mark.parametrize("who", ["practitioner", "south_coordinator", "chair", "health_practitioner"])
def test_accept_refused_to_all_but_the_areas_coordinator(world: World, who: str):
    referral = _refer(world)
    with pytest.raises(PermissionDenied):
        services.referral_accept(
            referral=referral, level=2, reason=DECISION, version=1, by=getattr(world, who)
        )
    assert _fresh(referral).status == ReferralStatus.SUBMITTED
    assert _fresh(world.police_nominal).level == 1
    assert not world.police_nominal.changes.exists()
    assert _events(referral.pk).count() == 1


def test_accept_refused_on_an_old_version(world: World):
    referral = _refer(world)
    seen = referral.version
    # The referrer is asked and answers while the co-ordinator has the screening page open.
    services.referral_request_information(referral=referral, request_text="More.", by=world.coordinator)
    services.referral_provide_information(referral=referral, response_text="Answer.", by=world.practitioner)
    with pytest.raises(ApplicationError, match="Someone else changed this referral"):
        services.referral_accept(
            referral=referral, level=2, reason=DECISION, version=seen, by=world.coordinator
        )
    assert _fresh(referral).status == ReferralStatus.SUBMITTED
    assert _fresh(world.police_nominal).level == 1


def test_accept_refused_if_the_nominal_is_already_at_that_level(world: World):
    referral = _refer(world, proposed_level=2)
    # The level moved on at a meeting meanwhile.
    nominal = _fresh(world.police_nominal)
    nominal.level = 2
    nominal.save(override=True)
    with pytest.raises(ApplicationError, match="already managed at level 2") as refused:
        services.referral_accept(
            referral=referral, level=2, reason=DECISION, version=referral.version, by=world.coordinator
        )
    assert refused.value.field == "level"
    assert _fresh(referral).status == ReferralStatus.SUBMITTED


def test_accept_refused_for_an_exited_nominal(world: World):
    referral = _refer(world)
    nominal = _fresh(world.police_nominal)
    nominal.status, nominal.exited_on = Status.EXITED, timezone.localdate()
    nominal.save(override=True)
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        services.referral_accept(
            referral=referral, level=2, reason=DECISION, version=referral.version, by=world.coordinator
        )


@pytest.mark.parametrize(
    ("level", "reason", "field"), [(1, DECISION, "level"), (2, "", "reason"), (2, "Fine.", "reason")]
)
def test_accept_needs_a_level_and_a_reason(world: World, level: int, reason: str, field: str):
    referral = _refer(world)
    with pytest.raises(ApplicationError) as refused:
        services.referral_accept(
            referral=referral, level=level, reason=reason, version=1, by=world.coordinator
        )
    assert refused.value.field == field
    assert _fresh(world.police_nominal).level == 1


@pytest.mark.parametrize("close", ["accept", "decline", "withdraw"])
def test_decisions_refused_once_closed(world: World, close: str):
    referral = _refer(world)
    if close == "accept":
        referral = services.referral_accept(
            referral=referral, level=2, reason=DECISION, version=1, by=world.coordinator
        )
    elif close == "decline":
        referral = services.referral_decline(
            referral=referral, reason=DECISION, version=1, by=world.coordinator
        )
    else:
        referral = services.referral_withdraw(
            referral=referral, reason="No longer needed.", by=world.practitioner
        )
    version = referral.version
    with pytest.raises(ApplicationError, match=referral.reference):
        services.referral_decline(referral=referral, reason=DECISION, version=version, by=world.coordinator)
    with pytest.raises(ApplicationError, match=referral.reference):
        services.referral_accept(
            referral=referral, level=3, reason=DECISION, version=version, by=world.coordinator
        )
    with pytest.raises(ApplicationError, match=referral.reference):
        services.referral_request_information(referral=referral, request_text="More.", by=world.coordinator)
    with pytest.raises(ApplicationError, match=referral.reference):
        services.referral_withdraw(referral=referral, reason="Again.", by=world.practitioner)


# --- referral_decline ---------------------------------------------------------------------------


def test_decline_leaves_the_nominal_at_its_level(world: World):
    referral = _refer(world)
    declined = services.referral_decline(referral=referral, reason=DECISION, version=1, by=world.coordinator)
    assert declined.status == ReferralStatus.DECLINED
    assert (declined.decided_by, declined.decision_reason) == (world.coordinator, DECISION)
    assert declined.accepted_level is None
    assert declined.steps.get(step="declined").at == declined.decided_at
    nominal = _fresh(world.police_nominal)
    assert (nominal.level, nominal.version) == (1, world.police_nominal.version)
    assert _events(referral.pk).filter(action=Action.ALTERATION).count() == 1


@pytest.mark.parametrize("who", ["practitioner", "south_coordinator", "probation_practitioner"])
def test_decline_refused_to_others(world: World, who: str):
    referral = _refer(world)
    with pytest.raises(PermissionDenied):
        services.referral_decline(referral=referral, reason=DECISION, version=1, by=getattr(world, who))
    assert _fresh(referral).status == ReferralStatus.SUBMITTED


def test_decline_needs_a_reason_and_the_current_version(world: World):
    referral = _refer(world)
    with pytest.raises(ApplicationError) as refused:
        services.referral_decline(referral=referral, reason="", version=1, by=world.coordinator)
    assert refused.value.field == "reason"
    with pytest.raises(ApplicationError, match="Someone else changed"):
        services.referral_decline(referral=referral, reason=DECISION, version=7, by=world.coordinator)
    assert _fresh(referral).status == ReferralStatus.SUBMITTED


# --- referral_withdraw --------------------------------------------------------------------------


def test_withdraw_by_the_referring_agency(world: World):
    referral = _asked(world, by=world.probation_practitioner)
    withdrawn = services.referral_withdraw(
        referral=referral, reason="Synthetic: recalled to custody.", by=world.probation_practitioner
    )
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    # Not a decision: the decision fields stay empty and the reason is on the step.
    assert withdrawn.decided_at is None and withdrawn.decision_reason == ""
    assert withdrawn.steps.get(step="withdrawn").note == "Synthetic: recalled to custody."
    assert _events(referral.pk).filter(detail__step="withdrawn").exists()


@pytest.mark.parametrize("who", ["coordinator", "practitioner", "senior_manager"])
def test_withdraw_refused_to_other_agencies(world: World, who: str):
    """Probation referred; the police co-ordinator screens it but cannot withdraw it."""
    referral = _refer(world, by=world.probation_practitioner)
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(referral=referral, reason="Not needed.", by=getattr(world, who))
    assert _fresh(referral).status == ReferralStatus.SUBMITTED


def test_withdraw_needs_a_reason(world: World):
    referral = _refer(world)
    with pytest.raises(ApplicationError) as refused:
        services.referral_withdraw(referral=referral, reason=" ", by=world.practitioner)
    assert refused.value.field == "reason"


# --- selectors ----------------------------------------------------------------------------------


def test_screening_queue_is_the_areas_open_referrals_oldest_first(world: World):
    now = timezone.now()
    newer = ReferralFactory(nominal=world.police_nominal, submitted_at=now - timedelta(days=1))
    older = ReferralFactory(nominal=world.probation_nominal, submitted_at=now - timedelta(days=5))
    ReferralFactory(nominal=world.health_nominal, status=ReferralStatus.WITHDRAWN)
    ReferralFactory(nominal=world.south_nominal)
    assert list(selectors.screening_queue(fetched_by=world.coordinator)) == [older, newer]
    assert list(selectors.screening_queue(fetched_by=world.practitioner)) == []
    assert [r.nominal for r in selectors.screening_queue(fetched_by=world.south_coordinator)] == [
        world.south_nominal
    ]
    assert selectors.days_waiting(older) == 5


def test_closed_made_and_per_nominal_lists(world: World):
    mine = _refer(world, by=world.probation_practitioner)
    services.referral_decline(referral=mine, reason=DECISION, version=1, by=world.coordinator)
    other = _refer(world, by=world.health_practitioner, nominal=world.health_nominal)
    assert list(selectors.referrals_closed(fetched_by=world.coordinator)) == [mine]
    assert list(selectors.referrals_closed(fetched_by=world.probation_practitioner)) == []
    assert list(selectors.referrals_made(fetched_by=world.probation_practitioner)) == [mine]
    assert list(selectors.referrals_made(fetched_by=world.health_practitioner)) == [other]
    assert list(
        selectors.referrals_for_nominal(nominal=world.police_nominal, fetched_by=world.coordinator)
    ) == [mine]
    # The lead agency sees referrals of its cases, whoever made them; others who did not make it
    # see none.
    assert list(
        selectors.referrals_for_nominal(nominal=world.police_nominal, fetched_by=world.practitioner)
    ) == [mine]
    assert (
        list(selectors.referrals_for_nominal(nominal=world.probation_nominal, fetched_by=world.practitioner))
        == []
    )


def test_open_referral_is_named_to_anyone_who_can_see_the_nominal(world: World):
    referral = _refer(world, by=world.probation_practitioner)
    assert (
        selectors.open_referral_for(nominal=world.police_nominal, fetched_by=world.practitioner) == referral
    )
    assert (
        selectors.open_referral_for(nominal=world.police_nominal, fetched_by=world.health_practitioner)
        is None
    )


def test_steps_only_for_those_who_see_the_referral(world: World):
    referral = _refer(world)
    assert [s.step for s in selectors.referral_steps(referral=referral, fetched_by=world.coordinator)] == [
        "submitted"
    ]
    assert not selectors.referral_steps(referral=referral, fetched_by=world.south_coordinator).exists()


@pytest.mark.parametrize(
    ("who", "refer", "screen", "referrer"),
    [
        ("practitioner", True, False, True),
        ("coordinator", True, True, True),
        ("probation_practitioner", True, False, False),
        ("associate_practitioner", False, False, False),
        ("south_coordinator", False, False, False),
        ("senior_manager", False, False, False),
    ],
)
def test_predicates(world: World, who: str, refer: bool, screen: bool, referrer: bool):
    referral = ReferralFactory(nominal=world.police_nominal, referred_by=world.practitioner)
    user = getattr(world, who)
    assert selectors.can_refer(user, world.police_nominal) is refer
    assert selectors.can_screen(user, referral) is screen
    assert selectors.is_referrer(user, referral) is referrer


# --- timings ------------------------------------------------------------------------------------


def _decided(
    world: World, nominal: Nominal, submitted: Any, decided: Any, status: str = ReferralStatus.ACCEPTED
) -> Referral:
    return ReferralFactory(
        nominal=nominal,
        submitted_at=submitted,
        status=status,
        accepted_level=2 if status == ReferralStatus.ACCEPTED else None,
        decided_at=decided,
        decided_by=world.coordinator,
        decision_reason=DECISION,
    )


def test_timings_referral_to_decision_and_first_meeting(world: World):
    submitted = timezone.now() - timedelta(days=30)
    referral = _decided(world, world.police_nominal, submitted, submitted + timedelta(days=3, hours=2))
    # Before the referral, cancelled, or about someone else: none of these count.
    early = MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted - timedelta(days=1))
    cancelled = MeetingFactory(
        area=world.area,
        chair=world.chair,
        starts_at=submitted + timedelta(days=5),
        status=MeetingStatus.CANCELLED,
    )
    other = MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted + timedelta(days=6))
    second = MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted + timedelta(days=20))
    first = MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted + timedelta(days=12))
    for meeting in (early, cancelled, second, first):
        on_agenda(meeting, world.police_nominal)
    on_agenda(other, world.probation_nominal)

    timings = selectors.referral_timings(referral)
    assert timings.to_decision == timedelta(days=3, hours=2)
    assert timings.first_meeting_at == first.starts_at
    assert timings.to_first_meeting == timedelta(days=12)
    assert timings.days_to_first_meeting == 12
    annotated = selectors.with_timings(Referral.objects.filter(pk=referral.pk)).get()
    assert selectors.referral_timings(annotated) == timings


def test_timings_empty_until_decided_and_met(world: World):
    referral = ReferralFactory(nominal=world.police_nominal)
    timings = selectors.referral_timings(referral)
    assert (timings.decided_at, timings.to_decision, timings.days_to_decision) == (None, None, None)
    assert (timings.first_meeting_at, timings.to_first_meeting, timings.days_to_first_meeting) == (
        None,
        None,
        None,
    )


def test_timings_count_a_meeting_planned_for_an_open_referral(world: World):
    referral = ReferralFactory(nominal=world.police_nominal)
    meeting = MeetingFactory(area=world.area, chair=world.chair)  # next week
    on_agenda(meeting, world.police_nominal, referral=referral)
    assert selectors.referral_timings(referral).first_meeting_at == meeting.starts_at


@pytest.mark.parametrize("status", [ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN])
def test_no_first_meeting_for_a_declined_or_withdrawn_referral(world: World, status: str):
    submitted = timezone.now() - timedelta(days=10)
    referral = _decided(world, world.police_nominal, submitted, submitted + timedelta(days=1), status=status)
    on_agenda(
        MeetingFactory(area=world.area, chair=world.chair, starts_at=submitted + timedelta(days=4)),
        world.police_nominal,
    )
    assert selectors.referral_timings(referral).first_meeting_at is None
    annotated = selectors.with_timings(Referral.objects.filter(pk=referral.pk)).get()
    assert selectors.referral_timings(annotated).first_meeting_at is None


def test_days_count_calendar_days(world: World):
    submitted = timezone.now() - timedelta(days=2)
    referral = _decided(world, world.police_nominal, submitted, submitted + timedelta(minutes=1))
    assert selectors.referral_timings(referral).days_to_decision in (0, 1)  # the same day, or past midnight
    assert selectors.days_waiting(referral) == 2


def test_every_step_is_dated_and_signed(world: World):
    referral = _asked(world)
    services.referral_provide_information(referral=referral, response_text="Answer.", by=world.practitioner)
    services.referral_accept(referral=referral, level=2, reason=DECISION, version=3, by=world.coordinator)
    steps = list(ReferralStep.objects.filter(referral=referral).order_by("at", "id"))
    assert [(s.step, s.by) for s in steps] == [
        ("submitted", world.practitioner),
        ("information_requested", world.coordinator),
        ("information_provided", world.practitioner),
        ("accepted", world.coordinator),
    ]
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert _events(referral.pk).count() == 4
