"""An agency invited to a meeting about a nominal is involved with that nominal (issue 5).

So is the agency of anyone who attends for it. Involvement lets a duty-to-co-operate agency see
the case and open it without giving a reason; it lasts while the meeting is not cancelled.
"""

from typing import Any

from django.db.models import Q, QuerySet

from mappa.meetings.models import AgendaItem, MeetingStatus


def _agenda(agency_id: int) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.exclude(meeting__status=MeetingStatus.CANCELLED).filter(
        Q(meeting__invited_agencies__pk=agency_id) | Q(meeting__attendees__agency_id=agency_id)
    )


class MeetingInvolvement:
    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        return _agenda(agency_id).values("nominal_id")

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        item = _agenda(agency_id).filter(nominal_id=nominal_id).select_related("meeting").first()
        if item is None:
            return None
        return f"Invited to {item.meeting.reference}, a level {item.meeting.level} meeting about the nominal"
