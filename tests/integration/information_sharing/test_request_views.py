"""The case panel, access and onward-sharing requests, and the dashboard count, through the pages.

One world for every test: North Police leads the case and holds two items, one of them shared
with North Probation; North Probation owns an item of its own on the case (so it is involved and
opens the case without a reason) and sees that North Police holds one more it cannot read. North
Health is uninvolved (it cannot see the case at all); South is another area. The police meeting
chair reads items but may not share, request or decide.
"""

import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mappa.audit.models import AuditEvent
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
)
from tests.conftest import signed_in_client
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalSetup

REASON = "Probation needs the police risk factors to plan the approved premises placement."
DECLINED = "The intelligence is part of a live investigation and cannot be shared yet."


@dataclass
class World:
    setup: NominalSetup
    hidden: InformationItem  # North Police's, not shared: probation sees only that it exists
    shared: InformationItem  # North Police's, shared with North Probation
    own: InformationItem  # North Probation's own
    share: Share

    def user(self, who: str) -> Any:
        return self.setup.user(who)


@pytest.fixture
def world(db) -> World:
    setup = NominalSetup()
    setup.north.agreement.parties.add(setup.north.health)
    nominal = setup.police_nominal
    hidden = ItemFactory(nominal=nominal, summary="Police-only synthetic intelligence note")
    shared = ItemFactory(nominal=nominal, summary="Synthetic risk factor shared with probation")
    own = ItemFactory(
        nominal=nominal, owner_agency=setup.north.probation, summary="Probation synthetic compliance note"
    )
    share = share_items([shared], setup.north.probation, decided_by=setup.practitioner)
    return World(setup, hidden, shared, own, share)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _case(world: World) -> str:
    return reverse("nominals:nominal-detail", args=[world.setup.police_nominal.pk])


def _create_url(world: World, agency: Any = None) -> str:
    agency = agency or world.setup.north.police
    return reverse(
        "information_sharing:access-request-create", args=[world.setup.police_nominal.pk, agency.pk]
    )


def _pending(world: World) -> AccessRequest:
    request = AccessRequest(
        nominal=world.setup.police_nominal,
        owner_agency=world.setup.north.police,
        requesting_agency=world.setup.north.probation,
        requested_by=world.setup.probation_practitioner,
        reason=REASON,
    )
    request.save(override=True)
    return request


def _onward(world: World) -> OnwardShareRequest:
    request = OnwardShareRequest(
        source_share=world.share,
        requesting_agency=world.setup.north.probation,
        owner_agency=world.setup.north.police,
        target_agency=world.setup.north.health,
        requested_by=world.setup.probation_practitioner,
        reason="Health needs the risk factor to plan the appointments safely.",
    )
    request.save(override=True)
    request.items.set([world.shared])
    return request


# --- the case panel ---------------------------------------------------------------------------


def test_panel_shows_own_and_shared_items_and_only_counts_for_the_rest(world: World):
    body = _text(signed_in_client(world.setup.probation_practitioner).get(_case(world)))
    assert "Information held" in body
    assert world.own.summary in body
    assert world.shared.summary in body
    share_url = reverse("information_sharing:share-detail", args=[world.share.pk])
    assert (
        f'Shared by North Police (<a class="govuk-link" href="{share_url}">{world.share.reference}</a>)'
        in body
    )
    # Existence without content: the count, never the summary.
    assert world.hidden.summary not in body
    assert "North Police holds 1 item." in body
    assert _create_url(world) in body
    assert reverse("information_sharing:item-create", args=[world.setup.police_nominal.pk]) in body
    # Probation owns an item, so it can share and see who has looked.
    assert reverse("information_sharing:share-start", args=[world.setup.police_nominal.pk]) in body
    assert reverse("information_sharing:case-access-log", args=[world.setup.police_nominal.pk]) in body


def test_panel_for_the_owner_shows_everything_it_owns_and_counts_the_other_agency(world: World):
    body = _text(signed_in_client(world.setup.practitioner).get(_case(world)))
    assert world.hidden.summary in body
    assert world.shared.summary in body
    assert world.own.summary not in body
    assert "North Probation holds 1 item." in body
    assert "Held by your agency, North Police" in body


def test_panel_for_a_role_that_only_reads_offers_no_actions(world: World):
    body = _text(signed_in_client(world.setup.chair).get(_case(world)))
    assert world.hidden.summary in body
    assert "North Probation holds 1 item." in body
    assert "Request access" not in body
    assert "Add information" not in body
    assert "Share information" not in body
    assert "Who has looked at this case" not in body


