"""An agency invited to a meeting about a nominal is involved with that nominal (issue 5).

So is the agency of anyone who attends for it, and an agency that referred the nominal to level
2 or 3 (unless it withdrew the referral). Involvement lets a duty-to-co-operate agency see
the case and open it without giving a reason; it lasts while the meeting is not cancelled.
"""

from typing import Any

from django.db.models import Q, QuerySet

from mappa.meetings.models import AgendaItem, MeetingStatus, Referral, ReferralStatus
from mappa.nominals.models import Nominal


def _agenda(agency_id: int) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.exclude(meeting__status=MeetingStatus.CANCELLED).filter(
        Q(meeting__invited_agencies__pk=agency_id) | Q(meeting__attendees__agency_id=agency_id)
    )


def _referred(agency_id: int) -> QuerySet[Referral]:
    # An agency that referred the case (and has not withdrawn) follows it to its screening.
    return Referral.objects.filter(referring_agency_id=agency_id).exclude(status=ReferralStatus.WITHDRAWN)


class MeetingInvolvement:
    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        return Nominal.objects.filter(
            Q(pk__in=_agenda(agency_id).values("nominal_id"))
            | Q(pk__in=_referred(agency_id).values("nominal_id"))
        ).values("pk")

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        item = _agenda(agency_id).filter(nominal_id=nominal_id).select_related("meeting").first()
        if item is None:
            referral = _referred(agency_id).filter(nominal_id=nominal_id).first()
            return f"Referred the nominal: {referral.reference}" if referral is not None else None
        return f"Invited to {item.meeting.reference}, a level {item.meeting.level} meeting about the nominal"
