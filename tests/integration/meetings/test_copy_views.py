"""The copy pages, allowed and denied from one world (tests/unit/meetings/test_copies.py CopyWorld):
the chair, the minute-taker (reads the minutes, did not sign), the police practitioner who
attended and signed, the health practitioner who cannot read the minutes, the area's
co-ordinator and South's co-ordinator.

Only the downloads that succeed render a PDF.
"""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.meetings import selectors_copies as selectors
from mappa.meetings.models import (
    CopyKind,
    CopyRequest,
    CopyRequestKind,
    CopyRequestStatus,
    MinutesCopy,
    MinutesRecipient,
    MinutesStatus,
)
from tests.conftest import signed_in_client
from tests.unit.meetings.test_copies import REASON, CopyWorld, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> CopyWorld:
    return build_world()


def url(name: str, *args: int) -> str:
    return reverse(f"meetings:{name}", args=args)


def pending_request(world: CopyWorld, **fields) -> CopyRequest:
    values = {
        "minutes": world.minutes,
        "kind": CopyRequestKind.COPY,
        "requested_by": world.attendee,
        "requesting_agency": world.north.police,
        "recipient_user": world.health_practitioner,
        "reason": REASON,
        **fields,
    }
    request = CopyRequest(**values)
    request.save(override=True)
    return request


def granted_disclosure(world: CopyWorld) -> CopyRequest:
    return pending_request(
        world,
        kind=CopyRequestKind.DISCLOSE,
        recipient_user=None,
        recipient_name="Jordan Example",
        recipient_organisation="Example Employer Ltd",
        status=CopyRequestStatus.GRANTED,
        decided_by=world.chair,
        decided_at=timezone.now(),
    )


# --- the copy register -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("chair", 200),
        ("minute_taker", 200),
        ("coordinator", 200),
        ("attendee", 403),  # reads the minutes, but does not keep the register
        ("health_practitioner", 404),  # cannot read them: as if they did not exist
        ("south_coordinator", 404),
    ],
)
def test_copy_register(world, who, status):
    copy = MinutesCopy(
        minutes=world.minutes,
        copy_number=1,
        kind=CopyKind.DOWNLOAD,
        issued_to=world.attendee,
        issued_to_name="Synthetic Holder",
        issued_to_agency=world.north.police.name,
        issued_at=world.minutes.approved_at,
        sha256="0" * 64,
    )
    copy.save(override=True)
    response = signed_in_client(world.user(who)).get(url("minutes-copies", world.minutes.pk))
    assert response.status_code == status
    if status == 200:
        assert "Synthetic Holder" in response.content.decode()


def test_copy_register_of_missing_minutes_is_404(world):
    response = signed_in_client(world.chair).get(url("minutes-copies", world.minutes.pk + 1000))
    assert response.status_code == 404


def test_copy_register_offers_the_copy_buttons_to_the_distribution_only(world):
    chair_page = signed_in_client(world.chair).get(url("minutes-copies", world.minutes.pk)).content.decode()
    assert "Download a copy (PDF)" in chair_page
    assert "Print a copy" in chair_page
    taker_page = (
        signed_in_client(world.minute_taker).get(url("minutes-copies", world.minutes.pk)).content.decode()
    )
    assert "Download a copy (PDF)" not in taker_page


# --- downloading and printing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "disposition"),
    [("minutes-download", "download", "attachment"), ("minutes-print", "print", "inline")],
)
def test_download_and_print_give_a_registered_pdf(world, name, kind, disposition):
    response = signed_in_client(world.attendee).post(url(name, world.minutes.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'{disposition}; filename="{world.minutes.reference}-copy-1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    copy = MinutesCopy.objects.get(minutes=world.minutes)
    assert (copy.copy_number, copy.kind, copy.issued_to) == (1, kind, world.attendee)
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE, object_type="minutes_copy").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("minute_taker", 403),  # reads them, is not on the distribution: must ask the chair
        ("health_practitioner", 404),
        ("coordinator", 404),
    ],
)
@pytest.mark.parametrize("name", ["minutes-download", "minutes-print"])
def test_download_and_print_refused(world, who, status, name):
    response = signed_in_client(world.user(who)).post(url(name, world.minutes.pk))
    assert response.status_code == status
    assert not MinutesCopy.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.DISCLOSURE).exists()


