"""Existence without content (nominal_holdings), default deny for every selector, and the case's
own "who has looked at this" log."""

from dataclasses import dataclass
from typing import Any

import pytest

from mappa.audit.models import AuditEvent
from mappa.information_sharing import selectors
from mappa.information_sharing.access import access_item
from mappa.information_sharing.models import InformationItem, ItemStatus
from mappa.nominals.access import access_nominal
from tests.factories.accounts import member
from tests.factories.information_sharing import share_items
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import add_parties, police_item

REASON = "Checking the address before a joint visit."


def _holdings(setup: NominalSetup, user: Any, nominal: Any = None) -> dict[str, tuple[int, Any]]:
    found = selectors.nominal_holdings(nominal=nominal or setup.police_nominal, fetched_by=user)
    return {h.agency.name: (h.count, h.pending_request) for h in found}


@dataclass
class Holdings:
    police_items: list[InformationItem]
    health_item: InformationItem
    probation_item: InformationItem


@pytest.fixture
def holdings(setup: NominalSetup) -> Holdings:
    """On the police nominal: the police hold 2 active items (and a superseded and an erased one),
    health 1, probation 1."""
    police_items = [police_item(setup), police_item(setup)]
    police_item(setup, status=ItemStatus.SUPERSEDED, superseded_by=police_items[0])
    police_item(setup, status=ItemStatus.ERASED)
    police_item(setup, nominal=setup.probation_nominal)  # another case: never counted here
    return Holdings(
        police_items,
        health_item=police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner),
        probation_item=police_item(
            setup, owner_agency=setup.north.probation, author=setup.probation_practitioner
        ),
    )


def test_holdings_count_others_active_items_per_agency(setup: NominalSetup, holdings: Holdings):
    assert _holdings(setup, setup.probation_practitioner) == {
        "North Health Trust": (1, None),
        "North Police": (2, None),
    }
    assert _holdings(setup, setup.practitioner) == {
        "North Health Trust": (1, None),
        "North Probation": (1, None),
    }
    # Sorted by agency name.
    names = [
        h.agency.name
        for h in selectors.nominal_holdings(nominal=setup.police_nominal, fetched_by=setup.chair)
    ]
    assert names == ["North Health Trust", "North Probation"]


def test_holdings_never_include_items_the_user_can_read(setup: NominalSetup, holdings: Holdings):
    share_items([holdings.police_items[0]], setup.north.probation, fields=[])
    assert _holdings(setup, setup.probation_practitioner)["North Police"] == (1, None)
    share_items([holdings.police_items[1]], setup.north.probation, fields=[])
    assert "North Police" not in _holdings(setup, setup.probation_practitioner)


def test_holdings_mark_a_pending_request(setup: NominalSetup, holdings: Holdings):
    from mappa.information_sharing import services

    request = services.access_request_create(
        nominal=setup.police_nominal,
        owner_agency=setup.north.police,
        reason="Preparing the pre-release risk assessment.",
        by=setup.probation_practitioner,
    )
    assert _holdings(setup, setup.probation_practitioner)["North Police"] == (2, request)
    # Another agency's request is not theirs to see.
    assert _holdings(setup, setup.health_practitioner)["North Police"] == (2, None)


def test_holdings_empty_for_a_nominal_the_user_cannot_see(setup: NominalSetup, holdings: Holdings):
    assert _holdings(setup, setup.south_coordinator) == {}


def _no_membership(setup: NominalSetup) -> Any:
    user = member(["practitioner"], agency=setup.north.police)
    user.acting_membership = None
    return user


@pytest.mark.parametrize("who", ["auditor", "senior_manager", "no_membership"])
def test_user_without_item_view_gets_nothing_from_any_selector(setup: NominalSetup, holdings: Holdings, who):
    """The police auditor (the owner's own agency), probation's senior manager, and a user with
    no acting membership, with shares and requests all around them."""
    user = _no_membership(setup) if who == "no_membership" else setup.user(who)
    share = share_items([holdings.police_items[0]], setup.north.probation)
    share_items([holdings.probation_item], setup.north.police)
    nominal = setup.police_nominal
    all_items = list(selectors.item_list(fetched_by=setup.practitioner))
    assert not selectors.item_list(fetched_by=user).exists()
    assert selectors.item_views(all_items, fetched_by=user) == []
    assert selectors.nominal_items(nominal=nominal, fetched_by=user) == []
    assert selectors.person_items(person=setup.person, fetched_by=user) == []
    assert selectors.nominal_holdings(nominal=nominal, fetched_by=user) == []
    assert not selectors.share_list(fetched_by=user).exists()
    assert not selectors.shares_made(fetched_by=user).exists()
    assert not selectors.shares_received(fetched_by=user).exists()
    assert selectors.share_items(share=share, fetched_by=user) == []
    assert not selectors.held_share_links(item_ids=[i.pk for i in all_items], fetched_by=user).exists()
    assert not selectors.access_request_list(fetched_by=user).exists()
    assert not selectors.onward_request_list(fetched_by=user).exists()
    assert selectors.awaiting_decision_count(fetched_by=user) == 0
    assert not selectors.case_access_log(nominal=nominal, fetched_by=user).exists()
    assert not selectors.can_view_case_access_log(nominal=nominal, fetched_by=user)


