"""The "Start the disclosure" and "Record the support offered" pages, and the application page's
outcome section once a disclosure is started: each allowed and denied from one world.
"""

import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from mappa.audit.models import Action, AuditEvent
from mappa.disclosure_schemes.models import Application, ApplicationStatus, Route, SchemeOutcome
from mappa.disclosures.models import Disclosure, DisclosureStatus
from mappa.people.models import Person
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import (
    START_ANSWERS,
    ApplicationFactory,
    decided,
    disclosure_delivered,
    to_disclose,
)
from tests.factories.nominals import NominalSetup
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

SUPPORT = "Synthetic: referred to the local family support service, which she accepted."
EVIDENCE = "Synthetic: passport and a utility bill seen"  # tests.factories.disclosure_schemes.verified
DENIED = [("south_officer", 404), ("practitioner", 404), ("probation_practitioner", 404)]


@dataclass
class World:
    setup: NominalSetup
    officer: Any
    south_officer: Any
    subject: Person
    application: Application

    def user(self, who: str) -> Any:
        return getattr(self, who) if who in ("officer", "south_officer") else self.setup.user(who)


@pytest.fixture
def world(db: Any) -> World:
    setup = NominalSetup()
    officer = member(["disclosure_scheme_officer"], agency=setup.north.police)
    south_officer = member(["disclosure_scheme_officer"], agency=setup.south.police)
    subject = make_person(setup.north.police, "Synthia", "Quarrender", (1975, 3, 9), "DH1 1AA")
    application = ApplicationFactory(receiving_agency=setup.north.police, applicant_name="Alex Synthapp")
    to_disclose(application, officer, person=subject, forum="police_and_partners")
    return World(setup, officer, south_officer, subject, application)


def _url(name: str, pk: int) -> str:
    return reverse(f"disclosure_schemes:{name}", args=[pk])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _data(application: Application, **overrides: str) -> dict[str, str]:
    data = {**START_ANSWERS, "version": str(_fresh(application).version)}
    data.update(overrides)
    return data


def _form_value(response: Any, field: str) -> Any:
    return response.context["form"][field].value()


# --- the start page -----------------------------------------------------------------------------


def test_start_page_prefilled_from_the_application(world: World) -> None:
    response = signed_in_client(world.officer).get(_url("application-disclosure-start", world.application.pk))
    assert response.status_code == 200
    assert _form_value(response, "recipient_name") == "Alex Synthapp"
    assert _form_value(response, "identity_confirmed_how") == EVIDENCE
    assert _form_value(response, "recipient_kind") == "parent_guardian"
    assert _form_value(response, "recipient_relationship") == "Mother"
    text = _text(response)
    assert "Start the disclosure" in text and world.subject.display_name in text
    assert 'value="parent_guardian"' in text and "checked" in text
    assert AuditEvent.objects.filter(
        object_type="scheme_application", object_id=str(world.application.pk), action=Action.CONSULTATION
    ).exists()


def test_start_page_prefills_the_person_best_placed(world: World) -> None:
    best = "Synthetic: the child's grandmother, who has day-to-day care of her."
    decided(
        world.application,
        world.officer,
        outcome=SchemeOutcome.DISCLOSE,
        recipient_is_applicant=False,
        recipient_best_placed=best,
    )
    response = signed_in_client(world.officer).get(_url("application-disclosure-start", world.application.pk))
    assert _form_value(response, "recipient_name") == best
    assert _form_value(response, "why_right_person") == best
    assert not _form_value(response, "identity_confirmed_how")


def test_start_page_for_dvds_right_to_know(world: World) -> None:
    application = ApplicationFactory(
        receiving_agency=world.setup.north.police,
        scheme="dvds",
        route=Route.RIGHT_TO_KNOW,
        applicant_name="Police: information from an investigation",
        person_at_risk_name="Jo Synthpartner",
        relationship_to_children="",
    )
    to_disclose(application, world.officer, person=world.subject, forum="marac")
    response = signed_in_client(world.officer).get(_url("application-disclosure-start", application.pk))
    assert _form_value(response, "recipient_kind") == "new_partner"
    assert _form_value(response, "recipient_name") == "Jo Synthpartner"
    assert not _form_value(response, "recipient_relationship")


def test_start_posted_empty_shows_every_error(world: World) -> None:
    data = {"version": str(_fresh(world.application).version)}
    response = signed_in_client(world.officer).post(
        _url("application-disclosure-start", world.application.pk), data
    )
    text = _text(response)
    assert response.status_code == 200 and "govuk-error-summary" in text
    for message in (
        "Choose who the recipient is",
        "Enter the recipient's name",
        "Enter what the recipient will be told, in the words to be used",
        "Enter the risk to the subject of disclosing",
    ):
        assert message in text
    assert not Disclosure.objects.exists() and _fresh(world.application).disclosure is None


def test_start_refused_by_the_service_shows_its_message(world: World) -> None:
    response = signed_in_client(world.officer).post(
        _url("application-disclosure-start", world.application.pk), _data(world.application, version="99")
    )
    assert response.status_code == 200 and "Someone else changed this application" in _text(response)
    assert not Disclosure.objects.exists()


