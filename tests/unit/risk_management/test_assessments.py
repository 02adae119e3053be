"""Risk assessments: services_assessments (record, correct), the selectors and the access functions.

One world (tests.factories.risk_management.risk_setup): NominalSetup's North and South, with North
Health (duty to co-operate) involved in `police_nominal` through an item it owns, and not in
`probation_nominal`. North Police leads `police_nominal`; the North practitioner records for it.
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.models import Status
from mappa.risk_management import selectors
from mappa.risk_management import services_assessments as services
from mappa.risk_management.access import sees_assessment_detail
from mappa.risk_management.access_assessments import access_assessment, is_assessor
from mappa.risk_management.models import AssessmentTool, RiskAssessment, RoshLevel
from tests.factories.accounts import member
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.risk_management import RiskAssessmentFactory, risk_setup

pytestmark = pytest.mark.django_db

FACTORS = "Synthetic: unsupervised contact with children at the leisure centre."


@pytest.fixture
def setup(db) -> NominalSetup:
    result: NominalSetup = risk_setup()
    return result


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "tool": AssessmentTool.OASYS,
        "tool_other": "",
        "assessed_on": timezone.localdate() - timedelta(days=3),
        "rosh_children": RoshLevel.HIGH,
        "rosh_public": RoshLevel.MEDIUM,
        "rosh_known_adult": "",
        "rosh_staff": RoshLevel.LOW,
        "rosh_prisoners": "",
        "tool_outcome": "",
        "risk_factors": FACTORS,
        "protective_factors": "Synthetic: stable accommodation.",
        "scenarios": "Synthetic scenario.",
        "next_review_date": timezone.localdate() + timedelta(weeks=16),
    }
    fields.update(overrides)
    return fields


def _record(setup: NominalSetup, by: Any = None, nominal: Any = None, **overrides: Any) -> RiskAssessment:
    return services.risk_assessment_record(
        nominal=nominal or setup.police_nominal, by=by or setup.practitioner, **_fields(**overrides)
    )


def _events(assessment: RiskAssessment | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="risk_assessment")
    return events.filter(object_id=str(assessment.pk)) if assessment is not None else events


def _exited(setup: NominalSetup) -> Any:
    return NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=timezone.localdate()
    )


# --- risk_assessment_record ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "agency"),
    [
        ("practitioner", "police"),
        ("coordinator", "police"),
        ("probation_practitioner", "probation"),
        ("health_practitioner", "health"),  # duty to co-operate, involved in the case
    ],
)
def test_record_by_anyone_who_records_risk_and_sees_the_case(setup: NominalSetup, who: str, agency: str):
    by = setup.user(who)
    assessment = _record(setup, by=by)
    assert assessment.assessing_agency == getattr(setup.north, agency)
    assert assessment.recorded_by == by
    assert (assessment.tool, assessment.rosh_children, assessment.rosh_known_adult) == ("oasys", "high", "")
    assert assessment.version == 1


def test_record_writes_a_collection_event_owned_by_the_assessing_agency(setup: NominalSetup):
    assessment = _record(setup, by=setup.probation_practitioner)
    event = _events(assessment).get()
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == setup.north.probation.pk
    assert event.nominal_id == setup.police_nominal.pk
    assert event.actor_agency_id == setup.north.probation.pk
    # RoSH levels and factors describe the nominal: they never go into the audit log.
    written = f"{event.summary} {event.detail} {event.justification} {event.changed_fields}"
    assert FACTORS not in written
    assert "high" not in written.lower()


@pytest.mark.parametrize(
    ("who", "nominal"),
    [
        ("senior_manager", "police_nominal"),  # no risk permissions
        ("auditor", "police_nominal"),
        ("chair", "police_nominal"),  # reads risk, records none
        ("practitioner", "south_nominal"),  # another area's case
        ("south_coordinator", "police_nominal"),
        ("health_practitioner", "probation_nominal"),  # duty to co-operate, not involved
    ],
)
def test_record_refused(setup: NominalSetup, who: str, nominal: str):
    with pytest.raises(PermissionDenied):
        _record(setup, by=setup.user(who), nominal=getattr(setup, nominal))
    assert not RiskAssessment.objects.exists()
    assert not _events().exists()


def test_record_refused_for_an_exited_nominal(setup: NominalSetup):
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _record(setup, nominal=_exited(setup))
    assert not RiskAssessment.objects.exists()
    assert not _events().exists()


_TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"tool": "guesswork"}, "tool", "Select the tool used"),
        ({"tool": ""}, "tool", "Select the tool used"),
        ({"tool": AssessmentTool.OTHER, "tool_other": "  "}, "tool_other", "Enter the name of the tool"),
        ({"tool": AssessmentTool.OTHER, "tool_other": "x" * 201}, "tool_other", "200 characters or fewer"),
        ({"assessed_on": None}, "assessed_on", "Enter the date of the assessment"),
        ({"assessed_on": _TODAY + timedelta(days=1)}, "assessed_on", "today or in the past"),
        ({"assessed_on": date(1989, 12, 31)}, "assessed_on", "1 January 1990 or later"),
        ({"rosh_public": "extreme"}, "rosh_public", "risk of serious harm to public"),
        (
            {field: "" for field in ("rosh_children", "rosh_public", "rosh_staff")},
            "rosh_children",
            "at least one group, or enter the tool's outcome",
        ),
        ({"tool_outcome": "y" * 201}, "tool_outcome", "200 characters or fewer"),
        ({"risk_factors": "z" * 10001}, "risk_factors", "10000 characters or fewer"),
        ({"next_review_date": _TODAY - timedelta(days=3)}, "next_review_date", "after the date of the"),
        ({"next_review_date": _TODAY - timedelta(days=10)}, "next_review_date", "after the date of the"),
    ],
)
def test_record_rules(setup: NominalSetup, overrides: dict[str, Any], field: str, message: str):
    with pytest.raises(ApplicationError) as refused:
        _record(setup, **overrides)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not RiskAssessment.objects.exists()
    assert not _events().exists()


def test_record_another_tool_named(setup: NominalSetup):
    assessment = _record(setup, tool=AssessmentTool.OTHER, tool_other="  Synthetic Tool 3  ")
    assert assessment.tool_other == "Synthetic Tool 3"
    assert assessment.tool_name == "Synthetic Tool 3"


def test_record_a_named_tool_drops_a_stray_name(setup: NominalSetup):
    assessment = _record(setup, tool=AssessmentTool.SARA, tool_other="left in the box")
    assert assessment.tool_other == ""


def test_record_a_tool_outcome_without_rosh(setup: NominalSetup):
    """ARMS gives a priority, not RoSH by group: the outcome alone is enough."""
    no_rosh = {field: "" for field in ("rosh_children", "rosh_public", "rosh_staff")}
    assessment = _record(setup, tool=AssessmentTool.ARMS, tool_outcome="Synthetic: high priority", **no_rosh)
    assert assessment.rosh == []
    assert assessment.tool_outcome == "Synthetic: high priority"


def test_record_on_the_date_limits(setup: NominalSetup):
    oldest = _record(setup, assessed_on=date(1990, 1, 1), next_review_date=date(1990, 1, 2))
    today = _record(setup, assessed_on=_TODAY, next_review_date=None)
    assert (oldest.assessed_on, today.assessed_on) == (date(1990, 1, 1), _TODAY)


# --- risk_assessment_correct --------------------------------------------------------------------


def _correct(assessment: RiskAssessment, by: Any, version: int | None = None, **overrides: Any) -> Any:
    fields = {name: getattr(assessment, name) for name in services.ASSESSMENT_FIELDS}
    fields.update(overrides)
    return services.risk_assessment_correct(
        assessment=assessment, version=assessment.version if version is None else version, by=by, **fields
    )


def test_correct_by_the_assessing_agency(setup: NominalSetup):
    assessment = _record(setup)
    corrected = _correct(assessment, setup.coordinator, rosh_children=RoshLevel.VERY_HIGH, scenarios="New")
    assert (corrected.rosh_children, corrected.scenarios, corrected.version) == ("very_high", "New", 2)
    event = _events(assessment).filter(action=Action.ALTERATION).get()
    assert event.changed_fields == ["rosh_children", "scenarios"]
    assert event.object_agency_id == setup.north.police.pk
    assert event.detail == {"version": 2}
    assert "New" not in f"{event.summary} {event.detail}"


def test_correct_with_nothing_changed_writes_nothing(setup: NominalSetup):
    assessment = _record(setup)
    corrected = _correct(assessment, setup.practitioner)
    assert corrected.version == 1
    assert not _events(assessment).filter(action=Action.ALTERATION).exists()


def test_correct_refused_on_a_stale_version(setup: NominalSetup):
    assessment = _record(setup)
    _correct(assessment, setup.practitioner, rosh_staff=RoshLevel.MEDIUM)
    with pytest.raises(ApplicationError, match="Someone else changed this risk assessment"):
        _correct(assessment, setup.coordinator, version=1, rosh_staff=RoshLevel.HIGH)
    assert RiskAssessment.objects.get().rosh_staff == "medium"


@pytest.mark.parametrize(
    "who",
    [
        "probation_practitioner",  # another Responsible Authority agency: reads it, may not correct it
        "health_practitioner",  # involved, but not the assessing agency
        "chair",  # the assessing agency, without RISK_RECORD
        "south_coordinator",  # cannot see the case
        "senior_manager",
    ],
)
def test_correct_refused(setup: NominalSetup, who: str):
    assessment = _record(setup)
    with pytest.raises(PermissionDenied):
        _correct(assessment, setup.user(who), rosh_children=RoshLevel.LOW)
    assert RiskAssessment.objects.get().rosh_children == "high"
    assert not _events(assessment).filter(action=Action.ALTERATION).exists()


def test_correct_refused_names_the_assessing_agency(setup: NominalSetup):
    assessment = _record(setup, by=setup.health_practitioner)
    with pytest.raises(PermissionDenied, match="Only North Health Trust"):
        _correct(assessment, setup.practitioner, rosh_children=RoshLevel.LOW)


def test_correct_refused_once_the_nominal_has_exited(setup: NominalSetup):
    exited = _exited(setup)
    assessment = RiskAssessmentFactory(nominal=exited, recorded_by=setup.practitioner)
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _correct(assessment, setup.practitioner, rosh_children=RoshLevel.LOW)
    # Not the assessing agency: a refusal, whatever the case's state.
    with pytest.raises(PermissionDenied):
        _correct(assessment, setup.probation_practitioner, rosh_children=RoshLevel.LOW)


def test_correct_checks_the_same_rules_as_recording(setup: NominalSetup):
    assessment = _record(setup)
    with pytest.raises(ApplicationError) as refused:
        _correct(assessment, setup.practitioner, next_review_date=assessment.assessed_on)
    assert refused.value.field == "next_review_date"
    assert RiskAssessment.objects.get().version == 1


# --- selectors ----------------------------------------------------------------------------------


def test_assessment_list_newest_first(setup: NominalSetup):
    nominal = setup.police_nominal
    old = RiskAssessmentFactory(nominal=nominal, assessed_on=_TODAY - timedelta(days=400))
    new = RiskAssessmentFactory(nominal=nominal, assessed_on=_TODAY - timedelta(days=2))
    middle = RiskAssessmentFactory(nominal=nominal, assessed_on=_TODAY - timedelta(days=90))
    RiskAssessmentFactory(nominal=setup.probation_nominal)
    listed = list(selectors.assessment_list(nominal=nominal, fetched_by=setup.practitioner))
    assert listed == [new, middle, old]
    assert selectors.latest_assessment(nominal=nominal, fetched_by=setup.practitioner) == new


@pytest.mark.parametrize(
    ("who", "nominal", "sees"),
    [
        ("practitioner", "police_nominal", True),
        ("chair", "police_nominal", True),  # RISK_VIEW without RISK_RECORD
        ("probation_practitioner", "police_nominal", True),  # the area's register
        ("health_practitioner", "police_nominal", True),  # duty to co-operate, involved
        ("health_practitioner", "probation_nominal", False),  # duty to co-operate, not involved
        ("senior_manager", "police_nominal", False),  # no RISK_VIEW
        ("auditor", "police_nominal", False),
        ("south_coordinator", "police_nominal", False),  # another area
        ("south_coordinator", "south_nominal", True),
    ],
)
def test_assessment_list_scope(setup: NominalSetup, who: str, nominal: str, sees: bool):
    case = getattr(setup, nominal)
    assessment = RiskAssessmentFactory(nominal=case)
    user = setup.user(who)
    assert list(selectors.assessment_list(nominal=case, fetched_by=user)) == ([assessment] if sees else [])
    assert selectors.latest_assessment(nominal=case, fetched_by=user) == (assessment if sees else None)
    assert list(selectors.assessment_scope(fetched_by=user).filter(nominal=case)) == (
        [assessment] if sees else []
    )


def test_assessment_list_of_a_user_without_a_membership_is_empty(setup: NominalSetup):
    RiskAssessmentFactory(nominal=setup.police_nominal)
    user = member(["practitioner"], agency=setup.north.police)
    user.acting_membership = None
    assert not selectors.assessment_list(nominal=setup.police_nominal, fetched_by=user).exists()


def test_latest_assessment_none_recorded(setup: NominalSetup):
    assert selectors.latest_assessment(nominal=setup.police_nominal, fetched_by=setup.practitioner) is None


def test_rosh_by_group_in_oasys_order_and_highest(setup: NominalSetup):
    assessment = RiskAssessmentFactory(
        nominal=setup.police_nominal,
        rosh_children=RoshLevel.MEDIUM,
        rosh_public=RoshLevel.VERY_HIGH,
        rosh_known_adult="",
        rosh_staff=RoshLevel.LOW,
        rosh_prisoners=RoshLevel.HIGH,
    )
    rosh = selectors.rosh_by_group(assessment)
    assert [(r.group, r.level, r.label) for r in rosh] == [
        ("Children", "medium", "Medium"),
        ("Public", "very_high", "Very high"),
        ("Staff", "low", "Low"),
        ("Prisoners", "high", "High"),
    ]
    highest = selectors.highest_rosh(assessment)
    assert highest is not None
    assert (highest.level, highest.label) == ("very_high", "Very high")


def test_highest_rosh_none_assessed(setup: NominalSetup):
    assessment = RiskAssessmentFactory(
        nominal=setup.police_nominal,
        rosh_children="",
        rosh_public="",
        rosh_known_adult="",
        rosh_staff="",
        tool=AssessmentTool.RM2000,
        tool_outcome="Synthetic: medium",
    )
    assert selectors.rosh_by_group(assessment) == []
    assert selectors.highest_rosh(assessment) is None


# --- access -------------------------------------------------------------------------------------


def test_access_assessment_returns_a_visible_assessment(setup: NominalSetup):
    assessment = RiskAssessmentFactory(nominal=setup.police_nominal)
    assert access_assessment(setup.health_practitioner, assessment.pk) == assessment


@pytest.mark.parametrize("who", ["south_coordinator", "senior_manager", "health_practitioner", "auditor"])
def test_access_assessment_missing_and_hidden_look_the_same(setup: NominalSetup, who: str):
    hidden = RiskAssessmentFactory(nominal=setup.probation_nominal)
    user = setup.user(who)
    with pytest.raises(Http404) as for_hidden:
        access_assessment(user, hidden.pk)
    with pytest.raises(Http404) as for_missing:
        access_assessment(user, hidden.pk + 1000)
    assert str(for_hidden.value) == str(for_missing.value)


@pytest.mark.parametrize(
    ("who", "assessor"),
    [
        ("practitioner", True),
        ("coordinator", True),
        ("chair", False),  # the assessing agency, without RISK_RECORD
        ("probation_practitioner", False),  # another agency
    ],
)
def test_is_assessor(setup: NominalSetup, who: str, assessor: bool):
    assessment = RiskAssessmentFactory(nominal=setup.police_nominal, assessing_agency=setup.north.police)
    assert is_assessor(setup.user(who), assessment) is assessor


def test_is_assessor_without_a_membership(setup: NominalSetup):
    assessment = RiskAssessmentFactory(nominal=setup.police_nominal)
    user = member(["practitioner"], agency=setup.north.police)
    user.acting_membership = None
    assert is_assessor(user, assessment) is False


@pytest.mark.parametrize(
    ("who", "assessing", "sees"),
    [
        ("practitioner", "police", True),  # the assessing agency
        ("health_practitioner", "health", True),  # the assessing agency, duty to co-operate
        ("probation_practitioner", "police", True),  # Responsible Authority of the area
        ("chair", "health", True),
        ("health_practitioner", "police", False),  # duty to co-operate, another agency's assessment
        ("senior_manager", "police", False),  # no RISK_VIEW
    ],
)
def test_sees_assessment_detail(setup: NominalSetup, who: str, assessing: str, sees: bool):
    assessment = RiskAssessmentFactory(
        nominal=setup.police_nominal, assessing_agency=getattr(setup.north, assessing)
    )
    assert sees_assessment_detail(setup.user(who), assessment) is sees
