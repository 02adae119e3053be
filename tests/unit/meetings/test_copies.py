"""Distribution, watermarked copies, the copy register and the chair's permission: services_copies
and selectors_copies.

One world (`CopyWorld`): a North level 2 meeting chaired by the North Police chair about
`police_nominal`, with approved minutes. The police practitioner and the probation practitioner
attended and signed; the minute-taker took the minutes without signing; the health practitioner
was not there and cannot read the minutes. The co-ordinator runs the area; South's does not.

Rendering a PDF takes a tenth of a second or so, so the tests here render only where the copy
itself is under test; tests/unit/meetings/test_pdf.py reads the watermark back out of the file.
"""

import hashlib
import io
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from pypdf import PdfReader

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import pdf
from mappa.meetings import selectors_copies as selectors
from mappa.meetings import services_copies as services
from mappa.meetings.models import (
    AgendaItem,
    Attendee,
    AttendeeStatus,
    CopyKind,
    CopyRequest,
    CopyRequestKind,
    CopyRequestStatus,
    Meeting,
    Minutes,
    MinutesCopy,
    MinutesRecipient,
    MinutesStatus,
)
from tests.factories.accounts import member
from tests.factories.meetings import MeetingFactory, on_agenda, signed
from tests.factories.nominals import NominalSetup

SUMMARY = "Synthetic executive summary: the risk is managed at level 2 with a review in three months."
REASON = "Synthetic: the new case manager needs the plan to deliver the actions agreed."


@dataclass
class CopyWorld:
    setup: NominalSetup
    meeting: Meeting
    item: AgendaItem
    minutes: Minutes
    minute_taker: Any
    attendee: Any  # police practitioner: attended and signed
    probation_attendee: Any  # attended and signed
    other_chair: Any  # holds the chair role in North Police, but did not chair this meeting

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)

    def user(self, who: str) -> Any:
        return getattr(self, who)


def attended(meeting: Meeting, user: Any) -> Attendee:
    attendee = signed(meeting, user)
    attendee.status = AttendeeStatus.ATTENDED
    attendee.save(override=True)
    return attendee


def approved_minutes(item: AgendaItem, chair: Any, **fields: Any) -> Minutes:
    """Approved minutes written directly: the minutes services are not under test here."""
    values: dict[str, Any] = {
        "agenda_item": item,
        "status": MinutesStatus.APPROVED,
        "approved_at": timezone.now(),
        "approved_by": chair,
        "purpose": "Synthetic purpose: initial level 2 meeting.",
        "risk_assessment": "Synthetic: high risk of serious harm to a known adult.",
        "executive_summary": SUMMARY,
        **fields,
    }
    minutes = Minutes(**values)
    minutes.save(override=True)
    return minutes


def build_world() -> CopyWorld:
    setup = NominalSetup()
    north = setup.north
    minute_taker = member(["minute_taker"], agency=north.police)
    meeting = MeetingFactory(area=north.area, chair=setup.chair, minute_taker=minute_taker)
    item = on_agenda(meeting, setup.police_nominal)
    attended(meeting, setup.practitioner)
    attended(meeting, setup.probation_practitioner)
    minutes = approved_minutes(item, setup.chair)
    return CopyWorld(
        setup=setup,
        meeting=meeting,
        item=item,
        minutes=minutes,
        minute_taker=minute_taker,
        attendee=setup.practitioner,
        probation_attendee=setup.probation_practitioner,
        other_chair=member(["meeting_chair"], agency=north.police),
    )


@pytest.fixture
def world(db) -> CopyWorld:
    return build_world()


@pytest.fixture
def no_render(monkeypatch):
    """Stands in for WeasyPrint where the copy's content is not under test (numbering, rules)."""

    def render(*args: Any, **kwargs: Any) -> bytes:
        return f"%PDF-stub copy {kwargs['copy_number']}".encode()

    monkeypatch.setattr(pdf, "render_minutes_pdf", render)
    monkeypatch.setattr(pdf, "render_executive_summary_pdf", render)