def test_download_only_by_post(world):
    response = signed_in_client(world.attendee).get(url("minutes-download", world.minutes.pk))
    assert response.status_code == 405
    assert not MinutesCopy.objects.exists()


def test_superseded_minutes_are_not_copied(world):
    world.minutes.status = MinutesStatus.SUPERSEDED
    world.minutes.save(override=True)
    response = signed_in_client(world.attendee).post(url("minutes-download", world.minutes.pk))
    assert response.status_code == 409
    assert "corrected" in response.content.decode()
    assert not MinutesCopy.objects.exists()


# --- the chair's named recipients ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("attendee", 403), ("minute_taker", 403), ("health_practitioner", 404)],
)
def test_recipients_page(world, who, status):
    response = signed_in_client(world.user(who)).get(url("minutes-recipients", world.minutes.pk))
    assert response.status_code == status


def test_chair_names_a_recipient(world):
    response = signed_in_client(world.chair).post(
        url("minutes-recipients", world.minutes.pk),
        {"user": world.health_practitioner.pk, "reason": REASON},
    )
    assert response.status_code == 302
    recipient = MinutesRecipient.objects.get(minutes=world.minutes)
    assert (recipient.user, recipient.reason) == (world.health_practitioner, REASON)


def test_naming_a_recipient_refused_to_others(world):
    response = signed_in_client(world.attendee).post(
        url("minutes-recipients", world.minutes.pk),
        {"user": world.health_practitioner.pk, "reason": REASON},
    )
    assert response.status_code == 403
    assert not MinutesRecipient.objects.exists()


def test_naming_a_recipient_shows_errors(world):
    response = signed_in_client(world.chair).post(url("minutes-recipients", world.minutes.pk), {})
    assert response.status_code == 200
    assert "Select who should receive the minutes" in response.content.decode()
    assert not MinutesRecipient.objects.exists()


# --- asking the chair's permission -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("attendee", 200), ("minute_taker", 200), ("health_practitioner", 404), ("coordinator", 404)],
)
def test_copy_request_create_page(world, who, status):
    response = signed_in_client(world.user(who)).get(url("copy-request-create", world.minutes.pk))
    assert response.status_code == status


def test_copy_request_create(world):
    response = signed_in_client(world.attendee).post(
        url("copy-request-create", world.minutes.pk),
        {"kind": "copy", "recipient_user": world.health_practitioner.pk, "reason": REASON},
    )
    request = CopyRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("copy-request-detail", request.pk)
    assert (request.kind, request.recipient_user, request.requested_by) == (
        CopyRequestKind.COPY,
        world.health_practitioner,
        world.attendee,
    )


def test_copy_request_create_for_a_disclosure(world):
    response = signed_in_client(world.attendee).post(
        url("copy-request-create", world.minutes.pk),
        {
            "kind": "disclose",
            "recipient_name": "Jordan Example",
            "recipient_organisation": "Example Employer Ltd",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    request = CopyRequest.objects.get()
    assert (request.kind, request.recipient_user, request.recipient_name) == (
        CopyRequestKind.DISCLOSE,
        None,
        "Jordan Example",
    )


def test_copy_request_create_shows_the_services_refusal_on_its_field(world):
    response = signed_in_client(world.attendee).post(
        url("copy-request-create", world.minutes.pk), {"kind": "disclose", "reason": REASON}
    )
    assert response.status_code == 200
    assert "Enter the name of the person outside MAPPA" in response.content.decode()
    assert not CopyRequest.objects.exists()


def test_copy_request_refused_to_those_who_cannot_read(world):
    response = signed_in_client(world.health_practitioner).post(
        url("copy-request-create", world.minutes.pk),
        {"kind": "copy", "recipient_user": world.other_chair.pk, "reason": REASON},
    )
    assert response.status_code == 404
    assert not CopyRequest.objects.exists()


# --- the list, the request and the decision ------------------------------------------------------


def test_copy_request_list(world):
    request = pending_request(world)
    chair_page = signed_in_client(world.chair).get(url("copy-request-list")).content.decode()
    assert "Waiting for your decision" in chair_page
    assert request.reference in chair_page
    assert (
        request.reference in signed_in_client(world.attendee).get(url("copy-request-list")).content.decode()
    )
    other = signed_in_client(world.probation_attendee).get(url("copy-request-list"))
    assert other.status_code == 200
    assert request.reference not in other.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("chair", 200),
        ("attendee", 200),
        ("probation_attendee", 404),
        ("other_chair", 404),
        ("coordinator", 404),
    ],
)
def test_copy_request_detail(world, who, status):
    request = pending_request(world)
    response = signed_in_client(world.user(who)).get(url("copy-request-detail", request.pk))
    assert response.status_code == status
    if who == "chair":
        assert "Record decision" in response.content.decode()
    if who == "attendee":
        assert "Record decision" not in response.content.decode()


