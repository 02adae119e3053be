"""A meeting's papers, as one pack: nothing before the reader has signed for the meeting.

The papers are what an attendee needs to take part (MAPPA audit: "joining instructions and
papers sent beforehand": domain.md §1.8): for each case on the agenda, the nominal, the referral
that brought it there, the last approved minutes of the case from an earlier meeting with their
actions and where those stand, and the written reports of agencies that cannot attend. Items
shared into the meeting are another app's; the pack page asks the panel registry for them
("meeting_pack"), and that app applies the same signature rule.

Previous minutes are papers of this meeting. selectors.minutes_list lets a user read minutes of
meetings they signed for, or were sent; an agency invited for the first time has signed for none
of them, yet needs the last minutes to review the actions agreed. So the pack also includes the
last approved minutes of each case on this meeting's agenda to anyone who has signed for this
meeting, and links to the full minutes only when they open for the reader.

Reading the pack is a consultation of every case in it (DPA 2018 s.62): one event per case,
with the signature as the basis, written before the pack is returned.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from mappa.audit.models import Action as AuditAction
from mappa.audit.services import record_event
from mappa.core.types import AnyUser
from mappa.meetings.models import (
    Action,
    AgendaItem,
    Meeting,
    Minutes,
    MinutesStatus,
    Referral,
    WrittenReport,
)
from mappa.meetings.selectors import agenda, has_signed, meeting_list, minutes_list
from mappa.nominals.models import Nominal


@dataclass(frozen=True)
class PreviousMinutes:
    minutes: Minutes
    meeting: Meeting
    actions: list[Action]
    # The minutes' own page, if it opens for the reader (selectors.minutes_list).
    url: str | None


@dataclass(frozen=True)
class CasePapers:
    item: AgendaItem
    nominal: Nominal
    referral: Referral | None
    previous: PreviousMinutes | None
    reports: list[WrittenReport]


@dataclass(frozen=True)
class Pack:
    meeting: Meeting
    signed: bool
    cases: list[CasePapers] = field(default_factory=list)
    # Reports about the meeting as a whole rather than one case.
    general_reports: list[WrittenReport] = field(default_factory=list)


def _previous(item: AgendaItem, meeting: Meeting, readable: set[int]) -> PreviousMinutes | None:
    minutes = (
        Minutes.objects.filter(
            agenda_item__nominal_id=item.nominal_id,
            status=MinutesStatus.APPROVED,
            agenda_item__meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(agenda_item__meeting_id=meeting.pk)
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "-number")
        .first()
    )
    if minutes is None:
        return None
    actions = list(minutes.actions.select_related("owner_agency", "owner").order_by("due_date", "id"))
    return PreviousMinutes(minutes, minutes.agenda_item.meeting, actions, _minutes_url(minutes, readable))


def _minutes_url(minutes: Minutes, readable: set[int]) -> str | None:
    if minutes.pk not in readable:
        return None
    try:
        return reverse("meetings:minutes-detail", args=[minutes.pk])
    except NoReverseMatch:  # the minutes pages are another part of the app
        return None


def meeting_pack(*, meeting: Meeting, fetched_by: AnyUser, record: bool = True) -> Pack:
    """The meeting's papers for `fetched_by`: empty (signed=False) unless they have signed.

    With `record`, each case shown is recorded as consulted before the pack is returned.
    """
    if not meeting_list(fetched_by=fetched_by).filter(pk=meeting.pk).exists():
        return Pack(meeting, signed=False)
    if not has_signed(meeting=meeting, user=fetched_by):
        return Pack(meeting, signed=False)
    items = list(agenda(meeting=meeting, fetched_by=fetched_by))
    reports = list(
        meeting.written_reports.select_related("agency", "submitted_by").order_by("created_at", "id")
    )
    readable = set(
        minutes_list(fetched_by=fetched_by)
        .filter(agenda_item__nominal_id__in=[item.nominal_id for item in items])
        .values_list("pk", flat=True)
    )
    cases = [
        CasePapers(
            item=item,
            nominal=item.nominal,
            referral=item.referral,
            previous=_previous(item, meeting, readable),
            reports=[report for report in reports if report.agenda_item_id == item.pk],
        )
        for item in items
    ]
    pack = Pack(
        meeting,
        signed=True,
        cases=cases,
        general_reports=[report for report in reports if report.agenda_item_id is None],
    )
    if record:
        with transaction.atomic():
            for case in cases:
                record_event(
                    action=AuditAction.CONSULTATION,
                    actor=fetched_by,
                    summary=f"Papers of {meeting.reference} consulted",
                    object_type="agenda_item",
                    object_id=case.item.pk,
                    object_agency_id=case.nominal.lead_agency_id,
                    nominal_id=case.nominal.pk,
                    justification=f"Signed the confidentiality statement for {meeting.reference}",
                )
    return pack
