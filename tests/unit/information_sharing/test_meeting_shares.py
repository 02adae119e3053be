"""Shares into a MAPPA meeting: every rule allowed and refused, who then reads the items (signed
attendees only, with the share's fields), that each reading is audited with the meeting as its
basis, that revoking closes them at once, and the pack section of the meeting's page."""

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action
from mappa.core.exceptions import PermissionDenied
from mappa.core.panels import panels_for
from mappa.information_sharing import services
from mappa.information_sharing.access import access_item, access_share, item_basis
from mappa.information_sharing.involvement import ItemInvolvement
from mappa.information_sharing.meeting_pack import MeetingPackPanel
from mappa.information_sharing.models import (
    AccessRequest,
    InformationItem,
    ItemKind,
    OnwardTerms,
    Share,
)
from mappa.information_sharing.selectors import (
    held_share_links,
    item_list,
    item_views,
    meeting_items,
    nominal_holdings,
    share_list,
    shares_into_meetings,
    shares_passed_on,
    shares_received,
)
from mappa.meetings.models import Attendee, Meeting, MeetingStatus
from tests.factories import information_sharing as factories
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.meetings import MeetingFactory, on_agenda, signed
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import (
    NECESSITY,
    PROPORTIONALITY,
    RELEVANCE,
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

REASON = "The meeting has decided the partner no longer needs protecting."


class World:
    """North's police share a relationships item about their nominal into a level 2 meeting.

    Health is invited and a party to the area's agreement. `attendee` (health) has signed the
    statement for the meeting; `invitee` (probation) is recorded as invited but has not signed;
    `outsider` (probation) may see the meeting but is not on it.
    """

    def __init__(self, setup: NominalSetup) -> None:
        self.setup = setup
        north = setup.north
        add_parties(setup, north.health)
        self.meeting = MeetingFactory(area=setup.area, chair=setup.chair)
        self.meeting.invited_agencies.add(north.health)
        on_agenda(self.meeting, setup.police_nominal)
        self.item = relationship_item(setup)
        self.attendee = setup.health_practitioner
        signed(self.meeting, self.attendee)
        self.invitee = setup.probation_practitioner
        Attendee(meeting=self.meeting, user=self.invitee, agency=north.probation).save(override=True)
        self.outsider = member(["practitioner"], agency=north.probation)


@pytest.fixture
def world(setup: NominalSetup) -> World:
    return World(setup)


def into(meeting: Meeting | None, **kwargs: Any) -> services.ShareTerms:
    """Terms for a share into `meeting` (no recipient agency), otherwise the helpers' defaults."""
    values: dict[str, Any] = {
        "recipient": None,
        "meeting": meeting,
        "purpose": "mappa",
        "gateway": "cja2003_s325",
        "necessity": NECESSITY,
        "proportionality": PROPORTIONALITY,
        "relevance": RELEVANCE,
    }
    values.update(kwargs)
    return services.ShareTerms(**values)


def _share(world: World, *fields: str, by: Any = None, item: Any = None, **kwargs: Any) -> Share:
    item = item or world.item
    default = ("address",) if item.kind == ItemKind.RELATIONSHIPS else ("detail",)
    selection = pick(item, *(fields or default))
    proposed = into(kwargs.pop("meeting", world.meeting), **kwargs)
    return services.share_create(selections=[selection], terms=proposed, by=by or world.setup.practitioner)


def _view(user: Any, item: InformationItem) -> Any:
    views = item_views(list(item_list(fetched_by=user).filter(pk=item.pk)), fetched_by=user)
    return views[0] if views else None


def _set_status(meeting: Meeting, status: str) -> None:
    meeting.status = status
    meeting.save(override=True)


# --- sharing into a meeting: allowed ----------------------------------------------------------


def test_the_owner_shares_into_a_meeting_with_the_case_on_its_agenda(world: World):
    share = _share(world, "address", "person_name")
    assert share.meeting == world.meeting and share.recipient_agency is None
    assert share.sharing_agency == world.setup.north.police
    assert share.agreement == world.setup.north.agreement
    assert share.onward_terms == OnwardTerms.NONE
    assert share.share_items.get().fields == ["person_name", "address"]
    assert share.recipient_code == world.meeting.reference
    (disclosure,) = events(action=Action.DISCLOSURE)
    assert disclosure.summary == "Information shared into a MAPPA meeting"
    assert disclosure.recipients == [world.meeting.reference]
    assert disclosure.object_agency_id == world.setup.north.police.pk
    assert disclosure.detail["items"] == [world.item.pk]


def test_a_duty_to_cooperate_agency_may_rely_on_s325_into_a_meeting(world: World):
    setup = world.setup
    item = police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner)
    share = _share(world, item=item, by=setup.health_practitioner)
    assert share.gateway == "cja2003_s325" and share.sharing_agency == setup.north.health