def events(action: str, object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_type=object_type).order_by("sequence"))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def copy_request(world: CopyWorld, **kwargs: Any) -> CopyRequest:
    values: dict[str, Any] = {
        "minutes": world.minutes,
        "kind": CopyRequestKind.COPY,
        "recipient_user": world.health_practitioner,
        "reason": REASON,
        "by": world.attendee,
    }
    values.update(kwargs)
    return services.copy_request_create(**values)


def disclose_request(world: CopyWorld, **kwargs: Any) -> CopyRequest:
    values: dict[str, Any] = {
        "kind": CopyRequestKind.DISCLOSE,
        "recipient_user": None,
        "recipient_name": "Jordan Example",
        "recipient_organisation": "Example Employer Ltd",
    }
    values.update(kwargs)
    return copy_request(world, **values)


# --- distribution -------------------------------------------------------------------------------


def test_minutes_distribute_adds_the_attendees_who_attended_and_signed(world):
    invited_signed = member(["practitioner"], agency=world.north.probation)
    signed(world.meeting, invited_signed)  # signed, but recorded as invited, not attended
    apologies = member(["practitioner"], agency=world.north.health)
    Attendee(
        meeting=world.meeting, user=apologies, agency=world.north.health, status=AttendeeStatus.APOLOGIES
    ).save(override=True)
    Attendee(
        meeting=world.meeting,
        name="Synthetic External",
        role="Housing officer",
        organisation="Example Housing",
        status=AttendeeStatus.ATTENDED,
    ).save(override=True)

    added = services.minutes_distribute(minutes=world.minutes, by=world.chair)

    assert {r.user for r in added} == {world.attendee, world.probation_attendee}
    assert {r.agency for r in added} == {world.north.police, world.north.probation}
    (event,) = events(Action.DISCLOSURE, "minutes")
    assert sorted(event.recipients) == sorted([world.attendee.username, world.probation_attendee.username])
    assert event.object_agency_id == world.police_nominal.lead_agency_id
    assert event.nominal_id == world.police_nominal.pk


def test_minutes_distribute_again_adds_no_one_and_records_nothing(world):
    services.minutes_distribute(minutes=world.minutes, by=world.chair)
    assert services.minutes_distribute(minutes=world.minutes, by=world.chair) == []
    assert MinutesRecipient.objects.filter(minutes=world.minutes).count() == 2
    assert len(events(Action.DISCLOSURE, "minutes")) == 1


@pytest.mark.parametrize("who", ["minute_taker", "coordinator", "other_chair"])
def test_minutes_distribute_is_the_chairs(world, who):
    with pytest.raises(PermissionDenied):
        services.minutes_distribute(minutes=world.minutes, by=world.user(who))
    assert not MinutesRecipient.objects.exists()


def test_minutes_distribute_refuses_draft_minutes(world):
    draft = Minutes(agenda_item=on_agenda(world.meeting, world.probation_nominal))
    draft.save(override=True)
    with pytest.raises(ApplicationError):
        services.minutes_distribute(minutes=draft, by=world.chair)


