"""The auditor's pages, allowed and denied from one setup: agencies A and B, each with users."""

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from mappa.accounts.models import User
from mappa.agencies.models import Agency
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import record_event, verify_chain
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


@dataclass
class Setup:
    a: Agency
    b: Agency
    auditor_a: User
    practitioner_a: User
    auditor_b: User
    worker_b: User
    by_a: AuditEvent  # by A's practitioner
    b_about_a: AuditEvent  # by B's worker, about A's object
    b_only: AuditEvent  # by B's worker, about B's object


@pytest.fixture
def setup() -> Setup:
    # factory_boy's factories are untyped: a cast says what they build.
    a = AgencyFactory(code="A-POLICE", name="Agency A")
    b = AgencyFactory(code="B-HOUSING", name="Agency B", kind="housing_authority")
    auditor_a = member(["auditor"], agency=a, username="audrey")
    practitioner_a = member(["practitioner"], agency=a, username="alice")
    auditor_b = member(["auditor"], agency=b, username="bert")
    worker_b = member(["practitioner"], agency=b, username="bob")
    by_a = record_event(
        action=Action.DISCLOSURE,
        actor=practitioner_a,
        summary="Disclosed risk to the school",
        object_type="disclosure",
        object_id=11,
        object_agency_id=a.pk,
        justification="Children at risk",
        recipients=["Head teacher"],
    )
    b_about_a = record_event(
        action=Action.ALTERATION,
        actor=worker_b,
        summary="Updated the shared plan",
        object_type="plan",
        object_id=22,
        object_agency_id=a.pk,
        changed_fields=["contingencies"],
    )
    b_only = record_event(
        action=Action.CONSULTATION,
        actor=worker_b,
        summary="Read a housing note",
        object_type="item",
        object_id=33,
        object_agency_id=b.pk,
    )
    return Setup(a, b, auditor_a, practitioner_a, auditor_b, worker_b, by_a, b_about_a, b_only)


def _csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _consultations(user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor_user_id=user.pk, object_type__startswith="audit_"))


@pytest.mark.parametrize(("who", "status"), [("auditor_a", 200), ("practitioner_a", 403), ("worker_b", 403)])
@pytest.mark.parametrize("url", [LIST, EXPORT], ids=["list", "export"])
def test_only_auditors_may_read_the_log(setup, who, status, url):
    user = getattr(setup, who)
    response = signed_in_client(user).get(url)
    assert response.status_code == status
    if status == 403:
        assert _consultations(user) == []


def test_the_detail_page_is_forbidden_to_non_auditors(setup):
    url = reverse("audit:event-detail", args=[setup.by_a.sequence])
    assert signed_in_client(setup.practitioner_a).get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in():
    from django.test import Client

    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_list_shows_agency_a_events_to_a_and_not_b_only_ones(setup):
    response = signed_in_client(setup.auditor_a).get(LIST)
    body = response.content.decode()
    assert "Disclosed risk to the school" in body  # by A's user
    assert "Updated the shared plan" in body  # by B's user about A's object
    assert "Read a housing note" not in body  # B's user, B's object
    # Columns: actor username and agency, action label, object with its agency, the rest.
    assert "alice" in body
    assert "A-POLICE" in body
    assert "Disclosure" in body
    assert "disclosure 11" in body
    assert "Children at risk" in body
    assert "Head teacher" in body
    assert "contingencies" in body
    assert "govuk-table__caption" in body
    page_events = list(response.context["page"].object_list)
    assert [e.sequence for e in page_events] == sorted((e.sequence for e in page_events), reverse=True)


def test_b_auditor_sees_b_events_and_the_one_by_b_about_a(setup):
    body = signed_in_client(setup.auditor_b).get(LIST).content.decode()
    assert "Read a housing note" in body
    assert "Updated the shared plan" in body  # by B's user
    assert "Disclosed risk to the school" not in body


def test_each_list_view_is_recorded_with_its_filters(setup):
    client = signed_in_client(setup.auditor_a)
    client.get(LIST, {"username": "alice", "action": "disclosure"})
    (event,) = _consultations(setup.auditor_a)
    assert event.action == Action.CONSULTATION
    assert event.object_type == "audit_log"
    assert event.summary == "Audit log listed, filtered by username, action"
    assert event.detail == {"filters": {"username": "alice", "action": "disclosure"}, "page": 1}
    assert event.actor_agency_code == "A-POLICE"
    assert event.request_id  # the request's id, from the middleware
    client.get(LIST)
    assert len(_consultations(setup.auditor_a)) == 2
    assert verify_chain().ok


def test_the_reader_sees_their_earlier_consultations(setup):
    client = signed_in_client(setup.auditor_a)
    assert "Audit log listed" not in client.get(LIST).content.decode()
    assert "Audit log listed, no filters" in client.get(LIST).content.decode()


def test_the_count_and_the_rows_agree(setup):
    response = signed_in_client(setup.auditor_a).get(LIST)
    page = response.context["page"]
    assert page.paginator.count == len(page.object_list)


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"username": "alice"}, ["Disclosed risk"], ["Updated the shared plan"]),
        ({"action": "alteration"}, ["Updated the shared plan"], ["Disclosed risk"]),
        ({"object_type": "plan", "object_id": "22"}, ["Updated the shared plan"], ["Disclosed risk"]),
        ({"object_type": "plan", "object_id": "99"}, [], ["Updated the shared plan", "Disclosed risk"]),
    ],
)
def test_filters_narrow_the_list(setup, query, shown, hidden):
    body = signed_in_client(setup.auditor_a).get(LIST, query).content.decode()
    for text in shown:
        assert text in body
    for text in hidden:
        assert text not in body


