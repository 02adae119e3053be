"""Reading the log is itself logged: the services the auditor's pages call."""

from datetime import date

import pytest

from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import (
    audit_event_consulted,
    audit_log_consulted,
    audit_log_exported,
    record_event,
    verify_chain,
)
from mappa.core.exceptions import PermissionDenied
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def test_listing_names_the_filters_and_keeps_their_values_in_detail():
    auditor = member(["auditor"])
    assert auditor.acting_membership is not None
    event = audit_log_consulted(
        by=auditor,
        filters={"username": "alice", "date_from": date(2026, 3, 27), "object_id": "", "agency": None},
        page=2,
    )
    assert event.action == Action.CONSULTATION
    assert event.object_type == "audit_log"
    assert event.actor_user_id == auditor.pk
    assert event.object_agency_id == auditor.acting_membership.agency_id
    assert event.summary == "Audit log listed, filtered by username, date from"
    # The values (here a colleague's username) are not in the summary shown in lists.
    assert "alice" not in event.summary
    assert event.detail == {"filters": {"username": "alice", "date_from": "2026-03-27"}, "page": 2}
    assert verify_chain().ok


def test_listing_without_filters_says_so():
    event = audit_log_consulted(by=member(["auditor"]), filters={})
    assert event.summary == "Audit log listed, no filters"
    assert event.detail == {"filters": {}}


def test_opening_an_event_names_it_its_agency_and_nominal():
    auditor = member(["auditor"])
    seen = record_event(action=Action.DISCLOSURE, object_agency_id=5, nominal_id=77)
    event = audit_event_consulted(by=auditor, event=seen)
    assert (event.object_type, event.object_id) == ("audit_event", str(seen.sequence))
    assert (event.object_agency_id, event.nominal_id) == (5, 77)
    assert event.summary == f"Audit event #{seen.sequence} viewed"


def test_an_export_is_recorded_as_such():
    auditor = member(["auditor"])
    event = audit_log_exported(by=auditor, filters={"action": "disclosure"})
    assert event.action == Action.EXPORT
    assert event.summary == "Audit log exported as CSV, filtered by action"
    assert event.detail == {"filters": {"action": "disclosure"}, "format": "csv"}


@pytest.mark.parametrize(
    "call",
    [
        lambda user: audit_log_consulted(by=user, filters={}),
        lambda user: audit_log_exported(by=user, filters={}),
        lambda user: audit_event_consulted(by=user, event=record_event(action=Action.COLLECTION)),
    ],
    ids=["list", "export", "detail"],
)
def test_only_auditors_may_consult(call):
    practitioner = member(["practitioner"])
    before = AuditEvent.objects.filter(object_type__startswith="audit_").count()
    with pytest.raises(PermissionDenied):
        call(practitioner)
    assert AuditEvent.objects.filter(object_type__startswith="audit_").count() == before
