import pytest
from django.urls import reverse

from mappa.agencies.models import MappaArea
from mappa.audit.models import AuditEvent
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

# Signing in writes audit events of its own; these are the ones this app writes.
OBJECT_TYPES = ("area", "agency", "agreement")

# Same agency, same area: only the co-ordinator may manage areas.
ROLES = [("mappa_coordinator", True), ("practitioner", False)]


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_list_shows_served_areas_to_every_member(north, south, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:area-list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "North test area" in body
    assert "South test area" not in body
    assert "<caption" in body
    assert (reverse("agencies:area-create") in body) is may_manage


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_detail_lists_agencies_and_agreements(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:area-detail", args=[north.area.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "North Health Trust" in body
    assert "North MAPPA agreement" in body
    assert (reverse("agencies:area-edit", args=[north.area.pk]) in body) is may_manage


def test_area_detail_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).get(reverse("agencies:area-detail", args=[south.area.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_create_page_is_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:area-create"))
    assert response.status_code == (200 if may_manage else 403)


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_create_post_adds_area_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(
        reverse("agencies:area-create"), {"name": "East test area", "code": "east-test"}
    )

    created = MappaArea.objects.filter(code="east-test").first()
    if may_manage:
        assert created is not None
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:area-detail", args=[created.pk])
    else:
        assert response.status_code == 403
        assert created is None
        assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_area_create_bad_input_shows_errors_and_writes_nothing(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:area-create"), {"name": "", "code": "east test"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter the area name" in body
    assert MappaArea.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_area_create_service_refusal_shows_on_the_field(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:area-create"), {"name": "Another area", "code": "north-test"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["An area with that code already exists"]
    assert '<a href="#id_code">' in response.content.decode()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_edit_get_is_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:area-edit", args=[north.area.pk]))
    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        assert 'value="North test area"' in response.content.decode()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_area_edit_post_changes_area_for_coordinators_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(
        reverse("agencies:area-edit", args=[north.area.pk]),
        {"name": "North renamed area", "code": "north-test"},
    )

    north.area.refresh_from_db()
    if may_manage:
        assert response.status_code == 302
        assert north.area.name == "North renamed area"
    else:
        assert response.status_code == 403
        assert north.area.name == "North test area"


def test_area_edit_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:area-edit", args=[south.area.pk]), {"name": "Taken", "code": "south-test"}
    )
    assert response.status_code == 404
    south.area.refresh_from_db()
    assert south.area.name == "South test area"
