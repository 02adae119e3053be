import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from mappa.agencies.selectors import agency_list, agreement_list, agreement_party_choices, area_list
from tests.factories.accounts import member

pytestmark = pytest.mark.django_db


def test_agency_list_shows_agencies_of_served_areas_only(north, south):
    assert set(agency_list(fetched_by=north.practitioner)) == {north.police, north.probation, north.health}


def test_agency_list_shows_agency_serving_several_areas_once(north, south):
    north.probation.areas.add(south.area)
    south_user = south.practitioner
    assert list(agency_list(fetched_by=south_user)).count(north.probation) == 1
    assert agency_list(fetched_by=south_user).count() == 4


def test_agency_list_includes_inactive_agencies(north):
    north.health.is_active = False
    north.health.save(override=True)
    assert north.health in agency_list(fetched_by=north.practitioner)


def test_agency_list_is_empty_without_acting_membership(north):
    user = north.practitioner
    user.acting_membership = None
    assert not agency_list(fetched_by=user).exists()


def test_agency_list_is_empty_for_anonymous_user(north):
    assert not agency_list(fetched_by=AnonymousUser()).exists()


def test_agency_list_is_empty_when_acting_agency_is_inactive(north):
    north.police.is_active = False
    north.police.save(override=True)
    assert not agency_list(fetched_by=north.practitioner).exists()


def test_agency_list_is_empty_when_membership_is_inactive(north):
    membership = north.practitioner.acting_membership
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(override=True)
    assert not agency_list(fetched_by=north.practitioner).exists()


def test_agency_list_is_empty_for_agency_serving_no_area(north):
    loner = member(["mappa_coordinator"])
    assert loner.acting_membership is not None
    loner.acting_membership.agency.areas.clear()
    assert not agency_list(fetched_by=loner).exists()


def test_area_list_shows_served_areas_only(north, south):
    assert list(area_list(fetched_by=north.coordinator)) == [north.area]


def test_area_list_is_empty_without_acting_membership(north):
    user = north.coordinator
    user.acting_membership = None
    assert not area_list(fetched_by=user).exists()


def test_agreement_list_shows_agreements_of_served_areas_only(north, south):
    assert list(agreement_list(fetched_by=north.practitioner)) == [north.agreement]


def test_agreement_list_includes_agreements_the_agency_is_not_party_to(north):
    # Health is not a party to the area agreement but works in the area, so may read it.
    health_user = member(["practitioner"], agency=north.health)
    assert list(agreement_list(fetched_by=health_user)) == [north.agreement]


def test_agreement_list_is_empty_without_acting_membership(north):
    user = north.practitioner
    user.acting_membership = None
    assert not agreement_list(fetched_by=user).exists()


def test_agreement_party_choices_leave_out_inactive_agencies(north):
    north.health.is_active = False
    north.health.save(override=True)
    choices = agreement_party_choices(area=north.area, fetched_by=north.coordinator)
    assert set(choices) == {north.police, north.probation}


def test_agreement_party_choices_keep_inactive_current_parties(north):
    north.probation.is_active = False
    north.probation.save(override=True)
    choices = agreement_party_choices(
        area=north.area, fetched_by=north.coordinator, agreement=north.agreement
    )
    assert set(choices) == {north.police, north.probation, north.health}


def test_agreement_party_choices_exclude_other_areas(north, south):
    choices = agreement_party_choices(area=south.area, fetched_by=north.coordinator)
    assert not choices.exists()
