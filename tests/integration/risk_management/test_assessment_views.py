"""The risk assessment pages and the "Risk" section of the nominal's overview, each allowed and
denied from one world.

tests.factories.risk_management.risk_setup: NominalSetup's North and South, with North Health (a
duty-to-co-operate agency) involved in `police_nominal` through an item it owns. Users open only
cases they have a basis for (lead agency, co-ordinator, involvement), except where a test says
otherwise, so no page here stops to ask for a reason.
"""

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import MeetingChair
from mappa.nominals.models import Status
from mappa.risk_management.models import RiskAssessment, RoshLevel
from tests.conftest import signed_in_client
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.risk_management import PersonAtRiskFactory, RiskAssessmentFactory, risk_setup

pytestmark = pytest.mark.django_db

FACTORS = "Synthetic: unsupervised contact with children at the leisure centre."
SCENARIO = "Synthetic scenario: approaches a child on the walk home from school."


@pytest.fixture
def setup(db) -> NominalSetup:
    result: NominalSetup = risk_setup()
    return result


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, *args: Any) -> str:
    return reverse(f"risk_management:{name}", args=args)


def _consulted(nominal: Any) -> bool:
    return AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk).exists()


def _assessment(nominal: Any, agency: Any = None, **kwargs: Any) -> RiskAssessment:
    values: dict[str, Any] = {"risk_factors": FACTORS, "scenarios": SCENARIO}
    if agency is not None:
        values["assessing_agency"] = agency
    values.update(kwargs)
    return RiskAssessmentFactory(nominal=nominal, **values)


def _form(**overrides: str) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=2)
    review = day + timedelta(weeks=16)
    data = {
        "tool": "oasys",
        "tool_other": "",
        "assessed_on_day": str(day.day),
        "assessed_on_month": str(day.month),
        "assessed_on_year": str(day.year),
        "rosh_children": "very_high",
        "rosh_public": "medium",
        "rosh_known_adult": "",
        "rosh_staff": "",
        "rosh_prisoners": "low",
        "tool_outcome": "",
        "risk_factors": FACTORS,
        "protective_factors": "",
        "scenarios": SCENARIO,
        "next_review_date_day": str(review.day),
        "next_review_date_month": str(review.month),
        "next_review_date_year": str(review.year),
    }
    data.update(overrides)
    return data


def _assessment_events(assessment: RiskAssessment | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="risk_assessment")
    return events.filter(object_id=str(assessment.pk)) if assessment is not None else events


# --- assessment-list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "nominal", "status", "button"),
    [
        ("practitioner", "police_nominal", 200, True),
        ("coordinator", "police_nominal", 200, True),
        ("health_practitioner", "police_nominal", 200, True),  # involved duty-to-co-operate agency
        ("chair", "police_nominal", 200, False),  # RISK_VIEW only
        ("senior_manager", "police_nominal", 403, False),  # no RISK_VIEW
        ("auditor", "police_nominal", 403, False),
        ("south_coordinator", "police_nominal", 404, False),  # another area
        ("health_practitioner", "probation_nominal", 404, False),  # not involved
    ],
)
def test_list_page(setup: NominalSetup, who: str, nominal: str, status: int, button: bool):
    case = getattr(setup, nominal)
    older = _assessment(case, assessed_on=timezone.localdate() - timedelta(days=200))
    newer = _assessment(case, setup.north.probation, rosh_public=RoshLevel.VERY_HIGH)
    response = signed_in_client(setup.user(who)).get(_url("assessment-list", case.pk))
    assert response.status_code == status
    body = _text(response)
    if status == 200:
        assert "<caption" in body
        assert body.index(_url("assessment-detail", newer.pk)) < body.index(
            _url("assessment-detail", older.pk)
        )
        assert "Public: Very high" in body
        assert "govuk-tag--red" in body
        assert ("Record a risk assessment" in body) is button
        assert _consulted(case)
        # The list shows levels, never the factors.
        assert FACTORS not in body
    else:
        # Refused before the case was opened: no consultation recorded.
        assert not _consulted(case)


def test_list_page_empty(setup: NominalSetup):
    response = signed_in_client(setup.practitioner).get(_url("assessment-list", setup.police_nominal.pk))
    assert "No risk assessments recorded" in _text(response)


def test_list_page_asks_a_reason_without_a_relationship_to_the_case(setup: NominalSetup):
    """North Probation sees the area's register, but has no part in a police-led case."""
    url = _url("assessment-list", setup.police_nominal.pk)
    response = signed_in_client(setup.probation_practitioner).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("nominals:nominal-reason", args=[setup.police_nominal.pk]))
    assert not _consulted(setup.police_nominal)


