"""What only PostgreSQL enforces: the append-only trigger, and appends serialised on the head row."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import QuerySet

from mappa.audit.models import Action, AuditChainHead, AuditEvent
from mappa.audit.services import record_event, verify_chain
from tests.unit.audit.tamper import append_only_trigger_disabled, execute, write_events

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE sequence = 2",
        "UPDATE audit_auditevent SET hash = hash",
        "DELETE FROM audit_auditevent WHERE sequence = 2",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_trigger_refuses_update_and_delete_in_raw_sql(sql):
    write_events(3)
    # The savepoint lets the test go on reading after the refused statement.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        execute(sql)
    assert list(AuditEvent.objects.order_by("sequence").values_list("summary", flat=True)) == [
        "event 0",
        "event 1",
        "event 2",
    ]
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_trigger_refuses_a_plain_queryset_that_skips_the_model():
    write_events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet(model=AuditEvent).update(summary="rewritten")


THREADS = 8
PER_THREAD = 25


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("head_row", ["present", "missing"])
def test_concurrent_writers_never_fork_the_chain(head_row):
    # With the head row missing (as after a flush) the writers also race to recreate it.
    with append_only_trigger_disabled():  # resetting the head is what the triggers refuse
        if head_row == "missing":
            AuditChainHead.objects.all().delete()
        else:
            AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": 0, "hash": "0" * 64})
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    record_event(action=Action.CONSULTATION, actor_username=f"thread{n}", object_id=i)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    total = THREADS * PER_THREAD
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    result = verify_chain()
    assert (result.ok, result.checked) == (True, total)
    # Every writer's events all landed.
    for n in range(THREADS):
        assert AuditEvent.objects.filter(actor_username=f"thread{n}").count() == PER_THREAD


@pytest.mark.django_db
def test_the_chain_head_only_moves_forward_and_cannot_be_deleted():
    write_events(3)
    with pytest.raises(DatabaseError, match="one event at a time"), transaction.atomic():
        execute("UPDATE audit_auditchainhead SET sequence = 1")
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        execute("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.get(pk=1).sequence == 3
    assert verify_chain().ok
