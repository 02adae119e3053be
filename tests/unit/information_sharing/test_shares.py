"""share_create and share_check: every rule a share must meet, allowed and refused."""

from typing import Any

import pytest

from mappa.agencies.models import AgreementPurpose, AgreementStatus
from mappa.audit.models import Action
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import (
    Gateway,
    ItemKind,
    ItemStatus,
    OnwardTerms,
    Share,
    ShareItem,
)
from mappa.information_sharing.services import ItemSelection
from tests.factories.accounts import member
from tests.factories.agencies import AgreementFactory
from tests.factories.information_sharing import ItemFactory
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
    snapshot,
    terms,
)

JUSTIFICATION = "The children's social worker must know the partner's ethnicity to arrange an interpreter."


def _share(setup: NominalSetup, selections: list[ItemSelection], recipient: Any, **kwargs: Any) -> Share:
    by = kwargs.pop("by", setup.practitioner)
    return services.share_create(selections=selections, terms=terms(recipient, **kwargs), by=by)


def _both(setup: NominalSetup, selections: list[ItemSelection], recipient: Any, **kwargs: Any) -> None:
    """share_check and share_create both refuse; the caller wraps this in refused()."""
    by = kwargs.pop("by", setup.practitioner)
    proposed = terms(recipient, **kwargs)
    try:
        services.share_check(selections=selections, terms=proposed, by=by)
    except ApplicationError as checked:
        with pytest.raises(type(checked)) as created:
            services.share_create(selections=selections, terms=proposed, by=by)
        assert created.value.message == checked.message
        raise
    pytest.fail("share_check allowed what share_create should refuse")


# --- the happy path ---------------------------------------------------------------------------


def test_share_create_records_the_share_its_items_and_a_disclosure(setup: NominalSetup):
    relationship = relationship_item(setup)
    risk = police_item(setup)
    expires = future(90)
    share = _share(
        setup,
        [pick(relationship, "person_name", "address"), pick(risk, "detail")],
        setup.north.probation,
        onward_terms=OnwardTerms.WITHIN_RECIPIENT,
        expires_on=expires,
    )
    assert (share.sharing_agency, share.recipient_agency) == (setup.north.police, setup.north.probation)
    assert (share.nominal, share.person) == (setup.police_nominal, None)
    assert share.agreement == setup.north.agreement
    assert (share.purpose, share.gateway, share.gateway_detail) == ("mappa", Gateway.CJA_2003_S325, "")
    assert (share.necessity, share.proportionality, share.relevance) == (
        NECESSITY,
        PROPORTIONALITY,
        RELEVANCE,
    )
    assert (share.onward_terms, share.expires_on, share.source_share) == (
        OnwardTerms.WITHIN_RECIPIENT,
        expires,
        None,
    )
    assert share.decided_by == setup.practitioner and share.decided_at is not None
    assert share.is_active and share.state_label == "Active"
    links = {link.item_id: link for link in share.share_items.all()}
    # Stored in the order of the kind's fields, as every page lists them.
    assert links[relationship.pk].fields == ["person_name", "address"]
    assert links[risk.pk].fields == ["detail"]
    assert all(link.special_categories == [] and link.strictly_necessary == "" for link in links.values())
    (event,) = events(action=Action.DISCLOSURE)
    assert (event.object_type, event.object_id) == ("share", str(share.pk))
    assert event.object_agency_id == setup.north.police.pk
    assert event.nominal_id == setup.police_nominal.pk
    assert event.recipients == [setup.north.probation.code]
    assert sorted(event.detail["items"]) == sorted([relationship.pk, risk.pk])
    assert event.detail["onward"] is False
    assert "s.325(4)" in event.justification


def test_share_check_validates_without_writing(setup: NominalSetup):
    item = relationship_item(setup)
    before = snapshot()
    check = services.share_check(
        selections=[pick(item, "address", "ethnicity", strictly_necessary=JUSTIFICATION)],
        terms=terms(setup.north.probation),
        by=setup.practitioner,
    )
    assert snapshot() == before
    assert check.agreement == setup.north.agreement
    ((selection, special),) = check.included
    assert selection.item == item and special == ["race_ethnic_origin"]
    assert any("race or ethnic origin" in warning for warning in check.warnings)


