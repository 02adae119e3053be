"""Filling in a proposal: services_decision from disclosure_propose to the youth consultation and
the agencies consulted, and withdrawal.

One world (tests.factories.disclosures.DecisionWorld): NominalSetup's North and South, North's
youth justice and children's services, and a proposal about `police_nominal` (led by North
Police) made by its case manager. Every write is checked for its step and audit event, and every
refusal for leaving nothing behind.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import services_decision as services
from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureStep,
)
from mappa.disclosures.services import DisclosureConflict
from mappa.information_sharing.models import ItemKind, ItemStatus
from mappa.nominals.models import Status
from tests.factories.disclosures import DecisionWorld, RecipientFactory
from tests.factories.information_sharing import ItemFactory, share_items
from tests.factories.nominals import NominalFactory
from tests.factories.risk_management import PersonAtRiskFactory, PlanFactory

pytestmark = pytest.mark.django_db

PURPOSE = "Synthetic: to let a new partner protect her two children."


@pytest.fixture
def world(db) -> DecisionWorld:
    return DecisionWorld()


def _events(disclosure: Disclosure | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="disclosure")
    return events.filter(object_id=str(disclosure.pk)) if disclosure is not None else events


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _steps(disclosure: Disclosure) -> list[str]:
    return list(DisclosureStep.objects.filter(disclosure=disclosure).values_list("step", flat=True))


# --- disclosure_propose -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "coordinator", "probation_practitioner"])
def test_propose_by_staff_who_record_disclosures(world: DecisionWorld, who: str):
    user = world.user(who)
    disclosure = services.disclosure_propose(nominal=world.police_nominal, purpose=PURPOSE, by=user)
    assert disclosure.status == DisclosureStatus.PROPOSED
    assert disclosure.proposing_agency == user.acting_membership.agency
    assert disclosure.proposed_by == user
    assert disclosure.purpose == PURPOSE
    assert _steps(disclosure) == ["proposed"]
    event = _events(disclosure).get()
    assert event.action == Action.COLLECTION
    assert event.nominal_id == world.police_nominal.pk
    assert event.object_agency_id == disclosure.proposing_agency_id
    # What the disclosure is about stays on the record, never in the audit log.
    assert "partner" not in f"{event.summary} {event.detail}"


def test_propose_links_the_nominals_person_at_risk_and_plan(world: DecisionWorld):
    person = PersonAtRiskFactory(nominal=world.police_nominal)
    plan = PlanFactory(nominal=world.police_nominal)
    disclosure = services.disclosure_propose(
        nominal=world.police_nominal, purpose=PURPOSE, person_at_risk=person, plan=plan, by=world.practitioner
    )
    assert (disclosure.person_at_risk, disclosure.plan) == (person, plan)


@pytest.mark.parametrize("link", ["person_at_risk", "plan"])
def test_propose_refuses_a_link_to_another_nominals_record(world: DecisionWorld, link: str):
    other: dict[str, Any] = {
        "person_at_risk": PersonAtRiskFactory(nominal=world.probation_nominal),
        "plan": PlanFactory(nominal=world.probation_nominal),
    }
    with pytest.raises(ApplicationError) as raised:
        services.disclosure_propose(
            nominal=world.police_nominal, purpose=PURPOSE, by=world.practitioner, **{link: other[link]}
        )
    assert raised.value.field == link
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("who", "nominal"),
    [
        ("chair", "police_nominal"),  # decides; does not propose
        ("no_view", "police_nominal"),  # no disclosure permissions
        ("auditor", "police_nominal"),
        ("south_coordinator", "police_nominal"),  # cannot see the nominal
        ("health_practitioner", "police_nominal"),  # cannot see the nominal
    ],
)
def test_propose_refused(world: DecisionWorld, who: str, nominal: str):
    with pytest.raises(PermissionDenied):
        services.disclosure_propose(nominal=getattr(world, nominal), purpose=PURPOSE, by=world.user(who))
    assert not Disclosure.objects.exists()
    assert not _events().exists()


def test_propose_refused_for_an_exited_nominal(world: DecisionWorld):
    nominal = NominalFactory(
        lead_agency=world.north.police, area=world.area, status=Status.EXITED, exited_on=timezone.localdate()
    )
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        services.disclosure_propose(nominal=nominal, purpose=PURPOSE, by=world.practitioner)


def test_propose_needs_a_purpose(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="Enter the purpose") as raised:
        services.disclosure_propose(nominal=world.police_nominal, purpose="  ", by=world.practitioner)
    assert raised.value.field == "purpose"


# --- disclosure_update and the version -------------------------------------------------------------


def test_update_saves_changed_fields_and_moves_the_version_on(world: DecisionWorld):
    disclosure = world.proposal()
    updated = services.disclosure_update(
        disclosure=disclosure,
        version=disclosure.version,
        purpose=disclosure.purpose,
        risk_addressed="Synthetic: sexual harm to children",
        information_summary="Synthetic: he has a conviction for offences against children.",
        by=world.practitioner,
    )
    assert updated.version == disclosure.version + 1
    assert _steps(disclosure) == ["details_changed"]
    event = _events(disclosure).get()
    assert event.action == Action.ALTERATION
    assert sorted(event.changed_fields) == ["information_summary", "risk_addressed"]


def test_update_without_change_writes_nothing(world: DecisionWorld):
    disclosure = world.proposal()
    services.disclosure_update(
        disclosure=disclosure,
        version=disclosure.version,
        purpose=disclosure.purpose,
        risk_addressed=disclosure.risk_addressed,
        information_summary="",
        by=world.practitioner,
    )
    assert _fresh(disclosure).version == disclosure.version
    assert not _events().exists()


def test_stale_version_refused(world: DecisionWorld):
    disclosure = world.proposal()
    with pytest.raises(DisclosureConflict, match="Someone else changed"):
        services.disclosure_update(
            disclosure=disclosure,
            version=disclosure.version - 1 if disclosure.version > 1 else 99,
            purpose="Synthetic: a different purpose.",
            risk_addressed="",
            information_summary="",
            by=world.practitioner,
        )
    assert _fresh(disclosure).purpose == disclosure.purpose
    assert not _events().exists()


@pytest.mark.parametrize(
    ("who", "refused"),
    [
        ("coordinator", False),  # a Responsible Authority agency of the area
        ("probation_practitioner", False),
        ("chair", True),  # sees it, but does not record
        ("health_practitioner", True),  # does not see it
        ("south_coordinator", True),
    ],
)
def test_who_may_fill_in_a_proposal(world: DecisionWorld, who: str, refused: bool):
    disclosure = world.proposal()

    def update() -> Disclosure:
        return services.disclosure_update(
            disclosure=disclosure,
            version=disclosure.version,
            purpose=disclosure.purpose,
            risk_addressed="Synthetic: changed",
            information_summary="",
            by=world.user(who),
        )

    if refused:
        with pytest.raises(PermissionDenied):
            update()
        assert not _events().exists()
    else:
        assert update().risk_addressed == "Synthetic: changed"


def test_a_decided_disclosure_can_no_longer_be_filled_in(world: DecisionWorld):
    disclosure = world.proposal(status=DisclosureStatus.WITHDRAWN, withdrawn_reason="Synthetic: not needed")
    with pytest.raises(ApplicationError, match="withdrawn, so this can no longer be done"):
        services.alternative_add(
            disclosure=disclosure,
            version=disclosure.version,
            alternative="Synthetic",
            why_rejected="Synthetic",
            by=world.practitioner,
        )


# --- recipients ------------------------------------------------------------------------------------


def _add_recipient(world: DecisionWorld, disclosure: Disclosure, **overrides: Any) -> DisclosureRecipient:
    fields: dict[str, Any] = {
        "kind": "new_partner",
        "name": "Synthetic Recipient",
        "relationship": "New partner, mother of two children",
        "identity_confirmed_how": "Synthetic: passport seen",
        "why_right_person": "Synthetic: she can protect her children",
    }
    fields.update(overrides)
    return services.recipient_add(
        disclosure=disclosure, version=_fresh(disclosure).version, by=world.practitioner, **fields
    )


def test_recipient_add_is_a_collection_and_moves_the_version_on(world: DecisionWorld):
    disclosure = world.proposal()
    recipient = _add_recipient(world, disclosure)
    assert recipient.disclosure == disclosure
    assert _fresh(disclosure).version == disclosure.version + 1
    event = _events(disclosure).get()
    assert event.action == Action.COLLECTION
    assert event.changed_fields == ["recipients"]
    assert "Synthetic Recipient" not in f"{event.summary} {event.detail}"
    assert _steps(disclosure) == ["recipient_added"]


def test_recipient_identification_may_be_left_for_later(world: DecisionWorld):
    recipient = _add_recipient(
        world, world.proposal(), identity_confirmed_how="", why_right_person="", name=""
    )
    assert services.recipient_gaps(recipient) == [
        "their name",
        "how their identity was confirmed",
        "why they are the right person to tell",
    ]


def test_recipient_needs_a_name_or_a_role(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="name, or their role") as raised:
        _add_recipient(world, world.proposal(), name="", relationship="")
    assert raised.value.field == "name"
    assert not DisclosureRecipient.objects.exists()


def test_recipient_kind_must_be_one_of_the_list(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="Choose who the recipient is"):
        _add_recipient(world, world.proposal(), kind="neighbour")


def test_recipient_may_be_a_person_at_risk_of_the_case(world: DecisionWorld):
    from tests.factories.nominals import person_of

    child = person_of(world.north.health)  # a record North Police may not otherwise pick
    PersonAtRiskFactory(nominal=world.police_nominal, person=child, kind="child", is_child=True)
    recipient = _add_recipient(world, world.proposal(), person=child, kind="victim")
    assert recipient.person == child


def test_recipient_person_must_be_one_the_user_may_pick(world: DecisionWorld):
    from tests.factories.nominals import person_of

    stranger = person_of(world.south.police)
    with pytest.raises(ApplicationError, match="Choose a person from the list"):
        _add_recipient(world, world.proposal(), person=stranger)


def test_recipient_update_lists_changed_fields(world: DecisionWorld):
    disclosure = world.proposal()
    recipient = _add_recipient(world, disclosure, identity_confirmed_how="")
    services.recipient_update(
        recipient=recipient,
        version=_fresh(disclosure).version,
        kind=recipient.kind,
        name=recipient.name,
        relationship=recipient.relationship,
        is_under_18=True,
        identity_confirmed_how="Synthetic: driving licence seen",
        why_right_person=recipient.why_right_person,
        by=world.coordinator,
    )
    event = _events(disclosure).latest("id")
    assert sorted(event.changed_fields) == ["recipient.identity_confirmed_how", "recipient.is_under_18"]
    assert _fresh(recipient).is_under_18


def test_recipient_remove_erases_the_row(world: DecisionWorld):
    disclosure = world.proposal()
    recipient = _add_recipient(world, disclosure)
    services.recipient_remove(recipient=recipient, version=_fresh(disclosure).version, by=world.practitioner)
    assert not DisclosureRecipient.objects.exists()
    assert _events(disclosure).latest("id").action == Action.ERASURE


def test_recipient_remove_with_a_stale_version_is_refused(world: DecisionWorld):
    disclosure = world.proposal()
    recipient = _add_recipient(world, disclosure)
    with pytest.raises(DisclosureConflict):
        services.recipient_remove(recipient=recipient, version=disclosure.version, by=world.practitioner)
    assert DisclosureRecipient.objects.filter(pk=recipient.pk).exists()


# --- alternatives --------------------------------------------------------------------------------------


def test_alternative_add_and_remove(world: DecisionWorld):
    disclosure = world.proposal()
    alternative = services.alternative_add(
        disclosure=disclosure,
        version=disclosure.version,
        alternative="Synthetic: an exclusion zone",
        why_rejected="Synthetic: the risk is inside the home",
        by=world.practitioner,
    )
    services.alternative_remove(
        alternative=alternative, version=_fresh(disclosure).version, by=world.practitioner
    )
    assert not DisclosureAlternative.objects.exists()
    assert _steps(disclosure) == ["alternative_added", "alternative_removed"]


@pytest.mark.parametrize(
    ("alternative", "why", "message"),
    [
        ("", "Synthetic", "Enter the alternative to disclosure"),
        ("Synthetic", " ", "Enter why this alternative is not enough"),
    ],
)
def test_alternative_needs_both_parts(world: DecisionWorld, alternative: str, why: str, message: str):
    disclosure = world.proposal()
    with pytest.raises(ApplicationError, match=message):
        services.alternative_add(
            disclosure=disclosure,
            version=disclosure.version,
            alternative=alternative,
            why_rejected=why,
            by=world.practitioner,
        )


# --- information to disclose, and the owner's agreement ----------------------------------------------


def _item(world: DecisionWorld, **fields: Any) -> Any:
    values: dict[str, Any] = {"nominal": world.police_nominal, "owner_agency": world.north.police}
    values.update(fields)
    return ItemFactory(**values)


def _relationships(world: DecisionWorld, owner: Any) -> Any:
    return _item(
        world,
        owner_agency=owner,
        kind=ItemKind.RELATIONSHIPS,
        attributes={
            "person_name": "Synthetic Partner",
            "ethnicity": "Synthetic ethnicity",
            "address": "1 Example",
        },
    )


def test_item_add_own_agency_item_needs_no_agreement(world: DecisionWorld):
    disclosure = world.proposal()
    item = _item(world)
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=item,
        fields=["summary", "detail"],
        by=world.practitioner,
    )
    assert entry.fields == ["summary", "detail"]
    assert entry.special_categories == []
    assert services.item_problems(entry, disclosure) == []
    event = _events(disclosure).get()
    assert event.changed_fields == ["items"]
    assert event.detail["item"] == item.pk


def test_item_add_special_category_needs_a_strictly_necessary_reason(world: DecisionWorld):
    disclosure = world.proposal()
    item = _relationships(world, world.north.police)
    with pytest.raises(ApplicationError, match="special category") as raised:
        services.item_add(
            disclosure=disclosure,
            version=disclosure.version,
            item=item,
            fields=["person_name", "ethnicity"],
            by=world.practitioner,
        )
    assert raised.value.field == "strictly_necessary"
    assert not DisclosureItem.objects.exists()
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=item,
        fields=["person_name", "ethnicity"],
        strictly_necessary="Synthetic: the recipient must recognise him",
        by=world.practitioner,
    )
    assert entry.special_categories == ["race_ethnic_origin"]
    assert entry.strictly_necessary == "Synthetic: the recipient must recognise him"


def test_item_add_without_special_fields_keeps_no_justification(world: DecisionWorld):
    disclosure = world.proposal()
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=_relationships(world, world.north.police),
        fields=["person_name"],
        strictly_necessary="Synthetic: not needed",
        by=world.practitioner,
    )
    assert (entry.special_categories, entry.strictly_necessary) == ([], "")


def test_item_add_refuses_an_item_the_user_cannot_read(world: DecisionWorld):
    disclosure = world.proposal()
    health_item = _item(world, owner_agency=world.north.health)
    with pytest.raises(PermissionDenied):
        services.item_add(
            disclosure=disclosure,
            version=disclosure.version,
            item=health_item,
            fields=["summary"],
            by=world.practitioner,
        )


def test_item_add_only_fields_the_share_gave(world: DecisionWorld):
    disclosure = world.proposal()
    item = _relationships(world, world.north.health)
    share_items([item], world.north.police, fields=["person_name"])
    with pytest.raises(ApplicationError, match="only the parts") as raised:
        services.item_add(
            disclosure=disclosure,
            version=disclosure.version,
            item=item,
            fields=["address"],
            by=world.practitioner,
        )
    assert raised.value.field == "fields"
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=item,
        fields=["person_name"],
        by=world.practitioner,
    )
    # Another agency's item waits for that agency's agreement.
    assert services.item_problems(entry, disclosure) == [
        f"North Health Trust has not yet agreed to {item.reference} being disclosed"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other_nominal", "Choose information about this nominal"),
        ("superseded", "is erased, so it cannot be disclosed"),
        ("no_fields", "Choose at least one part"),
        ("unknown_field", "Choose the parts to disclose from the list"),
        ("twice", "already part of this disclosure"),
    ],
)
def test_item_add_refused(world: DecisionWorld, change: str, message: str):
    disclosure = world.proposal()
    item = _item(world)
    fields = ["summary"]
    if change == "other_nominal":
        item = _item(world, nominal=world.probation_nominal)
    elif change == "superseded":
        item = _item(world, status=ItemStatus.ERASED)
    elif change == "no_fields":
        fields = []
    elif change == "unknown_field":
        fields = ["ethnicity"]
    elif change == "twice":
        services.item_add(
            disclosure=disclosure, version=disclosure.version, item=item, fields=fields, by=world.practitioner
        )
    with pytest.raises((ApplicationError, PermissionDenied), match=message):
        services.item_add(
            disclosure=disclosure,
            version=_fresh(disclosure).version,
            item=item,
            fields=fields,
            by=world.practitioner,
        )


def test_item_added_by_the_owning_agency_counts_as_its_agreement(world: DecisionWorld):
    disclosure = world.proposal(
        proposing_agency=world.north.probation, proposed_by=world.probation_practitioner
    )
    item = _item(world)  # North Police's
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=item,
        fields=["summary"],
        by=world.practitioner,
    )
    assert entry.owner_agreed_by == world.practitioner
    assert services.item_problems(entry, disclosure) == []


def _awaiting(world: DecisionWorld) -> tuple[Disclosure, DisclosureItem]:
    """A North Probation proposal drawing on a North Health item shared with it."""
    disclosure = world.proposal(
        proposing_agency=world.north.probation, proposed_by=world.probation_practitioner
    )
    item = _item(world, owner_agency=world.north.health)
    share_items([item], world.north.probation)
    entry = services.item_add(
        disclosure=disclosure,
        version=disclosure.version,
        item=item,
        fields=["summary"],
        by=world.probation_practitioner,
    )
    return _fresh(disclosure), entry


def test_item_agree_by_the_owner(world: DecisionWorld):
    disclosure, entry = _awaiting(world)
    agreed = services.item_agree(disclosure_item=entry, agree=True, note="", by=world.health_practitioner)
    assert agreed.owner_agreed_by == world.health_practitioner
    assert agreed.owner_agreed_at is not None
    assert not agreed.owner_refused
    assert services.item_problems(agreed, disclosure) == []
    assert _steps(disclosure)[-1] == "item_agreed"
    assert _events(disclosure).latest("id").detail == {"item": entry.item_id, "agreed": True}


def test_item_refusal_needs_a_reason_and_blocks(world: DecisionWorld):
    disclosure, entry = _awaiting(world)
    with pytest.raises(ApplicationError, match="Explain why your agency does not agree"):
        services.item_agree(disclosure_item=entry, agree=False, note="", by=world.health_practitioner)
    refused = services.item_agree(
        disclosure_item=entry,
        agree=False,
        note="Synthetic: clinical confidence",
        by=world.health_practitioner,
    )
    assert refused.owner_refused
    assert refused.owner_agreed_by is None
    assert refused.owner_agreement_note == "Synthetic: clinical confidence"
    assert services.item_problems(refused, disclosure) == [
        f"North Health Trust did not agree to {entry.item.reference} being disclosed: remove it"
    ]
    step = DisclosureStep.objects.filter(disclosure=disclosure).latest("id")
    assert (step.step, step.by) == ("item_refused", world.health_practitioner)


@pytest.mark.parametrize("who", ["probation_practitioner", "practitioner", "chair", "coordinator"])
def test_item_agree_only_by_the_owner(world: DecisionWorld, who: str):
    _, entry = _awaiting(world)
    with pytest.raises(PermissionDenied, match="Only North Health Trust"):
        services.item_agree(disclosure_item=entry, agree=True, note="", by=world.user(who))
    assert _fresh(entry).owner_agreed_by is None


def test_item_agree_refused_once_decided(world: DecisionWorld):
    disclosure, entry = _awaiting(world)
    Disclosure.objects.filter(pk=disclosure.pk).update(
        status=DisclosureStatus.WITHDRAWN, withdrawn_reason="Synthetic"
    )
    with pytest.raises(ApplicationError, match="withdrawn"):
        services.item_agree(disclosure_item=entry, agree=True, note="", by=world.health_practitioner)


def test_item_remove(world: DecisionWorld):
    disclosure, entry = _awaiting(world)
    services.item_remove(disclosure_item=entry, version=disclosure.version, by=world.probation_practitioner)
    assert not DisclosureItem.objects.exists()
    assert _events(disclosure).latest("id").changed_fields == ["items"]


# --- risk to the offender and the tests -------------------------------------------------------------


def test_offender_risk_record(world: DecisionWorld):
    disclosure = world.proposal()
    with pytest.raises(ApplicationError, match="Enter the risk the disclosure poses to the offender"):
        services.offender_risk_record(
            disclosure=disclosure,
            version=disclosure.version,
            offender_risk="",
            outweighed=True,
            by=world.practitioner,
        )
    saved = services.offender_risk_record(
        disclosure=disclosure,
        version=disclosure.version,
        offender_risk="Synthetic: vigilantism",
        outweighed=True,
        by=world.practitioner,
    )
    assert (saved.offender_risk, saved.offender_risk_outweighed) == ("Synthetic: vigilantism", True)
    assert sorted(_events(disclosure).get().changed_fields) == ["offender_risk", "offender_risk_outweighed"]


def _tests(world: DecisionWorld, disclosure: Disclosure, **overrides: Any) -> Disclosure:
    fields: dict[str, Any] = {
        "gateway": "common_law_police",
        "gateway_detail": "",
        "necessary": "Synthetic: necessary",
        "proportionate": "Synthetic: proportionate",
        "relevant": "Synthetic: relevant",
        "joint_disclosure": "joint",
        "joint_disclosure_reason": "Synthetic: both agencies",
    }
    fields.update(overrides)
    return services.tests_record(
        disclosure=disclosure, version=_fresh(disclosure).version, by=world.practitioner, **fields
    )


def test_tests_record_may_be_partial(world: DecisionWorld):
    saved = _tests(world, world.proposal(), gateway="", necessary="", joint_disclosure="")
    assert services.tests_gaps(saved) == [
        "Choose the lawful basis for the disclosure",
        "Explain why the disclosure is necessary",
        "Record whether the disclosure will be made jointly (for example by police and probation together) "
        "or by one agency",
    ]


def test_tests_record_other_gateway_needs_its_name(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="Name the statutory power") as raised:
        _tests(world, world.proposal(), gateway="other")
    assert raised.value.field == "gateway_detail"
    saved = _tests(world, world.proposal(), gateway="other", gateway_detail="Synthetic Act s.1")
    assert saved.gateway_detail == "Synthetic Act s.1"


@pytest.mark.parametrize(("field", "value"), [("gateway", "consent"), ("joint_disclosure", "both")])
def test_tests_record_refuses_unknown_choices(world: DecisionWorld, field: str, value: str):
    with pytest.raises(ApplicationError) as raised:
        _tests(world, world.proposal(), **{field: value})
    assert raised.value.field == field


# --- youth consultation and agencies consulted -------------------------------------------------------


def _youth(world: DecisionWorld, disclosure: Disclosure, **overrides: Any) -> Disclosure:
    fields: dict[str, Any] = {
        "name": "Synthetic Manager",
        "role": "Head of the Youth Offending Service",
        "agency": world.youth_justice,
        "consulted_on": timezone.localdate(),
        "view": "Synthetic: supports the disclosure",
    }
    fields.update(overrides)
    return services.youth_consultation_record(
        disclosure=disclosure, version=_fresh(disclosure).version, by=world.practitioner, **fields
    )


def test_youth_consultation_record(world: DecisionWorld):
    saved = _youth(world, world.proposal(), agency=world.childrens)
    assert services.youth_consultation_recorded(saved)
    assert _events(saved).get().detail == {"agency": "NORTH-CS"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agency": None}, "agency"),
        ({"name": ""}, "name"),
        ({"role": ""}, "role"),
        ({"consulted_on": None}, "consulted_on"),
        ({"view": ""}, "view"),
    ],
)
def test_youth_consultation_needs_every_answer(world: DecisionWorld, overrides: dict[str, Any], field: str):
    with pytest.raises(ApplicationError) as raised:
        _youth(world, world.proposal(), **overrides)
    assert raised.value.field == field


def test_youth_consultation_agency_must_be_youth_justice_or_childrens_services(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="youth justice or children's services"):
        _youth(world, world.proposal(), agency=world.north.health)


def test_youth_consultation_date_not_in_the_future(world: DecisionWorld):
    with pytest.raises(ApplicationError, match="today or in the past"):
        _youth(world, world.proposal(), consulted_on=timezone.localdate() + timedelta(days=1))


def _consult(
    world: DecisionWorld, disclosure: Disclosure, agency: Any, **overrides: Any
) -> DisclosureConsultation:
    fields: dict[str, Any] = {
        "agency": agency,
        "person_name": "Synthetic Officer",
        "person_role": "Senior officer",
        "consulted_at": timezone.now() - timedelta(hours=1),
        "view": "Synthetic: agrees",
    }
    fields.update(overrides)
    return services.consultation_add(
        disclosure=disclosure, version=_fresh(disclosure).version, by=world.practitioner, **fields
    )


def test_consultation_add_and_remove(world: DecisionWorld):
    disclosure = world.proposal()
    consultation = _consult(world, disclosure, world.north.probation)
    assert _events(disclosure).get().action == Action.COLLECTION
    services.consultation_remove(
        consultation=consultation, version=_fresh(disclosure).version, by=world.practitioner
    )
    assert not DisclosureConsultation.objects.exists()
    assert _events(disclosure).latest("id").action == Action.ERASURE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person_name": ""}, "person_name"),
        ({"person_role": ""}, "person_role"),
        ({"view": ""}, "view"),
        ({"consulted_at": None}, "consulted_at"),
        ({"consulted_at": "future"}, "consulted_at"),
    ],
)
def test_consultation_needs_every_answer(world: DecisionWorld, overrides: dict[str, Any], field: str):
    if overrides.get("consulted_at") == "future":
        overrides = {"consulted_at": timezone.now() + timedelta(hours=2)}
    with pytest.raises(ApplicationError) as raised:
        _consult(world, world.proposal(), world.north.probation, **overrides)
    assert raised.value.field == field


# --- withdrawal -------------------------------------------------------------------------------------------


def test_withdraw(world: DecisionWorld):
    disclosure = world.proposal()
    with pytest.raises(ApplicationError, match="Enter why the proposal is withdrawn"):
        services.disclosure_withdraw(
            disclosure=disclosure, version=disclosure.version, reason="", by=world.practitioner
        )
    withdrawn = services.disclosure_withdraw(
        disclosure=disclosure,
        version=disclosure.version,
        reason="Synthetic: he moved away",
        by=world.practitioner,
    )
    assert withdrawn.status == DisclosureStatus.WITHDRAWN
    assert withdrawn.withdrawn_reason == "Synthetic: he moved away"
    assert withdrawn.decided_at is None
    assert _steps(disclosure) == ["withdrawn"]
    assert _events(disclosure).get().changed_fields == ["status", "withdrawn_reason"]


def test_withdraw_only_while_proposed(world: DecisionWorld):
    disclosure = world.ready()
    from tests.factories.disclosures import decided_to_disclose

    decided = decided_to_disclose(
        world.police_nominal, proposing_agency=world.north.police, proposed_by=world.practitioner
    )
    with pytest.raises(ApplicationError, match="decided, so this can no longer be done"):
        services.disclosure_withdraw(
            disclosure=decided, version=decided.version, reason="Synthetic", by=world.practitioner
        )
    assert _fresh(disclosure).status == DisclosureStatus.PROPOSED


def test_withdraw_refused_to_who_cannot_record(world: DecisionWorld):
    disclosure = world.proposal()
    with pytest.raises(PermissionDenied):
        services.disclosure_withdraw(
            disclosure=disclosure, version=disclosure.version, reason="Synthetic", by=world.chair
        )
    assert _fresh(disclosure).status == DisclosureStatus.PROPOSED


def test_recipient_factory_builds_a_complete_recipient(world: DecisionWorld):
    recipient = RecipientFactory(disclosure=world.proposal())
    assert services.recipient_gaps(recipient) == []
