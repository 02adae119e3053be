"""Item pages: recording, reading as owner and as recipient, changing (with the optimistic lock),
superseding and erasing, each allowed and denied from one setup."""

import re

import pytest
from django.urls import reverse

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.information_sharing import services
from mappa.information_sharing.models import InformationItem, ItemKind, ItemStatus
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db

ETHNICITY = "Synthetic-ethnicity-value-7731"


class Setup(NominalSetup):
    """NominalSetup plus a police item on the police nominal, shared with health without the
    partner's ethnicity, and an uninvolved duty-to-co-operate agency of the same area."""

    def __init__(self) -> None:
        super().__init__()
        north = self.north
        north.agreement.parties.add(north.health)
        self.item = ItemFactory(
            nominal=self.police_nominal,
            owner_agency=north.police,
            author=self.practitioner,
            kind=ItemKind.RELATIONSHIPS,
            summary="New partner with two children",
            detail="Met the partner through work; synthetic detail.",
            attributes={"person_name": "Alex Synthetic", "relationship": "Partner", "ethnicity": ETHNICITY},
        )
        self.share = share_items([self.item], north.health, fields=["person_name", "relationship"])
        children = AgencyFactory(
            name="North Children's Services",
            code="NORTH-CHILDREN",
            kind=AgencyKind.CHILDRENS_SERVICES,
            areas=[north.area],
        )
        self.children_practitioner = member(["practitioner"], agency=children)


@pytest.fixture
def setup() -> Setup:
    return Setup()


def _item_data(**overrides: str) -> dict[str, str]:
    data = {
        "summary": "New partner with two children",
        "detail": "Met the partner through work; synthetic detail.",
        "attr_person_name": "Alex Synthetic",
        "attr_relationship": "Partner",
        "attr_address": "",
        "attr_children": "",
        "attr_ethnicity": ETHNICITY,
        "attr_religion": "",
        "protective_marking": "official_sensitive",
        "source_evaluation": "",
        "intelligence_assessment": "",
        "handling_code": "",
    }
    data.update(overrides)
    return data


def _hidden_version(body: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', body)
    assert match, "no hidden version field"
    return int(match.group(1))


# --- recording --------------------------------------------------------------------------------


def test_item_create_asks_the_kind_first_then_shows_its_fields(setup: Setup):
    client = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-create", args=[setup.police_nominal.pk])
    body = client.get(url).content.decode()
    assert "What kind of information is it?" in body
    assert 'name="kind"' in body
    body = client.get(url, {"kind": "nothing"}).content.decode()
    assert "govuk-error-summary" in body
    body = client.get(url, {"kind": ItemKind.RELATIONSHIPS}).content.decode()
    assert "Their ethnic origin" in body
    assert "Special category: left out of shares unless strictly necessary" in body
    assert "Always shared with the item: keep special category details out of it" in body
    assert re.search(r'value="official_sensitive"[^>]*checked', body)


def test_item_create_records_an_item_owned_by_the_users_agency(setup: Setup):
    client = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-create", args=[setup.police_nominal.pk])
    response = client.post(f"{url}?kind={ItemKind.RELATIONSHIPS}", _item_data(summary="Lives with a partner"))
    item = InformationItem.objects.get(summary="Lives with a partner")
    assert response.status_code == 302
    assert response["Location"] == reverse("information_sharing:item-detail", args=[item.pk])
    assert item.owner_agency == setup.north.police
    assert item.nominal == setup.police_nominal
    assert item.attributes["ethnicity"] == ETHNICITY
    assert AuditEvent.objects.filter(
        action=Action.COLLECTION, object_type="information_item", object_id=str(item.pk)
    ).exists()


def test_item_create_reports_errors_on_the_form(setup: Setup):
    client = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-create", args=[setup.police_nominal.pk])
    before = InformationItem.objects.count()
    response = client.post(
        f"{url}?kind={ItemKind.RELATIONSHIPS}", _item_data(summary="", source_evaluation="1")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a summary" in body
    assert "Give all three parts of the source grading" in body
    assert InformationItem.objects.count() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 200), ("chair", 403), ("health_practitioner", 200), ("south_coordinator", 404)],
)
def test_item_create_allowed_and_denied(setup: Setup, who, status):
    """Health may record on the police nominal: holding a share involves it with the case."""
    url = reverse("information_sharing:item-create", args=[setup.police_nominal.pk])
    assert signed_in_client(setup.user(who)).get(url).status_code == status