def test_share_with_a_duty_to_cooperate_agency_under_s325(setup: NominalSetup):
    add_parties(setup, setup.north.health)
    share = _share(setup, [pick(police_item(setup))], setup.north.health)
    assert share.recipient_agency == setup.north.health
    assert list(share.share_items.values_list("fields", flat=True)) == [[]]


# --- refused: the items -----------------------------------------------------------------------


def test_share_refused_without_items(setup: NominalSetup):
    with refused(ApplicationError, match="at least one item", field="items"):
        _both(setup, [], setup.north.probation)


def test_share_refused_for_the_same_item_twice(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, match="only once", field="items"):
        _both(setup, [pick(item), pick(item, "detail")], setup.north.probation)


def test_share_refused_for_items_about_two_nominals(setup: NominalSetup):
    one = police_item(setup)
    other = police_item(setup, nominal=setup.probation_nominal)
    with refused(ApplicationError, match="one case", field="items"):
        _both(setup, [pick(one), pick(other)], setup.north.probation)


def test_share_refused_for_an_item_about_a_nominal_and_one_about_a_person(setup: NominalSetup):
    one = police_item(setup)
    other = police_item(setup, nominal=None, person=setup.person)
    with refused(ApplicationError, match="one case"):
        _both(setup, [pick(one), pick(other)], setup.north.probation)


def test_share_refused_for_an_item_the_user_cannot_read(setup: NominalSetup):
    """Probation's item, never shared with the police: the police cannot pass it on."""
    item = police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    add_parties(setup, setup.north.health)
    with refused(PermissionDenied, match="cannot see"):
        _both(setup, [pick(item)], setup.north.health)


@pytest.mark.parametrize("status", [ItemStatus.SUPERSEDED, ItemStatus.ERASED])
def test_share_refused_for_an_inactive_item(setup: NominalSetup, status):
    successor = police_item(setup)
    item = police_item(
        setup, status=status, superseded_by=successor if status == ItemStatus.SUPERSEDED else None
    )
    with refused(ApplicationError, match=f"is {status.label.lower()} and cannot be shared", field="items"):
        _both(setup, [pick(item)], setup.north.probation)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (ItemKind.RISK_FACTOR, "address"),
        (ItemKind.RELATIONSHIPS, "shoe_size"),
        (ItemKind.RELATIONSHIPS, "summary"),
    ],
)
def test_share_refused_for_an_unknown_field(setup: NominalSetup, kind, field):
    """The summary is always shared; it is not a field to choose."""
    item = relationship_item(setup, kind=kind)
    with refused(ApplicationError, match="no such field", field="items"):
        _both(setup, [pick(item, field)], setup.north.probation)


def test_share_without_the_sharer_holding_item_record_is_refused(setup: NominalSetup):
    item = police_item(setup)
    with refused(PermissionDenied):
        _both(setup, [pick(item)], setup.north.probation, by=setup.chair)


# --- refused: the recipient -------------------------------------------------------------------


def test_share_refused_to_own_agency(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, match="your own agency", field="recipient"):
        _both(setup, [pick(item)], setup.north.police)


def test_share_refused_to_an_inactive_agency(setup: NominalSetup):
    probation = setup.north.probation
    probation.is_active = False
    probation.save(override=True)
    item = police_item(setup)
    with refused(ApplicationError, match="no longer an active agency", field="recipient"):
        _both(setup, [pick(item)], probation)


def test_share_refused_to_an_agency_outside_the_area(setup: NominalSetup):
    # Even a party to the North agreement: South Police serves only South.
    add_parties(setup, setup.south.police)
    item = police_item(setup)
    with refused(
        ApplicationError, match="does not take part in MAPPA in this case's area", field="recipient"
    ):
        _both(setup, [pick(item)], setup.south.police)