def test_an_associate_agency_shares_into_a_meeting_under_another_gateway(world: World):
    setup = world.setup
    agency = associate(setup)
    world.meeting.invited_agencies.add(agency)
    user = member(["practitioner"], agency=agency)
    item = police_item(setup, owner_agency=agency, author=user)
    with refused(match="is an associate agency", field="gateway"):
        _share(world, item=item, by=user)
    share = _share(world, item=item, by=user, gateway="cda1998_s115")
    assert share.meeting == world.meeting


def test_check_runs_the_same_rules_and_warns_about_the_mixed_audience(world: World):
    item = police_item(world.setup, kind=ItemKind.INTELLIGENCE, summary="Seen with a known dealer")
    proposed = into(world.meeting)
    check = services.share_check(selections=[pick(item)], terms=proposed, by=world.setup.practitioner)
    assert check.agreement == world.setup.north.agreement
    assert any(
        "a meeting that agencies outside the Responsible Authority may attend" in w for w in check.warnings
    )
    assert not Share.objects.exists()


def test_covering_agreement_for_names_the_sharer_alone(world: World):
    setup = world.setup
    area = [setup.area.pk]
    found = services.covering_agreement_for(sharer=setup.north.police, purpose="mappa", area_ids=area)
    assert found == setup.north.agreement
    children = AgencyFactory(code="NORTH-CSC", kind=AgencyKind.CHILDRENS_SERVICES, areas=[setup.area])
    assert services.covering_agreement_for(sharer=children, purpose="mappa", area_ids=area) is None
    assert services.covering_agreement_for(sharer=setup.north.police, purpose="other", area_ids=area) is None
    assert services.covering_agreement_for(sharer=setup.north.police, purpose="mappa", area_ids=[]) is None


# --- sharing into a meeting: refused ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "match"),
    [(MeetingStatus.CANCELLED, "has been cancelled"), (MeetingStatus.HELD, "has already been held")],
)
def test_only_a_scheduled_meeting_takes_a_share(world: World, status, match):
    _set_status(world.meeting, status)
    with refused(match=match, field="recipient"):
        _share(world)


def test_the_case_must_be_on_the_agenda(world: World):
    item = police_item(
        world.setup, nominal=world.setup.probation_nominal, owner_agency=world.setup.north.police
    )
    with refused(match="not on the agenda", field="recipient"):
        _share(world, item=item)


def test_the_meeting_must_be_of_the_cases_area(world: World):
    setup = world.setup
    # Chaired by the sharer, so they see it although it is South's.
    south = MeetingFactory(area=setup.south.area, chair=setup.practitioner)
    on_agenda(south, setup.police_nominal)
    with refused(match="another MAPPA area", field="recipient"):
        _share(world, meeting=south)


def test_a_meeting_the_sharer_cannot_see_is_refused(world: World):
    setup = world.setup
    south = MeetingFactory(area=setup.south.area, chair=member(["meeting_chair"], agency=setup.south.police))
    on_agenda(south, setup.police_nominal)
    with refused(PermissionDenied):
        _share(world, meeting=south)


