"""The decision: decision_blockers, disclosure_decide, disclosure_ratify and the youth rules.

Each condition the decision needs is taken away from a proposal that has everything
(tests.factories.disclosures.ready_to_decide), for each outcome it applies to: the decision is
refused with that condition's message, and nothing is written. With everything present it is
allowed, at a meeting and in an emergency.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import services_decision as services
from mappa.disclosures.models import (
    Disclosure,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureStatus,
    DisclosureStep,
    Forum,
    Outcome,
    RatificationStatus,
)
from mappa.disclosures.services import DisclosureConflict
from mappa.information_sharing.models import ItemKind
from mappa.meetings.models import MeetingStatus, Minutes, MinutesStatus
from mappa.people.models import PersonDateOfBirth
from tests.factories.accounts import member
from tests.factories.disclosures import DecisionWorld, RecipientFactory, decided_to_disclose
from tests.factories.information_sharing import ItemFactory
from tests.factories.meetings import MeetingFactory, held_minutes
from tests.factories.nominals import NominalFactory
from tests.factories.risk_management import PersonAtRiskFactory

pytestmark = pytest.mark.django_db

RATIONALE = "Synthetic: the risk to her children outweighs his right to privacy."
BOTH: list[str] = [Outcome.DISCLOSE, Outcome.DO_NOT_DISCLOSE]


@pytest.fixture
def world(db) -> DecisionWorld:
    return DecisionWorld()


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _decide(world: DecisionWorld, disclosure: Disclosure, **overrides: Any) -> Disclosure:
    fields: dict[str, Any] = {"outcome": Outcome.DISCLOSE, "forum": Forum.MEETING, "rationale": RATIONALE}
    fields.update(overrides)
    if fields["forum"] == Forum.MEETING and "minutes" not in fields:
        fields["minutes"] = held_minutes(disclosure.nominal, chair=fields.get("by", world.chair))
    fields.setdefault("by", world.chair)
    return services.disclosure_decide(disclosure=disclosure, version=_fresh(disclosure).version, **fields)


def _decision_events(disclosure: Disclosure) -> Any:
    return AuditEvent.objects.filter(
        object_type="disclosure", object_id=str(disclosure.pk), summary__contains="decided"
    )


def _refused(world: DecisionWorld, disclosure: Disclosure, message: str, **overrides: Any) -> None:
    with pytest.raises(ApplicationError) as raised:
        _decide(world, disclosure, **overrides)
    assert message in raised.value.message
    stored = _fresh(disclosure)
    assert stored.status == DisclosureStatus.PROPOSED
    assert stored.decided_at is None
    assert not _decision_events(disclosure).exists()


# --- allowed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", BOTH)
def test_decide_at_a_meeting(world: DecisionWorld, outcome: str):
    disclosure = world.ready()
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    before = timezone.now()
    decided = _decide(world, disclosure, outcome=outcome, minutes=minutes)
    assert decided.status == DisclosureStatus.DECIDED
    assert (decided.outcome, decided.forum, decided.decision_minutes) == (outcome, Forum.MEETING, minutes)
    assert (decided.decided_by, decided.decision_rationale) == (world.chair, RATIONALE)
    assert decided.decided_at is not None
    assert before <= decided.decided_at <= timezone.now()
    assert decided.ratification == RatificationStatus.NOT_NEEDED
    assert not decided.single_agency
    step = DisclosureStep.objects.filter(disclosure=disclosure).latest("id")
    assert (step.step, step.by) == ("decided", world.chair)
    event = _decision_events(disclosure).get()
    assert event.action == Action.ALTERATION
    assert event.detail == {
        "outcome": outcome,
        "forum": "meeting",
        "single_agency": False,
        "minutes": minutes.pk,
    }
    assert RATIONALE not in f"{event.summary} {event.detail}"


def test_decide_with_draft_minutes_of_the_meeting(world: DecisionWorld):
    """The decision is made at the meeting: its minutes need not be approved yet."""
    minutes = held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.DRAFT)
    assert _decide(world, world.ready(), minutes=minutes).decision_minutes == minutes


def test_decide_at_a_level_3_meeting(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair, level=3)
    assert _decide(world, world.ready(), minutes=minutes).status == DisclosureStatus.DECIDED


def _consult(disclosure: Disclosure, agency: Any) -> DisclosureConsultation:
    consultation = DisclosureConsultation(
        disclosure=disclosure,
        agency=agency,
        person_name="Synthetic Officer",
        person_role="Senior officer",
        consulted_at=timezone.now() - timedelta(hours=1),
        view="Synthetic: agrees",
    )
    consultation.save(override=True)
    return consultation


@pytest.mark.parametrize("outcome", BOTH)
def test_emergency_with_two_agencies_is_allowed_and_not_flagged(world: DecisionWorld, outcome: str):
    disclosure = world.ready()
    _consult(disclosure, world.north.probation)  # and the chair's own, North Police
    decided = _decide(
        world,
        disclosure,
        outcome=outcome,
        forum=Forum.EMERGENCY,
        emergency_reason="Synthetic: he moves in tonight",
        single_agency_reason="Synthetic: not needed",
    )
    assert (decided.forum, decided.decision_minutes, decided.single_agency) == (Forum.EMERGENCY, None, False)
    assert decided.single_agency_reason == ""
    assert decided.emergency_reason == "Synthetic: he moves in tonight"
    # The ratification item for the next level 2 or 3 meeting.
    assert decided.ratification == RatificationStatus.PENDING
    assert _decision_events(disclosure).get().detail["single_agency"] is False


def test_emergency_with_two_other_agencies_consulted(world: DecisionWorld):
    disclosure = world.ready()
    _consult(disclosure, world.north.probation)
    _consult(disclosure, world.north.health)
    decided = _decide(
        world, disclosure, forum=Forum.EMERGENCY, emergency_reason="Synthetic", by=world.probation_chair
    )
    assert not decided.single_agency


def test_emergency_with_one_agency_and_no_reason_is_refused(world: DecisionWorld):
    disclosure = world.ready()
    _consult(disclosure, world.north.police)  # the chair's own agency: still one agency
    _refused(
        world,
        disclosure,
        "Record at least two agencies consulted on the emergency decision, or explain why one agency "
        "decided alone",
        forum=Forum.EMERGENCY,
        emergency_reason="Synthetic: he moves in tonight",
    )


def test_emergency_with_one_agency_and_a_reason_is_allowed_and_flagged(world: DecisionWorld):
    disclosure = world.ready()
    decided = _decide(
        world,
        disclosure,
        forum=Forum.EMERGENCY,
        emergency_reason="Synthetic: he moves in tonight",
        single_agency_reason="Synthetic: no other agency could be reached at 2am",
    )
    assert decided.single_agency
    assert decided.single_agency_reason == "Synthetic: no other agency could be reached at 2am"
    assert decided.ratification == RatificationStatus.PENDING
    assert _decision_events(disclosure).get().detail["single_agency"] is True


def test_emergency_needs_why_it_could_not_wait(world: DecisionWorld):
    disclosure = world.ready()
    _consult(disclosure, world.north.probation)
    _refused(
        world,
        disclosure,
        "Explain why the decision could not wait",
        forum=Forum.EMERGENCY,
        emergency_reason=" ",
    )


# --- each condition missing ----------------------------------------------------------------------


def _no_recipient(w: DecisionWorld, d: Disclosure) -> None:
    for recipient in d.recipients.all():
        recipient.delete(override=True)


def _unidentified(w: DecisionWorld, d: Disclosure) -> None:
    recipient = d.recipients.get()
    recipient.identity_confirmed_how = ""
    recipient.why_right_person = ""
    recipient.save(override=True)


def _no_alternative(w: DecisionWorld, d: Disclosure) -> None:
    for alternative in d.alternatives.all():
        alternative.delete(override=True)


def _set(**values: Any) -> Callable[[DecisionWorld, Disclosure], None]:
    def change(w: DecisionWorld, d: Disclosure) -> None:
        for name, value in values.items():
            setattr(d, name, value)
        d.save(override=True)

    return change


def _no_item(w: DecisionWorld, d: Disclosure) -> None:
    for entry in d.items.all():
        entry.delete(override=True)


def _other_agency_item(
    agreed: bool = False, refused: bool = False
) -> Callable[[DecisionWorld, Disclosure], None]:
    def change(w: DecisionWorld, d: Disclosure) -> None:
        item = ItemFactory(nominal=d.nominal, owner_agency=w.north.health)
        DisclosureItem(
            disclosure=d,
            item=item,
            fields=["summary"],
            owner_agreed_by=w.health_practitioner if agreed else None,
            owner_agreed_at=timezone.now() if agreed else None,
            owner_refused=refused,
        ).save(override=True)

    return change


def _special_unjustified(w: DecisionWorld, d: Disclosure) -> None:
    item = ItemFactory(
        nominal=d.nominal,
        owner_agency=d.proposing_agency,
        kind=ItemKind.HEALTH,
        attributes={"condition": "Synthetic"},
    )
    DisclosureItem(disclosure=d, item=item, fields=["condition"], special_categories=["health"]).save(
        override=True
    )


MISSING: list[tuple[str, Callable[[DecisionWorld, Disclosure], None], list[str], str]] = [
    ("no recipient", _no_recipient, BOTH, "Add at least one recipient"),
    (
        "recipient identification incomplete",
        _unidentified,
        BOTH,
        "how their identity was confirmed and why they are the right person to tell",
    ),
    (
        "no alternative (disclose)",
        _no_alternative,
        [Outcome.DISCLOSE],
        "Record at least one alternative to disclosure and why it was rejected",
    ),
    (
        "no alternative (do not disclose)",
        _no_alternative,
        [Outcome.DO_NOT_DISCLOSE],
        "Record what will be done instead of disclosure, and why",
    ),
    (
        "offender risk missing",
        _set(offender_risk=""),
        BOTH,
        "Record the risk the disclosure poses to the offender",
    ),
    (
        "offender risk not confirmed",
        _set(offender_risk_outweighed=False),
        [Outcome.DISCLOSE],
        "Confirm that the risk to the offender does not outweigh the risk to others",
    ),
    (
        "what will be said",
        _set(information_summary=""),
        [Outcome.DISCLOSE],
        "Enter what the recipients will be told",
    ),
    ("no item", _no_item, [Outcome.DISCLOSE], "Choose at least one item of information to disclose"),
    ("item not agreed", _other_agency_item(), [Outcome.DISCLOSE], "North Health Trust has not yet agreed"),
    (
        "owner refused",
        _other_agency_item(refused=True),
        [Outcome.DISCLOSE],
        "North Health Trust did not agree to",
    ),
    (
        "special category without justification",
        _special_unjustified,
        [Outcome.DISCLOSE],
        "includes health, which is special category information",
    ),
    ("no gateway", _set(gateway=""), [Outcome.DISCLOSE], "Choose the lawful basis for the disclosure"),
    (
        "other gateway not named",
        _set(gateway="other", gateway_detail=""),
        [Outcome.DISCLOSE],
        "Name the statutory power",
    ),
    ("not necessary", _set(necessary=""), [Outcome.DISCLOSE], "Explain why the disclosure is necessary"),
    (
        "not proportionate",
        _set(proportionate=""),
        [Outcome.DISCLOSE],
        "Explain why the disclosure is proportionate",
    ),
    (
        "not relevant",
        _set(relevant=""),
        [Outcome.DISCLOSE],
        "Explain why the information to be disclosed is relevant",
    ),
    (
        "joint disclosure not considered",
        _set(joint_disclosure="", joint_disclosure_reason=""),
        [Outcome.DISCLOSE],
        "Record whether the disclosure will be made jointly",
    ),
    (
        "joint disclosure without a reason",
        _set(joint_disclosure="single", joint_disclosure_reason=""),
        [Outcome.DISCLOSE],
        "Explain why the disclosure will be made by one agency",
    ),
]


@pytest.mark.parametrize(
    ("name", "change", "outcome", "message"),
    [(name, change, outcome, message) for name, change, outcomes, message in MISSING for outcome in outcomes],
    ids=[f"{name}-{outcome}" for name, _, outcomes, _ in MISSING for outcome in outcomes],
)
def test_decision_refused_when_a_condition_is_missing(
    world: DecisionWorld, name: str, change: Any, outcome: str, message: str
):
    disclosure = world.ready()
    change(world, disclosure)
    assert any(
        message in blocker for blocker in services.decision_blockers(disclosure, outcome=outcome, forum=None)
    )
    _refused(world, disclosure, message, outcome=outcome)


@pytest.mark.parametrize(
    "change",
    [
        _set(offender_risk_outweighed=False),
        _no_item,
        _set(gateway="", necessary=""),
        _set(information_summary=""),
    ],
)
def test_what_only_disclosing_needs_does_not_block_a_decision_not_to(world: DecisionWorld, change: Any):
    disclosure = world.ready()
    change(world, disclosure)
    assert _decide(world, disclosure, outcome=Outcome.DO_NOT_DISCLOSE).outcome == Outcome.DO_NOT_DISCLOSE


def test_an_agreed_item_of_another_agency_does_not_block(world: DecisionWorld):
    disclosure = world.ready()
    _other_agency_item(agreed=True)(world, disclosure)
    assert services.decision_blockers(disclosure, outcome=Outcome.DISCLOSE, forum=None) == []


def test_blockers_come_in_task_list_order(world: DecisionWorld):
    disclosure = world.proposal()
    blockers = services.decision_blockers(disclosure, outcome=Outcome.DISCLOSE, forum=Forum.MEETING)
    assert blockers == [
        "Enter what the recipients will be told, in the words to be used",
        "Add at least one recipient",
        "Record at least one alternative to disclosure and why it was rejected",
        "Choose at least one item of information to disclose",
        "Record the risk the disclosure poses to the offender, such as vigilantism, self-harm or the effect "
        "on their family",
        "Confirm that the risk to the offender does not outweigh the risk to others",
        "Choose the lawful basis for the disclosure",
        "Explain why the disclosure is necessary",
        "Explain why the disclosure is proportionate: why less intrusive options would not work",
        "Explain why the information to be disclosed is relevant",
        "Record whether the disclosure will be made jointly (for example by police and probation "
        "together) or by one agency",
        "Choose the minutes of the level 2 or 3 meeting at which the decision was made",
    ]


def test_decide_refused_lists_every_blocker(world: DecisionWorld):
    disclosure = world.proposal()
    with pytest.raises(services.DecisionBlocked) as raised:
        _decide(world, disclosure)
    assert raised.value.blockers[0] == "Enter what the recipients will be told, in the words to be used"
    assert len(raised.value.blockers) == 11
    assert "Add at least one recipient." in raised.value.message


# --- the meeting's minutes ----------------------------------------------------------------------------


def test_minutes_of_another_nominal(world: DecisionWorld):
    minutes = held_minutes(world.probation_nominal, chair=world.chair)
    _refused(world, world.ready(), "Those minutes are about another nominal", minutes=minutes)


def test_meeting_not_started_yet(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.DRAFT, days_ago=-2)
    _refused(world, world.ready(), "has not started yet", minutes=minutes)


def test_cancelled_meeting(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    meeting = minutes.agenda_item.meeting
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(override=True)
    _refused(world, world.ready(), "was cancelled", minutes=minutes)


def test_superseded_minutes(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.SUPERSEDED)
    _refused(world, world.ready(), "superseded by a correction", minutes=minutes)


def test_a_chair_who_did_not_chair_the_meeting(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    _refused(
        world,
        world.ready(),
        f"Only the chair of {minutes.agenda_item.meeting.reference} can record a decision made at it",
        minutes=minutes,
        by=world.probation_chair,
    )


def test_a_level_1_meeting_cannot_exist(world: DecisionWorld):
    """Level 1 cases are managed by the lead agency without meetings: the meetings model refuses a
    level 1 meeting, so no minutes can carry a level 1 decision (minutes_problems checks too)."""
    with pytest.raises(IntegrityError):
        MeetingFactory(area=world.area, level=1, chair=world.chair)


def test_minutes_problems_names_a_meeting_outside_levels_2_and_3(world: DecisionWorld):
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    minutes.agenda_item.meeting.level = 1  # in memory only: the database refuses it
    problems = services.minutes_problems(minutes, disclosure=world.ready(), by=world.chair)
    assert problems == ["Only a level 2 or 3 meeting can decide a disclosure"]


# --- who decides, and when ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["practitioner", "coordinator", "south_chair", "health_practitioner", "no_view"]
)
def test_decide_refused_to_who_may_not_decide(world: DecisionWorld, who: str):
    disclosure = world.ready()
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    with pytest.raises(PermissionDenied):
        _decide(world, disclosure, minutes=minutes, by=world.user(who))
    assert _fresh(disclosure).status == DisclosureStatus.PROPOSED
    assert not _decision_events(disclosure).exists()


def test_decide_needs_a_rationale_of_a_sentence(world: DecisionWorld):
    _refused(world, world.ready(), "Explain the reasons for the decision", rationale="Agreed.")
    _refused(world, world.ready(), "Enter the reasons for the decision", rationale="")


def test_decide_with_a_stale_version_is_refused(world: DecisionWorld):
    disclosure = world.ready()
    minutes = held_minutes(world.police_nominal, chair=world.chair)
    with pytest.raises(DisclosureConflict):
        services.disclosure_decide(
            disclosure=disclosure,
            version=disclosure.version + 1,
            outcome=Outcome.DISCLOSE,
            forum=Forum.MEETING,
            minutes=minutes,
            rationale=RATIONALE,
            by=world.chair,
        )
    assert _fresh(disclosure).status == DisclosureStatus.PROPOSED


def test_decide_twice_is_refused(world: DecisionWorld):
    disclosure = world.ready()
    _decide(world, disclosure)
    with pytest.raises(ApplicationError, match="is decided, so this can no longer be done"):
        _decide(world, disclosure, outcome=Outcome.DO_NOT_DISCLOSE)


@pytest.mark.parametrize(("field", "value"), [("outcome", "maybe"), ("forum", "email")])
def test_decide_refuses_unknown_choices(world: DecisionWorld, field: str, value: str):
    with pytest.raises(ApplicationError) as raised:
        _decide(world, world.ready(), **{field: value})
    assert raised.value.field == field


# --- under-18s ------------------------------------------------------------------------------------------


def _set_birth(nominal: Any, year: int, month: int | None = None, day: int | None = None) -> None:
    PersonDateOfBirth.objects.filter(person=nominal.person).update(year=year, month=month, day=day)


def _youth(world: DecisionWorld, disclosure: Disclosure) -> None:
    disclosure.youth_consultee_name = "Synthetic Manager"
    disclosure.youth_consultee_role = "Head of service"
    disclosure.youth_consultee_agency = world.youth_justice
    disclosure.youth_consulted_on = timezone.localdate()
    disclosure.youth_consultee_view = "Synthetic: supports it"
    disclosure.save(override=True)


YOUTH_MESSAGE = (
    "Record the consultation of a senior manager of the Youth Offending Service or Children's Services"
)


def _under_18_recipient(w: DecisionWorld, d: Disclosure) -> str:
    RecipientFactory(disclosure=d, is_under_18=True, kind="school_staff")
    return "a recipient is under 18"


def _young_nominal(w: DecisionWorld, d: Disclosure) -> str:
    today = timezone.localdate()
    _set_birth(d.nominal, today.year - 15, 6, 1)
    return "the nominal is, or may be, under 18"


def _youth_justice_lead(w: DecisionWorld, d: Disclosure) -> str:
    nominal = d.nominal
    nominal.lead_agency = w.youth_justice
    nominal.save(override=True)
    return "the case is led by youth justice"


def _child_at_risk(w: DecisionWorld, d: Disclosure) -> str:
    d.person_at_risk = PersonAtRiskFactory(nominal=d.nominal, kind="child", is_child=True)
    d.save(override=True)
    return "the person it protects is a child"


def _recipient_is_a_child_at_risk(w: DecisionWorld, d: Disclosure) -> str:
    from tests.factories.nominals import person_of

    child = person_of(w.north.police)
    PersonAtRiskFactory(nominal=d.nominal, person=child, kind="child", is_child=True)
    RecipientFactory(disclosure=d, person=child, kind="victim")
    return "a recipient is a child recorded as at risk from the nominal"


@pytest.mark.parametrize(
    "change",
    [_under_18_recipient, _young_nominal, _youth_justice_lead, _child_at_risk, _recipient_is_a_child_at_risk],
)
@pytest.mark.parametrize("outcome", BOTH)
def test_youth_consultation_needed_then_recorded(world: DecisionWorld, change: Any, outcome: str):
    disclosure = world.ready()
    assert not services.needs_youth_consultation(disclosure)
    reason = change(world, disclosure)
    disclosure = _fresh(disclosure)
    assert services.needs_youth_consultation(disclosure)
    assert reason in services.youth_consultation_reasons(disclosure)
    _refused(world, disclosure, f"{YOUTH_MESSAGE}: required because", outcome=outcome)
    _youth(world, disclosure)
    assert _decide(world, _fresh(disclosure), outcome=outcome).status == DisclosureStatus.DECIDED


def test_an_ended_child_at_risk_named_as_a_recipient_needs_no_consultation(world: DecisionWorld):
    from tests.factories.nominals import person_of

    disclosure = world.ready()
    grown = person_of(world.north.police)
    PersonAtRiskFactory(
        nominal=disclosure.nominal,
        person=grown,
        kind="child",
        is_child=True,
        ended_on=timezone.localdate(),
        ended_reason="Synthetic: moved away",
    )
    RecipientFactory(disclosure=disclosure, person=grown, kind="victim")
    assert not services.needs_youth_consultation(disclosure)


@pytest.mark.parametrize(
    ("birth", "today", "young"),
    [
        ((2008, 1, 1), date(2026, 1, 1), False),  # 18 today
        ((2008, 1, 2), date(2026, 1, 1), True),  # 18 tomorrow
        ((2008, None, None), date(2026, 6, 1), True),  # born in 2008: could be December
        ((2008, None, None), date(2027, 1, 1), False),  # 18 whenever in 2008 they were born
        ((2008, 6, None), date(2026, 6, 15), True),  # June 2008: could be the 30th
        ((2008, 6, None), date(2026, 7, 1), False),
        ((2008, 2, 29), date(2026, 2, 28), True),  # a leap-day birthday comes on 1 March
        ((2008, 2, 29), date(2026, 3, 1), False),
        ((1990, None, None), date(2026, 1, 1), False),
    ],
)
def test_young_offender_by_date_of_birth(
    world: DecisionWorld, birth: tuple[int, int | None, int | None], today: date, young: bool
):
    disclosure = world.ready()
    _set_birth(disclosure.nominal, *birth)
    reasons = services.youth_consultation_reasons(_fresh(disclosure), today=today)
    assert ("the nominal is, or may be, under 18" in reasons) is young


def test_any_recorded_date_of_birth_that_could_be_under_18_counts(world: DecisionWorld):
    nominal = NominalFactory(lead_agency=world.north.police, area=world.area)
    PersonDateOfBirth.objects.create(person=nominal.person, year=timezone.localdate().year - 12)
    disclosure = world.ready(nominal=nominal)
    assert "the nominal is, or may be, under 18" in services.youth_consultation_reasons(disclosure)


def test_no_date_of_birth_is_not_treated_as_a_child(world: DecisionWorld):
    disclosure = world.ready()
    PersonDateOfBirth.objects.filter(person=disclosure.nominal.person).delete()
    assert services.youth_consultation_reasons(_fresh(disclosure)) == []


# --- ratification ------------------------------------------------------------------------------------------


def _emergency(world: DecisionWorld) -> Disclosure:
    return decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        forum="emergency",
        proposing_agency=world.north.police,
        proposed_by=world.practitioner,
    )


def _later_minutes(world: DecisionWorld, chair: Any = None, **kwargs: Any) -> Minutes:
    return held_minutes(world.police_nominal, chair=chair or world.chair, days_ago=0, **kwargs)


def test_ratified_by_a_later_meetings_chair(world: DecisionWorld):
    disclosure = _emergency(world)
    assert disclosure.ratification == RatificationStatus.PENDING
    chair = member(["meeting_chair"], agency=world.north.probation)
    minutes = _later_minutes(world, chair=chair)
    ratified = services.disclosure_ratify(
        disclosure=disclosure, minutes=minutes, ratified=True, note="", version=disclosure.version, by=chair
    )
    assert ratified.ratification == RatificationStatus.RATIFIED
    assert (ratified.ratified_minutes, ratified.ratified_by) == (minutes, chair)
    assert ratified.ratified_at is not None
    assert ratified.status == DisclosureStatus.DECIDED
    step = DisclosureStep.objects.filter(disclosure=disclosure).latest("id")
    assert (step.step, step.by) == ("ratified", chair)
    event = AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk)).latest("id")
    assert event.detail == {"ratified": True, "minutes": minutes.pk}


def test_not_ratified_needs_a_note_and_flags_the_record(world: DecisionWorld):
    disclosure = _emergency(world)
    minutes = _later_minutes(world)
    with pytest.raises(ApplicationError, match="Explain why the meeting did not ratify"):
        services.disclosure_ratify(
            disclosure=disclosure, minutes=minutes, ratified=False, note="", by=world.chair
        )
    flagged = services.disclosure_ratify(
        disclosure=disclosure,
        minutes=minutes,
        ratified=False,
        note="Synthetic: one agency only",
        by=world.chair,
    )
    assert flagged.ratification == RatificationStatus.NOT_RATIFIED
    assert flagged.ratification_note == "Synthetic: one agency only"
    # The decision stands as recorded (it may have been acted on); the flag is for the co-ordinator.
    assert (flagged.status, flagged.outcome) == (DisclosureStatus.DECIDED, Outcome.DISCLOSE)


def test_ratification_needs_a_meeting_after_the_decision(world: DecisionWorld):
    disclosure = _emergency(world)
    earlier = held_minutes(world.police_nominal, chair=world.chair, days_ago=1)
    with pytest.raises(ApplicationError, match="was not held after the emergency decision") as raised:
        services.disclosure_ratify(
            disclosure=disclosure, minutes=earlier, ratified=True, note="", by=world.chair
        )
    assert raised.value.field == "minutes"
    assert _fresh(disclosure).ratification == RatificationStatus.PENDING


def test_ratification_by_the_chair_of_that_meeting_only(world: DecisionWorld):
    disclosure = _emergency(world)
    minutes = _later_minutes(world)
    with pytest.raises(ApplicationError, match="Only the chair of"):
        services.disclosure_ratify(
            disclosure=disclosure, minutes=minutes, ratified=True, note="", by=world.probation_chair
        )


@pytest.mark.parametrize("who", ["practitioner", "coordinator", "south_chair"])
def test_ratification_refused_to_who_may_not_decide(world: DecisionWorld, who: str):
    disclosure = _emergency(world)
    with pytest.raises(PermissionDenied):
        services.disclosure_ratify(
            disclosure=disclosure, minutes=_later_minutes(world), ratified=True, note="", by=world.user(who)
        )
    assert _fresh(disclosure).ratification == RatificationStatus.PENDING


def test_ratification_only_of_a_pending_decision(world: DecisionWorld):
    disclosure = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        proposing_agency=world.north.police,
        proposed_by=world.practitioner,
    )
    with pytest.raises(ApplicationError, match="not awaiting ratification"):
        services.disclosure_ratify(
            disclosure=disclosure, minutes=_later_minutes(world), ratified=True, note="", by=world.chair
        )


def test_ratification_of_another_nominals_minutes_is_refused(world: DecisionWorld):
    disclosure = _emergency(world)
    minutes = held_minutes(world.probation_nominal, chair=world.chair, days_ago=0)
    with pytest.raises(ApplicationError, match="about another nominal"):
        services.disclosure_ratify(
            disclosure=disclosure, minutes=minutes, ratified=True, note="", by=world.chair
        )


def test_emergency_decision_through_the_service_then_ratified(world: DecisionWorld):
    disclosure = world.ready()
    _consult(disclosure, world.north.probation)
    decided = _decide(world, disclosure, forum=Forum.EMERGENCY, emergency_reason="Synthetic: tonight")
    minutes = _later_minutes(world)
    ratified = services.disclosure_ratify(
        disclosure=decided,
        minutes=minutes,
        ratified=True,
        note="Synthetic: agreed",
        version=decided.version,
        by=world.chair,
    )
    assert ratified.ratification == RatificationStatus.RATIFIED
    assert [s.step for s in DisclosureStep.objects.filter(disclosure=disclosure)][-2:] == [
        "decided",
        "ratified",
    ]