@pytest.mark.parametrize(
    "change",
    [
        {"status": AgreementStatus.DRAFT},
        {"status": AgreementStatus.SUSPENDED},
        {"status": AgreementStatus.ENDED},
        {"start_date": future(1), "review_date": future(300)},
        {"purposes": [AgreementPurpose.SAFEGUARDING_CHILDREN.value]},
    ],
    ids=["draft", "suspended", "ended", "not-started", "other-purpose"],
)
def test_share_refused_without_an_active_agreement_covering_it(setup: NominalSetup, change):
    item = police_item(setup)
    agreement = setup.north.agreement
    for name, value in change.items():
        setattr(agreement, name, value)
    agreement.save(override=True)
    with refused(ApplicationError, match="no active information sharing agreement", field="recipient"):
        _both(setup, [pick(item)], setup.north.probation)


def test_share_refused_to_an_agency_not_party_to_the_agreement(setup: NominalSetup):
    """Health serves the area but is not a party to its agreement; once it is, the share goes."""
    item = police_item(setup)
    with refused(ApplicationError, match="no active information sharing agreement", field="recipient"):
        _both(setup, [pick(item)], setup.north.health)
    add_parties(setup, setup.north.health)
    assert _share(setup, [pick(item)], setup.north.health).agreement == setup.north.agreement


def test_share_refused_under_another_areas_agreement(setup: NominalSetup):
    """An agreement naming both agencies, but of another area, does not cover this case."""
    setup.north.agreement.parties.remove(setup.north.probation)
    AgreementFactory(area=setup.south.area, parties=[setup.north.police, setup.north.probation])
    item = police_item(setup)
    with refused(ApplicationError, match="no active information sharing agreement"):
        _both(setup, [pick(item)], setup.north.probation)


def test_share_uses_an_agreement_covering_the_purpose(setup: NominalSetup):
    """Of two agreements, the one covering the purpose is the one the share relies on."""
    children = AgreementFactory(
        area=setup.area,
        parties=[setup.north.police, setup.north.probation],
        purposes=[AgreementPurpose.SAFEGUARDING_CHILDREN.value],
        start_date=future(-10),
        review_date=future(100),
    )
    share = _share(
        setup,
        [pick(police_item(setup))],
        setup.north.probation,
        purpose=AgreementPurpose.SAFEGUARDING_CHILDREN,
        purpose_detail="To decide on a child protection strategy meeting.",
    )
    assert share.agreement == children
    assert share.purpose_detail == "To decide on a child protection strategy meeting."


# --- refused: purpose and gateway -------------------------------------------------------------


def test_share_for_another_purpose_needs_purpose_detail(setup: NominalSetup):
    setup.north.agreement.purposes = ["mappa", "safeguarding_children"]
    setup.north.agreement.save(override=True)
    item = police_item(setup)
    with refused(ApplicationError, match="what the information will be used for", field="purpose_detail"):
        _both(
            setup, [pick(item)], setup.north.probation, purpose="safeguarding_children", purpose_detail="  "
        )
    share = _share(
        setup,
        [pick(item)],
        setup.north.probation,
        purpose="safeguarding_children",
        purpose_detail="A strategy meeting",
    )
    assert share.purpose == "safeguarding_children"


def test_share_refused_for_an_unknown_purpose_or_gateway(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, field="purpose"):
        _both(
            setup, [pick(item)], setup.north.probation, purpose="curiosity", purpose_detail="Just wondering"
        )
    with refused(ApplicationError, field="gateway"):
        _both(setup, [pick(item)], setup.north.probation, gateway="because")


