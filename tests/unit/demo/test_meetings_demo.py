"""The demo's referrals and meetings (mappa/demo/meetings.py): every state the pages show, made
through the services, and idempotent."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from mappa.accounts.models import AgencyMembership, User
from mappa.accounts.services import act_as
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import verify_chain
from mappa.demo import meetings
from mappa.meetings.models import (
    Action,
    ActionStatus,
    Attendee,
    AttendeeStatus,
    CopyRequest,
    CopyRequestStatus,
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesCopy,
    MinutesEntry,
    MinutesStatus,
    Referral,
    ReferralStatus,
)
from mappa.meetings.selectors_meetings import proposed_reviews

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The demo, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Referral,
            Meeting,
            Attendee,
            Minutes,
            MinutesEntry,
            Decision,
            Action,
            MinutesCopy,
            CopyRequest,
            AuditEvent,
        )
    }


def test_demo_meetings_referrals_in_each_state():
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == sorted([ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.SUBMITTED])
    declined = Referral.objects.get(status=ReferralStatus.DECLINED)
    assert declined.decision_reason
    accepted = Referral.objects.get(status=ReferralStatus.ACCEPTED)
    assert accepted.nominal.level == 2


def test_demo_meetings_held_meeting_with_approved_minutes():
    held = Meeting.objects.get(status=MeetingStatus.HELD)
    assert held.level == 2
    assert held.starts_at < timezone.now()
    assert held.agenda_items.count() == 2
    assert not held.agenda_items.filter(statement="").exists()
    attended = held.attendees.filter(status=AttendeeStatus.ATTENDED)
    assert not attended.filter(signed_at__isnull=True).exists()
    assert attended.filter(user__isnull=True, signature_captured_by=held.chair).count() == 1
    assert held.attendees.filter(status=AttendeeStatus.APOLOGIES).count() == 1

    minutes = Minutes.objects.filter(agenda_item__meeting=held)
    assert minutes.count() == 2
    assert not minutes.exclude(status=MinutesStatus.APPROVED).exists()
    entries = MinutesEntry.objects.filter(minutes__in=minutes)
    assert {meetings.POLICE, meetings.PROBATION, meetings.CHILDREN} <= set(
        entries.values_list("agency__code", flat=True)
    )
    assert Decision.objects.filter(minutes__in=minutes).exclude(dissent="").count() == 1
    actions = Action.objects.filter(minutes__in=minutes)
    today = timezone.localdate()
    assert actions.filter(status=ActionStatus.OPEN, due_date__lt=today).count() == 1
    assert actions.filter(status=ActionStatus.DONE).count() == 1

    assert MinutesCopy.objects.filter(minutes__in=minutes).count() == 1
    requests = CopyRequest.objects.filter(minutes__in=minutes)
    assert sorted(requests.values_list("status", flat=True)) == sorted(
        [CopyRequestStatus.GRANTED, CopyRequestStatus.PENDING]
    )


def test_demo_meetings_upcoming_meeting_and_proposed_review():
    upcoming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    assert upcoming.starts_at > timezone.now()
    assert upcoming.invited_agencies.filter(code=meetings.CHILDREN).exists()
    assert upcoming.attendees.filter(agency__code=meetings.CHILDREN).exists()
    coordinator = User.objects.get(username="durham-police.mappa-coordinator")
    act_as(coordinator, AgencyMembership.objects.get(user=coordinator))
    assert proposed_reviews(fetched_by=coordinator)


def test_demo_meetings_idempotent_and_audited():
    before = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert _counts() == before
    assert verify_chain().ok
    assert AuditEvent.objects.filter(object_type=meetings.MARKER).count() == 1
    # Written as the demo users: the meetings were scheduled by the co-ordinator, not system:demo.
    scheduled = AuditEvent.objects.filter(object_type="meeting", action=AuditAction.COLLECTION)
    assert set(scheduled.values_list("actor_username", flat=True)) == {"durham-police.mappa-coordinator"}
