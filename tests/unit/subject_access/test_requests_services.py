"""The receiving side's services, each allowed and refused from the same setup: the receiving
agency's SAR officer, another agency's SAR officer and a practitioner of the receiving agency."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.subject_access import services_requests as services
from mappa.subject_access.models import ClarificationPause, RequestStatus, SubjectAccessRequest
from mappa.subject_access.selectors import deadline, request_list
from tests.factories.subject_access import RequestFactory, verified
from tests.unit.subject_access.sar_world import record_kwargs, sar_world

pytestmark = pytest.mark.django_db


def _request(world, **kwargs):
    return RequestFactory(receiving_agency=world.police, recorded_by=world.officer, **kwargs)


def test_record_allowed_for_sar_officer_with_their_agency_as_receiver() -> None:
    world = sar_world()
    request = services.request_record(**record_kwargs(), by=world.officer)
    assert request.receiving_agency == world.police
    assert request.reference.startswith("SAR-")
    assert request.status == RequestStatus.AWAITING_IDENTITY
    event = AuditEvent.objects.filter(object_type="subject_access_request", object_id=str(request.pk)).get()
    assert event.action == Action.COLLECTION
    assert "Quennell" not in str(event.detail)
    # The other agency's SAR officer records into their own agency.
    other = services.request_record(**record_kwargs(), by=world.other_officer)
    assert other.receiving_agency == world.probation


def test_record_refused_for_practitioner() -> None:
    world = sar_world()
    with pytest.raises(PermissionDenied):
        services.request_record(**record_kwargs(), by=world.practitioner)
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject_name": " "}, "subject_name"),
        ({"received_on": timezone.localdate() + timedelta(days=1)}, "received_on"),
        ({"received_on": None}, "received_on"),
        ({"scope": ""}, "scope"),
        ({"requester_is_subject": False}, "requester_name"),
        ({"requester_is_subject": False, "requester_name": "A Solicitor"}, "requester_capacity"),
        (
            {
                "requester_is_subject": False,
                "requester_name": "A Solicitor",
                "requester_capacity": "Solicitor",
            },
            "requester_authority",
        ),
        (
            {"scope_from": timezone.localdate(), "scope_to": timezone.localdate() - timedelta(days=9)},
            "scope_from",
        ),
    ],
)
def test_record_validates(overrides: dict, field: str) -> None:  # type: ignore[type-arg]
    world = sar_world()
    with pytest.raises(ApplicationError) as error:
        services.request_record(**record_kwargs(**overrides), by=world.officer)
    assert error.value.field == field


def test_record_with_representative() -> None:
    world = sar_world()
    request = services.request_record(
        **record_kwargs(
            requester_is_subject=False,
            requester_name="Synthetic Solicitors LLP",
            requester_capacity="Solicitor",
            requester_authority="Signed authority form seen",
        ),
        by=world.officer,
    )
    assert request.requester_capacity == "Solicitor"


def test_identity_verify_allowed_and_refused() -> None:
    world = sar_world()
    request = _request(world)
    for user in (world.other_officer, world.practitioner):
        with pytest.raises(PermissionDenied):
            services.identity_verify(
                request=request, version=1, verified_on=timezone.localdate(), evidence="Passport", by=user
            )
    with pytest.raises(ApplicationError) as error:
        services.identity_verify(
            request=request,
            version=1,
            verified_on=request.received_on - timedelta(days=1),
            evidence="Passport",
            by=world.officer,
        )
    assert error.value.field == "verified_on"
    with pytest.raises(ApplicationError):
        services.identity_verify(
            request=request, version=1, verified_on=timezone.localdate(), evidence=" ", by=world.officer
        )
    done = services.identity_verify(
        request=request, version=1, verified_on=timezone.localdate(), evidence="Passport", by=world.officer
    )
    assert done.status == RequestStatus.FINDING
    assert done.version == 2
    # Optimistic locking: a page loaded before the change is refused.
    with pytest.raises(ApplicationError):
        services.request_withdraw(request=request, version=1, reason="Changed mind", by=world.officer)


def test_clarification_pauses_the_clock_one_at_a_time() -> None:
    world = sar_world()
    request = _request(world, received_on=timezone.localdate() - timedelta(days=10))
    with pytest.raises(PermissionDenied):
        services.clarification_request(
            request=request,
            version=1,
            requested_on=timezone.localdate() - timedelta(days=5),
            what_was_asked="Which years?",
            by=world.other_officer,
        )
    services.clarification_request(
        request=request,
        version=1,
        requested_on=timezone.localdate() - timedelta(days=5),
        what_was_asked="Which years?",
        by=world.officer,
    )
    stored = request_list(fetched_by=world.officer).get(pk=request.pk)
    assert deadline(stored).paused
    with pytest.raises(ApplicationError):
        services.clarification_request(
            request=stored,
            version=stored.version,
            requested_on=timezone.localdate(),
            what_was_asked="Again?",
            by=world.officer,
        )
    with pytest.raises(PermissionDenied):
        services.clarification_answered(
            request=stored, version=stored.version, answered_on=timezone.localdate(), by=world.practitioner
        )
    services.clarification_answered(
        request=stored,
        version=stored.version,
        answered_on=timezone.localdate() - timedelta(days=2),
        by=world.officer,
    )
    stored = request_list(fetched_by=world.officer).get(pk=request.pk)
    state = deadline(stored)
    assert not state.paused
    assert state.paused_days == 3
    assert "plus 3 days paused" in state.explanation
    with pytest.raises(ApplicationError):
        services.clarification_answered(
            request=stored, version=stored.version, answered_on=timezone.localdate(), by=world.officer
        )
    assert ClarificationPause.objects.count() == 1


def test_extension_once_and_only_by_a_timely_notice() -> None:
    world = sar_world()
    request = verified(_request(world, received_on=timezone.localdate() - timedelta(days=40)))
    first_due = deadline(request).first_month_due
    assert first_due < timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.extension_record(
            request=request,
            version=1,
            notice_on=first_due,
            months=2,
            reason="Complex",
            by=world.other_officer,
        )
    with pytest.raises(ApplicationError) as error:
        services.extension_record(
            request=request,
            version=1,
            notice_on=first_due + timedelta(days=1),
            months=2,
            reason="Complex",
            by=world.officer,
        )
    assert error.value.field == "notice_on"
    with pytest.raises(ApplicationError):
        services.extension_record(
            request=request, version=1, notice_on=first_due, months=3, reason="Complex", by=world.officer
        )
    done = services.extension_record(
        request=request, version=1, notice_on=first_due, months=2, reason="Complex", by=world.officer
    )
    assert done.extension_months == 2
    assert deadline(done).due > first_due
    with pytest.raises(ApplicationError):
        services.extension_record(
            request=done, version=done.version, notice_on=first_due, months=1, reason="More", by=world.officer
        )


def test_withdraw_allowed_and_refused() -> None:
    world = sar_world()
    request = _request(world)
    with pytest.raises(PermissionDenied):
        services.request_withdraw(
            request=request, version=1, reason="Withdrawn by letter", by=world.practitioner
        )
    with pytest.raises(ApplicationError):
        services.request_withdraw(request=request, version=1, reason="", by=world.officer)
    done = services.request_withdraw(
        request=request, version=1, reason="Withdrawn by letter", by=world.officer
    )
    assert done.status == RequestStatus.WITHDRAWN
    assert not deadline(done).late
    with pytest.raises(ApplicationError):
        services.request_withdraw(request=done, version=done.version, reason="Again", by=world.officer)


def test_request_list_scoped_to_receiving_agency_sar_officers() -> None:
    world = sar_world()
    request = _request(world)
    assert list(request_list(fetched_by=world.officer)) == [request]
    assert not request_list(fetched_by=world.other_officer).exists()
    assert not request_list(fetched_by=world.practitioner).exists()