def test_the_purpose_is_mappa_only(world: World):
    with refused(match="for MAPPA risk assessment and management only", field="purpose"):
        _share(world, purpose="safeguarding_children", purpose_detail="Child protection plan.")


@pytest.mark.parametrize("onward", [OnwardTerms.WITHIN_RECIPIENT, OnwardTerms.NAMED_AGENCIES])
def test_attendees_may_not_pass_it_on(world: World, onward):
    kwargs: dict[str, Any] = {"onward_terms": onward}
    if onward == OnwardTerms.NAMED_AGENCIES:
        kwargs["onward_agencies"] = [world.setup.north.probation]
    with refused(match="cannot be passed on by its attendees", field="onward_terms"):
        _share(world, **kwargs)


def test_only_the_owners_items_go_into_a_meeting(world: World):
    setup = world.setup
    # Probation holds the item under a share that even lets it pass the item on to health.
    factories.share_items(
        [world.item],
        setup.north.probation,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[setup.north.health],
    )
    with refused(match="Only your agency's own information can be shared into a meeting", field="items"):
        _share(world, by=setup.probation_practitioner)


def test_an_item_about_another_person_cannot_go_into_a_meeting(world: World):
    setup = world.setup
    item = police_item(setup, nominal=None, person=setup.person)
    with refused(match="Only information about a nominal", field="items"):
        _share(world, item=item)


def test_the_sharer_must_be_party_to_an_agreement_of_the_area(world: World):
    setup = world.setup
    setup.north.agreement.parties.remove(setup.north.health)
    item = police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner)
    with refused(match="is not a party to an active information sharing agreement", field="recipient"):
        _share(world, item=item, by=setup.health_practitioner)


@pytest.mark.parametrize("recipient", ["both", "neither"])
def test_exactly_one_recipient(world: World, recipient):
    proposed = into(world.meeting if recipient == "both" else None)
    proposed.recipient = world.setup.north.probation if recipient == "both" else None
    with refused(match="Choose who to share with", field="recipient"):
        services.share_create(selections=[pick(world.item)], terms=proposed, by=world.setup.practitioner)


def test_the_four_tests_and_special_categories_apply_as_to_agencies(world: World):
    with refused(match="Explain why it is proportionate", field="proportionality"):
        _share(world, proportionality="Fine.")
    with refused(match="special category information", field=f"strictly_necessary_{world.item.pk}"):
        _share(world, "address", "ethnicity")
    selection = pick(world.item, "ethnicity", strictly_necessary="The meeting must plan an interpreter.")
    made = services.share_create(
        selections=[selection], terms=into(world.meeting), by=world.setup.practitioner
    )
    assert made.share_items.get().special_categories == ["race_ethnic_origin"]


def test_a_user_without_share_permission_is_refused(world: World):
    with refused(PermissionDenied):
        _share(world, by=world.setup.chair)


def test_a_meeting_share_answers_no_access_request(world: World):
    setup = world.setup
    request = AccessRequest(
        nominal=setup.police_nominal,
        owner_agency=setup.north.police,
        requesting_agency=setup.north.health,
        requested_by=setup.health_practitioner,
        reason="Health needs to know who the partner is.",
    )
    request.save(override=True)
    with refused(match="Share with the agency that asked", field="recipient"):
        services.share_create(
            selections=[pick(world.item)],
            terms=into(world.meeting),
            by=setup.practitioner,
            access_request=request,
        )


# --- who reads it -----------------------------------------------------------------------------


def test_a_signed_attendee_reads_the_items_fields_the_share_carries(world: World):
    share = _share(world, "address")
    view = _view(world.attendee, world.item)
    assert view is not None and not view.is_owner
    assert view.fields == frozenset({"address"})
    assert view.shares == [share] and view.meeting_shares == [share] and view.agency_shares == []
    assert not view.shows("detail") and not view.shows("ethnicity")
    assert [label for label, _ in view.shown_attributes] == ["Their address"]


