"""Sharing into a MAPPA meeting through the pages: the wizard end to end, what it offers and
refuses, the item and share pages for signed and unsigned attendees, the share lists, revoking,
and the meeting pack's section; each allowed and denied from one setup."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.accounts.models import User
from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.information_sharing.models import ItemKind, OnwardTerms, Share
from mappa.meetings.models import Attendee, MeetingStatus
from mappa.nominals.opening import SESSION_KEY
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory, AgreementFactory, MappaAreaFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.meetings import MeetingFactory, on_agenda, signed
from tests.factories.nominals import NominalFactory, NominalSetup

pytestmark = pytest.mark.django_db

ADDRESS = "MARKER-MEETING-ADDRESS"
DETAIL = "MARKER-MEETING-DETAIL"
TERMS = {
    "gateway": "cja2003_s325",
    "gateway_detail": "",
    "necessity": "The panel must know where he lives to plan the risk management.",
    "proportionality": "Only the partner's address; the detail and her ethnicity are left out.",
    "relevance": "The partner's children live at the address he proposes to move to.",
    "expires_on_day": "",
    "expires_on_month": "",
    "expires_on_year": "",
}


class Setup(NominalSetup):
    """North with a level 2 meeting next week about the police nominal, to which health is
    invited. `attendee` (health) has signed its statement; `invitee` (probation) is invited but
    has not signed; `outsider` (probation) is not on it. The police own a relationships item."""

    def __init__(self) -> None:
        super().__init__()
        north = self.north
        north.agreement.parties.add(north.health)
        self.meeting = MeetingFactory(area=self.area, chair=self.chair)
        self.meeting.invited_agencies.add(north.health)
        on_agenda(self.meeting, self.police_nominal)
        self.item = ItemFactory(
            nominal=self.police_nominal,
            owner_agency=north.police,
            author=self.practitioner,
            kind=ItemKind.RELATIONSHIPS,
            summary="New partner with two children",
            detail=DETAIL,
            attributes={"person_name": "Alex Synthetic", "address": ADDRESS},
        )
        self.attendee = self.health_practitioner
        signed(self.meeting, self.attendee)
        self.invitee = self.probation_practitioner
        Attendee(meeting=self.meeting, user=self.invitee, agency=north.probation).save(override=True)
        self.outsider = member(["practitioner"], agency=north.probation)

    def meeting_share(self, **kwargs) -> Share:
        return share_items([self.item], None, fields=["address"], meeting=self.meeting, **kwargs)


@pytest.fixture
def setup() -> Setup:
    return Setup()


def _url(name: str, setup: Setup) -> str:
    return reverse(f"information_sharing:share-{name}", args=[setup.police_nominal.pk])


def _choose_item(client, setup: Setup) -> None:
    item = setup.item.pk
    assert client.get(_url("start", setup), {"item": item}).status_code == 302
    response = client.post(_url("items", setup), {"items": [item], f"fields_{item}": ["address"]})
    assert response["Location"] == _url("recipient", setup)


def _walk(client, setup: Setup) -> None:
    """Choose the item, the meeting and the terms, up to the check page."""
    _choose_item(client, setup)
    response = client.post(_url("recipient", setup), {"recipient": f"meeting-{setup.meeting.pk}"})
    assert response["Location"] == _url("terms", setup)
    response = client.post(_url("terms", setup), TERMS)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == _url("check", setup)


def _item_url(setup: Setup) -> str:
    return reverse("information_sharing:item-detail", args=[setup.item.pk])


def _share_url(share: Share) -> str:
    return reverse("information_sharing:share-detail", args=[share.pk])


# --- the wizard -------------------------------------------------------------------------------


def test_wizard_shares_into_a_meeting(setup: Setup):
    client = signed_in_client(setup.practitioner)
    reference = setup.meeting.reference
    _choose_item(client, setup)
    body = client.get(_url("recipient", setup)).content.decode()
    assert "Who do you want to share with?" in body
    assert "Or a MAPPA meeting about this case still to come" in body
    assert f"{reference}: level 2 MAPPA meeting" in body
    assert f'value="meeting-{setup.meeting.pk}"' in body
    assert "North Health Trust" in body

    client.post(_url("recipient", setup), {"recipient": f"meeting-{setup.meeting.pk}"})
    body = client.get(_url("terms", setup)).content.decode()
    assert 'data-testid="meeting-terms"' in body
    assert "the only purpose a MAPPA meeting has" in body
    assert 'name="purpose"' not in body and 'name="onward_terms"' not in body
    client.post(_url("terms", setup), TERMS)

    check = client.get(_url("check", setup))
    body = check.content.decode()
    assert check.status_code == 200
    assert f"Attendees of {reference} who have signed its confidentiality statement" in body
    assert "(the meeting's purpose)" in body
    assert "Not to be passed on: the meeting is confidential" in body
    assert "North MAPPA agreement (NORTH-ISA)" in body
    assert "Confirm and share" in body

    response = client.post(_url("check", setup))
    share = Share.objects.get()
    assert response["Location"] == _share_url(share)
    assert (share.meeting, share.recipient_agency) == (setup.meeting, None)
    assert (share.purpose, share.onward_terms) == ("mappa", OnwardTerms.NONE)
    assert share.share_items.get().fields == ["address"]
    body = client.get(_share_url(share)).content.decode()
    assert f"Information shared with the attendees of {reference}: {share.reference}" in body
    assert f"{share.reference}: North Police into {reference}" in body
    assert f"Attendees of {reference} who have signed its confidentiality statement" in body
    disclosure = AuditEvent.objects.get(action=Action.DISCLOSURE)
    assert disclosure.recipients == [reference]


def test_recipient_step_offers_only_meetings_that_can_take_the_share(setup: Setup):
    chair = setup.chair
    cancelled = MeetingFactory(area=setup.area, chair=chair, status=MeetingStatus.CANCELLED)
    held = MeetingFactory(area=setup.area, chair=chair, status=MeetingStatus.HELD)
    past = MeetingFactory(area=setup.area, chair=chair, starts_at=timezone.now() - timedelta(days=1))
    other_case = MeetingFactory(area=setup.area, chair=chair)
    for meeting in (cancelled, held, past):
        on_agenda(meeting, setup.police_nominal)
    on_agenda(other_case, setup.probation_nominal)
    client = signed_in_client(setup.practitioner)
    _choose_item(client, setup)
    body = client.get(_url("recipient", setup)).content.decode()
    assert setup.meeting.reference in body
    for meeting in (cancelled, held, past, other_case):
        assert meeting.reference not in body
    # Not offered, and not accepted if posted anyway.
    response = client.post(_url("recipient", setup), {"recipient": f"meeting-{other_case.pk}"})
    assert response.status_code == 200
    assert "Choose who to share with" in response.content.decode()


def test_a_case_with_no_meeting_asks_for_an_agency_only(setup: Setup):
    setup.meeting.status = MeetingStatus.CANCELLED
    setup.meeting.save(override=True)
    client = signed_in_client(setup.practitioner)
    _choose_item(client, setup)
    body = client.get(_url("recipient", setup)).content.decode()
    assert "Which agency do you want to share with?" in body
    assert "MAPPA meeting" not in body


def test_switching_to_a_meeting_fixes_the_purpose_and_onward_terms(setup: Setup):
    client = signed_in_client(setup.practitioner)
    _choose_item(client, setup)
    client.post(_url("recipient", setup), {"recipient": setup.north.probation.pk})
    agency_terms = {
        **TERMS,
        "purpose": "safeguarding_children",
        "purpose_detail": "Planning the approved premises move.",
        "onward_terms": OnwardTerms.WITHIN_RECIPIENT,
    }
    assert client.post(_url("terms", setup), agency_terms)["Location"] == _url("check", setup)
    # Back to the recipient question from the check page: now into the meeting.
    response = client.post(_url("recipient", setup), {"recipient": f"meeting-{setup.meeting.pk}"})
    assert response["Location"] == _url("check", setup)
    body = client.get(_url("check", setup)).content.decode()
    assert "This information cannot be shared as it is" not in body
    client.post(_url("check", setup))
    share = Share.objects.get()
    assert (share.meeting, share.purpose, share.purpose_detail) == (setup.meeting, "mappa", "")
    assert share.onward_terms == OnwardTerms.NONE


def test_check_page_refuses_a_meeting_cancelled_meanwhile(setup: Setup):
    client = signed_in_client(setup.practitioner)
    _walk(client, setup)
    setup.meeting.status = MeetingStatus.CANCELLED
    setup.meeting.save(override=True)
    body = client.get(_url("check", setup)).content.decode()
    assert f"{setup.meeting.reference} has been cancelled: choose another meeting" in body
    assert f'href="{_url("recipient", setup)}#id_recipient_0"' in body
    assert "Confirm and share" not in body
    assert client.post(_url("check", setup)).status_code == 200
    assert not Share.objects.exists()


def test_check_page_refuses_items_the_agency_only_holds(setup: Setup):
    """Probation may pass the item on to health, but not share it into a meeting."""
    share_items(
        [setup.item],
        setup.north.probation,
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[setup.north.health],
    )
    client = signed_in_client(setup.probation_practitioner)
    _walk(client, setup)
    body = client.get(_url("check", setup)).content.decode()
    assert "Only your agency&#x27;s own information can be shared into a meeting" in body
    client.post(_url("check", setup))
    assert not Share.objects.filter(meeting__isnull=False).exists()


def test_wizard_is_refused_without_share_permission(setup: Setup):
    # The chair reads items but shares nothing.
    assert signed_in_client(setup.chair).get(_url("recipient", setup)).status_code == 403


# --- the item page ----------------------------------------------------------------------------


def test_item_page_for_a_signed_attendee_shows_the_shared_fields_and_records_it(setup: Setup):
    share = setup.meeting_share()
    response = signed_in_client(setup.attendee).get(_item_url(setup))
    body = response.content.decode()
    assert response.status_code == 200
    assert ADDRESS in body and DETAIL not in body
    assert 'data-testid="meeting-basis"' in body
    words = " ".join(body.split())
    assert f"North Police owns this item and shared it into {setup.meeting.reference} (" in words
    assert "do not pass it on" in body
    assert "2 fields were not shared with you." in body
    assert "Pass this item on" not in body and "Share this item" not in body
    event = AuditEvent.objects.get(action=Action.CONSULTATION, object_type="information_item")
    assert event.actor_user_id == setup.attendee.pk
    assert event.justification == (
        f"Shared into {setup.meeting.reference} (confidentiality statement signed): {share.reference}"
    )


@pytest.mark.parametrize("who", ["invitee", "outsider"])
def test_item_page_is_not_found_for_the_unsigned(setup: Setup, who):
    setup.meeting_share()
    response = signed_in_client(getattr(setup, who)).get(_item_url(setup))
    assert response.status_code == 404
    assert ADDRESS not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION, object_type="information_item").exists()


def test_item_page_for_the_owner_lists_the_meeting_share(setup: Setup):
    setup.meeting_share()
    body = signed_in_client(setup.practitioner).get(_item_url(setup)).content.decode()
    assert f"Attendees of {setup.meeting.reference}" in body


# --- the share page, the lists and revoking ---------------------------------------------------


def test_share_page_for_a_signed_attendee(setup: Setup):
    share = setup.meeting_share()
    body = signed_in_client(setup.attendee).get(_share_url(share)).content.decode()
    assert f"Attendees of {setup.meeting.reference} who have signed its confidentiality statement" in body
    assert "?show=meetings" in body
    # Nothing to pass on and nothing to revoke: the share is the owner's.
    assert "Ask to pass on" not in body and "Revoke" not in body


@pytest.mark.parametrize("who", ["invitee", "outsider"])
def test_share_page_is_not_found_for_the_unsigned(setup: Setup, who):
    share = setup.meeting_share()
    assert signed_in_client(getattr(setup, who)).get(_share_url(share)).status_code == 404


def test_attendees_cannot_ask_to_pass_it_on(setup: Setup):
    share = setup.meeting_share()
    url = reverse("information_sharing:onward-request-create", args=[share.pk])
    assert signed_in_client(setup.attendee).get(url).status_code == 403


def test_share_lists(setup: Setup):
    share = setup.meeting_share()
    url = reverse("information_sharing:share-list")
    body = signed_in_client(setup.attendee).get(url, {"show": "meetings"}).content.decode()
    assert share.reference in body and f"North Police into {setup.meeting.reference}" in body
    assert "Shared into meetings you have signed for (1)" in body
    received = signed_in_client(setup.attendee).get(url, {"show": "received"}).content.decode()
    assert share.reference not in received
    sharer = signed_in_client(setup.practitioner)
    made = sharer.get(url, {"show": "made"}).content.decode()
    assert share.reference in made and f"Attendees of {setup.meeting.reference}" in made
    assert share.reference not in sharer.get(url, {"show": "onward"}).content.decode()
    outsider = signed_in_client(setup.outsider).get(url, {"show": "meetings"}).content.decode()
    assert share.reference not in outsider


def test_revoking_a_meeting_share_closes_the_item_to_attendees(setup: Setup):
    share = setup.meeting_share()
    attendee = signed_in_client(setup.attendee)
    assert attendee.get(_item_url(setup)).status_code == 200
    revoke = reverse("information_sharing:share-revoke", args=[share.pk])
    assert attendee.get(revoke).status_code == 403
    sharer = signed_in_client(setup.practitioner)
    body = sharer.get(revoke).content.decode()
    assert f"Revoke the share into {setup.meeting.reference}" in body
    response = sharer.post(revoke, {"reason": "The meeting no longer needs the address."})
    assert response["Location"] == _share_url(share)
    body = sharer.get(_share_url(share)).content.decode()
    assert f"{share.reference} revoked. The attendees of {setup.meeting.reference} no longer see it" in body
    assert f"The attendees of {setup.meeting.reference} no longer see what it carried" in body
    assert attendee.get(_item_url(setup)).status_code == 404


# --- the case page and the meeting pack --------------------------------------------------------


def test_case_page_shows_meeting_items_to_a_signed_attendee(setup: Setup):
    setup.meeting_share()
    url = reverse("nominals:nominal-detail", args=[setup.police_nominal.pk])
    body = signed_in_client(setup.attendee).get(url).content.decode()
    assert "Held by North Police, shared into meetings you have signed for" in body
    assert f"Shared by North Police into {setup.meeting.reference}" in body


def test_meeting_pack_lists_the_items_for_a_signed_attendee(setup: Setup):
    setup.meeting_share()
    url = reverse("meetings:meeting-pack", args=[setup.meeting.pk])
    response = signed_in_client(setup.attendee).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Information shared into this meeting" in body
    assert "Shared by North Police" in body
    assert f'href="{_item_url(setup)}"' in body
    # Summaries only: the content opens on the item page, which records the consultation.
    assert ADDRESS not in body
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION, object_type="information_item").exists()


def test_meeting_pack_shows_nothing_shared_to_the_unsigned(setup: Setup):
    setup.meeting_share()
    url = reverse("meetings:meeting-pack", args=[setup.meeting.pk])
    response = signed_in_client(setup.invitee).get(url)
    assert "Information shared into this meeting" not in response.content.decode()
    assert setup.item.summary not in response.content.decode()


# --- no leak: every role of the agencies around a meeting --------------------------------------

MATRIX_SUMMARY = "MARKER-MTG-SUMMARY"
MATRIX_ADDRESS = "MARKER-MTG-ADDRESS"
MATRIX_WITHHELD = "MARKER-MTG-WITHHELD"
MATRIX_MARKERS = (MATRIX_SUMMARY, MATRIX_ADDRESS, MATRIX_WITHHELD)
# Every user of these agencies has signed for the meeting, whatever their role.
SIGNED_KINDS = {AgencyKind.PROBATION, AgencyKind.HEALTH}


def _matrix_users(agencies: dict[AgencyKind, Agency], south: Agency) -> list[tuple[str, str, User]]:
    users: list[tuple[str, str, User]] = [
        (str(kind), code, member([code], agency=agency))
        for kind, agency in agencies.items()
        for code, role in ROLES.items()
        if role.allowed_in(kind)
    ]
    users += [
        ("south_police", code, member([code], agency=south))
        for code in ROLES
        if ROLES[code].allowed_in("police")
    ]
    return users


def _matrix_allowed(kind: str, role: str) -> set[str]:
    """By the rules, not the code: the owner's item readers see it all; a signed attendee who
    may take part in meetings sees what the share carries; nobody else sees anything."""
    perms = ROLES[role].permissions
    if kind == AgencyKind.POLICE and Permission.ITEM_VIEW in perms:
        return set(MATRIX_MARKERS)
    if kind in SIGNED_KINDS and Permission.MEETING_VIEW in perms:
        return {MATRIX_SUMMARY, MATRIX_ADDRESS}
    return set()


def test_no_role_sees_a_meeting_share_it_should_not():
    today = timezone.localdate()
    area = MappaAreaFactory(name="Meeting matrix", code="meeting-matrix")
    kinds = [AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.HEALTH, AgencyKind.CHILDRENS_SERVICES]
    agencies = {
        kind: AgencyFactory(code=f"MM-{kind[:20].upper()}", kind=kind, areas=[area]) for kind in kinds
    }
    south = AgencyFactory(code="MM-SOUTH", kind=AgencyKind.POLICE, areas=[MappaAreaFactory(code="mm-south")])
    AgreementFactory(
        area=area,
        parties=list(agencies.values()),
        start_date=today - timedelta(days=30),
        review_date=today + timedelta(days=300),
    )
    police = agencies[AgencyKind.POLICE]
    nominal = NominalFactory(lead_agency=police, area=area)
    item = ItemFactory(
        nominal=nominal,
        owner_agency=police,
        kind=ItemKind.RELATIONSHIPS,
        summary=MATRIX_SUMMARY,
        detail=MATRIX_WITHHELD,
        attributes={"address": MATRIX_ADDRESS},
    )
    meeting = MeetingFactory(area=area, chair=member(["meeting_chair"], agency=police))
    meeting.invited_agencies.add(*[agencies[kind] for kind in kinds[1:]])
    on_agenda(meeting, nominal)
    share = share_items([item], None, fields=["address"], meeting=meeting)
    users = _matrix_users(agencies, south)
    for kind, _, user in users:
        if kind in SIGNED_KINDS:
            signed(meeting, user)
    pages = [
        reverse("information_sharing:item-detail", args=[item.pk]),
        reverse("information_sharing:share-detail", args=[share.pk]),
        reverse("information_sharing:share-list") + "?show=meetings",
        reverse("nominals:nominal-detail", args=[nominal.pk]),
        reverse("meetings:meeting-pack", args=[meeting.pk]),
    ]
    failures: list[str] = []
    seen: dict[str, set[str]] = {}
    for kind, role, user in users:
        client = signed_in_client(user)
        session = client.session
        until = (timezone.now() + timedelta(minutes=30)).isoformat()
        session[SESSION_KEY] = {
            str(nominal.pk): {"reason": "Matrix test: checking what leaks", "until": until}
        }
        session.save()
        allowed = _matrix_allowed(kind, role)
        seen[f"{kind}/{role}"] = set()
        for url in pages:
            response = client.get(url)
            if response.status_code not in (200, 302, 403, 404):
                failures.append(f"{kind}/{role} {url}: status {response.status_code}")
            body = response.content.decode()
            for marker in MATRIX_MARKERS:
                if marker in body:
                    seen[f"{kind}/{role}"].add(marker)
                    if marker not in allowed:
                        failures.append(f"{kind}/{role} {url}: shows {marker}")
    assert not failures, "\n".join(failures)
    # Not vacuous: the allowed views really show it.
    assert seen["police/practitioner"] == set(MATRIX_MARKERS)
    assert seen["health/practitioner"] == {MATRIX_SUMMARY, MATRIX_ADDRESS}
    assert seen["probation/minute_taker"] == {MATRIX_SUMMARY, MATRIX_ADDRESS}
    assert seen["childrens_services/practitioner"] == set()
    assert seen["south_police/practitioner"] == set()