def test_item_create_on_a_hidden_nominal_is_404(setup: Setup):
    url = reverse("information_sharing:item-create", args=[setup.police_nominal.pk])
    assert signed_in_client(setup.children_practitioner).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_person_item_create(setup: Setup, who, status):
    url = reverse("information_sharing:person-item-create", args=[setup.person.pk])
    response = signed_in_client(setup.user(who)).post(
        f"{url}?kind={ItemKind.RISK_FACTOR}",
        {"summary": "Known associate of the nominal", "protective_marking": "official"},
    )
    assert response.status_code == status
    created = InformationItem.objects.filter(person=setup.person)
    assert created.exists() == (status == 302)


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("chair", 200),
        ("health_practitioner", 200),
        ("probation_practitioner", 404),
        ("children_practitioner", 404),
        ("south_coordinator", 404),
    ],
)
def test_item_detail_allowed_and_denied(setup: Setup, who, status):
    url = reverse("information_sharing:item-detail", args=[setup.item.pk])
    assert signed_in_client(setup.user(who)).get(url).status_code == status


def test_item_detail_missing_and_hidden_look_the_same(setup: Setup):
    client = signed_in_client(setup.probation_practitioner)
    hidden = client.get(reverse("information_sharing:item-detail", args=[setup.item.pk]))
    missing = client.get(reverse("information_sharing:item-detail", args=[10**6]))
    assert hidden.status_code == missing.status_code == 404
    # The same page but for the per-response nonce and CSRF token.
    varying = re.compile(r'(nonce|value)="[^"]*"')
    assert varying.sub("", hidden.content.decode()) == varying.sub("", missing.content.decode())


def test_item_detail_shows_a_recipient_only_the_shared_fields(setup: Setup):
    body = (
        signed_in_client(setup.health_practitioner)
        .get(reverse("information_sharing:item-detail", args=[setup.item.pk]))
        .content.decode()
    )
    assert "Alex Synthetic" in body
    assert ETHNICITY not in body
    assert "Met the partner through work" not in body  # the detail was not shared either
    assert "2 fields were not shared with your agency" in body
    assert reverse("information_sharing:share-detail", args=[setup.share.pk]) in body
    assert reverse("information_sharing:item-update", args=[setup.item.pk]) not in body


def test_item_detail_shows_the_owner_everything_and_the_actions(setup: Setup):
    body = (
        signed_in_client(setup.practitioner)
        .get(reverse("information_sharing:item-detail", args=[setup.item.pk]))
        .content.decode()
    )
    assert ETHNICITY in body
    assert "Special category: race or ethnic origin" in body
    assert "Met the partner through work" in body
    for name in ("item-update", "item-supersede", "item-erase"):
        assert reverse(f"information_sharing:{name}", args=[setup.item.pk]) in body
    assert reverse("information_sharing:share-start", args=[setup.police_nominal.pk]) in body
    assert setup.share.reference in body  # who it was shared with


def test_item_detail_records_the_consultation_with_its_basis(setup: Setup):
    url = reverse("information_sharing:item-detail", args=[setup.item.pk])
    signed_in_client(setup.practitioner).get(url)
    signed_in_client(setup.health_practitioner).get(url)
    events = AuditEvent.objects.filter(
        action=Action.CONSULTATION, object_type="information_item", object_id=str(setup.item.pk)
    ).order_by("sequence")
    assert [(e.actor_user_id, e.justification) for e in events] == [
        (setup.practitioner.pk, "Owner of the item"),
        (setup.health_practitioner.pk, f"Shared with the agency: {setup.share.reference}"),
    ]
    assert events[0].object_agency_id == setup.north.police.pk
    assert events[0].nominal_id == setup.police_nominal.pk


# --- changing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 200), ("chair", 403), ("health_practitioner", 403), ("probation_practitioner", 404)],
)
@pytest.mark.parametrize("page", ["item-update", "item-supersede", "item-erase"])
def test_change_pages_are_the_owners(setup: Setup, page, who, status):
    url = reverse(f"information_sharing:{page}", args=[setup.item.pk])
    assert signed_in_client(setup.user(who)).get(url).status_code == status


def test_item_update_changes_the_item(setup: Setup):
    client = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-update", args=[setup.item.pk])
    body = client.get(url).content.decode()
    assert _hidden_version(body) == 1
    assert "Alex Synthetic" in body
    response = client.post(url, _item_data(summary="Partner moved in", version="1"))
    assert response.status_code == 302
    setup.item.refresh_from_db()
    assert setup.item.summary == "Partner moved in"
    assert setup.item.version == 2