def test_unsigned_invitees_and_others_read_nothing(world: World):
    _share(world)
    north = world.setup.north
    colleague = member(["practitioner"], agency=north.health)  # the attendee's agency holds nothing
    for user in (world.invitee, world.outsider, colleague):
        assert _view(user, world.item) is None, user
        with pytest.raises(Http404):
            access_item(user, world.item.pk)


def test_a_signature_for_another_meeting_reads_nothing(world: World):
    _share(world)
    other = MeetingFactory(area=world.setup.area, chair=world.setup.chair)
    signer = member(["practitioner"], agency=world.setup.north.probation)
    signed(other, signer)
    assert _view(signer, world.item) is None


def test_the_attendees_agency_gains_nothing_to_pass_on(world: World):
    share = _share(world)
    assert not held_share_links(item_ids=[world.item.pk], fetched_by=world.attendee).exists()
    assert not shares_received(fetched_by=world.attendee).exists()
    # Passing it on to an agency is refused (it is not held by the agency), and so is asking.
    proposed = terms(world.setup.north.probation)
    with refused(match="do not let you pass it to North Probation", field="items"):
        services.share_create(selections=[pick(world.item)], terms=proposed, by=world.attendee)
    with refused(PermissionDenied):
        services.onward_request_create(
            source_share=share,
            items=[world.item],
            target_agency=world.setup.north.probation,
            reason="Probation needs the address for its own records.",
            by=world.attendee,
        )


def test_a_signed_minute_taker_reads_it_though_items_are_not_theirs_to_view(world: World):
    _share(world, "address")
    minute_taker = member(["minute_taker"], agency=world.setup.north.police)
    assert _view(minute_taker, world.item) is None
    signed(world.meeting, minute_taker)
    view = _view(minute_taker, world.item)
    # Their agency owns it, but they read it as the meeting's attendee: its fields only.
    assert view is not None and not view.is_owner and view.fields == frozenset({"address"})


def test_revoking_closes_it_at_once(world: World):
    share = _share(world)
    assert _view(world.attendee, world.item) is not None
    services.share_revoke(share=share, reason=REASON, by=world.setup.practitioner)
    assert _view(world.attendee, world.item) is None
    assert meeting_items(meeting=world.meeting, fetched_by=world.attendee) == []
    (revoked,) = events(summary="Share revoked")
    assert revoked.recipients == [world.meeting.reference]


def test_an_attendee_cannot_revoke(world: World):
    share = _share(world)
    with refused(PermissionDenied):
        services.share_revoke(share=share, reason=REASON, by=world.attendee)


@pytest.mark.parametrize("ended", ["expired", "cancelled", "erased"])
def test_nothing_once_the_share_or_the_meeting_ends(world: World, ended):
    share = _share(world)
    if ended == "expired":
        Share.objects.filter(pk=share.pk).update(expires_on=future(-1))
    elif ended == "cancelled":
        _set_status(world.meeting, MeetingStatus.CANCELLED)
    else:
        services.item_erase(
            item=world.item, version=world.item.version, reason=REASON, by=world.setup.practitioner
        )
    assert _view(world.attendee, world.item) is None
    assert meeting_items(meeting=world.meeting, fetched_by=world.attendee) == []


def test_a_signed_attendee_can_still_read_after_the_meeting_is_held(world: World):
    _share(world)
    _set_status(world.meeting, MeetingStatus.HELD)
    assert _view(world.attendee, world.item) is not None


# --- the audit --------------------------------------------------------------------------------


def test_each_consultation_is_recorded_with_the_meeting_as_its_basis(world: World):
    share = _share(world)
    access_item(world.attendee, world.item.pk)
    access_item(world.attendee, world.item.pk)
    consultations = events(action=Action.CONSULTATION, object_type="information_item")
    assert len(consultations) == 2
    expected = f"Shared into {world.meeting.reference} (confidentiality statement signed): {share.reference}"
    assert {event.justification for event in consultations} == {expected}
    assert {event.actor_user_id for event in consultations} == {world.attendee.pk}
    # The owner's auditors see them: the event names the owning agency.
    assert {event.object_agency_id for event in consultations} == {world.setup.north.police.pk}


