"""The reason page ("break glass"): who is asked, what is recorded, and where they go next.

The North police practitioner is on the area's register but has no relationship to the
probation-led nominal, so opening it needs a reason; the probation practitioner (lead agency) and
the co-ordinator (who runs the area's MAPPA unit) open it without one.
"""

import csv
import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mappa.audit.models import BREAK_GLASS_BASIS, Action, AuditEvent
from mappa.nominals.opening import REASON_MINUTES, SESSION_KEY
from tests.conftest import signed_in_client
from tests.factories.nominals import NominalFactory, NominalSetup

REASON = "Checking an address before a joint home visit"


def _detail(pk: int) -> str:
    return reverse("nominals:nominal-detail", args=[pk])


def _reason(pk: int, **query: str) -> str:
    url = reverse("nominals:nominal-reason", args=[pk])
    return f"{url}?{urlencode(query)}" if query else url


def _csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _consultations(pk: int):
    return AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=pk).order_by("sequence")


def _give_reason(client: Client, pk: int, reason: str = REASON) -> None:
    response = client.post(_reason(pk, next=_detail(pk)), {"reason": reason})
    assert response.status_code == 302


def test_no_relationship_is_sent_to_the_reason_page_and_nothing_is_recorded(setup: NominalSetup):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    response = client.get(_detail(pk))
    assert response.status_code == 302
    assert response["Location"] == _reason(pk, next=_detail(pk))
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Why do you need to open this case?" in body
    assert "no recorded relationship with this case" in body
    assert setup.probation_nominal.person.display_name in body
    assert f'href="{reverse("nominals:nominal-list")}">Cancel</a>' in body
    # Neither the refused page nor the reason page is a consultation.
    assert not _consultations(pk).exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why you need to open this case"),
        ("   ", "Enter why you need to open this case"),
        ("Need it", "Reason must be 10 characters or more"),
        ("x" * 1001, "Reason must be 1000 characters or fewer"),
    ],
)
def test_bad_reason_is_refused_with_the_error_shown(setup: NominalSetup, reason, message):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    response = client.post(_reason(pk, next=_detail(pk)), {"reason": reason})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert "<title>Error: " in body
    assert SESSION_KEY not in client.session
    # Still asked.
    assert client.get(_detail(pk))["Location"].startswith(_reason(pk))
    assert not _consultations(pk).exists()


def test_valid_reason_opens_the_case_and_is_recorded_with_every_page(setup: NominalSetup):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    response = client.post(_reason(pk, next=_detail(pk)), {"reason": f"  {REASON}  "})
    assert response.status_code == 302
    assert response["Location"] == _detail(pk)
    assert not _consultations(pk).exists()  # the page opened next records it
    until = parse_datetime(client.session[SESSION_KEY][str(pk)]["until"])
    assert until is not None
    expected = timezone.now() + timedelta(minutes=REASON_MINUTES)
    assert expected - timedelta(minutes=1) < until <= expected

    first = client.get(_detail(pk))
    assert first.status_code == 200
    assert setup.probation_nominal.person.display_name in first.content.decode()
    # A second look within the hour: not asked again, but recorded again with the reason.
    second = client.get(_detail(pk))
    assert second.status_code == 200
    events = list(_consultations(pk))
    assert len(events) == 2
    for event in events:
        assert event.justification == f"Reason given: {REASON}"
        assert event.justification.startswith("Reason given:")
        assert event.detail == {"basis": BREAK_GLASS_BASIS}
        assert event.actor_user_id == setup.practitioner.pk


def test_reason_is_for_that_case_only(setup: NominalSetup):
    client = signed_in_client(setup.chair)
    _give_reason(client, setup.probation_nominal.pk)
    another = NominalFactory(lead_agency=setup.north.probation, area=setup.area)
    assert client.get(_detail(another.pk))["Location"] == _reason(another.pk, next=_detail(another.pk))


