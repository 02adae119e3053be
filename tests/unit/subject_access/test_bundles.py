"""The response PDF read back with pypdf (redacted words absent, released words present, the
s.45(2) information there) and the `sar_bundles` worker."""

import io
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from mappa.subject_access import bundles
from mappa.subject_access import services_parts as services
from mappa.subject_access.management.commands.sar_bundles import STALE_AFTER, claim_next
from mappa.subject_access.models import BundleStatus, Exemption, ItemDecision, ResponseBundle
from tests.unit.subject_access.parts_world import RELEASED_WORDS, PartsWorld, build_parts_world

pytestmark = pytest.mark.django_db

WITHHELD_WORDS = "Synthetic: withheld operational detail."
# Only in the redacted item, so its absence from the PDF shows the redaction worked.
SECRET = "Quentin Redactable"
KEPT = "Synthetic: the information came from officer"


def text_of(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def world() -> PartsWorld:
    return build_parts_world()


def decide(world: PartsWorld) -> None:
    """One released, one redacted (the staff member's name), one withheld, the minutes released."""
    release, redact, withhold = world.items
    services.item_decide(item=release, decision=ItemDecision.RELEASE, by=world.officer)
    redact.content = [
        {"label": "Summary", "text": "Synthetic: visited the hostel."},
        {"label": "Detail", "text": f"{KEPT} {SECRET} on 3 May."},
    ]
    redact.save(override=True)
    detail = redact.content[1]["text"]
    services.item_decide(
        item=redact,
        decision=ItemDecision.REDACT,
        exemption=Exemption.S45_OTHERS,
        reason="Synthetic: names a member of staff.",
        marked_texts=[redact.content[0]["text"], detail.replace(SECRET, f"[[{SECRET}]]")],
        by=world.officer,
    )
    withhold.content = [{"label": "Detail", "text": WITHHELD_WORDS}]
    withhold.save(override=True)
    services.item_decide(
        item=withhold,
        decision=ItemDecision.WITHHOLD,
        exemption=Exemption.S45_PREVENTION,
        reason="Synthetic: live investigation.",
        by=world.officer,
    )
    services.consultation_respond(consultation=world.consultation, view="Synthetic: release.", by=world.chair)
    services.item_decide(item=world.minutes_item, decision=ItemDecision.RELEASE, by=world.officer)


def test_the_pdf_removes_redacted_words_and_holds_the_s45_information(world):
    decide(world)
    bundle = services.bundle_request(part=world.part, by=world.officer)
    assert bundle.status == BundleStatus.READY, bundle.error
    assert bundle.pdf is not None
    text = text_of(bytes(bundle.pdf))
    assert SECRET not in text
    assert f"{KEPT} [redacted] on 3 May." in text
    assert RELEASED_WORDS in text
    assert "police reported compliance" in text
    assert WITHHELD_WORDS not in text
    assert f"{world.items[2].label}: withheld under s.45(4)(b)" in text
    assert "OFFICIAL-SENSITIVE" in text and world.request.reference in text
    for needed in (
        "legal basis",
        "Categories of information",
        "Who it is shared with",
        "How long it is kept",
        "rectification",
        "erasure",
        "restriction",
        "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
        "0303 123 1113",
        "ico.org.uk",
        "Where the information came from",
    ):
        assert needed in text, needed


@override_settings(SAR_INLINE_BUNDLE_MAX=0)
def test_the_worker_builds_queued_bundles_oldest_first(world):
    decide(world)
    first = services.bundle_request(part=world.part, by=world.officer)
    second = services.bundle_request(part=world.part, by=world.officer)
    assert first.status == second.status == BundleStatus.QUEUED
    call_command("sar_bundles", stdout=io.StringIO())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == BundleStatus.READY
    assert first.started_at is not None and second.started_at is not None
    assert first.started_at <= second.started_at
    assert first.progress_done == first.progress_total == 4
    assert len(first.sha256) == 64
    # Idempotent: nothing left to build, nothing rebuilt.
    out = io.StringIO()
    call_command("sar_bundles", "--once", stdout=out)
    assert out.getvalue() == ""


@override_settings(SAR_INLINE_BUNDLE_MAX=0)
def test_a_failure_marks_the_bundle_failed_without_a_pdf(world):
    decide(world)
    bundle = services.bundle_request(part=world.part, by=world.officer)
    with mock.patch.object(bundles, "write_pdf", side_effect=RuntimeError("renderer broke")):
        call_command("sar_bundles", stdout=io.StringIO())
    bundle.refresh_from_db()
    assert bundle.status == BundleStatus.FAILED
    assert "renderer broke" in bundle.error
    assert bundle.pdf is None and bundle.sha256 == ""


@override_settings(SAR_INLINE_BUNDLE_MAX=0)
def test_a_bundle_abandoned_mid_build_is_claimed_again_but_a_live_one_is_not(world):
    decide(world)
    abandoned = services.bundle_request(part=world.part, by=world.officer)
    live = services.bundle_request(part=world.part, by=world.officer)
    # Both were claimed by workers; the first worker died ten minutes ago, the second is working.
    for bundle, last_progress in (
        (abandoned, timezone.now() - STALE_AFTER - timedelta(seconds=1)),
        (live, None),
    ):
        ResponseBundle.objects.filter(pk=bundle.pk).update(
            status=BundleStatus.BUILDING, updated_at=last_progress or timezone.now()
        )
    call_command("sar_bundles", stdout=io.StringIO())
    abandoned.refresh_from_db()
    live.refresh_from_db()
    assert abandoned.status == BundleStatus.READY
    assert live.status == BundleStatus.BUILDING


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
@override_settings(SAR_INLINE_BUNDLE_MAX=0)
def test_two_workers_never_claim_the_same_bundle():
    world = build_parts_world()
    decide(world)
    queued = {services.bundle_request(part=world.part, by=world.officer).pk for _ in range(4)}
    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            while (bundle := claim_next()) is not None:
                claimed[n].append(bundle.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(claimed[0] + claimed[1]) == sorted(queued)  # every one claimed, none twice
    assert not ResponseBundle.objects.filter(status=BundleStatus.QUEUED).exists()