# --- the chair's named recipients ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"), [("chair", True), ("other_chair", False), ("coordinator", False)]
)
def test_recipient_add_is_the_chairs_own_decision(world, who, allowed):
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.recipient_add(
                minutes=world.minutes, user=world.health_practitioner, reason=REASON, by=world.user(who)
            )
        assert not MinutesRecipient.objects.exists()
        assert not events(Action.DISCLOSURE, "minutes")
        return
    recipient = services.recipient_add(
        minutes=world.minutes, user=world.health_practitioner, reason=REASON, by=world.user(who)
    )
    assert (recipient.user, recipient.agency, recipient.reason) == (
        world.health_practitioner,
        world.north.health,
        REASON,
    )
    (event,) = events(Action.DISCLOSURE, "minutes")
    assert event.recipients == [world.health_practitioner.username]
    assert event.justification == REASON
    # A recipient reads the minutes, and may take a copy.
    assert selectors.copy_basis(minutes=world.minutes, user=world.health_practitioner) is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"user": "south_coordinator"}, "user"),
        ({"user": "attendee", "twice": True}, "user"),
    ],
)
def test_recipient_add_refusals(world, change, field):
    user = world.user(change.get("user", "health_practitioner"))
    reason = change.get("reason", REASON)
    if change.get("twice"):
        services.recipient_add(minutes=world.minutes, user=user, reason=REASON, by=world.chair)
    with pytest.raises(ApplicationError) as refused:
        services.recipient_add(minutes=world.minutes, user=user, reason=reason, by=world.chair)
    assert refused.value.field == field


# --- copies ---------------------------------------------------------------------------------------


def test_copy_issue_gives_a_watermarked_pdf_and_registers_it(world):
    copy, content = services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.attendee)

    assert content.startswith(b"%PDF")
    name = world.attendee.get_full_name()
    assert (copy.copy_number, copy.kind, copy.issued_to, copy.issued_to_name, copy.issued_to_agency) == (
        1,
        CopyKind.DOWNLOAD,
        world.attendee,
        name,
        world.north.police.name,
    )
    assert copy.permission is None
    assert copy.sha256 == hashlib.sha256(content).hexdigest()
    text = pdf_text(content)
    assert f"Copy 1 — {name}, {world.north.police.name} — {pdf.issued_label(copy.issued_at)}" in text
    (event,) = events(Action.DISCLOSURE, "minutes_copy")
    assert event.object_id == str(copy.pk)
    assert event.recipients == [world.attendee.username]
    assert event.justification == f"Signed the confidentiality statement for {world.meeting.reference}"
    assert event.object_agency_id == world.police_nominal.lead_agency_id
    assert event.nominal_id == world.police_nominal.pk
    assert event.detail["copy_number"] == 1
    assert event.detail["sha256"] == copy.sha256


def test_copy_numbers_increase_and_are_unique(world, no_render):
    numbers = [
        services.copy_issue(minutes=world.minutes, kind=kind, by=who)[0].copy_number
        for kind, who in [
            (CopyKind.DOWNLOAD, world.attendee),
            (CopyKind.PRINT, world.attendee),
            (CopyKind.DOWNLOAD, world.probation_attendee),
            (CopyKind.PRINT, world.chair),
        ]
    ]
    assert numbers == [1, 2, 3, 4]
    # Other minutes count from 1 on their own.
    other = approved_minutes(on_agenda(world.meeting, world.probation_nominal), world.chair)
    assert services.copy_issue(minutes=other, kind=CopyKind.DOWNLOAD, by=world.attendee)[0].copy_number == 1
    assert [c.kind for c in MinutesCopy.objects.filter(minutes=world.minutes)] == [
        CopyKind.DOWNLOAD,
        CopyKind.PRINT,
        CopyKind.DOWNLOAD,
        CopyKind.PRINT,
    ]
    assert len(events(Action.DISCLOSURE, "minutes_copy")) == 5


@pytest.mark.parametrize(
    ("who", "basis"),
    [
        ("attendee", "Signed the confidentiality statement"),
        ("chair", "Chair of"),
        ("recipient", "Recipient of the minutes: "),
    ],
)
def test_copy_issue_allowed_to_the_distribution(world, no_render, who, basis):
    if who == "recipient":
        MinutesRecipient(
            minutes=world.minutes,
            user=world.health_practitioner,
            agency=world.north.health,
            added_by=world.chair,
            reason=REASON,
        ).save(override=True)
        user = world.health_practitioner
    else:
        user = world.user(who)
    services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=user)
    (event,) = events(Action.DISCLOSURE, "minutes_copy")
    assert event.justification.startswith(basis)


