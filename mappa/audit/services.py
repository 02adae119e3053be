"""record_event, the one way to write the audit log, and verify_chain, which checks it."""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action, AuditChainHead, AuditEvent
from mappa.authorization.utils import acting_membership
from mappa.core import request_context

GENESIS_HASH = "0" * 64

# The fields a row's hash covers, in a fixed order. Adding a field to AuditEvent means adding
# it here too, or it would not be tamper-evident; test_audit_hash_covers_every_field checks.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "action",
    "summary",
    "actor_user_id",
    "actor_username",
    "actor_agency_id",
    "actor_agency_code",
    "actor_roles",
    "object_type",
    "object_id",
    "object_agency_id",
    "nominal_id",
    "justification",
    "recipients",
    "changed_fields",
    "detail",
    "request_id",
    "ip_address",
    "prev_hash",
)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Microsecond precision, always UTC: both PostgreSQL and SQLite store this exactly.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def compute_hash(fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {name: _canonical_value(fields[name]) for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _actor_fields(actor: Any, actor_username: str) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {
            "actor_user_id": None,
            "actor_username": actor_username,
            "actor_agency_id": None,
            "actor_agency_code": "",
            "actor_roles": [],
        }
    membership = acting_membership(actor)
    return {
        "actor_user_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_agency_id": membership.agency_id if membership else None,
        "actor_agency_code": membership.agency.code if membership else "",  # type: ignore[attr-defined]
        "actor_roles": sorted(membership.roles) if membership else [],
    }


def record_event(
    *,
    action: Action,
    actor: Any = None,
    actor_username: str = "",
    summary: str = "",
    object_type: str = "",
    object_id: Any = "",
    object_agency_id: int | None = None,
    nominal_id: int | None = None,
    justification: str = "",
    recipients: Sequence[str] = (),
    changed_fields: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the log, inside the caller's transaction.

    Called from services within their transaction.atomic(), so the event commits or rolls back
    with the change it records: there is never a change without its event, nor an event for a
    change that did not happen. `actor` is the signed-in user (their acting agency and roles are
    recorded); for events with no user (a failed sign-in) pass `actor_username`.
    """
    ctx = request_context.current()
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            # Normally created by migration 0002; a test database flushed between tests has lost it.
            head = AuditChainHead(id=1, sequence=0, hash=GENESIS_HASH)
            last = AuditEvent.objects.order_by("-sequence").first()
            if last is not None:
                head.sequence, head.hash = last.sequence, last.hash
        fields: dict[str, Any] = {
            "sequence": head.sequence + 1,
            # Truncated to microseconds, the precision both databases keep.
            "occurred_at": timezone.now(),
            "action": Action(action).value,
            "summary": summary[:200],
            **_actor_fields(actor, actor_username),
            "object_type": object_type,
            "object_id": str(object_id) if object_id not in (None, "") else "",
            "object_agency_id": object_agency_id,
            "nominal_id": nominal_id,
            "justification": justification,
            "recipients": list(recipients),
            "changed_fields": sorted(changed_fields),
            "detail": dict(detail or {}),
            "request_id": ctx.request_id if ctx else "",
            "ip_address": ctx.ip_address if ctx else None,
            "prev_hash": head.hash,
        }
        fields["hash"] = compute_hash(fields)
        event = AuditEvent(**fields)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    reason: str = ""


def _rows() -> Iterator[dict[str, Any]]:
    yield from (
        AuditEvent.objects.order_by("sequence").values(*HASHED_FIELDS, "hash").iterator(chunk_size=2000)
    )


def verify_chain() -> VerifyResult:
    """Recompute the chain from the first row; report the first row that does not fit.

    A row altered in place fails its own hash; a row removed leaves a gap in the sequence; rows
    removed from the end no longer match the chain head.
    """
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in _rows():
        if row["sequence"] != expected_sequence:
            return VerifyResult(False, checked, expected_sequence, "event missing")
        if row["prev_hash"] != prev_hash:
            return VerifyResult(False, checked, row["sequence"], "previous hash does not match")
        if compute_hash(row) != row["hash"]:
            return VerifyResult(False, checked, row["sequence"], "event altered")
        prev_hash = row["hash"]
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.sequence > checked:
        return VerifyResult(False, checked, checked + 1, "event missing")
    if head is not None and head.sequence == checked and checked and head.hash != prev_hash:
        return VerifyResult(False, checked, checked, "chain head does not match")
    return VerifyResult(True, checked)