def test_the_basis_names_every_route(world: World):
    meeting_share = _share(world, "address")
    agency_share = factories.share_items([world.item], world.setup.north.health, fields=["person_name"])
    view = _view(world.attendee, world.item)
    assert view.fields == frozenset({"address", "person_name"})
    assert item_basis(view) == (
        f"Shared with the agency: {agency_share.reference}; "
        f"Shared into {world.meeting.reference} (confidentiality statement signed): {meeting_share.reference}"
    )


# --- shares, holdings and involvement ---------------------------------------------------------


def test_signed_attendees_see_the_share_and_others_do_not(world: World):
    share = _share(world)
    assert access_share(world.attendee, share.pk) == share
    assert list(shares_into_meetings(fetched_by=world.attendee)) == [share]
    assert share in share_list(fetched_by=world.setup.practitioner)
    for user in (world.invitee, world.outsider):
        assert not share_list(fetched_by=user).filter(pk=share.pk).exists()
        with pytest.raises(Http404):
            access_share(user, share.pk)
    # The owner never sees its own meeting share as information "passed on by others".
    assert not shares_passed_on(fetched_by=world.setup.practitioner).exists()


def test_what_the_attendee_reads_is_not_counted_as_held_elsewhere(world: World):
    _share(world)
    holdings = nominal_holdings(nominal=world.setup.police_nominal, fetched_by=world.attendee)
    assert holdings == []


def test_a_meeting_share_does_not_involve_the_attendees_agency(world: World):
    _share(world)
    provider = ItemInvolvement()
    health = world.setup.north.health.pk
    assert world.setup.police_nominal.pk not in set(provider.nominal_ids(agency_id=health))
    assert provider.basis(agency_id=health, nominal_id=world.setup.police_nominal.pk) is None


# --- the pack ---------------------------------------------------------------------------------


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_pack_lists_items_by_case_and_owner_for_signed_attendees(world: World):
    setup = world.setup
    on_agenda(world.meeting, setup.probation_nominal)
    probation_item = police_item(
        setup, nominal=setup.probation_nominal, owner_agency=setup.north.probation, summary="Curfew breached"
    )
    _share(world)
    _share(world, item=probation_item, by=setup.probation_practitioner)
    panel = MeetingPackPanel().panel(_request(world.attendee), world.meeting)
    assert panel is not None and panel.template_name == "information_sharing/meeting_pack.html"
    cases = panel.context["cases"]
    # Agenda order: the police nominal first, then probation's.
    assert [case.nominal for case in cases] == [setup.police_nominal, setup.probation_nominal]
    assert [[owner.agency for owner in case.owners] for case in cases] == [
        [setup.north.police],
        [setup.north.probation],
    ]
    assert [view.item for view in cases[0].owners[0].views] == [world.item]
    assert cases[0].owners[0].views[0].fields == frozenset({"address"})
    # Listing is not reading: the consultation is recorded when an item is opened.
    assert not events(action=Action.CONSULTATION, object_type="information_item")


def test_the_pack_section_is_for_signed_attendees_only(world: World):
    _share(world)
    for user in (world.invitee, world.outsider, world.setup.chair):
        assert MeetingPackPanel().panel(_request(user), world.meeting) is None
        assert meeting_items(meeting=world.meeting, fetched_by=user) == []


def test_the_pack_section_is_registered_and_says_when_nothing_is_shared(world: World):
    panels = panels_for("meeting_pack", _request(world.attendee), world.meeting)
    (panel,) = [p for p in panels if p.template_name == "information_sharing/meeting_pack.html"]
    assert panel.context["cases"] == [] and panel.context["count"] == 0


def test_the_pack_is_empty_once_the_meeting_is_cancelled(world: World):
    _share(world)
    _set_status(world.meeting, MeetingStatus.CANCELLED)
    assert meeting_items(meeting=world.meeting, fetched_by=world.attendee) == []
