from datetime import timedelta

import pytest
from django.utils import timezone

from mappa.agencies import services
from mappa.agencies.models import (
    AgreementPurpose,
    AgreementStatus,
    DataCategory,
    InformationSharingAgreement,
    LawfulBasis,
)
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from tests.factories.agencies import AgreementFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _create(north, **overrides):
    fields = {
        "area": north.area,
        "title": "North housing agreement",
        "reference": "NORTH-HOUSING-ISA",
        "parties": [north.police, north.health],
        "purposes": [AgreementPurpose.MAPPA],
        "lawful_bases": [LawfulBasis.CJA_2003_S325],
        "data_categories": [DataCategory.ADDRESSES],
        "start_date": TODAY,
        "review_date": TODAY + timedelta(days=365),
        "notes": "",
        "by": north.coordinator,
    }
    return services.agreement_create(**{**fields, **overrides})


def _update(agreement, by, **overrides):
    fields = {
        "version": agreement.version,
        "title": agreement.title,
        "reference": agreement.reference,
        "parties": list(agreement.parties.all()),
        "purposes": agreement.purposes,
        "lawful_bases": agreement.lawful_bases,
        "data_categories": agreement.data_categories,
        "start_date": agreement.start_date,
        "review_date": agreement.review_date,
        "notes": agreement.notes,
    }
    return services.agreement_update(agreement=agreement, by=by, **{**fields, **overrides})


def _events(agreement):
    return AuditEvent.objects.filter(object_type="agreement", object_id=str(agreement.pk))


# agreement_create


@pytest.mark.parametrize("role", ["mappa_coordinator", "senior_manager"])
def test_agreement_create_by_agreement_manager_writes_draft_and_event(north, role):
    agreement = _create(north, by=north.user(role))

    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.version == 1
    assert set(agreement.parties.all()) == {north.police, north.health}
    event = _events(agreement).get()
    assert event.action == Action.COLLECTION
    assert event.object_agency_id is None


def test_agreement_create_by_practitioner_is_denied(north):
    with pytest.raises(PermissionDenied):
        _create(north, by=north.practitioner)
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").exists()
    assert not AuditEvent.objects.exists()


def test_agreement_create_for_area_not_served_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        _create(north, area=south.area, parties=[south.police, south.health])


@pytest.mark.parametrize("days", [0, -1])
def test_agreement_create_review_date_not_after_start_is_refused(north, days):
    with pytest.raises(ApplicationError) as error:
        _create(north, review_date=TODAY + timedelta(days=days))
    assert error.value.field == "review_date"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field", ["purposes", "lawful_bases", "data_categories"])
def test_agreement_create_empty_list_is_refused(north, field):
    with pytest.raises(ApplicationError) as error:
        _create(north, **{field: []})
    assert error.value.field == field


@pytest.mark.parametrize("field", ["purposes", "lawful_bases", "data_categories"])
def test_agreement_create_unknown_choice_is_refused(north, field):
    with pytest.raises(ApplicationError) as error:
        _create(north, **{field: ["mappa", "identifiers", "cja2003_s325", "invented"]})
    assert error.value.field == field


def test_agreement_create_stores_choices_once_in_list_order(north):
    agreement = _create(
        north, data_categories=[DataCategory.RISK, DataCategory.IDENTIFIERS, DataCategory.RISK]
    )
    assert agreement.data_categories == ["identifiers", "risk"]


def test_agreement_create_party_of_other_area_is_refused(north, south):
    with pytest.raises(ApplicationError) as error:
        _create(north, parties=[north.police, south.police])
    assert error.value.field == "parties"
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").exists()


def test_agreement_create_inactive_party_is_refused(north):
    north.health.is_active = False
    north.health.save(override=True)
    with pytest.raises(ApplicationError) as error:
        _create(north)
    assert error.value.field == "parties"


def test_agreement_create_draft_may_have_fewer_than_two_parties(north):
    assert _create(north, parties=[]).parties.count() == 0


def test_agreement_create_duplicate_reference_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, reference="north-isa")
    assert error.value.field == "reference"


@pytest.mark.parametrize("field", ["title", "reference"])
def test_agreement_create_blank_text_is_refused(north, field):
    with pytest.raises(ApplicationError) as error:
        _create(north, **{field: " "})
    assert error.value.field == field


def test_agreement_create_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _create(north)
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").exists()


# agreement_update


def test_agreement_update_bumps_version_and_records_changed_fields(north):
    agreement = _update(
        north.agreement,
        north.senior_manager,
        title="North MAPPA agreement (revised)",
        parties=[north.police, north.probation, north.health],
    )

    assert agreement.version == 2
    assert agreement.title == "North MAPPA agreement (revised)"
    assert agreement.parties.count() == 3
    event = _events(agreement).get()
    assert event.action == Action.ALTERATION
    assert event.changed_fields == ["parties", "title"]


def test_agreement_update_from_stale_version_is_refused(north):
    _update(north.agreement, north.coordinator, notes="First edit")
    with pytest.raises(ApplicationError) as error:
        _update(north.agreement, north.senior_manager, version=1, title="Second edit, from version 1")

    assert error.value.message.startswith("Someone else changed this agreement")
    assert error.value.field is None
    north.agreement.refresh_from_db()
    assert (north.agreement.version, north.agreement.title) == (2, "North MAPPA agreement")
    assert _events(north.agreement).count() == 1


def test_agreement_update_without_change_keeps_version_and_writes_no_event(north):
    agreement = _update(north.agreement, north.coordinator)
    assert agreement.version == 1
    assert not AuditEvent.objects.exists()


def test_agreement_update_active_with_one_party_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _update(north.agreement, north.coordinator, parties=[north.police])
    assert error.value.field == "parties"
    assert north.agreement.parties.count() == 2


