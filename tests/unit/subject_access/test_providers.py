"""The kinds of record that "finding everything" covers beyond information items and minutes:
each found for the subject, owned by the agency that answers for it, with a reference-only
label, and left out when made outside the request's dates."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mappa.nominals.models import ChangedField, ChangeReason, NominalStatusChange
from mappa.people.models import Person
from mappa.subject_access import providers
from mappa.subject_access import services_routing as routing
from mappa.subject_access.models import ItemKind, PartItem, RequestStatus
from tests.factories.disclosures import DisclosureFactory, RecipientFactory
from tests.factories.people import make_person
from tests.factories.risk_management import (
    PersonAtRiskFactory,
    PlanActionFactory,
    PlanFactory,
    RiskAssessmentFactory,
)
from tests.factories.subject_access import RequestFactory, verified
from tests.unit.subject_access.sar_world import SarWorld, sar_world

pytestmark = pytest.mark.django_db

SUMMARY = "Synthetic: he has a conviction for offences against children."


def _of(found: list[providers.Found], kind: str) -> list[providers.Found]:
    return [item for item in found if item.kind == kind]


def _text(item: providers.Found) -> str:
    return "\n".join(f"{section['label']}: {section['text']}" for section in item.content)


def _victim(world: SarWorld) -> Person:
    # Recorded by health; at risk from the nominal (recorded by police) and told by police.
    return make_person(world.health, forenames="Morwenna", surname="Pascoe", dob=(1988, 9, 14))


def _backdate(row: object, days: int = 400) -> None:
    row.created_at = timezone.now() - timedelta(days=days)  # type: ignore[attr-defined]
    row.save(override=True)  # type: ignore[attr-defined]


def test_person_record_is_its_source_agencys() -> None:
    world = sar_world()
    person = make_person(
        world.health,
        forenames="Aldous",
        surname="Quennell",
        postcode="DH99 1ZZ",
        aliases=[("Al", "Quenell")],
        identifiers=[("nhs_number", "9434765919")],
        source_ref="HEALTH-77",
    )
    [found] = _of(providers.collect([person.pk]), ItemKind.PERSON_RECORD)
    assert found.owner_agency_id == world.health.pk
    assert found.object_id == person.pk
    assert found.label == "Person record HEALTH-77"
    text = _text(found)
    assert "QUENNELL, Aldous (Current name)" in text and "QUENELL, Al (Alias)" in text
    assert "17 May 1980" in text and "DH99 1ZZ" in text and "NHS number 9434765919" in text


def test_nominal_record_with_its_history_is_the_lead_agencys() -> None:
    world = sar_world()
    change = NominalStatusChange(
        nominal=world.nominal,
        field=ChangedField.LEVEL,
        from_value="1",
        to_value="2",
        from_label="Level 1",
        to_label="Level 2",
        reason=ChangeReason.RISK_INCREASED,
        effective_date=date(2025, 3, 4),
        changed_by=world.other_officer,
    )
    change.save(override=True)
    [found] = _of(providers.collect([world.person.pk]), ItemKind.NOMINAL)
    assert found.owner_agency_id == world.nominal.lead_agency_id == world.probation.pk
    assert found.label.startswith(f"MAPPA nominal record NOM-{world.nominal.pk:06d}")
    text = _text(found)
    assert world.nominal.get_category_display() in text
    assert "4 March 2025: Level changed from Level 1 to Level 2" in text


def test_risk_assessment_is_the_assessing_agencys_and_respects_scope() -> None:
    world = sar_world()
    recent = RiskAssessmentFactory(nominal=world.nominal, assessing_agency=world.police)
    old = RiskAssessmentFactory(
        nominal=world.nominal,
        assessing_agency=world.police,
        assessed_on=timezone.localdate() - timedelta(days=400),
    )
    found = _of(providers.collect([world.person.pk]), ItemKind.RISK_ASSESSMENT)
    assert {item.object_id for item in found} == {recent.pk, old.pk}
    assert {item.owner_agency_id for item in found} == {world.police.pk}
    text = _text(next(item for item in found if item.object_id == recent.pk))
    assert "OASys" in text and "Children: High" in text and "Synthetic scenario" in text
    in_scope = providers.collect([world.person.pk], timezone.localdate() - timedelta(days=60))
    assert [item.object_id for item in _of(in_scope, ItemKind.RISK_ASSESSMENT)] == [recent.pk]


def test_plan_version_is_one_item_of_the_plans_owner() -> None:
    world = sar_world()
    plan = PlanFactory(
        nominal=world.nominal,
        owner_agency=world.probation,
        licence_conditions="Synthetic: not to enter the Example Road exclusion zone.",
    )
    # An action owned by another agency stays inside the plan: one item, the owner's.
    PlanActionFactory(plan=plan, owner_agency=world.health, description="Synthetic: weekly clinic")
    [found] = _of(providers.collect([world.person.pk]), ItemKind.RISK_MANAGEMENT_PLAN)
    assert found.object_id == plan.pk
    assert found.owner_agency_id == world.probation.pk
    assert found.label.startswith(f"Risk management plan {plan.reference}")
    text = _text(found)
    assert "Example Road exclusion zone" in text
    assert f"Supervision: Synthetic: weekly clinic ({world.health.name}" in text


def test_person_at_risk_and_disclosure_recipient_found_for_the_person_told() -> None:
    world = sar_world()
    victim = _victim(world)
    at_risk = PersonAtRiskFactory(
        nominal=world.nominal,
        person=victim,
        recorded_by_agency=world.police,
        description="Former partner",
        address_confidential=True,
    )
    disclosure = DisclosureFactory(
        nominal=world.nominal, proposing_agency=world.police, information_summary=SUMMARY
    )
    told = RecipientFactory(disclosure=disclosure, person=victim, undertaking="signed")
    found = providers.collect([victim.pk])
    [record] = _of(found, ItemKind.PERSON_AT_RISK)
    assert (record.object_id, record.owner_agency_id) == (at_risk.pk, world.police.pk)
    text = _text(record)
    assert f"NOM-{world.nominal.pk:06d}" in text and "Former partner" in text
    assert "Address kept confidential" in text
    # The nominal by reference only: their name is their data, not the person at risk's.
    assert "QUENNELL" not in text.upper()
    [recipient] = _of(found, ItemKind.DISCLOSURE_RECIPIENT)
    assert (recipient.object_id, recipient.owner_agency_id) == (told.pk, world.police.pk)
    assert disclosure.reference in recipient.label
    text = _text(recipient)
    assert SUMMARY in text and "Not yet told" in text and "Signed" in text
    # Not the disclosure record about the nominal: that is the nominal's, not hers.
    assert not _of(found, ItemKind.DISCLOSURE)
    # The nominal's own search does not find her records.
    assert not _of(providers.collect([world.person.pk]), ItemKind.PERSON_AT_RISK)


def test_new_kinds_out_of_scope_are_left_out() -> None:
    world = sar_world()
    victim = _victim(world)
    rows = [
        world.person,
        world.nominal,
        victim,
        PlanFactory(nominal=world.nominal),
        PersonAtRiskFactory(nominal=world.nominal, person=victim, recorded_by_agency=world.police),
        RecipientFactory(disclosure=DisclosureFactory(nominal=world.nominal), person=victim),
    ]
    for row in rows:
        _backdate(row)
    RiskAssessmentFactory(nominal=world.nominal, assessed_on=timezone.localdate() - timedelta(days=400))
    since = timezone.localdate() - timedelta(days=30)
    kinds = {item.kind for item in providers.collect([world.person.pk, victim.pk])}
    assert kinds >= {
        ItemKind.PERSON_RECORD,
        ItemKind.NOMINAL,
        ItemKind.RISK_ASSESSMENT,
        ItemKind.RISK_MANAGEMENT_PLAN,
        ItemKind.PERSON_AT_RISK,
        ItemKind.DISCLOSURE_RECIPIENT,
    }
    # The disclosure record about the nominal was made today, so it alone stays in scope.
    kept = providers.collect([world.person.pk, victim.pk], since)
    assert {item.kind for item in kept} == {ItemKind.DISCLOSURE}
    until = providers.collect([world.person.pk, victim.pk], None, since)
    assert ItemKind.DISCLOSURE not in {item.kind for item in until}


def test_a_request_from_a_person_at_risk_routes_to_the_recording_agency() -> None:
    world = sar_world()
    victim = _victim(world)
    PersonAtRiskFactory(
        nominal=world.nominal, person=victim, recorded_by_agency=world.police, description="Former partner"
    )
    RecipientFactory(
        disclosure=DisclosureFactory(
            nominal=world.nominal, proposing_agency=world.police, information_summary=SUMMARY
        ),
        person=victim,
    )
    request = verified(
        RequestFactory(
            receiving_agency=world.police,
            recorded_by=world.officer,
            subject_name="Morwenna Pascoe",
            subject_date_of_birth=date(1988, 9, 14),
        )
    )
    results = routing.subject_search(request=request, by=world.officer)
    [result] = [r for r in results if r.person_id == victim.pk]
    assert {(h.agency, h.count) for h in result.holdings} == {(world.police.name, 2), (world.health.name, 1)}
    routing.subject_records_confirm(
        request=request, version=request.version, person_ids=[victim.pk], note="Match", by=world.officer
    )
    request.refresh_from_db()
    plan = {(p.agency.pk, p.count) for p in routing.routing_plan(request)}
    assert plan == {(world.police.pk, 2), (world.health.pk, 1)}
    parts = {
        part.agency_id: part
        for part in routing.route(request=request, version=request.version, by=world.officer)
    }
    assert set(parts) == {world.police.pk, world.health.pk}
    police_kinds = set(PartItem.objects.filter(part=parts[world.police.pk]).values_list("kind", flat=True))
    assert police_kinds == {ItemKind.PERSON_AT_RISK, ItemKind.DISCLOSURE_RECIPIENT}
    assert list(PartItem.objects.filter(part=parts[world.health.pk]).values_list("kind", flat=True)) == [
        ItemKind.PERSON_RECORD
    ]
    # Nothing of the nominal's own records goes into her request.
    assert not PartItem.objects.filter(
        kind__in=[ItemKind.NOMINAL, ItemKind.DISCLOSURE, ItemKind.RISK_MANAGEMENT_PLAN]
    ).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.ROUTED
