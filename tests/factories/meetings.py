"""Factories for referrals and meetings, written directly (services are under test)."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.meetings.models import (
    AgendaItem,
    Attendee,
    ConfidentialityStatement,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Referral,
)
from tests.factories.agencies import ServiceWrittenFactory
from tests.factories.nominals import NominalFactory


def statement() -> ConfidentialityStatement:
    """The current statement; the test database may have lost the migration's row to a flush."""
    found = ConfidentialityStatement.objects.order_by("-version").first()
    if found is None:
        found = ConfidentialityStatement(version=1, title="Confidentiality statement", text="Synthetic text.")
        found.save(override=True)
    return found


class ReferralFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Referral: ...

    class Meta:
        model = Referral

    nominal = factory.SubFactory(NominalFactory)
    referring_agency = factory.LazyAttribute(lambda r: r.nominal.lead_agency)
    referred_by = factory.LazyAttribute(lambda r: _user(r.referring_agency, "practitioner"))
    proposed_level = 2
    reasons = "Synthetic reasons for referral."
    current_level_gaps = "Synthetic: needs multi-agency management."
    submitted_at = factory.LazyFunction(timezone.now)


class MeetingFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Meeting: ...

    class Meta:
        model = Meeting

    area = None  # required: pass area=
    level = 2
    kind = MeetingKind.INITIAL
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    location = "Synthetic meeting room"
    chair = None  # required
    minute_taker = factory.LazyAttribute(lambda m: m.chair)
    created_by = factory.LazyAttribute(lambda m: m.chair)


def _user(agency: Any, role: str) -> Any:
    from tests.factories.accounts import member

    return member([role], agency=agency)


def on_agenda(meeting: Meeting, nominal: Any, **kwargs: Any) -> AgendaItem:
    position = meeting.agenda_items.count() + 1
    item = AgendaItem(meeting=meeting, nominal=nominal, position=position, **kwargs)
    item.save(override=True)
    return item


def signed(meeting: Meeting, user: Any, *, agency: Any = None) -> Attendee:
    """`user` attends `meeting` and has signed the current statement for it."""
    attendee = Attendee(
        meeting=meeting,
        user=user,
        agency=agency or user.acting_membership.agency,
        statement=statement(),
        signed_at=timezone.now(),
    )
    attendee.save(override=True)
    return attendee


def held_minutes(
    nominal: Any, *, chair: Any, level: int = 2, status: str = "approved", days_ago: int = 1
) -> Minutes:
    """Minutes for `nominal` from a level 2 or 3 meeting `chair` chaired `days_ago` days ago."""
    meeting = MeetingFactory(
        area=nominal.area,
        level=level,
        chair=chair,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=MeetingStatus.HELD,
    )
    minutes = Minutes(agenda_item=on_agenda(meeting, nominal), status=status)
    if status == MinutesStatus.APPROVED:
        minutes.approved_at = timezone.now()
        minutes.approved_by = chair
    minutes.save(override=True)
    return minutes


__all__ = [
    "MeetingFactory",
    "NominalFactory",
    "ReferralFactory",
    "held_minutes",
    "on_agenda",
    "signed",
    "statement",
]
