"""The demo's subject access requests (mappa/demo/subject_access.py): a request in each state,
received by police, probation and children's services, the deadline states (provisional, paused,
extended, late), decisions with redactions and grounds, a chair consultation left waiting, ready
bundles and s.62 disclosures, all written through the services by the demo users, and loaded once."""

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoDbBlocker

from mappa.accounts.models import User
from mappa.accounts.services import act_as, notice_accept
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import verify_chain
from mappa.demo.durham import _username
from mappa.subject_access import deadlines
from mappa.subject_access.models import (
    BundleStatus,
    ChairConsultation,
    ConsultationStatus,
    ItemDecision,
    ItemKind,
    PartItem,
    PartStatus,
    Regime,
    RequestPart,
    RequestStatus,
    ResponseBundle,
    SubjectAccessRequest,
)
from mappa.subject_access.selectors import deadline
from mappa.subject_access.selectors_parts import pending_consultations
from mappa.subject_access.services_parts import REDACTED, redacted_sections
from tests.conftest import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]

POLICE, PROBATION, CHILDREN = "DURHAM-POLICE", "PS-NORTH-EAST", "DCC-CHILDREN"
CHAIR = _username(POLICE, "meeting_chair")


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _acting(username: str) -> User:
    user = User.objects.get(username=username)
    act_as(user, user.memberships.select_related("agency").get())
    return user


def _one(**filters: object) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.get(**filters)


def _routed_with_consultation() -> SubjectAccessRequest:
    return _one(status=RequestStatus.ROUTED, requester_is_subject=False)


def test_a_request_in_each_state_received_by_three_agencies() -> None:
    requests = SubjectAccessRequest.objects.select_related("receiving_agency")
    states = sorted(r.status for r in requests)
    assert states == sorted(
        [RequestStatus.AWAITING_IDENTITY]
        + [RequestStatus.FINDING] * 2
        + [RequestStatus.ROUTED] * 3
        + [RequestStatus.CLOSED] * 2
        + [RequestStatus.WITHDRAWN]
    )
    assert {r.receiving_agency.code for r in requests} == {POLICE, PROBATION, CHILDREN}
    # Each recorded by a SAR officer of the agency that received it.
    for request in requests.select_related("recorded_by"):
        assert request.recorded_by.username == _username(request.receiving_agency.code, "sar_officer")


def test_just_received_has_a_provisional_deadline() -> None:
    request = _one(status=RequestStatus.AWAITING_IDENTITY)
    assert request.identity_verified_on is None
    assert not request.requester_is_subject and request.requester_authority
    state = deadline(request)
    assert "provisional until identity is verified" in state.explanation
    assert state.due == deadlines.due_date(request.received_on, None, today=timezone.localdate())
    assert not state.late and not state.paused


def test_clarification_awaited_pauses_the_deadline() -> None:
    paused = [r for r in SubjectAccessRequest.objects.all() if deadline(r).paused]
    assert len(paused) == 1
    request = paused[0]
    assert request.status == RequestStatus.FINDING
    assert request.identity_verified_on is not None
    pause = request.pauses.get()
    assert pause.answered_on is None and pause.what_was_asked
    assert deadline(request).display == "Paused"


def test_records_confirmed_and_not_yet_routed() -> None:
    request = SubjectAccessRequest.objects.get(status=RequestStatus.FINDING, pauses__isnull=True)
    assert request.subject_records.exists()
    assert not request.parts.exists()
    searched = AuditEvent.objects.get(
        object_type="subject_access_request", object_id=str(request.pk), action=Action.CONSULTATION
    )
    assert request.reference in searched.justification


def test_extended_by_two_months_with_a_notice_in_time() -> None:
    request = _one(extension_months=2)
    assert request.status == RequestStatus.ROUTED
    assert request.extension_reason and request.extension_notice_on is not None
    state = deadline(request)
    assert request.extension_notice_on <= state.first_month_due
    assert state.due > state.first_month_due + timedelta(days=55)
    assert "extended by 2 months" in state.explanation
    assert not state.late
    # The health trust withheld its item on a clinician's advice: a UK GDPR ground.
    withheld = PartItem.objects.get(part__request=request, decision=ItemDecision.WITHHOLD)
    assert withheld.part.regime == Regime.UK_GDPR
    assert withheld.exemption == "sch3_health" and withheld.reason


def test_late_request_with_a_part_still_open() -> None:
    late = [r for r in SubjectAccessRequest.objects.all() if deadline(r).late]
    assert len(late) == 1
    request = late[0]
    assert request.status == RequestStatus.ROUTED
    assert request.received_on == timezone.localdate() - timedelta(days=40)
    assert request.identity_verified_on == request.received_on
    assert request.parts.filter(status=PartStatus.OPEN).exists()
    answered = request.parts.get(status=PartStatus.ANSWERED)
    assert answered.agency.kind == "prison"
    disclosed = AuditEvent.objects.get(
        object_type="sar_part", object_id=str(answered.pk), action=Action.DISCLOSURE
    )
    assert disclosed.detail["late"] is True


