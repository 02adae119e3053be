"""Access requests (existence without content, then ask the owner) and onward-sharing requests
(ask the owner's permission to pass items on): who may make, decide and withdraw them."""

from typing import Any

import pytest

from mappa.audit.models import Action
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
)
from mappa.information_sharing.selectors import awaiting_decision_count
from tests.factories.accounts import member
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
    terms,
)

REASON = "We are preparing a pre-release risk assessment and need the police view."
DECLINE = "The intelligence is still being assessed and cannot be shared yet."


def _ask(setup: NominalSetup, by: Any = None, owner: Any = None, **kwargs: Any) -> AccessRequest:
    kwargs.setdefault("reason", REASON)
    return services.access_request_create(
        nominal=setup.police_nominal,
        owner_agency=owner or setup.north.police,
        by=by or setup.probation_practitioner,
        **kwargs,
    )


@pytest.fixture
def item(setup: NominalSetup) -> InformationItem:
    """North Police holds an item on its nominal that North Probation cannot read."""
    return police_item(setup)


# --- access requests: making one --------------------------------------------------------------


def test_access_request_create(setup: NominalSetup, item: InformationItem):
    request = _ask(setup, reason=f"  {REASON} ")
    assert (request.owner_agency, request.requesting_agency) == (setup.north.police, setup.north.probation)
    assert (request.status, request.reason, request.purpose) == (RequestStatus.PENDING, REASON, "mappa")
    assert request.requested_by == setup.probation_practitioner and request.is_pending
    (event,) = events(object_type="access_request")
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == setup.north.police.pk
    assert event.recipients == [setup.north.police.code]
    assert event.nominal_id == setup.police_nominal.pk


@pytest.mark.parametrize("roles", [["meeting_chair"], ["senior_manager"], ["auditor"]])
def test_access_request_needs_share_request(setup: NominalSetup, item: InformationItem, roles):
    with refused(PermissionDenied):
        _ask(setup, by=member(roles, agency=setup.north.probation))


def test_access_request_refused_for_a_nominal_the_user_cannot_see(setup: NominalSetup, item: InformationItem):
    with refused(PermissionDenied, match="cannot see this nominal"):
        _ask(setup, by=setup.health_practitioner)


def test_access_request_refused_to_own_agency(setup: NominalSetup, item: InformationItem):
    with refused(ApplicationError, match="Your own agency already holds"):
        _ask(setup, by=setup.coordinator)


def test_access_request_refused_when_the_owner_holds_nothing_unread(
    setup: NominalSetup, item: InformationItem
):
    # Health holds nothing on the case.
    with refused(ApplicationError, match="North Health Trust holds nothing"):
        _ask(setup, owner=setup.north.health)
    # Everything the police hold is already shared with probation.
    share_items([item], setup.north.probation, fields=[])
    with refused(ApplicationError, match="North Police holds nothing"):
        _ask(setup)


@pytest.mark.parametrize("status", [ItemStatus.SUPERSEDED, ItemStatus.ERASED])
def test_access_request_refused_when_the_owner_holds_only_inactive_items(setup: NominalSetup, status):
    successor = police_item(setup, nominal=setup.probation_nominal)
    police_item(setup, status=status, superseded_by=successor if status == ItemStatus.SUPERSEDED else None)
    with refused(ApplicationError, match="holds nothing"):
        _ask(setup)


@pytest.mark.parametrize(
    ("values", "field"), [({"reason": "Need it"}, "reason"), ({"purpose": "fun"}, "purpose")]
)
def test_access_request_refused_for_bad_input(setup: NominalSetup, item: InformationItem, values, field):
    with refused(ApplicationError, field=field):
        _ask(setup, **values)


def test_duplicate_pending_access_request_is_refused(setup: NominalSetup, item: InformationItem):
    _ask(setup)
    # Another probation practitioner: the rule is one open request per agency, not per person.
    colleague = member(["practitioner"], agency=setup.north.probation)
    with refused(ApplicationError, match="already has a request waiting for North Police on this case"):
        _ask(setup, by=colleague)


@pytest.mark.parametrize("ended", ["declined", "withdrawn"])
def test_new_access_request_allowed_once_the_last_is_closed(
    setup: NominalSetup, item: InformationItem, ended
):
    first = _ask(setup)
    if ended == "declined":
        services.access_request_decline(request=first, reason=DECLINE, by=setup.practitioner)
    else:
        services.access_request_withdraw(request=first, by=setup.probation_practitioner)
    second = _ask(setup)
    assert second.pk != first.pk and second.is_pending


