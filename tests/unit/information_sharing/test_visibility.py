"""What a recipient sees of an item: the fields of its active shares, and nothing once a share
ends. share_revoke: who may revoke, and that it takes effect at once."""

from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import OnwardTerms, Share
from mappa.information_sharing.selectors import (
    held_share_links,
    item_list,
    item_views,
    nominal_items,
    share_items,
    shares_received,
)
from mappa.nominals.selectors import nominal_list
from tests.factories import information_sharing as factories
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import (
    add_parties,
    events,
    future,
    pick,
    police_item,
    refused,
    relationship_item,
    terms,
)

REASON = "The joint visit has taken place."


def _revoked() -> dict[str, Any]:
    return {"revoked_at": timezone.now(), "revocation_reason": "Ended"}


def _view(setup: NominalSetup, user: Any, item: Any) -> Any:
    views = item_views(list(item_list(fetched_by=user).filter(pk=item.pk)), fetched_by=user)
    return views[0] if views else None


# --- fields -----------------------------------------------------------------------------------


def test_recipient_sees_the_union_of_its_active_shares_fields(setup: NominalSetup):
    item = relationship_item(setup)
    first = factories.share_items([item], setup.north.probation, fields=["address"])
    second = factories.share_items([item], setup.north.probation, fields=["person_name", "address"])
    view = _view(setup, setup.probation_practitioner, item)
    assert view.fields == frozenset({"address", "person_name"})
    assert not view.is_owner
    assert {s.pk for s in view.shares} == {first.pk, second.pk}
    assert view.shows("address") and not view.shows("ethnicity") and not view.shows("detail")
    assert [label for label, _ in view.shown_attributes] == ["Name of the other person", "Their address"]
    # detail, relationship, children, ethnicity and religion are filled but withheld.
    assert view.withheld_count == 5


def test_owner_sees_every_field(setup: NominalSetup):
    item = relationship_item(setup)
    view = _view(setup, setup.chair, item)
    assert view.is_owner and view.fields is None and view.withheld_count == 0
    assert len(view.shown_attributes) == 6


@pytest.mark.parametrize("ended", ["expired", "revoked"])
def test_an_ended_share_gives_nothing(setup: NominalSetup, ended):
    item = relationship_item(setup)
    kwargs = {"expires_on": future(-1)} if ended == "expired" else _revoked()
    factories.share_items([item], setup.north.probation, **kwargs)
    user = setup.probation_practitioner
    assert not item_list(fetched_by=user).filter(pk=item.pk).exists()
    assert item_views([item], fetched_by=user) == []
    assert nominal_items(nominal=setup.police_nominal, fetched_by=user) == []
    assert not held_share_links(item_ids=[item.pk], fetched_by=user).exists()


def test_an_ended_share_adds_no_fields_to_an_active_one(setup: NominalSetup):
    item = relationship_item(setup)
    factories.share_items([item], setup.north.probation, fields=["ethnicity"], expires_on=future(-1))
    factories.share_items([item], setup.north.probation, fields=["religion"], **_revoked())
    factories.share_items([item], setup.north.probation, fields=["address"])
    assert _view(setup, setup.probation_practitioner, item).fields == frozenset({"address"})


def test_a_share_expiring_today_is_still_in_force(setup: NominalSetup):
    item = relationship_item(setup)
    share = factories.share_items([item], setup.north.probation, fields=["address"], expires_on=future(0))
    assert share.is_active and share.state_label == "Active"
    assert _view(setup, setup.probation_practitioner, item).fields == frozenset({"address"})


def test_a_share_of_other_items_shows_nothing_of_this_one(setup: NominalSetup):
    shared, other = police_item(setup), police_item(setup)
    factories.share_items([shared], setup.north.probation)
    readable = set(item_list(fetched_by=setup.probation_practitioner).values_list("pk", flat=True))
    assert shared.pk in readable and other.pk not in readable
    assert item_views([other], fetched_by=setup.probation_practitioner) == []


