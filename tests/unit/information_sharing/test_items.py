"""Information items: recording, changing, superseding and erasing, and what each refuses."""

from typing import Any

import pytest

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import InformationItem, ItemKind, ItemStatus
from mappa.information_sharing.selectors import item_list, nominal_items
from mappa.information_sharing.services import ITEM_CONFLICT_MESSAGE
from tests.factories.information_sharing import share_items
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import (
    RELATIONSHIP,
    content,
    events,
    police_item,
    refused,
    relationship_item,
    snapshot,
)

REASON = "The address was wrong when recorded."


def _item_events(item: InformationItem, action: Action | None = None) -> list[AuditEvent]:
    filters = {"object_type": "information_item", "object_id": str(item.pk)}
    if action is not None:
        filters["action"] = action
    return events(**filters)


# --- create -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "nominal", "owner"),
    [
        ("practitioner", "police_nominal", "police"),
        # The owner is the acting agency, not the lead agency of the case.
        ("coordinator", "probation_nominal", "police"),
        ("probation_practitioner", "police_nominal", "probation"),
    ],
)
def test_item_create_allowed_owner_is_acting_agency(setup: NominalSetup, who, nominal, owner):
    user = setup.user(who)
    item = services.item_create(nominal=getattr(setup, nominal), content=content(), by=user)
    assert item.owner_agency == getattr(setup.north, owner)
    assert item.author == user
    assert (item.status, item.version, item.person) == (ItemStatus.ACTIVE, 1, None)
    (event,) = _item_events(item)
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == item.owner_agency_id
    assert event.nominal_id == item.nominal_id
    assert event.detail == {"kind": ItemKind.RISK_FACTOR}


@pytest.mark.parametrize("who", ["chair", "auditor", "senior_manager"])
def test_item_create_refused_without_item_record(setup: NominalSetup, who):
    with refused(PermissionDenied):
        services.item_create(nominal=setup.police_nominal, content=content(), by=setup.user(who))


@pytest.mark.parametrize(
    ("who", "nominal"),
    [
        ("practitioner", "south_nominal"),
        # A duty-to-co-operate agency not (yet) involved with the case cannot see it.
        ("health_practitioner", "police_nominal"),
    ],
)
def test_item_create_refused_for_a_nominal_the_user_cannot_see(setup: NominalSetup, who, nominal):
    with refused(PermissionDenied, match="nominal"):
        services.item_create(nominal=getattr(setup, nominal), content=content(), by=setup.user(who))


def test_item_create_about_a_person(setup: NominalSetup):
    item = services.item_create(person=setup.person, content=content(), by=setup.practitioner)
    assert (item.person, item.nominal, item.owner_agency) == (setup.person, None, setup.north.police)
    assert _item_events(item)[0].nominal_id is None


def test_item_create_about_a_person_the_user_cannot_see_is_refused(setup: NominalSetup):
    """The person record is held by North Police; health sees only its own records."""
    with refused(PermissionDenied, match="person"):
        services.item_create(person=setup.person, content=content(), by=setup.health_practitioner)


@pytest.mark.parametrize("subjects", ["both", "neither"])
def test_item_create_needs_exactly_one_subject(setup: NominalSetup, subjects):
    kwargs: dict[str, Any] = (
        {"nominal": setup.police_nominal, "person": setup.person} if subjects == "both" else {}
    )
    with refused(ApplicationError, match="one nominal or one person"):
        services.item_create(content=content(), by=setup.practitioner, **kwargs)


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "match"),
    [
        ({"summary": ""}, "summary", "Enter a summary"),
        ({"summary": "   "}, "summary", "Enter a summary"),
        ({"summary": "x" * 201}, "summary", "200 characters or fewer"),
        ({"kind": "gossip"}, "kind", "Choose what kind"),
        ({"kind": ItemKind.RISK_FACTOR, "attributes": {"address": "1 Street"}}, None, "no field 'address'"),
        ({"kind": ItemKind.RELATIONSHIPS, "attributes": {"shoe_size": "9"}}, None, "no field 'shoe_size'"),
        ({"kind": ItemKind.RELATIONSHIPS, "attributes": {"address": "x" * 501}}, "attr_address", "500"),
        ({"source_evaluation": "1"}, "source_evaluation", "all three parts"),
        ({"source_evaluation": "1", "intelligence_assessment": "A"}, "source_evaluation", "all three"),
        ({"handling_code": "P"}, "source_evaluation", "all three parts"),
        (
            {"source_evaluation": "9", "intelligence_assessment": "A", "handling_code": "P"},
            "source_evaluation",
            "",
        ),
        ({"special_categories": ["health"]}, "special_categories", "there is no detail"),
        ({"detail": "Some text", "special_categories": ["astrology"]}, "special_categories", "from the list"),
        ({"protective_marking": "secret"}, "protective_marking", "Choose a marking"),
    ],
)
def test_item_content_refused(setup: NominalSetup, values, field, match):
    with refused(ApplicationError, match=match, field=field):
        services.item_create(nominal=setup.police_nominal, content=content(**values), by=setup.practitioner)


