"""verify_chain and `mappa audit verify` against a log rewritten behind the application's back.

Each tamper goes straight to the table, as someone with database access would; on PostgreSQL
the append-only trigger is disabled first (the tests connect as a superuser, who can).
"""

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import QuerySet

from mappa.audit import services
from mappa.audit.models import Action, AuditChainHead, AuditEvent
from mappa.audit.services import HASHED_FIELDS, compute_hash, record_event, verify_chain
from tests.unit.audit.tamper import append_only_trigger_disabled, execute, write_events

pytestmark = pytest.mark.django_db

N = 6


def run_verify(*args: str) -> tuple[int, str, str]:
    """Run `mappa audit verify` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_empty_log_verifies():
    result = verify_chain()
    assert result.ok
    assert result.checked == 0


def test_an_intact_chain_verifies_and_the_command_exits_0_with_the_count():
    write_events(N)
    result = verify_chain()
    assert (result.ok, result.checked, result.first_broken_sequence) == (True, N, None)
    code, out, err = run_verify()
    assert code == 0
    assert f"{N} events checked" in out
    assert err == ""


def test_the_command_reports_json():
    write_events(N)
    code, out, _ = run_verify("--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "checked": N, "first_broken_sequence": None, "reason": ""}


def test_a_row_altered_in_sql_is_named():
    write_events(N)
    with append_only_trigger_disabled():
        assert execute("UPDATE audit_auditevent SET summary = %s WHERE sequence = %s", ["nothing", 3]) == 1
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence, result.reason) == (False, 3, "event altered")
    assert result.checked == 2
    code, out, err = run_verify()
    assert code == 1
    assert "BROKEN at sequence 3" in err
    assert "event altered" in err
    assert out == ""


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link():
    # Someone who knows the hashing (it is no secret) rewrites row 3 and its hash: row 4 still
    # names the old hash as its predecessor.
    write_events(N)
    row = AuditEvent.objects.values(*HASHED_FIELDS).get(sequence=3)
    row["summary"] = "nothing to see"
    with append_only_trigger_disabled():
        execute(
            "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE sequence = 3",
            [row["summary"], compute_hash(row)],
        )
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence) == (False, 4)
    assert result.reason == "previous hash does not match"


def test_the_last_row_rewritten_with_a_fresh_hash_is_caught_by_the_chain_head():
    write_events(N)
    row = AuditEvent.objects.values(*HASHED_FIELDS).get(sequence=N)
    row["summary"] = "nothing to see"
    with append_only_trigger_disabled():
        execute(
            "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE sequence = %s",
            [row["summary"], compute_hash(row), N],
        )
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence, result.reason) == (False, N, "chain head does not match")


def test_a_deleted_middle_row_is_named():
    write_events(N)
    with append_only_trigger_disabled():
        assert execute("DELETE FROM audit_auditevent WHERE sequence = %s", [4]) == 1
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence, result.reason) == (False, 4, "event missing")
    code, _, err = run_verify()
    assert code == 1
    assert "BROKEN at sequence 4" in err


def test_deleted_last_rows_are_named():
    write_events(N)
    with append_only_trigger_disabled():
        assert execute("DELETE FROM audit_auditevent WHERE sequence > %s", [N - 2]) == 2
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence, result.reason) == (False, N - 1, "event missing")
    assert result.checked == N - 2
    code, _, err = run_verify()
    assert code == 1
    assert f"BROKEN at sequence {N - 1}" in err


def test_every_row_deleted_is_noticed():
    write_events(N)
    with append_only_trigger_disabled():
        execute("DELETE FROM audit_auditevent")
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence) == (False, 1)


def test_a_row_inserted_around_record_event_is_noticed():
    # A forged event appended with a correct hash but without moving the chain head: the next
    # honest append would collide with it, so verify reports it.
    write_events(2)
    last = AuditEvent.objects.get(sequence=2)
    fields: dict[str, Any] = {
        name: getattr(last, name) for name in HASHED_FIELDS if name not in {"sequence", "prev_hash"}
    }
    fields.update(sequence=3, prev_hash=last.hash, summary="forged")
    fields["hash"] = compute_hash(fields)
    AuditEvent(**fields).save()
    result = verify_chain()
    assert (result.ok, result.first_broken_sequence) == (False, 3)
    assert result.reason == "event not recorded in the chain head"


def test_events_appended_while_verifying_are_not_mistaken_for_removed_ones(monkeypatch):
    # verify runs beside live writers: an event committed after the rows were read must not
    # make the head look ahead of the log.
    write_events(N)
    read_rows = services._rows

    def rows_then_someone_appends():
        rows = list(read_rows())
        record_event(action=Action.CONSULTATION, summary="appended meanwhile")
        yield from rows

    monkeypatch.setattr(services, "_rows", rows_then_someone_appends)
    result = verify_chain()
    assert (result.ok, result.checked) == (True, N)


def test_verify_without_a_chain_head_still_checks_the_rows():
    write_events(N)
    with append_only_trigger_disabled():
        AuditChainHead.objects.all().delete()
    assert verify_chain().ok
    with append_only_trigger_disabled():
        execute("UPDATE audit_auditevent SET justification = %s WHERE sequence = 2", ["x"])
    assert verify_chain().first_broken_sequence == 2


# A different value for every stored column of the event: altering any one of them must be
# caught. A field added to AuditEvent without a value here fails the first test below.
_TAMPERED: dict[str, Any] = {
    "sequence": 10_000,
    "occurred_at": lambda event: event.occurred_at + timedelta(seconds=1),
    "action": Action.ERASURE,
    "summary": "rewritten",
    "actor_user_id": 999_999,
    "actor_username": "someone-else",
    "actor_agency_id": 999_999,
    "actor_agency_code": "OTHER",
    "actor_roles": ["auditor"],
    "object_type": "other",
    "object_id": "other",
    "object_agency_id": 999_999,
    "nominal_id": 999_999,
    "justification": "rewritten",
    "recipients": ["someone"],
    "changed_fields": ["secret"],
    "detail": {"rewritten": True},
    "request_id": "f" * 32,
    "ip_address": "198.51.100.99",
    "prev_hash": "f" * 64,
    "hash": "e" * 64,
}


def test_the_tamper_table_covers_every_stored_field():
    concrete = {f.name for f in AuditEvent._meta.concrete_fields}
    assert set(_TAMPERED) == concrete - {"id"}


@pytest.mark.parametrize("field", sorted(_TAMPERED))
def test_altering_any_single_column_is_caught(field):
    write_events(N)
    event = AuditEvent.objects.get(sequence=3)
    value = _TAMPERED[field]
    value = value(event) if callable(value) else value
    assert value != getattr(event, field)
    with append_only_trigger_disabled():
        # A plain QuerySet skips the model's refusal, as raw SQL would; on PostgreSQL only
        # the (disabled) trigger would stop it.
        QuerySet(model=AuditEvent).filter(pk=event.pk).update(**{field: value})
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_sequence == 3