def test_expired_reason_asks_again(setup: NominalSetup):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    _give_reason(client, pk)
    assert client.get(_detail(pk)).status_code == 200
    session = client.session
    reasons = session[SESSION_KEY]
    reasons[str(pk)]["until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session[SESSION_KEY] = reasons
    session.save()
    response = client.get(_detail(pk))
    assert response.status_code == 302
    assert response["Location"] == _reason(pk, next=_detail(pk))
    assert _consultations(pk).count() == 1


@pytest.mark.parametrize(
    ("who", "justification"),
    [
        ("probation_practitioner", "Lead agency of the nominal"),
        ("coordinator", "MAPPA co-ordinator of the area"),
    ],
)
def test_legitimate_relationship_opens_without_a_reason(setup: NominalSetup, who, justification):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.user(who))
    assert client.get(_detail(pk)).status_code == 200
    event = _consultations(pk).get()
    assert event.justification == justification
    assert event.detail == {}
    # The reason page has nothing to ask them: straight on to where they were going.
    response = client.get(_reason(pk, next=_detail(pk)))
    assert response.status_code == 302
    assert response["Location"] == _detail(pk)
    assert client.get(_reason(pk))["Location"] == _detail(pk)
    assert _consultations(pk).count() == 1


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", ""]
)
def test_next_off_the_site_goes_to_the_case_instead(setup: NominalSetup, target):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    response = client.post(_reason(pk, next=target), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == _detail(pk)
    # Nor does the form carry it on.
    page = client.get(_reason(pk, next=target))
    assert "evil.example" not in page.content.decode()
    lead = signed_in_client(setup.probation_practitioner)
    assert lead.get(_reason(pk, next=target))["Location"] == _detail(pk)


def test_next_on_the_site_is_followed(setup: NominalSetup):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.practitioner)
    target = reverse("nominals:nominal-change", args=[pk, "level"])
    response = client.post(_reason(pk), {"reason": REASON, "next": target})
    assert response["Location"] == target


@pytest.mark.parametrize("who", ["south_coordinator", "health_practitioner", "senior_manager"])
def test_reason_page_is_404_for_a_nominal_the_user_cannot_see(setup: NominalSetup, who):
    pk = setup.probation_nominal.pk
    client = signed_in_client(setup.user(who))
    assert client.get(_reason(pk, next=_detail(pk))).status_code == 404
    assert client.post(_reason(pk), {"reason": REASON}).status_code == 404
    assert client.get(_reason(10**9)).status_code == 404
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=pk).exists()


def test_auditor_lists_only_break_glass_consultations(setup: NominalSetup):
    # A consultation on a basis and one on a reason given, both by the auditor's agency's users.
    assert signed_in_client(setup.coordinator).get(_detail(setup.police_nominal.pk)).status_code == 200
    client = signed_in_client(setup.practitioner)
    _give_reason(client, setup.probation_nominal.pk)
    assert client.get(_detail(setup.probation_nominal.pk)).status_code == 200

    auditor = signed_in_client(setup.auditor)
    response = auditor.get(reverse("audit:event-list"), {"break_glass": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only consultations on a reason given (break glass)" in body
    shown = list(response.context["page"].object_list)
    assert [event.nominal_id for event in shown] == [setup.probation_nominal.pk]
    assert shown[0].justification == f"Reason given: {REASON}"
    assert f"Reason given: {REASON}" in body
    listed = AuditEvent.objects.filter(object_type="audit_log").latest("sequence")
    assert listed.detail["filters"] == {"break_glass": True}

    export = auditor.get(reverse("audit:event-export"), {"break_glass": "on"})
    rows = _csv_rows(export)
    assert [row["nominal_id"] for row in rows] == [str(setup.probation_nominal.pk)]
    assert rows[0]["justification"] == f"Reason given: {REASON}"

    unfiltered = auditor.get(reverse("audit:event-list"))
    nominal_ids = {event.nominal_id for event in unfiltered.context["page"].object_list}
    assert setup.police_nominal.pk in nominal_ids


def test_audit_log_is_refused_to_a_non_auditor(setup: NominalSetup):
    response = signed_in_client(setup.practitioner).get(reverse("audit:event-list"), {"break_glass": "on"})
    assert response.status_code == 403
