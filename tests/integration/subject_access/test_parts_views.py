"""The owning agency's pages and the chair's consultation page with the Django client: allowed
for the owner's SAR officer (or the chair), 404 or 403 for everyone else, from one setup."""

import pytest
from django.test import override_settings
from django.urls import reverse

from mappa.audit.models import Action, AuditEvent
from mappa.subject_access import services_parts as services
from mappa.subject_access.models import BundleStatus, ItemDecision, PartStatus
from tests.conftest import signed_in_client
from tests.unit.subject_access.parts_world import SECRET, PartsWorld, build_parts_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> PartsWorld:
    return build_parts_world()


def decide_all(world: PartsWorld) -> None:
    services.consultation_respond(consultation=world.consultation, view="Synthetic view.", by=world.chair)
    for item in world.part.items.all():
        services.item_decide(item=item, decision=ItemDecision.RELEASE, by=world.officer)


def test_part_list_shows_the_owner_its_parts_only(world):
    url = reverse("subject_access:part-list")
    page = signed_in_client(world.officer).get(url)
    assert page.status_code == 200
    assert world.request.reference in page.content.decode()
    assert "0 of 4" in page.content.decode()
    assert signed_in_client(world.practitioner).get(url).status_code == 403
    # The receiving agency's officer sees only its own part (probation owns one here too).
    body = signed_in_client(world.receiver).get(url).content.decode()
    assert reverse("subject_access:part-detail", args=[world.other_part.pk]) in body
    assert reverse("subject_access:part-detail", args=[world.part.pk]) not in body


def test_part_and_item_pages_are_the_owners_only(world):
    item = world.items[0]
    for url in (
        reverse("subject_access:part-detail", args=[world.part.pk]),
        reverse("subject_access:item-decide", args=[item.pk]),
        reverse("subject_access:part-answer", args=[world.part.pk]),
    ):
        before = AuditEvent.objects.filter(action=Action.CONSULTATION).count()
        page = signed_in_client(world.officer).get(url)
        assert page.status_code == 200, url
        event = AuditEvent.objects.filter(action=Action.CONSULTATION).latest("sequence")
        assert AuditEvent.objects.filter(action=Action.CONSULTATION).count() == before + 1
        assert world.request.reference in event.justification
        for other in (world.receiver, world.practitioner, world.chair):
            assert signed_in_client(other).get(url).status_code == 404, (url, other)
    body = (
        signed_in_client(world.officer)
        .get(reverse("subject_access:item-decide", args=[item.pk]))
        .content.decode()
    )
    assert SECRET in body and 'name="section_1"' in body
    assert "s.45(4)(e)" in body and "Sch. 2 para 2" not in body  # exemptions of the part's regime


def test_deciding_through_the_form(world):
    item = world.items[1]
    url = reverse("subject_access:item-decide", args=[item.pk])
    text = item.content[1]["text"]
    data = {
        "decision": "redact",
        "exemption": "s45_4_e",
        "reason": "Synthetic: names a member of staff.",
        "section_0": item.content[0]["text"],
        "section_1": text.replace("Ms", "Mr"),
    }
    page = signed_in_client(world.officer).post(url, data)
    assert page.status_code == 200 and "do not change the words" in page.content.decode()
    data["section_1"] = text.replace(SECRET, f"[[{SECRET}]]")
    assert signed_in_client(world.receiver).post(url, data).status_code == 404
    page = signed_in_client(world.officer).post(url, data)
    assert page.status_code == 302
    item.refresh_from_db()
    assert item.decision == ItemDecision.REDACT and item.redactions


def test_consultation_page_is_the_chairs_only(world):
    url = reverse("subject_access:consultation-respond", args=[world.consultation.pk])
    for other in (world.officer, world.receiver, world.practitioner):
        assert signed_in_client(other).get(url).status_code == 404
    page = signed_in_client(world.chair).get(url)
    assert page.status_code == 200 and "police reported compliance" in page.content.decode()
    # The chair sees the entry, never the rest of the part.
    assert "primary school" not in page.content.decode()
    assert signed_in_client(world.chair).post(url, {"view": "Synthetic: release it."}).status_code == 302
    world.consultation.refresh_from_db()
    assert world.consultation.view == "Synthetic: release it."


def test_bundle_pages_and_download(world):
    decide_all(world)
    url = reverse("subject_access:bundle-request", args=[world.part.pk])
    assert signed_in_client(world.receiver).post(url).status_code == 404
    response = signed_in_client(world.officer).post(url)
    assert response.status_code == 302
    bundle = world.part.bundles.get()
    assert bundle.status == BundleStatus.READY
    detail = reverse("subject_access:bundle-detail", args=[bundle.pk])
    download = reverse("subject_access:bundle-download", args=[bundle.pk])
    assert 'http-equiv="refresh"' not in signed_in_client(world.officer).get(detail).content.decode()
    for other in (world.receiver, world.practitioner, world.chair):
        assert signed_in_client(other).get(detail).status_code == 404
        assert signed_in_client(other).get(download).status_code == 404
    pdf = signed_in_client(world.officer).get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(bundle.pk)).count() == 1


@override_settings(SAR_INLINE_BUNDLE_MAX=0)
def test_a_queued_bundle_page_refreshes_and_shows_progress(world):
    decide_all(world)
    signed_in_client(world.officer).post(reverse("subject_access:bundle-request", args=[world.part.pk]))
    bundle = world.part.bundles.get()
    body = (
        signed_in_client(world.officer)
        .get(reverse("subject_access:bundle-detail", args=[bundle.pk]))
        .content.decode()
    )
    assert '<meta http-equiv="refresh" content="5">' in body
    assert "0 of 4 items" in body and "<progress" in body


def test_answering_through_the_page(world):
    decide_all(world)
    services.bundle_request(part=world.part, by=world.officer)
    world.part.refresh_from_db()
    url = reverse("subject_access:part-answer", args=[world.part.pk])
    data = {"version": world.part.version, "response_note": "Synthetic: posted recorded delivery."}
    assert signed_in_client(world.receiver).post(url, data).status_code == 404
    assert signed_in_client(world.practitioner).post(url, data).status_code == 404
    assert signed_in_client(world.officer).post(url, data).status_code == 302
    world.part.refresh_from_db()
    assert world.part.status == PartStatus.ANSWERED


def test_home_shows_sar_tasks(world):
    home = reverse("web:home")
    body = signed_in_client(world.officer).get(home).content.decode()
    assert 'data-testid="sar-parts"' in body and world.request.reference in body
    body = signed_in_client(world.chair).get(home).content.decode()
    assert 'data-testid="sar-consultations"' in body
    body = signed_in_client(world.practitioner).get(home).content.decode()
    assert "sar-parts" not in body and "sar-consultations" not in body
