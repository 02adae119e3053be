"""The police side's pages, each allowed and denied from one world.

North Police has a disclosure scheme officer and a practitioner without the role; South Police
has its own scheme officer; North Probation a practitioner. Applications are sent to North
Police: only its scheme officer sees them. Every page about one application records the
consultation; a refusal records none.
"""

import html
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.template import TemplateDoesNotExist
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.disclosure_schemes import views_police
from mappa.disclosure_schemes.models import Application, ApplicationStatus, Route, StageRecord
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AreaSetup, area_setup
from tests.factories.disclosure_schemes import received_under, scheme_officer

pytestmark = pytest.mark.django_db

PLAN = "Synthetic: weekly welfare calls at the safe times; risk reviewed every Monday."
ACTION = "Synthetic: child protection strategy discussion held; officers attended."
REASON = "Synthetic: a general enquiry not about a named child; referred to the local safeguarding team."


@dataclass
class World:
    north: AreaSetup
    south: AreaSetup
    officer: Any
    south_officer: Any
    police_practitioner: Any
    probation_practitioner: Any
    application: Application

    def user(self, who: str) -> Any:
        return getattr(self, who)


@pytest.fixture
def world(db: Any) -> World:
    north = area_setup("North")
    south = area_setup("South")
    application = received_under(
        "csods-2023", received_at=timezone.now() - timedelta(hours=2), receiving_agency=north.police
    )
    return World(
        north=north,
        south=south,
        officer=scheme_officer(north.police),
        south_officer=scheme_officer(south.police),
        police_practitioner=member(["practitioner"], agency=north.police),
        probation_practitioner=member(["practitioner"], agency=north.probation),
        application=application,
    )


OUTSIDERS = ["south_officer", "police_practitioner", "probation_practitioner"]


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, *args: Any) -> str:
    return reverse(f"disclosure_schemes:{name}", args=args)


def _events(application: Application, action: str | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="scheme_application", object_id=str(application.pk))
    return events.filter(action=action) if action else events


def _consultations(application: Application) -> int:
    return int(_events(application, Action.CONSULTATION).count())


# --- the queue ----------------------------------------------------------------------------------


def test_queue_shows_the_forces_open_applications(world: World) -> None:
    other = received_under("dvds-2023", receiving_agency=world.south.police)
    response = signed_in_client(world.officer).get(_url("application-queue"))
    assert response.status_code == 200
    body = _text(response)
    assert world.application.reference in body
    assert other.reference not in body
    assert "Sarah's Law" in body
    assert 'data-testid="count-open">1 open application<' in response.content.decode()
    assert "Open a right to know application" in body


def test_queue_order_and_flags(world: World) -> None:
    late = received_under(
        "csods-2023", received_at=timezone.now() - timedelta(hours=30), receiving_agency=world.north.police
    )
    urgent = received_under(
        "dvds-2023",
        receiving_agency=world.north.police,
        immediate_risk=True,
        immediate_risk_action=ACTION,
    )
    body = _text(signed_in_client(world.officer).get(_url("application-queue")))
    positions = [body.index(a.reference) for a in (late, urgent, world.application)]
    assert positions == sorted(positions)
    overdue_table = body[
        body.index('data-testid="queue-overdue"') : body.index('data-testid="queue-immediate"')
    ]
    assert late.reference in overdue_table
    assert "Overdue" in overdue_table and "Safeguarding plan needed" in overdue_table
    immediate_table = body[
        body.index('data-testid="queue-immediate"') : body.index('data-testid="queue-other"')
    ]
    assert urgent.reference in immediate_table and "Immediate risk" in immediate_table
    assert 'data-testid="count-overdue"' in body


def test_queue_filters(world: World) -> None:
    dvds = received_under("dvds-2023", receiving_agency=world.north.police)
    client = signed_in_client(world.officer)
    body = _text(client.get(_url("application-queue"), {"scheme": "dvds"}))
    assert dvds.reference in body and world.application.reference not in body
    body = _text(client.get(_url("application-queue"), {"stage": "face_to_face"}))
    assert "No open application matches these filters" in body


