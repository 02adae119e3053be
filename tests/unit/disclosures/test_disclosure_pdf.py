"""The disclosure record as a PDF (mappa/disclosures/pdf.py) and its export
(services_delivery.disclosure_record_export), read back out of the file with pypdf.

Three renders: a delivered record long enough to run over several pages, a decision not to
disclose, and one export.
"""

import io
import sys
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import pdf
from mappa.disclosures import services_delivery as services
from mappa.disclosures.models import (
    DisclosureAlternative,
    DisclosureItem,
    DisclosureStatus,
    DisclosureStep,
    Outcome,
    Undertaking,
)
from tests.factories.accounts import member
from tests.factories.disclosures import prepared
from tests.factories.information_sharing import ItemFactory
from tests.unit.disclosures.test_delivery import World, build_world

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 11, 5, 14, 3, tzinfo=UTC)  # GMT in November: 14:03 in London too


def pages(content: bytes) -> list[str]:
    """Each page's text with its whitespace collapsed: a long line may wrap in the footer."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def reader(world: World):
    """Someone with an apostrophe in their name, to whom the record is issued."""
    return member(["practitioner"], agency=world.north.police, first_name="Siân", last_name="O'Brien-Smith")


def _delivered(world: World) -> None:
    """Every section filled in, with enough text to run over several pages."""
    long = " ".join(["Synthetic narrative for the test, long enough to fill the page."] * 50)
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, recipient_already_knows=long)
    disclosure.necessary = long
    disclosure.status = DisclosureStatus.DELIVERED
    disclosure.delivered_by = world.practitioner
    disclosure.delivered_at = timezone.now()
    disclosure.delivery_method = "in_person"
    disclosure.delivered_with = "Synthetic Probation Officer"
    disclosure.save(override=True)
    for recipient in world.recipients:
        recipient.undertaking = Undertaking.SIGNED
        recipient.undertaking_at = timezone.now()
        recipient.save(override=True)
    DisclosureAlternative(
        disclosure=disclosure,
        alternative="Synthetic: a warning letter to the offender",
        why_rejected="Synthetic: it would not protect the children",
    ).save(override=True)
    item = ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.police, summary="Synthetic conviction"
    )
    DisclosureItem(disclosure=disclosure, item=item, fields=["summary"]).save(override=True)
    DisclosureStep(disclosure=disclosure, step="delivered", at=timezone.now(), by=world.practitioner).save(
        override=True
    )


def test_every_page_of_the_record_is_marked_and_names_whom_it_was_issued_to(world: World, reader):
    _delivered(world)

    content = pdf.disclosure_record_pdf(world.disclosure, issued_to=reader, issued_at=ISSUED)

    texts = pages(content)
    assert len(texts) >= 3
    issued_to = "Issued to Siân O'Brien-Smith, North Police — 5 November 2026 14:03"
    for number, text in enumerate(texts, start=1):
        # Header and footer; the diagonal watermark and the footer both name the reader.
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}"
        assert text.count(issued_to) >= 2, f"page {number}"
        assert f"Page {number} of {len(texts)}" in text
    whole = " ".join(texts)
    headings = [
        "1. Purpose",
        "2. Recipients",
        "3. Alternatives considered",
        "4. Information disclosed",
        "5. Risk to the offender",
        "6. The tests",
        "7. Decision",
        "8. Preparation with the recipient",
        "9. Key triggers",
        "10. The offender's involvement",
        "11. Delivery",
        "12. Review",
        "13. What has happened",
    ]
    positions = [whole.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for expected in [
        world.police_nominal.person.display_name,
        *(recipient.name for recipient in world.recipients),
        "Synthetic: a warning letter to the offender",
        "Synthetic conviction",
        "Common law police powers",
        world.disclosure.decision_minutes.reference,
        "Synthetic: him near the school gates",
        "Synthetic Probation Officer",
        "Signed",
        "Decision recorded",  # the decision's step, in the decision part's words
        "Disclosure made",
    ]:
        assert expected in whole, expected


def test_decision_not_to_disclose_has_no_preparation_or_delivery(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    content = pdf.disclosure_record_pdf(world.disclosure, issued_to=world.practitioner, issued_at=ISSUED)
    whole = " ".join(pages(content))
    assert "7. Decision" in whole and "Do not disclose" in whole
    assert "8. Review" in whole
    assert "Preparation with the recipient" not in whole
    assert "Key triggers" not in whole


def test_issued_to_line_is_in_london_time():
    summer = datetime(2026, 7, 1, 13, 3, tzinfo=UTC)  # 14:03 British Summer Time
    assert (
        pdf.issued_to_text(name="A Name", agency="An Agency", issued_at=summer)
        == "Issued to A Name, An Agency — 1 July 2026 14:03"
    )


# --- the export ----------------------------------------------------------------------------------


def test_export_records_the_download(world: World):
    content = services.disclosure_record_export(disclosure=world.disclosure, by=world.chair)
    assert content.startswith(b"%PDF")
    (event,) = AuditEvent.objects.filter(action=Action.EXPORT)
    assert (event.object_type, event.object_id) == ("disclosure", str(world.disclosure.pk))
    assert event.justification == "Disclosure record downloaded"
    assert event.nominal_id == world.police_nominal.pk
    assert event.detail["format"] == "pdf"
    assert len(event.detail["sha256"]) == 64


@pytest.mark.parametrize("who", ["senior_manager", "auditor", "south_coordinator", "health_practitioner"])
def test_export_refused(world: World, who: str):
    with pytest.raises(PermissionDenied):
        services.disclosure_record_export(disclosure=world.disclosure, by=world.setup.user(who))
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_without_weasyprint_the_export_is_refused_in_plain_words_and_not_recorded(world: World, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes `import weasyprint` fail
    with pytest.raises(ApplicationError, match="cannot make PDF copies"):
        services.disclosure_record_export(disclosure=world.disclosure, by=world.practitioner)
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