# --- assessment-create --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("health_practitioner", 200),
        ("chair", 403),
        ("senior_manager", 403),
        ("south_coordinator", 404),
    ],
)
def test_create_page(setup: NominalSetup, who: str, status: int):
    nominal = setup.police_nominal
    response = signed_in_client(setup.user(who)).get(_url("assessment-create", nominal.pk))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        assert 'name="tool"' in body and 'name="rosh_children"' in body
        # Nothing is assessed until someone says so.
        assert re.search(r'name="rosh_children" value=""[^>]*checked', body)
        assert _consulted(nominal)
    else:
        assert not _consulted(nominal)


@pytest.mark.parametrize(
    ("who", "status"), [("health_practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_create_posts(setup: NominalSetup, who: str, status: int):
    client = signed_in_client(setup.user(who))
    response = client.post(_url("assessment-create", setup.police_nominal.pk), _form())
    assert response.status_code == status
    if status == 302:
        assessment = RiskAssessment.objects.get()
        assert response["Location"] == _url("assessment-detail", assessment.pk)
        assert (assessment.assessing_agency, assessment.rosh_children) == (setup.north.health, "very_high")
        assert _assessment_events(assessment).get().action == Action.COLLECTION
        assert "Risk assessment recorded" in _text(client.get(response["Location"]))
    else:
        assert not RiskAssessment.objects.exists()
        assert not _assessment_events().exists()


def test_create_empty_post_shows_the_errors(setup: NominalSetup):
    response = signed_in_client(setup.practitioner).post(
        _url("assessment-create", setup.police_nominal.pk), {}
    )
    body = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "Select the tool used for the assessment" in body
    assert "Enter the date of the assessment" in body
    assert not RiskAssessment.objects.exists()


def test_create_refused_by_the_service_shows_why(setup: NominalSetup):
    no_rosh = {field: "" for field in ("rosh_children", "rosh_public", "rosh_prisoners")}
    response = signed_in_client(setup.practitioner).post(
        _url("assessment-create", setup.police_nominal.pk), _form(**no_rosh)
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Select the risk of serious harm for at least one group, or enter the tool's outcome" in body
    assert 'href="#id_rosh_children_0"' in body
    assert not RiskAssessment.objects.exists()


def test_create_for_an_exited_nominal_shows_why_not(setup: NominalSetup):
    exited = NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=timezone.localdate()
    )
    client = signed_in_client(setup.practitioner)
    assert "has exited MAPPA" in _text(client.get(_url("assessment-create", exited.pk)))
    response = client.post(_url("assessment-create", exited.pk), _form())
    assert response.status_code == 200
    assert not RiskAssessment.objects.exists()


# --- assessment-detail --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "assessing", "sees_detail", "can_correct"),
    [
        ("practitioner", "police", True, True),  # the assessing agency
        ("chair", "police", True, False),  # the assessing agency, reading only
        ("practitioner", "probation", True, False),  # Responsible Authority: sees another's detail
        ("coordinator", "health", True, False),
        ("health_practitioner", "police", False, False),  # duty to co-operate: levels only
        ("health_practitioner", "health", True, True),  # its own assessment
    ],
)
def test_detail_page(setup: NominalSetup, who: str, assessing: str, sees_detail: bool, can_correct: bool):
    agency = getattr(setup.north, assessing)
    assessment = _assessment(setup.police_nominal, agency)
    response = signed_in_client(setup.user(who)).get(_url("assessment-detail", assessment.pk))
    assert response.status_code == 200
    body = _text(response)
    assert "Children: High" in body and agency.name in body
    assert (FACTORS in body) is sees_detail
    assert (SCENARIO in body) is sees_detail
    withheld = (
        f"The risk and protective factors and scenarios are held by {agency.name}. "
        "Ask them, or request access to their information."
    )
    assert (withheld in body) is not sees_detail
    assert (_url("assessment-edit", assessment.pk) in body) is can_correct
    assert _consulted(setup.police_nominal)


@pytest.mark.parametrize(("who", "status"), [("senior_manager", 403), ("south_coordinator", 404)])
def test_detail_page_refused(setup: NominalSetup, who: str, status: int):
    assessment = _assessment(setup.police_nominal)
    response = signed_in_client(setup.user(who)).get(_url("assessment-detail", assessment.pk))
    assert response.status_code == status
    assert not _consulted(setup.police_nominal)


def test_detail_page_missing_and_hidden_look_the_same(setup: NominalSetup):
    hidden = _assessment(setup.probation_nominal)
    client = signed_in_client(setup.health_practitioner)
    for_hidden = client.get(_url("assessment-detail", hidden.pk))
    for_missing = client.get(_url("assessment-detail", hidden.pk + 1000))
    assert for_hidden.status_code == for_missing.status_code == 404
    assert _text(for_hidden).count("Page not found") == _text(for_missing).count("Page not found") > 0


# --- assessment-edit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("coordinator", 200),
        ("probation_practitioner", 403),  # another agency's assessment
        ("chair", 403),  # its agency's, without RISK_RECORD
        ("health_practitioner", 403),
        ("senior_manager", 403),
        ("south_coordinator", 404),
    ],
)
def test_edit_page(setup: NominalSetup, who: str, status: int):
    assessment = _assessment(setup.police_nominal, setup.north.police)
    response = signed_in_client(setup.user(who)).get(_url("assessment-edit", assessment.pk))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        assert 'name="version" value="1"' in body
        assert re.search(r'name="rosh_children" value="high"[^>]*checked', body)
        assert FACTORS in body
        assert _consulted(setup.police_nominal)
    else:
        assert not _consulted(setup.police_nominal)


