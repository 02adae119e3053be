"""record_event, the one way to write the audit log, and verify_chain, which checks it."""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action, AuditChainHead, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core import request_context
from mappa.core.exceptions import PermissionDenied
from mappa.core.types import AnyUser

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


def _stored_ip(address: str | None) -> str | None:
    # The hash must cover the value as the database will give it back: IPv6 addresses are
    # stored compressed and lower-case (by Django on SQLite, by the inet type on PostgreSQL), so
    # hashing "2001:DB8:0::1" as sent would make an honest event fail verification.
    prepared = AuditEvent._meta.get_field("ip_address").get_prep_value(address)
    return str(prepared) if prepared is not None else None


def _locked_chain_head() -> AuditChainHead:
    """The chain head row, locked until the caller's transaction ends."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Normally created by migration 0002; a test database flushed between tests has lost it.
        # SELECT ... FOR UPDATE locks nothing when the row is missing, so two writers could both
        # get here: recreate it with INSERT ... ON CONFLICT DO NOTHING and lock whichever row
        # won, rather than have both append sequence 1.
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, hash_ = last if last is not None else (0, GENESIS_HASH)
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(id=1, sequence=sequence, hash=hash_)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


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
        head = _locked_chain_head()
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
            "ip_address": _stored_ip(ctx.ip_address) if ctx else None,
            "prev_hash": head.hash,
        }
        fields["hash"] = compute_hash(fields)
        event = AuditEvent(**fields)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
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


def _head() -> tuple[int, str] | None:
    return AuditChainHead.objects.filter(pk=1).values_list("sequence", "hash").first()


def verify_chain() -> VerifyResult:
    """Recompute the chain from the first row; report the first row that does not fit.

    A row altered in place fails its own hash; a row removed leaves a gap in the sequence; rows
    removed from the end no longer reach the chain head; a last row rewritten together with its
    hash no longer matches the head's hash.

    It runs beside live writers (a nightly cron), without locking them out, so the head is read
    *before* the rows: events appended meanwhile come after it and are simply checked too, where
    a head read afterwards would be ahead of the rows read and look like removed rows.
    """
    head_before = _head()
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
        if head_before is not None and row["sequence"] == head_before[0] and row["hash"] != head_before[1]:
            return VerifyResult(False, checked, row["sequence"], "chain head does not match")
        prev_hash = row["hash"]
        expected_sequence += 1
        checked += 1
    if head_before is not None and head_before[0] > checked:
        return VerifyResult(False, checked, checked + 1, "event missing")
    # A committed event always has its head update committed with it, so a head behind the rows
    # read means rows were inserted around record_event (and the next append would collide).
    head_after = _head()
    if head_after is not None and head_after[0] < checked:
        return VerifyResult(False, checked, head_after[0] + 1, "event not recorded in the chain head")
    return VerifyResult(True, checked)


# Reading the log is itself logged (DESIGN.md §6): DPA 2018 s.62(4) allows the log to be used
# only to verify lawfulness, for self-monitoring, integrity and criminal proceedings, so who read
# which part of it must be answerable too. Each function below is one transaction; the view
# calls it before it reads, so no part of the log is shown without its consultation event.


def _require_audit_view(by: AnyUser) -> None:
    if not has_permission(by, Permission.AUDIT_VIEW):
        raise PermissionDenied("You cannot read the audit log")


def _json_safe(filters: Mapping[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for name, value in filters.items():
        if value in (None, ""):
            continue
        safe[name] = value.isoformat() if isinstance(value, date) else value
    return safe


def _filter_summary(prefix: str, filters: Mapping[str, Any]) -> str:
    # Names only: the values (a colleague's username, a date range) go in `detail`.
    names = [name.replace("_", " ") for name in filters]
    return f"{prefix}, filtered by {', '.join(names)}" if names else f"{prefix}, no filters"


def audit_log_consulted(*, by: AnyUser, filters: Mapping[str, Any], page: int | None = None) -> AuditEvent:
    """Record that `by` listed the audit log with these filters (one event per page viewed)."""
    _require_audit_view(by)
    membership = acting_membership(by)
    detail: dict[str, Any] = {"filters": _json_safe(filters)}
    if page is not None:
        detail["page"] = page
    with transaction.atomic():
        return record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=_filter_summary("Audit log listed", detail["filters"]),
            object_type="audit_log",
            object_agency_id=membership.agency_id if membership else None,
            detail=detail,
        )


def audit_event_consulted(*, by: AnyUser, event: AuditEvent) -> AuditEvent:
    """Record that `by` opened one audit event.

    It names the event's object agency and nominal, so a question like "who has looked at
    anything about this nominal" also finds auditors who read events about them.
    """
    _require_audit_view(by)
    with transaction.atomic():
        return record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=f"Audit event #{event.sequence} viewed",
            object_type="audit_event",
            object_id=event.sequence,
            object_agency_id=event.object_agency_id,
            nominal_id=event.nominal_id,
        )


def audit_log_exported(*, by: AnyUser, filters: Mapping[str, Any]) -> AuditEvent:
    """Record an export of the filtered log, before any row of it is sent.

    The export holds exactly the matching events with a sequence below this event's own, so
    what left the system can be reconstructed later from the filters and the sequence.
    """
    _require_audit_view(by)
    membership = acting_membership(by)
    safe = _json_safe(filters)
    with transaction.atomic():
        return record_event(
            action=Action.EXPORT,
            actor=by,
            summary=_filter_summary("Audit log exported as CSV", safe),
            object_type="audit_log",
            object_agency_id=membership.agency_id if membership else None,
            detail={"filters": safe, "format": "csv"},
        )


@transaction.atomic
def access_refused(*, by: Any, path: str, method: str) -> AuditEvent:
    """Record a refused request (a 403).

    Refusals are evidence of misuse or of a missing role (ASVS 5 §16.3.2). The page is recorded,
    never the query string, which may hold search terms.
    """
    return record_event(
        action=Action.ACCESS_DENIED,
        actor=by,
        summary="Access refused",
        detail={"path": path[:200], "method": method},
    )