def test_the_agency_filter_narrows_within_the_auditors_own_scope(setup):
    response = signed_in_client(setup.auditor_a).get(LIST, {"agency": setup.b.pk})
    body = response.content.decode()
    assert "Updated the shared plan" in body
    assert "Disclosed risk" not in body
    assert "Read a housing note" not in body  # still outside A's scope


def test_a_filter_matching_nothing_shows_the_empty_state(setup):
    body = signed_in_client(setup.auditor_a).get(LIST, {"username": "nobody-at-all"}).content.decode()
    assert "No events match these filters" in body
    assert "govuk-table__caption" not in body


def test_a_backwards_date_range_shows_a_govuk_error_and_reads_nothing(setup):
    response = signed_in_client(setup.auditor_a).get(LIST, {"date_from": "2/3/2026", "date_to": "1/3/2026"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Date to must be the same as or after date from" in body
    assert "govuk-form-group--error" in body
    assert 'href="#id_date_to"' in body
    assert "<title>Error: " in body
    assert "Disclosed risk" not in body
    assert _consultations(setup.auditor_a) == []


def test_a_not_a_date_shows_an_error(setup):
    body = signed_in_client(setup.auditor_a).get(LIST, {"date_from": "yesterday"}).content.decode()
    assert "Date from must be a real date" in body


def test_the_list_is_paginated_by_fifty_keeping_the_filters(setup):
    for n in range(60):
        record_event(action=Action.COLLECTION, actor=setup.practitioner_a, summary=f"bulk {n}")
    client = signed_in_client(setup.auditor_a)
    first = client.get(LIST, {"action": "collection"})
    assert len(first.context["page"].object_list) == 50
    body = first.content.decode()
    assert "govuk-pagination" in body
    assert "?action=collection&amp;page=2" in body
    second = client.get(LIST, {"action": "collection", "page": "2"})
    assert len(second.context["page"].object_list) == 10
    assert _consultations(setup.auditor_a)[0].detail["page"] == 2


def test_the_detail_page_shows_the_event_and_records_the_viewing(setup):
    url = reverse("audit:event-detail", args=[setup.b_about_a.sequence])
    response = signed_in_client(setup.auditor_a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-summary-list" in body
    assert "Updated the shared plan" in body
    assert "B-HOUSING" in body  # acting for
    assert "A-POLICE" in body  # object owned by
    assert "Practitioner" in body
    assert setup.b_about_a.hash in body
    (event,) = _consultations(setup.auditor_a)
    assert (event.object_type, event.object_id) == ("audit_event", str(setup.b_about_a.sequence))


@pytest.mark.parametrize("which", ["b_only", "missing"])
def test_the_detail_page_is_404_for_another_agencys_event_and_for_none(setup, which):
    sequence = setup.b_only.sequence if which == "b_only" else 10_000
    response = signed_in_client(setup.auditor_a).get(reverse("audit:event-detail", args=[sequence]))
    assert response.status_code == 404
    assert _consultations(setup.auditor_a) == []


def test_the_export_streams_the_filtered_events_and_is_recorded(setup):
    response = signed_in_client(setup.auditor_a).get(EXPORT, {"username": "alice"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert response.streaming
    rows = _csv_rows(response)
    assert [row["summary"] for row in rows] == ["Disclosed risk to the school"]
    (event,) = _consultations(setup.auditor_a)
    assert event.action == Action.EXPORT
    assert event.detail == {"filters": {"username": "alice"}, "format": "csv"}


def test_the_export_holds_only_events_before_its_own(setup):
    response = signed_in_client(setup.auditor_a).get(EXPORT)
    # Written while the file is still being streamed: not part of this export.
    late = record_event(action=Action.COLLECTION, actor=setup.practitioner_a, summary="late")
    rows = _csv_rows(response)
    (export,) = _consultations(setup.auditor_a)
    sequences = [int(row["sequence"]) for row in rows]
    assert {setup.b_about_a.sequence, setup.by_a.sequence} <= set(sequences)
    assert setup.b_only.sequence not in sequences
    assert export.sequence not in sequences
    assert late.sequence not in sequences
    assert all(sequence < export.sequence for sequence in sequences)


def test_an_export_with_bad_filters_goes_back_to_the_list_without_exporting(setup):
    response = signed_in_client(setup.auditor_a).get(EXPORT, {"date_from": "2/3/2026", "date_to": "1/3/2026"})
    assert response.status_code == 302
    assert response["Location"].startswith(LIST + "?")
    assert _consultations(setup.auditor_a) == []


def test_the_detail_page_lists_the_detail_values(setup):
    client = signed_in_client(setup.auditor_a)
    client.get(LIST, {"username": "alice"})
    (listing,) = _consultations(setup.auditor_a)
    body = client.get(reverse("audit:event-detail", args=[listing.sequence])).content.decode()
    assert "filters.username: alice" in body
    assert "page: 1" in body