def test_agreement_update_keeps_existing_party_after_it_is_deactivated(north):
    north.probation.is_active = False
    north.probation.save(override=True)
    agreement = _update(north.agreement, north.coordinator, notes="Dates confirmed")
    assert north.probation in agreement.parties.all()


def test_agreement_update_party_of_other_area_is_refused(north, south):
    with pytest.raises(ApplicationError) as error:
        _update(north.agreement, north.coordinator, parties=[north.police, north.probation, south.health])
    assert error.value.field == "parties"


def test_agreement_update_review_date_not_after_start_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _update(north.agreement, north.coordinator, review_date=north.agreement.start_date)
    assert error.value.field == "review_date"


def test_agreement_update_ended_agreement_is_refused(north):
    north.agreement.status = AgreementStatus.ENDED
    north.agreement.save(override=True)
    with pytest.raises(ApplicationError):
        _update(north.agreement, north.coordinator, title="Reopened")


def test_agreement_update_by_practitioner_is_denied(north):
    with pytest.raises(PermissionDenied):
        _update(north.agreement, north.practitioner, title="Changed")


def test_agreement_update_of_other_area_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        _update(south.agreement, north.coordinator, title="Changed")


def test_agreement_update_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _update(north.agreement, north.coordinator, title="Changed", parties=[north.police, north.health])
    north.agreement.refresh_from_db()
    assert (north.agreement.version, north.agreement.title) == (1, "North MAPPA agreement")
    assert set(north.agreement.parties.all()) == {north.police, north.probation}


# agreement_set_status


def _draft(north, **kwargs):
    return AgreementFactory(
        area=north.area,
        status=AgreementStatus.DRAFT,
        start_date=TODAY,
        review_date=TODAY + timedelta(days=365),
        **kwargs,
    )


def test_agreement_set_status_activates_draft(north):
    draft = _draft(north, parties=[north.police, north.health])
    agreement = services.agreement_set_status(
        agreement=draft, status=AgreementStatus.ACTIVE, version=1, by=north.coordinator
    )

    assert (agreement.status, agreement.version) == (AgreementStatus.ACTIVE, 2)
    event = _events(agreement).get()
    assert event.changed_fields == ["status"]
    assert event.detail["from"] == "draft"
    assert event.detail["to"] == "active"


def test_agreement_set_status_activation_needs_two_parties(north):
    draft = _draft(north, parties=[north.police])
    with pytest.raises(ApplicationError) as error:
        services.agreement_set_status(agreement=draft, status="active", version=1, by=north.coordinator)
    assert error.value.field == "status"
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_agreement_set_status_activation_refused_once_review_date_passed(north):
    draft = AgreementFactory(
        area=north.area,
        status=AgreementStatus.DRAFT,
        parties=[north.police, north.health],
        start_date=TODAY - timedelta(days=400),
        review_date=TODAY - timedelta(days=1),
    )
    with pytest.raises(ApplicationError) as error:
        services.agreement_set_status(agreement=draft, status="active", version=1, by=north.coordinator)
    assert "review date has passed" in error.value.message


@pytest.mark.parametrize(
    ("before", "after"),
    [("draft", "suspended"), ("ended", "active"), ("ended", "draft"), ("active", "draft")],
)
def test_agreement_set_status_disallowed_transition_is_refused(north, before, after):
    agreement = _draft(north, parties=[north.police, north.health])
    agreement.status = before
    agreement.save(override=True)
    with pytest.raises(ApplicationError) as error:
        services.agreement_set_status(agreement=agreement, status=after, version=1, by=north.coordinator)
    assert error.value.field == "status"


@pytest.mark.parametrize(
    ("before", "after"), [("active", "suspended"), ("suspended", "active"), ("active", "ended")]
)
def test_agreement_set_status_allowed_transition_is_made(north, before, after):
    north.agreement.status = before
    north.agreement.save(override=True)
    agreement = services.agreement_set_status(
        agreement=north.agreement, status=after, version=1, by=north.senior_manager
    )
    assert agreement.status == after


def test_agreement_set_status_from_stale_version_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        services.agreement_set_status(
            agreement=north.agreement, status="ended", version=0, by=north.coordinator
        )
    assert error.value.message.startswith("Someone else changed this agreement")
    north.agreement.refresh_from_db()
    assert north.agreement.status == AgreementStatus.ACTIVE


def test_agreement_set_status_unknown_status_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        services.agreement_set_status(
            agreement=north.agreement, status="paused", version=1, by=north.coordinator
        )
    assert error.value.field == "status"


def test_agreement_set_status_to_same_status_writes_nothing(north):
    agreement = services.agreement_set_status(
        agreement=north.agreement, status="active", version=1, by=north.coordinator
    )
    assert agreement.version == 1
    assert not AuditEvent.objects.exists()


def test_agreement_set_status_by_practitioner_is_denied(north):
    with pytest.raises(PermissionDenied):
        services.agreement_set_status(
            agreement=north.agreement, status="ended", version=1, by=north.practitioner
        )


def test_agreement_set_status_of_other_area_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        services.agreement_set_status(
            agreement=south.agreement, status="ended", version=1, by=north.coordinator
        )


def test_agreement_set_status_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.agreement_set_status(
            agreement=north.agreement, status="ended", version=1, by=north.coordinator
        )
    north.agreement.refresh_from_db()
    assert (north.agreement.status, north.agreement.version) == (AgreementStatus.ACTIVE, 1)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["active", "ended"]),
        ("active", ["suspended", "ended"]),
        ("suspended", ["active", "ended"]),
        ("ended", []),
    ],
)
def test_next_statuses_follow_the_transitions(status, expected):
    assert services.next_statuses(status) == expected
