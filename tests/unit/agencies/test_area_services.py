import pytest

from mappa.agencies import services
from mappa.agencies.models import MappaArea
from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def test_area_create_by_coordinator_is_served_by_their_agency(north):
    area = services.area_create(name=" East test area ", code="East-Test", by=north.coordinator)

    assert (area.name, area.code) == ("East test area", "east-test")
    assert north.police.areas.filter(pk=area.pk).exists()
    created = AuditEvent.objects.get(object_type="area", object_id=str(area.pk))
    assert created.action == Action.COLLECTION
    served = AuditEvent.objects.get(object_type="agency", object_id=str(north.police.pk))
    assert served.action == Action.ALTERATION
    assert served.changed_fields == ["areas"]
    assert served.object_agency_id == north.police.pk


@pytest.mark.parametrize("role", ["practitioner", "senior_manager"])
def test_area_create_without_agency_manage_is_denied(north, role):
    with pytest.raises(PermissionDenied):
        services.area_create(name="East test area", code="east-test", by=north.user(role))
    assert not MappaArea.objects.filter(code="east-test").exists()
    assert not AuditEvent.objects.exists()


def test_area_create_without_acting_membership_is_denied(north):
    user = north.coordinator
    user.acting_membership = None
    with pytest.raises(PermissionDenied):
        services.area_create(name="East test area", code="east-test", by=user)


def test_area_create_when_acting_agency_inactive_is_denied(north):
    north.police.is_active = False
    north.police.save(override=True)
    with pytest.raises(PermissionDenied):
        services.area_create(name="East test area", code="east-test", by=north.coordinator)


def test_area_create_duplicate_name_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        services.area_create(name="NORTH TEST AREA", code="other", by=north.coordinator)
    assert error.value.field == "name"


def test_area_create_duplicate_code_is_refused(north):
    with pytest.raises(ApplicationError) as error:
        services.area_create(name="Other area", code="north-test", by=north.coordinator)
    assert error.value.field == "code"


@pytest.mark.parametrize("code", ["", "east test", "east_test", "-east", "east-", "e" * 33])
def test_area_create_invalid_code_is_refused(north, code):
    with pytest.raises(ApplicationError) as error:
        services.area_create(name="East test area", code=code, by=north.coordinator)
    assert error.value.field == "code"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_area_create_invalid_name_is_refused(north, name):
    with pytest.raises(ApplicationError) as error:
        services.area_create(name=name, code="east-test", by=north.coordinator)
    assert error.value.field == "name"


def test_area_create_rolled_back_when_audit_fails(north, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.area_create(name="East test area", code="east-test", by=north.coordinator)
    assert not MappaArea.objects.filter(code="east-test").exists()
    assert north.police.areas.count() == 1


def test_area_update_records_changed_field_names(north):
    services.area_update(area=north.area, name="North renamed area", code="north-test", by=north.coordinator)

    north.area.refresh_from_db()
    assert north.area.name == "North renamed area"
    event = AuditEvent.objects.get(object_type="area", object_id=str(north.area.pk))
    assert event.action == Action.ALTERATION
    assert event.changed_fields == ["name"]
    assert "North renamed area" not in str(event.detail)


def test_area_update_without_change_writes_no_event(north):
    services.area_update(area=north.area, name=north.area.name, code=north.area.code, by=north.coordinator)
    assert not AuditEvent.objects.exists()


def test_area_update_keeps_own_name_without_duplicate_error(north):
    services.area_update(area=north.area, name=north.area.name, code="north-new", by=north.coordinator)
    north.area.refresh_from_db()
    assert north.area.code == "north-new"


def test_area_update_of_other_area_is_denied(north, south):
    with pytest.raises(PermissionDenied):
        services.area_update(area=south.area, name="Taken over", code="south-test", by=north.coordinator)
    south.area.refresh_from_db()
    assert south.area.name == "South test area"


def test_area_update_by_practitioner_is_denied(north):
    with pytest.raises(PermissionDenied):
        services.area_update(area=north.area, name="Renamed", code="north-test", by=north.practitioner)


def test_area_update_by_user_without_membership_is_denied(north):
    outsider = member(["mappa_coordinator"])
    outsider.acting_membership = None
    with pytest.raises(PermissionDenied):
        services.area_update(area=north.area, name="Renamed", code="north-test", by=outsider)
