import pytest
from django.urls import reverse

from mappa.agencies.models import Agency
from mappa.audit.models import AuditEvent
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

# Signing in writes audit events of its own; these are the ones this app writes.
OBJECT_TYPES = ("area", "agency", "agreement")

# Same agency, same area: only the co-ordinator may manage agencies.
ROLES = [("mappa_coordinator", True), ("practitioner", False)]


def _new_agency(north, **overrides):
    data = {"name": "North Housing", "code": "NORTH-HOUSING", "kind": "housing_authority"}
    return data | {"areas": [north.area.pk]} | overrides


def _edit(agency, **overrides):
    data = {
        "name": agency.name,
        "kind": agency.kind,
        "areas": [area.pk for area in agency.areas.all()],
        "is_active": "true" if agency.is_active else "false",
    }
    return data | overrides


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_list_shows_area_agencies_to_every_member(north, south, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:agency-list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "3 agencies" in body
    assert "North Health Trust" in body
    assert "South Health Trust" not in body
    assert "Duty to co-operate" in body
    assert (reverse("agencies:agency-create") in body) is may_manage


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_detail_shows_record_and_agreements(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(
        reverse("agencies:agency-detail", args=[north.probation.pk])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "NORTH-PROBATION" in body
    assert "North MAPPA agreement" in body
    assert (reverse("agencies:agency-edit", args=[north.probation.pk]) in body) is may_manage


def test_agency_detail_without_agreements_says_what_will_appear(north):
    response = signed_in_client(north.practitioner).get(
        reverse("agencies:agency-detail", args=[north.health.pk])
    )
    assert "Agreements it becomes a party to will appear here" in response.content.decode()


def test_agency_detail_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).get(
        reverse("agencies:agency-detail", args=[south.police.pk])
    )
    assert response.status_code == 404


def test_agency_detail_missing_is_404(north):
    response = signed_in_client(north.coordinator).get(reverse("agencies:agency-detail", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_create_page_is_for_coordinators_only(north, south, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:agency-create"))

    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        body = response.content.decode()
        assert "North test area" in body
        assert "South test area" not in body
        assert '<optgroup label="Responsible Authority">' in body


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_create_post_adds_agency_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(reverse("agencies:agency-create"), _new_agency(north))

    created = Agency.objects.filter(code="NORTH-HOUSING").first()
    if may_manage:
        assert created is not None
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:agency-detail", args=[created.pk])
    else:
        assert response.status_code == 403
        assert created is None
        assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_agency_create_bad_input_shows_errors_and_writes_nothing(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agency-create"), {"name": "", "code": "", "kind": ""}
    )

    assert response.status_code == 200
    body = response.content.decode()
    for message in ("Enter the agency name", "Enter the agency code", "Select the kind of agency"):
        assert message in body
    assert "Select at least one area" in body
    assert '<a href="#id_areas_0">' in body
    assert Agency.objects.count() == 3
    assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_agency_create_service_refusal_shows_on_the_field(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agency-create"), _new_agency(north, code="NORTH HOUSING")
    )
    assert response.status_code == 200
    assert "use only letters, numbers and hyphens" in response.context["form"].errors["code"][0]
    assert not Agency.objects.filter(name="North Housing").exists()


def test_agency_create_in_area_not_served_is_refused(north, south):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agency-create"), _new_agency(north, areas=[south.area.pk])
    )
    # The form offers only served areas, so another area's id is simply not a valid choice.
    assert response.status_code == 200
    assert "areas" in response.context["form"].errors
    assert not Agency.objects.filter(code="NORTH-HOUSING").exists()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_edit_get_is_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:agency-edit", args=[north.health.pk]))

    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        body = response.content.decode()
        assert 'value="North Health Trust"' in body
        assert "NORTH-HEALTH" in body


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agency_edit_post_deactivates_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(
        reverse("agencies:agency-edit", args=[north.health.pk]), _edit(north.health, is_active="false")
    )

    north.health.refresh_from_db()
    if may_manage:
        assert response.status_code == 302
        assert north.health.is_active is False
    else:
        assert response.status_code == 403
        assert north.health.is_active is True


def test_agency_edit_refusal_shows_error_and_writes_nothing(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agency-edit", args=[north.police.pk]), _edit(north.police, is_active="false")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["is_active"] == [
        "You cannot deactivate the agency you are acting for"
    ]
    north.police.refresh_from_db()
    assert north.police.is_active is True
    assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_agency_edit_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agency-edit", args=[south.health.pk]), _edit(south.health, name="Taken")
    )
    assert response.status_code == 404
    south.health.refresh_from_db()
    assert south.health.name == "South Health Trust"
