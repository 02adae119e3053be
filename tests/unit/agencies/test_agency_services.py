import pytest

from mappa.agencies import services
from mappa.agencies.models import Agency, AgencyKind, AgreementStatus
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def _create(north, **overrides):
    fields = {
        "name": "North Housing",
        "code": "NORTH-HOUSING",
        "kind": AgencyKind.HOUSING_AUTHORITY,
        "areas": [north.area],
        "by": north.coordinator,
    }
    return services.agency_create(**{**fields, **overrides})


def _update(agency, by, **overrides):
    fields = {
        "name": agency.name,
        "kind": agency.kind,
        "areas": list(agency.areas.all()),
        "is_active": agency.is_active,
    }
    return services.agency_update(agency=agency, by=by, **{**fields, **overrides})


def _events(agency):
    return AuditEvent.objects.filter(object_type="agency", object_id=str(agency.pk))


# agency_create


def test_agency_create_by_coordinator_writes_agency_and_event(north):
    agency = _create(north)

    assert (agency.name, agency.code, agency.kind) == ("North Housing", "NORTH-HOUSING", "housing_authority")
    assert list(agency.areas.all()) == [north.area]
    event = _events(agency).get()
    assert event.action == Action.COLLECTION
    assert event.object_agency_id == agency.pk
    assert event.actor_agency_id == north.police.pk


@pytest.mark.parametrize("role", ["practitioner", "senior_manager"])
def test_agency_create_without_agency_manage_is_denied(north, role):
    with pytest.raises(PermissionDenied):
        _create(north, by=north.user(role))
    assert not Agency.objects.filter(code="NORTH-HOUSING").exists()
    assert not AuditEvent.objects.exists()


def test_agency_create_uppercases_code(north):
    assert _create(north, code=" north-housing ").code == "NORTH-HOUSING"


@pytest.mark.parametrize("code", ["", "NORTH HOUSING", "NORTH_HOUSING", "-NORTH", "NORTH-", "N--H", "X" * 33])
def test_agency_create_invalid_code_is_refused(north, code):
    with pytest.raises(ApplicationError) as error:
        _create(north, code=code)
    assert error.value.field == "code"
    assert not AuditEvent.objects.exists()


def test_agency_create_duplicate_code_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, code="north-police")
    assert error.value.field == "code"


def test_agency_create_duplicate_name_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, name="north police")
    assert error.value.field == "name"


def test_agency_create_blank_name_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, name="  ")
    assert error.value.field == "name"


def test_agency_create_unknown_kind_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, kind="charity")
    assert error.value.field == "kind"


def test_agency_create_without_areas_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _create(north, areas=[])
    assert error.value.field == "areas"


def test_agency_create_in_area_not_served_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        _create(north, areas=[south.area])
    assert not Agency.objects.filter(code="NORTH-HOUSING").exists()


def test_agency_create_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _create(north)
    assert not Agency.objects.filter(code="NORTH-HOUSING").exists()


# agency_update


def test_agency_update_records_changed_field_names_not_values(north):
    _update(north.health, north.coordinator, name="North Health Board", is_active=False)

    north.health.refresh_from_db()
    assert north.health.name == "North Health Board"
    assert north.health.is_active is False
    event = _events(north.health).get()
    assert event.action == Action.ALTERATION
    assert event.changed_fields == ["is_active", "name"]
    assert event.object_agency_id == north.health.pk
    assert "North Health Board" not in event.summary + str(event.detail)


def test_agency_update_without_change_writes_no_event(north):
    _update(north.health, north.coordinator)
    assert not AuditEvent.objects.exists()


def test_agency_update_reactivates_agency(north):
    north.health.is_active = False
    north.health.save(override=True)
    _update(north.health, north.coordinator, is_active=True)
    north.health.refresh_from_db()
    assert north.health.is_active is True


def test_agency_update_keeps_areas_beyond_the_users_reach(north, south):
    # A probation region serving both areas; the north co-ordinator only sees the north.
    north.probation.areas.add(south.area)
    east = services.area_create(name="East test area", code="east-test", by=north.coordinator)

    _update(north.probation, north.coordinator, areas=[north.area, east])

    assert set(north.probation.areas.all()) == {north.area, east, south.area}
    assert _events(north.probation).get().changed_fields == ["areas"]


def test_agency_update_adding_area_not_served_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        _update(north.health, north.coordinator, areas=[north.area, south.area])
    assert list(north.health.areas.all()) == [north.area]


def test_agency_update_without_areas_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _update(north.health, north.coordinator, areas=[])
    assert error.value.field == "areas"


def test_agency_update_of_other_areas_agency_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        _update(south.health, north.coordinator, areas=[north.area], name="Taken over")
    south.health.refresh_from_db()
    assert south.health.name == "South Health Trust"


def test_agency_update_by_practitioner_is_denied(north):
    with pytest.raises(PermissionDenied):
        _update(north.health, north.practitioner, name="Renamed")


def test_agency_update_duplicate_name_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _update(north.health, north.coordinator, name="North Probation")
    assert error.value.field == "name"


def test_agency_update_deactivating_own_acting_agency_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        _update(north.police, north.coordinator, is_active=False)
    assert error.value.field == "is_active"
    north.police.refresh_from_db()
    assert north.police.is_active is True


def test_agency_update_kind_change_refused_while_users_hold_roles_it_forbids(north):
    # The co-ordinator role exists only in Responsible Authority agencies.
    with pytest.raises(ApplicationError) as error:
        _update(north.police, north.coordinator, kind=AgencyKind.HEALTH)
    assert error.value.field == "kind"
    assert "1 of this agency's users" in error.value.message


def test_agency_update_kind_change_allowed_when_roles_fit(north):
    member(["practitioner"], agency=north.health)
    _update(north.health, north.coordinator, kind=AgencyKind.ADULT_SOCIAL_CARE)
    north.health.refresh_from_db()
    assert north.health.kind == AgencyKind.ADULT_SOCIAL_CARE
    assert _events(north.health).get().changed_fields == ["kind"]


def test_agency_update_leaving_area_refused_while_party_to_live_agreement(north):
    east = services.area_create(name="East test area", code="east-test", by=north.coordinator)
    with pytest.raises(ApplicationError) as error:
        _update(north.probation, north.coordinator, areas=[east])
    assert error.value.field == "areas"
    assert list(north.probation.areas.all()) == [north.area]


def test_agency_update_leaving_area_allowed_once_agreement_ended(north):
    north.agreement.status = AgreementStatus.ENDED
    north.agreement.save(override=True)
    east = services.area_create(name="East test area", code="east-test", by=north.coordinator)
    _update(north.probation, north.coordinator, areas=[east])
    assert list(north.probation.areas.all()) == [east]


def test_agency_update_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        _update(north.health, north.coordinator, name="North Health Board", is_active=False)
    north.health.refresh_from_db()
    assert (north.health.name, north.health.is_active) == ("North Health Trust", True)