@pytest.mark.parametrize("who", ["police_practitioner", "probation_practitioner"])
def test_queue_refused_without_the_role(world: World, who: str) -> None:
    assert signed_in_client(world.user(who)).get(_url("application-queue")).status_code == 403


def test_other_forces_officer_sees_an_empty_queue(world: World) -> None:
    body = _text(signed_in_client(world.south_officer).get(_url("application-queue")))
    assert world.application.reference not in body
    assert "There are no open applications" in body


# --- navigation and home page -------------------------------------------------------------------


def test_navigation_entry_for_scheme_officers_only(world: World) -> None:
    href = f'href="{_url("application-queue")}"'
    assert href in signed_in_client(world.officer).get(reverse("web:home")).content.decode()
    assert href not in signed_in_client(world.police_practitioner).get(reverse("web:home")).content.decode()


def test_home_page_section_counts_open_and_overdue(world: World) -> None:
    received_under(
        "csods-2023", received_at=timezone.now() - timedelta(hours=30), receiving_agency=world.north.police
    )
    body = _text(signed_in_client(world.officer).get(reverse("web:home")))
    assert "Disclosure scheme applications" in body
    assert "2 open applications" in body
    assert "1 application past its target" in body
    other = _text(signed_in_client(world.police_practitioner).get(reverse("web:home")))
    assert "Disclosure scheme applications" not in other


def test_home_page_section_without_overdue(world: World) -> None:
    body = _text(signed_in_client(world.south_officer).get(reverse("web:home")))
    assert "0 open applications" in body
    assert 'data-testid="scheme-overdue"' not in body


# --- one application ----------------------------------------------------------------------------


def test_detail_shows_the_application_and_records_the_consultation(world: World) -> None:
    application = world.application
    response = signed_in_client(world.officer).get(_url("application-detail", application.pk))
    assert response.status_code == 200
    body = response.content.decode()
    text = _text(response)
    assert "Contact only in these ways and at these times" in text
    assert application.safe_contact_times in text
    assert html.escape(application.applicant_name) in body
    assert html.escape(application.subject_name) in body
    assert "Synthetic Child" in text
    assert "Initial contact and checks" in text
    assert 'data-testid="stage-row"' in body
    assert "Not verified" in text
    assert _url("application-advance", application.pk) in body
    assert _url("application-not-proceeding", application.pk) in body
    event = _events(application, Action.CONSULTATION).get()
    assert event.actor_user_id == world.officer.pk
    assert event.object_agency_id == world.north.police.pk


def test_detail_includes_the_outcome_sections_when_installed(world: World) -> None:
    body = _text(signed_in_client(world.officer).get(_url("application-detail", world.application.pk)))
    assert 'id="checks"' in body


