"""The receiving side's pages, each allowed and denied from one setup: North Police's SAR officer
(the receiving agency), North Probation's SAR officer and a North Police practitioner. Pages about
one request record the consultation; none shows a part's content."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.subject_access import services_routing as routing
from mappa.subject_access.models import RequestStatus, SubjectAccessRequest
from tests.conftest import signed_in_client
from tests.factories.information_sharing import ItemFactory
from tests.factories.subject_access import RequestFactory, verified
from tests.unit.subject_access.sar_world import SarWorld, sar_world

pytestmark = pytest.mark.django_db

SECRET = "Synthetic secret: seen at the allotment on Tuesdays"


@pytest.fixture
def world(db: Any) -> SarWorld:
    return sar_world()


def _request(world: SarWorld, **kwargs: Any) -> SubjectAccessRequest:
    return RequestFactory(
        receiving_agency=world.police,
        recorded_by=world.officer,
        subject_name="Aldous Quennell",
        subject_date_of_birth=date(1979, 2, 11),
        **kwargs,
    )


def _url(name: str, *args: Any) -> str:
    return reverse(f"subject_access:{name}", args=args)


PAGES = [
    "request-detail",
    "request-identity",
    "request-clarification",
    "request-clarification-answered",
    "request-extension",
    "request-withdraw",
    "request-search",
    "request-route",
    "request-nothing-held",
]


@pytest.mark.parametrize("name", PAGES)
def test_request_pages_allowed_for_receiving_officer_hidden_from_others(world: SarWorld, name: str) -> None:
    sar = verified(_request(world))
    response = signed_in_client(world.officer).get(_url(name, sar.pk))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.CONSULTATION, object_type="subject_access_request", object_id=str(sar.pk)
    ).exists()
    assert signed_in_client(world.other_officer).get(_url(name, sar.pk)).status_code == 404
    assert signed_in_client(world.practitioner).get(_url(name, sar.pk)).status_code == 403
    assert signed_in_client(world.officer).get(_url(name, 999999)).status_code == 404


@pytest.mark.parametrize("name", ["request-list", "request-record", "request-report"])
def test_list_record_and_report_need_sar_manage(world: SarWorld, name: str) -> None:
    assert signed_in_client(world.officer).get(_url(name)).status_code == 200
    assert signed_in_client(world.other_officer).get(_url(name)).status_code == 200
    assert signed_in_client(world.practitioner).get(_url(name)).status_code == 403


def test_list_shows_own_agency_requests_with_deadline(world: SarWorld) -> None:
    mine = _request(world, received_on=timezone.localdate() - timedelta(days=60))
    other = RequestFactory(receiving_agency=world.probation, recorded_by=world.other_officer)
    body = signed_in_client(world.officer).get(_url("request-list")).content.decode()
    assert mine.reference in body
    assert other.reference not in body
    assert "Late" in body
    assert "Subject access" in body  # the navigation entry


def test_record_page_records_and_shows_errors(world: SarWorld) -> None:
    client = signed_in_client(world.officer)
    response = client.post(_url("request-record"), {"requester_is_subject": "yes"})
    assert response.status_code == 200
    assert "Enter the data subject&#x27;s full name" in response.content.decode()
    received = timezone.localdate() - timedelta(days=1)
    response = client.post(
        _url("request-record"),
        {
            "subject_name": "Aldous Quennell",
            "requester_is_subject": "no",
            "received_on_day": received.day,
            "received_on_month": received.month,
            "received_on_year": received.year,
            "scope": "Everything",
        },
    )
    assert response.status_code == 200
    assert "Enter the name of the person making the request" in response.content.decode()
    response = client.post(
        _url("request-record"),
        {
            "subject_name": "Aldous Quennell",
            "requester_is_subject": "yes",
            "received_on_day": received.day,
            "received_on_month": received.month,
            "received_on_year": received.year,
            "scope": "Everything",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("request-detail", sar.pk)
    assert sar.receiving_agency == world.police


def test_detail_explains_the_deadline_in_words(world: SarWorld) -> None:
    sar = verified(_request(world, received_on=date(2026, 2, 3)), on=date(2026, 2, 5))
    body = signed_in_client(world.officer).get(_url("request-detail", sar.pk)).content.decode()
    assert "Due 5 March 2026: one month from 5 February 2026, when identity was verified" in body


def test_identity_page_posts_and_refuses_others(world: SarWorld) -> None:
    sar = _request(world)
    today = timezone.localdate()
    data = {
        "evidence": "Passport seen",
        "verified_on_day": today.day,
        "verified_on_month": today.month,
        "verified_on_year": today.year,
        "version": sar.version,
    }
    assert (
        signed_in_client(world.other_officer).post(_url("request-identity", sar.pk), data).status_code == 404
    )
    assert (
        signed_in_client(world.practitioner).post(_url("request-identity", sar.pk), data).status_code == 403
    )
    response = signed_in_client(world.officer).post(_url("request-identity", sar.pk), data)
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.FINDING


def test_search_confirm_route_and_parts_without_content(world: SarWorld) -> None:
    ItemFactory(nominal=world.nominal, owner_agency=world.probation, detail=SECRET)
    sar = verified(_request(world))
    client = signed_in_client(world.officer)
    body = client.get(_url("request-search", sar.pk)).content.decode()
    assert world.person.source_ref in body
    # The item, the person record and the nominal record: all probation's.
    assert f"{world.probation.name}, 3 records" in body
    assert SECRET not in body
    response = client.post(
        _url("request-search", sar.pk),
        {"person_ids": [world.person.pk], "note": "Name and date of birth match", "version": sar.version},
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    body = client.get(_url("request-route", sar.pk)).content.decode()
    assert world.probation.name in body
    assert "3 records" in body
    assert SECRET not in body
    response = client.post(_url("request-route", sar.pk), {"version": sar.version})
    assert response.status_code == 302
    body = client.get(_url("request-detail", sar.pk)).content.decode()
    assert world.probation.name in body
    assert "Open" in body
    assert SECRET not in body


def test_confirm_refused_to_practitioner(world: SarWorld) -> None:
    sar = verified(_request(world))
    response = signed_in_client(world.practitioner).post(
        _url("request-search", sar.pk), {"person_ids": [world.person.pk], "note": "x", "version": sar.version}
    )
    assert response.status_code == 403


def test_nothing_held_closes(world: SarWorld) -> None:
    # Every record about the subject was made after the dates the request asks about.
    sar = verified(_request(world, scope_to=timezone.localdate() - timedelta(days=1)))
    routing.subject_records_confirm(
        request=sar, version=sar.version, person_ids=[world.person.pk], note="Match", by=world.officer
    )
    sar.refresh_from_db()
    routing.route(request=sar, version=sar.version, by=world.officer)
    sar.refresh_from_db()
    client = signed_in_client(world.officer)
    assert "No agency holds any record" in client.get(_url("request-detail", sar.pk)).content.decode()
    response = client.post(
        _url("request-nothing-held", sar.pk), {"note": "Letter sent", "version": sar.version}
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.CLOSED


def test_nothing_held_closes_when_the_subject_is_not_in_the_index(world: SarWorld) -> None:
    sar = verified(
        RequestFactory(
            receiving_agency=world.police,
            recorded_by=world.officer,
            subject_name="Wenna Tregarthen",
            subject_date_of_birth=date(1990, 7, 3),
        )
    )
    client = signed_in_client(world.officer)
    assert (
        "Close the request: nothing held" not in client.get(_url("request-detail", sar.pk)).content.decode()
    )
    data = {"note": "Letter sent saying nothing is held", "version": sar.version}
    # Refused before the subject has been searched for, and to another agency's officer.
    body = client.post(_url("request-nothing-held", sar.pk), data).content.decode()
    assert "Search for the data subject&#x27;s records" in body
    assert (
        signed_in_client(world.other_officer).post(_url("request-nothing-held", sar.pk), data).status_code
        == 404
    )
    body = client.get(_url("request-search", sar.pk)).content.decode()
    assert 'data-testid="none-found"' in body
    assert "Close the request: nothing held" in client.get(_url("request-detail", sar.pk)).content.decode()
    assert client.post(_url("request-nothing-held", sar.pk), data).status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.CLOSED


def test_report_counts(world: SarWorld) -> None:
    _request(world, received_on=timezone.localdate() - timedelta(days=60))
    _request(world)
    body = signed_in_client(world.officer).get(_url("request-report")).content.decode()
    assert 'data-testid="total-received"' in body


def test_confirm_without_a_choice_shows_the_error_and_the_candidates_again(world: SarWorld) -> None:
    sar = verified(_request(world))
    response = signed_in_client(world.officer).post(
        _url("request-search", sar.pk), {"note": "Match", "version": sar.version}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select at least one record that is the data subject&#x27;s" in body
    assert world.person.source_ref in body
