import pytest
from django.http import Http404

from mappa.agencies.access import access_agency, access_agreement, access_area

pytestmark = pytest.mark.django_db


def test_access_agency_returns_agency_of_own_area(north):
    assert access_agency(north.practitioner, north.health.pk) == north.health


def test_access_agency_of_other_area_is_404(north, south):
    with pytest.raises(Http404):
        access_agency(north.practitioner, south.health.pk)


def test_access_agency_missing_is_the_same_404(north, south):
    with pytest.raises(Http404) as missing:
        access_agency(north.practitioner, 999_999)
    with pytest.raises(Http404) as hidden:
        access_agency(north.practitioner, south.health.pk)
    assert str(missing.value) == str(hidden.value)


def test_access_agency_without_acting_membership_is_404(north):
    user = north.practitioner
    user.acting_membership = None
    with pytest.raises(Http404):
        access_agency(user, north.police.pk)


def test_access_agreement_returns_agreement_of_own_area(north):
    assert access_agreement(north.practitioner, north.agreement.pk) == north.agreement


def test_access_agreement_of_other_area_is_404(north, south):
    with pytest.raises(Http404):
        access_agreement(north.practitioner, south.agreement.pk)


def test_access_agreement_missing_is_the_same_404(north, south):
    with pytest.raises(Http404) as missing:
        access_agreement(north.practitioner, 999_999)
    with pytest.raises(Http404) as hidden:
        access_agreement(north.practitioner, south.agreement.pk)
    assert str(missing.value) == str(hidden.value)


def test_access_area_returns_served_area(north):
    assert access_area(north.practitioner, north.area.pk) == north.area


def test_access_area_of_other_area_is_404(north, south):
    with pytest.raises(Http404):
        access_area(north.practitioner, south.area.pk)