def test_share_list_scope(setup: NominalSetup, holdings: Holdings):
    """Shares made, received, and those of an agency's items passed on by another."""
    add_parties(setup, setup.north.health)
    made = share_items([holdings.police_items[0]], setup.north.probation)
    onward = share_items([holdings.police_items[0]], setup.north.health, sharer=setup.north.probation)
    received = share_items([holdings.probation_item], setup.north.police)
    between_others = share_items([holdings.health_item], setup.north.probation)

    def pks(queryset: Any) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    police = setup.practitioner
    assert pks(selectors.share_list(fetched_by=police)) == {made.pk, onward.pk, received.pk}
    assert pks(selectors.shares_made(fetched_by=police)) == {made.pk}
    assert pks(selectors.shares_received(fetched_by=police)) == {received.pk}
    assert between_others.pk not in pks(selectors.share_list(fetched_by=police))
    assert selectors.share_list(fetched_by=police).get(pk=made.pk).item_count == 1  # type: ignore[attr-defined]


# --- who has looked at this -------------------------------------------------------------------


@pytest.fixture
def looked(setup: NominalSetup, holdings: Holdings) -> dict[str, int]:
    """Consultations of the police nominal: the case page (lead agency, break glass), a police
    item (by its owner), and the health item (by its owner). Returns their event ids."""
    nominal = setup.police_nominal
    access_nominal(setup.practitioner, nominal.pk)
    access_nominal(setup.probation_practitioner, nominal.pk, reason=REASON)
    access_item(setup.practitioner, holdings.police_items[0].pk)
    access_item(setup.health_practitioner, holdings.health_item.pk)
    # Another case's consultation never shows here.
    access_nominal(setup.practitioner, setup.probation_nominal.pk, reason=REASON)
    events = AuditEvent.objects.filter(nominal_id=nominal.pk, action="consultation")
    return {
        "nominal_by_police": events.get(object_type="nominal", actor_user_id=setup.practitioner.pk).pk,
        "nominal_by_probation": events.get(
            object_type="nominal", actor_user_id=setup.probation_practitioner.pk
        ).pk,
        "police_item": events.get(object_type="information_item", object_agency_id=setup.north.police.pk).pk,
        "health_item": events.get(object_type="information_item", object_agency_id=setup.north.health.pk).pk,
    }


def _log(setup: NominalSetup, user: Any) -> set[int]:
    return set(
        selectors.case_access_log(nominal=setup.police_nominal, fetched_by=user).values_list("pk", flat=True)
    )


def test_case_access_log_for_the_lead_agency_shows_every_consultation(
    setup: NominalSetup, holdings: Holdings, looked
):
    assert _log(setup, setup.practitioner) == set(looked.values())
    assert selectors.can_view_case_access_log(nominal=setup.police_nominal, fetched_by=setup.practitioner)


def test_case_access_log_for_an_item_owner_shows_the_case_and_its_own_items(
    setup: NominalSetup, holdings: Holdings, looked
):
    expected = {looked["nominal_by_police"], looked["nominal_by_probation"], looked["health_item"]}
    assert _log(setup, setup.health_practitioner) == expected
    assert looked["police_item"] not in _log(setup, setup.health_practitioner)
    assert selectors.can_view_case_access_log(
        nominal=setup.police_nominal, fetched_by=setup.health_practitioner
    )


def test_case_access_log_empty_for_an_uninvolved_agency(setup: NominalSetup):
    """Probation sees the case on the area register, but neither leads it nor owns items on it."""
    police_item(setup)
    access_nominal(setup.practitioner, setup.police_nominal.pk)
    assert _log(setup, setup.probation_practitioner) == set()
    assert not selectors.can_view_case_access_log(
        nominal=setup.police_nominal, fetched_by=setup.probation_practitioner
    )


def test_case_access_log_ignores_erased_items_of_the_agency(setup: NominalSetup, holdings: Holdings, looked):
    """An agency whose only items on the case are erased is no longer an owner there."""
    from mappa.information_sharing import services

    services.item_erase(
        item=holdings.health_item,
        version=1,
        reason="Recorded on the wrong case.",
        by=setup.health_practitioner,
    )
    assert _log(setup, setup.health_practitioner) == set()


def test_case_access_log_needs_the_permission(setup: NominalSetup, holdings: Holdings, looked):
    """The police chair reads the case, but the access log is for practitioners and co-ordinators."""
    assert _log(setup, setup.chair) == set()
