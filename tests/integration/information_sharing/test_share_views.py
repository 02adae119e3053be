"""The share wizard end to end, its refusals, the share lists, one share and revoking it, each
allowed and denied from one setup."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mappa.agencies.models import AgencyKind, AgreementPurpose
from mappa.audit.models import Action, AuditEvent
from mappa.information_sharing.models import (
    AccessRequest,
    ItemKind,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
)
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalFactory, NominalSetup

pytestmark = pytest.mark.django_db

ETHNICITY = "Synthetic-ethnicity-value-4410"


class Setup(NominalSetup):
    """NominalSetup with health a party to North's agreement, a police item on the police
    nominal (with a special category field), a children's services agency (duty to co-operate)
    and an associate agency, both in North and parties to the agreement."""

    def __init__(self) -> None:
        super().__init__()
        north = self.north
        self.item = ItemFactory(
            nominal=self.police_nominal,
            owner_agency=north.police,
            author=self.practitioner,
            kind=ItemKind.RELATIONSHIPS,
            summary="New partner with two children",
            detail="Synthetic detail of the relationship.",
            attributes={"person_name": "Alex Synthetic", "relationship": "Partner", "ethnicity": ETHNICITY},
        )
        self.children = AgencyFactory(
            name="North Children's Services",
            code="NORTH-CHILDREN",
            kind=AgencyKind.CHILDRENS_SERVICES,
            areas=[north.area],
        )
        self.associate = AgencyFactory(
            name="North Housing Association",
            code="NORTH-ASSOC",
            kind=AgencyKind.ASSOCIATE,
            areas=[north.area],
        )
        north.agreement.parties.add(north.health, self.children, self.associate)
        self.children_practitioner = member(["practitioner"], agency=self.children)


@pytest.fixture
def setup() -> Setup:
    return Setup()


TERMS = {
    "purpose": AgreementPurpose.MAPPA,
    "purpose_detail": "",
    "gateway": "cja2003_s325",
    "gateway_detail": "",
    "necessity": "Health must know who lives with him to plan its part of the risk management.",
    "proportionality": "Only the partner's name and relationship; the detail is left out.",
    "relevance": "The partner has two children, which bears directly on the risk he poses.",
    "onward_terms": OnwardTerms.NONE,
    "expires_on_day": "",
    "expires_on_month": "",
    "expires_on_year": "",
}


def _url(name: str, setup: Setup) -> str:
    return reverse(f"information_sharing:share-{name}", args=[setup.police_nominal.pk])


def _walk(client, setup: Setup, *, recipient, fields=("person_name", "relationship"), necessary="", **terms):
    """Start, choose the item and fields, the recipient and the terms; returns the check page."""
    item = setup.item.pk
    assert client.get(_url("start", setup), {"item": item}).status_code == 302
    response = client.post(
        _url("items", setup),
        {"items": [item], f"fields_{item}": list(fields), f"strictly_necessary_{item}": necessary},
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == _url("recipient", setup)
    response = client.post(_url("recipient", setup), {"recipient": recipient.pk})
    assert response["Location"] == _url("terms", setup)
    response = client.post(_url("terms", setup), {**TERMS, **terms})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == _url("check", setup)
    return client.get(_url("check", setup))


# --- the wizard -------------------------------------------------------------------------------


def test_wizard_shares_the_chosen_fields(setup: Setup):
    client = signed_in_client(setup.practitioner)
    check = _walk(client, setup, recipient=setup.north.health)
    body = check.content.decode()
    assert check.status_code == 200
    assert "Check your answers before sharing" in body
    assert "North MAPPA agreement (NORTH-ISA)" in body
    assert "Summary, Name of the other person, Relationship to the nominal" in body
    assert "Confirm and share" in body
    assert ETHNICITY not in body

    response = client.post(_url("check", setup))
    share = Share.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("information_sharing:share-detail", args=[share.pk])
    assert (share.sharing_agency, share.recipient_agency) == (setup.north.police, setup.north.health)
    assert share.decided_by == setup.practitioner
    assert share.necessity == TERMS["necessity"]
    link = share.share_items.get()
    assert link.item == setup.item
    assert link.fields == ["person_name", "relationship"]
    assert link.special_categories == []
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE, object_id=str(share.pk)).exists()
    assert f"share:{setup.police_nominal.pk}" not in client.session
    # What was withheld stays withheld from the recipient.
    body = (
        signed_in_client(setup.health_practitioner)
        .get(reverse("information_sharing:item-detail", args=[setup.item.pk]))
        .content.decode()
    )
    assert "Alex Synthetic" in body
    assert ETHNICITY not in body


def test_wizard_special_category_needs_strict_necessity(setup: Setup):
    client = signed_in_client(setup.practitioner)
    client.get(_url("start", setup))
    item = setup.item.pk
    body = client.get(_url("items", setup)).content.decode()
    assert "Their ethnic origin (special category: race or ethnic origin)" in body
    # Unchecked by default: the special category field is not among the initial choices.
    assert re.search(r'value="person_name"[^>]*checked', body)
    assert re.search(r'value="ethnicity"[^>]*>', body)
    assert not re.search(r'value="ethnicity"[^>]*checked', body)
    response = client.post(
        _url("items", setup), {"items": [item], f"fields_{item}": ["person_name", "ethnicity"]}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_strictly_necessary_{item}"' in body
    assert "Explain why it is strictly necessary" in body

    check = _walk(
        client,
        setup,
        recipient=setup.north.health,
        fields=("person_name", "ethnicity"),
        necessary="The partner's community needs a culturally matched support worker.",
    )
    assert "Special category: race or ethnic origin" in check.content.decode()
    client.post(_url("check", setup))
    link = Share.objects.get().share_items.get()
    assert link.special_categories == ["race_ethnic_origin"]
    assert link.strictly_necessary.startswith("The partner's community")


def test_wizard_refuses_when_no_agreement_covers_the_purpose(setup: Setup):
    client = signed_in_client(setup.practitioner)
    check = _walk(
        client,
        setup,
        recipient=setup.north.health,
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="To plan a child protection conference.",
    )
    body = check.content.decode()
    assert (
        "There is no active information sharing agreement between North Police and North Health Trust" in body
    )
    assert f'href="{_url("recipient", setup)}#id_recipient_0"' in body
    assert "Confirm and share" not in body
    assert client.post(_url("check", setup)).status_code == 200
    assert not Share.objects.exists()


def test_wizard_refuses_s325_to_an_associate_agency(setup: Setup):
    client = signed_in_client(setup.practitioner)
    body = _walk(client, setup, recipient=setup.associate).content.decode()
    assert "North Housing Association is an associate agency" in body
    assert f'href="{_url("terms", setup)}#id_gateway_0"' in body
    client.post(_url("check", setup))
    assert not Share.objects.exists()
    # Another gateway is accepted.
    response = client.post(_url("terms", setup), {**TERMS, "gateway": "cda1998_s115"})
    assert response["Location"] == _url("check", setup)
    assert client.post(_url("check", setup)).status_code == 302
    assert Share.objects.get().recipient_agency == setup.associate


def test_wizard_steps_validate_their_answers(setup: Setup):
    client = signed_in_client(setup.practitioner)
    client.get(_url("start", setup))
    body = client.post(_url("items", setup), {}).content.decode()
    assert "Choose at least one item to share" in body
    client.post(_url("items", setup), {"items": [setup.item.pk]})
    body = client.post(_url("recipient", setup), {}).content.decode()
    assert "Choose the agency to share with" in body
    assert "Duty to co-operate" in body  # each agency's group, in its hint
    assert "North Police" not in body.split("govuk-radios")[1]  # never one's own agency
    client.post(_url("recipient", setup), {"recipient": setup.north.health.pk})
    body = client.post(
        _url("terms", setup),
        {**TERMS, "gateway": "other", "necessity": "Too short", "purpose": "safeguarding_adults"},
    ).content.decode()
    assert "Name the statutory power you are relying on" in body
    assert "Explain why sharing is necessary in a sentence or more" in body
    assert "Say what the information will be used for" in body


def test_wizard_later_steps_send_back_to_the_first_unanswered(setup: Setup):
    client = signed_in_client(setup.practitioner)
    client.get(_url("start", setup))
    for step in ("recipient", "terms", "check"):
        assert client.get(_url(step, setup))["Location"] == _url("items", setup)
    client.post(_url("items", setup), {"items": [setup.item.pk]})
    for step in ("terms", "check"):
        assert client.get(_url(step, setup))["Location"] == _url("recipient", setup)
    client.post(_url("recipient", setup), {"recipient": setup.north.health.pk})
    assert client.get(_url("check", setup))["Location"] == _url("terms", setup)


def test_wizard_change_from_check_returns_to_check(setup: Setup):
    client = signed_in_client(setup.practitioner)
    _walk(client, setup, recipient=setup.north.health)
    response = client.post(_url("recipient", setup), {"recipient": setup.children.pk})
    assert response["Location"] == _url("check", setup)
    body = client.get(_url("terms", setup)).content.decode()
    assert TERMS["necessity"] in body  # answers kept for changing


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 302),
        ("chair", 403),
        ("senior_manager", 403),
        ("children_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_wizard_allowed_and_denied(setup: Setup, who, status):
    response = signed_in_client(setup.user(who)).get(_url("start", setup))
    assert response.status_code == status


def test_wizard_offers_only_what_the_agency_can_share(setup: Setup):
    """Health holds the item under a share that does not let it pass it on: nothing to share."""
    share_items([setup.item], setup.north.health)
    client = signed_in_client(setup.health_practitioner)
    client.get(_url("start", setup))
    body = client.get(_url("items", setup)).content.decode()
    assert "holds nothing on this case that it can share" in body
    assert setup.item.summary not in body


def test_wizard_answers_an_access_request(setup: Setup):
    request = AccessRequest(
        nominal=setup.police_nominal,
        owner_agency=setup.north.police,
        requesting_agency=setup.north.health,
        requested_by=setup.health_practitioner,
        reason="Health is planning a home visit and needs to know who lives there.",
    )
    request.save(override=True)
    client = signed_in_client(setup.practitioner)
    response = client.get(_url("start", setup), {"request": request.pk})
    assert response["Location"] == _url("items", setup)
    client.post(_url("items", setup), {"items": [setup.item.pk]})
    # The recipient is the agency that asked: there is no recipient question.
    assert client.get(_url("recipient", setup))["Location"] == _url("terms", setup)
    client.post(_url("terms", setup), TERMS)
    body = client.get(_url("check", setup)).content.decode()
    assert f"Answering {request.reference}" in body
    assert client.post(_url("check", setup)).status_code == 302
    request.refresh_from_db()
    share = Share.objects.get()
    assert request.status == RequestStatus.GRANTED
    assert request.share == share
    assert share.recipient_agency == setup.north.health


def test_wizard_refuses_a_request_of_another_owner(setup: Setup):
    request = AccessRequest(
        nominal=setup.police_nominal,
        owner_agency=setup.north.probation,
        requesting_agency=setup.north.health,
        requested_by=setup.health_practitioner,
        reason="Health is planning a home visit and needs to know who lives there.",
    )
    request.save(override=True)
    response = signed_in_client(setup.practitioner).get(_url("start", setup), {"request": request.pk})
    assert response.status_code == 404  # not the police's to see at all


def test_wizard_grants_an_onward_request_with_its_items(setup: Setup):
    source = share_items([setup.item], setup.north.health, fields=["person_name"])
    onward = OnwardShareRequest(
        source_share=source,
        requesting_agency=setup.north.health,
        owner_agency=setup.north.police,
        target_agency=setup.children,
        requested_by=setup.health_practitioner,
        reason="Children's services need to know of the partner's children.",
    )
    onward.save(override=True)
    onward.items.set([setup.item])
    client = signed_in_client(setup.practitioner)
    client.get(_url("start", setup), {"onward": onward.pk})
    body = client.get(_url("items", setup)).content.decode()
    assert re.search(rf'name="items" type="checkbox" value="{setup.item.pk}" checked', body)
    client.post(_url("items", setup), {"items": [setup.item.pk], f"fields_{setup.item.pk}": ["person_name"]})
    client.post(_url("terms", setup), TERMS)
    assert client.post(_url("check", setup)).status_code == 302
    onward.refresh_from_db()
    assert onward.status == RequestStatus.GRANTED
    assert onward.share.recipient_agency == setup.children


def test_wizard_passes_on_only_to_the_agencies_named(setup: Setup):
    """Health holds the item under a share naming children's services: it may pass the fields it
    received on to them, and to no one else."""
    source = share_items(
        [setup.item],
        setup.north.health,
        fields=["person_name", "relationship"],
        onward_terms=OnwardTerms.NAMED_AGENCIES,
        onward_agencies=[setup.children],
    )
    client = signed_in_client(setup.health_practitioner)
    client.get(_url("start", setup), {"item": setup.item.pk})
    body = client.get(_url("items", setup)).content.decode()
    assert "Owned by North Police" in body
    assert 'value="ethnicity"' not in body  # never received, so never offered
    body = _walk(client, setup, recipient=setup.north.probation, gateway="cja2003_s325").content.decode()
    assert "the terms it was shared on do not let you pass it to North Probation" in body
    assert f'href="{_url("items", setup)}#id_items_0"' in body
    client.post(_url("recipient", setup), {"recipient": setup.children.pk})
    assert client.post(_url("check", setup)).status_code == 302
    share = Share.objects.exclude(pk=source.pk).get()
    assert (share.sharing_agency, share.recipient_agency) == (setup.north.health, setup.children)
    assert share.source_share == source


# --- shares -----------------------------------------------------------------------------------


@pytest.fixture
def shared(setup: Setup) -> Share:
    return share_items(
        [setup.item],
        setup.north.health,
        fields=["person_name", "relationship"],
        decided_by=setup.practitioner,
    )


@pytest.mark.parametrize(
    ("who", "status", "shown"),
    [
        ("practitioner", 200, True),
        ("chair", 200, True),
        ("health_practitioner", 200, False),
        ("probation_practitioner", 200, False),
        ("senior_manager", 403, False),
    ],
)
def test_share_list(setup: Setup, shared: Share, who, status, shown):
    response = signed_in_client(setup.user(who)).get(reverse("information_sharing:share-list"))
    assert response.status_code == status
    if status == 200:
        assert (shared.reference in response.content.decode()) == shown


@pytest.mark.parametrize("show", ["made", "received"])
def test_share_list_queries_do_not_grow_with_rows(setup: Setup, shared: Share, show):
    client = signed_in_client(setup.practitioner if show == "made" else setup.health_practitioner)
    url = reverse("information_sharing:share-list") + f"?show={show}"

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(3):
        nominal = NominalFactory(lead_agency=setup.north.police, area=setup.north.area)
        share_items([ItemFactory(nominal=nominal, owner_agency=setup.north.police)], setup.north.health)
    assert queries() == before


def test_share_list_received(setup: Setup, shared: Share):
    client = signed_in_client(setup.health_practitioner)
    body = client.get(reverse("information_sharing:share-list"), {"show": "received"}).content.decode()
    assert shared.reference in body
    assert setup.police_nominal.person.display_name in body
    assert "North Police" in body
    assert "Active" in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("health_practitioner", 200),
        ("probation_practitioner", 404),
        ("children_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_share_detail_allowed_and_denied(setup: Setup, shared: Share, who, status):
    url = reverse("information_sharing:share-detail", args=[shared.pk])
    assert signed_in_client(setup.user(who)).get(url).status_code == status


def test_share_detail_shows_the_decision_and_the_actions_each_side_has(setup: Setup, shared: Share):
    url = reverse("information_sharing:share-detail", args=[shared.pk])
    revoke = reverse("information_sharing:share-revoke", args=[shared.pk])
    onward = reverse("information_sharing:onward-request-create", args=[shared.pk])
    body = signed_in_client(setup.practitioner).get(url).content.decode()
    assert shared.necessity in body
    assert "Name of the other person, Relationship to the nominal" in body
    assert revoke in body
    assert onward not in body
    body = signed_in_client(setup.health_practitioner).get(url).content.decode()
    assert setup.item.summary in body
    assert ETHNICITY not in body
    assert revoke not in body
    assert onward in body


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 200), ("health_practitioner", 403), ("probation_practitioner", 404)],
)
def test_share_revoke_allowed_and_denied(setup: Setup, shared: Share, who, status):
    url = reverse("information_sharing:share-revoke", args=[shared.pk])
    assert signed_in_client(setup.user(who)).get(url).status_code == status


def test_share_revoke_takes_effect_at_once(setup: Setup, shared: Share):
    item_url = reverse("information_sharing:item-detail", args=[setup.item.pk])
    recipient = signed_in_client(setup.health_practitioner)
    assert recipient.get(item_url).status_code == 200
    owner = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:share-revoke", args=[shared.pk])
    body = owner.get(url).content.decode()
    assert "loses access to everything this share carries as soon as you revoke it" in body
    assert "Enter why you are revoking the share" in owner.post(url, {"reason": ""}).content.decode()
    response = owner.post(url, {"reason": "The partner has moved away."})
    assert response["Location"] == reverse("information_sharing:share-detail", args=[shared.pk])
    shared.refresh_from_db()
    assert shared.revoked_by == setup.practitioner
    assert recipient.get(item_url).status_code == 404
    body = recipient.get(reverse("information_sharing:share-detail", args=[shared.pk])).content.decode()
    assert "Revoked" in body
    assert "The partner has moved away." in body
    assert "1 item is no longer available to your agency" in body
    assert setup.item.summary not in body
    # Revoked once: the page goes back to the share.
    assert owner.get(url).status_code == 302