def test_item_content_allowed_at_the_limits(setup: NominalSetup):
    item = services.item_create(
        nominal=setup.police_nominal,
        content=content(
            kind=ItemKind.RELATIONSHIPS,
            summary=" " + "x" * 200 + " ",
            detail="Disclosed a health condition.",
            attributes={**RELATIONSHIP, "children": "  ", "address": "a" * 500},
            special_categories=["health", "health", "religion_belief"],
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
        ),
        by=setup.practitioner,
    )
    assert item.summary == "x" * 200
    # Blank fields are left out; categories are de-duplicated and sorted.
    assert "children" not in item.attributes
    assert item.attributes["address"] == "a" * 500
    assert item.special_categories == ["health", "religion_belief"]
    assert (item.source_evaluation, item.intelligence_assessment, item.handling_code) == ("1", "A", "P")


# --- update -----------------------------------------------------------------------------------


def test_item_update_by_owner_lists_changed_field_names_not_values(setup: NominalSetup):
    item = relationship_item(setup)
    new_address = "99 Synthetic Road, Othertown"
    updated = services.item_update(
        item=item,
        version=1,
        content=content(
            kind=ItemKind.RELATIONSHIPS,
            summary="Partner moved house",
            detail=item.detail,
            attributes={**RELATIONSHIP, "address": new_address},
        ),
        by=setup.coordinator,
    )
    assert updated.version == 2
    assert updated.attributes["address"] == new_address
    assert updated.owner_agency == setup.north.police
    (event,) = _item_events(item, Action.ALTERATION)
    assert sorted(event.changed_fields) == ["attributes", "summary"]
    assert event.object_agency_id == setup.north.police.pk
    recorded = " ".join(
        str(v) for v in (event.summary, event.justification, event.detail, event.changed_fields)
    )
    assert new_address not in recorded and "Partner moved house" not in recorded


def test_item_update_without_changes_writes_nothing(setup: NominalSetup):
    item = police_item(setup)
    before = snapshot()
    same = services.item_update(
        item=item, version=1, content=content(summary=item.summary, detail=item.detail), by=setup.practitioner
    )
    assert same.version == 1
    assert snapshot() == before


@pytest.mark.parametrize("who", ["probation_practitioner", "health_practitioner"])
def test_item_update_by_another_agency_is_refused_even_when_it_holds_a_share(setup: NominalSetup, who):
    item = police_item(setup)
    share_items([item], setup.user(who).acting_membership.agency)
    with refused(PermissionDenied, match="Only the agency that owns"):
        services.item_update(item=item, version=1, content=content(summary="Changed"), by=setup.user(who))
    item.refresh_from_db()
    assert item.summary != "Changed"


@pytest.mark.parametrize("who", ["chair", "auditor"])
def test_item_update_by_owner_staff_without_item_record_is_refused(setup: NominalSetup, who):
    item = police_item(setup)
    with refused(PermissionDenied):
        services.item_update(item=item, version=1, content=content(summary="Changed"), by=setup.user(who))


def test_item_update_on_a_stale_version_is_refused_and_nothing_is_lost(setup: NominalSetup):
    item = police_item(setup)
    # The first editor saves; the second still holds version 1.
    services.item_update(item=item, version=1, content=content(summary="First edit"), by=setup.practitioner)
    with refused(ApplicationError) as info:
        services.item_update(
            item=item, version=1, content=content(summary="Second edit"), by=setup.coordinator
        )
    assert info.value.message == ITEM_CONFLICT_MESSAGE
    item.refresh_from_db()
    assert (item.summary, item.version) == ("First edit", 2)
    assert len(_item_events(item, Action.ALTERATION)) == 1


