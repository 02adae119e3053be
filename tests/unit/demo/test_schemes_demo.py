"""The demo's disclosure scheme applications (mappa/demo/schemes.py): every stage of both schemes
and every flag in Durham Constabulary's queue, decisions to disclose delivered through disclosure
records, each application made through the services and meeting its own rules, synthetic, and
loaded once."""

import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from pytest_django import DjangoDbBlocker

from mappa.accounts.models import User
from mappa.accounts.services import act_as, notice_accept
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import verify_chain
from mappa.demo.durham import _username
from mappa.disclosure_schemes.models import Application, ApplicationStatus, Route, SchemeOutcome
from mappa.disclosure_schemes.selectors import queue
from mappa.disclosure_schemes.services_applications import (
    is_overdue,
    needs_safeguarding_plan,
    record_missing,
    scheme_edition,
)
from mappa.disclosure_schemes.services_outcome import outcome_complete
from mappa.disclosures.models import DisclosureStatus
from tests.conftest import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]

OFFICER = _username("DURHAM-POLICE", "disclosure_scheme_officer")
DRAMA_RANGE = re.compile(r"^07700 900\d{3}$")


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _officer() -> User:
    user = User.objects.get(username=OFFICER)
    act_as(user, user.memberships.select_related("agency").get())
    return user


def _open(scheme: str) -> set[str]:
    return set(
        Application.objects.filter(scheme=scheme, status=ApplicationStatus.OPEN).values_list(
            "stage", flat=True
        )
    )


def test_every_stage_of_sarahs_law_is_in_the_queue() -> None:
    assert _open("csods") == {"initial_checks", "face_to_face", "risk_assessment", "decision", "outcome"}
    csods = Application.objects.filter(scheme="csods")
    assert csods.filter(status=ApplicationStatus.CLOSED).count() == 2
    assert csods.filter(status=ApplicationStatus.NOT_PROCEEDING).count() == 1
    assert 13 <= Application.objects.count() <= 18


def test_clares_law_right_to_know_third_party_and_closed() -> None:
    dvds = Application.objects.filter(scheme="dvds")
    right_to_know = dvds.get(route=Route.RIGHT_TO_KNOW)
    assert right_to_know.stage == "initial_checks"
    assert right_to_know.status == ApplicationStatus.OPEN
    third_party = dvds.exclude(person_at_risk_name="").get(route=Route.RIGHT_TO_ASK)
    assert third_party.stage == "face_to_face"
    closed = dvds.filter(status=ApplicationStatus.CLOSED)
    assert {a.outcome for a in closed} == {SchemeOutcome.DO_NOT_DISCLOSE, SchemeOutcome.DISCLOSE}


def test_one_overdue_application_needs_a_safeguarding_plan() -> None:
    flagged = [a for a in Application.objects.all() if needs_safeguarding_plan(a)]
    assert len(flagged) == 1
    assert flagged[0].scheme == "csods"
    assert flagged[0].stage == "initial_checks"
    assert not flagged[0].immediate_risk


def test_one_immediate_risk_with_the_action_taken() -> None:
    flagged = Application.objects.get(immediate_risk=True)
    assert flagged.status == ApplicationStatus.OPEN
    assert len(flagged.immediate_risk_action) >= 20


