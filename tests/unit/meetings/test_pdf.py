"""The watermarked PDFs (mappa/meetings/pdf.py), read back out of the file with pypdf.

Two renders in all (a tenth of a second or so each): full minutes long enough to run over
several pages, and an executive summary. Everything else here needs no rendering.
"""

import io
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from mappa.audit.models import AuditEvent
from mappa.core.exceptions import ApplicationError
from mappa.meetings import pdf
from mappa.meetings import services_copies as services
from mappa.meetings.models import (
    Action,
    ActionStatus,
    Attendee,
    AttendeeStatus,
    CopyKind,
    Decision,
    MinutesCopy,
    MinutesEntry,
    WrittenReport,
)
from tests.factories.meetings import MeetingFactory, on_agenda
from tests.unit.meetings.test_copies import CopyWorld, approved_minutes, build_world

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 11, 5, 14, 3, tzinfo=UTC)  # GMT in November: 14:03 in London too
RECIPIENT = "Siân O'Brien-Smith"
AGENCY = "North Probation"
WATERMARK = f"Copy 12 — {RECIPIENT}, {AGENCY} — 5 November 2026 14:03"


def pages(content: bytes) -> list[str]:
    """Each page's text with its whitespace collapsed: a long line may wrap in the footer."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def world(db) -> CopyWorld:
    return build_world()


@pytest.fixture
def full_minutes(world):
    """Every MAPPA C section filled in, with enough text to run over several pages."""
    minutes = world.minutes
    long = " ".join(["Synthetic risk narrative for the test, long enough to fill the page."] * 60)
    minutes.risk_assessment = long
    minutes.rmp_supervision = "Synthetic: weekly supervision appointments."
    minutes.rmp_monitoring = "Synthetic: curfew checks."
    minutes.rmp_interventions = "Synthetic: accredited programme."
    minutes.rmp_victim_safety = "Synthetic: victim contact scheme."
    minutes.disclosure_considered = "Synthetic: disclosure to the employer considered and not needed."
    minutes.level_decision = 2
    minutes.level_rationale = "Synthetic: multi-agency management adds value."
    minutes.next_review_date = date(2027, 2, 14)
    minutes.save(override=True)
    north = world.north
    Attendee(
        meeting=world.meeting,
        name="Synthetic External",
        role="Housing officer",
        organisation="Example Housing",
        status=AttendeeStatus.ATTENDED,
    ).save(override=True)
    WrittenReport(
        meeting=world.meeting,
        agenda_item=world.item,
        agency=north.health,
        submitted_by=world.health_practitioner,
        text="Synthetic written report from health.",
    ).save(override=True)
    for position, (agency, text) in enumerate(
        [(north.police, "Synthetic police intelligence. <b>not bold</b>"), (north.probation, long)], start=1
    ):
        MinutesEntry(minutes=minutes, agency=agency, text=text, position=position).save(override=True)
    Decision(
        minutes=minutes,
        text="Synthetic decision: manage at level 2.",
        rationale="Synthetic rationale.",
        dissent="Synthetic dissent from housing.",
    ).save(override=True)
    Action(
        minutes=minutes,
        nominal=world.police_nominal,
        description="Synthetic action: arrange a home visit.",
        owner_agency=north.probation,
        owner=world.probation_practitioner,
        due_date=date(2027, 1, 10),
    ).save(override=True)
    # An action from an earlier meeting about the same case, reviewed in these minutes.
    earlier = MeetingFactory(
        area=north.area, chair=world.chair, starts_at=world.meeting.starts_at - timedelta(days=90)
    )
    earlier_minutes = approved_minutes(on_agenda(earlier, world.police_nominal), world.chair)
    Action(
        minutes=earlier_minutes,
        nominal=world.police_nominal,
        description="Synthetic earlier action: refer to the programme.",
        owner_agency=north.police,
        due_date=date(2026, 10, 1),
        status=ActionStatus.NOT_DONE,
        outcome_note="Synthetic: waiting list.",
    ).save(override=True)
    return minutes


def test_every_page_of_the_minutes_is_marked_and_watermarked(world, full_minutes):
    content = pdf.render_minutes_pdf(
        full_minutes, copy_number=12, recipient_name=RECIPIENT, recipient_agency=AGENCY, issued_at=ISSUED
    )

    texts = pages(content)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        # Header and footer; the diagonal watermark and the footer line both carry the copy.
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}"
        assert text.count(WATERMARK) >= 2, f"page {number}"
        assert f"Page {number} of {len(texts)}" in text

    whole = " ".join(texts)
    # The MAPPA C sections, in order.
    headings = [
        "1. Attendance",
        "2. Confidentiality statement",
        "3. Purpose of the meeting",
        "4. Review of previous actions",
        "5. Information shared",
        "6. Risk assessment",
        "7. Risk management plan",
        "8. Disclosure considered",
        "9. Level decision",
        "10. Decisions",
        "11. Actions",
        "12. Next review",
    ]
    positions = [whole.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for expected in [
        world.police_nominal.person.display_name,
        world.chair.get_full_name(),
        "Synthetic External",  # an external attendee
        "Synthetic written report from health.",
        "Synthetic earlier action: refer to the programme.",
        "Not done: Synthetic: waiting list.",
        # Information shared, tagged with the agency that gave it; typed markup stays text.
        f"{world.north.police.name} Synthetic police intelligence. <b>not bold</b>",
        "Victim safety planning Synthetic: victim contact scheme.",
        "Level 2: Synthetic: multi-agency management adds value.",
        "Dissent: Synthetic dissent from housing.",
        "Synthetic action: arrange a home visit.",
        "14 February 2027",
    ]:
        assert expected in whole


def test_executive_summary_is_watermarked_for_the_outside_recipient(world):
    content = pdf.render_executive_summary_pdf(
        world.minutes,
        copy_number=3,
        recipient_name="Jordan Example",
        recipient_agency="Example Employer Ltd",
        issued_at=ISSUED,
        permission_reference="PERM-000007",
    )

    (text,) = pages(content)
    assert text.count("OFFICIAL-SENSITIVE") >= 2
    assert text.count("Copy 3 — Jordan Example, Example Employer Ltd — 5 November 2026 14:03") >= 2
    assert world.minutes.executive_summary in text
    assert "PERM-000007" in text
    assert world.minutes.risk_assessment not in text


def test_executive_summary_refused_when_there_is_none(world):
    world.minutes.executive_summary = "  "
    with pytest.raises(ApplicationError, match="no executive summary"):
        pdf.render_executive_summary_pdf(
            world.minutes, copy_number=1, recipient_name="A", recipient_agency="B", issued_at=timezone.now()
        )


def test_watermark_time_is_london_time():
    summer = datetime(2026, 7, 1, 13, 3, tzinfo=UTC)  # 14:03 British Summer Time
    assert (
        pdf.watermark_text(
            copy_number=4, recipient_name="A Name", recipient_agency="An Agency", issued_at=summer
        )
        == "Copy 4 — A Name, An Agency — 1 July 2026 14:03"
    )


def test_without_weasyprint_a_copy_is_refused_in_plain_words_and_nothing_is_written(world, monkeypatch):
    """A server missing Pango serves every page; a copy then fails with a message, not a crash,
    and uses up no copy number."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes `import weasyprint` fail
    with pytest.raises(ApplicationError, match="cannot make PDF copies"):
        services.copy_issue(minutes=world.minutes, kind=CopyKind.DOWNLOAD, by=world.attendee)
    assert not MinutesCopy.objects.exists()
    assert not AuditEvent.objects.filter(object_type="minutes_copy").exists()
