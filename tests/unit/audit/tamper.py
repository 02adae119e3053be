"""Helpers that rewrite the audit log behind the application's back, as an attacker with
database access would, so the tests can check that verify notices."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from mappa.audit.models import Action
from mappa.audit.services import record_event


@contextmanager
def append_only_trigger_disabled() -> Iterator[None]:
    """On PostgreSQL, lift the triggers guarding the log and its head (the tests run as superuser).

    ALTER TABLE is transactional there, so the test's rollback would restore it anyway; it is
    re-enabled explicitly so that later statements in the same test are guarded again.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_chain_head_forward_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            cursor.execute("ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_chain_head_forward_only")


def execute(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return int(cursor.rowcount)


def write_events(count: int, **kwargs: Any) -> None:
    for n in range(count):
        record_event(
            action=Action.CONSULTATION,
            actor_username=f"writer{n}",
            summary=f"event {n}",
            object_type="thing",
            object_id=n,
            **kwargs,
        )
