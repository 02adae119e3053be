"""Who sees a disclosure (selectors.disclosure_list) and what they may do with it (access.py).

The visibility rule, from the selector's docstring: DISCLOSURE_VIEW, the nominal visible, and the
user's agency taking part: a Responsible Authority agency of the area, the lead agency, the
proposing agency, an agency whose items it draws on, or an agency consulted on it. Everyone else,
a duty-to-co-operate agency involved with the case included, sees nothing of it.
"""

from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import BREAK_GLASS_BASIS, Action, AuditEvent
from mappa.disclosures import access
from mappa.disclosures.models import Disclosure, DisclosureConsultation, DisclosureItem
from mappa.disclosures.selectors import disclosure_list
from mappa.nominals.access import ReasonRequired
from mappa.nominals.selectors import nominal_list
from tests.factories.accounts import member
from tests.factories.disclosures import DecisionWorld, RecipientFactory, decided_to_disclose
from tests.factories.information_sharing import ItemFactory
from tests.factories.nominals import NominalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> DecisionWorld:
    world = DecisionWorld()
    # North Health owns an item on the police nominal: involved with the case, but taking no part
    # in its disclosures.
    ItemFactory(
        nominal=world.police_nominal, owner_agency=world.north.health, author=world.health_practitioner
    )
    return world


def _sees(user: Any, disclosure: Disclosure) -> bool:
    return disclosure_list(fetched_by=user).filter(pk=disclosure.pk).exists()


# --- disclosure_list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("practitioner", True),  # lead and proposing agency
        ("coordinator", True),
        ("chair", True),  # a Responsible Authority agency of the area: chairs decide
        ("probation_practitioner", True),  # Responsible Authority of the area
        ("probation_chair", True),
        ("health_practitioner", False),  # involved with the case, takes no part in the disclosure
        ("youth_practitioner", False),  # not consulted (yet)
        ("south_coordinator", False),  # another area
        ("south_chair", False),
        ("no_view", False),  # North Police, without DISCLOSURE_VIEW
        ("auditor", False),
        ("senior_manager", False),
    ],
)
def test_disclosure_list(world: DecisionWorld, who: str, sees: bool):
    disclosure = world.proposal()
    user = world.user(who)
    if who == "health_practitioner":
        # The case is visible to it: only the disclosure is not.
        assert nominal_list(fetched_by=user).filter(pk=world.police_nominal.pk).exists()
    assert _sees(user, disclosure) is sees


def test_an_agency_whose_item_is_drawn_on_sees_it(world: DecisionWorld):
    disclosure = world.proposal()
    item = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.health)
    DisclosureItem(disclosure=disclosure, item=item, fields=["summary"]).save(override=True)
    assert _sees(world.health_practitioner, disclosure)


def test_an_agency_consulted_on_an_emergency_decision_sees_it_and_the_case(world: DecisionWorld):
    disclosure = world.proposal()
    assert not nominal_list(fetched_by=world.youth_practitioner).filter(pk=world.police_nominal.pk).exists()
    DisclosureConsultation(
        disclosure=disclosure,
        agency=world.youth_justice,
        person_name="Synthetic Officer",
        person_role="Team manager",
        consulted_at=timezone.now(),
        view="Synthetic",
    ).save(override=True)
    # Involved with the nominal (selectors.DisclosureInvolvement), and so taking part.
    assert nominal_list(fetched_by=world.youth_practitioner).filter(pk=world.police_nominal.pk).exists()
    assert _sees(world.youth_practitioner, disclosure)
    assert not _sees(world.childrens_practitioner, disclosure)


def test_the_youth_consultee_agency_sees_it(world: DecisionWorld):
    disclosure = world.proposal(youth_consultee_agency=world.childrens, youth_consultee_name="Synthetic")
    assert _sees(world.childrens_practitioner, disclosure)
    assert not _sees(world.youth_practitioner, disclosure)


def test_a_duty_to_cooperate_lead_agency_sees_its_cases_disclosures(world: DecisionWorld):
    nominal = NominalFactory(lead_agency=world.north.health, area=world.area)
    disclosure = world.proposal(nominal=nominal)
    assert _sees(world.health_practitioner, disclosure)


def test_a_duty_to_cooperate_proposing_agency_sees_its_proposal(world: DecisionWorld):
    disclosure = world.proposal(proposing_agency=world.north.health, proposed_by=world.health_practitioner)
    assert _sees(world.health_practitioner, disclosure)


def test_nothing_without_an_acting_membership(world: DecisionWorld):
    disclosure = world.proposal()
    user = world.practitioner
    user.acting_membership = None
    assert not _sees(user, disclosure)


# --- access_disclosure ------------------------------------------------------------------------------


def _consultations(disclosure: Disclosure) -> Any:
    return AuditEvent.objects.filter(
        action=Action.CONSULTATION, object_type="disclosure", object_id=str(disclosure.pk)
    )