def test_panel_marks_superseded_items_and_erased_only_for_the_owner(world: World):
    successor = ItemFactory(nominal=world.setup.police_nominal, summary="Synthetic newer risk factor")
    InformationItem.objects.filter(pk=world.shared.pk).update(
        status=ItemStatus.SUPERSEDED, superseded_by=successor
    )
    InformationItem.objects.filter(pk=world.own.pk).update(status=ItemStatus.ERASED, summary="Erased")
    police = _text(signed_in_client(world.setup.practitioner).get(_case(world)))
    assert "Superseded</strong>" in police
    assert "Erased</strong>" not in police  # probation's erased item is not even counted
    probation = _text(signed_in_client(world.setup.probation_practitioner).get(_case(world)))
    assert "Superseded</strong>" in probation
    assert "Erased</strong>" in probation


def test_panel_shows_a_pending_request_instead_of_the_link(world: World):
    request = _pending(world)
    body = _text(signed_in_client(world.setup.probation_practitioner).get(_case(world)))
    assert f"Access requested on {timezone.localdate().day}" in body
    assert reverse("information_sharing:access-request-detail", args=[request.pk]) in body
    assert _create_url(world) not in body


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_panel_queries_do_not_grow_with_items(world: World):
    client = signed_in_client(world.setup.probation_practitioner)
    before = _queries(client, _case(world))
    setup = world.setup
    for n in range(2):
        ItemFactory(nominal=setup.police_nominal, owner_agency=setup.north.probation, summary=f"Own {n}")
        ItemFactory(nominal=setup.police_nominal, summary=f"Hidden {n}")
        extra = ItemFactory(nominal=setup.police_nominal, summary=f"Shared {n}")
        share_items([extra], setup.north.probation, decided_by=setup.practitioner)
    # Another owner, to add a group and a holding.
    ItemFactory(nominal=setup.police_nominal, owner_agency=setup.north.health, summary="Health note")
    assert _queries(client, _case(world)) == before


# --- access requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("probation_practitioner", 200),
        ("chair", 403),  # reads items, may not ask for more
        ("senior_manager", 403),
        ("health_practitioner", 404),  # cannot see the case
        ("south_coordinator", 404),
        ("practitioner", 404),  # its own agency: nothing it cannot read
    ],
)
def test_access_request_create_page(world: World, who, status):
    response = signed_in_client(world.user(who)).get(_create_url(world))
    assert response.status_code == status
    if status == 200:
        assert "North Police holds 1 item" in _text(response)


def test_access_request_create_for_an_agency_holding_nothing_unread_is_404(world: World):
    client = signed_in_client(world.setup.probation_practitioner)
    assert client.get(_create_url(world, world.setup.north.health)).status_code == 404
    # Everything North Police holds, once shared, is readable: nothing left to ask for.
    share_items([world.hidden], world.setup.north.probation, decided_by=world.setup.practitioner)
    assert client.get(_create_url(world)).status_code == 404