@pytest.mark.parametrize(
    ("who", "error"),
    [
        # Reads the minutes as minute-taker, but did not sign: not on the distribution.
        ("minute_taker", PermissionDenied),
        # Cannot read them at all.
        ("health_practitioner", PermissionDenied),
        ("coordinator", PermissionDenied),
        ("south_coordinator", PermissionDenied),
    ],
)
def test_copy_issue_refused_to_anyone_else(world, no_render, who, error):
    with pytest.raises(error):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.user(who))
    assert not MinutesCopy.objects.exists()
    assert not events(Action.DISCLOSURE, "minutes_copy")


def test_copy_issue_refuses_superseded_minutes(world, no_render):
    world.minutes.status = MinutesStatus.SUPERSEDED
    world.minutes.save(override=True)
    with pytest.raises(ApplicationError, match="corrected"):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.attendee)
    assert not MinutesCopy.objects.exists()


def test_copy_issue_refuses_drafts_even_to_the_chair(world, no_render):
    draft = Minutes(agenda_item=on_agenda(world.meeting, world.probation_nominal))
    draft.save(override=True)
    with pytest.raises(ApplicationError, match="approved"):
        services.copy_issue(minutes=draft, kind=CopyKind.DOWNLOAD, by=world.chair)


def test_copy_issue_refuses_an_unknown_kind(world, no_render):
    with pytest.raises(ApplicationError):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.EXECUTIVE_SUMMARY, by=world.attendee)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_never_share_a_number(monkeypatch):
    """Four people download at once: the row lock on the minutes gives each its own number. The
    renderer is slowed, not sped up, to hold the race window open."""
    world = build_world()

    def slow_render(*args: Any, **kwargs: Any) -> bytes:
        time.sleep(0.2)
        return b"%PDF-stub"

    monkeypatch.setattr(pdf, "render_minutes_pdf", slow_render)
    users = [world.attendee, world.probation_attendee, world.chair, world.attendee]
    start = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def download(user: Any) -> None:
        try:
            start.wait()
            services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=user)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(MinutesCopy.objects.filter(minutes=world.minutes).values_list("copy_number", flat=True))
    assert numbers == [1, 2, 3, 4]


# --- the chair's permission -------------------------------------------------------------------


def test_copy_request_create_by_a_reader(world):
    request = copy_request(world)
    assert (request.status, request.requested_by, request.requesting_agency, request.recipient_user) == (
        CopyRequestStatus.PENDING,
        world.attendee,
        world.north.police,
        world.health_practitioner,
    )
    (event,) = events(Action.COLLECTION, "copy_request")
    assert event.object_agency_id == world.police_nominal.lead_agency_id
    assert event.nominal_id == world.police_nominal.pk


@pytest.mark.parametrize("who", ["health_practitioner", "coordinator", "south_coordinator"])
def test_copy_request_create_refused_to_those_who_cannot_read_the_minutes(world, who):
    with pytest.raises(PermissionDenied):
        copy_request(world, by=world.user(who), recipient_user=world.other_chair)
    assert not CopyRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient_user": None}, "recipient_user"),
        ({"recipient_user": "attendee"}, "recipient_user"),  # themselves
        ({"recipient_user": "south_coordinator"}, "recipient_user"),  # outside the area
        ({"recipient_user": "probation_attendee"}, "recipient_user"),  # already receives them
        ({"reason": ""}, "reason"),
        ({"kind": "gossip"}, "kind"),
        ({"kind": CopyRequestKind.DISCLOSE, "recipient_name": ""}, "recipient_name"),
        (
            {"kind": CopyRequestKind.DISCLOSE, "recipient_name": "A Name", "recipient_organisation": ""},
            "recipient_organisation",
        ),
    ],
)
def test_copy_request_create_refusals(world, change, field):
    values = dict(change)
    if isinstance(values.get("recipient_user"), str):
        values["recipient_user"] = world.user(values["recipient_user"])
    with pytest.raises(ApplicationError) as refused:
        copy_request(world, **values)
    assert refused.value.field == field
    assert not CopyRequest.objects.exists()