def test_access_records_the_consultation_with_its_basis(world: DecisionWorld):
    disclosure = world.proposal(
        proposing_agency=world.north.probation, proposed_by=world.probation_practitioner
    )
    assert access.access_disclosure(world.probation_practitioner, disclosure.pk) == disclosure
    event = _consultations(disclosure).get()
    assert event.justification == f"Proposing agency of {disclosure.reference}"
    assert event.nominal_id == world.police_nominal.pk
    assert event.object_agency_id == world.north.probation.pk
    access.access_disclosure(world.practitioner, disclosure.pk)
    assert _consultations(disclosure).latest("id").justification == "Lead agency of the nominal"


def test_access_without_a_legitimate_basis_needs_a_reason(world: DecisionWorld):
    disclosure = world.proposal()
    # Probation of the area sees the disclosure but has no relationship with this police case.
    with pytest.raises(ReasonRequired):
        access.access_disclosure(world.probation_practitioner, disclosure.pk)
    assert not _consultations(disclosure).exists()
    access.access_disclosure(
        world.probation_practitioner, disclosure.pk, reason="Synthetic: covering a colleague"
    )
    event = _consultations(disclosure).get()
    assert event.detail == {"basis": BREAK_GLASS_BASIS}


@pytest.mark.parametrize("who", ["health_practitioner", "south_coordinator", "no_view"])
def test_access_missing_and_hidden_look_the_same(world: DecisionWorld, who: str):
    disclosure = world.proposal()
    with pytest.raises(Http404) as hidden:
        access.access_disclosure(world.user(who), disclosure.pk)
    with pytest.raises(Http404) as missing:
        access.access_disclosure(world.user(who), disclosure.pk + 1000)
    assert str(hidden.value) == str(missing.value)
    assert not _consultations(disclosure).exists()


def test_access_to_the_parts_of_a_record(world: DecisionWorld):
    disclosure = world.ready()
    recipient = disclosure.recipients.get()
    alternative = disclosure.alternatives.get()
    entry = disclosure.items.get()
    consultation = DisclosureConsultation(
        disclosure=disclosure,
        agency=world.north.probation,
        person_name="Synthetic",
        person_role="Officer",
        consulted_at=timezone.now(),
        view="Synthetic",
    )
    consultation.save(override=True)
    finders = [
        (access.access_recipient, recipient),
        (access.access_alternative, alternative),
        (access.access_disclosure_item, entry),
        (access.access_consultation, consultation),
    ]
    for find, part in finders:
        assert find(world.coordinator, part.pk) == part
        with pytest.raises(Http404):
            find(world.health_practitioner, part.pk)
        with pytest.raises(Http404):
            find(world.coordinator, part.pk + 1000)
    # Finding a part is not opening the record: that is open_disclosure's, on the page.
    assert not _consultations(disclosure).exists()


# --- the object rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("practitioner", True),  # lead and proposing agency
        ("coordinator", True),
        ("probation_practitioner", True),  # Responsible Authority of the area
        ("chair", False),  # no DISCLOSURE_RECORD
        ("health_practitioner", False),  # records disclosures, but not this one
        ("south_coordinator", False),
    ],
)
def test_can_record(world: DecisionWorld, who: str, allowed: bool):
    assert access.can_record(world.user(who), world.proposal()) is allowed


def test_can_record_for_a_duty_to_cooperate_proposing_or_lead_agency(world: DecisionWorld):
    proposed = world.proposal(proposing_agency=world.north.health, proposed_by=world.health_practitioner)
    assert access.can_record(world.health_practitioner, proposed)
    led = world.proposal(nominal=NominalFactory(lead_agency=world.north.health, area=world.area))
    assert access.can_record(world.health_practitioner, led)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("chair", True),
        ("probation_chair", True),
        ("south_chair", False),  # another area
        ("practitioner", False),
        ("coordinator", False),
    ],
)
def test_can_decide(world: DecisionWorld, who: str, allowed: bool):
    assert access.can_decide(world.user(who), world.proposal()) is allowed


def test_can_agree_item(world: DecisionWorld):
    disclosure = world.proposal()
    health_item = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.health)
    entry = DisclosureItem(disclosure=disclosure, item=health_item, fields=["summary"])
    entry.save(override=True)
    assert access.can_agree_item(world.health_practitioner, entry)
    health_chair = member(["senior_manager"], agency=world.north.health)  # may not share
    assert not access.can_agree_item(health_chair, entry)
    assert not access.can_agree_item(world.practitioner, entry)  # the proposing agency
    own = DisclosureItem(
        disclosure=disclosure, item=ItemFactory(nominal=world.police_nominal), fields=["summary"]
    )
    own.save(override=True)
    assert not access.can_agree_item(world.practitioner, own)  # proposing is agreeing


def test_can_ratify_only_a_pending_decision(world: DecisionWorld):
    emergency = decided_to_disclose(
        world.police_nominal, chair=world.chair, forum="emergency", proposing_agency=world.north.police
    )
    meeting = decided_to_disclose(
        world.police_nominal, chair=world.chair, proposing_agency=world.north.police
    )
    assert access.can_ratify(world.chair, emergency)
    assert not access.can_ratify(world.practitioner, emergency)
    assert not access.can_ratify(world.chair, meeting)


def test_recipient_factory_is_visible_through_its_record(world: DecisionWorld):
    recipient = RecipientFactory(disclosure=world.proposal())
    assert access.access_recipient(world.practitioner, recipient.pk) == recipient
