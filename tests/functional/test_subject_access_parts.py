"""The owning agency answers its part of a subject access request (issue 8) in the browser.

Set up directly (the receiving side is another journey): a request received by probation and
routed, with a police part of three information items and a minutes entry, and a chair
consultation on the entry. The chair gives their view; the police SAR officer releases one item,
releases one with a staff member's name marked out with [[ ]], withholds one, releases the
minutes entry, builds the bundle, downloads it and records the response sent. Every page is
checked with axe-core.
"""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mappa.audit.models import Action, AuditEvent
from mappa.subject_access.models import PartStatus
from tests.functional.helpers import follow, heading, press, sign_in_to_home, visit
from tests.unit.subject_access.parts_world import RELEASED_WORDS, SECRET, build_parts_world

pytestmark = [pytest.mark.functional, pytest.mark.django_db(transaction=True)]


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)


def test_owner_decides_items_builds_the_bundle_and_answers(page: Page, new_page):
    world = build_parts_world()
    release, redact, withhold = world.items
    # Only the redacted item names the member of staff, so the PDF shows the redaction worked.
    for item in (release, withhold):
        item.content = [{"label": "Summary", "text": RELEASED_WORDS}]
        item.save(override=True)

    # --- the chair gives a view on the minutes entry, from the home page -----------------------
    chair = new_page()
    sign_in_to_home(chair, world.chair.username)
    follow(chair, chair.get_by_role("link", name="Give your view on a minutes entry"))
    expect(chair.get_by_test_id("entry-text")).to_contain_text("police reported compliance")
    chair.get_by_label("Your view on releasing this entry to the data subject").fill(
        "Synthetic: nothing in it identifies anyone else."
    )
    press(chair, "Send your view")

    # --- the police SAR officer decides each item ---------------------------------------------
    sign_in_to_home(page, world.officer.username)
    follow(page, page.get_by_test_id("sar-parts").get_by_role("link", name=world.request.reference))
    expect(heading(page)).to_contain_text("part of the request")

    follow(page, page.get_by_role("link", name=release.label))
    page.get_by_label("Release", exact=True).check()
    press(page, "Save decision")

    follow(page, page.get_by_role("link", name=redact.label))
    page.get_by_label("Release with redactions").check()
    page.get_by_label("Exemption or restriction").select_option("s45_4_e")
    page.get_by_label("Why the exemption applies to this item").fill("Synthetic: names a member of staff.")
    box = page.get_by_label("Redactions: Detail")
    box.fill(box.input_value().replace(SECRET, f"[[{SECRET}]]"))
    press(page, "Save decision")

    follow(page, page.get_by_role("link", name=withhold.label))
    page.get_by_label("Withhold").check()
    page.get_by_label("Exemption or restriction").select_option("s45_4_b")
    page.get_by_label("Why the exemption applies to this item").fill("Synthetic: live investigation.")
    press(page, "Save decision")

    follow(page, page.get_by_role("link", name=world.minutes_item.label))
    expect(page.get_by_test_id("chair-view")).to_contain_text("nothing in it identifies anyone else")
    page.get_by_label("Release", exact=True).check()
    press(page, "Save decision")
    expect(page.get_by_test_id("items")).not_to_contain_text("Not decided")

    # --- the bundle, downloaded ----------------------------------------------------------------
    press(page, "Build the response bundle")
    expect(page.get_by_test_id("bundle-status")).to_have_text("Status: Ready")
    href = page.get_by_test_id("bundle-download").get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert SECRET not in text and "[redacted]" in text and RELEASED_WORDS in text
    assert "withheld under s.45(4)(b)" in text

    # --- the answer ---------------------------------------------------------------------------
    follow(page, page.get_by_role("link", name="Answer the request"))
    expect(heading(page)).to_have_text("Check your answers before recording the response sent")
    page.get_by_label("How the response was sent").fill("Synthetic: posted by recorded delivery.")
    press(page, "Record the response sent")
    expect(page.get_by_test_id("part-status")).to_contain_text("Answered")
    world.part.refresh_from_db()
    assert world.part.status == PartStatus.ANSWERED
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE, object_type="sar_part").count() == 1
    # Another agency's SAR officer cannot open the part.
    other = new_page()
    sign_in_to_home(other, world.receiver.username)
    visit(other, f"/subject-access/parts/{world.part.pk}/")
    expect(heading(other)).to_contain_text("not found", ignore_case=True)