def test_copy_request_create_refuses_a_second_waiting_request_for_the_same_person(world):
    copy_request(world)
    with pytest.raises(ApplicationError, match="waiting"):
        copy_request(world, by=world.probation_attendee)


def test_disclosure_needs_an_executive_summary(world):
    world.minutes.executive_summary = ""
    world.minutes.save(override=True)
    with pytest.raises(ApplicationError, match="no executive summary"):
        disclose_request(world)


def test_copying_to_someone_else_needs_the_chairs_permission(world, no_render):
    """Refused before the request, and after a refusal; allowed once the chair grants it."""
    outsider = world.health_practitioner
    with pytest.raises(PermissionDenied):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=outsider)

    refused = copy_request(world)
    with pytest.raises(PermissionDenied):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=outsider)
    services.copy_request_decide(
        request=refused, grant=False, reason="Synthetic: not needed.", by=world.chair
    )
    with pytest.raises(PermissionDenied):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=outsider)

    granted = copy_request(world)
    services.copy_request_decide(request=granted, grant=True, reason="", by=world.chair)
    copy, _ = services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=outsider)
    assert copy.permission == granted
    recipient = MinutesRecipient.objects.get(minutes=world.minutes, user=outsider)
    assert recipient.reason == f"Chair's permission {granted.reference}"
    assert recipient.agency == world.north.health


@pytest.mark.parametrize("who", ["attendee", "other_chair", "minute_taker", "coordinator"])
def test_only_the_chair_decides(world, who):
    request = copy_request(world)
    with pytest.raises(PermissionDenied):
        services.copy_request_decide(request=request, grant=True, reason="", by=world.user(who))
    request.refresh_from_db()
    assert request.status == CopyRequestStatus.PENDING
    assert not MinutesRecipient.objects.filter(user=world.health_practitioner).exists()


def test_copy_request_decide_records_the_decision(world):
    request = copy_request(world)
    decided = services.copy_request_decide(
        request=request, grant=True, reason="Synthetic: needed.", by=world.chair
    )
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        CopyRequestStatus.GRANTED,
        world.chair,
        "Synthetic: needed.",
    )
    assert decided.decided_at is not None
    (event,) = events(Action.DISCLOSURE, "copy_request")
    assert event.recipients == [world.health_practitioner.username]
    assert event.justification == REASON
    assert event.object_agency_id == world.police_nominal.lead_agency_id


def test_a_refusal_needs_a_reason_and_is_recorded(world):
    request = copy_request(world)
    with pytest.raises(ApplicationError) as refused:
        services.copy_request_decide(request=request, grant=False, reason=" ", by=world.chair)
    assert refused.value.field == "reason"
    services.copy_request_decide(
        request=request, grant=False, reason="Synthetic: not needed.", by=world.chair
    )
    (event,) = events(Action.ALTERATION, "copy_request")
    assert event.justification == "Synthetic: not needed."
    assert "status" in event.changed_fields
    with pytest.raises(ApplicationError, match="already been decided"):
        services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)


def test_the_chair_cannot_grant_a_copy_of_superseded_minutes(world):
    request = copy_request(world)
    world.minutes.status = MinutesStatus.SUPERSEDED
    world.minutes.save(override=True)
    with pytest.raises(ApplicationError, match="corrected"):
        services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)
    services.copy_request_decide(
        request=request, grant=False, reason="Synthetic: corrected since.", by=world.chair
    )


# --- the executive summary --------------------------------------------------------------------