# --- access requests: deciding ----------------------------------------------------------------


def test_owner_declines_with_a_reason(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    declined = services.access_request_decline(request=request, reason=DECLINE, by=setup.practitioner)
    assert (declined.status, declined.decision_reason) == (RequestStatus.REFUSED, DECLINE)
    assert declined.decided_by == setup.practitioner and declined.decided_at is not None
    event = events(object_type="access_request", action=Action.ALTERATION)[-1]
    assert (event.justification, event.changed_fields) == (DECLINE, ["status"])
    assert event.summary == "Access request declined"


@pytest.mark.parametrize("who", ["probation_practitioner", "health_practitioner", "chair"])
def test_decline_refused_for_others(setup: NominalSetup, item: InformationItem, who):
    request = _ask(setup)
    with refused(PermissionDenied):
        services.access_request_decline(request=request, reason=DECLINE, by=setup.user(who))


def test_decline_needs_a_reason(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    with refused(ApplicationError, field="reason"):
        services.access_request_decline(request=request, reason="No.", by=setup.practitioner)


def test_decline_refused_once_decided(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    services.access_request_decline(request=request, reason=DECLINE, by=setup.practitioner)
    with refused(ApplicationError, match="already been decided"):
        services.access_request_decline(request=request, reason=DECLINE, by=setup.coordinator)


def test_requester_withdraws(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    withdrawn = services.access_request_withdraw(request=request, by=setup.probation_practitioner)
    assert withdrawn.status == RequestStatus.WITHDRAWN
    assert events(object_type="access_request")[-1].summary == "Access request withdrawn"
    with refused(ApplicationError, match="already been decided"):
        services.access_request_withdraw(request=request, by=setup.probation_practitioner)


@pytest.mark.parametrize("who", ["practitioner", "health_practitioner"])
def test_withdraw_refused_for_others(setup: NominalSetup, item: InformationItem, who):
    request = _ask(setup)
    with refused(PermissionDenied, match="Only the agency that asked"):
        services.access_request_withdraw(request=request, by=setup.user(who))


def test_share_answering_an_access_request_grants_it(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    share = services.share_create(
        selections=[pick(item, "detail")],
        terms=terms(setup.north.probation),
        by=setup.practitioner,
        access_request=request,
    )
    request.refresh_from_db()
    assert (request.status, request.share, request.decided_by) == (
        RequestStatus.GRANTED,
        share,
        setup.practitioner,
    )
    assert events(object_type="access_request")[-1].summary == "Access request granted"
    with refused(ApplicationError, match="already been decided"):
        services.access_request_decline(request=request, reason=DECLINE, by=setup.practitioner)


def test_share_answering_an_access_request_must_go_to_the_requester(
    setup: NominalSetup, item: InformationItem
):
    add_parties(setup, setup.north.health)
    request = _ask(setup)
    with refused(ApplicationError, match="Share with the agency that asked", field="recipient"):
        services.share_create(
            selections=[pick(item)],
            terms=terms(setup.north.health),
            by=setup.practitioner,
            access_request=request,
        )


def test_share_answering_an_access_request_must_come_from_its_owner(
    setup: NominalSetup, item: InformationItem
):
    """Health shares its own item with probation, but the request was to the police."""
    add_parties(setup, setup.north.health)
    health_item = police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner)
    request = _ask(setup)
    with refused(PermissionDenied, match="Only the agency that owns the information"):
        services.share_create(
            selections=[pick(health_item)],
            terms=terms(setup.north.probation),
            by=setup.health_practitioner,
            access_request=request,
        )


def test_share_answering_a_decided_access_request_is_refused(setup: NominalSetup, item: InformationItem):
    request = _ask(setup)
    services.access_request_withdraw(request=request, by=setup.probation_practitioner)
    with refused(ApplicationError, match="already been decided"):
        services.share_create(
            selections=[pick(item)],
            terms=terms(setup.north.probation),
            by=setup.practitioner,
            access_request=request,
        )


# --- onward requests --------------------------------------------------------------------------


@pytest.fixture
def received(setup: NominalSetup, item: InformationItem) -> Share:
    """Probation holds the police's item under a share that does not let it pass the item on."""
    add_parties(setup, setup.north.health)
    return share_items([item], setup.north.probation, fields=["detail"])


def _ask_onward(setup: NominalSetup, source: Share, **kwargs: Any) -> OnwardShareRequest:
    values: dict[str, Any] = {
        "source_share": source,
        "items": list(source.items.all()),
        "target_agency": setup.north.health,
        "reason": "Health must know to plan the nominal's treatment safely.",
        "by": setup.probation_practitioner,
    }
    values.update(kwargs)
    return services.onward_request_create(**values)


def test_onward_request_create(setup: NominalSetup, item: InformationItem, received: Share):
    request = _ask_onward(setup, received)
    assert (request.owner_agency, request.requesting_agency, request.target_agency) == (
        setup.north.police,
        setup.north.probation,
        setup.north.health,
    )
    assert list(request.items.all()) == [item]
    assert request.is_pending and request.source_share == received
    (event,) = events(object_type="onward_share_request")
    assert event.action == Action.COLLECTION and event.recipients == [setup.north.health.code]
    assert event.object_agency_id == setup.north.police.pk and event.nominal_id == setup.police_nominal.pk
    assert event.detail == {"items": [item.pk]}


@pytest.mark.parametrize("who", ["health_practitioner", "practitioner"])
def test_onward_request_only_by_the_shares_recipient(
    setup: NominalSetup, item: InformationItem, received: Share, who
):
    """Neither a third agency nor the sharer itself holds the share."""
    with refused(PermissionDenied, match="only what an active share gave your agency"):
        _ask_onward(setup, received, by=setup.user(who))


def test_onward_request_needs_share_request(setup: NominalSetup, item: InformationItem, received: Share):
    with refused(PermissionDenied):
        _ask_onward(setup, received, by=member(["meeting_chair"], agency=setup.north.probation))


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_onward_request_refused_on_an_ended_share(setup: NominalSetup, item: InformationItem, ended):
    add_parties(setup, setup.north.health)
    if ended == "revoked":
        from django.utils import timezone

        kwargs: dict[str, Any] = {"revoked_at": timezone.now(), "revocation_reason": "Ended"}
    else:
        kwargs = {"expires_on": future(-1)}
    source = share_items([item], setup.north.probation, **kwargs)
    with refused(PermissionDenied):
        _ask_onward(setup, source)


def test_onward_request_needs_items_of_the_share(setup: NominalSetup, item: InformationItem, received: Share):
    with refused(ApplicationError, match="Choose the items", field="items"):
        _ask_onward(setup, received, items=[])
    other = police_item(setup)
    with refused(ApplicationError, match="Choose items from this share", field="items"):
        _ask_onward(setup, received, items=[item, other])


def test_onward_request_asks_one_owner_at_a_time(setup: NominalSetup, item: InformationItem):
    """A share holding items of two owners (one passed on by the sharer)."""
    add_parties(setup, setup.north.health)
    own = police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    mixed = share_items([item, own], setup.north.health, sharer=setup.north.probation)
    with refused(ApplicationError, match="one owner at a time", field="items"):
        _ask_onward(
            setup, mixed, items=[item, own], target_agency=associate(setup), by=setup.health_practitioner
        )


@pytest.mark.parametrize("target", ["police", "probation"])
def test_onward_request_target_is_neither_owner_nor_requester(
    setup: NominalSetup, item: InformationItem, received: Share, target
):
    with refused(ApplicationError, match="does not already hold", field="target_agency"):
        _ask_onward(setup, received, target_agency=getattr(setup.north, target))


def test_onward_request_refused_when_the_terms_already_allow_it(setup: NominalSetup, item: InformationItem):
    add_parties(setup, setup.north.health)
    source = share_items(
        [item],
        setup.north.probation,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[setup.north.health],
    )
    with refused(ApplicationError, match="already lets you pass these items to North Health Trust"):
        _ask_onward(setup, source)
    # An agency the terms do not name may still be asked for.
    assert _ask_onward(setup, source, target_agency=associate(setup)).is_pending


def test_onward_request_needs_a_reason(setup: NominalSetup, item: InformationItem, received: Share):
    with refused(ApplicationError, field="reason"):
        _ask_onward(setup, received, reason="Because")


def test_owner_refuses_an_onward_request(setup: NominalSetup, item: InformationItem, received: Share):
    request = _ask_onward(setup, received)
    refused_request = services.onward_request_refuse(request=request, reason=DECLINE, by=setup.coordinator)
    assert (refused_request.status, refused_request.decision_reason) == (RequestStatus.REFUSED, DECLINE)
    assert refused_request.decided_by == setup.coordinator
    assert events(object_type="onward_share_request")[-1].summary == "Onward sharing request refused"
    with refused(ApplicationError, match="already been decided"):
        services.onward_request_refuse(request=request, reason=DECLINE, by=setup.practitioner)


@pytest.mark.parametrize("who", ["probation_practitioner", "health_practitioner", "chair"])
def test_onward_request_refusal_only_by_the_owner(
    setup: NominalSetup, item: InformationItem, received: Share, who
):
    request = _ask_onward(setup, received)
    with refused(PermissionDenied):
        services.onward_request_refuse(request=request, reason=DECLINE, by=setup.user(who))


def test_onward_request_refusal_needs_a_reason(setup: NominalSetup, item: InformationItem, received: Share):
    request = _ask_onward(setup, received)
    with refused(ApplicationError, field="reason"):
        services.onward_request_refuse(request=request, reason="  ", by=setup.practitioner)


def test_owner_grants_an_onward_request_by_sharing_with_the_target(
    setup: NominalSetup, item: InformationItem, received: Share
):
    request = _ask_onward(setup, received)
    share = services.share_create(
        selections=[pick(item, "detail")],
        terms=terms(setup.north.health),
        by=setup.practitioner,
        onward_request=request,
    )
    request.refresh_from_db()
    assert (request.status, request.share, request.decided_by) == (
        RequestStatus.GRANTED,
        share,
        setup.practitioner,
    )
    assert share.sharing_agency == setup.north.police and share.recipient_agency == setup.north.health
    assert events(object_type="onward_share_request")[-1].summary == "Onward sharing request granted"


def test_onward_grant_must_go_to_the_target(setup: NominalSetup, item: InformationItem, received: Share):
    request = _ask_onward(setup, received)
    with refused(ApplicationError, match="agency named in the request", field="recipient"):
        services.share_create(
            selections=[pick(item)],
            terms=terms(setup.north.probation),
            by=setup.practitioner,
            onward_request=request,
        )


def test_onward_grant_only_by_the_owner(setup: NominalSetup, item: InformationItem, received: Share):
    """Probation shares its own item with health, but cannot answer a request to the police."""
    own = police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    request = _ask_onward(setup, received)
    with refused(PermissionDenied, match="Only the agency that owns the information"):
        services.share_create(
            selections=[pick(own)],
            terms=terms(setup.north.health),
            by=setup.probation_practitioner,
            onward_request=request,
        )


# --- the dashboard count ----------------------------------------------------------------------


def test_awaiting_decision_count(setup: NominalSetup, item: InformationItem, received: Share):
    def counts() -> dict[str, int]:
        who = ["practitioner", "coordinator", "chair", "probation_practitioner", "health_practitioner"]
        return {w: awaiting_decision_count(fetched_by=setup.user(w)) for w in who}

    assert set(counts().values()) == {0}
    # Probation already holds the first item; a second, unshared, makes the access request possible.
    police_item(setup)
    access = _ask(setup)
    _ask_onward(setup, received)
    # The police decide both; their chair cannot decide (no SHARE_CREATE); the askers wait.
    assert counts() == {
        "practitioner": 2,
        "coordinator": 2,
        "chair": 0,
        "probation_practitioner": 0,
        "health_practitioner": 0,
    }
    services.access_request_decline(request=access, reason=DECLINE, by=setup.practitioner)
    assert counts()["practitioner"] == 1


def test_share_answering_an_access_request_must_be_about_its_case(setup: NominalSetup, item: InformationItem):
    """Items about another nominal do not answer a request about this one."""
    elsewhere = police_item(setup, nominal=setup.probation_nominal)
    request = _ask(setup)
    with refused(ApplicationError, match="the case the request is about", field="items"):
        services.share_create(
            selections=[pick(elsewhere)],
            terms=terms(setup.north.probation),
            by=setup.practitioner,
            access_request=request,
        )


def test_onward_grant_must_be_about_the_same_case(
    setup: NominalSetup, item: InformationItem, received: Share
):
    elsewhere = police_item(setup, nominal=setup.probation_nominal)
    request = _ask_onward(setup, received)
    with refused(ApplicationError, match="the case the request is about", field="items"):
        services.share_create(
            selections=[pick(elsewhere)],
            terms=terms(setup.north.health),
            by=setup.practitioner,
            onward_request=request,
        )
