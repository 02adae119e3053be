"""How much an audit append and a chain verification cost (DESIGN.md §6).

Every case page view writes a consultation event, so `record_event` sits on the hot path of
almost every request; and `mappa audit verify` must stay fast enough to run nightly.

Runs on a throwaway database, never the one you work in: a temporary SQLite file by default, or,
when DATABASE_URL names a PostgreSQL server, a database created for the run (`mappa_bench`, or
MAPPA_BENCH_DATABASE) and dropped afterwards. Prints one JSON object on stdout; progress goes to
stderr. Not a test: pytest never collects it (`make bench` runs it).

    .venv/bin/python bench/audit_append.py [--appends 2000] [--verify-events 10000]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Point DATABASE_URL at a fresh database for the run; yield a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        with tempfile.TemporaryDirectory(prefix="mappa-bench-") as tmp:
            # settings.py puts the SQLite file (and a development secret key) under MAPPA_VAR_DIR.
            os.environ["MAPPA_VAR_DIR"] = tmp
            try:
                yield "sqlite (temporary file)"
            finally:
                from django.db import connections

                connections.close_all()
        return
    import psycopg
    from psycopg import sql

    name = os.environ.get("MAPPA_BENCH_DATABASE", "mappa_bench")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"DATABASE_URL must be PostgreSQL for the benchmark, not {parts.scheme}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(create)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield f"postgresql (database {name}, dropped afterwards)"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(drop)


# The attributes record_event reads from a signed-in user whose acting membership the middleware
# has loaded (with its agency): a stand-in, so the benchmark measures the audit code and does not
# depend on the accounts app's models.
@dataclass
class _Agency:
    code: str = "BENCH-POLICE"


@dataclass
class _Membership:
    agency_id: int = 1
    agency: _Agency = field(default_factory=_Agency)
    roles: list[str] = field(default_factory=lambda: ["practitioner"])
    is_active: bool = True


@dataclass
class _User:
    pk: int = 1
    is_active: bool = True
    is_authenticated: bool = True
    acting_membership: _Membership = field(default_factory=_Membership)

    def get_username(self) -> str:
        return "bench.user"


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def measure_appends(count: int) -> dict[str, Any]:
    """`count` consultation events, each in its own transaction, as a case page view writes one."""
    from django.db import transaction

    from mappa.audit.models import Action
    from mappa.audit.services import record_event
    from mappa.core import request_context

    actor = _User()
    durations_us: list[float] = []
    token = request_context.begin(ip_address="192.0.2.10")
    try:
        started = time.perf_counter()
        for n in range(count):
            t0 = time.perf_counter_ns()
            with transaction.atomic():
                record_event(
                    action=Action.CONSULTATION,
                    actor=actor,
                    summary="Case page viewed",
                    object_type="nominal",
                    object_id=n % 500,
                    object_agency_id=1,
                    nominal_id=n % 500,
                    justification="Lead agency for this nominal",
                )
            durations_us.append((time.perf_counter_ns() - t0) / 1000)
        elapsed = time.perf_counter() - started
    finally:
        request_context.end(token)
    durations_us.sort()
    return {
        "count": count,
        "median_us": round(statistics.median(durations_us), 1),
        "p95_us": round(_percentile(durations_us, 0.95), 1),
        "p99_us": round(_percentile(durations_us, 0.99), 1),
        "mean_us": round(statistics.fmean(durations_us), 1),
        "events_per_s": round(count / elapsed, 1),
    }


def fill_to(total: int) -> dict[str, Any]:
    """Grow the log to `total` events, 500 per transaction (the cost of a batch job's appends)."""
    from django.db import transaction

    from mappa.audit.models import Action, AuditEvent
    from mappa.audit.services import record_event

    missing = total - AuditEvent.objects.count()
    started = time.perf_counter()
    written = 0
    while written < missing:
        with transaction.atomic():
            for _ in range(min(500, missing - written)):
                record_event(action=Action.COLLECTION, actor_username="bench.batch", summary="batch")
                written += 1
    elapsed = time.perf_counter() - started
    return {
        "count": written,
        "per_transaction": 500,
        "events_per_s": round(written / elapsed, 1) if written else None,
    }


def measure_verify() -> dict[str, Any]:
    from mappa.audit.services import verify_chain

    started = time.perf_counter()
    result = verify_chain()
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"chain broken at {result.first_broken_sequence}: {result.reason}")
    return {
        "events": result.checked,
        "seconds": round(elapsed, 3),
        "seconds_per_10k_events": round(elapsed / result.checked * 10_000, 3),
        "events_per_s": round(result.checked / elapsed, 1),
    }


def database_version() -> str:
    from django.db import connection

    query = "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
    with connection.cursor() as cursor:
        cursor.execute(query)
        return str(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appends", type=int, default=2000, help="single-event transactions to time")
    parser.add_argument("--verify-events", type=int, default=10_000, help="log size for the verify timing")
    args = parser.parse_args()

    with throwaway_database() as database:
        os.environ["DJANGO_SETTINGS_MODULE"] = "mappa.settings"
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating {database}")
        call_command("migrate", verbosity=0, interactive=False)
        log(f"timing {args.appends} appends")
        appends = measure_appends(args.appends)
        log(f"filling the log to {args.verify_events} events")
        batched = fill_to(args.verify_events)
        log("timing verify")
        verify = measure_verify()
        report = {
            "benchmark": "audit_append",
            "database": database,
            "database_version": database_version(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "appends": appends,
            "batched_appends": batched,
            "verify": verify,
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
