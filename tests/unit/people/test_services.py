import pytest
from django.core.exceptions import ValidationError

from mappa.audit.models import AuditEvent
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.people.dates import PartialDate
from mappa.people.models import LinkKind, Person, PersonLink
from mappa.people.selectors import person_list
from mappa.people.services import (
    AddressData,
    NameData,
    person_create,
    person_link,
    person_link_revoke,
    person_update,
    persons_search,
)
from tests.factories.accounts import member
from tests.factories.people import make_link, make_person

pytestmark = pytest.mark.django_db


def _create(user, agency, **kwargs):
    args = {
        "source_agency": agency,
        "source_ref": "P-1",
        "names": [NameData("O'Brien-Smyth", "Bill")],
        "dates_of_birth": [PartialDate(1980, 5, 17)],
        "gender": "male",
        "addresses": [AddressData(postcode="dh1 1aa")],
        "identifiers": [("pnc", "12/12345A")],
        "by": user,
    }
    args.update(kwargs)
    return person_create(**args)


def test_create_writes_normalised_columns_and_audits_collection(north):
    person = _create(north.practitioner, north.police)

    name = person.names.get()
    assert (name.surname_norm, name.forenames_norm, name.full_name_norm) == (
        "obrien smyth",
        "bill",
        "obrien smyth bill",
    )
    assert name.forename_group == "william"
    assert person.addresses.get().postcode_norm == "DH11AA"
    assert person.identifiers.get().value == "12/0012345A"
    event = AuditEvent.objects.get(object_type="person", object_id=str(person.pk))
    assert event.action == "collection"
    assert event.object_agency_id == north.police.pk
    assert "Smyth" not in event.summary


@pytest.mark.parametrize(
    ("role", "allowed"), [("practitioner", True), ("mappa_coordinator", True), ("senior_manager", False)]
)
def test_create_permission(north, role, allowed):
    user = north.user(role)
    agency = user.acting_membership.agency
    if allowed:
        assert _create(user, agency).pk
    else:
        with pytest.raises(PermissionDenied):
            _create(user, agency)


def test_create_only_for_own_agency(north):
    with pytest.raises(PermissionDenied):
        _create(north.practitioner, north.probation)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source_ref": " "}, "source_ref"),
        ({"names": [NameData("--")]}, "surname"),
        ({"dates_of_birth": [PartialDate(1981, 2, 29)]}, "date_of_birth"),
        ({"identifiers": [("pnc", "12/0012345B")]}, "pnc"),
        ({"addresses": [AddressData(postcode="nope")]}, "postcode"),
        ({"gender": "x"}, "gender"),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(north, kwargs, field):
    with pytest.raises(ApplicationError) as error:
        _create(north.practitioner, north.police, **kwargs)
    assert error.value.field == field
    assert not Person.objects.exists()


def test_duplicate_source_ref_refused(north):
    _create(north.practitioner, north.police)
    with pytest.raises(ApplicationError, match="already holds"):
        _create(north.practitioner, north.police)


def test_update_records_changed_field_names_only(north):
    person = _create(north.practitioner, north.police)
    person_update(person=person, by=north.practitioner, names=[NameData("Smyth", "William")], gender="male")
    event = AuditEvent.objects.filter(action="alteration").get()
    assert event.changed_fields == ["names"]
    assert person.names.get().surname == "Smyth"
    # No change, no event.
    person_update(person=person, by=north.practitioner, names=[NameData("Smyth", "William")])
    assert AuditEvent.objects.filter(action="alteration").count() == 1


def test_update_by_another_agency_refused(north):
    person = _create(north.practitioner, north.police)
    probation_user = member(["practitioner"], agency=north.probation)
    with pytest.raises(PermissionDenied):
        person_update(person=person, by=probation_user, gender="female")


def test_person_list_visibility(north, south):
    own = make_person(north.police)
    probation_record = make_person(north.probation)
    health_record = make_person(north.health)
    elsewhere = make_person(south.police)
    health_user = member(["practitioner"], agency=north.health)

    assert set(person_list(fetched_by=north.practitioner)) == {own, probation_record, health_record}
    assert set(person_list(fetched_by=health_user)) == {health_record}
    assert list(person_list(fetched_by=north.senior_manager)) == []
    assert elsewhere not in person_list(fetched_by=north.coordinator)


