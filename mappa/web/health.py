"""Health of the service for load balancers and monitoring: database reachable, migrations applied."""

from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def health() -> tuple[bool, dict[str, Any]]:
    report: dict[str, Any] = {"database": "ok", "migrations": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The exception text may hold connection details; it goes to the log, not the response.
        report["database"] = "unavailable"
        report["migrations"] = "unknown"
        return False, {"status": "unhealthy", **report}
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        report["migrations"] = "pending"
        report["pending_migrations"] = len(pending)
        return False, {"status": "unhealthy", **report}
    return True, {"status": "ok", **report}
