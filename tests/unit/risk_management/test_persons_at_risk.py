"""Persons at risk: services_assessments (record, update, end), person_at_risk_list and
access_person_at_risk, and the child flag from partial dates of birth.

One world (tests.factories.risk_management.risk_setup): NominalSetup's North and South, with North
Health (duty to co-operate) involved in `police_nominal` and not in `probation_nominal`. Person
records held by North Police are visible to North's Responsible Authority staff and not to North
Health, whose staff see only their own agency's records (people.selectors).
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import Action, AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.models import Status
from mappa.people.models import Person
from mappa.risk_management import selectors
from mappa.risk_management import services_assessments as services
from mappa.risk_management.access_assessments import access_person_at_risk
from mappa.risk_management.models import PersonAtRisk, PersonAtRiskKind
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person
from tests.factories.risk_management import PersonAtRiskFactory, risk_setup

pytestmark = pytest.mark.django_db

NOTES = "Synthetic: lives two streets from the nominal's approved premises."


@pytest.fixture
def setup(db) -> NominalSetup:
    result: NominalSetup = risk_setup()
    return result


def _years_ago(years: int, *, days: int = 0) -> tuple[int, int, int]:
    """The date of birth of someone `years` old today, moved `days` earlier."""
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # today is 29 February
        born = today.replace(year=today.year - years, day=28)
    born -= timedelta(days=days)
    return (born.year, born.month, born.day)


def _adult(setup: NominalSetup, agency: Any = None) -> Person:
    return make_person(agency or setup.north.police, "Alex", "Synthetic-Adult", dob=(1985, 4, 2))


def _record(setup: NominalSetup, by: Any = None, nominal: Any = None, **fields: Any) -> PersonAtRisk:
    values: dict[str, Any] = {"kind": PersonAtRiskKind.POTENTIAL_VICTIM, "description": "Former partner"}
    values.update(fields)
    return services.person_at_risk_record(
        nominal=nominal or setup.police_nominal, by=by or setup.practitioner, **values
    )


def _events(par: PersonAtRisk | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="person_at_risk")
    return events.filter(object_id=str(par.pk)) if par is not None else events


def _exited(setup: NominalSetup) -> Any:
    return NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=timezone.localdate()
    )


# --- person_at_risk_record ----------------------------------------------------------------------


def test_record_a_group(setup: NominalSetup):
    par = _record(setup, kind=PersonAtRiskKind.GROUP, description="  Staff of the approved premises ")
    assert (par.kind, par.person, par.description) == ("group", None, "Staff of the approved premises")
    assert (par.is_child, par.address_confidential, par.is_active) == (False, False, True)
    assert (par.recorded_by_agency, par.recorded_by) == (setup.north.police, setup.practitioner)


def test_record_a_linked_person(setup: NominalSetup):
    person = _adult(setup)
    par = _record(setup, person=person, description="", address_confidential=True, notes=NOTES)
    assert (par.person, par.description, par.address_confidential) == (person, "", True)
    assert par.notes == NOTES
    assert par.label == person.display_name


@pytest.mark.parametrize(
    ("who", "agency"),
    [("coordinator", "police"), ("probation_practitioner", "probation"), ("health_practitioner", "health")],
)
def test_record_by_any_agency_recording_risk_on_the_case(setup: NominalSetup, who: str, agency: str):
    par = _record(setup, by=setup.user(who))
    assert par.recorded_by_agency == getattr(setup.north, agency)


def test_record_writes_a_collection_event_without_personal_data(setup: NominalSetup):
    person = _adult(setup)
    par = _record(setup, by=setup.probation_practitioner, person=person, notes=NOTES)
    event = _events(par).get()
    assert event.action == Action.COLLECTION
    assert (event.object_agency_id, event.nominal_id) == (setup.north.probation.pk, setup.police_nominal.pk)
    written = f"{event.summary} {event.detail} {event.justification}"
    for personal in (person.display_name, "Synthetic-Adult", "Former partner", NOTES):
        assert personal.lower() not in written.lower()


def test_record_a_child_kind_is_always_flagged(setup: NominalSetup):
    par = _record(setup, kind=PersonAtRiskKind.CHILD, description="Younger child of the household")
    assert par.is_child is True


def test_record_the_practitioner_flags_a_child(setup: NominalSetup):
    assert _record(setup, is_child=True).is_child is True


_THIS_YEAR = timezone.localdate().year
_THIS_MONTH = timezone.localdate().month


@pytest.mark.parametrize(
    ("dob", "child"),
    [
        (_years_ago(10), True),
        (_years_ago(18, days=-1), True),  # 18 tomorrow
        (_years_ago(18), False),  # 18 today
        (_years_ago(30), False),
        # Partial dates flag someone only if every day they could have been born makes them a child.
        ((_THIS_YEAR - 17, None, None), True),
        ((_THIS_YEAR - 18, None, None), False),  # 17 or 18
        ((_THIS_YEAR - 17, 12, None), True),
        ((_THIS_YEAR - 18, _THIS_MONTH, None), False),  # 18 this month: perhaps not yet
        ((_THIS_YEAR - 19, 12, None), False),
    ],
)
def test_record_a_linked_person_whose_date_of_birth_shows_a_child(
    setup: NominalSetup, dob: tuple[int, int | None, int | None], child: bool
):
    person = make_person(setup.north.police, "Sam", "Synthetic-Young", dob=dob)
    par = _record(setup, person=person, description="", is_child=False)
    assert par.is_child is child


def test_record_a_disputed_date_of_birth_counts_the_one_that_makes_them_a_child(setup: NominalSetup):
    from mappa.people.models import PersonDateOfBirth

    person = make_person(setup.north.police, "Jo", "Synthetic-Disputed", dob=(1990, 1, 1))
    year, month, day = _years_ago(15)
    PersonDateOfBirth.objects.create(person=person, year=year, month=month, day=day)
    assert _record(setup, person=person, description="").is_child is True


def test_is_under_18_born_on_29_february(setup: NominalSetup):
    person = make_person(setup.north.police, "Lou", "Synthetic-Leap", dob=(2008, 2, 29))
    # 2026 has no 29 February: they come of age on 1 March.
    assert services.is_under_18(person, today=date(2026, 2, 28)) is True
    assert services.is_under_18(person, today=date(2026, 3, 1)) is False


def test_record_a_person_without_a_date_of_birth_is_not_flagged(setup: NominalSetup):
    person = make_person(setup.north.police, "Kit", "Synthetic-Undated", dob=None)
    assert _record(setup, person=person, description="").is_child is False


@pytest.mark.parametrize(
    ("who", "holder"),
    [
        ("health_practitioner", "police"),  # North Health sees only its own agency's records
        ("practitioner", "south_police"),  # another area's record
    ],
)
def test_record_a_person_the_user_cannot_see_is_not_found(setup: NominalSetup, who: str, holder: str):
    agency = setup.south.police if holder == "south_police" else setup.north.police
    hidden = make_person(agency, "Lee", "Synthetic-Hidden")
    with pytest.raises(ApplicationError) as refused:
        _record(setup, by=setup.user(who), person=hidden, description="")
    assert refused.value.field == "person"
    assert refused.value.message == services.PERSON_NOT_FOUND
    # Nothing about the record is revealed.
    assert "Synthetic-Hidden".lower() not in refused.value.message.lower()
    assert not PersonAtRisk.objects.exists()
    assert not _events().exists()


def test_record_a_person_the_user_can_see_from_their_own_agency(setup: NominalSetup):
    own = make_person(setup.north.health, "Ash", "Synthetic-Health")
    par = _record(setup, by=setup.health_practitioner, person=own, description="")
    assert par.person == own


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "neighbour"}, "kind", "Select who is at risk"),
        ({"kind": ""}, "kind", "Select who is at risk"),
        ({"kind": PersonAtRiskKind.GROUP, "description": " "}, "description", "Describe the group"),
        ({"kind": PersonAtRiskKind.PARTNER, "description": ""}, "description", "record number"),
        ({"description": "d" * 301}, "description", "300 characters or fewer"),
        ({"notes": "n" * 10001}, "notes", "10000 characters or fewer"),
    ],
)
def test_record_rules(setup: NominalSetup, fields: dict[str, Any], field: str, message: str):
    with pytest.raises(ApplicationError) as refused:
        _record(setup, **fields)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not PersonAtRisk.objects.exists()
    assert not _events().exists()


def test_record_a_group_links_no_person(setup: NominalSetup):
    with pytest.raises(ApplicationError) as refused:
        _record(setup, kind=PersonAtRiskKind.GROUP, person=_adult(setup), description="Neighbours")
    assert refused.value.field == "person"
    assert "A group is described" in refused.value.message


def test_record_the_nominal_as_at_risk_from_themselves_refused(setup: NominalSetup):
    with pytest.raises(ApplicationError, match="from themselves"):
        _record(setup, person=setup.police_nominal.person, description="")


def test_record_the_same_person_twice_refused_while_active(setup: NominalSetup):
    person = _adult(setup)
    first = _record(setup, person=person, description="")
    with pytest.raises(ApplicationError) as refused:
        _record(setup, by=setup.probation_practitioner, person=person, kind=PersonAtRiskKind.PARTNER)
    assert refused.value.field == "person"
    assert "already recorded" in refused.value.message
    # Once no longer at risk, they may be recorded again; and on another nominal at any time.
    services.person_at_risk_end(
        person_at_risk=first,
        version=1,
        ended_on=timezone.localdate(),
        reason="Moved away",
        by=setup.practitioner,
    )
    again = _record(setup, person=person, description="")
    other = _record(setup, nominal=setup.probation_nominal, person=person, description="")
    assert PersonAtRisk.objects.filter(person=person).count() == 3
    assert again.is_active and other.is_active


@pytest.mark.parametrize(
    ("who", "nominal"),
    [
        ("senior_manager", "police_nominal"),
        ("auditor", "police_nominal"),
        ("chair", "police_nominal"),  # reads risk, records none
        ("practitioner", "south_nominal"),
        ("south_coordinator", "police_nominal"),
        ("health_practitioner", "probation_nominal"),  # duty to co-operate, not involved
    ],
)
def test_record_refused(setup: NominalSetup, who: str, nominal: str):
    with pytest.raises(PermissionDenied):
        _record(setup, by=setup.user(who), nominal=getattr(setup, nominal))
    assert not PersonAtRisk.objects.exists()
    assert not _events().exists()


def test_record_refused_for_an_exited_nominal(setup: NominalSetup):
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _record(setup, nominal=_exited(setup))
    assert not PersonAtRisk.objects.exists()


# --- person_at_risk_update ----------------------------------------------------------------------


def _update(par: PersonAtRisk, by: Any, version: int | None = None, **fields: Any) -> PersonAtRisk:
    values: dict[str, Any] = {
        "kind": par.kind,
        "description": par.description,
        "is_child": par.is_child,
        "address_confidential": par.address_confidential,
        "notes": par.notes,
    }
    values.update(fields)
    return services.person_at_risk_update(
        person_at_risk=par, version=par.version if version is None else version, by=by, **values
    )


def test_update_by_another_agency_recording_risk(setup: NominalSetup):
    par = _record(setup)
    updated = _update(par, setup.probation_practitioner, address_confidential=True, notes=NOTES)
    assert (updated.address_confidential, updated.notes, updated.version) == (True, NOTES, 2)
    # The record stays the recording agency's.
    assert updated.recorded_by_agency == setup.north.police
    event = _events(par).filter(action=Action.ALTERATION).get()
    assert event.changed_fields == ["address_confidential", "notes"]
    assert event.actor_agency_id == setup.north.probation.pk
    assert NOTES not in f"{event.summary} {event.detail}"


def test_update_with_nothing_changed_writes_nothing(setup: NominalSetup):
    par = _record(setup)
    assert _update(par, setup.practitioner).version == 1
    assert not _events(par).filter(action=Action.ALTERATION).exists()


def test_update_to_child_kind_flags_a_child(setup: NominalSetup):
    par = _record(setup)
    assert _update(par, setup.practitioner, kind=PersonAtRiskKind.CHILD, is_child=False).is_child is True


def test_update_cannot_unflag_a_linked_child(setup: NominalSetup):
    child = make_person(setup.north.police, "Robin", "Synthetic-Child", dob=_years_ago(9))
    par = _record(setup, person=child, description="")
    updated = _update(par, setup.practitioner, is_child=False, notes=NOTES)
    assert updated.is_child is True


def test_update_the_practitioner_may_unflag_an_adult(setup: NominalSetup):
    par = _record(setup, is_child=True)
    assert _update(par, setup.practitioner, is_child=False).is_child is False


def test_update_a_linked_person_cannot_become_a_group(setup: NominalSetup):
    par = _record(setup, person=_adult(setup), description="")
    with pytest.raises(ApplicationError) as refused:
        _update(par, setup.practitioner, kind=PersonAtRiskKind.GROUP, description="Household")
    assert refused.value.field == "kind"
    assert PersonAtRisk.objects.get().kind == PersonAtRiskKind.POTENTIAL_VICTIM


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "nobody"}, "kind"),
        ({"description": ""}, "description"),  # not linked, so it must be described
        ({"description": "d" * 301}, "description"),
    ],
)
def test_update_rules(setup: NominalSetup, fields: dict[str, Any], field: str):
    par = _record(setup)
    with pytest.raises(ApplicationError) as refused:
        _update(par, setup.practitioner, **fields)
    assert refused.value.field == field
    assert PersonAtRisk.objects.get().version == 1


def test_update_refused_on_a_stale_version(setup: NominalSetup):
    par = _record(setup)
    _update(par, setup.practitioner, notes="First")
    with pytest.raises(ApplicationError, match="Someone else changed this record"):
        _update(par, setup.coordinator, version=1, notes="Second")
    assert PersonAtRisk.objects.get().notes == "First"


def test_update_refused_once_no_longer_at_risk(setup: NominalSetup):
    par = PersonAtRiskFactory(
        nominal=setup.police_nominal, ended_on=timezone.localdate(), ended_reason="Moved away"
    )
    with pytest.raises(ApplicationError, match="no longer at risk"):
        _update(par, setup.practitioner, notes=NOTES)


@pytest.mark.parametrize(
    "who", ["chair", "senior_manager", "south_coordinator", "health_practitioner", "auditor"]
)
def test_update_refused(setup: NominalSetup, who: str):
    par = PersonAtRiskFactory(nominal=setup.probation_nominal)
    with pytest.raises(PermissionDenied):
        _update(par, setup.user(who), notes=NOTES)
    assert PersonAtRisk.objects.get().notes == ""
    assert not _events().exists()


def test_update_refused_for_an_exited_nominal(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=_exited(setup))
    with pytest.raises(ApplicationError, match="exited MAPPA"):
        _update(par, setup.practitioner, notes=NOTES)


# --- person_at_risk_end -------------------------------------------------------------------------


def _end(par: PersonAtRisk, by: Any, version: int | None = None, **fields: Any) -> PersonAtRisk:
    values: dict[str, Any] = {"ended_on": timezone.localdate(), "reason": "Synthetic: moved out of the area"}
    values.update(fields)
    return services.person_at_risk_end(
        person_at_risk=par, version=par.version if version is None else version, by=by, **values
    )


def test_end_keeps_the_record(setup: NominalSetup):
    par = _record(setup)
    yesterday = timezone.localdate() - timedelta(days=1)
    ended = _end(par, setup.probation_practitioner, ended_on=yesterday)
    assert (ended.ended_on, ended.ended_reason, ended.is_active, ended.version) == (
        yesterday,
        "Synthetic: moved out of the area",
        False,
        2,
    )
    assert PersonAtRisk.objects.filter(pk=par.pk).exists()
    event = _events(par).filter(action=Action.ALTERATION).get()
    assert event.changed_fields == ["ended_on", "ended_reason"]
    assert "moved out" not in f"{event.summary} {event.detail}"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"ended_on": None}, "ended_on", "Enter the date they stopped being at risk"),
        (
            {"ended_on": timezone.localdate() + timedelta(days=1)},
            "ended_on",
            "must be today or in the past",
        ),
        ({"reason": "  "}, "reason", "Enter why they are no longer at risk"),
        ({"reason": "r" * 10001}, "reason", "10000 characters or fewer"),
    ],
)
def test_end_rules(setup: NominalSetup, fields: dict[str, Any], field: str, message: str):
    par = _record(setup)
    with pytest.raises(ApplicationError) as refused:
        _end(par, setup.practitioner, **fields)
    assert (refused.value.field, message in refused.value.message) == (field, True)
    assert PersonAtRisk.objects.get().is_active


def test_end_refused_twice(setup: NominalSetup):
    par = _record(setup)
    ended = _end(par, setup.practitioner)
    with pytest.raises(ApplicationError, match="no longer at risk"):
        _end(ended, setup.practitioner)


def test_end_refused_on_a_stale_version(setup: NominalSetup):
    par = _record(setup)
    _update(par, setup.practitioner, notes="Changed")
    with pytest.raises(ApplicationError, match="Someone else changed"):
        _end(par, setup.practitioner, version=1)
    assert PersonAtRisk.objects.get().is_active


@pytest.mark.parametrize("who", ["chair", "senior_manager", "south_coordinator", "health_practitioner"])
def test_end_refused(setup: NominalSetup, who: str):
    par = PersonAtRiskFactory(nominal=setup.probation_nominal)
    with pytest.raises(PermissionDenied):
        _end(par, setup.user(who))
    assert PersonAtRisk.objects.get().is_active
    assert not _events().exists()


# --- selectors and access -----------------------------------------------------------------------


def test_person_at_risk_list_in_order_and_active_only(setup: NominalSetup):
    nominal = setup.police_nominal
    first = PersonAtRiskFactory(nominal=nominal)
    ended = PersonAtRiskFactory(nominal=nominal, ended_on=timezone.localdate(), ended_reason="Moved away")
    last = PersonAtRiskFactory(nominal=nominal, kind=PersonAtRiskKind.GROUP)
    PersonAtRiskFactory(nominal=setup.probation_nominal)
    user = setup.practitioner
    assert list(selectors.person_at_risk_list(nominal=nominal, fetched_by=user)) == [first, ended, last]
    assert list(selectors.person_at_risk_list(nominal=nominal, fetched_by=user, active_only=True)) == [
        first,
        last,
    ]


@pytest.mark.parametrize(
    ("who", "nominal", "sees"),
    [
        ("practitioner", "police_nominal", True),
        ("chair", "police_nominal", True),
        ("health_practitioner", "police_nominal", True),  # involved
        ("health_practitioner", "probation_nominal", False),  # not involved
        ("senior_manager", "police_nominal", False),  # no RISK_VIEW
        ("south_coordinator", "police_nominal", False),  # another area
    ],
)
def test_person_at_risk_list_scope(setup: NominalSetup, who: str, nominal: str, sees: bool):
    case = getattr(setup, nominal)
    par = PersonAtRiskFactory(nominal=case)
    user = setup.user(who)
    assert list(selectors.person_at_risk_list(nominal=case, fetched_by=user)) == ([par] if sees else [])
    assert list(selectors.person_at_risk_scope(fetched_by=user)) == ([par] if sees else [])


def test_person_at_risk_list_names_linked_people_in_three_queries(
    setup: NominalSetup, django_assert_num_queries: Any
):
    for n in range(5):
        PersonAtRiskFactory(
            nominal=setup.police_nominal, person=make_person(setup.north.police, "Pat", f"Synthetic{n}")
        )
    rows = selectors.person_at_risk_list(nominal=setup.police_nominal, fetched_by=setup.practitioner)
    with django_assert_num_queries(3):  # the rows, their names, their dates of birth
        labels = [par.label for par in rows]
    assert len(labels) == 5


def test_linkable_person_and_visible_person_ids(setup: NominalSetup):
    police = make_person(setup.north.police, "Ray", "Synthetic-Police")
    health = make_person(setup.north.health, "Ray", "Synthetic-Health")
    assert selectors.linkable_person(record_number=police.pk, fetched_by=setup.practitioner) == police
    assert selectors.linkable_person(record_number=police.pk, fetched_by=setup.health_practitioner) is None
    assert selectors.linkable_person(record_number=health.pk + 1000, fetched_by=setup.practitioner) is None
    rows = [
        PersonAtRiskFactory(nominal=setup.police_nominal, person=police),
        PersonAtRiskFactory(nominal=setup.police_nominal, person=health),
        PersonAtRiskFactory(nominal=setup.police_nominal, kind=PersonAtRiskKind.GROUP),
    ]
    assert selectors.visible_person_ids(persons_at_risk=rows, fetched_by=setup.health_practitioner) == {
        health.pk
    }
    assert selectors.visible_person_ids(persons_at_risk=rows[2:], fetched_by=setup.practitioner) == set()


def test_access_person_at_risk_returns_a_visible_one(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    assert access_person_at_risk(setup.health_practitioner, par.pk) == par


@pytest.mark.parametrize("who", ["south_coordinator", "senior_manager", "health_practitioner"])
def test_access_person_at_risk_missing_and_hidden_look_the_same(setup: NominalSetup, who: str):
    hidden = PersonAtRiskFactory(nominal=setup.probation_nominal)
    user = setup.user(who)
    with pytest.raises(Http404) as for_hidden:
        access_person_at_risk(user, hidden.pk)
    with pytest.raises(Http404) as for_missing:
        access_person_at_risk(user, hidden.pk + 1000)
    assert str(for_hidden.value) == str(for_missing.value)
