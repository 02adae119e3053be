"""Preparing, delivering and reviewing a disclosure: services_delivery and selectors_delivery.

One world, from NominalSetup: North Police leads `police_nominal` and proposed the disclosure,
decided "disclose" at a meeting the North Police chair chaired, to two recipients. The North
Police practitioner prepares and delivers it; the North Probation practitioner (a Responsible
Authority agency of the area) may too; the chair decides what happens after a refused
undertaking. The health practitioner (duty to co-operate, not involved) cannot see the record,
South's co-ordinator neither, and the senior manager holds no disclosure permission.

Every refused transition is tested with each condition missing on its own (refused, with its
message) and with all of them present (allowed).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import selectors_delivery as selectors
from mappa.disclosures import services_delivery as services
from mappa.disclosures.models import (
    DeliveryMethod,
    Disclosure,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureStep,
    DisclosureTrigger,
    NotInformedReason,
    OffenderInvolvement,
    Outcome,
    Undertaking,
)
from mappa.disclosures.services import DisclosureConflict
from tests.factories.disclosures import DisclosureFactory, RecipientFactory, decided_to_disclose, prepared
from tests.factories.information_sharing import ItemFactory
from tests.factories.nominals import NominalSetup

pytestmark = pytest.mark.django_db

PURPOSE = "Synthetic: to protect the children of a new partner."
NOTE = "Synthetic: the recipient is safe and knows whom to call."


@dataclass
class World:
    setup: NominalSetup
    disclosure: Disclosure
    recipients: list[DisclosureRecipient]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)


def decided(
    setup: NominalSetup,
    *,
    outcome: str = Outcome.DISCLOSE,
    recipients: int = 2,
    forum: str = "meeting",
    **kwargs: Any,
) -> Disclosure:
    """A disclosure of `police_nominal`, proposed by North Police and decided by its chair with
    everything before the decision recorded (the decision part's factory), a day ago so that a
    delivery an hour ago came after it, with `recipients` recipients. `kwargs` set any field
    afterwards (a later status, say)."""
    disclosure = decided_to_disclose(
        setup.police_nominal,
        chair=setup.chair,
        outcome=outcome,
        forum=forum,
        proposing_agency=setup.north.police,
        proposed_by=setup.practitioner,
        purpose=PURPOSE,
    )
    disclosure.decided_at = timezone.now() - timedelta(days=1)
    for name, value in kwargs.items():
        setattr(disclosure, name, value)
    disclosure.save(override=True)
    for _ in range(recipients - disclosure.recipients.count()):
        RecipientFactory(disclosure=disclosure)
    return disclosure


def build_world(**kwargs: Any) -> World:
    setup = NominalSetup()
    disclosure = decided(setup, **kwargs)
    return World(setup, disclosure, list(disclosure.recipients.order_by("id")))


@pytest.fixture
def world(db) -> World:
    return build_world()


def fresh(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.get(pk=disclosure.pk)


def events(disclosure: Disclosure, action: Action | None = None) -> Any:
    found = AuditEvent.objects.filter(object_type="disclosure", object_id=str(disclosure.pk))
    return found.filter(action=action) if action else found


DELIVERY_STEPS = (
    services.STEP_PREPARED,
    services.STEP_DELIVERED,
    services.STEP_RETURNED,
    services.STEP_RECONSIDERED,
    services.STEP_REVIEWED,
)


def steps(disclosure: Disclosure) -> list[str]:
    """The delivery phase's steps, in order (the decision's come before them)."""
    found = DisclosureStep.objects.filter(disclosure=disclosure, step__in=DELIVERY_STEPS)
    return list(found.order_by("at", "id").values_list("step", flat=True))


def answers(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "recipient_already_knows": "Synthetic: knows of a conviction.",
        "confidentiality_understood": True,
        "how_to_use": "Synthetic: only to protect her children.",
        "what_to_report": "Synthetic: any contact, to the police.",
        "contact_and_support": "Synthetic: the public protection unit.",
        "breakdown_support": "Synthetic: refuge places.",
    }
    values.update(overrides)
    return values


def signed_by_all(world: World) -> dict[int, str]:
    return {r.pk: Undertaking.SIGNED for r in world.recipients}


def deliver(world: World, by: Any = None, **overrides: Any) -> Disclosure:
    disclosure = fresh(world.disclosure)
    kwargs: dict[str, Any] = {
        "disclosure": disclosure,
        "version": disclosure.version,
        "delivered_at": timezone.now() - timedelta(hours=1),
        "method": DeliveryMethod.IN_PERSON,
        "undertakings": signed_by_all(world),
        "by": by or world.practitioner,
    }
    kwargs.update(overrides)
    return services.disclosure_deliver(**kwargs)


# --- preparation --------------------------------------------------------------------------------


def test_preparation_saved_incomplete_with_changed_fields_audited(world: World):
    disclosure = world.disclosure
    services.preparation_record(
        disclosure=disclosure,
        version=disclosure.version,
        by=world.practitioner,
        **answers(how_to_use="", breakdown_support="", confidentiality_understood=False),
    )

    stored = fresh(disclosure)
    assert stored.recipient_already_knows == "Synthetic: knows of a conviction."
    assert stored.how_to_use == ""
    assert stored.status == DisclosureStatus.DECIDED
    assert stored.version == disclosure.version + 1
    (event,) = events(disclosure, Action.ALTERATION)
    assert sorted(event.changed_fields) == [
        "contact_and_support",
        "recipient_already_knows",
        "what_to_report",
    ]
    # Names of fields only: nothing typed about the recipient goes into the log.
    assert "conviction" not in str(event.detail) + event.summary


def test_preparation_unchanged_writes_nothing(world: World):
    disclosure = world.disclosure
    services.preparation_record(
        disclosure=disclosure,
        version=disclosure.version,
        by=world.practitioner,
        **answers(
            recipient_already_knows="",
            confidentiality_understood=False,
            how_to_use="",
            what_to_report="",
            contact_and_support="",
            breakdown_support="",
        ),
    )
    assert fresh(disclosure).version == disclosure.version
    assert not events(disclosure).exists()


def test_preparation_by_probation_of_the_area_allowed(world: World):
    services.preparation_record(
        disclosure=world.disclosure,
        version=world.disclosure.version,
        by=world.probation_practitioner,
        **answers(),
    )
    assert fresh(world.disclosure).how_to_use


@pytest.mark.parametrize("who", ["chair", "senior_manager", "health_practitioner", "south_coordinator"])
def test_preparation_refused_without_a_part_in_making_it(world: World, who: str):
    with pytest.raises(PermissionDenied):
        services.preparation_record(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            by=world.setup.user(who),
            **answers(),
        )
    assert fresh(world.disclosure).version == world.disclosure.version
    assert not events(world.disclosure).exists()


def test_preparation_stale_version_refused(world: World):
    with pytest.raises(DisclosureConflict, match="Someone else changed this disclosure record"):
        services.preparation_record(
            disclosure=world.disclosure,
            version=world.disclosure.version - 1,
            by=world.practitioner,
            **answers(),
        )
    assert fresh(world.disclosure).how_to_use == ""


def test_preparation_of_a_decision_not_to_disclose_refused(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    with pytest.raises(ApplicationError, match="decision was not to disclose"):
        services.preparation_record(
            disclosure=world.disclosure, version=world.disclosure.version, by=world.practitioner, **answers()
        )


def test_preparation_of_a_delivered_disclosure_refused(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    deliver(world)
    with pytest.raises(ApplicationError, match="This disclosure is delivered"):
        services.preparation_record(
            disclosure=world.disclosure,
            version=fresh(world.disclosure).version,
            by=world.practitioner,
            **answers(),
        )


def test_prepared_record_can_be_corrected_but_not_emptied(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    services.preparation_record(
        disclosure=disclosure,
        version=disclosure.version,
        by=world.practitioner,
        **answers(how_to_use="Synthetic: corrected."),
    )
    stored = fresh(disclosure)
    assert stored.how_to_use == "Synthetic: corrected."
    with pytest.raises(services.Blocked, match="must stay complete: record how the recipient may use"):
        services.preparation_record(
            disclosure=stored, version=stored.version, by=world.practitioner, **answers(how_to_use="")
        )
    assert fresh(disclosure).how_to_use == "Synthetic: corrected."


# --- key triggers -------------------------------------------------------------------------------


def test_trigger_added_and_removed(world: World):
    disclosure = world.disclosure
    trigger = services.trigger_add(
        disclosure=disclosure,
        version=world.disclosure.version,
        if_you_see="Synthetic: him at the gate",
        you_need_to="Call 999",
        by=world.practitioner,
    )
    assert DisclosureTrigger.objects.filter(disclosure=disclosure).count() == 1
    assert fresh(disclosure).version == disclosure.version + 1
    services.trigger_remove(trigger=trigger, version=world.disclosure.version + 1, by=world.practitioner)
    assert not DisclosureTrigger.objects.filter(disclosure=disclosure).exists()
    assert list(events(disclosure).values_list("action", flat=True).order_by("sequence")) == [
        Action.COLLECTION,
        Action.ERASURE,
    ]


@pytest.mark.parametrize(
    ("see", "do", "message"),
    [
        ("", "Call 999", "Enter what the recipient should look out for"),
        ("Synthetic: him at the gate", " ", "Enter what the recipient needs to do if they see it"),
    ],
)
def test_trigger_needs_both_halves(world: World, see: str, do: str, message: str):
    with pytest.raises(ApplicationError, match=message):
        services.trigger_add(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            if_you_see=see,
            you_need_to=do,
            by=world.practitioner,
        )
    assert not DisclosureTrigger.objects.exists()


def test_last_trigger_of_a_prepared_disclosure_kept(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    trigger = DisclosureTrigger.objects.get(disclosure=disclosure)
    with pytest.raises(ApplicationError, match="must keep at least one key trigger"):
        services.trigger_remove(trigger=trigger, version=disclosure.version, by=world.practitioner)
    services.trigger_add(
        disclosure=disclosure,
        version=disclosure.version,
        if_you_see="Synthetic: a car",
        you_need_to="Note it",
        by=world.practitioner,
    )
    services.trigger_remove(trigger=trigger, version=fresh(disclosure).version, by=world.practitioner)
    assert DisclosureTrigger.objects.filter(disclosure=disclosure).count() == 1


def test_trigger_refused_to_chair(world: World):
    with pytest.raises(PermissionDenied):
        services.trigger_add(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            if_you_see="a",
            you_need_to="b",
            by=world.chair,
        )


# --- the offender's involvement -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "detail", "field"),
    [
        ("", "Synthetic: he has threatened her.", "not_informed_reason"),
        ("unknown", "Synthetic: he has threatened her.", "not_informed_reason"),
        (NotInformedReason.INCREASE_RISK, "  ", "not_informed_detail"),
    ],
)
def test_not_informed_needs_reason_and_detail(world: World, reason: str, detail: str, field: str):
    with pytest.raises(ApplicationError) as refused:
        services.offender_involvement_record(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            involvement=OffenderInvolvement.NOT_INFORMED,
            not_informed_reason=reason,
            not_informed_detail=detail,
            by=world.practitioner,
        )
    assert refused.value.field == field
    assert fresh(world.disclosure).offender_involvement == ""


def test_not_informed_with_reason_recorded_and_cleared_when_told_after(world: World):
    services.offender_involvement_record(
        disclosure=world.disclosure,
        version=world.disclosure.version,
        involvement=OffenderInvolvement.NOT_INFORMED,
        not_informed_reason=NotInformedReason.INCREASE_RISK,
        not_informed_detail="Synthetic: he has threatened her.",
        by=world.practitioner,
    )
    assert fresh(world.disclosure).not_informed_reason == NotInformedReason.INCREASE_RISK
    services.offender_involvement_record(
        disclosure=world.disclosure,
        version=world.disclosure.version + 1,
        involvement=OffenderInvolvement.CONFIRMS_AFTER,
        not_informed_reason=NotInformedReason.INCREASE_RISK,
        by=world.practitioner,
    )
    stored = fresh(world.disclosure)
    assert (stored.offender_involvement, stored.not_informed_reason, stored.not_informed_detail) == (
        OffenderInvolvement.CONFIRMS_AFTER,
        "",
        "",
    )


def test_involvement_must_be_chosen(world: World):
    with pytest.raises(ApplicationError, match="Select whether the offender will be told"):
        services.offender_involvement_record(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            involvement="",
            by=world.practitioner,
        )


# --- the delivery plan --------------------------------------------------------------------------


def test_delivery_planned_for_a_probation_deliverer(world: World):
    day = timezone.localdate() + timedelta(days=3)
    services.delivery_plan(
        disclosure=world.disclosure,
        version=world.disclosure.version,
        deliverer=world.probation_practitioner,
        planned_delivery_date=day,
        by=world.practitioner,
    )
    stored = fresh(world.disclosure)
    assert (stored.planned_deliverer, stored.planned_delivery_date) == (world.probation_practitioner, day)
    (event,) = events(world.disclosure)
    assert sorted(event.changed_fields) == ["planned_deliverer", "planned_delivery_date"]


@pytest.mark.parametrize(
    ("deliverer", "days", "field", "message"),
    [
        (
            "health_practitioner",
            3,
            "deliverer",
            "Choose someone from the police, probation or prison service",
        ),
        ("south_coordinator", 3, "deliverer", "Choose someone from the police, probation or prison service"),
        (None, 3, "deliverer", "Choose who will deliver the disclosure"),
        ("practitioner", -1, "planned_delivery_date", "must be today or in the future"),
        ("practitioner", None, "planned_delivery_date", "Enter the date the disclosure will be delivered"),
    ],
)
def test_delivery_plan_refused(
    world: World, deliverer: str | None, days: int | None, field: str, message: str
):
    with pytest.raises(ApplicationError, match=message) as refused:
        services.delivery_plan(
            disclosure=world.disclosure,
            version=world.disclosure.version,
            deliverer=world.setup.user(deliverer) if deliverer else None,
            planned_delivery_date=None if days is None else timezone.localdate() + timedelta(days=days),
            by=world.practitioner,
        )
    assert refused.value.field == field
    assert fresh(world.disclosure).planned_deliverer is None


def test_deliverer_choices_are_the_area_responsible_authority_and_the_proposer(world: World):
    choices = set(selectors.deliverer_choices(disclosure=world.disclosure))
    assert {world.practitioner, world.chair, world.probation_practitioner, world.coordinator} <= choices
    assert world.health_practitioner not in choices
    assert world.south_coordinator not in choices


# --- marking as prepared ------------------------------------------------------------------------

# Each condition missing on its own, and the words the refusal (and the task list) use for it.
MISSING = [
    ({"recipient_already_knows": ""}, "Record what the recipient already knows"),
    ({"confidentiality_understood": False}, services.CONFIDENTIALITY_MISSING),
    ({"how_to_use": " "}, "Record how the recipient may use the information"),
    ({"what_to_report": ""}, "Record what the recipient must report if something happens, and to whom"),
    ({"contact_and_support": ""}, "Record whom the recipient can contact and how they can get support"),
    ({"breakdown_support": ""}, services.PREPARATION_TEXT[4][1]),
    ({"offender_involvement": ""}, "Record whether the offender will be told about the disclosure"),
    (
        {"offender_involvement": "not_informed", "not_informed_reason": ""},
        "Select why the offender will not be told",
    ),
    (
        {"offender_involvement": "not_informed", "not_informed_detail": ""},
        "Explain why the offender will not be told",
    ),
    ({"planned_deliverer": None}, "Choose who will deliver the disclosure"),
    ({"planned_delivery_date": None}, "Enter the date the disclosure will be delivered"),
]


@pytest.mark.parametrize(("missing", "message"), MISSING)
def test_mark_prepared_refused_for_each_missing_thing(world: World, missing: dict[str, Any], message: str):
    fields = dict(missing)
    involvement = fields.pop("offender_involvement", "informed_before")
    disclosure = prepared(
        world.disclosure, deliverer=world.practitioner, mark=False, involvement=involvement, **fields
    )
    assert services.preparation_blockers(disclosure) == [message]
    with pytest.raises(services.Blocked, match="cannot be marked as prepared yet") as refused:
        services.disclosure_mark_prepared(
            disclosure=disclosure, version=disclosure.version, by=world.practitioner
        )
    assert message[0].lower() + message[1:] in refused.value.message
    assert fresh(disclosure).status == DisclosureStatus.DECIDED
    assert not events(disclosure).exists()


def test_mark_prepared_refused_without_a_trigger(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, mark=False)
    DisclosureTrigger.objects.filter(disclosure=disclosure).delete()
    assert services.preparation_blockers(disclosure) == [services.TRIGGER_MISSING]
    with pytest.raises(services.Blocked, match="add at least one key trigger"):
        services.disclosure_mark_prepared(
            disclosure=disclosure, version=disclosure.version, by=world.practitioner
        )


def test_mark_prepared_lists_everything_missing(world: World):
    with pytest.raises(services.Blocked) as refused:
        services.disclosure_mark_prepared(
            disclosure=world.disclosure, version=world.disclosure.version, by=world.practitioner
        )
    assert len(refused.value.problems) == 10  # six questions, a trigger, involvement, who and when


def test_mark_prepared_when_everything_is_recorded(world: World):
    disclosure = prepared(
        world.disclosure, deliverer=world.practitioner, mark=False, involvement="not_informed"
    )
    assert services.preparation_blockers(disclosure) == []
    services.disclosure_mark_prepared(
        disclosure=disclosure, version=disclosure.version, by=world.practitioner
    )
    stored = fresh(disclosure)
    assert stored.status == DisclosureStatus.PREPARED
    assert (stored.prepared_by, stored.prepared_at is not None) == (world.practitioner, True)
    assert steps(disclosure) == [services.STEP_PREPARED]
    (event,) = events(disclosure)
    assert sorted(event.changed_fields) == ["prepared_at", "prepared_by", "status"]


def test_mark_prepared_of_a_decision_not_to_disclose_refused(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    with pytest.raises(ApplicationError, match="decision was not to disclose"):
        services.disclosure_mark_prepared(
            disclosure=world.disclosure, version=world.disclosure.version, by=world.practitioner
        )


def test_mark_prepared_stale_version_refused(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, mark=False)
    with pytest.raises(DisclosureConflict):
        services.disclosure_mark_prepared(
            disclosure=disclosure, version=disclosure.version - 1, by=world.practitioner
        )


# --- telling the recipient the offender does not know -------------------------------------------


def test_recipient_told_only_when_the_offender_is_not_told(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    with pytest.raises(ApplicationError, match="nothing to confirm"):
        services.recipient_told_offender_unaware(
            recipient=world.recipients[0], version=disclosure.version, by=world.practitioner
        )


def test_recipient_told_recorded(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    recipient = world.recipients[0]
    services.recipient_told_offender_unaware(
        recipient=recipient, version=disclosure.version, by=world.practitioner
    )
    assert DisclosureRecipient.objects.get(pk=recipient.pk).told_offender_unaware
    (event,) = events(disclosure)
    assert event.changed_fields == ["recipients.told_offender_unaware"]
    assert event.detail == {"recipient_id": recipient.pk}


def test_recipient_told_refused_to_chair(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    with pytest.raises(PermissionDenied):
        services.recipient_told_offender_unaware(
            recipient=world.recipients[0], version=disclosure.version, by=world.chair
        )


# --- delivery -----------------------------------------------------------------------------------


def test_delivery_refused_before_preparation(world: World):
    with pytest.raises(ApplicationError, match="This disclosure is decided, so this can no longer be done"):
        deliver(world)
    assert not events(world.disclosure).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"method": DeliveryMethod.WRITING},
            "method_reason",
            "Explain why the disclosure was not made in person",
        ),
        ({"method": DeliveryMethod.TELEPHONE, "method_reason": "  "}, "method_reason", "not made in person"),
        ({"method": "pigeon"}, "method", "Select how the disclosure was made"),
        ({"delivered_at": timezone.now() + timedelta(hours=2)}, "delivered_at", "must be in the past"),
        ({"delivered_at": timezone.now() - timedelta(days=30)}, "delivered_at", "before it was decided"),
        ({"delivered_at": None}, "delivered_at", "Enter when the disclosure was made"),
        ({"undertakings": {}}, None, "signed the confidentiality undertaking or refused"),
    ],
)
def test_delivery_refused(world: World, change: dict[str, Any], field: str | None, message: str):
    prepared(world.disclosure, deliverer=world.practitioner)
    # A list of what is missing reads as one sentence: its items start in lower case.
    with pytest.raises(ApplicationError, match=f"(?i){message}") as refused:
        deliver(world, **change)
    assert refused.value.field == field
    stored = fresh(world.disclosure)
    assert stored.status == DisclosureStatus.PREPARED
    assert not DisclosureRecipient.objects.exclude(undertaking="").exists()
    assert not events(world.disclosure).exists()


def test_delivery_refused_for_a_missing_undertaking_names_the_recipient(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    with pytest.raises(services.Blocked) as refused:
        deliver(world, undertakings={first.pk: Undertaking.SIGNED, second.pk: "maybe"})
    assert refused.value.problems == [
        (
            f"undertaking_{second.pk}",
            f"Select whether {second.name} signed the confidentiality undertaking or refused",
        )
    ]
    assert refused.value.field == f"undertaking_{second.pk}"


def test_delivery_refused_until_each_recipient_told_the_offender_does_not_know(world: World):
    prepared(world.disclosure, deliverer=world.practitioner, involvement="not_informed")
    first, second = world.recipients
    DisclosureRecipient.objects.filter(pk=first.pk).update(told_offender_unaware=True)
    expected = f"Record that {second.name} was told the offender does not know about the disclosure"
    assert services.waiting_for_recipients(world.disclosure) == [expected]
    with pytest.raises(services.Blocked, match="was told the offender does not know") as refused:
        deliver(world)
    assert refused.value.problems == [(None, expected)]
    DisclosureRecipient.objects.filter(pk=second.pk).update(told_offender_unaware=True)
    assert deliver(world).status == DisclosureStatus.DELIVERED


def test_delivery_blockers_in_words(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    assert (
        services.delivery_blockers(
            world.disclosure, method=DeliveryMethod.IN_PERSON, undertakings=signed_by_all(world)
        )
        == []
    )
    assert services.delivery_blockers(world.disclosure, method=DeliveryMethod.VIDEO, undertakings={}) == [
        "Explain why the disclosure was not made in person",
        *(
            f"Select whether {r.name} signed the confidentiality undertaking or refused"
            for r in world.recipients
        ),
    ]


def test_delivery_writes_the_disclosure_log_naming_every_recipient(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    item = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.police)
    # The decision's own item (its summary), one added here, and one whose owner refused.
    chosen = list(DisclosureItem.objects.filter(disclosure=disclosure).values_list("item_id", flat=True))
    refused = ItemFactory(nominal=world.police_nominal, owner_agency=world.north.probation)
    DisclosureItem(disclosure=disclosure, item=refused, fields=["summary"], owner_refused=True).save(
        override=True
    )
    DisclosureItem(disclosure=disclosure, item=item, fields=["summary"]).save(override=True)
    at = timezone.now() - timedelta(hours=2)
    done = deliver(
        world,
        delivered_at=at,
        method=DeliveryMethod.VIDEO,
        method_reason="Synthetic: she lives two hundred miles away.",
        delivered_with="Synthetic: a probation officer",
        note="Synthetic: she took it calmly.",
    )

    stored = fresh(disclosure)
    assert done.status == stored.status == DisclosureStatus.DELIVERED
    assert (stored.delivered_by, stored.delivered_at, stored.delivery_method) == (
        world.practitioner,
        at,
        "video",
    )
    assert stored.delivery_method_reason == "Synthetic: she lives two hundred miles away."
    assert set(
        DisclosureRecipient.objects.filter(disclosure=disclosure).values_list("undertaking", flat=True)
    ) == {Undertaking.SIGNED}
    assert steps(disclosure) == [services.STEP_DELIVERED]
    (event,) = events(disclosure, Action.DISCLOSURE)
    assert event.recipients == [f"{r.name} ({r.get_kind_display()})" for r in world.recipients]
    assert PURPOSE in event.justification
    assert "Common law police powers" in event.justification
    assert event.detail == {
        "items": [*chosen, item.pk],
        "fields": {str(pk): ["summary"] for pk in [*chosen, item.pk]},
        "method": "video",
        "delivered_at": at.isoformat(),
    }
    assert event.actor_username == world.practitioner.username


def test_in_person_delivery_keeps_no_method_reason(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    deliver(world, method_reason="Synthetic: not needed")
    assert fresh(world.disclosure).delivery_method_reason == ""


def test_delivery_stale_version_refused(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    with pytest.raises(DisclosureConflict):
        deliver(world, version=disclosure.version - 1)
    assert not events(disclosure, Action.DISCLOSURE).exists()


def test_delivery_refused_to_a_user_who_cannot_record(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    with pytest.raises(PermissionDenied):
        deliver(world, by=world.chair)
    assert not events(world.disclosure).exists()


def test_refused_undertaking_returns_the_disclosure_and_logs_no_disclosure(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    done = deliver(world, undertakings={first.pk: Undertaking.SIGNED, second.pk: Undertaking.REFUSED})

    stored = fresh(world.disclosure)
    assert done.status == stored.status == DisclosureStatus.RETURNED
    assert stored.returned_at is not None
    assert second.name in stored.return_reason and first.name not in stored.return_reason
    assert (stored.delivered_at, stored.delivered_by) == (None, None)
    undertakings = dict(
        DisclosureRecipient.objects.filter(disclosure=stored).values_list("pk", "undertaking")
    )
    assert undertakings == {first.pk: Undertaking.SIGNED, second.pk: Undertaking.REFUSED}
    assert steps(stored) == [services.STEP_RETURNED]
    assert not events(stored, Action.DISCLOSURE).exists()
    (event,) = events(stored)
    assert event.detail == {"refused_recipients": [second.pk]}
    assert event.recipients == []


# --- after a refused undertaking -------------------------------------------------------------------


def _returned(world: World) -> Disclosure:
    prepared(world.disclosure, deliverer=world.practitioner)
    first, second = world.recipients
    return deliver(world, undertakings={first.pk: Undertaking.SIGNED, second.pk: Undertaking.REFUSED})


def test_reconsider_proceed_then_deliver_without_the_refused_undertaking(world: World):
    returned = _returned(world)
    first, second = world.recipients
    services.disclosure_reconsider(
        disclosure=returned, version=returned.version, proceed=True, note=NOTE, by=world.chair
    )
    stored = fresh(returned)
    assert stored.status == DisclosureStatus.PREPARED
    assert stored.reconsideration_note == NOTE
    assert DisclosureRecipient.objects.get(pk=second.pk).undertaking == Undertaking.PROCEED_WITHOUT

    # The recipient the decision-maker proceeds without is not asked again.
    done = deliver(world, undertakings={first.pk: Undertaking.SIGNED})
    assert done.status == DisclosureStatus.DELIVERED
    assert steps(stored) == [services.STEP_RETURNED, services.STEP_RECONSIDERED, services.STEP_DELIVERED]
    (event,) = events(stored, Action.DISCLOSURE)
    assert len(event.recipients) == 2


def test_reconsider_not_proceed_becomes_a_decision_not_to_disclose_then_reviewed(world: World):
    returned = _returned(world)
    earlier_rationale = returned.decision_rationale
    services.disclosure_reconsider(
        disclosure=returned, version=returned.version, proceed=False, note=NOTE, by=world.chair
    )
    stored = fresh(returned)
    assert (stored.outcome, stored.status) == (Outcome.DO_NOT_DISCLOSE, DisclosureStatus.DECIDED)
    assert stored.decision_rationale.startswith(earlier_rationale)
    assert NOTE in stored.decision_rationale
    step = DisclosureStep.objects.get(disclosure=stored, step=services.STEP_RECONSIDERED)
    # The earlier decision stays on the record's history.
    assert "Earlier decision: Disclose" in step.note and earlier_rationale in step.note
    assert selectors.awaiting_review(fetched_by=world.practitioner).filter(pk=stored.pk).exists()

    services.disclosure_review(disclosure=stored, version=stored.version, note=NOTE, by=world.practitioner)
    assert fresh(stored).status == DisclosureStatus.REVIEWED
    assert not events(stored, Action.DISCLOSURE).exists()


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "Enter the reason for your decision"), ("Too short", "20 characters or more")],
)
def test_reconsider_needs_a_reason(world: World, note: str, message: str):
    returned = _returned(world)
    with pytest.raises(ApplicationError, match=message):
        services.disclosure_reconsider(
            disclosure=returned, version=returned.version, proceed=True, note=note, by=world.chair
        )
    assert fresh(returned).status == DisclosureStatus.RETURNED


@pytest.mark.parametrize("who", ["practitioner", "coordinator", "south_coordinator"])
def test_reconsider_only_by_a_decision_maker(world: World, who: str):
    returned = _returned(world)
    with pytest.raises(PermissionDenied):
        services.disclosure_reconsider(
            disclosure=returned, version=returned.version, proceed=True, note=NOTE, by=world.setup.user(who)
        )
    assert fresh(returned).status == DisclosureStatus.RETURNED


def test_reconsider_only_when_returned(world: World):
    disclosure = prepared(world.disclosure, deliverer=world.practitioner)
    with pytest.raises(ApplicationError, match="This disclosure is prepared"):
        services.disclosure_reconsider(
            disclosure=disclosure, version=disclosure.version, proceed=True, note=NOTE, by=world.chair
        )


# --- review -------------------------------------------------------------------------------------


def test_review_of_a_delivered_disclosure(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    delivered = deliver(world)
    services.disclosure_review(
        disclosure=delivered, version=delivered.version, note=NOTE, by=world.coordinator
    )
    stored = fresh(delivered)
    assert (stored.status, stored.reviewed_by, stored.review_note) == (
        DisclosureStatus.REVIEWED,
        world.coordinator,
        NOTE,
    )
    assert steps(stored)[-1] == services.STEP_REVIEWED


def test_review_of_a_decision_not_to_disclose(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    services.disclosure_review(
        disclosure=world.disclosure, version=world.disclosure.version, note=NOTE, by=world.practitioner
    )
    assert fresh(world.disclosure).status == DisclosureStatus.REVIEWED
    (event,) = events(world.disclosure)
    assert sorted(event.changed_fields) == ["review_note", "reviewed_at", "reviewed_by", "status"]


def test_review_refused_before_delivery(world: World):
    with pytest.raises(ApplicationError, match="has not been made yet"):
        services.disclosure_review(
            disclosure=world.disclosure, version=world.disclosure.version, note=NOTE, by=world.practitioner
        )
    prepared(world.disclosure, deliverer=world.practitioner)
    with pytest.raises(ApplicationError, match="This disclosure is prepared"):
        services.disclosure_review(
            disclosure=world.disclosure,
            version=fresh(world.disclosure).version,
            note=NOTE,
            by=world.practitioner,
        )


def test_review_needs_a_note(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    with pytest.raises(ApplicationError, match="Enter what happened and any further action"):
        services.disclosure_review(
            disclosure=world.disclosure, version=world.disclosure.version, note="  ", by=world.practitioner
        )


def test_review_refused_to_chair(db):
    world = build_world(outcome=Outcome.DO_NOT_DISCLOSE)
    with pytest.raises(PermissionDenied):
        services.disclosure_review(
            disclosure=world.disclosure, version=world.disclosure.version, note=NOTE, by=world.chair
        )


# --- selectors ----------------------------------------------------------------------------------


def test_overdue_deliveries(world: World):
    setup = world.setup
    yesterday = timezone.localdate() - timedelta(days=1)
    decided_late = world.disclosure
    Disclosure.objects.filter(pk=decided_late.pk).update(planned_delivery_date=yesterday)
    prepared_late = prepared(decided(setup), deliverer=setup.practitioner, planned=yesterday)
    prepared_on_time = prepared(decided(setup), deliverer=setup.practitioner)
    delivered_late = decided(
        setup,
        status=DisclosureStatus.DELIVERED,
        planned_delivery_date=yesterday,
        delivered_at=timezone.now(),
        delivered_by=setup.practitioner,
    )
    not_disclosing = decided(setup, outcome=Outcome.DO_NOT_DISCLOSE, planned_delivery_date=yesterday)

    overdue = list(selectors.overdue_deliveries(fetched_by=setup.practitioner))
    assert set(overdue) == {decided_late, prepared_late}
    for late in (decided_late, prepared_late):
        assert selectors.is_delivery_overdue(fresh(late))
    for other in (prepared_on_time, delivered_late, not_disclosing):
        assert not selectors.is_delivery_overdue(fresh(other))
    # Scoped like every read: South's co-ordinator and a user without the permission see none.
    assert not selectors.overdue_deliveries(fetched_by=setup.south_coordinator).exists()
    assert not selectors.overdue_deliveries(fetched_by=setup.senior_manager).exists()
    assert not selectors.overdue_deliveries(fetched_by=setup.health_practitioner).exists()


def test_open_and_awaiting_review(world: World):
    setup = world.setup
    reviewed = decided(setup, status=DisclosureStatus.REVIEWED, reviewed_at=timezone.now())
    not_disclosing = decided(setup, outcome=Outcome.DO_NOT_DISCLOSE)
    delivered = decided(
        setup, status=DisclosureStatus.DELIVERED, delivered_at=timezone.now(), delivered_by=setup.practitioner
    )
    proposal = DisclosureFactory(nominal=setup.police_nominal)

    open_ = set(selectors.open_disclosures(fetched_by=setup.chair))
    assert open_ == {world.disclosure, not_disclosing, delivered, proposal}
    assert reviewed not in open_
    assert set(selectors.awaiting_review(fetched_by=setup.chair)) == {not_disclosing, delivered}
    assert not selectors.open_disclosures(fetched_by=setup.south_coordinator).exists()


def test_trigger_list_is_scoped(world: World):
    prepared(world.disclosure, deliverer=world.practitioner)
    assert selectors.trigger_list(fetched_by=world.practitioner).count() == 1
    assert not selectors.trigger_list(fetched_by=world.south_coordinator).exists()
    assert not selectors.trigger_list(fetched_by=world.health_practitioner).exists()