def test_executive_summary_only_after_a_disclosure_is_granted(world):
    request = disclose_request(world)
    with pytest.raises(PermissionDenied):
        services.executive_summary_issue(request=request, by=world.attendee)
    services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)

    copy, content = services.executive_summary_issue(request=request, by=world.attendee)

    assert (copy.kind, copy.permission, copy.issued_to, copy.issued_to_name, copy.issued_to_agency) == (
        CopyKind.EXECUTIVE_SUMMARY,
        request,
        world.attendee,
        "Jordan Example",
        "Example Employer Ltd",
    )
    text = pdf_text(content)
    assert f"Copy {copy.copy_number} — Jordan Example, Example Employer Ltd —" in text
    assert SUMMARY in text
    assert world.minutes.risk_assessment not in text  # the summary, never the minutes
    (event,) = events(Action.DISCLOSURE, "minutes_copy")
    assert event.recipients == ["Jordan Example, Example Employer Ltd"]
    assert event.justification.startswith(f"Chair's permission {request.reference}")


def test_executive_summary_refused_after_a_refusal(world, no_render):
    request = disclose_request(world)
    services.copy_request_decide(request=request, grant=False, reason="Synthetic: no.", by=world.chair)
    with pytest.raises(PermissionDenied):
        services.executive_summary_issue(request=request, by=world.attendee)
    assert not MinutesCopy.objects.exists()


@pytest.mark.parametrize("who", ["chair", "probation_attendee"])
def test_executive_summary_is_issued_only_to_the_requester(world, no_render, who):
    request = disclose_request(world)
    services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)
    with pytest.raises(PermissionDenied):
        services.executive_summary_issue(request=request, by=world.user(who))


def test_executive_summary_is_not_issued_on_a_copy_request(world, no_render):
    request = copy_request(world)
    services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)
    with pytest.raises(ApplicationError):
        services.executive_summary_issue(request=request, by=world.attendee)


def test_executive_summaries_share_the_copy_numbers(world, no_render):
    services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.attendee)
    request = disclose_request(world)
    services.copy_request_decide(request=request, grant=True, reason="", by=world.chair)
    copy, _ = services.executive_summary_issue(request=request, by=world.attendee)
    assert copy.copy_number == 2


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("chair", True),
        ("minute_taker", True),
        ("coordinator", True),
        ("attendee", False),
        ("practitioner", False),
        ("south_coordinator", False),
    ],
)
def test_who_sees_the_copy_register(world, no_render, who, sees):
    services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.attendee)
    user = world.user(who)
    assert selectors.can_see_register(minutes=world.minutes, user=user) is sees
    assert selectors.copy_register(minutes=world.minutes, fetched_by=user).count() == (1 if sees else 0)
    assert selectors.register_minutes(fetched_by=user).filter(pk=world.minutes.pk).exists() is sees


def test_copy_request_list_shows_requesters_and_the_chair_only(world):
    request = copy_request(world)
    assert list(selectors.copy_request_list(fetched_by=world.attendee)) == [request]
    assert list(selectors.copy_request_list(fetched_by=world.chair)) == [request]
    for who in ("probation_attendee", "other_chair", "coordinator", "health_practitioner"):
        assert not selectors.copy_request_list(fetched_by=world.user(who)).exists()


def test_minutes_distribute_of_a_correction_reaches_the_earlier_recipients(world):
    MinutesRecipient(
        minutes=world.minutes,
        user=world.health_practitioner,
        agency=world.north.health,
        added_by=world.chair,
        reason=REASON,
    ).save(override=True)
    world.minutes.status = MinutesStatus.SUPERSEDED
    world.minutes.save(override=True)
    correction = approved_minutes(
        world.item, world.chair, number=2, correction_reason="Synthetic: wrong date."
    )

    added = services.minutes_distribute(minutes=correction, by=world.chair)

    assert {r.user for r in added} == {world.attendee, world.probation_attendee, world.health_practitioner}
    carried = next(r for r in added if r.user == world.health_practitioner)
    assert carried.reason == f"Received version 1: {REASON}"
    (event,) = events(Action.DISCLOSURE, "minutes")
    assert world.health_practitioner.username in event.recipients
