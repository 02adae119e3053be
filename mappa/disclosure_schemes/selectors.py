"""Reads of scheme applications, scoped to the asking user (DESIGN.md §4 rule 2).

An application names a member of the public, the children they worry about and the person they
worry about, and whether the police know that person is itself sensitive. Only disclosure scheme
officers (SCHEME_APPLICATION_VIEW) of the police agency the application was sent to see it: not
other police staff, not other agencies, not other forces. A MAPPA nominal's lead agency is told
that an application concerns its case, but reads the application only if it is that police
agency.
"""

from django.db.models import QuerySet

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.disclosure_schemes.models import Application
from mappa.nominals.selectors import acting_agency


def application_list(*, fetched_by: AnyUser) -> QuerySet[Application]:
    if not has_permission(fetched_by, Permission.SCHEME_APPLICATION_VIEW):
        return Application.objects.none()
    agency = acting_agency(fetched_by)
    if agency is None:
        return Application.objects.none()
    return (
        Application.objects.filter(receiving_agency=agency)
        .select_related("receiving_agency")
        .order_by("received_at", "pk")
    )


# Appended for the checks and decision (services_outcome.py); imported here rather than at the
# top so that the part above stays as it was written.
from mappa.meetings.models import MeetingStatus, Minutes, MinutesStatus  # noqa: E402
from mappa.nominals.models import Nominal  # noqa: E402
from mappa.nominals.selectors import nominal_list  # noqa: E402


def decision_minutes_choices(*, application: Application, fetched_by: AnyUser) -> QuerySet[Minutes]:
    """Minutes that could carry the decision on an application about a MAPPA nominal: of a level
    2 or 3 meeting about that nominal, that has started and was not cancelled, not superseded.

    Only for an officer who may work the application. The officer is not usually an attendee,
    so the meetings app's minutes_list would show them nothing; this offers the minutes as a
    reference to record the decision against (meeting, level and date), never their content,
    which stays behind the meetings app's own rules. services_outcome.minutes_problems checks
    each condition again, with a message for each.
    """
    from django.utils import timezone

    # access.py imports this module: imported here to avoid the cycle.
    from mappa.disclosure_schemes.access import can_manage

    if application.subject_nominal_id is None or not can_manage(fetched_by, application):
        return Minutes.objects.none()
    return (
        Minutes.objects.filter(
            agenda_item__nominal_id=application.subject_nominal_id,
            agenda_item__meeting__level__in=(2, 3),
            agenda_item__meeting__starts_at__lte=timezone.now(),
        )
        .exclude(status=MinutesStatus.SUPERSEDED)
        .exclude(agenda_item__meeting__status=MeetingStatus.CANCELLED)
        .select_related("agenda_item", "agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "-number")
    )


def lead_agency_notices(*, nominal: Nominal, fetched_by: AnyUser) -> QuerySet[Application]:
    """Applications about a nominal that its lead agency has been told of: for the lead agency's
    staff who may see the nominal, and nobody else.

    The lead agency must know a decision about its case is coming (it goes to a level 2 or 3
    meeting), but the application itself stays with the receiving force: callers show only the
    reference, the force and the stage, never the applicant, the children or the concern.
    """
    agency = acting_agency(fetched_by)
    if agency is None or nominal.lead_agency_id != agency.pk:
        return Application.objects.none()
    if not nominal_list(fetched_by=fetched_by).filter(pk=nominal.pk).exists():
        return Application.objects.none()
    return (
        Application.objects.filter(subject_nominal_id=nominal.pk, lead_agency_told_at__isnull=False)
        .select_related("receiving_agency")
        .order_by("-lead_agency_told_at", "-pk")
    )


# Appended for the police side (services_applications.py, views_police.py): the scheme officers'
# queue and dashboard. Everything below starts from application_list, so it shows nothing to
# anyone but the scheme officers of the receiving police agency.
from collections import Counter  # noqa: E402
from datetime import datetime  # noqa: E402
from typing import Any  # noqa: E402

from django.db.models import Prefetch  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402

from mappa.disclosure_schemes.models import ApplicationStatus, StageRecord  # noqa: E402


def _open_applications(*, fetched_by: AnyUser) -> QuerySet[Application]:
    return (
        application_list(fetched_by=fetched_by)
        .filter(status=ApplicationStatus.OPEN)
        .prefetch_related(Prefetch("stages", queryset=StageRecord.objects.order_by("started_at", "pk")))
    )


def queue(
    *,
    fetched_by: AnyUser,
    scheme: str | None = None,
    stage: str | None = None,
    overdue_only: bool = False,
    now: datetime | None = None,
) -> list[Application]:
    """The open applications of the user's force: those with an immediate risk first, then by
    the time their current stage is due (the most urgent first). A list, because the due time
    and overdue state come from each application's own edition, not from a column."""
    # Imported here: services_applications imports access, which imports this module.
    from mappa.disclosure_schemes.services_applications import is_overdue, stage_due

    applications = _open_applications(fetched_by=fetched_by)
    if scheme:
        applications = applications.filter(scheme=scheme)
    if stage:
        applications = applications.filter(stage=stage)
    now = now or _timezone.now()
    rows = list(applications)
    if overdue_only:
        rows = [application for application in rows if is_overdue(application, now=now)]
    return sorted(rows, key=lambda a: (not a.immediate_risk, stage_due(a), a.received_at, a.pk))


def overdue(*, fetched_by: AnyUser, now: datetime | None = None) -> list[Application]:
    """The open applications past their current stage's due time or their end-to-end target."""
    return queue(fetched_by=fetched_by, overdue_only=True, now=now)


def stage_records(*, application: Application, fetched_by: AnyUser) -> QuerySet[StageRecord]:
    """The application's stages, in the order they started; none unless the user sees it."""
    if not application_list(fetched_by=fetched_by).filter(pk=application.pk).exists():
        return StageRecord.objects.none()
    return (
        StageRecord.objects.filter(application_id=application.pk)
        .select_related("completed_by")
        .order_by("started_at", "pk")
    )


def queue_counts(*, fetched_by: AnyUser, now: datetime | None = None) -> dict[str, Any]:
    """For the dashboard and the home page: open applications by (scheme, stage), the total open
    and how many of them are overdue."""
    from mappa.disclosure_schemes.services_applications import is_overdue

    now = now or _timezone.now()
    rows = queue(fetched_by=fetched_by, now=now)
    return {
        "by_stage": Counter((application.scheme, application.stage) for application in rows),
        "open": len(rows),
        "overdue": sum(1 for application in rows if is_overdue(application, now=now)),
    }
