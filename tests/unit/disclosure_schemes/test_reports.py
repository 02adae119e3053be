"""The schemes' report (reports.py): counts by stage, status and outcome, and times against each
target, for the officer's own force only.

Applications are received at chosen times in the past and their stage records completed at
chosen times, so each count and median is known in advance.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.disclosure_schemes.models import Application, ApplicationStatus, SchemeOutcome
from mappa.disclosure_schemes.reports import SchemeReport, end_to_end_target, scheme_report, target_text
from tests.factories.accounts import member
from tests.factories.agencies import area_setup
from tests.factories.disclosure_schemes import ApplicationFactory, stage_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    north = area_setup("North")
    south = area_setup("South")
    officer = member(["disclosure_scheme_officer"], agency=north.police)
    now = timezone.now()

    def received(days: int, **kwargs: Any) -> Application:
        return ApplicationFactory(
            receiving_agency=north.police, received_at=now - timedelta(days=days), **kwargs
        )

    # CSODS: closed with disclosure in 40 days (within 45), closed without in 40 (over 35),
    # closed without in 20 (within 35); one open at the decision stage; one open, received today.
    closed = []
    for days, outcome, taken in (
        (50, SchemeOutcome.DISCLOSE, 40),
        (60, SchemeOutcome.DO_NOT_DISCLOSE, 40),
        (30, SchemeOutcome.DO_NOT_DISCLOSE, 20),
    ):
        at = now - timedelta(days=days)
        application = received(
            days,
            stage="outcome",
            outcome=outcome,
            status=ApplicationStatus.CLOSED,
            closed_at=at + timedelta(days=taken),
            decided_at=at,
            decided_by=officer,
            identity_verified_at=at,
            identity_verified_by=officer,
        )
        closed.append(application)
    deciding = received(40, stage="decision")
    fresh = received(0)
    # Stage records: initial checks completed within 24 hours for two, late for one; the open
    # application at "decision" is overdue there (due 35 days after receipt, 40 days ago).
    stage_record(closed[0], "initial_checks", due_days=1, completed_days=0.5, by=officer)
    stage_record(closed[1], "initial_checks", due_days=1, completed_days=3, by=officer)
    stage_record(deciding, "initial_checks", due_days=1, completed_days=0.2, by=officer)
    stage_record(deciding, "decision", due_days=35)
    stage_record(fresh, "initial_checks", due_days=1)  # due tomorrow: not overdue
    # Outside the officer's scope: South's force, and a DVDS one of North for the DVDS table.
    ApplicationFactory(receiving_agency=south.police, received_at=now - timedelta(days=10))
    received(5, scheme="dvds")
    return {"officer": officer, "south_officer": member(["disclosure_scheme_officer"], agency=south.police)}


def _csods(reports: list[SchemeReport]) -> SchemeReport:
    return next(r for r in reports if r.code == "csods")


def test_report_counts_by_stage_and_status(world: dict[str, Any]) -> None:
    report = _csods(scheme_report(fetched_by=world["officer"]))
    assert report.total == 5
    rows = {(row.stage, row.status): row.count for row in report.by_stage}
    assert rows == {
        ("Initial contact and checks", "Open"): 1,
        ("Multi-agency decision", "Open"): 1,
        ("Disclosure or non-disclosure", "Closed"): 3,
    }


def test_report_counts_by_outcome(world: dict[str, Any]) -> None:
    report = _csods(scheme_report(fetched_by=world["officer"]))
    outcomes = {row.outcome: row.count for row in report.by_outcome}
    assert outcomes["Disclose"] == 1 and outcomes["Do not disclose"] == 2 and outcomes["Not decided"] == 2


def test_report_time_taken_against_the_end_to_end_target(world: dict[str, Any]) -> None:
    report = _csods(scheme_report(fetched_by=world["officer"]))
    assert report.closed == 3 and report.median_days == 40
    assert report.within_end_to_end == 2


def test_report_stages_within_target_and_overdue(world: dict[str, Any]) -> None:
    report = _csods(scheme_report(fetched_by=world["officer"]))
    stages = {row.stage: row for row in report.stages}
    initial = stages["Initial contact and checks"]
    assert (initial.target, initial.completed, initial.completed_within, initial.overdue_now) == (
        "24 hours",
        3,
        2,
        0,
    )
    decision = stages["Multi-agency decision"]
    assert (decision.target, decision.completed, decision.overdue_now) == ("35 days", 0, 1)


def test_report_date_range(world: dict[str, Any]) -> None:
    today = timezone.localdate()
    report = _csods(
        scheme_report(
            fetched_by=world["officer"],
            received_from=today - timedelta(days=45),
            received_to=today - timedelta(days=1),
        )
    )
    assert report.total == 2  # received 40 and 30 days ago


def test_report_is_the_officers_force_only(world: dict[str, Any]) -> None:
    reports = scheme_report(fetched_by=world["south_officer"])
    assert _csods(reports).total == 1
    assert next(r for r in reports if r.code == "dvds").total == 0


def test_report_empty_for_a_user_without_the_permission(world: dict[str, Any]) -> None:
    practitioner = member(["practitioner"], agency=world["officer"].acting_membership.agency)
    assert all(report.total == 0 for report in scheme_report(fetched_by=practitioner))


def test_end_to_end_target_follows_the_outcome() -> None:
    disclose = Application(scheme="csods", guidance_version="2023", outcome=SchemeOutcome.DISCLOSE)
    refer = Application(scheme="csods", guidance_version="2023", outcome=SchemeOutcome.REFER)
    old_dvds = Application(scheme="dvds", guidance_version="2016", outcome=SchemeOutcome.DISCLOSE)
    assert end_to_end_target(disclose) == timedelta(days=45)
    assert end_to_end_target(refer) == timedelta(days=35)
    assert end_to_end_target(old_dvds) == timedelta(days=35)
    assert (
        target_text(timedelta(hours=24)) == "24 hours"
        and target_text(timedelta(days=1, hours=1)) == "25 hours"
    )
    assert target_text(timedelta(days=28)) == "28 days"