def test_routed_request_has_parts_decided_item_by_item() -> None:
    request = _routed_with_consultation()
    parts = {part.agency.code: part for part in request.parts.select_related("agency")}
    assert set(parts) == {POLICE, PROBATION, CHILDREN}
    assert parts[PROBATION].status == PartStatus.ANSWERED
    assert parts[POLICE].status == PartStatus.OPEN and parts[CHILDREN].status == PartStatus.OPEN
    police = PartItem.objects.filter(part=parts[POLICE])
    # Every kind of record about a nominal; he is not anyone's person at risk, nor was he told.
    about_others = {ItemKind.PERSON_AT_RISK, ItemKind.DISCLOSURE_RECIPIENT}
    assert {item.kind for item in police} == set(ItemKind.values) - about_others
    assert {item.decision for item in police} == set(ItemDecision.values)  # some still undecided
    for item in police.exclude(decision__in=[ItemDecision.PENDING, ItemDecision.RELEASE]):
        assert item.exemption and item.reason  # never a blanket decision
    withheld = police.get(decision=ItemDecision.WITHHOLD)
    assert withheld.kind == ItemKind.SCHEME_APPLICATION
    assert withheld.exemption == "s45_4_e"


def test_redacted_items_lose_the_marked_words() -> None:
    redacted = PartItem.objects.filter(decision=ItemDecision.REDACT)
    assert redacted.count() >= 3
    for item in redacted:
        assert item.redactions and item.exemption and item.reason
        released = " ".join(section["text"] for section in redacted_sections(item))
        assert REDACTED in released
        for index, spans in item.redactions.items():
            original = item.content[int(index)]["text"]
            for start, end in spans:
                assert original[start:end] not in released
    entry = redacted.filter(kind=ItemKind.MINUTES_ENTRY).first()
    assert entry is not None
    assert "a new partner with two children" not in " ".join(s["text"] for s in redacted_sections(entry))


def test_one_chair_consultation_is_waiting() -> None:
    pending = ChairConsultation.objects.get(status=ConsultationStatus.PENDING)
    assert pending.item.part.request == _routed_with_consultation()
    assert pending.item.part.agency.code == CHILDREN
    assert pending.item.decision == ItemDecision.PENDING
    assert ChairConsultation.objects.filter(status=ConsultationStatus.RESPONDED).exclude(view="").count() >= 5
    chair = _acting(CHAIR)
    assert list(pending_consultations(fetched_by=chair)) == [pending]


def test_every_answered_part_has_a_ready_bundle_and_an_s62_disclosure() -> None:
    answered = RequestPart.objects.filter(status=PartStatus.ANSWERED)
    assert answered.count() == 5
    for part in answered:
        bundle = ResponseBundle.objects.filter(part=part).get()
        assert bundle.status == BundleStatus.READY
        assert bytes(bundle.pdf or b"").startswith(b"%PDF") and bundle.sha256
        event = AuditEvent.objects.get(
            object_type="sar_part", object_id=str(part.pk), action=Action.DISCLOSURE
        )
        assert event.recipients and event.actor_username == _username(part.agency.code, "sar_officer")
        assert event.detail["sha256"] == bundle.sha256
    from_solicitor = answered.get(request__requester_is_subject=False)
    logged = AuditEvent.objects.get(object_type="sar_part", object_id=str(from_solicitor.pk))
    assert "representative of the data subject" in logged.recipients[0]


def test_closed_when_every_part_is_answered_and_closed_nothing_held() -> None:
    closed = SubjectAccessRequest.objects.filter(status=RequestStatus.CLOSED)
    answered = closed.get(parts__isnull=False, parts__agency__code=POLICE)
    assert not answered.parts.filter(status=PartStatus.OPEN).exists()
    assert answered.parts.count() == 3 and answered.closed_at is not None
    assert not deadline(answered).late
    nothing = closed.get(parts__isnull=True)
    # In no agency's records: searched for (recorded), nothing confirmed, closed from finding.
    assert not nothing.subject_records.exists()
    assert AuditEvent.objects.filter(
        object_type="subject_access_request",
        object_id=str(nothing.pk),
        action=Action.CONSULTATION,
        detail__via="subject_access",
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="subject_access_request",
        object_id=str(nothing.pk),
        summary__startswith="Subject access request closed: nothing held",
    ).exists()


def test_withdrawn_with_a_reason() -> None:
    request = _one(status=RequestStatus.WITHDRAWN)
    assert request.withdrawn_reason and request.closed_at is not None
    assert not deadline(request).late


def test_every_write_was_a_service_acting_as_a_demo_user() -> None:
    officers = {_username(code, "sar_officer") for code in (POLICE, PROBATION, CHILDREN)}
    writers = set(
        AuditEvent.objects.filter(object_type="subject_access_request").values_list(
            "actor_username", flat=True
        )
    )
    # Receiving officers, and the owning officer whose answer closed a request.
    assert officers <= writers
    assert all(writer.endswith(".sar-officer") for writer in writers)
    chairs = set(
        AuditEvent.objects.filter(object_type="sar_chair_consultation").values_list(
            "actor_username", flat=True
        )
    )
    assert chairs == {CHAIR}


def test_the_probation_officers_list_shows_paused_and_late() -> None:
    officer = _acting(_username(PROBATION, "sar_officer"))
    notice_accept(user=officer)  # as at the officer's first sign-in
    response = signed_in_client(officer).get(reverse("subject_access:request-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Paused" in page and "Late" in page
    for request in SubjectAccessRequest.objects.filter(receiving_agency__code=PROBATION):
        assert escape(request.reference) in page


def test_idempotent_and_audited() -> None:
    before = (
        AuditEvent.objects.count(),
        SubjectAccessRequest.objects.count(),
        PartItem.objects.count(),
        ResponseBundle.objects.count(),
    )
    call_command("demo", stdout=StringIO())
    after = (
        AuditEvent.objects.count(),
        SubjectAccessRequest.objects.count(),
        PartItem.objects.count(),
        ResponseBundle.objects.count(),
    )
    assert after == before
    assert (
        AuditEvent.objects.filter(actor_username="system:demo", object_type="demo_subject_access").count()
        == 1
    )
    assert verify_chain().ok