def test_link_and_revoke_are_audited_combinations(north):
    a, b = make_person(north.police), make_person(north.probation)
    link = person_link(a=b, b=a, kind=LinkKind.SAME, reason="Same PNC on paper file", by=north.coordinator)
    assert (link.person_a_id, link.person_b_id) == (a.pk, b.pk)
    with pytest.raises(ApplicationError, match="already stands"):
        person_link(a=a, b=b, kind=LinkKind.NOT_SAME, reason="x", by=north.coordinator)
    person_link_revoke(link=link, reason="Different fathers' names", by=north.practitioner)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert AuditEvent.objects.filter(action="combination").count() == 2
    # A new decision may now be made.
    person_link(a=a, b=b, kind=LinkKind.NOT_SAME, reason="Checked", by=north.coordinator)
    assert PersonLink.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"reason": " "}, "reason"), ({"kind": "maybe"}, "kind")],
)
def test_link_needs_reason_and_kind(north, kwargs, error):
    a, b = make_person(north.police), make_person(north.police)
    args = {"a": a, "b": b, "kind": LinkKind.SAME, "reason": "because", "by": north.practitioner} | kwargs
    with pytest.raises(ApplicationError) as raised:
        person_link(**args)
    assert raised.value.field == error


def test_link_refused_for_unseen_records_and_without_permission(north, south):
    a, other = make_person(north.police), make_person(south.police)
    with pytest.raises(ApplicationError, match="records you can see"):
        person_link(a=a, b=other, kind=LinkKind.SAME, reason="r", by=north.practitioner)
    with pytest.raises(PermissionDenied):
        person_link(a=a, b=make_person(north.police), kind=LinkKind.SAME, reason="r", by=north.senior_manager)


def test_a_search_is_recorded_as_one_consultation_naming_fields_not_values(north):
    person = make_person(north.police, "William", "Smith", dob=(1980, 5, 17))
    candidates = persons_search(by=north.coordinator, name="Bill Smyth", dob="17/05/1980")
    assert [c.id for c in candidates] == [person.pk]
    event = AuditEvent.objects.get(object_type="person_search")
    assert event.action == "consultation"
    assert event.summary == "Person search by name and date of birth"
    assert event.justification == "Person search"
    assert event.detail == {
        "fields": ["name", "dob"],
        "candidates": 1,
        "person_ids": [person.pk],
        "linked_record_ids": [],
        "via": "page",
    }
    for value in ("Bill", "Smyth", "1980"):
        assert value not in event.summary
        assert value not in str(event.detail)


def test_a_search_with_no_match_is_recorded_and_a_malformed_one_is_not(north):
    assert persons_search(by=north.coordinator, postcode="DH1 1AA", pnc="") == []
    event = AuditEvent.objects.get(object_type="person_search")
    assert event.summary == "Person search by postcode"
    assert event.detail["candidates"] == 0
    with pytest.raises(ValidationError):
        persons_search(by=north.coordinator, dob="yesterday")
    assert AuditEvent.objects.filter(object_type="person_search").count() == 1


def test_no_results_when_the_search_cannot_be_recorded(north, monkeypatch):
    make_person(north.police, "William", "Smith")

    def refuse(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("mappa.people.services.record_event", refuse)
    with pytest.raises(RuntimeError):
        persons_search(by=north.coordinator, name="William Smith")
    assert not AuditEvent.objects.filter(object_type="person_search").exists()


def test_a_search_records_the_linked_records_it_showed(north):
    a = make_person(north.police, "Ada", "Zoltan", dob=(1970, 1, 2))
    b = make_person(north.probation, "Ada", "Zoltan", dob=(1970, 1, 2))
    make_link(a, b, north.coordinator)
    [candidate] = persons_search(by=north.coordinator, name="Ada Zoltan", via="command")
    detail = AuditEvent.objects.get(object_type="person_search").detail
    assert detail["person_ids"] == [candidate.id]
    assert detail["linked_record_ids"] == sorted({a.pk, b.pk} - {candidate.id})
    assert detail["via"] == "command"