def test_access_request_made_then_a_duplicate_is_refused_clearly(world: World):
    client = signed_in_client(world.setup.probation_practitioner)
    response = client.post(_create_url(world), {"purpose": "mappa", "reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == _case(world)
    request = AccessRequest.objects.get()
    assert request.status == RequestStatus.PENDING
    assert request.requesting_agency == world.setup.north.probation
    assert request.owner_agency == world.setup.north.police
    assert "Access requested. North Police will decide whether to share" in _text(client.get(_case(world)))
    # The page now says a request is waiting, and a second one is refused with a clear message.
    assert "has not decided yet" in _text(client.get(_create_url(world)))
    again = client.post(_create_url(world), {"purpose": "mappa", "reason": REASON})
    assert again.status_code == 200
    assert "Your agency already has a request waiting for North Police on this case" in _text(again)
    assert AccessRequest.objects.count() == 1


def test_access_request_create_errors(world: World):
    client = signed_in_client(world.setup.probation_practitioner)
    response = client.post(_create_url(world), {})
    body = _text(response)
    assert response.status_code == 200
    assert "Enter why your agency needs this information" in body
    assert "Select what your agency needs it for" in body
    response = client.post(_create_url(world), {"purpose": "mappa", "reason": "Need it"})
    assert "in a sentence or more" in _text(response)
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "decides", "withdraws"),
    [
        ("practitioner", 200, True, False),
        ("coordinator", 200, True, False),
        ("chair", 200, False, False),  # the owner agency, but cannot decide
        ("probation_practitioner", 200, False, True),
        ("health_practitioner", 404, False, False),
        ("south_coordinator", 404, False, False),
        ("senior_manager", 404, False, False),
    ],
)
def test_access_request_detail(world: World, who, status, decides, withdraws):
    request = _pending(world)
    response = signed_in_client(world.user(who)).get(
        reverse("information_sharing:access-request-detail", args=[request.pk])
    )
    assert response.status_code == status
    if status != 200:
        return
    body = _text(response)
    assert REASON in body
    assert world.setup.police_nominal.person.display_name in body
    share_link = reverse("information_sharing:share-start", args=[world.setup.police_nominal.pk])
    assert (f"{share_link}?request={request.pk}" in body) == decides
    assert (reverse("information_sharing:access-request-decline", args=[request.pk]) in body) == decides
    assert (reverse("information_sharing:access-request-withdraw", args=[request.pk]) in body) == withdraws


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("chair", 403),
        ("probation_practitioner", 403),  # the requester cannot decide its own request
        ("health_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_access_request_decline_page(world: World, who, status):
    request = _pending(world)
    url = reverse("information_sharing:access-request-decline", args=[request.pk])
    assert signed_in_client(world.user(who)).get(url).status_code == status
    if status != 200:
        response = signed_in_client(world.user(who)).post(url, {"reason": DECLINED})
        assert response.status_code == status
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING
        assert not AuditEvent.objects.filter(object_type="access_request").exists()


def test_access_request_declined_with_a_reason_the_requester_sees(world: World):
    request = _pending(world)
    url = reverse("information_sharing:access-request-decline", args=[request.pk])
    owner = signed_in_client(world.setup.practitioner)
    body = _text(owner.get(url))
    assert "Your refusal and your reason are recorded, and North Probation will see them" in body
    empty = owner.post(url, {})
    assert "Enter why you are declining" in _text(empty)
    response = owner.post(url, {"reason": DECLINED})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.decision_reason == DECLINED
    assert request.decided_by == world.setup.practitioner
    event = AuditEvent.objects.get(object_type="access_request", object_id=str(request.pk))
    assert event.justification == DECLINED
    detail = reverse("information_sharing:access-request-detail", args=[request.pk])
    seen = _text(signed_in_client(world.setup.probation_practitioner).get(detail))
    assert DECLINED in seen
    assert "Declined" in seen
    # Decided: no second decision, and the decline page sends the owner back.
    assert owner.get(url).status_code == 302


def test_access_request_withdraw(world: World):
    request = _pending(world)
    url = reverse("information_sharing:access-request-withdraw", args=[request.pk])
    assert signed_in_client(world.setup.practitioner).post(url).status_code == 403
    assert signed_in_client(world.setup.health_practitioner).post(url).status_code == 404
    client = signed_in_client(world.setup.probation_practitioner)
    assert "Withdraw the request?" in _text(client.get(url))
    response = client.post(url)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    # The panel offers a new request again.
    assert _create_url(world) in _text(client.get(_case(world)))


# --- the requests page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("probation_practitioner", 200),
        ("health_practitioner", 200),
        ("chair", 403),
        ("senior_manager", 403),
        ("auditor", 403),
    ],
)
def test_request_list_access(world: World, who, status):
    assert (
        signed_in_client(world.user(who)).get(reverse("information_sharing:request-list")).status_code
        == status
    )


def test_request_list_sections(world: World):
    access_request = _pending(world)
    onward = _onward(world)
    url = reverse("information_sharing:request-list")
    owner = _text(signed_in_client(world.setup.practitioner).get(url))
    waiting = owner.split("Waiting for your agency's decision")[1].split("Decided by your agency")[0]
    assert access_request.reference in waiting
    assert onward.reference in waiting
    assert "Your agency has not made any requests" in owner
    requester = _text(signed_in_client(world.setup.probation_practitioner).get(url))
    made = requester.split("Made by your agency")[1]
    assert access_request.reference in made
    assert onward.reference in made
    assert "Awaiting decision" in made
    assert "No requests are waiting for your agency's decision" in requester
    health = _text(signed_in_client(world.setup.health_practitioner).get(url))
    assert access_request.reference not in health
    assert onward.reference not in health
    # Decided requests move to their own section.
    AccessRequest.objects.filter(pk=access_request.pk).update(
        status=RequestStatus.REFUSED, decision_reason=DECLINED, decided_at=timezone.now()
    )
    owner = _text(signed_in_client(world.setup.practitioner).get(url))
    decided = owner.split("Decided by your agency")[1].split("Made by your agency")[0]
    assert access_request.reference in decided
    assert "Declined" in decided


# --- onward-sharing requests ------------------------------------------------------------------


