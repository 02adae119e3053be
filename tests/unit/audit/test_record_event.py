from datetime import UTC, datetime

import pytest
from django.db import transaction

from mappa.audit.models import Action, AuditChainHead, AuditEvent
from mappa.audit.services import GENESIS_HASH, HASHED_FIELDS, compute_hash, record_event, verify_chain
from mappa.core import request_context
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.unit.audit.tamper import append_only_trigger_disabled

pytestmark = pytest.mark.django_db


def test_records_the_given_fields():
    event = record_event(
        action=Action.DISCLOSURE,
        actor_username="nobody",
        summary="Disclosed to the school",
        object_type="disclosure",
        object_id=42,
        object_agency_id=7,
        nominal_id=9,
        justification="Risk to children at the school",
        recipients=["Head teacher"],
        changed_fields=["status", "decided_at"],
        detail={"channel": "letter"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == Action.DISCLOSURE
    assert stored.summary == "Disclosed to the school"
    assert stored.actor_username == "nobody"
    assert stored.actor_user_id is None
    assert (stored.object_type, stored.object_id) == ("disclosure", "42")
    assert (stored.object_agency_id, stored.nominal_id) == (7, 9)
    assert stored.justification == "Risk to children at the school"
    assert stored.recipients == ["Head teacher"]
    # Names of fields changed, sorted, never their values.
    assert stored.changed_fields == ["decided_at", "status"]
    assert stored.detail == {"channel": "letter"}
    assert stored.occurred_at.tzinfo is not None


def test_summary_is_cut_to_its_column():
    event = record_event(action=Action.CONSULTATION, summary="x" * 300)
    assert len(event.summary) == 200


def test_hash_covers_the_canonical_row_and_is_stored():
    event = record_event(action=Action.COLLECTION, summary="first")
    stored = AuditEvent.objects.values(*HASHED_FIELDS, "hash").get(pk=event.pk)
    assert len(stored["hash"]) == 64
    assert compute_hash(stored) == stored["hash"] == event.hash


def test_changing_any_hashed_value_changes_the_hash():
    event = record_event(action=Action.COLLECTION, summary="first")
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    original = compute_hash(fields)
    for name in HASHED_FIELDS:
        changed = dict(fields, **{name: "something else"})
        assert compute_hash(changed) != original, name


def test_sequence_increments_and_each_event_links_to_the_previous():
    first = record_event(action=Action.COLLECTION)
    second = record_event(action=Action.ALTERATION)
    third = record_event(action=Action.ERASURE)
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (3, third.hash)


def test_event_rolls_back_with_the_enclosing_transaction():
    kept = record_event(action=Action.COLLECTION)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        record_event(action=Action.ALTERATION, summary="never happened")
        raise Refused

    assert list(AuditEvent.objects.values_list("summary", flat=True)) == [kept.summary]
    # The head rolled back too, so the next event continues the chain without a gap.
    following = record_event(action=Action.ERASURE)
    assert following.sequence == kept.sequence + 1
    assert following.prev_hash == kept.hash
    assert verify_chain().ok


def test_actor_agency_and_roles_come_from_the_acting_membership():
    agency = AgencyFactory(code="DURHAM-POLICE")
    user = member(["practitioner", "auditor"], agency=agency)
    event = record_event(action=Action.CONSULTATION, actor=user)
    assert event.actor_user_id == user.pk
    assert event.actor_username == user.username
    assert event.actor_agency_id == agency.pk
    assert event.actor_agency_code == "DURHAM-POLICE"
    assert event.actor_roles == ["auditor", "practitioner"]


def test_a_user_acting_for_no_agency_is_recorded_without_one():
    user = member(["auditor"])
    user.acting_membership = None
    event = record_event(action=Action.SIGN_IN, actor=user)
    assert event.actor_user_id == user.pk
    assert (event.actor_agency_id, event.actor_agency_code, event.actor_roles) == (None, "", [])


def test_request_id_and_ip_are_recorded_while_a_request_context_is_set():
    token = request_context.begin(ip_address="192.0.2.10")
    try:
        context = request_context.current()
        assert context is not None
        inside = record_event(action=Action.CONSULTATION)
    finally:
        request_context.end(token)
    outside = record_event(action=Action.CONSULTATION)
    assert inside.request_id == context.request_id != ""
    assert AuditEvent.objects.get(pk=inside.pk).ip_address == "192.0.2.10"
    assert (outside.request_id, outside.ip_address) == ("", None)


@pytest.mark.parametrize("address", ["2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1", "2001:db8::1"])
def test_ip_addresses_the_database_rewrites_still_verify(address):
    # The database stores IPv6 addresses in compressed lower-case form; the hash must be
    # computed on that form, or verify would report an honest event as altered.
    token = request_context.begin(ip_address=address)
    try:
        record_event(action=Action.SIGN_IN)
    finally:
        request_context.end(token)
    assert verify_chain().ok


def test_occurred_at_is_utc_aware_and_survives_the_database_round_trip():
    event = record_event(action=Action.CONSULTATION)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == event.occurred_at
    assert stored.occurred_at.astimezone(UTC) == event.occurred_at.astimezone(UTC)
    assert event.occurred_at <= datetime.now(UTC)


def test_recreates_a_missing_chain_head_from_the_last_event():
    # A flushed test database loses the head row migration 0002 created.
    first = record_event(action=Action.COLLECTION)
    with append_only_trigger_disabled():  # on PostgreSQL a trigger refuses deleting the head
        AuditChainHead.objects.all().delete()
    second = record_event(action=Action.ALTERATION)
    assert second.sequence == 2
    assert second.prev_hash == first.hash
    assert verify_chain().ok


def test_every_stored_field_except_id_and_hash_is_hashed():
    # Guards HASHED_FIELDS: a field added to AuditEvent but not to the hash could be rewritten
    # without verify noticing.
    concrete = {f.name for f in AuditEvent._meta.concrete_fields}
    assert concrete - {"id", "hash"} == set(HASHED_FIELDS)
    assert len(HASHED_FIELDS) == len(set(HASHED_FIELDS))


def test_instance_save_of_an_existing_event_is_refused():
    event = record_event(action=Action.COLLECTION, summary="original")
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_instance_delete_is_refused():
    event = record_event(action=Action.COLLECTION)
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused():
    record_event(action=Action.COLLECTION, summary="original")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(sequence=1).update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(summary="rewritten")
    # Django's own internal writes go through the base manager: it refuses too.
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.update(summary="rewritten")
    assert list(AuditEvent.objects.values_list("summary", flat=True)) == ["original"]


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record_event(action="made_up")  # type: ignore[arg-type]
