"""Starting the disclosure of a scheme decision to disclose, the support offered with it, and
closing the application once it is delivered (services_delivery.py, services_applications.py).

One world: NominalSetup's North and South, a disclosure scheme officer in each police force, a
subject held by North Police who is not a MAPPA nominal, another who is (led by North
Probation), and a CSODS application to North Police decided "disclose" about the first.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes import services_applications, services_delivery
from mappa.disclosure_schemes.models import Application, ApplicationStatus, SchemeOutcome
from mappa.disclosures.models import Disclosure, DisclosureStatus, Forum, Scheme
from mappa.nominals.models import Nominal
from mappa.people.models import Person
from tests.factories.accounts import member
from tests.factories.disclosure_schemes import (
    START_ANSWERS,
    ApplicationFactory,
    checked,
    decided,
    disclosure_delivered,
    to_disclose,
)
from tests.factories.meetings import held_minutes
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

SUPPORT = "Synthetic: referred to the local family support service, which she accepted."


@dataclass
class World:
    setup: NominalSetup
    officer: Any
    south_officer: Any
    subject: Person
    nominal_subject: Person
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
    nominal_subject = make_person(setup.north.police, "Synthor", "Pellingham", (1970, 1, 2))
    nominal = NominalFactory(lead_agency=setup.north.probation, area=setup.area, person=nominal_subject)
    application = ApplicationFactory(receiving_agency=setup.north.police)
    to_disclose(application, officer, person=subject, forum="police_and_partners")
    return World(setup, officer, south_officer, subject, nominal_subject, nominal, application)


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _events(application: Application, **filters: Any) -> Any:
    return AuditEvent.objects.filter(
        object_type="scheme_application", object_id=str(application.pk), **filters
    )


def _start(world: World, application: Application | None = None, **overrides: Any) -> Application:
    application = application or world.application
    arguments: dict[str, Any] = {
        "application": application,
        "version": _fresh(application).version,
        **START_ANSWERS,
        "by": world.officer,
    }
    arguments.update(overrides)
    return services_delivery.disclosure_start(**arguments)


# --- starting the disclosure --------------------------------------------------------------------


def test_start_opens_a_decided_disclosure_carrying_the_decision(world: World) -> None:
    before = _fresh(world.application)
    saved = _start(world)
    disclosure = saved.disclosure
    assert disclosure is not None and saved.version == before.version + 1
    assert disclosure.scheme == Scheme.CSODS and disclosure.status == DisclosureStatus.DECIDED
    assert disclosure.outcome == "disclose"
    assert disclosure.subject == world.subject and disclosure.nominal is None
    assert disclosure.proposing_agency == world.setup.north.police
    assert disclosure.decided_by == before.decided_by and disclosure.decided_at == before.decided_at
    assert disclosure.decision_rationale == before.decision_rationale
    assert disclosure.information_summary == START_ANSWERS["information_summary"]
    assert before.reference in disclosure.purpose
    [recipient] = disclosure.recipients.all()
    assert recipient.kind == "parent_guardian" and recipient.name == "Synthetic Recipient"
    assert recipient.identity_confirmed_how == START_ANSWERS["identity_confirmed_how"]
    event = _events(saved, action=Action.COLLECTION).get()
    assert event.changed_fields == ["disclosure"] and event.detail["disclosure_id"] == disclosure.pk
    assert event.object_agency_id == world.setup.north.police.pk and event.nominal_id is None
    assert event.summary == f"Disclosure scheme disclosure started: {saved.reference}"
    assert "Synthetic Recipient" not in str(event.detail) and "Quarrender" not in event.summary
    assert AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk)).exists()


def test_start_for_a_nominal_carries_the_nominal_and_the_meetings_minutes(world: World) -> None:
    application = ApplicationFactory(receiving_agency=world.setup.north.police)
    minutes = held_minutes(world.nominal, chair=world.setup.chair, level=2)
    to_disclose(
        application,
        world.officer,
        person=world.nominal_subject,
        nominal=world.nominal,
        forum="mappa",
        decision_minutes=minutes,
    )
    disclosure = _start(world, application).disclosure
    assert disclosure is not None
    assert disclosure.nominal == world.nominal and disclosure.subject == world.nominal_subject
    assert disclosure.decision_minutes == minutes and disclosure.forum == Forum.MEETING
    assert _events(application, action=Action.COLLECTION).get().nominal_id == world.nominal.pk


def test_start_for_dvds(world: World) -> None:
    application = ApplicationFactory(receiving_agency=world.setup.north.police, scheme="dvds")
    to_disclose(application, world.officer, person=world.subject, forum="marac")
    disclosure = _start(world, application, recipient_kind="new_partner").disclosure
    assert disclosure is not None and disclosure.scheme == Scheme.DVDS


@pytest.mark.parametrize("who", ["south_officer", "practitioner", "probation_practitioner", "coordinator"])
def test_start_refused_to_anyone_but_the_receiving_forces_scheme_officers(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        _start(world, by=world.user(who))
    assert _fresh(world.application).disclosure is None
    assert not Disclosure.objects.exists() and not _events(world.application).exists()


def test_start_refused_unless_the_decision_is_to_disclose(world: World) -> None:
    decided(world.application, world.officer, outcome=SchemeOutcome.DO_NOT_DISCLOSE)
    with pytest.raises(ApplicationError, match=services_delivery.NOT_DISCLOSE_MESSAGE):
        _start(world)
    assert not Disclosure.objects.exists()


def test_start_refused_with_no_subject_linked(world: World) -> None:
    checked(world.application, world.officer)  # no record found
    with pytest.raises(ApplicationError, match="linked no record of the subject"):
        _start(world)
    assert not Disclosure.objects.exists()


def test_start_refused_twice(world: World) -> None:
    _start(world)
    with pytest.raises(ApplicationError, match="already been started"):
        _start(world)
    assert Disclosure.objects.count() == 1


def test_start_refused_on_a_stale_version(world: World) -> None:
    with pytest.raises(ApplicationError, match="Someone else changed this application"):
        _start(world, version=_fresh(world.application).version - 1)
    assert not Disclosure.objects.exists() and not _events(world.application).exists()


def test_start_refused_when_closed(world: World) -> None:
    world.application.status = ApplicationStatus.CLOSED
    world.application.save(override=True)
    with pytest.raises(ApplicationError, match="is closed"):
        _start(world)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient_kind", "stranger", "Choose who the recipient is"),
        ("recipient_name", " ", "Enter the recipient's name"),
        ("recipient_relationship", "", "Enter the recipient's relationship"),
        ("identity_confirmed_how", "", "Enter how the recipient's identity was confirmed"),
        ("why_right_person", "", "Enter why the recipient is the person best placed"),
        ("information_summary", "", "Enter what the recipient will be told"),
        ("offender_risk", "", "Enter the risk to the subject of disclosing"),
    ],
)
def test_start_refused_with_an_answer_missing_leaves_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as error:
        _start(world, None, **{field: value})
    assert error.value.field == field and message in error.value.message
    assert _fresh(world.application).disclosure is None
    assert not Disclosure.objects.exists() and not _events(world.application).exists()


# --- the support offered ------------------------------------------------------------------------


def _support(world: World, **overrides: Any) -> Application:
    arguments: dict[str, Any] = {
        "application": world.application,
        "version": _fresh(world.application).version,
        "support_referral": SUPPORT,
        "by": world.officer,
        **overrides,
    }
    return services_delivery.disclosure_support_record(**arguments)


def _delivered(world: World) -> Application:
    started = _start(world)
    assert started.disclosure is not None
    disclosure_delivered(started.disclosure, world.officer)
    return _fresh(world.application)


def test_support_refused_before_delivery(world: World) -> None:
    with pytest.raises(ApplicationError, match=services_delivery.NOT_DELIVERED_MESSAGE):
        _support(world)
    _start(world)
    with pytest.raises(ApplicationError, match=services_delivery.NOT_DELIVERED_MESSAGE):
        _support(world)
    assert _fresh(world.application).support_referral == ""


def test_support_refused_for_another_outcome(world: World) -> None:
    decided(world.application, world.officer, outcome=SchemeOutcome.REFER, referred_to="Synthetic")
    with pytest.raises(ApplicationError, match="Record a decision to disclose"):
        _support(world)


def test_support_recorded_after_delivery(world: World) -> None:
    _delivered(world)
    saved = _support(world)
    assert saved.support_referral == SUPPORT
    event = _events(saved, summary__startswith="Disclosure scheme support after disclosure").get()
    assert event.changed_fields == ["support_referral"] and SUPPORT not in str(event.detail)
    again = _support(world)
    assert again.version == saved.version  # unchanged: nothing written


def test_support_needs_a_sentence(world: World) -> None:
    _delivered(world)
    with pytest.raises(ApplicationError) as error:
        _support(world, support_referral="Leaflet")
    assert error.value.field == "support_referral" and "in a sentence or more" in error.value.message


@pytest.mark.parametrize("who", ["south_officer", "practitioner"])
def test_support_refused_to_others(world: World, who: str) -> None:
    _delivered(world)
    with pytest.raises(PermissionDenied):
        _support(world, by=world.user(who))
    assert _fresh(world.application).support_referral == ""


# --- closing the application --------------------------------------------------------------------


def _at_outcome_stage(world: World) -> Application:
    application = _fresh(world.application)
    application.stage = "outcome"
    application.save(override=True)
    return application


def _close(world: World) -> Application:
    application = _fresh(world.application)
    return services_applications.application_advance(
        application=application, version=application.version, by=world.officer
    )


def test_application_closes_only_once_delivered_and_support_recorded(world: World) -> None:
    _at_outcome_stage(world)
    with pytest.raises(ApplicationError, match="Record the disclosure as delivered"):
        _close(world)
    _start(world)
    with pytest.raises(ApplicationError, match="Record the disclosure as delivered"):
        _close(world)
    started = _fresh(world.application)
    assert started.disclosure is not None
    disclosure_delivered(started.disclosure, world.officer)
    with pytest.raises(ApplicationError, match="Record the support offered with the disclosure"):
        _close(world)
    _support(world)
    closed = _close(world)
    assert closed.status == ApplicationStatus.CLOSED and closed.closed_at is not None
    assert _events(closed, summary=f"Disclosure scheme application closed: {closed.reference}").exists()


def test_a_disclosure_not_made_after_a_refused_undertaking_changes_the_decision(world: World) -> None:
    from mappa.disclosure_schemes import services_outcome
    from mappa.disclosures import services_delivery as delivery

    _at_outcome_stage(world)
    started = _start(world)
    assert started.disclosure is not None
    returned = disclosure_delivered(started.disclosure, world.officer, undertaking="refused")
    assert returned.status == DisclosureStatus.RETURNED
    # The scheme officer, who ran the application, answers the refusal: not disclosing after all.
    delivery.disclosure_reconsider(
        disclosure=returned,
        version=returned.version,
        proceed=False,
        note="Synthetic: without her undertaking the information could reach him; we will not disclose.",
        by=world.officer,
    )
    application = _fresh(world.application)
    assert not services_outcome.outcome_complete(application)
    with pytest.raises(ApplicationError, match="was not made"):
        _close(world)

    def decide(outcome: str) -> Application:
        current = _fresh(world.application)
        return services_outcome.decision_record(
            application=current,
            version=current.version,
            outcome=outcome,
            forum="police_and_partners",
            rationale="Synthetic: the recipient refused the undertaking, so nothing was disclosed.",
            presumption_applies=True,
            presumption_rebuttal="Synthetic: an unkept confidence cannot protect the child.",
            recipient_is_applicant=True,
            applicant_told="outcome",
            by=world.officer,
        )

    with pytest.raises(ApplicationError, match="was not made"):
        decide(SchemeOutcome.DISCLOSE)
    decide(SchemeOutcome.DO_NOT_DISCLOSE)
    current = _fresh(world.application)
    services_outcome.non_disclosure_record(
        application=current,
        version=current.version,
        communicated_at=timezone.now(),
        how="in_person",
        support_referral=SUPPORT,
        by=world.officer,
    )
    closed = _close(world)
    assert closed.status == ApplicationStatus.CLOSED
    assert closed.outcome == SchemeOutcome.DO_NOT_DISCLOSE and closed.disclosure is not None


def test_the_disclosure_is_delivered_by_the_scheme_officer_with_its_s62_entry(world: World) -> None:
    application = _delivered(world)
    disclosure = application.disclosure
    assert disclosure is not None and disclosure.status == DisclosureStatus.DELIVERED
    entry = AuditEvent.objects.get(
        object_type="disclosure", object_id=str(disclosure.pk), action=Action.DISCLOSURE
    )
    assert entry.recipients == ["Synthetic Recipient (Parent, guardian or carer)"]
    assert entry.actor_user_id == world.officer.pk and entry.nominal_id is None


def test_the_decision_is_fixed_once_the_disclosure_is_started(world: World) -> None:
    from mappa.disclosure_schemes import services_outcome

    saved = _start(world)
    assert services_outcome.outcome_complete(saved)
    with pytest.raises(ApplicationError, match="the decision can no longer be changed"):
        services_outcome.decision_record(
            application=saved,
            version=saved.version,
            outcome=SchemeOutcome.DO_NOT_DISCLOSE,
            forum="police_and_partners",
            rationale="Synthetic: a change of mind after the disclosure was started.",
            presumption_applies=False,
            recipient_is_applicant=True,
            applicant_told="outcome",
            by=world.officer,
        )
