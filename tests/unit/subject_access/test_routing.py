"""Whole-system search, confirming records and routing each record to its OWNER."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing.models import ItemStatus
from mappa.meetings.models import MinutesEntry
from mappa.subject_access import services_routing as routing
from mappa.subject_access.models import (
    ChairConsultation,
    ItemKind,
    PartItem,
    Regime,
    RequestStatus,
    SubjectRecord,
)
from mappa.subject_access.selectors import part_statuses
from tests.factories.accounts import member
from tests.factories.disclosures import DisclosureFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.meetings import held_minutes
from tests.factories.people import make_link, make_person
from tests.factories.subject_access import RequestFactory, verified
from tests.unit.subject_access.sar_world import sar_world

pytestmark = pytest.mark.django_db


def _finding(world, **kwargs):
    request = RequestFactory(
        receiving_agency=world.police,
        recorded_by=world.officer,
        subject_name="Aldous Quennell",
        subject_date_of_birth=date(1979, 2, 11),
        **kwargs,
    )
    return verified(request)


def _confirmed(world, **kwargs):
    request = _finding(world, **kwargs)
    routing.subject_records_confirm(
        request=request,
        version=request.version,
        person_ids=[world.person.pk],
        note="Name and date match",
        by=world.officer,
    )
    request.refresh_from_db()
    return request


def test_search_covers_every_record_and_is_recorded_with_its_purpose() -> None:
    world = sar_world()
    # Held by probation: the police SAR officer cannot see it in the ordinary people search.
    ItemFactory(nominal=world.nominal, owner_agency=world.probation, detail="Synthetic secret detail")
    request = _finding(world)
    results = routing.subject_search(request=request, by=world.officer)
    assert [r.person_id for r in results] == [world.person.pk]
    result = results[0]
    assert result.holdings[0].agency == world.probation.name
    # The item, and probation's own person record and nominal record of the subject.
    assert result.holdings[0].count == 3
    assert "Synthetic secret detail" not in repr(result)
    event = AuditEvent.objects.get(action=Action.CONSULTATION, detail__via="subject_access")
    assert event.justification == (
        f"Subject access request {request.reference}: finding the data subject's records "
        "(DPA 2018 s.45 / UK GDPR Art 15)"
    )


def test_search_refused_to_others_and_before_identity() -> None:
    world = sar_world()
    request = _finding(world)
    for user in (world.other_officer, world.practitioner):
        with pytest.raises(PermissionDenied):
            routing.subject_search(request=request, by=user)
    unverified = RequestFactory(receiving_agency=world.police, recorded_by=world.officer)
    with pytest.raises(ApplicationError):
        routing.subject_search(request=unverified, by=world.officer)


def test_confirm_adds_same_person_links_and_is_refused_to_others() -> None:
    world = sar_world()
    twin = make_person(world.health, forenames="Aldous", surname="Quennell", dob=(1979, 2, 11))
    make_link(world.person, twin, world.officer)
    request = _finding(world)
    with pytest.raises(PermissionDenied):
        routing.subject_records_confirm(
            request=request,
            version=request.version,
            person_ids=[world.person.pk],
            note="x",
            by=world.other_officer,
        )
    with pytest.raises(ApplicationError):
        routing.subject_records_confirm(
            request=request, version=request.version, person_ids=[], note="x", by=world.officer
        )
    routing.subject_records_confirm(
        request=request, version=request.version, person_ids=[world.person.pk], note="Match", by=world.officer
    )
    assert set(SubjectRecord.objects.values_list("person_id", flat=True)) == {world.person.pk, twin.pk}


def test_route_sends_each_record_to_its_owner() -> None:
    world = sar_world()
    chair = member(["mappa_coordinator"], agency=world.police)
    # Owned by probation and shared with the police (the receiving agency): still probation's.
    shared = ItemFactory(
        nominal=world.nominal, owner_agency=world.probation, detail="Synthetic probation text"
    )
    share = share_items([shared], world.police)
    assert share.recipient_agency == world.police
    health_item = ItemFactory(
        nominal=None, person=world.person, owner_agency=world.health, detail="Health text"
    )
    erased = ItemFactory(nominal=world.nominal, owner_agency=world.police, status=ItemStatus.ERASED)
    minutes = held_minutes(world.nominal, chair=chair)
    entry = MinutesEntry(
        minutes=minutes, agency=world.health, text="Synthetic health contribution", position=2
    )
    entry.save(override=True)
    disclosure = DisclosureFactory(nominal=world.nominal, proposing_agency=world.police)
    request = _confirmed(world)
    with pytest.raises(PermissionDenied):
        routing.route(request=request, version=request.version, by=world.practitioner)
    parts = routing.route(request=request, version=request.version, by=world.officer)
    by_agency = {part.agency_id: part for part in parts}
    assert set(by_agency) == {world.probation.pk, world.health.pk, world.police.pk}
    assert by_agency[world.probation.pk].regime == Regime.LAW_ENFORCEMENT
    assert by_agency[world.health.pk].regime == Regime.UK_GDPR
    probation_items = PartItem.objects.filter(part=by_agency[world.probation.pk])
    assert {(i.kind, i.object_id) for i in probation_items} == {
        (ItemKind.INFORMATION_ITEM, shared.pk),
        (ItemKind.PERSON_RECORD, world.person.pk),
        (ItemKind.NOMINAL, world.nominal.pk),
    }
    shared_item = probation_items.get(kind=ItemKind.INFORMATION_ITEM)
    assert shared_item.content[1] == {"label": "Detail", "text": "Synthetic probation text"}
    assert "Synthetic probation text" not in shared_item.label
    health_kinds = set(
        PartItem.objects.filter(part=by_agency[world.health.pk]).values_list("kind", "object_id")
    )
    assert health_kinds == {(ItemKind.INFORMATION_ITEM, health_item.pk), (ItemKind.MINUTES_ENTRY, entry.pk)}
    police_items = set(
        PartItem.objects.filter(part=by_agency[world.police.pk]).values_list("kind", "object_id")
    )
    assert police_items == {(ItemKind.DISCLOSURE, disclosure.pk)}
    assert not PartItem.objects.filter(kind=ItemKind.INFORMATION_ITEM, object_id=erased.pk).exists()
    consultation = ChairConsultation.objects.get()
    assert consultation.item.object_id == entry.pk
    assert consultation.chair == chair
    request.refresh_from_db()
    assert request.status == RequestStatus.ROUTED
    statuses = part_statuses(request=request, fetched_by=world.officer)
    assert {(row.agency, row.items, row.decided) for row in statuses} == {
        (world.health.name, 2, 0),
        (world.police.name, 1, 0),
        (world.probation.name, 3, 0),
    }
    assert part_statuses(request=request, fetched_by=world.other_officer) == []


def test_route_respects_scope_dates() -> None:
    world = sar_world()
    old = ItemFactory(nominal=world.nominal, owner_agency=world.probation)
    old.created_at = timezone.now() - timedelta(days=400)
    old.save(override=True)
    recent = ItemFactory(nominal=world.nominal, owner_agency=world.probation)
    request = _confirmed(world, scope_from=timezone.localdate() - timedelta(days=30))
    routing.route(request=request, version=request.version, by=world.officer)
    items = PartItem.objects.filter(kind=ItemKind.INFORMATION_ITEM)
    assert list(items.values_list("object_id", flat=True)) == [recent.pk]


def test_nothing_found_routes_with_no_parts_and_closes_nothing_held() -> None:
    world = sar_world()
    # Every record about the subject was made after the dates the request asks about.
    request = _confirmed(world, scope_to=timezone.localdate() - timedelta(days=1))
    assert routing.routing_plan(request) == []
    assert routing.route(request=request, version=request.version, by=world.officer) == []
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):
        routing.nothing_held(
            request=request, version=request.version, note="Letter sent", by=world.other_officer
        )
    closed = routing.nothing_held(
        request=request, version=request.version, note="Letter sent", by=world.officer
    )
    assert closed.status == RequestStatus.CLOSED


def test_route_needs_a_confirmed_record() -> None:
    world = sar_world()
    request = _finding(world)
    with pytest.raises(ApplicationError):
        routing.route(request=request, version=request.version, by=world.officer)


def test_not_in_the_index_closes_nothing_held_from_finding_once_searched() -> None:
    world = sar_world()
    request = verified(
        RequestFactory(
            receiving_agency=world.police,
            recorded_by=world.officer,
            subject_name="Wenna Tregarthen",
            subject_date_of_birth=date(1990, 7, 3),
        )
    )
    assert not routing.nothing_held_possible(request)
    # Not before the subject has been searched for: "nothing held" must have been looked for.
    with pytest.raises(ApplicationError, match="Search for the data subject"):
        routing.nothing_held(request=request, version=request.version, note="Letter sent", by=world.officer)
    assert routing.subject_search(request=request, by=world.officer) == []
    assert routing.nothing_held_possible(request)
    with pytest.raises(PermissionDenied):
        routing.nothing_held(
            request=request, version=request.version, note="Letter sent", by=world.other_officer
        )
    with pytest.raises(ApplicationError):
        routing.nothing_held(request=request, version=request.version, note=" ", by=world.officer)
    closed = routing.nothing_held(
        request=request, version=request.version, note="Letter sent", by=world.officer
    )
    assert closed.status == RequestStatus.CLOSED
    assert closed.routed_at is not None and closed.closed_at is not None
    assert not closed.parts.exists()
    event = AuditEvent.objects.get(summary__startswith="Subject access request closed: nothing held")
    assert event.detail["no_record_found"] is True and event.detail["note"] == "Letter sent"


def test_nothing_held_from_finding_refused_once_a_record_is_confirmed() -> None:
    world = sar_world()
    request = _finding(world)
    routing.subject_search(request=request, by=world.officer)
    routing.subject_records_confirm(
        request=request, version=request.version, person_ids=[world.person.pk], note="Match", by=world.officer
    )
    request.refresh_from_db()
    assert not routing.nothing_held_possible(request)
    with pytest.raises(ApplicationError, match="send the request to the agencies"):
        routing.nothing_held(request=request, version=request.version, note="Letter sent", by=world.officer)
