"""The decision phase's selectors (selectors.py): the owner's to-do list, ratifications awaited,
the minutes a chair may decide with, the next meeting, and the choices the pages offer."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.disclosures import selectors
from mappa.disclosures.models import DisclosureItem, DisclosureStatus, RatificationStatus
from mappa.information_sharing.models import ItemStatus
from mappa.meetings.models import MeetingStatus, MinutesStatus
from tests.factories.disclosures import DecisionWorld, decided_to_disclose
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.meetings import MeetingFactory, held_minutes, on_agenda
from tests.factories.risk_management import PersonAtRiskFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> DecisionWorld:
    return DecisionWorld()


def _entry(world: DecisionWorld, disclosure: Any, owner: Any, **fields: Any) -> DisclosureItem:
    entry = DisclosureItem(
        disclosure=disclosure,
        item=ItemFactory(nominal=disclosure.nominal, owner_agency=owner),
        fields=["summary"],
        **fields,
    )
    entry.save(override=True)
    return entry


# --- items_awaiting_agreement --------------------------------------------------------------------


def test_items_awaiting_agreement(world: DecisionWorld):
    disclosure = world.proposal()
    waiting = _entry(world, disclosure, world.north.health)
    _entry(world, disclosure, world.north.health, owner_agreed_by=world.health_practitioner)
    _entry(world, disclosure, world.north.health, owner_refused=True)
    _entry(world, disclosure, world.north.police)  # the proposing agency's own
    assert list(selectors.items_awaiting_agreement(fetched_by=world.health_practitioner)) == [waiting]
    # Nothing for another agency, or for the proposing agency.
    assert not selectors.items_awaiting_agreement(fetched_by=world.practitioner).exists()
    assert not selectors.items_awaiting_agreement(fetched_by=world.probation_practitioner).exists()


def test_items_awaiting_agreement_only_while_proposed(world: DecisionWorld):
    disclosure = world.proposal(status=DisclosureStatus.WITHDRAWN, withdrawn_reason="Synthetic")
    _entry(world, disclosure, world.north.health)
    assert not selectors.items_awaiting_agreement(fetched_by=world.health_practitioner).exists()


def test_items_awaiting_agreement_needs_share_create(world: DecisionWorld):
    from tests.factories.accounts import member

    _entry(world, world.proposal(), world.north.health)
    assert not selectors.items_awaiting_agreement(
        fetched_by=member(["senior_manager"], agency=world.north.health)
    )


# --- ratification -------------------------------------------------------------------------------------


def test_awaiting_ratification(world: DecisionWorld):
    emergency = decided_to_disclose(
        world.police_nominal, chair=world.chair, forum="emergency", proposing_agency=world.north.police
    )
    decided_to_disclose(world.police_nominal, chair=world.chair, proposing_agency=world.north.police)
    assert list(selectors.awaiting_ratification(fetched_by=world.coordinator)) == [emergency]
    assert not selectors.awaiting_ratification(fetched_by=world.south_coordinator).exists()
    emergency.ratification = RatificationStatus.NOT_RATIFIED
    emergency.save(override=True)
    assert not selectors.awaiting_ratification(fetched_by=world.coordinator).exists()
    assert list(selectors.not_ratified(fetched_by=world.coordinator)) == [emergency]


# --- decision_minutes_choices ----------------------------------------------------------------------------


def test_decision_minutes_choices(world: DecisionWorld):
    disclosure = world.proposal()
    chaired = held_minutes(world.police_nominal, chair=world.chair)
    draft = held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.DRAFT, days_ago=3)
    held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.SUPERSEDED, days_ago=4)
    held_minutes(world.police_nominal, chair=world.chair, status=MinutesStatus.DRAFT, days_ago=-1)  # future
    held_minutes(world.probation_nominal, chair=world.chair)  # another nominal
    held_minutes(world.police_nominal, chair=world.probation_chair)  # another chair
    cancelled = held_minutes(world.police_nominal, chair=world.chair, days_ago=5)
    cancelled.agenda_item.meeting.status = MeetingStatus.CANCELLED
    cancelled.agenda_item.meeting.save(override=True)
    assert list(selectors.decision_minutes_choices(disclosure=disclosure, fetched_by=world.chair)) == [
        chaired,
        draft,
    ]
    # Only for those who decide.
    assert not selectors.decision_minutes_choices(
        disclosure=disclosure, fetched_by=world.practitioner
    ).exists()


def test_ratification_minutes_choices_only_after_the_decision(world: DecisionWorld):
    emergency = decided_to_disclose(
        world.police_nominal, chair=world.chair, forum="emergency", proposing_agency=world.north.police
    )
    held_minutes(world.police_nominal, chair=world.chair, days_ago=1)  # before the decision
    later = held_minutes(world.police_nominal, chair=world.chair, days_ago=0)
    assert list(selectors.ratification_minutes_choices(disclosure=emergency, fetched_by=world.chair)) == [
        later
    ]
    meeting_decision = decided_to_disclose(
        world.police_nominal, chair=world.chair, proposing_agency=world.north.police
    )
    assert not selectors.ratification_minutes_choices(
        disclosure=meeting_decision, fetched_by=world.chair
    ).exists()


# --- next_meeting_for -----------------------------------------------------------------------------------


def test_next_meeting_for(world: DecisionWorld):
    nominal = world.police_nominal
    assert selectors.next_meeting_for(nominal) is None
    soon = MeetingFactory(area=world.area, chair=world.chair, starts_at=timezone.now() + timedelta(days=2))
    found = selectors.next_meeting_for(nominal)
    assert found is not None and (found.meeting, found.on_agenda) == (soon, False)
    later = MeetingFactory(area=world.area, chair=world.chair, starts_at=timezone.now() + timedelta(days=9))
    on_agenda(later, nominal)
    found = selectors.next_meeting_for(nominal)
    assert found is not None and (found.meeting, found.on_agenda) == (later, True)
    # Not another area's; and only a meeting the user can see.
    MeetingFactory(
        area=world.south.area, chair=world.south_chair, starts_at=timezone.now() + timedelta(days=1)
    )
    assert selectors.next_meeting_for(nominal, fetched_by=world.health_practitioner) is None


# --- what the pages offer ---------------------------------------------------------------------------


def test_linkable_persons_at_risk_and_plans(world: DecisionWorld):
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    PersonAtRiskFactory(nominal=world.probation_nominal)
    plan = PlanFactory(nominal=world.police_nominal)
    assert list(
        selectors.linkable_persons_at_risk(nominal=world.police_nominal, fetched_by=world.practitioner)
    ) == [person]
    assert list(selectors.linkable_plans(nominal=world.police_nominal, fetched_by=world.practitioner)) == [
        plan
    ]
    # RISK_VIEW and the nominal visible: neither for South.
    assert not selectors.linkable_persons_at_risk(
        nominal=world.police_nominal, fetched_by=world.south_coordinator
    )
    assert not selectors.linkable_plans(nominal=world.police_nominal, fetched_by=world.auditor)


def test_disclosable_items_are_the_active_items_the_user_reads(world: DecisionWorld):
    own = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.police)
    ItemFactory(nominal=world.police_nominal, owner_agency=world.north.police, status=ItemStatus.ERASED)
    ItemFactory(nominal=world.police_nominal, owner_agency=world.north.health)  # not shared
    shared = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.health)
    share_items([shared], world.north.police)
    views = selectors.disclosable_items(nominal=world.police_nominal, fetched_by=world.practitioner)
    assert {view.item for view in views} == {own, shared}


def test_agency_choices(world: DecisionWorld):
    assert list(
        selectors.youth_agency_choices(nominal=world.police_nominal, fetched_by=world.practitioner)
    ) == [
        world.childrens,
        world.youth_justice,
    ]
    everyone = selectors.consultation_agency_choices(
        nominal=world.police_nominal, fetched_by=world.practitioner
    )
    assert world.north.health in everyone and world.south.police not in everyone
    assert not selectors.youth_agency_choices(
        nominal=world.police_nominal, fetched_by=world.south_coordinator
    )


def test_delivery_overdue(world: DecisionWorld):
    today = timezone.localdate()
    decided = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        proposing_agency=world.north.police,
        planned_delivery_date=today - timedelta(days=1),
    )
    assert selectors.delivery_overdue(decided, today=today)
    assert not selectors.delivery_overdue(decided, today=today - timedelta(days=1))
    decided.status = DisclosureStatus.DELIVERED
    assert not selectors.delivery_overdue(decided, today=today)
    not_to = decided_to_disclose(
        world.police_nominal,
        chair=world.chair,
        outcome="do_not_disclose",
        proposing_agency=world.north.police,
        planned_delivery_date=today - timedelta(days=1),
    )
    assert not selectors.delivery_overdue(not_to, today=today)


def test_parts_of_records_are_scoped(world: DecisionWorld):
    disclosure = world.ready()
    assert selectors.disclosure_recipients(disclosure=disclosure, fetched_by=world.coordinator).count() == 1
    assert not selectors.disclosure_recipients(
        disclosure=disclosure, fetched_by=world.south_coordinator
    ).exists()
    assert not selectors.disclosure_items(
        disclosure=disclosure, fetched_by=world.health_practitioner
    ).exists()
    assert not selectors.disclosure_steps(disclosure=disclosure, fetched_by=world.no_view).exists()