def test_the_officers_queue_shows_the_open_applications_and_their_flags() -> None:
    officer = _officer()
    rows = queue(fetched_by=officer)
    assert {a.pk for a in rows} == set(
        Application.objects.filter(status=ApplicationStatus.OPEN).values_list("pk", flat=True)
    )
    assert rows[0].immediate_risk  # flagged first
    notice_accept(user=officer)  # as at the officer's first sign-in
    response = signed_in_client(officer).get(reverse("disclosure_schemes:application-queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Safeguarding plan needed" in page
    assert "Immediate risk" in page
    for application in rows:
        assert escape(application.reference) in page


def test_every_application_meets_its_own_rules() -> None:
    for application in Application.objects.prefetch_related("stages"):
        edition = scheme_edition(application)
        codes = [stage.code for stage in edition.stages]
        records = {record.stage: record for record in application.stages.all()}
        position = codes.index(application.stage)
        # Every stage up to the current one was started; every stage before it was completed
        # by an officer, with the records it requires.
        assert set(records) == set(codes[: position + 1]), application.reference
        for stage in edition.stages[:position]:
            assert records[stage.code].completed_by is not None
            for record in stage.requires:
                assert record_missing(application, record) is None, (application.reference, record)
        if application.status == ApplicationStatus.CLOSED:
            assert application.stage == codes[-1]
            assert records[codes[-1]].completed_at is not None
            assert outcome_complete(application)
            assert application.closed_at is not None
            assert application.support_referral
        elif application.status == ApplicationStatus.NOT_PROCEEDING:
            assert application.stage == codes[0]
            assert "general enquiry" in application.not_proceeding_reason
        else:
            assert records[application.stage].completed_at is None
        # An application past its target moved on only with a safeguarding plan.
        if application.status != ApplicationStatus.OPEN or position > 0:
            assert not needs_safeguarding_plan(application)
        if is_overdue(application) and position > 0:
            assert application.safeguarding_plan


def test_decisions_and_outcomes() -> None:
    being_told = Application.objects.get(
        status=ApplicationStatus.OPEN, stage="outcome", outcome=SchemeOutcome.DO_NOT_DISCLOSE
    )
    assert being_told.outcome == SchemeOutcome.DO_NOT_DISCLOSE
    assert not being_told.presumption_applies
    assert being_told.decision_rationale
    assert being_told.non_disclosure_communicated_at is None
    # Found in the people index, and not a MAPPA nominal.
    assert being_told.subject_person is not None
    assert being_told.subject_nominal is None
    at_decision = Application.objects.get(status=ApplicationStatus.OPEN, stage="decision")
    assert at_decision.checks_recorded_at is not None
    assert at_decision.subject_nominal is None
    referred = Application.objects.get(outcome=SchemeOutcome.REFER)
    assert referred.status == ApplicationStatus.CLOSED
    assert "Children's Services" in referred.referred_to
    at_risk_assessment = Application.objects.get(scheme="csods", stage="risk_assessment")
    assert at_risk_assessment.identity_verified_at is not None


def test_synthetic_contact_details_only() -> None:
    for application in Application.objects.all():
        if application.applicant_phone:
            assert DRAMA_RANGE.match(application.applicant_phone), application.applicant_phone
        if application.applicant_email:
            assert application.applicant_email.endswith("@example.invalid")
    phones = [a.applicant_phone for a in Application.objects.exclude(applicant_phone="")]
    assert len(phones) == len(set(phones))


def test_public_applications_were_received_through_the_form() -> None:
    received = AuditEvent.objects.filter(
        actor_username="public:application", object_type="scheme_application"
    )
    public = Application.objects.filter(route=Route.RIGHT_TO_ASK)
    assert sorted(int(pk) for pk in received.values_list("object_id", flat=True)) == sorted(
        public.values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(
        actor_username=OFFICER, object_type="scheme_application", action=Action.COLLECTION
    ).exists()


def test_idempotent_and_audited() -> None:
    before = AuditEvent.objects.count(), Application.objects.count()
    call_command("demo", stdout=StringIO())
    assert (AuditEvent.objects.count(), Application.objects.count()) == before
    assert AuditEvent.objects.filter(actor_username="system:demo", object_type="demo_schemes").count() == 1
    assert (
        AuditEvent.objects.filter(actor_username="system:demo", object_type="demo_schemes_disclose").count()
        == 1
    )
    assert verify_chain().ok


def test_decisions_to_disclose_started_prepared_and_delivered() -> None:
    disclosing = Application.objects.filter(outcome=SchemeOutcome.DISCLOSE).select_related("disclosure")
    by_state = {(a.scheme, a.disclosure.status if a.disclosure else None): a for a in disclosing}
    assert set(by_state) == {
        ("csods", DisclosureStatus.DECIDED),
        ("dvds", DisclosureStatus.DELIVERED),
        ("csods", DisclosureStatus.PREPARED),
    }
    started = by_state[("csods", DisclosureStatus.DECIDED)]
    assert started.status == ApplicationStatus.OPEN and started.stage == "outcome"
    assert started.subject_nominal is None and started.disclosure is not None
    assert started.disclosure.nominal is None and started.disclosure.subject == started.subject_person
    delivered = by_state[("dvds", DisclosureStatus.DELIVERED)]
    assert delivered.status == ApplicationStatus.CLOSED and delivered.support_referral
    assert delivered.subject_nominal is None
    logged = AuditEvent.objects.get(
        object_type="disclosure", object_id=str(delivered.disclosure_id), action=Action.DISCLOSURE
    )
    assert logged.actor_username == OFFICER and len(logged.recipients) == 1
    nominal_case = by_state[("csods", DisclosureStatus.PREPARED)]
    assert nominal_case.subject_nominal is not None and nominal_case.forum == "mappa"
    assert nominal_case.decision_minutes is not None and nominal_case.lead_agency_told_at is not None
    assert nominal_case.disclosure is not None
    assert nominal_case.disclosure.nominal == nominal_case.subject_nominal
    assert nominal_case.disclosure.decision_minutes == nominal_case.decision_minutes
