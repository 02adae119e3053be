"""The checks, decision, non-disclosure and referral pages, the application page's sections, and
the schemes' report: each allowed and denied from one world, with its audit event.

This module is its own URL configuration (the project's, with this app's police side only), so
that it does not depend on the public form, which is another part of the app.
"""

import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.disclosure_schemes.models import Application, SchemeOutcome
from mappa.nominals.models import Nominal
from mappa.people.models import Person
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import ApplicationFactory, checked, decided, verified
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

SUMMARY = "Synthetic: one conviction recorded in 2015, and intelligence since."
RATIONALE = "Synthetic: disclosure is not necessary: the subject has no relevant history."
SUPPORT = "Synthetic: referred to the local family support service, accepted."
REFERRED = "Synthetic: children's services, who are working with the family already."


@dataclass
class World:
    setup: NominalSetup
    officer: Any
    south_officer: Any
    subject: Person
    nominal: Nominal
    application: Application

    def user(self, who: str) -> Any:
        return getattr(self, who) if who in ("officer", "south_officer") else self.setup.user(who)


@pytest.fixture
def world(db: Any) -> World:
    setup = NominalSetup()
    officer = member(["disclosure_scheme_officer"], agency=setup.north.police)
    south_officer = member(["disclosure_scheme_officer"], agency=setup.south.police)
    subject = make_person(setup.north.police, "Synthia", "Quarrender", (1975, 3, 9), "DH1 1AA")
    nominal = NominalFactory(lead_agency=setup.north.police, area=setup.area, person=subject)
    application = ApplicationFactory(
        receiving_agency=setup.north.police,
        subject_name="Synthia Quarrender",
        subject_address="1 Synthetic Row, Durham DH1 1AA",
        safe_contact_ways=["phone", "letter"],
    )
    return World(setup, officer, south_officer, subject, nominal, application)


def _url(name: str, *args: Any) -> str:
    return reverse(f"disclosure_schemes:{name}", args=args)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _events(application: Application, **filters: Any) -> Any:
    return AuditEvent.objects.filter(
        object_type="scheme_application", object_id=str(application.pk), **filters
    )


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


DENIED = [("south_officer", 404), ("practitioner", 404), ("probation_practitioner", 404)]


# --- the application page's sections ----------------------------------------------------------


def test_sections_offer_the_checks_first(world: World) -> None:
    """The application page (views_police) includes outcome/_sections.html with outcome_context."""
    response = signed_in_client(world.officer).get(_url("application-detail", world.application.pk))
    text = _text(response)
    assert response.status_code == 200
    assert 'data-testid="checks-link"' in text and 'data-testid="decision-link"' not in text
    assert "Record the checks first" in text


