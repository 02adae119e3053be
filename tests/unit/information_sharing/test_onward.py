"""Onward sharing: a recipient passes items on only as its share's terms allow (disclosure_dp.md
§5.3 rule 28), never beyond the fields it was given."""

from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import InformationItem, OnwardTerms, Share
from tests.factories.information_sharing import share_items
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import (
    add_parties,
    associate,
    events,
    future,
    pick,
    police_item,
    refused,
    relationship_item,
    terms,
)

HELD = ["person_name", "address"]  # in the order of the kind's fields, as stored
NECESSARY = "Strictly necessary, says the test."


@pytest.fixture
def item(setup: NominalSetup) -> InformationItem:
    """North Police's relationships item. Health joins the North agreement, so the only question
    is the onward terms of the share North Probation holds."""
    add_parties(setup, setup.north.health)
    return relationship_item(setup)


def _received(
    setup: NominalSetup,
    item: InformationItem,
    onward_terms: str,
    named: list[Any] | None = None,
    **kwargs: Any,
) -> Share:
    """The item, shared with North Probation on these terms."""
    kwargs.setdefault("fields", HELD)
    return share_items(
        [item], setup.north.probation, onward_terms=onward_terms, onward_agencies=named, **kwargs
    )


def _pass_on(
    setup: NominalSetup,
    item: InformationItem,
    *fields: str,
    recipient: Any = None,
    strictly_necessary: str = "",
    **kwargs: Any,
) -> Share:
    """North Probation passes the item on (to North Health unless told otherwise)."""
    return services.share_create(
        selections=[pick(item, *fields, strictly_necessary=strictly_necessary)],
        terms=terms(recipient or setup.north.health, **kwargs),
        by=setup.probation_practitioner,
    )


@pytest.mark.parametrize("onward_terms", [OnwardTerms.NONE, OnwardTerms.WITHIN_RECIPIENT])
def test_onward_share_refused_when_the_terms_do_not_allow_it(setup: NominalSetup, item, onward_terms):
    _received(setup, item, onward_terms)
    with refused(ApplicationError, match="Ask North Police for permission", field="items"):
        _pass_on(setup, item, "address")


def test_onward_share_allowed_to_a_named_agency(setup: NominalSetup, item):
    source = _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    share = _pass_on(setup, item, "address")
    assert (share.sharing_agency, share.recipient_agency) == (setup.north.probation, setup.north.health)
    assert share.source_share == source
    assert share.onward_terms == OnwardTerms.NONE
    assert share.share_items.get().fields == ["address"]
    (event,) = events(action=Action.DISCLOSURE)
    # The owner's auditors see their item leave, passed on by someone else.
    assert event.object_agency_id == setup.north.police.pk
    assert event.actor_agency_id == setup.north.probation.pk
    assert event.recipients == [setup.north.health.code]
    assert event.detail == {"items": [item.pk], "onward": True}


def test_onward_share_allowed_for_every_field_held(setup: NominalSetup, item):
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    assert _pass_on(setup, item, *HELD).share_items.get().fields == HELD


def test_onward_share_refused_to_an_agency_not_named(setup: NominalSetup, item):
    circles = associate(setup)
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    with refused(ApplicationError, match="do not let you pass it to North Circles of Support", field="items"):
        _pass_on(setup, item, "address", recipient=circles, gateway="cda1998_s115")


@pytest.mark.parametrize("fields", [("ethnicity",), ("address", "children"), ("detail",)])
def test_onward_share_refused_for_fields_not_given(setup: NominalSetup, item, fields):
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    with refused(ApplicationError, match="only the fields", field="items"):
        _pass_on(setup, item, *fields, strictly_necessary=NECESSARY)


@pytest.mark.parametrize("onward_terms", [OnwardTerms.WITHIN_RECIPIENT, OnwardTerms.NAMED_AGENCIES])
def test_onward_share_cannot_itself_be_passed_on(setup: NominalSetup, item, onward_terms):
    circles = associate(setup)
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    with refused(ApplicationError, match="cannot be passed on again", field="onward_terms"):
        _pass_on(setup, item, "address", onward_terms=onward_terms, onward_agencies=[circles])


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_onward_share_refused_once_the_share_relied_on_has_ended(setup: NominalSetup, item, state):
    ended: dict[str, Any] = (
        {"revoked_at": timezone.now(), "revocation_reason": "Ended", "revoked_by": setup.practitioner}
        if state == "revoked"
        else {"expires_on": future(-1)}
    )
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health], **ended)
    with refused(PermissionDenied, match="cannot see"):
        _pass_on(setup, item, "address")


def test_onward_share_relies_on_the_share_that_allows_it(setup: NominalSetup, item):
    """Holding the item under two shares, one allowing onward sharing and a later one not, the
    recipient may still pass on what the first allows, and nothing only the second gave."""
    allowing = _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    _received(setup, item, OnwardTerms.NONE, fields=["address", "person_name", "ethnicity"])
    share = _pass_on(setup, item, "address")
    assert share.source_share == allowing
    with refused(ApplicationError, match="only the fields"):
        _pass_on(setup, item, "ethnicity", strictly_necessary=NECESSARY)


def test_one_share_of_own_and_passed_on_items_records_a_disclosure_per_owner(setup: NominalSetup, item):
    _received(setup, item, OnwardTerms.NAMED_AGENCIES, [setup.north.health])
    own = police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    share = services.share_create(
        selections=[pick(item, "address"), pick(own, "detail")],
        terms=terms(setup.north.health),
        by=setup.probation_practitioner,
    )
    by_owner = {e.object_agency_id: e for e in events(action=Action.DISCLOSURE, object_id=str(share.pk))}
    assert set(by_owner) == {setup.north.police.pk, setup.north.probation.pk}
    assert by_owner[setup.north.police.pk].detail == {"items": [item.pk], "onward": True}
    assert by_owner[setup.north.probation.pk].detail == {"items": [own.pk], "onward": False}
