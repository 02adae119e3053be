"""services_parts: every write allowed for the owning agency's SAR officer and refused, from the
same setup, for the receiving agency's SAR officer and a practitioner of the owning agency."""

import pytest
from django.test import override_settings
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.subject_access import services_parts as services
from mappa.subject_access.models import (
    BundleStatus,
    ConsultationStatus,
    Exemption,
    ItemDecision,
    PartStatus,
    Regime,
    RequestStatus,
)
from tests.unit.subject_access.parts_world import SECRET, PartsWorld, build_parts_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> PartsWorld:
    return build_parts_world()


def decide_all(world: PartsWorld, *, part=None, by=None) -> None:
    part = part or world.part
    by = by or world.officer
    if part.pk == world.part.pk:
        services.consultation_respond(
            consultation=world.consultation, view="Synthetic: content to release.", by=world.chair
        )
    for item in part.items.all():
        services.item_decide(item=item, decision=ItemDecision.RELEASE, by=by)


def test_release_allowed_for_the_owner_and_refused_for_others(world):
    item = world.items[0]
    for refused in (world.receiver, world.practitioner, world.chair):
        with pytest.raises(PermissionDenied):
            services.item_decide(item=item, decision=ItemDecision.RELEASE, by=refused)
    services.item_decide(item=item, decision=ItemDecision.RELEASE, by=world.officer)
    item.refresh_from_db()
    assert item.decision == ItemDecision.RELEASE and item.decided_by == world.officer
    event = AuditEvent.objects.filter(object_type="sar_part_item").latest("sequence")
    assert event.action == Action.ALTERATION and world.request.reference in event.justification


def test_release_clears_an_earlier_redaction(world):
    item = world.items[0]
    text = item.content[1]["text"]
    marked = text.replace(SECRET, f"[[{SECRET}]]")
    services.item_decide(
        item=item,
        decision=ItemDecision.REDACT,
        exemption=Exemption.S45_OTHERS,
        reason="Synthetic: names a member of staff.",
        marked_texts=[item.content[0]["text"], marked],
        by=world.officer,
    )
    item.refresh_from_db()
    start = text.index(SECRET)
    assert item.redactions == {"1": [[start, start + len(SECRET)]]}
    services.item_decide(
        item=item, decision=ItemDecision.RELEASE, exemption=Exemption.S45_OTHERS, by=world.officer
    )
    item.refresh_from_db()
    assert (item.exemption, item.reason, item.redactions) == ("", "", {})


def test_withhold_needs_an_exemption_of_the_regime_and_a_reason(world):
    item = world.items[0]
    with pytest.raises(ApplicationError) as error:
        services.item_decide(
            item=item, decision=ItemDecision.WITHHOLD, exemption=Exemption.CRIME, reason="x", by=world.officer
        )
    assert error.value.field == "exemption"  # a UK GDPR ground on a Part 3 part
    with pytest.raises(ApplicationError) as error:
        services.item_decide(
            item=item, decision=ItemDecision.WITHHOLD, exemption=Exemption.S45_PREVENTION, by=world.officer
        )
    assert error.value.field == "reason"
    services.item_decide(
        item=item,
        decision=ItemDecision.WITHHOLD,
        exemption=Exemption.S45_PREVENTION,
        reason="Synthetic: live investigation.",
        by=world.officer,
    )
    item.refresh_from_db()
    assert item.decision == ItemDecision.WITHHOLD


def test_uk_gdpr_part_takes_schedule_2_grounds(world):
    part = world.part
    part.regime = Regime.UK_GDPR
    part.save(override=True)
    item = world.items[0]
    with pytest.raises(ApplicationError):
        services.item_decide(
            item=item,
            decision=ItemDecision.WITHHOLD,
            exemption=Exemption.S45_OTHERS,
            reason="x",
            by=world.officer,
        )
    services.item_decide(
        item=item,
        decision=ItemDecision.WITHHOLD,
        exemption=Exemption.THIRD_PARTY,
        reason="x",
        by=world.officer,
    )


def test_redaction_refuses_changed_words_and_needs_a_mark(world):
    item = world.items[0]
    texts = [s["text"] for s in item.content]
    common = {
        "decision": ItemDecision.REDACT,
        "exemption": Exemption.S45_OTHERS,
        "reason": "r",
        "by": world.officer,
    }
    with pytest.raises(ApplicationError, match="do not change the words") as error:
        services.item_decide(item=item, marked_texts=[texts[0], "[[Synthetic]]: altered"], **common)
    assert error.value.field == "section_1"
    with pytest.raises(ApplicationError, match="at least one"):
        services.item_decide(item=item, marked_texts=texts, **common)


def test_minutes_entry_waits_for_the_chair(world):
    item = world.minutes_item
    with pytest.raises(ApplicationError, match="chair"):
        services.item_decide(item=item, decision=ItemDecision.RELEASE, by=world.officer)
    for refused in (world.officer, world.receiver):
        with pytest.raises(PermissionDenied):
            services.consultation_respond(consultation=world.consultation, view="v", by=refused)
    services.consultation_respond(
        consultation=world.consultation, view="Synthetic: fine to release.", by=world.chair
    )
    world.consultation.refresh_from_db()
    assert world.consultation.status == ConsultationStatus.RESPONDED
    services.item_decide(item=item, decision=ItemDecision.RELEASE, by=world.officer)