# --- revoke -----------------------------------------------------------------------------------


@pytest.fixture
def to_health(setup: NominalSetup) -> Share:
    """North Police shares an item on its nominal with North Health, through the service."""
    add_parties(setup, setup.north.health)
    return services.share_create(
        selections=[pick(police_item(setup), "detail")],
        terms=terms(setup.north.health),
        by=setup.practitioner,
    )


def test_revoke_takes_effect_at_once(setup: NominalSetup, to_health: Share):
    health = setup.health_practitioner
    item = to_health.share_items.get().item
    assert item_list(fetched_by=health).filter(pk=item.pk).exists()
    assert nominal_list(fetched_by=health).filter(pk=setup.police_nominal.pk).exists()

    revoked = services.share_revoke(share=to_health, reason=f"  {REASON}  ", by=setup.coordinator)

    assert revoked.is_revoked and not revoked.is_active and revoked.state_label == "Revoked"
    assert (revoked.revoked_by, revoked.revocation_reason) == (setup.coordinator, REASON)
    assert not item_list(fetched_by=health).exists()
    assert share_items(share=to_health, fetched_by=health) == []
    # Health has no other involvement with the case: the nominal drops out of its register.
    assert not nominal_list(fetched_by=health).filter(pk=setup.police_nominal.pk).exists()
    # The share itself stays listed, as revoked.
    assert shares_received(fetched_by=health).get().pk == to_health.pk
    (event,) = events(action=Action.ALTERATION, object_type="share")
    assert event.changed_fields == ["revoked_at"] and event.justification == REASON
    assert event.recipients == [setup.north.health.code]
    assert event.object_agency_id == setup.north.police.pk


@pytest.mark.parametrize("who", ["health_practitioner", "probation_practitioner"])
def test_revoke_refused_for_the_recipient_and_other_agencies(setup: NominalSetup, to_health: Share, who):
    with refused(PermissionDenied, match="Only the agency that made this share"):
        services.share_revoke(share=to_health, reason=REASON, by=setup.user(who))


@pytest.mark.parametrize("who", ["chair", "auditor"])
def test_revoke_refused_for_the_sharers_staff_without_share_create(
    setup: NominalSetup, to_health: Share, who
):
    with refused(PermissionDenied):
        services.share_revoke(share=to_health, reason=REASON, by=setup.user(who))


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_needs_a_reason(setup: NominalSetup, to_health: Share, reason):
    with refused(ApplicationError, match="Enter why you are revoking it", field="reason"):
        services.share_revoke(share=to_health, reason=reason, by=setup.practitioner)


def test_second_revoke_is_refused(setup: NominalSetup, to_health: Share):
    services.share_revoke(share=to_health, reason=REASON, by=setup.practitioner)
    with refused(ApplicationError, match="already been revoked"):
        services.share_revoke(share=to_health, reason=REASON, by=setup.practitioner)


def test_item_owner_may_revoke_an_onward_share(setup: NominalSetup):
    """Probation passed the police's item on to health; the police (owner) revoke that share."""
    add_parties(setup, setup.north.health)
    item = police_item(setup)
    factories.share_items(
        [item],
        setup.north.probation,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[setup.north.health],
    )
    onward = services.share_create(
        selections=[pick(item, "detail")], terms=terms(setup.north.health), by=setup.probation_practitioner
    )
    # The recipient of the onward share may not; the item's owner may.
    with refused(PermissionDenied):
        services.share_revoke(share=onward, reason=REASON, by=setup.health_practitioner)
    services.share_revoke(share=onward, reason=REASON, by=setup.practitioner)
    onward.refresh_from_db()
    assert onward.revoked_by == setup.practitioner
    assert not item_list(fetched_by=setup.health_practitioner).exists()
    # Probation still holds its own share.
    assert item_list(fetched_by=setup.probation_practitioner).filter(pk=item.pk).exists()