def test_item_update_cannot_change_kind(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, match="kind cannot change", field="kind"):
        services.item_update(
            item=item, version=1, content=content(kind=ItemKind.PROTECTIVE_FACTOR), by=setup.practitioner
        )


@pytest.mark.parametrize("status", [ItemStatus.SUPERSEDED, ItemStatus.ERASED])
def test_item_update_of_an_inactive_item_is_refused(setup: NominalSetup, status):
    successor = police_item(setup)
    item = police_item(
        setup, status=status, superseded_by=successor if status == ItemStatus.SUPERSEDED else None
    )
    with refused(ApplicationError, match="can no longer be changed"):
        services.item_update(item=item, version=1, content=content(summary="Changed"), by=setup.practitioner)


# --- supersede --------------------------------------------------------------------------------


def test_item_supersede_keeps_the_old_item_as_history(setup: NominalSetup):
    item = police_item(setup)
    successor = services.item_supersede(
        item=item, version=1, content=content(summary="Drinks daily now"), reason=REASON, by=setup.coordinator
    )
    item.refresh_from_db()
    assert (item.status, item.superseded_by, item.status_reason) == (ItemStatus.SUPERSEDED, successor, REASON)
    assert item.status_changed_by == setup.coordinator and item.status_changed_at is not None
    assert item.version == 2
    assert (successor.status, successor.version, successor.summary) == (
        ItemStatus.ACTIVE,
        1,
        "Drinks daily now",
    )
    assert successor.owner_agency == item.owner_agency and successor.nominal == item.nominal
    assert successor.author == setup.coordinator
    (new_event,) = _item_events(successor)
    assert new_event.action == Action.COLLECTION and new_event.detail == {"supersedes": item.pk}
    (old_event,) = _item_events(item)
    assert old_event.action == Action.ALTERATION
    assert old_event.changed_fields == ["status", "superseded_by"]
    assert old_event.justification == REASON


def test_item_supersede_needs_a_reason_and_the_owner(setup: NominalSetup):
    item = police_item(setup)
    with refused(ApplicationError, field="reason"):
        services.item_supersede(item=item, version=1, content=content(), reason="  ", by=setup.practitioner)
    with refused(PermissionDenied):
        services.item_supersede(
            item=item, version=1, content=content(), reason=REASON, by=setup.probation_practitioner
        )
    with refused(ApplicationError, match="Someone else changed"):
        services.item_supersede(item=item, version=7, content=content(), reason=REASON, by=setup.practitioner)


# --- erase ------------------------------------------------------------------------------------


def test_item_erase_blanks_content_and_recipients_stop_seeing_it(setup: NominalSetup):
    item = relationship_item(setup, special_categories=["health"])
    share_items([item], setup.north.probation)
    assert item_list(fetched_by=setup.probation_practitioner).filter(pk=item.pk).exists()

    erased = services.item_erase(item=item, version=1, reason=REASON, by=setup.practitioner)

    assert (erased.summary, erased.detail, erased.attributes, erased.special_categories) == (
        "Erased",
        "",
        {},
        [],
    )
    assert (erased.status, erased.version, erased.status_reason) == (ItemStatus.ERASED, 2, REASON)
    (event,) = _item_events(item)
    assert event.action == Action.ERASURE and event.justification == REASON
    assert not item_list(fetched_by=setup.probation_practitioner).filter(pk=item.pk).exists()
    assert nominal_items(nominal=setup.police_nominal, fetched_by=setup.probation_practitioner) == []
    # The owner keeps the tombstone.
    tombstone = item_list(fetched_by=setup.practitioner).get(pk=item.pk)
    assert tombstone.status == ItemStatus.ERASED and tombstone.summary == "Erased"


def test_item_erase_refused_for_others_and_without_reason(setup: NominalSetup):
    item = police_item(setup)
    share_items([item], setup.north.probation)
    with refused(PermissionDenied):
        services.item_erase(item=item, version=1, reason=REASON, by=setup.probation_practitioner)
    with refused(ApplicationError, field="reason"):
        services.item_erase(item=item, version=1, reason="", by=setup.practitioner)
    services.item_erase(item=item, version=1, reason=REASON, by=setup.practitioner)
    with refused(ApplicationError, match="erased and can no longer be changed"):
        services.item_erase(item=item, version=2, reason=REASON, by=setup.practitioner)
