from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.nominals import access
from mappa.nominals.models import Status
from mappa.nominals.selectors import nominal_history, nominal_list, nominal_register, person_for_nominal
from tests.factories.accounts import member
from tests.factories.agencies import AgencyFactory
from tests.factories.nominals import NominalFactory, NominalSetup

NORTH = {"police_nominal", "probation_nominal"}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("coordinator", NORTH),
        ("practitioner", NORTH),
        ("chair", NORTH),
        ("probation_practitioner", NORTH),
        # Duty to co-operate: only nominals their agency leads or is involved with; none here.
        ("health_practitioner", set()),
        ("senior_manager", set()),
        ("auditor", set()),
        ("south_coordinator", {"south_nominal"}),
    ],
)
def test_nominal_list_per_role_and_agency_kind(setup: NominalSetup, who, visible):
    expected = {getattr(setup, name).pk for name in visible}
    assert set(nominal_list(fetched_by=setup.user(who)).values_list("pk", flat=True)) == expected


def test_nominal_list_empty_without_membership_or_with_inactive_agency(setup: NominalSetup):
    from django.contrib.auth.models import AnonymousUser

    assert not nominal_list(fetched_by=AnonymousUser()).exists()
    user = setup.practitioner
    user.acting_membership = None
    assert not nominal_list(fetched_by=user).exists()
    agency = setup.north.probation
    agency.is_active = False
    agency.save(override=True)
    assert not nominal_list(fetched_by=setup.probation_practitioner).exists()


def test_a_duty_to_co_operate_lead_agency_sees_the_cases_it_leads(setup: NominalSetup):
    # Health leads hospital orders: its staff see those cases, and only those.
    hospital = NominalFactory(lead_agency=setup.north.health, area=setup.area, status=Status.IN_HOSPITAL)
    visible = set(nominal_list(fetched_by=setup.health_practitioner).values_list("pk", flat=True))
    assert visible == {hospital.pk}
    assert access.legitimate_basis(setup.health_practitioner, hospital) == "Lead agency of the nominal"


def test_nominal_list_associate_agency_sees_none(setup: NominalSetup):
    smb = AgencyFactory(kind="associate", areas=[setup.area])
    assert not nominal_list(fetched_by=member(["practitioner"], agency=smb)).exists()


def test_register_filters(setup: NominalSetup):
    today = timezone.localdate()
    overdue = NominalFactory(
        lead_agency=setup.north.police,
        area=setup.area,
        level=2,
        category=2,
        next_review_date=today - timedelta(days=1),
    )
    due = NominalFactory(
        lead_agency=setup.north.police, area=setup.area, next_review_date=today + timedelta(days=10)
    )
    exited = NominalFactory(
        lead_agency=setup.north.police,
        area=setup.area,
        status=Status.EXITED,
        exited_on=today,
        next_review_date=today - timedelta(days=5),
    )

    def pks(**filters: object) -> set[int]:
        return set(nominal_register(fetched_by=setup.coordinator, **filters).values_list("pk", flat=True))  # type: ignore[arg-type]

    assert exited.pk not in pks()
    assert exited.pk in pks(status="all")
    assert pks(status="exited") == {exited.pk}
    assert pks(review="overdue") == {overdue.pk}
    assert pks(review="due") == {due.pk}
    assert pks(level=2) == {overdue.pk}
    assert pks(category=2) == {overdue.pk}
    assert pks(lead_agency=setup.north.probation.pk) == {setup.probation_nominal.pk}


@pytest.mark.parametrize(
    ("who", "justification"),
    [
        ("practitioner", "Lead agency of the nominal"),
        ("coordinator", "Lead agency of the nominal"),
        ("chair", "Lead agency of the nominal"),
    ],
)
def test_access_nominal_records_consultation(setup: NominalSetup, who, justification):
    """Users with a legitimate relationship; the others (break glass) are in test_access_basis.py."""
    nominal = access.access_nominal(setup.user(who), setup.police_nominal.pk)
    event = AuditEvent.objects.get(action=Action.CONSULTATION, nominal_id=nominal.pk)
    assert event.justification == justification
    assert event.object_type == "nominal"
    assert event.object_agency_id == setup.north.police.pk
    assert event.actor_user_id == setup.user(who).pk


@pytest.mark.parametrize("who", ["health_practitioner", "senior_manager", "south_coordinator"])
def test_access_nominal_missing_and_forbidden_look_the_same(setup: NominalSetup, who):
    user = setup.user(who)
    with pytest.raises(Http404) as forbidden:
        access.access_nominal(user, setup.police_nominal.pk)
    with pytest.raises(Http404) as missing:
        access.access_nominal(user, 10**9)
    assert str(forbidden.value) == str(missing.value)
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION).exists()


def test_history_follows_visibility(setup: NominalSetup):
    assert not nominal_history(nominal=setup.police_nominal, fetched_by=setup.health_practitioner).exists()
    assert list(nominal_history(nominal=setup.police_nominal, fetched_by=setup.coordinator)) == []


def test_person_picker(setup: NominalSetup):
    person = setup.person
    assert person_for_nominal(reference=str(person.pk), area=setup.area, fetched_by=setup.coordinator) == [
        person
    ]
    assert person_for_nominal(
        reference=person.source_ref.lower(), area=setup.area, fetched_by=setup.coordinator
    ) == [person]
    assert person_for_nominal(reference=" ", area=setup.area, fetched_by=setup.coordinator) == []
    assert (
        person_for_nominal(reference=str(person.pk), area=setup.south.area, fetched_by=setup.coordinator)
        == []
    )
    assert person_for_nominal(reference=str(person.pk), area=setup.area, fetched_by=setup.chair) == []


def test_can_manage_branches(setup: NominalSetup):
    nominal = setup.police_nominal
    assert access.can_manage(setup.coordinator, nominal)
    assert access.can_manage(setup.practitioner, nominal)
    assert not access.can_manage(setup.probation_practitioner, nominal)  # not the lead agency
    assert not access.can_manage(setup.chair, nominal)  # no permission
    assert not access.can_manage(setup.south_coordinator, nominal)  # not the area
    assert access.can_manage(setup.probation_practitioner, setup.probation_nominal)
