"""The checks, decision, non-disclosure and referral services (services_outcome.py), the minutes
and lead-agency selectors, and the nominal panel.

One world: NominalSetup's North and South, a disclosure scheme officer in each police force, a
subject held as a person record by North Police who is a MAPPA nominal led by North Probation,
and a namesake known only to South Police.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes import services_outcome as services
from mappa.disclosure_schemes.models import Application, ApplicationStatus, SchemeOutcome
from mappa.disclosure_schemes.panel import SchemeApplicationsPanel
from mappa.disclosure_schemes.selectors import decision_minutes_choices, lead_agency_notices
from mappa.meetings.models import MeetingStatus
from mappa.nominals.models import Nominal
from mappa.people.models import Person
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import ApplicationFactory, checked, decided, verified
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

SUMMARY = "Synthetic: two convictions recorded, and intelligence from 2019."
RATIONALE = "Synthetic: disclosure is necessary and proportionate to protect the child."
REBUTTAL = "Synthetic: the convictions are old and the child is no longer in contact."
BEST_PLACED = "Synthetic: the child's father has day-to-day care and can protect her."
REASON = "Synthetic: telling the applicant would put the child's mother at risk."
REFERRED = "Synthetic: children's services, who hold a child protection plan for the child."
SUPPORT = "Synthetic: referred to the local domestic abuse support service, accepted."


@dataclass
class World:
    setup: NominalSetup
    officer: Any
    south_officer: Any
    subject: Person
    nominal: Nominal
    namesake: Person
    application: Application


@pytest.fixture
def world(db: Any) -> World:
    setup = NominalSetup()
    officer = member(["disclosure_scheme_officer"], agency=setup.north.police)
    south_officer = member(["disclosure_scheme_officer"], agency=setup.south.police)
    subject = make_person(setup.north.police, "Synthia", "Quarrender", (1975, 3, 9), "DH1 1AA")
    nominal = NominalFactory(lead_agency=setup.north.probation, area=setup.area, person=subject)
    namesake = make_person(setup.south.police, "Synthia", "Quarrender", (1975, 3, 9), "DH1 1AA")
    application = ApplicationFactory(
        receiving_agency=setup.north.police,
        subject_name="Synthia Quarrender",
        subject_date_of_birth=timezone.now().date().replace(year=1975, month=3, day=9),
        subject_address="1 Synthetic Row, Durham DH1 1AA",
        safe_contact_ways=["phone", "letter"],
    )
    return World(setup, officer, south_officer, subject, nominal, namesake, application)


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _events(application: Application, **filters: Any) -> Any:
    return AuditEvent.objects.filter(
        object_type="scheme_application", object_id=str(application.pk), **filters
    )


# --- checks: the search -------------------------------------------------------------------------


def test_search_terms_take_name_dob_and_postcode(world: World) -> None:
    terms = services.search_terms(world.application)
    assert terms.name == "Synthia Quarrender"
    assert terms.dob is not None and (terms.dob.year, terms.dob.month, terms.dob.day) == (1975, 3, 9)
    assert terms.postcode == "DH1 1AA"


def test_search_terms_use_an_age_when_no_date(world: World) -> None:
    application = ApplicationFactory(
        receiving_agency=world.setup.north.police, subject_name="A Person", subject_age="about 40"
    )
    terms = services.search_terms(application)
    assert (
        terms.dob is not None and terms.dob.year == timezone.localdate().year - 40 and terms.dob.month is None
    )
    assert terms.postcode == ""


def test_checks_search_finds_the_subject_audited(world: World) -> None:
    results = services.checks_search(application=world.application, by=world.officer)
    ids = [check.id for check in results]
    assert world.subject.pk in ids
    check = results[ids.index(world.subject.pk)]
    assert check.nominal == world.nominal
    assert check.score_percent > 50 and check.candidate.reasons
    event = AuditEvent.objects.get(object_type="person_search")
    assert event.action == Action.CONSULTATION
    assert event.detail["via"] == services.SEARCH_VIA
    assert "Quarrender" not in event.summary and "Quarrender" not in str(event.detail)


def test_checks_search_never_returns_another_forces_record(world: World) -> None:
    ids = [check.id for check in services.checks_search(application=world.application, by=world.officer)]
    assert world.namesake.pk not in ids


def test_checks_search_counts_the_items_held(world: World) -> None:
    from tests.factories.information_sharing import ItemFactory

    ItemFactory(nominal=world.nominal, owner_agency=world.setup.north.police, author=world.officer)
    ItemFactory(nominal=world.nominal, owner_agency=world.setup.north.probation, author=world.officer)
    results = services.checks_search(application=world.application, by=world.officer)
    check = next(c for c in results if c.id == world.subject.pk)
    assert check.readable_items == 1
    assert [(h.agency, h.count) for h in check.holdings] == [(world.setup.north.probation, 1)]


@pytest.mark.parametrize("who", ["south_officer", "practitioner"])
def test_checks_search_refused_to_others(world: World, who: str) -> None:
    user = world.south_officer if who == "south_officer" else world.setup.practitioner
    with pytest.raises(PermissionDenied):
        services.checks_search(application=world.application, by=user)
    assert not AuditEvent.objects.filter(object_type="person_search").exists()


# --- checks: the record -------------------------------------------------------------------------


def test_checks_record_links_a_nominal_and_tells_the_lead_agency(world: World) -> None:
    saved = services.checks_record(
        application=world.application,
        version=1,
        subject_person=world.subject,
        summary=SUMMARY,
        by=world.officer,
    )
    assert saved.subject_nominal == world.nominal and saved.lead_agency_told_at is not None
    assert saved.checks_recorded_by == world.officer and saved.version == 2
    own = _events(saved, action=Action.COLLECTION).get()
    assert own.object_agency_id == world.setup.north.police.pk and own.nominal_id == world.nominal.pk
    assert set(own.changed_fields) >= {"subject_person", "subject_nominal", "checks_summary"}
    told = _events(saved, summary=services.LEAD_AGENCY_TOLD_SUMMARY).get()
    assert told.object_agency_id == world.setup.north.probation.pk
    assert told.nominal_id == world.nominal.pk and told.changed_fields == ["lead_agency_told_at"]


def test_checks_record_none_found(world: World) -> None:
    saved = services.checks_record(
        application=world.application, version=1, summary=SUMMARY, by=world.officer
    )
    assert (
        saved.subject_person is None and saved.subject_nominal is None and saved.lead_agency_told_at is None
    )
    assert not _events(saved, summary=services.LEAD_AGENCY_TOLD_SUMMARY).exists()


def test_checks_record_finds_the_nominal_through_a_same_person_link(world: World) -> None:
    from tests.factories.people import make_link

    other = make_person(world.setup.north.police, "Synthia", "Quarender", (1975, 3, 9))
    make_link(other, world.subject, world.officer)
    saved = services.checks_record(
        application=world.application, version=1, subject_person=other, summary=SUMMARY, by=world.officer
    )
    assert saved.subject_nominal == world.nominal


@pytest.mark.parametrize(
    ("summary", "message"),
    [("", "Enter what the checks found"), ("Too short", "Enter what the checks found in a sentence or more")],
)
def test_checks_record_needs_a_summary(world: World, summary: str, message: str) -> None:
    with pytest.raises(ApplicationError) as error:
        services.checks_record(application=world.application, version=1, summary=summary, by=world.officer)
    assert error.value.message == message and error.value.field == "summary"
    assert _fresh(world.application).checks_recorded_at is None


def test_checks_record_refuses_a_record_the_officer_cannot_see(world: World) -> None:
    with pytest.raises(ApplicationError, match="You can only link a person record you can see"):
        services.checks_record(
            application=world.application,
            version=1,
            subject_person=world.namesake,
            summary=SUMMARY,
            by=world.officer,
        )


def test_checks_record_refuses_a_stale_version(world: World) -> None:
    with pytest.raises(ApplicationError, match="Someone else changed this application"):
        services.checks_record(application=world.application, version=7, summary=SUMMARY, by=world.officer)
    assert not _events(world.application).exists()


def test_checks_record_refused_once_decided(world: World) -> None:
    checked(world.application, world.officer)
    decided(world.application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    with pytest.raises(ApplicationError, match="The decision has been recorded"):
        services.checks_record(application=world.application, version=1, summary=SUMMARY, by=world.officer)


def test_checks_record_refused_when_closed(world: World) -> None:
    world.application.status = ApplicationStatus.CLOSED
    world.application.save(override=True)
    with pytest.raises(ApplicationError, match="is closed, so nothing more can be recorded"):
        services.checks_record(application=world.application, version=1, summary=SUMMARY, by=world.officer)


@pytest.mark.parametrize("who", ["south_officer", "practitioner"])
def test_checks_record_refused_to_others(world: World, who: str) -> None:
    user = world.south_officer if who == "south_officer" else world.setup.practitioner
    with pytest.raises(PermissionDenied):
        services.checks_record(application=world.application, version=1, summary=SUMMARY, by=user)
    assert _fresh(world.application).checks_recorded_at is None


def test_checks_record_unchanged_writes_nothing(world: World) -> None:
    saved = services.checks_record(
        application=world.application, version=1, summary=SUMMARY, by=world.officer
    )
    again = services.checks_record(application=saved, version=2, summary=SUMMARY, by=world.officer)
    assert again.version == 2 and _events(saved).count() == 1


# --- the lead agency's panel --------------------------------------------------------------------


def test_lead_agency_panel_shows_reference_not_the_applicant(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    request = RequestFactory().get("/")
    request.user = world.setup.probation_practitioner
    panel = SchemeApplicationsPanel().panel(request, world.nominal)
    assert panel is not None
    [notice] = panel.context["notices"]
    assert notice.reference == world.application.reference and notice.force == world.setup.north.police.name
    from django.template.loader import render_to_string

    html = render_to_string(panel.template_name, {"panel": panel.context})
    assert world.application.reference in html and "decide at a level 2 or 3 meeting" in html
    assert world.application.applicant_name not in html and "Synthetic Child" not in html


@pytest.mark.parametrize("who", ["practitioner", "officer", "health_practitioner"])
def test_lead_agency_notices_only_for_the_lead_agency(world: World, who: str) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    user = world.officer if who == "officer" else world.setup.user(who)
    assert not lead_agency_notices(nominal=world.nominal, fetched_by=user).exists()


def test_lead_agency_notices_need_the_lead_agency_told(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    world.application.lead_agency_told_at = None
    world.application.save(override=True)
    assert not lead_agency_notices(
        nominal=world.nominal, fetched_by=world.setup.probation_practitioner
    ).exists()


# --- the decision -------------------------------------------------------------------------------


def _decide(world: World, **overrides: Any) -> Application:
    arguments: dict[str, Any] = {
        "application": world.application,
        "version": _fresh(world.application).version,
        "outcome": SchemeOutcome.DO_NOT_DISCLOSE,
        "forum": "police_and_partners",
        "rationale": RATIONALE,
        "presumption_applies": False,
        "recipient_is_applicant": True,
        "applicant_told": "outcome",
        "by": world.officer,
    }
    arguments.update(overrides)
    return services.decision_record(**arguments)


def test_decision_record_allowed_with_everything(world: World) -> None:
    checked(world.application, world.officer)
    saved = _decide(world)
    assert saved.outcome == SchemeOutcome.DO_NOT_DISCLOSE and saved.decided_by == world.officer
    event = _events(saved, action=Action.COLLECTION).get()
    assert "outcome" in event.changed_fields and "decision_rationale" in event.changed_fields
    assert RATIONALE not in str(event.detail) and RATIONALE not in event.summary


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outcome": "maybe"}, "outcome", "Select the decision"),
        ({"forum": "marac"}, "forum", "Select where the decision was made"),
        ({"rationale": ""}, "rationale", "Enter the rationale for the decision"),
        ({"rationale": "Too short"}, "rationale", "Explain the rationale for the decision in a sentence"),
        ({"outcome": SchemeOutcome.REFER}, "referred_to", "Enter who the application is referred to"),
        ({"recipient_is_applicant": False}, "recipient_best_placed", "best placed to protect"),
        ({"applicant_told": ""}, "applicant_told", "Select what the applicant is told"),
        ({"applicant_told": "not_told"}, "applicant_told_reason", "Explain why the applicant is not told"),
        (
            {"applicant_told": "no_information"},
            "applicant_told_reason",
            "Explain why the applicant is not told",
        ),
        ({"presumption_applies": True}, "presumption_rebuttal", "The presumption to disclose applies"),
        (
            {"presumption_applies": True, "presumption_rebuttal": "Too short"},
            "presumption_rebuttal",
            "Explain why the presumption to disclose is rebutted",
        ),
    ],
)
def test_decision_record_refused_when_something_is_missing(
    world: World, overrides: dict[str, Any], field: str, message: str
) -> None:
    checked(world.application, world.officer)
    with pytest.raises(ApplicationError) as error:
        _decide(world, **overrides)
    assert error.value.field == field and message in error.value.message
    assert _fresh(world.application).decided_at is None
    assert not _events(world.application).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"outcome": SchemeOutcome.REFER, "referred_to": REFERRED},
        {"recipient_is_applicant": False, "recipient_best_placed": BEST_PLACED},
        {"applicant_told": "not_told", "applicant_told_reason": REASON},
        {"presumption_applies": True, "presumption_rebuttal": REBUTTAL},
    ],
)
def test_decision_record_allowed_when_the_follow_up_is_given(world: World, overrides: dict[str, Any]) -> None:
    checked(world.application, world.officer)
    saved = _decide(world, **overrides)
    for name, value in overrides.items():
        assert getattr(saved, name) == value


def test_disclose_needs_a_subject_found(world: World) -> None:
    verified(world.application, world.officer)
    checked(world.application, world.officer)
    with pytest.raises(ApplicationError) as error:
        _decide(world, outcome=SchemeOutcome.DISCLOSE)
    assert error.value.field == "outcome" and "found no record of the subject" in error.value.message
    checked(world.application, world.officer, person=world.namesake)
    assert _decide(world, outcome=SchemeOutcome.DISCLOSE).outcome == SchemeOutcome.DISCLOSE


def test_decision_needs_checks_first(world: World) -> None:
    with pytest.raises(ApplicationError, match="Record the checks on the subject before the decision"):
        _decide(world)


def test_disclose_needs_the_identity_verified(world: World) -> None:
    checked(world.application, world.officer, person=world.namesake)
    with pytest.raises(ApplicationError) as error:
        _decide(world, outcome=SchemeOutcome.DISCLOSE)
    assert "anonymous or unverified applicants receive no disclosure" in error.value.message
    verified(world.application, world.officer)
    assert _decide(world, outcome=SchemeOutcome.DISCLOSE).outcome == SchemeOutcome.DISCLOSE


def test_presumption_needs_no_rebuttal_to_disclose(world: World) -> None:
    verified(world.application, world.officer)
    checked(world.application, world.officer, person=world.namesake)
    saved = _decide(world, outcome=SchemeOutcome.DISCLOSE, presumption_applies=True)
    assert saved.presumption_applies and saved.presumption_rebuttal == ""


def test_dvds_has_no_presumption(world: World) -> None:
    application = ApplicationFactory(receiving_agency=world.setup.north.police, scheme="dvds")
    checked(application, world.officer)
    with pytest.raises(ApplicationError, match="has no presumption to disclose") as error:
        services.decision_record(
            application=application,
            version=application.version,
            outcome=SchemeOutcome.DO_NOT_DISCLOSE,
            forum="marac",
            rationale=RATIONALE,
            presumption_applies=True,
            presumption_rebuttal=REBUTTAL,
            recipient_is_applicant=True,
            applicant_told="outcome",
            by=world.officer,
        )
    assert error.value.field == "presumption_applies"


def test_mappa_nominal_needs_the_mappa_forum_and_minutes(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    with pytest.raises(ApplicationError, match="the decision must be made at a level 2 or 3 MAPPA meeting"):
        _decide(world)
    with pytest.raises(ApplicationError, match="Choose the minutes of the level 2 or 3 meeting") as error:
        _decide(world, forum="mappa")
    assert error.value.field == "minutes"
    minutes = held_minutes(world.nominal, chair=world.setup.chair, level=2)
    saved = _decide(world, forum="mappa", minutes=minutes)
    assert saved.decision_minutes == minutes and saved.forum == "mappa"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other_nominal", "Those minutes are about another case"),
        ("cancelled", "was cancelled"),
        ("future", "has not started yet"),
        ("superseded", "have been superseded"),
    ],
)
def test_mappa_minutes_must_be_of_a_held_meeting_about_the_subject(
    world: World, change: str, message: str
) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    nominal = world.setup.police_nominal if change == "other_nominal" else world.nominal
    minutes = held_minutes(nominal, chair=world.setup.chair, level=3)
    meeting = minutes.agenda_item.meeting
    if change == "cancelled":
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(override=True)
    elif change == "future":
        meeting.starts_at = timezone.now() + timedelta(days=2)
        meeting.status = MeetingStatus.SCHEDULED
        meeting.save(override=True)
    elif change == "superseded":
        minutes.status = "superseded"
        minutes.save(override=True)
    with pytest.raises(ApplicationError, match=message):
        _decide(world, forum="mappa", minutes=minutes)
    assert change == "other_nominal" or not decision_minutes_choices(
        application=_fresh(world.application), fetched_by=world.officer
    ).filter(pk=minutes.pk)


def test_decision_minutes_choices_only_for_the_officer(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    minutes = held_minutes(world.nominal, chair=world.setup.chair)
    held_minutes(world.setup.police_nominal, chair=world.setup.chair)
    assert list(decision_minutes_choices(application=world.application, fetched_by=world.officer)) == [
        minutes
    ]
    assert not decision_minutes_choices(
        application=world.application, fetched_by=world.south_officer
    ).exists()


def test_decision_blockers_list_every_problem(world: World) -> None:
    blockers = services.decision_blockers(world.application, outcome=SchemeOutcome.DISCLOSE)
    assert "Record the checks on the subject before the decision" in blockers
    assert any("anonymous or unverified" in b for b in blockers)
    assert any("Select where the decision was made" in b for b in blockers)
    assert "Select what the applicant is told" in blockers


def test_decision_refuses_a_stale_version(world: World) -> None:
    checked(world.application, world.officer)
    with pytest.raises(ApplicationError, match="Someone else changed this application"):
        _decide(world, version=99)


def test_decision_refused_to_another_force(world: World) -> None:
    checked(world.application, world.officer)
    with pytest.raises(PermissionDenied):
        _decide(world, by=world.south_officer)


def test_decision_can_change_until_the_outcome_is_recorded(world: World) -> None:
    checked(world.application, world.officer)
    _decide(world)
    changed = _decide(world, outcome=SchemeOutcome.REFER, referred_to=REFERRED)
    assert changed.outcome == SchemeOutcome.REFER
    assert _events(changed, action=Action.ALTERATION).count() == 1
    services.referral_record(
        application=changed, version=changed.version, support_referral=SUPPORT, by=world.officer
    )
    with pytest.raises(ApplicationError, match="the decision can no longer be changed"):
        _decide(world)


# --- the outcomes -------------------------------------------------------------------------------


def _not_disclosed(world: World) -> Application:
    checked(world.application, world.officer)
    return decided(world.application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)


def test_non_disclosure_record_allowed(world: World) -> None:
    application = _not_disclosed(world)
    saved = services.non_disclosure_record(
        application=application,
        version=application.version,
        communicated_at=timezone.localdate(),
        how="letter",
        support_referral=SUPPORT,
        by=world.officer,
    )
    assert saved.non_disclosure_communicated_at is not None and saved.non_disclosure_how == "letter"
    assert services.outcome_complete(saved)
    event = _events(saved, action=Action.COLLECTION).get()
    assert set(event.changed_fields) == {
        "non_disclosure_communicated_at",
        "non_disclosure_how",
        "support_referral",
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"communicated_at": None}, "communicated_at", "Enter the date the decision was communicated"),
        ({"communicated_at": "tomorrow"}, "communicated_at", "must be today or in the past"),
        ({"communicated_at": "long_ago"}, "communicated_at", "cannot be before the decision was made"),
        ({"how": "email"}, "how", "That is not a way the applicant said is safe"),
        ({"how": "nonsense"}, "how", "Select how the decision was communicated"),
        ({"support_referral": ""}, "support_referral", "Enter the support offered to the applicant"),
    ],
)
def test_non_disclosure_record_refused(
    world: World, overrides: dict[str, Any], field: str, message: str
) -> None:
    application = _not_disclosed(world)
    when = overrides.get("communicated_at", "today")
    dates = {
        "today": timezone.localdate(),
        "tomorrow": timezone.localdate() + timedelta(days=1),
        "long_ago": timezone.localdate() - timedelta(days=30),
        None: None,
    }
    arguments: dict[str, Any] = {"how": "phone", "support_referral": SUPPORT, **overrides}
    arguments["communicated_at"] = dates[when]
    with pytest.raises(ApplicationError) as error:
        services.non_disclosure_record(
            application=application, version=application.version, by=world.officer, **arguments
        )
    assert error.value.field == field and message in error.value.message
    assert _fresh(application).non_disclosure_communicated_at is None


def test_non_disclosure_nothing_in_writing_under_dvds(world: World) -> None:
    application = ApplicationFactory(
        receiving_agency=world.setup.north.police, scheme="dvds", safe_contact_ways=["letter"]
    )
    checked(application, world.officer)
    decided(application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    assert services.non_disclosure_ways(application) == [("in_person", "In person")]
    with pytest.raises(ApplicationError, match="Nothing is put in writing under the Clare's Law scheme"):
        services.non_disclosure_record(
            application=application,
            version=application.version,
            communicated_at=timezone.localdate(),
            how="letter",
            support_referral=SUPPORT,
            by=world.officer,
        )


def test_non_disclosure_needs_that_decision(world: World) -> None:
    checked(world.application, world.officer)
    with pytest.raises(ApplicationError, match="Record a decision not to disclose"):
        services.non_disclosure_record(
            application=world.application,
            version=1,
            communicated_at=timezone.localdate(),
            how="phone",
            support_referral=SUPPORT,
            by=world.officer,
        )


def test_non_disclosure_refused_to_another_force(world: World) -> None:
    application = _not_disclosed(world)
    with pytest.raises(PermissionDenied):
        services.non_disclosure_record(
            application=application,
            version=application.version,
            communicated_at=timezone.localdate(),
            how="phone",
            support_referral=SUPPORT,
            by=world.south_officer,
        )


def test_referral_record(world: World) -> None:
    checked(world.application, world.officer)
    application = decided(world.application, world.officer, outcome=SchemeOutcome.REFER, referred_to=REFERRED)
    with pytest.raises(ApplicationError, match="Enter what was referred and the support offered"):
        services.referral_record(
            application=application, version=application.version, support_referral="", by=world.officer
        )
    saved = services.referral_record(
        application=application, version=application.version, support_referral=SUPPORT, by=world.officer
    )
    assert saved.support_referral == SUPPORT and services.outcome_complete(saved)
    assert _events(saved, action=Action.COLLECTION).get().changed_fields == ["support_referral"]


def test_referral_needs_a_decision_to_refer(world: World) -> None:
    application = _not_disclosed(world)
    with pytest.raises(ApplicationError, match="Record a decision to refer"):
        services.referral_record(
            application=application, version=application.version, support_referral=SUPPORT, by=world.officer
        )


def test_referral_refused_to_another_force(world: World) -> None:
    checked(world.application, world.officer)
    application = decided(world.application, world.officer, outcome=SchemeOutcome.REFER, referred_to=REFERRED)
    with pytest.raises(PermissionDenied):
        services.referral_record(
            application=application,
            version=application.version,
            support_referral=SUPPORT,
            by=world.south_officer,
        )
