"""The stage engine (services_applications): every timer, every blocked transition, triage,
not proceeding, identity verification, the safeguarding plan and right to know; and the queue's
selectors.

One world: North Police (a scheme officer, a police practitioner without the role) and South
Police (its own scheme officer); applications are sent to North Police.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes import selectors
from mappa.disclosure_schemes import services_applications as services
from mappa.disclosure_schemes.models import (
    Application,
    ApplicationStatus,
    Route,
    SchemeOutcome,
    StageRecord,
)
from mappa.disclosure_schemes.schemes import RECORDS, edition
from mappa.disclosures.models import DisclosureStatus
from tests.factories.accounts import member
from tests.factories.agencies import AreaSetup, area_setup
from tests.factories.disclosure_schemes import (
    checked,
    decided,
    received_under,
    scheme_officer,
    stage_record,
    verified,
)
from tests.factories.disclosures import DisclosureFactory
from tests.factories.nominals import NominalFactory

pytestmark = pytest.mark.django_db

PLAN = "Synthetic: weekly welfare calls at the safe times; risk reviewed every Monday."
ACTION = "Synthetic: child protection strategy discussion held; officers attended."
REASON = "Synthetic: a general enquiry not about a named child; referred to the local safeguarding team."
EVIDENCE = {
    "identity": "Synthetic passport",
    "address": "Synthetic utility bill",
    "relationship": "Synthetic red book",
}


@dataclass
class World:
    north: AreaSetup
    south: AreaSetup
    officer: Any
    south_officer: Any
    police_practitioner: Any


@pytest.fixture
def world(db: Any) -> World:
    north = area_setup("North")
    south = area_setup("South")
    return World(
        north=north,
        south=south,
        officer=scheme_officer(north.police),
        south_officer=scheme_officer(south.police),
        police_practitioner=member(["practitioner"], agency=north.police),
    )


def _app(world: World, key: str = "csods-2023", *, hours_ago: float = 1, **kwargs: Any) -> Application:
    return received_under(
        key,
        received_at=timezone.now() - timedelta(hours=hours_ago),
        receiving_agency=world.north.police,
        **kwargs,
    )


def _advance(application: Application, by: Any, **kwargs: Any) -> Application:
    application.refresh_from_db()
    return services.application_advance(application=application, version=application.version, by=by, **kwargs)


def _ready_for(application: Application, stage: str, by: Any) -> None:
    """Record what `stage` requires (directly, as the other services would)."""
    requires = edition(f"{application.scheme}-{application.guidance_version}").stage(stage).requires
    application.refresh_from_db()
    if "identity_verified" in requires:
        verified(application, by)
    if "checks_recorded" in requires:
        checked(application, by)
    if "decision_recorded" in requires:
        decided(application, by, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    if "outcome_recorded" in requires:
        application.non_disclosure_communicated_at = timezone.now()
        application.save(override=True)


def _events(application: Application) -> Any:
    return AuditEvent.objects.filter(object_type="scheme_application", object_id=str(application.pk))


# --- timers -------------------------------------------------------------------------------------

EXPECTED_DUE = {
    "csods-2023": [
        timedelta(hours=24),
        timedelta(days=10),
        timedelta(days=28),
        timedelta(days=35),
        timedelta(days=45),
    ],
    "dvds-2023": [
        timedelta(hours=24),
        timedelta(days=10),
        timedelta(days=21),
        timedelta(days=25),
        timedelta(days=28),
    ],
    "dvds-2016": [
        timedelta(hours=24),
        timedelta(days=10),
        timedelta(days=28),
        timedelta(days=32),
        timedelta(days=35),
    ],
}


@pytest.mark.parametrize("key", sorted(EXPECTED_DUE))
def test_each_stage_is_due_from_the_receipt_per_its_edition(world: World, key: str) -> None:
    application = _app(world, key)
    stages = edition(key).stages
    for stage in stages:
        _ready_for(application, stage.code, world.officer)
        application = _advance(application, world.officer)
    records = list(StageRecord.objects.filter(application=application).order_by("started_at", "pk"))
    assert [r.stage for r in records] == [s.code for s in stages]
    assert [r.due_at - application.received_at for r in records] == EXPECTED_DUE[key]
    assert all(r.completed_at is not None and r.completed_by == world.officer for r in records)
    assert application.status == ApplicationStatus.CLOSED
    assert application.closed_at is not None


def test_an_application_keeps_its_editions_targets_when_a_newer_edition_exists(world: World) -> None:
    old = _app(world, "dvds-2016")
    assert edition("dvds-2023").current and not edition("dvds-2016").current
    assert services.end_to_end_due(old) == old.received_at + timedelta(days=35)
    new = _app(world, "dvds-2023")
    assert services.end_to_end_due(new) - new.received_at == timedelta(days=28)
    # Moving on, the old application's next stages keep the 2016 targets.
    for stage in ("initial_checks", "face_to_face"):
        _ready_for(old, stage, world.officer)
        old = _advance(old, world.officer)
    record = StageRecord.objects.get(application=old, stage="risk_assessment")
    assert record.due_at - old.received_at == timedelta(days=28)  # 21 under the 2023 edition


def test_first_stage_is_overdue_after_24_hours(world: World) -> None:
    application = _app(world)
    received = application.received_at
    assert not services.is_overdue(application, now=received + timedelta(hours=24) - timedelta(seconds=1))
    assert services.is_overdue(application, now=received + timedelta(hours=24, seconds=1))
    assert services.needs_safeguarding_plan(application, now=received + timedelta(hours=25))


@pytest.mark.parametrize(
    ("key", "stage", "days"),
    [
        ("csods-2023", "face_to_face", 10),
        ("csods-2023", "risk_assessment", 28),
        ("dvds-2023", "risk_assessment", 21),
        ("dvds-2023", "decision", 25),
        ("dvds-2016", "decision", 32),
    ],
)
def test_each_later_stage_is_overdue_at_its_target(world: World, key: str, stage: str, days: int) -> None:
    application = _app(world, key)
    StageRecord.objects.filter(application=application).delete()
    stage_record(application, stage, due_days=days)
    application.stage = stage
    application.save(override=True)
    received = application.received_at
    assert not services.is_overdue(application, now=received + timedelta(days=days) - timedelta(seconds=1))
    assert services.is_overdue(application, now=received + timedelta(days=days, seconds=1))


@pytest.mark.parametrize(
    ("key", "outcome", "days"),
    [
        ("csods-2023", "", 45),
        ("csods-2023", SchemeOutcome.DO_NOT_DISCLOSE, 35),
        ("csods-2023", SchemeOutcome.DISCLOSE, 45),
        ("csods-2023", SchemeOutcome.REFER, 45),
        ("dvds-2023", SchemeOutcome.DO_NOT_DISCLOSE, 28),
        ("dvds-2016", SchemeOutcome.DO_NOT_DISCLOSE, 35),
    ],
)
def test_end_to_end_target_follows_the_outcome(world: World, key: str, outcome: str, days: int) -> None:
    application = _app(world, key)
    StageRecord.objects.filter(application=application).delete()
    # The outcome stage far away, so only the end-to-end target can make it overdue.
    stage_record(application, "outcome", due_days=100)
    application.stage = "outcome"
    application.save(override=True)
    if outcome:
        verified(application, world.officer)
        decided(application, world.officer, outcome=outcome)
    received = application.received_at
    assert services.end_to_end_due(application) == received + timedelta(days=days)
    assert not services.is_overdue(application, now=received + timedelta(days=days) - timedelta(seconds=1))
    assert services.is_overdue(application, now=received + timedelta(days=days, seconds=1))


def test_a_closed_application_is_never_overdue(world: World) -> None:
    application = _app(world, hours_ago=100)
    application.status = ApplicationStatus.CLOSED
    assert not services.is_overdue(application)


# --- blocked transitions ------------------------------------------------------------------------

MISSING = {
    "safe_contact": "Record at least one safe way to contact the applicant",
    "identity_verified": "Verify the applicant's identity at the face-to-face meeting",
    "checks_recorded": "Record the checks made on the subject and what they found",
    "decision_recorded": "Record the decision and its rationale",
    "outcome_recorded": "Record when and how the decision not to disclose was communicated",
}


def test_every_record_has_a_message() -> None:
    assert set(MISSING) == set(RECORDS)


@pytest.mark.parametrize(
    ("stage", "record"),
    [
        ("initial_checks", "safe_contact"),
        ("face_to_face", "identity_verified"),
        ("risk_assessment", "checks_recorded"),
        ("decision", "decision_recorded"),
        ("outcome", "outcome_recorded"),
    ],
)
def test_advance_is_refused_while_the_stages_record_is_missing(world: World, stage: str, record: str) -> None:
    application = _app(world, safe_contact_ways=[] if record == "safe_contact" else ["phone"])
    StageRecord.objects.filter(application=application).delete()
    stage_record(application, stage, due_days=100)
    application.stage = stage
    application.save(override=True)
    if record == "outcome_recorded":
        decided(application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    assert any(blocker.startswith(MISSING[record]) for blocker in services.stage_blockers(application))
    with pytest.raises(ApplicationError) as raised:
        _advance(application, world.officer)
    assert MISSING[record] in raised.value.message
    application.refresh_from_db()
    assert application.stage == stage and application.version == 1
    assert not _events(application).exists()
    # Present: allowed.
    _ready_for(application, stage, world.officer)
    if record == "safe_contact":
        application.safe_contact_ways = ["phone"]
        application.save(override=True)
    assert services.stage_blockers(application) == []
    moved = _advance(application, world.officer)
    assert moved.stage != stage or moved.status == ApplicationStatus.CLOSED
    event = _events(application).get()
    assert event.action == Action.ALTERATION
    assert event.object_agency_id == world.north.police.pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"safe_contact_ways": []}, "Record at least one safe way to contact the applicant"),
        ({"safe_contact_ways": ["phone"], "applicant_phone": ""}, "Record a phone number for the applicant"),
        ({"safe_contact_ways": ["text"], "applicant_phone": ""}, "Record a mobile number for the applicant"),
        (
            {"safe_contact_ways": ["email"], "applicant_email": ""},
            "Record an email address for the applicant",
        ),
        (
            {"safe_contact_ways": ["letter"], "applicant_address": ""},
            "Record a postal address for the applicant",
        ),
        ({"safe_contact_times": "  "}, "Record the times when it is safe to contact the applicant"),
    ],
)
def test_safe_contact_needs_a_way_its_detail_and_times(
    world: World, changes: dict[str, Any], message: str
) -> None:
    application = _app(world, **changes)
    missing = services.record_missing(application, "safe_contact")
    assert missing is not None and missing.startswith(message)


def test_safe_contact_present(world: World) -> None:
    application = _app(
        world,
        safe_contact_ways=["email", "letter"],
        applicant_email="a@example.com",
        applicant_address="1 Synthetic Row",
    )
    assert services.record_missing(application, "safe_contact") is None


def test_decision_recorded_needs_the_outcome(world: World) -> None:
    application = _app(world)
    application.decided_at = timezone.now()
    assert services.record_missing(application, "decision_recorded") == MISSING["decision_recorded"]
    application.outcome = SchemeOutcome.REFER
    assert services.record_missing(application, "decision_recorded") is None


def test_outcome_recorded_for_a_disclosure_needs_it_delivered(world: World) -> None:
    application = _app(world)
    verified(application, world.officer)
    decided(application, world.officer, outcome=SchemeOutcome.DISCLOSE)
    message = "Record the disclosure as delivered to the person it was made to"
    assert services.record_missing(application, "outcome_recorded") == message
    disclosure = DisclosureFactory(
        nominal=NominalFactory(lead_agency=world.north.police, area=world.north.area)
    )
    application.disclosure = disclosure
    application.save(override=True)
    assert services.record_missing(application, "outcome_recorded") == message
    for status in (DisclosureStatus.DELIVERED, DisclosureStatus.REVIEWED):
        disclosure.status = status
        application.support_referral = ""
        # Rule 26: the support offered with the disclosure is recorded too.
        assert services.record_missing(application, "outcome_recorded") == (
            "Record the support offered with the disclosure"
        )
        application.support_referral = "Synthetic: a local support service offered, and accepted."
        assert services.record_missing(application, "outcome_recorded") is None


def test_outcome_recorded_for_a_referral_needs_who_it_went_to_and_the_support(world: World) -> None:
    application = _app(world)
    decided(application, world.officer, outcome=SchemeOutcome.REFER)
    application.referred_to = ""
    application.support_referral = ""
    assert services.record_missing(application, "outcome_recorded") == (
        "Record who the application was referred to, and why"
    )
    application.referred_to = "Synthetic: children's services, for an assessment"
    assert services.record_missing(application, "outcome_recorded") == (
        "Record what was referred and the support offered to the applicant"
    )
    application.support_referral = "Synthetic: referred to the local family support service"
    assert services.record_missing(application, "outcome_recorded") is None


def test_outcome_recorded_without_a_decision(world: World) -> None:
    assert (
        services.record_missing(_app(world), "outcome_recorded") == "Record the decision before its outcome"
    )


def test_overdue_without_a_plan_cannot_advance_and_with_one_can(world: World) -> None:
    application = _app(world, hours_ago=30)
    assert services.stage_blockers(application) == [services.SAFEGUARDING_BLOCKER]
    with pytest.raises(ApplicationError) as raised:
        _advance(application, world.officer)
    assert raised.value.message == services.SAFEGUARDING_BLOCKER
    services.safeguarding_plan_record(application=application, version=1, plan=PLAN, by=world.officer)
    assert not services.needs_safeguarding_plan(Application.objects.get(pk=application.pk))
    moved = _advance(application, world.officer)
    assert moved.stage == "face_to_face"


def test_advance_refuses_a_stale_version(world: World) -> None:
    application = _app(world)
    with pytest.raises(ApplicationError, match="Someone else changed this application"):
        services.application_advance(application=application, version=7, by=world.officer)


def test_advance_refuses_a_closed_application(world: World) -> None:
    application = _app(world)
    application.status = ApplicationStatus.CLOSED
    application.save(override=True)
    with pytest.raises(ApplicationError, match="is closed, so nothing more can be done with it"):
        _advance(application, world.officer)


@pytest.mark.parametrize("who", ["south_officer", "police_practitioner"])
def test_only_a_scheme_officer_of_the_receiving_force_may_advance(world: World, who: str) -> None:
    application = _app(world)
    with pytest.raises(PermissionDenied):
        _advance(application, getattr(world, who))
    assert not _events(application).exists()


def test_advance_records_the_note_and_the_completed_stage(world: World) -> None:
    application = _app(world)
    _advance(application, world.officer, note="Synthetic: spoke to the applicant at a safe time.")
    first = StageRecord.objects.get(application=application, stage="initial_checks")
    assert first.note.startswith("Synthetic")
    event = _events(application).get()
    assert event.changed_fields == ["stage"]
    assert event.detail["completed_stage"] == "initial_checks"
    assert "Synthetic" not in str(event.detail) + event.summary


# --- triage -------------------------------------------------------------------------------------


def test_triage_flag_needs_the_action_taken(world: World) -> None:
    application = _app(world)
    with pytest.raises(ApplicationError) as raised:
        services.triage_record(application=application, version=1, immediate_risk=True, by=world.officer)
    assert raised.value.field == "immediate_risk_action"
    assert "Enter the action taken at once" in raised.value.message
    flagged = services.triage_record(
        application=application,
        version=1,
        immediate_risk=True,
        immediate_risk_action=ACTION,
        by=world.officer,
    )
    assert flagged.immediate_risk and flagged.immediate_risk_action == ACTION and flagged.version == 2
    event = _events(application).get()
    assert sorted(event.changed_fields) == ["immediate_risk", "immediate_risk_action"]
    assert ACTION not in str(event.detail)
    cleared = services.triage_record(application=flagged, version=2, immediate_risk=False, by=world.officer)
    assert not cleared.immediate_risk and cleared.immediate_risk_action == ""


def test_triage_refused_for_another_force(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.triage_record(
            application=_app(world), version=1, immediate_risk=False, by=world.south_officer
        )


# --- not proceeding -----------------------------------------------------------------------------


def test_not_proceeding_from_the_first_stage(world: World) -> None:
    application = _app(world)
    with pytest.raises(ApplicationError) as raised:
        services.application_not_proceeding(application=application, version=1, reason="No", by=world.officer)
    assert raised.value.field == "reason"
    stopped = services.application_not_proceeding(
        application=application, version=1, reason=REASON, by=world.officer
    )
    assert stopped.status == ApplicationStatus.NOT_PROCEEDING
    assert stopped.not_proceeding_reason == REASON and stopped.closed_at is not None
    assert StageRecord.objects.get(application=application).completed_by == world.officer
    assert not services.is_overdue(stopped, now=timezone.now() + timedelta(days=100))
    assert sorted(_events(application).get().changed_fields) == [
        "closed_at",
        "not_proceeding_reason",
        "status",
    ]


def test_not_proceeding_refused_after_the_first_stage(world: World) -> None:
    application = _app(world)
    application = _advance(application, world.officer)
    with pytest.raises(ApplicationError, match="only at its first stage"):
        services.application_not_proceeding(
            application=application, version=application.version, reason=REASON, by=world.officer
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OPEN


# --- identity -----------------------------------------------------------------------------------


def _verify(
    application: Application, by: Any, evidence: dict[str, str], when: datetime | None = None
) -> Application:
    return services.identity_verify(
        application=application,
        version=application.version,
        evidence=evidence,
        verified_on=when or timezone.now(),
        by=by,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("identity", "Enter the proof of identity seen"),
        ("address", "Enter the proof of address seen"),
        ("relationship", "Enter the proof of relationship to the child seen"),
    ],
)
def test_csods_identity_needs_all_three_kinds_of_evidence(world: World, missing: str, message: str) -> None:
    application = _app(world)
    with pytest.raises(ApplicationError) as raised:
        _verify(application, world.officer, {**EVIDENCE, missing: " "})
    assert raised.value.field == missing and message in raised.value.message
    application.refresh_from_db()
    assert application.identity_verified_at is None


def test_csods_identity_verified_with_all_three(world: World) -> None:
    application = _verify(_app(world), world.officer, EVIDENCE)
    assert application.identity_verified_by == world.officer
    assert "Proof of relationship to the child: Synthetic red book" in application.identity_evidence
    event = _events(application).get()
    assert sorted(event.changed_fields) == [
        "identity_evidence",
        "identity_verified_at",
        "identity_verified_by",
    ]
    assert "Synthetic" not in str(event.detail)


def test_dvds_identity_needs_only_identity_and_address(world: World) -> None:
    application = _verify(
        _app(world, "dvds-2023"),
        world.officer,
        {"identity": "Synthetic licence", "address": "Synthetic bill"},
    )
    assert application.identity_verified_at is not None
    assert "relationship" not in application.identity_evidence


def test_identity_not_in_the_future_nor_before_receipt(world: World) -> None:
    application = _app(world, hours_ago=24 * 5)
    with pytest.raises(ApplicationError, match="today or in the past"):
        _verify(application, world.officer, EVIDENCE, timezone.now() + timedelta(days=1))
    with pytest.raises(ApplicationError, match="on or after the day the application was received"):
        _verify(application, world.officer, EVIDENCE, application.received_at - timedelta(days=1))
    assert _verify(
        application, world.officer, EVIDENCE, application.received_at + timedelta(days=1)
    ).identity_verified_at


# --- safeguarding plan --------------------------------------------------------------------------


def test_safeguarding_plan_needs_text_and_is_allowed_any_time(world: World) -> None:
    application = _app(world)
    with pytest.raises(ApplicationError) as raised:
        services.safeguarding_plan_record(application=application, version=1, plan="", by=world.officer)
    assert raised.value.message == services.PLAN_MISSING
    planned = services.safeguarding_plan_record(
        application=application, version=1, plan=PLAN, by=world.officer
    )
    assert planned.safeguarding_plan == PLAN and planned.safeguarding_plan_at is not None
    assert sorted(_events(application).get().changed_fields) == ["safeguarding_plan", "safeguarding_plan_at"]


# --- right to know ------------------------------------------------------------------------------

RTK: dict[str, Any] = {
    "source": "Police: information from an investigation",
    "person_at_risk_name": "Synthetic Person",
    "subject_name": "Synthetic Subject",
    "subject_access": "Current partner for six months, living together",
    "concern": "Synthetic: a previous partner reported controlling behaviour and assaults.",
    "safe_contact_ways": ["phone"],
    "contact_phone": "07700 900456",
    "safe_contact_times": "Weekday mornings",
}


def test_right_to_know_opens_a_dvds_application_in_the_officers_force(world: World) -> None:
    application = services.right_to_know_open(by=world.officer, **RTK)
    assert application.scheme == "dvds" and application.guidance_version == "2023"
    assert application.route == Route.RIGHT_TO_KNOW
    assert application.receiving_agency == world.north.police
    assert application.applicant_name == RTK["source"]
    record = StageRecord.objects.get(application=application)
    assert record.stage == "initial_checks" and record.due_at == application.received_at + timedelta(hours=24)
    assert services.record_missing(application, "safe_contact") is None
    event = _events(application).get()
    assert event.action == Action.COLLECTION and "person_at_risk_name" in event.changed_fields
    assert "Synthetic" not in str(event.detail)


def test_right_to_know_is_dvds_only(world: World) -> None:
    with pytest.raises(ApplicationError, match="has no right to know route"):
        services.right_to_know_open(by=world.officer, scheme="csods", **RTK)
    assert not Application.objects.exists()


def test_right_to_know_needs_the_detail_of_each_safe_way(world: World) -> None:
    with pytest.raises(ApplicationError) as raised:
        services.right_to_know_open(by=world.officer, **{**RTK, "safe_contact_ways": ["email"]})
    assert raised.value.field == "contact_email"
    with pytest.raises(ApplicationError) as raised:
        services.right_to_know_open(by=world.officer, **{**RTK, "safe_contact_ways": []})
    assert raised.value.field == "safe_contact_ways"


@pytest.mark.parametrize("who", ["police_practitioner"])
def test_right_to_know_refused_without_the_role(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.right_to_know_open(by=getattr(world, who), **RTK)


def test_right_to_know_refused_for_a_non_police_agency(world: World) -> None:
    probation_user = member(["practitioner"], agency=world.north.probation)
    with pytest.raises(PermissionDenied):
        services.right_to_know_open(by=probation_user, **RTK)


# --- selectors ----------------------------------------------------------------------------------


def test_queue_order_immediate_risk_first_then_by_due_time(world: World) -> None:
    later = _app(world, "csods-2023", hours_ago=1)
    sooner = _app(world, "csods-2023", hours_ago=20)
    urgent = _app(world, "csods-2023", hours_ago=0.5, immediate_risk=True, immediate_risk_action=ACTION)
    closed = _app(world, hours_ago=2, status=ApplicationStatus.CLOSED)
    other_force = received_under("csods-2023", receiving_agency=world.south.police)
    rows = selectors.queue(fetched_by=world.officer)
    assert rows == [urgent, sooner, later]
    assert closed not in rows and other_force not in rows
    assert selectors.queue(fetched_by=world.south_officer) == [other_force]
    assert selectors.queue(fetched_by=world.police_practitioner) == []


def test_queue_filters_and_overdue(world: World) -> None:
    csods = _app(world, "csods-2023", hours_ago=30)
    dvds = _app(world, "dvds-2023", hours_ago=1)
    assert selectors.queue(fetched_by=world.officer, scheme="dvds") == [dvds]
    assert selectors.queue(fetched_by=world.officer, stage="face_to_face") == []
    assert selectors.queue(fetched_by=world.officer, overdue_only=True) == [csods]
    assert selectors.overdue(fetched_by=world.officer) == [csods]
    assert selectors.overdue(fetched_by=world.south_officer) == []
    counts = selectors.queue_counts(fetched_by=world.officer)
    assert counts["open"] == 2 and counts["overdue"] == 1
    assert counts["by_stage"][("csods", "initial_checks")] == 1
    assert counts["by_stage"][("dvds", "initial_checks")] == 1
    assert selectors.queue_counts(fetched_by=world.police_practitioner)["open"] == 0


def test_stage_records_only_for_the_receiving_forces_officers(world: World) -> None:
    application = _app(world)
    assert list(selectors.stage_records(application=application, fetched_by=world.officer)) == list(
        StageRecord.objects.filter(application=application)
    )
    assert not selectors.stage_records(application=application, fetched_by=world.south_officer).exists()
    assert not selectors.stage_records(application=application, fetched_by=world.police_practitioner).exists()


def test_a_failed_service_writes_nothing(world: World) -> None:
    application = _app(world)
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError):
        services.triage_record(application=application, version=1, immediate_risk=True, by=world.officer)
    assert AuditEvent.objects.count() == before
    assert Application.objects.get(pk=application.pk).version == 1
