"""The audit log as CSV, one row per event, written as the rows are read."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from mappa.audit.models import AuditEvent

COLUMNS = (
    "sequence",
    "occurred_at",
    "action",
    "actor_username",
    "actor_agency_code",
    "actor_roles",
    "object_type",
    "object_id",
    "object_agency_code",
    "nominal_id",
    "summary",
    "justification",
    "recipients",
    "changed_fields",
    "request_id",
    "ip_address",
    "hash",
)

# A cell starting with one of these is a formula to a spreadsheet: justifications and summaries
# are typed by users, so such a cell is prefixed with an apostrophe (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events:
        yield writer.writerow([_cell(getattr(event, column, None)) for column in COLUMNS])