def test_bundle_needs_every_item_decided_and_the_owner(world):
    with pytest.raises(ApplicationError, match="Decide every item"):
        services.bundle_request(part=world.part, by=world.officer)
    decide_all(world)
    for refused in (world.receiver, world.practitioner):
        with pytest.raises(PermissionDenied):
            services.bundle_request(part=world.part, by=refused)
    bundle = services.bundle_request(part=world.part, by=world.officer)
    assert bundle.status == BundleStatus.READY and bundle.progress_done == bundle.progress_total == 4
    for refused in (world.receiver, world.practitioner):
        with pytest.raises(PermissionDenied):
            services.bundle_download(bundle=bundle, by=refused)
    content = services.bundle_download(bundle=bundle, by=world.officer)
    assert content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("sequence")
    assert event.object_type == "sar_response_bundle" and event.actor_user_id == world.officer.pk


@override_settings(SAR_INLINE_BUNDLE_MAX=2)
def test_a_large_bundle_is_queued(world):
    decide_all(world)
    bundle = services.bundle_request(part=world.part, by=world.officer)
    assert bundle.status == BundleStatus.QUEUED and bundle.pdf is None


def test_answer_writes_one_disclosure_event_and_closes_only_with_the_last_part(world):
    decide_all(world)
    world.part.refresh_from_db()
    with pytest.raises(ApplicationError, match="bundle"):
        services.part_answer(
            part=world.part, version=world.part.version, response_note="Posted", by=world.officer
        )
    services.bundle_request(part=world.part, by=world.officer)
    world.part.refresh_from_db()
    for refused in (world.receiver, world.practitioner):
        with pytest.raises(PermissionDenied):
            services.part_answer(
                part=world.part, version=world.part.version, response_note="Posted", by=refused
            )
    with pytest.raises(ApplicationError, match="changed this part"):
        services.part_answer(
            part=world.part, version=world.part.version - 1, response_note="Posted", by=world.officer
        )
    before = AuditEvent.objects.filter(action=Action.DISCLOSURE).count()
    services.part_answer(
        part=world.part,
        version=world.part.version,
        response_note="Synthetic: posted first class",
        by=world.officer,
    )
    world.part.refresh_from_db()
    world.request.refresh_from_db()
    assert world.part.status == PartStatus.ANSWERED
    assert world.request.status == RequestStatus.ROUTED  # probation's part is still open
    events = AuditEvent.objects.filter(action=Action.DISCLOSURE)
    assert events.count() == before + 1
    event = events.latest("sequence")
    assert event.recipients == ["Sam Synthetic (the data subject)"]
    assert event.detail["request"] == world.request.reference
    assert sorted(event.detail["items_released"]) == sorted(i.label for i in world.part.items.all())
    assert event.detail["late"] is False

    # Probation answers its own part: the request closes.
    other = world.other_part
    for item in other.items.all():
        services.item_decide(item=item, decision=ItemDecision.RELEASE, by=world.receiver)
    services.bundle_request(part=other, by=world.receiver)
    other.refresh_from_db()
    services.part_answer(part=other, version=other.version, response_note="Posted", by=world.receiver)
    world.request.refresh_from_db()
    assert world.request.status == RequestStatus.CLOSED and world.request.closed_at is not None


def test_a_decision_after_the_bundle_needs_a_new_bundle(world):
    decide_all(world)
    services.bundle_request(part=world.part, by=world.officer)
    services.item_decide(
        item=world.items[0],
        decision=ItemDecision.WITHHOLD,
        exemption=Exemption.S45_PREVENTION,
        reason="Synthetic",
        by=world.officer,
    )
    world.part.refresh_from_db()
    with pytest.raises(ApplicationError, match="again"):
        services.part_answer(
            part=world.part, version=world.part.version, response_note="Posted", by=world.officer
        )


def test_a_late_answer_is_flagged(world):
    request = world.request
    request.received_on = request.identity_verified_on = timezone.localdate().replace(
        year=timezone.localdate().year - 1
    )
    request.save(override=True)
    decide_all(world)
    services.bundle_request(part=world.part, by=world.officer)
    world.part.refresh_from_db()
    services.part_answer(
        part=world.part, version=world.part.version, response_note="Posted", by=world.officer
    )
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE).latest("sequence").detail["late"] is True


def test_nothing_changes_once_answered(world):
    decide_all(world)
    services.bundle_request(part=world.part, by=world.officer)
    world.part.refresh_from_db()
    services.part_answer(
        part=world.part, version=world.part.version, response_note="Posted", by=world.officer
    )
    with pytest.raises(ApplicationError, match="answered"):
        services.item_decide(item=world.items[0], decision=ItemDecision.RELEASE, by=world.officer)