def test_start_posted_opens_the_disclosure_and_the_page_links_it(world: World) -> None:
    client = signed_in_client(world.officer)
    response = client.post(
        _url("application-disclosure-start", world.application.pk), _data(world.application)
    )
    assert response.status_code == 302
    assert response["Location"] == _url("application-detail", world.application.pk)
    disclosure = _fresh(world.application).disclosure
    assert disclosure is not None and disclosure.status == DisclosureStatus.DECIDED
    detail = client.get(_url("application-detail", world.application.pk))
    text = _text(detail)
    assert f"Disclosure {disclosure.reference} started for {world.application.reference}" in text
    assert reverse("disclosures:disclosure-detail", args=[disclosure.pk]) in text
    assert 'data-testid="disclosure-status"' in text and "Decided" in text
    assert "Still to do before the application can close" in text
    assert "Add at least one key trigger" in text and "Record the support offered with the disclosure" in text
    assert 'data-testid="disclosure-start-link"' not in text
    assert 'data-testid="disclosure-support-link"' not in text
    # Started once only: the page now says so instead of offering the form.
    again = _text(client.get(_url("application-disclosure-start", world.application.pk)))
    assert 'data-testid="not-editable"' in again and "already been started" in again


def test_start_page_not_offered_for_another_decision(world: World) -> None:
    decided(world.application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    client = signed_in_client(world.officer)
    text = _text(client.get(_url("application-disclosure-start", world.application.pk)))
    assert 'data-testid="not-editable"' in text and "Record a decision to disclose" in text
    response = client.post(
        _url("application-disclosure-start", world.application.pk), _data(world.application)
    )
    assert response.status_code == 200 and not Disclosure.objects.exists()
    assert 'data-testid="disclosure-start-link"' not in _text(
        client.get(_url("application-detail", world.application.pk))
    )


def test_application_page_offers_the_start_link(world: World) -> None:
    text = _text(signed_in_client(world.officer).get(_url("application-detail", world.application.pk)))
    assert 'data-testid="disclosure-start-link"' in text and "The disclosure has not been started" in text


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_start_denied(world: World, who: str, status: int) -> None:
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-disclosure-start", world.application.pk)).status_code == status
    response = client.post(
        _url("application-disclosure-start", world.application.pk), _data(world.application)
    )
    assert response.status_code == status
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(
        object_type="scheme_application", object_id=str(world.application.pk)
    ).exists()


# --- the support offered, and closing -----------------------------------------------------------


def _started_and_delivered(world: World) -> Application:
    client = signed_in_client(world.officer)
    client.post(_url("application-disclosure-start", world.application.pk), _data(world.application))
    disclosure = _fresh(world.application).disclosure
    assert disclosure is not None
    disclosure_delivered(disclosure, world.officer)
    return _fresh(world.application)


def test_support_page_waits_for_the_delivery(world: World) -> None:
    client = signed_in_client(world.officer)
    client.post(_url("application-disclosure-start", world.application.pk), _data(world.application))
    text = _text(client.get(_url("application-disclosure-support", world.application.pk)))
    assert 'data-testid="not-editable"' in text and "Record the disclosure as delivered" in text
    response = client.post(
        _url("application-disclosure-support", world.application.pk),
        {"support_referral": SUPPORT, "version": str(_fresh(world.application).version)},
    )
    assert response.status_code == 200 and _fresh(world.application).support_referral == ""


def test_support_recorded_then_the_application_closes(world: World) -> None:
    application = _started_and_delivered(world)
    client = signed_in_client(world.officer)
    detail = _text(client.get(_url("application-detail", application.pk)))
    assert 'data-testid="disclosure-support-link"' in detail and "Delivered" in detail
    empty = client.post(
        _url("application-disclosure-support", application.pk), {"version": str(application.version)}
    )
    assert empty.status_code == 200
    assert "Enter the support offered to the applicant and the person told" in _text(empty)
    response = client.post(
        _url("application-disclosure-support", application.pk),
        {"support_referral": SUPPORT, "version": str(application.version)},
    )
    assert response.status_code == 302 and _fresh(application).support_referral == SUPPORT
    assert SUPPORT in _text(client.get(_url("application-detail", application.pk)))
    saved = _fresh(application)
    saved.stage = "outcome"
    saved.save(override=True)
    closed = client.post(
        _url("application-advance", application.pk), {"version": str(saved.version), "note": ""}
    )
    assert closed.status_code == 302 and _fresh(application).status == ApplicationStatus.CLOSED


@pytest.mark.parametrize(("who", "status"), DENIED)
def test_support_denied(world: World, who: str, status: int) -> None:
    application = _started_and_delivered(world)
    client = signed_in_client(world.user(who))
    assert client.get(_url("application-disclosure-support", application.pk)).status_code == status
    response = client.post(
        _url("application-disclosure-support", application.pk),
        {"support_referral": SUPPORT, "version": str(application.version)},
    )
    assert response.status_code == status and _fresh(application).support_referral == ""