def _onward_url(world: World) -> str:
    return reverse("information_sharing:onward-request-create", args=[world.share.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("probation_practitioner", 200),
        ("practitioner", 403),  # the sharer, not the recipient
        ("senior_manager", 403),
        ("health_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_onward_request_create_page(world: World, who, status):
    response = signed_in_client(world.user(who)).get(_onward_url(world))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        assert "The share does not let you pass these items on: ask the agency that owns them." in body
        assert world.shared.summary in body
        assert world.hidden.summary not in body
        # Only agencies that do not hold it already, and only in the case's area.
        assert "North Health Trust</option>" in body
        assert "North Police</option>" not in body
        assert "North Probation</option>" not in body
        assert "South Police</option>" not in body


def test_onward_request_create_on_a_revoked_share_is_refused(world: World):
    Share.objects.filter(pk=world.share.pk).update(
        revoked_at=timezone.now(), revoked_by=world.setup.practitioner, revocation_reason="No longer needed"
    )
    response = signed_in_client(world.setup.probation_practitioner).get(_onward_url(world))
    assert response.status_code == 403


def test_onward_request_made_then_refused_with_a_reason_the_requester_sees(world: World):
    requester = signed_in_client(world.setup.probation_practitioner)
    empty = requester.post(_onward_url(world), {})
    assert "Select the items you want to pass on" in _text(empty)
    assert "Select the agency you want to pass them to" in _text(empty)
    response = requester.post(
        _onward_url(world),
        {
            "items": [world.shared.pk],
            "target_agency": world.setup.north.health.pk,
            "reason": "Health needs the risk factor to plan the appointments safely.",
        },
    )
    assert response.status_code == 302
    onward = OnwardShareRequest.objects.get()
    assert response["Location"] == reverse("information_sharing:onward-request-detail", args=[onward.pk])
    assert onward.owner_agency == world.setup.north.police
    assert list(onward.items.all()) == [world.shared]

    detail = reverse("information_sharing:onward-request-detail", args=[onward.pk])
    refuse = reverse("information_sharing:onward-request-refuse", args=[onward.pk])
    owner = signed_in_client(world.setup.practitioner)
    body = _text(owner.get(detail))
    share_start = reverse("information_sharing:share-start", args=[world.setup.police_nominal.pk])
    assert f"{share_start}?onward={onward.pk}" in body
    assert refuse in body
    asking = _text(requester.get(detail))
    assert refuse not in asking
    assert world.shared.summary in asking

    assert requester.post(refuse, {"reason": DECLINED}).status_code == 403
    assert signed_in_client(world.setup.health_practitioner).get(detail).status_code == 404
    assert signed_in_client(world.setup.chair).post(refuse, {"reason": DECLINED}).status_code == 403
    response = owner.post(refuse, {"reason": DECLINED})
    assert response.status_code == 302
    onward.refresh_from_db()
    assert onward.status == RequestStatus.REFUSED
    assert DECLINED in _text(requester.get(detail))


def test_onward_request_page_explains_named_agency_terms(world: World):
    share_items(
        [world.hidden],
        world.setup.north.probation,
        decided_by=world.setup.practitioner,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[world.setup.north.health],
    )
    share = Share.objects.exclude(pk=world.share.pk).get()
    url = reverse("information_sharing:onward-request-create", args=[share.pk])
    body = _text(signed_in_client(world.setup.probation_practitioner).get(url))
    assert "The share lets you pass these items on to North Health Trust only." in body


# --- the dashboard and navigation -------------------------------------------------------------


def test_dashboard_counts_requests_waiting_for_the_agency(world: World):
    home = reverse("web:home")
    client = signed_in_client(world.setup.practitioner)
    assert "No requests are waiting for your agency's decision" in _text(client.get(home))
    _pending(world)
    _onward(world)
    body = _text(client.get(home))
    assert "2 requests are waiting for your agency's decision" in body
    assert reverse("information_sharing:request-list") in body
    # The requester's agency has nothing to decide; the chair cannot decide at all.
    probation = _text(signed_in_client(world.setup.probation_practitioner).get(home))
    assert "No requests are waiting" in probation
    chair = _text(signed_in_client(world.setup.chair).get(home))
    assert "waiting for your agency" not in chair


def test_navigation_has_requests_and_shares_for_those_allowed(world: World):
    home = reverse("web:home")
    requests_link = f'href="{reverse("information_sharing:request-list")}"'
    shares_link = f'href="{reverse("information_sharing:share-list")}"'
    practitioner = _text(signed_in_client(world.setup.practitioner).get(home))
    assert requests_link in practitioner and shares_link in practitioner
    chair = _text(signed_in_client(world.setup.chair).get(home))
    assert requests_link not in chair and shares_link in chair
    manager = _text(signed_in_client(world.setup.senior_manager).get(home))
    assert requests_link not in manager and shares_link not in manager