@pytest.mark.parametrize("direction", ["to", "from"])
def test_s325_refused_with_an_associate_agency(setup: NominalSetup, direction):
    circles = associate(setup)
    if direction == "to":
        item, by, recipient = police_item(setup), setup.practitioner, circles
    else:
        by = member(["practitioner"], agency=circles)
        item = police_item(setup, owner_agency=circles, author=by)
        recipient = setup.north.police
    with refused(ApplicationError, match="is an associate agency", field="gateway") as info:
        _both(setup, [pick(item)], recipient, by=by, gateway=Gateway.CJA_2003_S325)
    assert circles.name in info.value.message
    # The same share under s.115 of the Crime and Disorder Act goes.
    share = _share(setup, [pick(item)], recipient, by=by, gateway=Gateway.CDA_1998_S115)
    assert share.gateway == Gateway.CDA_1998_S115


@pytest.mark.parametrize(
    ("sharer", "recipient"), [("police", "health"), ("probation", "health"), ("police", "probation")]
)
def test_s325_allowed_between_responsible_authority_and_duty_to_cooperate(
    setup: NominalSetup, sharer, recipient
):
    add_parties(setup, setup.north.health)
    by = setup.practitioner if sharer == "police" else setup.probation_practitioner
    item = police_item(setup, owner_agency=getattr(setup.north, sharer), author=by)
    share = _share(setup, [pick(item)], getattr(setup.north, recipient), by=by, gateway=Gateway.CJA_2003_S325)
    assert share.gateway == Gateway.CJA_2003_S325


def test_s325_allowed_from_duty_to_cooperate_to_responsible_authority(setup: NominalSetup):
    add_parties(setup, setup.north.health)
    item = police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner)
    share = _share(setup, [pick(item)], setup.north.police, by=setup.health_practitioner)
    assert share.sharing_agency == setup.north.health


def test_common_law_police_powers_only_for_police(setup: NominalSetup):
    police = police_item(setup)
    share = _share(setup, [pick(police)], setup.north.probation, gateway=Gateway.COMMON_LAW_POLICE)
    assert share.gateway == Gateway.COMMON_LAW_POLICE
    probation = police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    with refused(ApplicationError, match="Only a police force", field="gateway"):
        _both(
            setup,
            [pick(probation)],
            setup.north.police,
            by=setup.probation_practitioner,
            gateway=Gateway.COMMON_LAW_POLICE,
        )


def test_other_gateway_needs_the_power_named(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, match="Name the statutory power", field="gateway_detail"):
        _both(setup, [pick(item)], setup.north.probation, gateway=Gateway.OTHER, gateway_detail=" ")
    share = _share(
        setup,
        [pick(item)],
        setup.north.probation,
        gateway=Gateway.OTHER,
        gateway_detail=" Children Act 2004 s.11 ",
    )
    assert share.gateway_detail == "Children Act 2004 s.11"


def test_gateway_detail_is_dropped_for_a_named_gateway(setup: NominalSetup):
    share = _share(
        setup,
        [pick(police_item(setup))],
        setup.north.probation,
        gateway=Gateway.OMA_2007_S14,
        gateway_detail="Stray",
    )
    assert share.gateway_detail == ""


# --- refused: the four tests ------------------------------------------------------------------


@pytest.mark.parametrize("statement", ["necessity", "proportionality", "relevance"])
@pytest.mark.parametrize("value", ["", "   ", "Needed for risk."])
def test_statements_shorter_than_20_characters_are_refused(setup: NominalSetup, statement, value):
    item = police_item(setup)
    with refused(ApplicationError, field=statement):
        _both(setup, [pick(item)], setup.north.probation, **{statement: value})


def test_statement_of_exactly_20_characters_is_allowed(setup: NominalSetup):
    share = _share(setup, [pick(police_item(setup))], setup.north.probation, relevance="  " + "r" * 20 + "  ")
    assert share.relevance == "r" * 20