@pytest.mark.parametrize(("who", "status"), [("practitioner", 302), ("probation_practitioner", 403)])
def test_edit_posts(setup: NominalSetup, who: str, status: int):
    assessment = _assessment(setup.police_nominal, setup.north.police)
    data = _form(rosh_children="medium", version="1")
    response = signed_in_client(setup.user(who)).post(_url("assessment-edit", assessment.pk), data)
    assert response.status_code == status
    stored = RiskAssessment.objects.get()
    if status == 302:
        assert response["Location"] == _url("assessment-detail", assessment.pk)
        assert (stored.rosh_children, stored.version) == ("medium", 2)
        event = _assessment_events(assessment).get()
        assert event.action == Action.ALTERATION
        assert "rosh_children" in event.changed_fields
    else:
        assert (stored.rosh_children, stored.version) == ("high", 1)
        assert not _assessment_events().exists()


def test_edit_stale_version_is_refused_on_the_form(setup: NominalSetup):
    assessment = _assessment(setup.police_nominal, setup.north.police, version=2)
    response = signed_in_client(setup.practitioner).post(
        _url("assessment-edit", assessment.pk), _form(rosh_children="low", version="1")
    )
    assert response.status_code == 200
    assert "Someone else changed this risk assessment" in _text(response)
    assert RiskAssessment.objects.get().rosh_children == "high"


def test_edit_for_an_exited_nominal_shows_why_not(setup: NominalSetup):
    exited = NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=timezone.localdate()
    )
    assessment = _assessment(exited, setup.north.police)
    client = signed_in_client(setup.practitioner)
    assert "can no longer be changed" in _text(client.get(_url("assessment-edit", assessment.pk)))
    detail = _text(client.get(_url("assessment-detail", assessment.pk)))
    assert _url("assessment-edit", assessment.pk) not in detail


# --- the Risk section of the nominal's overview -------------------------------------------------


def _overview(setup: NominalSetup, who: str) -> str:
    response = signed_in_client(setup.user(who)).get(
        reverse("nominals:nominal-detail", args=[setup.police_nominal.pk])
    )
    assert response.status_code == 200
    return _text(response)


def test_panel_shows_the_latest_assessment_and_persons_at_risk(setup: NominalSetup):
    nominal = setup.police_nominal
    _assessment(nominal, assessed_on=timezone.localdate() - timedelta(days=300), tool="sara")
    latest = _assessment(nominal, setup.north.probation, rosh_public=RoshLevel.VERY_HIGH)
    PersonAtRiskFactory(nominal=nominal)
    PersonAtRiskFactory(nominal=nominal, is_child=True, kind="child")
    PersonAtRiskFactory(
        nominal=nominal, is_child=True, ended_on=timezone.localdate(), ended_reason="Moved away"
    )
    body = _overview(setup, "practitioner")
    assert '<h2 class="govuk-heading-m" id="risk">Risk</h2>' in body
    assert _url("assessment-detail", latest.pk) in body
    assert "North Probation" in body and "Public: Very high" in body
    assert "All risk assessments (2)" in body
    assert "2 persons or groups at risk" in body
    assert "Includes a child" in body
    assert _url("assessment-list", nominal.pk) in body
    assert _url("person-at-risk-list", nominal.pk) in body
    assert _url("assessment-create", nominal.pk) in body
    assert _url("person-at-risk-create", nominal.pk) in body
    # The overview shows the levels, never the assessing agency's detail.
    assert FACTORS not in body


def test_panel_for_a_reader_offers_no_record_buttons(setup: NominalSetup):
    body = _overview(setup, "chair")
    assert '<h2 class="govuk-heading-m" id="risk">Risk</h2>' in body
    assert "No risk assessments recorded" in body
    assert "No one recorded as at risk now" in body
    assert _url("assessment-create", setup.police_nominal.pk) not in body
    assert _url("person-at-risk-create", setup.police_nominal.pk) not in body


def test_panel_absent_without_risk_view(setup: NominalSetup, monkeypatch: pytest.MonkeyPatch):
    """A role that can open the case but not read its risk work (none does today; the panel must
    not depend on that)."""
    _assessment(setup.police_nominal)
    monkeypatch.setattr(MeetingChair, "permissions", MeetingChair.permissions - {Permission.RISK_VIEW})
    body = _overview(setup, "chair")
    assert 'id="risk"' not in body
    assert _url("assessment-list", setup.police_nominal.pk) not in body