def test_sections_show_what_is_recorded(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    verified(world.application, world.officer)
    decided(world.application, world.officer, outcome=SchemeOutcome.DISCLOSE, forum="mappa")
    text = _text(signed_in_client(world.officer).get(_url("application-detail", world.application.pk)))
    assert world.subject.display_name in text and "Yes: the decision goes to a level 2 or 3 meeting" in text
    assert "Disclose" in text and "The disclosure has not been started" in text
    assert _url("application-disclosure-start", world.application.pk) in text


# --- checks -------------------------------------------------------------------------------------


def test_checks_page_shows_candidates_and_audits_the_search(world: World) -> None:
    response = signed_in_client(world.officer).get(_url("application-checks", world.application.pk))
    text = _text(response)
    assert response.status_code == 200
    assert world.subject.display_name in text and "MAPPA nominal" in text
    assert reverse("people:person-link", args=[world.subject.pk]) in text
    search = AuditEvent.objects.get(object_type="person_search")
    assert search.actor_username == world.officer.username and search.detail["via"] == "scheme_checks"
    assert _events(world.application, action=Action.CONSULTATION).exists()


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_checks_page_denied(world: World, who: str, status: int) -> None:
    response = signed_in_client(world.user(who)).get(_url("application-checks", world.application.pk))
    assert response.status_code == status
    assert not AuditEvent.objects.filter(object_type="person_search").exists()
    assert not _events(world.application).exists()


def test_checks_recorded(world: World) -> None:
    response = signed_in_client(world.officer).post(
        _url("application-checks", world.application.pk),
        {"subject_person": str(world.subject.pk), "summary": SUMMARY, "version": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("application-detail", world.application.pk)
    saved = _fresh(world.application)
    assert saved.subject_nominal == world.nominal and saved.checks_summary == SUMMARY
    assert _events(saved, action=Action.COLLECTION).exists()


def test_checks_refused_with_the_message(world: World) -> None:
    response = signed_in_client(world.officer).post(
        _url("application-checks", world.application.pk),
        {"subject_person": "none", "summary": "Short", "version": "1"},
    )
    assert response.status_code == 200
    assert "Enter what the checks found in a sentence or more" in _text(response)
    assert _fresh(world.application).checks_recorded_at is None


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_checks_post_denied(world: World, who: str, status: int) -> None:
    response = signed_in_client(world.user(who)).post(
        _url("application-checks", world.application.pk),
        {"subject_person": "none", "summary": SUMMARY, "version": "1"},
    )
    assert response.status_code == status
    assert _fresh(world.application).checks_recorded_at is None
    assert not _events(world.application).exists()


def test_post_refused_first_when_the_user_cannot_manage(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewer who may not work the application is refused before anything is opened."""
    from mappa.disclosure_schemes import views_outcome

    monkeypatch.setattr(views_outcome, "can_manage", lambda user, application: False)
    response = signed_in_client(world.officer).post(
        _url("application-checks", world.application.pk),
        {"subject_person": "none", "summary": SUMMARY, "version": "1"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor_username=world.officer.username
    ).exists()
    assert not _events(world.application).exists()


# --- the decision -------------------------------------------------------------------------------


def _decision_data(**overrides: str) -> dict[str, str]:
    data = {
        "outcome": "do_not_disclose",
        "forum": "police_and_partners",
        "rationale": RATIONALE,
        "presumption_applies": "no",
        "recipient_is_applicant": "yes",
        "applicant_told": "outcome",
        "version": "1",
    }
    data.update(overrides)
    return data


def test_decision_page_opens_the_nominal_and_lists_its_minutes(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    minutes = held_minutes(world.nominal, chair=world.setup.chair)
    response = signed_in_client(world.officer).get(_url("application-decision", world.application.pk))
    text = _text(response)
    assert response.status_code == 200
    assert (
        minutes.agenda_item.meeting.reference in text
        and "must be made at a level 2 or 3 MAPPA meeting" in text
    )
    assert AuditEvent.objects.filter(
        object_type="nominal", object_id=str(world.nominal.pk), action=Action.CONSULTATION
    ).exists()


def test_decision_recorded(world: World) -> None:
    checked(world.application, world.officer)
    response = signed_in_client(world.officer).post(
        _url("application-decision", world.application.pk), _decision_data()
    )
    assert response.status_code == 302
    saved = _fresh(world.application)
    assert saved.outcome == SchemeOutcome.DO_NOT_DISCLOSE and saved.decided_by == world.officer
    assert _events(saved, action=Action.COLLECTION).exists()


def test_decision_with_mappa_minutes(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    minutes = held_minutes(world.nominal, chair=world.setup.chair, level=3)
    response = signed_in_client(world.officer).post(
        _url("application-decision", world.application.pk),
        _decision_data(forum="mappa", minutes=str(minutes.pk), presumption_rebuttal=""),
    )
    assert response.status_code == 302
    assert _fresh(world.application).decision_minutes == minutes


def test_decision_refused_shows_the_rule(world: World) -> None:
    checked(world.application, world.officer)
    response = signed_in_client(world.officer).post(
        _url("application-decision", world.application.pk), _decision_data(outcome="disclose")
    )
    assert response.status_code == 200
    assert "anonymous or unverified applicants receive no disclosure" in _text(response)
    assert _fresh(world.application).decided_at is None


def test_decision_page_before_the_checks(world: World) -> None:
    response = signed_in_client(world.officer).get(_url("application-decision", world.application.pk))
    assert 'data-testid="not-editable"' in _text(response)


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_decision_denied(world: World, who: str, status: int) -> None:
    checked(world.application, world.officer)
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-decision", world.application.pk)).status_code == status
    assert (
        client.post(_url("application-decision", world.application.pk), _decision_data()).status_code
        == status
    )
    assert _fresh(world.application).decided_at is None


# --- the outcomes -------------------------------------------------------------------------------


def _not_disclosed(world: World) -> Application:
    checked(world.application, world.officer)
    return decided(world.application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)


def _non_disclosure_data(application: Application, **overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "communicated_at_day": str(today.day),
        "communicated_at_month": str(today.month),
        "communicated_at_year": str(today.year),
        "how": "letter",
        "support_referral": SUPPORT,
        "version": str(application.version),
    }
    data.update(overrides)
    return data


def test_non_disclosure_recorded(world: World) -> None:
    application = _not_disclosed(world)
    client = signed_in_client(world.officer)
    page = _text(client.get(_url("application-non-disclosure", application.pk)))
    assert "By letter" in page and "By email" not in page  # only the applicant's safe ways
    response = client.post(
        _url("application-non-disclosure", application.pk), _non_disclosure_data(application)
    )
    assert response.status_code == 302
    saved = _fresh(application)
    assert saved.non_disclosure_how == "letter" and saved.support_referral == SUPPORT
    assert _events(saved, action=Action.COLLECTION).exists()
    detail = _text(client.get(_url("application-detail", application.pk)))
    assert "by letter" in detail and SUPPORT in detail


def test_non_disclosure_refused_shows_the_message(world: World) -> None:
    application = _not_disclosed(world)
    response = signed_in_client(world.officer).post(
        _url("application-non-disclosure", application.pk),
        _non_disclosure_data(application, support_referral=""),
    )
    assert response.status_code == 200 and "Enter the support offered to the applicant" in _text(response)


def test_non_disclosure_page_without_that_decision(world: World) -> None:
    response = signed_in_client(world.officer).get(_url("application-non-disclosure", world.application.pk))
    assert 'data-testid="not-editable"' in _text(response)


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_non_disclosure_denied(world: World, who: str, status: int) -> None:
    application = _not_disclosed(world)
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-non-disclosure", application.pk)).status_code == status
    response = client.post(
        _url("application-non-disclosure", application.pk), _non_disclosure_data(application)
    )
    assert response.status_code == status
    assert _fresh(application).non_disclosure_communicated_at is None


def _referred(world: World) -> Application:
    checked(world.application, world.officer)
    return decided(world.application, world.officer, outcome=SchemeOutcome.REFER, referred_to=REFERRED)


def test_referral_recorded(world: World) -> None:
    application = _referred(world)
    client = signed_in_client(world.officer)
    assert REFERRED in _text(client.get(_url("application-referral", application.pk)))
    response = client.post(
        _url("application-referral", application.pk),
        {"support_referral": SUPPORT, "version": str(application.version)},
    )
    assert response.status_code == 302
    assert _fresh(application).support_referral == SUPPORT
    assert _events(application, action=Action.COLLECTION).exists()


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_referral_denied(world: World, who: str, status: int) -> None:
    application = _referred(world)
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-referral", application.pk)).status_code == status
    response = client.post(
        _url("application-referral", application.pk),
        {"support_referral": SUPPORT, "version": str(application.version)},
    )
    assert response.status_code == status
    assert _fresh(application).support_referral == ""


# --- the lead agency's panel on the case page ---------------------------------------------------


def test_case_page_panel_for_the_lead_agency(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    response = signed_in_client(world.setup.coordinator).get(
        reverse("nominals:nominal-detail", args=[world.nominal.pk])
    )
    text = _text(response)
    assert response.status_code == 200
    assert world.application.reference in text and "decide at a level 2 or 3 meeting" in text
    assert world.application.applicant_name not in text and "Synthetic Child" not in text


def test_case_page_panel_not_for_other_agencies(world: World) -> None:
    checked(world.application, world.officer, person=world.subject, nominal=world.nominal)
    response = signed_in_client(world.setup.probation_practitioner).get(
        reverse("nominals:nominal-detail", args=[world.nominal.pk]), follow=True
    )
    assert world.application.reference not in _text(response)


# --- the report ---------------------------------------------------------------------------------


def test_report_for_the_officer(world: World) -> None:
    response = signed_in_client(world.officer).get(_url("scheme-report"))
    text = _text(response)
    assert response.status_code == 200
    assert "applications by current stage and status" in text and "1 application." in text
    assert world.application.reference not in text and world.application.applicant_name not in text


def test_report_date_filter(world: World) -> None:
    today = timezone.localdate()
    response = signed_in_client(world.officer).get(
        _url("scheme-report"),
        {"received_to_day": "1", "received_to_month": "1", "received_to_year": str(today.year - 1)},
    )
    assert response.status_code == 200 and "0 applications." in _text(response)


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 403), ("coordinator", 403), ("health_practitioner", 403)]
)
def test_report_denied(world: World, who: str, status: int) -> None:
    user = world.user(who)
    response = signed_in_client(user).get(_url("scheme-report"))
    assert response.status_code == status
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor_username=user.username).exists()
