import csv
import io

import pytest

from mappa.audit.csv_export import COLUMNS, csv_lines
from mappa.audit.models import Action
from mappa.audit.selectors import event_list
from mappa.audit.services import record_event
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def _rows(events):
    return list(csv.reader(io.StringIO("".join(csv_lines(events)))))


def test_one_row_per_event_under_a_header():
    auditor = member(["auditor"])
    record_event(
        action=Action.DISCLOSURE,
        actor=auditor,
        summary="Told the school",
        recipients=["Head teacher", "Governor"],
        changed_fields=["b", "a"],
    )
    rows = _rows(event_list(fetched_by=auditor))
    assert rows[0] == list(COLUMNS)
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["action"] == "disclosure"
    assert row["summary"] == "Told the school"
    assert row["actor_username"] == auditor.username
    assert row["recipients"] == "Head teacher; Governor"
    assert row["changed_fields"] == "a; b"
    assert row["nominal_id"] == ""


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)", "\tx"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(text):
    auditor = member(["auditor"])
    record_event(action=Action.CONSULTATION, actor=auditor, justification=text)
    row = dict(zip(COLUMNS, _rows(event_list(fetched_by=auditor))[1], strict=True))
    assert row["justification"] == f"'{text}"