def test_the_chair_grants(world):
    request = pending_request(world)
    response = signed_in_client(world.chair).post(
        url("copy-request-decide", request.pk), {"decision": "grant"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CopyRequestStatus.GRANTED
    assert MinutesRecipient.objects.filter(minutes=world.minutes, user=world.health_practitioner).exists()


def test_a_refusal_needs_a_reason(world):
    request = pending_request(world)
    client = signed_in_client(world.chair)
    response = client.post(url("copy-request-decide", request.pk), {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "Enter why you are refusing" in response.content.decode()
    request.refresh_from_db()
    assert request.status == CopyRequestStatus.PENDING
    response = client.post(
        url("copy-request-decide", request.pk), {"decision": "refuse", "reason": "Synthetic: not needed."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CopyRequestStatus.REFUSED


def test_the_requester_cannot_decide(world):
    request = pending_request(world)
    response = signed_in_client(world.attendee).post(
        url("copy-request-decide", request.pk), {"decision": "grant"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == CopyRequestStatus.PENDING
    assert not MinutesRecipient.objects.exists()


# --- the executive summary ------------------------------------------------------------------------


def test_executive_summary_download_after_a_grant(world):
    request = granted_disclosure(world)
    client = signed_in_client(world.attendee)
    assert (
        "Download the executive summary"
        in client.get(url("copy-request-detail", request.pk)).content.decode()
    )

    response = client.post(url("executive-summary-download", request.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{world.minutes.reference}-summary-copy-1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    copy = MinutesCopy.objects.get()
    assert (copy.kind, copy.permission, copy.issued_to_name) == (
        CopyKind.EXECUTIVE_SUMMARY,
        request,
        "Jordan Example",
    )


@pytest.mark.parametrize(("who", "status"), [("chair", 403), ("probation_attendee", 404)])
def test_executive_summary_download_refused_to_others(world, who, status):
    request = granted_disclosure(world)
    response = signed_in_client(world.user(who)).post(url("executive-summary-download", request.pk))
    assert response.status_code == status
    assert not MinutesCopy.objects.exists()


def test_executive_summary_download_refused_before_a_grant(world):
    request = pending_request(
        world,
        kind=CopyRequestKind.DISCLOSE,
        recipient_user=None,
        recipient_name="Jordan Example",
        recipient_organisation="Example Employer Ltd",
    )
    response = signed_in_client(world.attendee).post(url("executive-summary-download", request.pk))
    assert response.status_code == 403
    assert not MinutesCopy.objects.exists()


# --- the buttons the minutes page includes ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "download", "ask", "register", "recipients"),
    [
        ("attendee", True, True, False, False),
        ("minute_taker", False, True, True, False),
        ("chair", True, False, True, True),
    ],
)
def test_copies_buttons(world, who, download, ask, register, recipients):
    user = world.user(who)
    html = render_to_string(
        "meetings/copies_buttons.html", {"copies": selectors.copy_actions(minutes=world.minutes, user=user)}
    )
    assert (url("minutes-download", world.minutes.pk) in html) is download
    assert (url("minutes-print", world.minutes.pk) in html) is download
    assert (url("copy-request-create", world.minutes.pk) in html) is ask
    assert (url("minutes-copies", world.minutes.pk) in html) is register
    assert (url("minutes-recipients", world.minutes.pk) in html) is recipients


def test_copies_buttons_offer_nothing_for_superseded_minutes(world):
    world.minutes.status = MinutesStatus.SUPERSEDED
    html = render_to_string(
        "meetings/copies_buttons.html",
        {"copies": selectors.copy_actions(minutes=world.minutes, user=world.attendee)},
    )
    assert url("minutes-download", world.minutes.pk) not in html
    assert url("copy-request-create", world.minutes.pk) not in html