def test_detail_renders_without_the_outcome_partial(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(names: Any) -> Any:
        raise TemplateDoesNotExist(names)

    monkeypatch.setattr(views_police, "select_template", missing)
    response = signed_in_client(world.officer).get(_url("application-detail", world.application.pk))
    assert response.status_code == 200
    assert 'id="checks"' not in response.content.decode()


def test_detail_shows_overdue_blockers(world: World) -> None:
    late = received_under(
        "csods-2023", received_at=timezone.now() - timedelta(hours=30), receiving_agency=world.north.police
    )
    body = _text(signed_in_client(world.officer).get(_url("application-detail", late.pk)))
    assert "Safeguarding plan needed" in body
    assert "Record a safeguarding plan: this application is past its target" in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_detail_is_404_for_anyone_else_and_records_nothing(world: World, who: str) -> None:
    response = signed_in_client(world.user(who)).get(_url("application-detail", world.application.pk))
    assert response.status_code == 404
    assert _consultations(world.application) == 0


def test_detail_of_a_missing_application_is_404(world: World) -> None:
    assert signed_in_client(world.officer).get(_url("application-detail", 999999)).status_code == 404


# --- the pages that act -------------------------------------------------------------------------

PAGES = [
    "application-triage",
    "application-not-proceeding",
    "application-verify",
    "application-safeguarding",
    "application-advance",
]


@pytest.mark.parametrize("name", PAGES)
def test_each_form_page_opens_for_the_officer_with_a_consultation(world: World, name: str) -> None:
    response = signed_in_client(world.officer).get(_url(name, world.application.pk))
    assert response.status_code == 200
    assert 'name="version"' in response.content.decode()
    assert _consultations(world.application) == 1


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_each_form_page_is_refused_to_anyone_else(world: World, name: str, who: str) -> None:
    client = signed_in_client(world.user(who))
    assert client.get(_url(name, world.application.pk)).status_code == 404
    assert client.post(_url(name, world.application.pk), {"version": 1}).status_code == 404
    world.application.refresh_from_db()
    assert world.application.version == 1
    assert not _events(world.application).exists()


def test_post_refused_before_opening_when_the_user_cannot_manage(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_police, "can_manage", lambda user, application: False)
    response = signed_in_client(world.officer).post(
        _url("application-triage", world.application.pk), {"version": 1}
    )
    assert response.status_code == 403
    assert not _events(world.application).exists()


def test_triage_flags_immediate_risk(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-triage", world.application.pk)
    refused = client.post(url, {"version": 1, "immediate_risk": "yes", "immediate_risk_action": ""})
    assert refused.status_code == 200
    assert "Enter the action taken at once because of the immediate risk" in _text(refused)
    response = client.post(url, {"version": 1, "immediate_risk": "yes", "immediate_risk_action": ACTION})
    assert response.status_code == 302
    world.application.refresh_from_db()
    assert world.application.immediate_risk
    event = _events(world.application, Action.ALTERATION).get()
    assert sorted(event.changed_fields) == ["immediate_risk", "immediate_risk_action"]


def test_triage_with_a_stale_version(world: World) -> None:
    response = signed_in_client(world.officer).post(
        _url("application-triage", world.application.pk), {"version": 9, "immediate_risk": "no"}
    )
    assert response.status_code == 200
    assert "Someone else changed this application" in _text(response)


def test_not_proceeding(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-not-proceeding", world.application.pk)
    refused = client.post(url, {"version": 1, "reason": ""})
    assert "Enter why the request does not proceed under the scheme" in _text(refused)
    assert client.post(url, {"version": 1, "reason": REASON}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.NOT_PROCEEDING
    assert _events(world.application, Action.ALTERATION).count() == 1
    detail = _text(client.get(_url("application-detail", world.application.pk)))
    assert "Not proceeding under the scheme" in detail and REASON in detail


def test_not_proceeding_page_after_the_first_stage(world: World) -> None:
    application = world.application
    application.stage = "face_to_face"
    application.save(override=True)
    client = signed_in_client(world.officer)
    body = _text(client.get(_url("application-not-proceeding", application.pk)))
    assert "moved past its first stage" in body
    refused = client.post(
        _url("application-not-proceeding", application.pk), {"version": 1, "reason": REASON}
    )
    assert "only at its first stage" in _text(refused)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OPEN


def _date(prefix: str, value: Any) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def test_verify_identity_csods_needs_the_relationship(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-verify", world.application.pk)
    today = timezone.localdate()
    data = {
        "version": 1,
        "identity": "Synthetic passport",
        "address": "Synthetic utility bill",
        **_date("verified_on", today),
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Enter the proof of relationship to the child seen" in _text(refused)
    assert client.post(url, {**data, "relationship": "Synthetic red book"}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.identity_verified_by == world.officer
    event = _events(world.application, Action.ALTERATION).get()
    assert "identity_evidence" in event.changed_fields


def test_verify_identity_dvds_asks_no_relationship(world: World) -> None:
    application = received_under("dvds-2023", receiving_agency=world.north.police)
    client = signed_in_client(world.officer)
    url = _url("application-verify", application.pk)
    assert 'name="relationship"' not in client.get(url).content.decode()
    data = {
        "version": 1,
        "identity": "Synthetic licence",
        "address": "Synthetic bill",
        **_date("verified_on", timezone.localdate()),
    }
    assert client.post(url, data).status_code == 302


def test_verify_identity_refuses_a_future_date(world: World) -> None:
    data = {
        "version": 1,
        "identity": "Synthetic passport",
        "address": "Synthetic utility bill",
        "relationship": "Synthetic red book",
        **_date("verified_on", timezone.localdate() + timedelta(days=2)),
    }
    response = signed_in_client(world.officer).post(_url("application-verify", world.application.pk), data)
    assert "must be today or in the past" in _text(response)


def test_safeguarding_plan(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-safeguarding", world.application.pk)
    assert "Enter the safeguarding plan" in _text(client.post(url, {"version": 1, "plan": ""}))
    assert client.post(url, {"version": 1, "plan": PLAN}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.safeguarding_plan == PLAN
    assert _events(world.application, Action.ALTERATION).count() == 1


def test_advance_moves_to_the_next_stage(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-advance", world.application.pk)
    assert "moves to" in _text(client.get(url))
    assert client.post(url, {"version": 1, "note": ""}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.stage == "face_to_face"
    assert StageRecord.objects.filter(application=world.application).count() == 2
    assert _events(world.application, Action.ALTERATION).get().changed_fields == ["stage"]


def test_advance_is_refused_with_the_blockers(world: World) -> None:
    application = world.application
    application.stage = "face_to_face"
    application.save(override=True)
    client = signed_in_client(world.officer)
    url = _url("application-advance", application.pk)
    assert "Verify the applicant's identity" in _text(client.get(url))
    response = client.post(url, {"version": 1})
    assert response.status_code == 200
    assert "Verify the applicant's identity at the face-to-face meeting" in _text(response)
    application.refresh_from_db()
    assert application.stage == "face_to_face"
    assert not _events(application, Action.ALTERATION).exists()


def test_a_closed_application_offers_no_form(world: World) -> None:
    application = world.application
    application.status = ApplicationStatus.CLOSED
    application.save(override=True)
    body = _text(signed_in_client(world.officer).get(_url("application-triage", application.pk)))
    assert "is closed, so nothing more can be done with it" in body
    assert '<form method="post" novalidate>' not in body


# --- right to know ------------------------------------------------------------------------------

RTK = {
    "source": "Police: information from an investigation",
    "person_at_risk_name": "Synthetic Person",
    "subject_name": "Synthetic Subject",
    "subject_access": "Current partner for six months, living together",
    "concern": "Synthetic: a previous partner reported controlling behaviour and assaults.",
    "safe_contact_ways": ["phone"],
    "contact_phone": "07700 900456",
    "safe_contact_times": "Weekday mornings",
}


def test_right_to_know_opens_an_application(world: World) -> None:
    client = signed_in_client(world.officer)
    url = _url("application-right-to-know")
    assert client.get(url).status_code == 200
    response = client.post(url, RTK)
    assert response.status_code == 302
    application = Application.objects.get(route=Route.RIGHT_TO_KNOW)
    assert response["Location"] == _url("application-detail", application.pk)
    assert application.receiving_agency == world.north.police and application.scheme == "dvds"
    assert _events(application, Action.COLLECTION).count() == 1


def test_right_to_know_form_errors(world: World) -> None:
    response = signed_in_client(world.officer).post(
        _url("application-right-to-know"), {**RTK, "contact_phone": ""}
    )
    assert response.status_code == 200
    assert "Enter a phone number for the person at risk" in _text(response)
    assert not Application.objects.filter(route=Route.RIGHT_TO_KNOW).exists()


@pytest.mark.parametrize("who", ["police_practitioner", "probation_practitioner"])
def test_right_to_know_refused_without_the_role(world: World, who: str) -> None:
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-right-to-know")).status_code == 403
    assert client.post(_url("application-right-to-know"), RTK).status_code == 403
    assert not Application.objects.filter(route=Route.RIGHT_TO_KNOW).exists()
