"""Single referrals, meetings and minutes, through their selectors: one 404 for missing or hidden.

Opening minutes is a consultation of the personal data in them (DPA 2018 s.62), recorded before
they are returned, with the basis for reading them. A meeting's page is not itself personal data
until its agenda is shown, which needs a signature (selectors.has_signed).
"""

from django.db import transaction
from django.http import Http404

from mappa.audit.models import Action as AuditAction
from mappa.audit.services import record_event
from mappa.core.types import AnyUser
from mappa.meetings import selectors
from mappa.meetings.models import Meeting, Minutes, Referral


def access_meeting(user: AnyUser, pk: int) -> Meeting:
    meeting = selectors.meeting_list(fetched_by=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def access_referral(user: AnyUser, pk: int) -> Referral:
    referral = selectors.referral_list(fetched_by=user).filter(pk=pk).first()
    if referral is None:
        raise Http404("No such referral")
    return referral


def minutes_basis(user: AnyUser, minutes: Minutes) -> str:
    meeting = minutes.agenda_item.meeting
    if meeting.chair_id == user.pk:
        return f"Chair of {meeting.reference}"
    if meeting.minute_taker_id == user.pk:
        return f"Minute-taker of {meeting.reference}"
    if selectors.has_signed(meeting=meeting, user=user):
        return f"Signed the confidentiality statement for {meeting.reference}"
    return "Named recipient of the minutes"


def access_minutes(user: AnyUser, pk: int, *, record: bool = True) -> Minutes:
    minutes = selectors.minutes_list(fetched_by=user).filter(pk=pk).first()
    if minutes is None:
        raise Http404("No such minutes")
    if record:
        with transaction.atomic():
            record_event(
                action=AuditAction.CONSULTATION,
                actor=user,
                summary="Minutes consulted",
                object_type="minutes",
                object_id=minutes.pk,
                object_agency_id=minutes.agenda_item.nominal.lead_agency_id,
                nominal_id=minutes.agenda_item.nominal_id,
                justification=minutes_basis(user, minutes),
            )
    return minutes