def test_item_update_refused_for_a_recipient_writes_nothing(setup: Setup):
    url = reverse("information_sharing:item-update", args=[setup.item.pk])
    response = signed_in_client(setup.health_practitioner).post(
        url, _item_data(summary="Changed", version="1")
    )
    assert response.status_code == 403
    setup.item.refresh_from_db()
    assert setup.item.summary == "New partner with two children"
    assert not AuditEvent.objects.filter(action=Action.ALTERATION, object_type="information_item").exists()


def test_item_update_conflict_shows_what_changed_then_saves(setup: Setup):
    """Two people edit from version 1: the second sees the first's version and keeps their own
    answers, and saving again (with the version now on the form) succeeds."""
    url = reverse("information_sharing:item-update", args=[setup.item.pk])
    mine = signed_in_client(setup.practitioner)
    assert _hidden_version(mine.get(url).content.decode()) == 1
    colleague = member(["practitioner"], agency=setup.north.police)
    services.item_update(
        item=setup.item,
        version=1,
        content=services.ItemContent(
            kind=ItemKind.RELATIONSHIPS,
            summary="Colleague's summary",
            detail="Met the partner through work; synthetic detail.",
            attributes={
                "person_name": "Alex Synthetic",
                "relationship": "Ex-partner",
                "ethnicity": ETHNICITY,
            },
        ),
        by=colleague,
    )
    response = mine.post(url, _item_data(summary="My summary", version="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this item while you were working on it" in body
    assert "Colleague&#x27;s summary" in body  # their version, shown
    assert "Ex-partner" in body
    assert 'value="My summary"' in body  # my answers, kept
    assert "Differs from yours" in body
    assert _hidden_version(body) == 2
    setup.item.refresh_from_db()
    assert setup.item.summary == "Colleague's summary"

    response = mine.post(url, _item_data(summary="My summary", version=str(_hidden_version(body))))
    assert response.status_code == 302
    setup.item.refresh_from_db()
    assert (setup.item.summary, setup.item.version) == ("My summary", 3)


def test_item_supersede_records_a_successor_linked_from_the_old_item(setup: Setup):
    client = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-supersede", args=[setup.item.pk])
    response = client.post(url, _item_data(summary="Partner has left", version="1", reason="They separated"))
    assert response.status_code == 302
    setup.item.refresh_from_db()
    successor = setup.item.superseded_by
    assert setup.item.status == ItemStatus.SUPERSEDED
    assert successor is not None and successor.summary == "Partner has left"
    body = client.get(reverse("information_sharing:item-detail", args=[setup.item.pk])).content.decode()
    assert reverse("information_sharing:item-detail", args=[successor.pk]) in body
    # The recipient still reads the old version, and is told the new one was not shared.
    body = (
        signed_in_client(setup.health_practitioner)
        .get(reverse("information_sharing:item-detail", args=[setup.item.pk]))
        .content.decode()
    )
    assert "The new version has not been shared with your agency" in body


def test_item_supersede_needs_a_reason(setup: Setup):
    url = reverse("information_sharing:item-supersede", args=[setup.item.pk])
    response = signed_in_client(setup.practitioner).post(url, _item_data(version="1"))
    assert "Enter why the item is being superseded" in response.content.decode()
    assert InformationItem.objects.count() == 1


def test_item_erase_needs_confirmation_then_recipients_lose_it_at_once(setup: Setup):
    owner = signed_in_client(setup.practitioner)
    url = reverse("information_sharing:item-erase", args=[setup.item.pk])
    body = owner.get(url).content.decode()
    assert "stop seeing it at once" in body
    assert "North Health Trust" in body  # who it is shared with now
    body = owner.post(url, {"version": "1", "reason": "Recorded on the wrong person"}).content.decode()
    assert "Confirm that you understand the item will be erased" in body
    response = owner.post(url, {"version": "1", "reason": "Recorded on the wrong person", "confirm": "on"})
    assert response.status_code == 302
    detail = reverse("information_sharing:item-detail", args=[setup.item.pk])
    body = owner.get(detail).content.decode()
    assert "Recorded on the wrong person" in body
    assert ETHNICITY not in body
    assert signed_in_client(setup.health_practitioner).get(detail).status_code == 404
    # An erased item cannot be changed: its change page goes back to the tombstone.
    assert owner.get(reverse("information_sharing:item-update", args=[setup.item.pk])).status_code == 302
