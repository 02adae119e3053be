"""Watermarked PDF copies of minutes, and of their executive summary, rendered with WeasyPrint.

Every copy that leaves the system is marked OFFICIAL-SENSITIVE at the top and bottom of every
page and carries, diagonally across every page and in its footer, the copy number, the name and
agency of the person it was issued to and when (domain.md §3.2: "watermark every rendered copy
with the recipient"). A copy found where it should not be then says whose it was. The marks are
ordinary text, not images, so the tests can read them back out of the file.

WeasyPrint needs Pango at run time (scripts/ensure-pdf-libs), so it is imported when a PDF is
rendered, never at start-up: the application runs, and every other page works, without it.

These functions only render: the services (services_copies.py) decide who may have a copy,
number it and record it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from mappa.core.exceptions import ApplicationError
from mappa.meetings.models import Action, AgendaItem, Attendee, Minutes, MinutesStatus

logger = logging.getLogger(__name__)

MARKING = "OFFICIAL-SENSITIVE"
PDF_UNAVAILABLE_MESSAGE = (
    "This server cannot make PDF copies at the moment. Tell your system administrator: the PDF "
    "libraries are not installed (scripts/ensure-pdf-libs)"
)
NO_SUMMARY_MESSAGE = (
    "These minutes have no executive summary, so none can be issued. Ask the minute-taker to write one"
)


def issued_label(issued_at: datetime) -> str:
    """'5 November 2026 14:03' in Europe/London: the date the GOV.UK way, with a 24-hour time."""
    local = timezone.localtime(issued_at)
    return f"{local.day} {local:%B %Y %H:%M}"


def watermark_text(
    *, copy_number: int, recipient_name: str, recipient_agency: str, issued_at: datetime
) -> str:
    """'Copy 3 — Alex Smith, North Probation — 5 November 2026 14:03': on every page of a copy."""
    return f"Copy {copy_number} — {recipient_name}, {recipient_agency} — {issued_label(issued_at)}"


def write_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF: the one renderer for every document mappa issues (minutes,
    disclosure records, subject access responses)."""
    # Imported here, not at the top: WeasyPrint loads Pango when imported, and the application
    # must start (and serve every other page) on a machine without it.
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        # An operator's problem, not the user's: say so plainly, and log what is missing. The
        # service's transaction rolls back, so no copy number is used up.
        logger.error("PDFs unavailable: WeasyPrint or its system libraries failed to load: %s", error)
        raise ApplicationError(PDF_UNAVAILABLE_MESSAGE) from error

    class _NoFetching(URLFetcher):  # type: ignore[misc]
        """Fetches nothing. The templates need no files or URLs; refusing all of them means no
        text typed into minutes can make the renderer read a local file or call a server."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"PDFs fetch nothing: {url[:40]}")

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, url_fetcher=_NoFetching()).write_pdf()
    return pdf


# --- the minutes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    role: str
    agency: str
    status: str
    signed: str


def _attendance(agenda_item: AgendaItem) -> list[AttendanceRow]:
    attendees = Attendee.objects.filter(meeting_id=agenda_item.meeting_id).select_related(
        "user", "agency", "statement"
    )
    rows = []
    for attendee in attendees:
        name = attendee.name or (
            attendee.user.get_full_name() or attendee.user.username if attendee.user else ""
        )
        signed = ""
        if attendee.signed_at is not None and attendee.statement is not None:
            signed = f"Version {attendee.statement.version}, {issued_label(attendee.signed_at)}"
        rows.append(
            AttendanceRow(
                name=name,
                role=attendee.role,
                agency=attendee.agency.name if attendee.agency else attendee.organisation,
                status=attendee.get_status_display(),
                signed=signed,
            )
        )
    rows.sort(key=lambda row: (row.agency, row.name))
    return rows


def _previous_actions(minutes: Minutes) -> list[Action]:
    """The actions agreed for this case at earlier meetings, for their review (done, or not done
    and why). Only current approved minutes count: a corrected version carries its own actions."""
    meeting = minutes.agenda_item.meeting
    return list(
        Action.objects.filter(
            nominal_id=minutes.agenda_item.nominal_id,
            minutes__status=MinutesStatus.APPROVED,
            minutes__agenda_item__meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(minutes__agenda_item_id=minutes.agenda_item_id)
        .select_related("owner_agency", "owner")
        .order_by("due_date", "id")
    )


def _case_context(minutes: Minutes) -> dict[str, Any]:
    agenda_item = (
        AgendaItem.objects.select_related(
            "meeting",
            "meeting__area",
            "meeting__chair",
            "meeting__minute_taker",
            "nominal",
            "nominal__person",
            "nominal__lead_agency",
            "statement_recorded_by",
        )
        .prefetch_related("nominal__person__names")
        .get(pk=minutes.agenda_item_id)
    )
    return {
        "minutes": minutes,
        "agenda_item": agenda_item,
        "meeting": agenda_item.meeting,
        "nominal": agenda_item.nominal,
        "subject_name": agenda_item.nominal.person.display_name,
        "marking": MARKING,
    }


def _copy_context(
    *, copy_number: int, recipient_name: str, recipient_agency: str, issued_at: datetime
) -> dict[str, Any]:
    return {
        "copy_number": copy_number,
        "recipient_name": recipient_name,
        "recipient_agency": recipient_agency,
        "issued": issued_label(issued_at),
        "watermark": watermark_text(
            copy_number=copy_number,
            recipient_name=recipient_name,
            recipient_agency=recipient_agency,
            issued_at=issued_at,
        ),
    }


def render_minutes_pdf(
    minutes: Minutes, *, copy_number: int, recipient_name: str, recipient_agency: str, issued_at: datetime
) -> bytes:
    """The full MAPPA C minutes of one case, watermarked for one recipient."""
    context = _case_context(minutes)
    context.update(
        _copy_context(
            copy_number=copy_number,
            recipient_name=recipient_name,
            recipient_agency=recipient_agency,
            issued_at=issued_at,
        )
    )
    agenda_item = context["agenda_item"]
    context.update(
        {
            "attendance": _attendance(agenda_item),
            "written_reports": list(
                agenda_item.meeting.written_reports.filter(
                    Q(agenda_item_id=agenda_item.pk) | Q(agenda_item__isnull=True)
                )
                .select_related("agency")
                .order_by("agency__name", "id")
            ),
            "previous_actions": _previous_actions(minutes),
            "entries": list(minutes.entries.select_related("agency").order_by("position", "id")),
            "rmp": [
                ("Supervision", minutes.rmp_supervision),
                ("Monitoring and control", minutes.rmp_monitoring),
                ("Interventions and treatment", minutes.rmp_interventions),
                ("Victim safety planning", minutes.rmp_victim_safety),
            ],
            "decisions": list(minutes.decisions.order_by("position", "id")),
            "actions": list(
                minutes.actions.select_related("owner_agency", "owner").order_by("due_date", "id")
            ),
        }
    )
    return write_pdf("meetings/pdf_minutes.html", context)


def render_executive_summary_pdf(
    minutes: Minutes,
    *,
    copy_number: int,
    recipient_name: str,
    recipient_agency: str,
    issued_at: datetime,
    permission_reference: str = "",
) -> bytes:
    """The minutes' executive summary, for a recipient outside MAPPA the chair permitted.

    It is what goes outside instead of the minutes (domain.md §3.3): the minutes hold other
    agencies' and third parties' information, so the recipient gets the summary and is told to
    ask each agency for its own information.
    """
    if not minutes.executive_summary.strip():
        raise ApplicationError(NO_SUMMARY_MESSAGE)
    context = _case_context(minutes)
    context.update(
        _copy_context(
            copy_number=copy_number,
            recipient_name=recipient_name,
            recipient_agency=recipient_agency,
            issued_at=issued_at,
        )
    )
    context["permission_reference"] = permission_reference
    return write_pdf("meetings/pdf_executive_summary.html", context)