# --- special category content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "special"),
    [
        (("ethnicity",), ["race_ethnic_origin"]),
        (("religion", "address"), ["religion_belief"]),
        (("detail",), ["health"]),
        (("detail", "ethnicity", "religion"), ["health", "race_ethnic_origin", "religion_belief"]),
    ],
)
def test_special_category_content_needs_strictly_necessary(setup: NominalSetup, fields, special):
    item = relationship_item(setup, special_categories=["health"])
    with refused(ApplicationError, match="special category", field=f"strictly_necessary_{item.pk}"):
        _both(setup, [pick(item, *fields, strictly_necessary="   ")], setup.north.probation)
    share = _share(
        setup, [pick(item, *fields, strictly_necessary=f" {JUSTIFICATION} ")], setup.north.probation
    )
    link = share.share_items.get()
    assert link.special_categories == special
    assert link.strictly_necessary == JUSTIFICATION


def test_fields_without_special_categories_need_no_justification(setup: NominalSetup):
    """The detail of an item declaring no special categories, and the plain fields, go as they are."""
    item = relationship_item(setup)
    share = _share(
        setup,
        [pick(item, "detail", "person_name", "address", strictly_necessary="Ignored")],
        setup.north.probation,
    )
    link = share.share_items.get()
    assert (link.special_categories, link.strictly_necessary) == ([], "")


def test_special_category_refusal_names_the_item_that_needs_it(setup: NominalSetup):
    plain = police_item(setup)
    special = relationship_item(setup)
    with refused(ApplicationError, field=f"strictly_necessary_{special.pk}"):
        _both(setup, [pick(plain, "detail"), pick(special, "ethnicity")], setup.north.probation)


# --- onward terms and expiry ------------------------------------------------------------------


def test_named_agency_terms_need_agencies(setup: NominalSetup):
    item = police_item(setup)
    add_parties(setup, setup.north.health)
    named = OnwardTerms.NAMED_AGENCIES
    for agencies in ([], [setup.north.police, setup.north.probation]):
        with refused(ApplicationError, match="Name the agencies", field="onward_agencies"):
            _both(setup, [pick(item)], setup.north.probation, onward_terms=named, onward_agencies=agencies)
    share = _share(
        setup,
        [pick(item)],
        setup.north.probation,
        onward_terms=named,
        onward_agencies=[setup.north.health, setup.north.police],
    )
    # The sharer and the recipient are never "named": only the others are stored.
    assert list(share.onward_agencies.all()) == [setup.north.health]


def test_onward_agencies_are_ignored_unless_the_terms_name_agencies(setup: NominalSetup):
    share = _share(
        setup,
        [pick(police_item(setup))],
        setup.north.probation,
        onward_terms=OnwardTerms.WITHIN_RECIPIENT,
        onward_agencies=[setup.north.health],
    )
    assert not share.onward_agencies.exists()


def test_unknown_onward_terms_are_refused(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, field="onward_terms"):
        _both(setup, [pick(item)], setup.north.probation, onward_terms="anyone")


@pytest.mark.parametrize("days", [0, -1])
def test_expiry_must_be_in_the_future(setup: NominalSetup, days):
    item = police_item(setup)
    with refused(ApplicationError, match="in the future", field="expires_on"):
        _both(setup, [pick(item)], setup.north.probation, expires_on=future(days))


def test_expiry_tomorrow_is_allowed(setup: NominalSetup):
    share = _share(setup, [pick(police_item(setup))], setup.north.probation, expires_on=future(1))
    assert share.expires_on == future(1)


# --- a share about a person -------------------------------------------------------------------


def test_share_about_a_person_uses_the_sharers_areas(setup: NominalSetup):
    item = police_item(setup, nominal=None, person=setup.person)
    share = _share(setup, [pick(item)], setup.north.probation)
    assert (share.nominal, share.person) == (None, setup.person)
    (event,) = events(action=Action.DISCLOSURE)
    assert event.nominal_id is None
    with refused(ApplicationError, match="does not take part"):
        _both(setup, [pick(item)], setup.south.probation)


def test_item_factory_default_is_unchanged(setup: NominalSetup):
    """Guard for this module's helpers: ItemFactory's own defaults still build a shareable item."""
    item = ItemFactory(nominal=setup.police_nominal)
    assert item.owner_agency == setup.north.police and ShareItem.objects.count() == 0
