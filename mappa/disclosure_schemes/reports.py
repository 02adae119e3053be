"""The disclosure schemes' report: applications by stage and status, by outcome, and time taken
against each target (issue 7: "Reports for the schemes").

For the officer's own police agency only (application_list's scope), and counts only: no
reference, name or date about anyone appears, so the report can be printed or shared with the
force's performance team. Each application is measured against the edition it was received
under (schemes.py): a DVDS 2016 application keeps its 35 days, a 2023 one has 28.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mappa.core.types import AnyUser
from mappa.disclosure_schemes.models import Application, ApplicationStatus, SchemeOutcome, StageRecord
from mappa.disclosure_schemes.schemes import SCHEME_CHOICES, SchemeEdition, current, edition
from mappa.disclosure_schemes.selectors import application_list

NOT_DECIDED = "Not decided"


@dataclass(frozen=True)
class StageStatusRow:
    stage: str
    status: str
    count: int


@dataclass(frozen=True)
class OutcomeRow:
    outcome: str
    count: int


@dataclass(frozen=True)
class StageTimeRow:
    stage: str
    target: str
    completed: int
    completed_within: int
    overdue_now: int


@dataclass
class SchemeReport:
    code: str
    title: str
    total: int = 0
    by_stage: list[StageStatusRow] = field(default_factory=list)
    by_outcome: list[OutcomeRow] = field(default_factory=list)
    closed: int = 0
    median_days: float | None = None
    within_end_to_end: int = 0
    end_to_end_targets: str = ""
    stages: list[StageTimeRow] = field(default_factory=list)


def _edition_of(application: Application) -> SchemeEdition:
    return edition(f"{application.scheme}-{application.guidance_version}")


def _stage_label(scheme: SchemeEdition, code: str) -> str:
    try:
        return scheme.stage(code).label
    except KeyError:
        return code


def target_text(target: timedelta) -> str:
    # Targets set in hours ("24 hours") read as hours; whole days beyond one as days.
    if target <= timedelta(days=1) or target.seconds:
        hours = int(target.total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{target.days} day{'s' if target.days != 1 else ''}"


def end_to_end_target(application: Application) -> timedelta | None:
    """The end-to-end target for a closed application: disclosure, or non-disclosure (which
    covers a decision not to disclose and a referral elsewhere)."""
    targets = _edition_of(application).end_to_end
    key = "disclosure" if application.outcome == SchemeOutcome.DISCLOSE else "non_disclosure"
    return targets.get(key)


def days_taken(application: Application) -> float | None:
    if application.closed_at is None:
        return None
    return (application.closed_at - application.received_at) / timedelta(days=1)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_applications(
    *, fetched_by: AnyUser, received_from: date | None = None, received_to: date | None = None
) -> list[Application]:
    applications = application_list(fetched_by=fetched_by)
    if received_from is not None:
        applications = applications.filter(received_at__gte=_start(received_from))
    if received_to is not None:
        applications = applications.filter(received_at__lt=_start(received_to + timedelta(days=1)))
    return list(applications)


def scheme_report(
    *,
    fetched_by: AnyUser,
    received_from: date | None = None,
    received_to: date | None = None,
    now: datetime | None = None,
) -> list[SchemeReport]:
    """One report per scheme, over the applications received in the range (both ends inclusive)."""
    now = now or timezone.now()
    applications = report_applications(
        fetched_by=fetched_by, received_from=received_from, received_to=received_to
    )
    records = list(StageRecord.objects.filter(application_id__in=[a.pk for a in applications]).order_by("pk"))
    by_application: dict[int, list[StageRecord]] = {}
    for record in records:
        by_application.setdefault(record.application_id, []).append(record)
    reports = []
    for code, _ in SCHEME_CHOICES:
        scheme = current(code)
        mine = [a for a in applications if a.scheme == code]
        report = SchemeReport(code=code, title=scheme.title, total=len(mine))
        status_labels = dict(ApplicationStatus.choices)
        stage_order = {stage.code: index for index, stage in enumerate(scheme.stages)}
        stage_counts = Counter((a.stage, a.status) for a in mine)
        report.by_stage = [
            StageStatusRow(_stage_label(scheme, stage), status_labels.get(status, status), count)
            for (stage, status), count in sorted(
                stage_counts.items(), key=lambda item: (stage_order.get(item[0][0], 99), item[0][1])
            )
        ]
        outcome_labels = dict(SchemeOutcome.choices)
        outcomes = Counter(a.outcome for a in mine)
        report.by_outcome = [
            OutcomeRow(outcome_labels[value], outcomes[value]) for value in SchemeOutcome.values
        ] + [OutcomeRow(NOT_DECIDED, outcomes[""])]
        closed = [a for a in mine if a.status == ApplicationStatus.CLOSED and a.closed_at is not None]
        report.closed = len(closed)
        taken = [days for a in closed if (days := days_taken(a)) is not None]
        report.median_days = round(statistics.median(taken), 1) if taken else None
        report.within_end_to_end = sum(
            1
            for a in closed
            if (target := end_to_end_target(a)) is not None
            and a.closed_at is not None
            and a.closed_at - a.received_at <= target
        )
        report.end_to_end_targets = ", ".join(
            f"{target_text(target)} for {kind.replace('_', '-')}"
            for kind, target in scheme.end_to_end.items()
        )
        open_ids = {a.pk for a in mine if a.status == ApplicationStatus.OPEN}
        rows = []
        for stage in scheme.stages:
            stage_records = [r for a in mine for r in by_application.get(a.pk, []) if r.stage == stage.code]
            done = [r for r in stage_records if r.completed_at is not None]
            rows.append(
                StageTimeRow(
                    stage=stage.label,
                    target=target_text(stage.target),
                    completed=len(done),
                    completed_within=sum(
                        1 for r in done if r.completed_at is not None and r.completed_at <= r.due_at
                    ),
                    overdue_now=sum(
                        1
                        for r in stage_records
                        if r.completed_at is None and r.due_at < now and r.application_id in open_ids
                    ),
                )
            )
        report.stages = rows
        reports.append(report)
    return reports
