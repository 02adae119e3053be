import pytest
from django.urls import reverse

from mappa.audit.models import AuditEvent
from mappa.people.identifiers import pnc_check_character
from mappa.people.models import Person, PersonLink
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.people import make_link, make_person

pytestmark = pytest.mark.django_db

# Same area: the police co-ordinator and practitioner see the area; the senior manager sees nothing.
ROLES = [("mappa_coordinator", True), ("practitioner", True), ("senior_manager", False)]


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_search_page(north, role, allowed):
    make_person(north.probation, "William", "Smith", dob=(1980, 5, 17), source_ref="PROB-9")
    client = signed_in_client(north.user(role))
    assert client.get(reverse("people:person-search")).status_code == (200 if allowed else 403)
    response = client.post(
        reverse("people:person-search"), {"name": "Bill Smyth", "date_of_birth": "17/05/1980"}
    )
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        body = response.content.decode()
        assert "SMITH, William" in body
        assert "forename is a nickname of" in body
        assert "<caption" in body


def test_search_form_errors(north):
    client = signed_in_client(north.practitioner)
    body = client.post(reverse("people:person-search"), {}).content.decode()
    assert "Enter a name, date of birth, postcode or PNC number" in body
    body = client.post(reverse("people:person-search"), {"date_of_birth": "31/02/1980"}).content.decode()
    assert "Enter a date of birth like" in body
    body = client.post(reverse("people:person-search"), {"pnc": "12/0012345B"}).content.decode()
    assert "check letter" in body


def test_search_shows_nothing_from_elsewhere(north, south):
    make_person(south.police, "William", "Smith", dob=(1980, 5, 17))
    response = signed_in_client(north.coordinator).post(
        reverse("people:person-search"), {"name": "William Smith"}
    )
    assert "SMITH, William" not in response.content.decode()


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_person_detail_allowed_and_audited(north, role, allowed):
    person = make_person(north.probation, "William", "Smith", source_ref="PROB-9")
    before = AuditEvent.objects.filter(action="consultation").count()
    response = signed_in_client(north.user(role)).get(reverse("people:person-detail", args=[person.pk]))
    assert response.status_code == (200 if allowed else 404)
    events = AuditEvent.objects.filter(action="consultation", object_type="person")
    assert events.count() == before + (1 if allowed else 0)
    if allowed:
        assert events.get().justification == "area responsible authority"
        assert "PROB-9" in response.content.decode()


def test_own_agency_record_justification_and_dtc_limits(north):
    health_user = member(["practitioner"], agency=north.health)
    own = make_person(north.health, source_ref="H1")
    police_record = make_person(north.police)
    client = signed_in_client(health_user)
    assert client.get(reverse("people:person-detail", args=[own.pk])).status_code == 200
    assert (
        AuditEvent.objects.get(object_type="person", action="consultation").justification
        == "own agency record"
    )
    assert client.get(reverse("people:person-detail", args=[police_record.pk])).status_code == 404
    assert client.get(reverse("people:person-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_add_person(north, role, allowed):
    client = signed_in_client(north.user(role))
    assert client.get(reverse("people:person-create")).status_code == (200 if allowed else 403)
    response = client.post(
        reverse("people:person-create"),
        {
            "source_ref": "NEW-1",
            "forenames": "Ada",
            "surname": "Zoltan",
            "aliases": "Ada Lovell\nSmith, Ada",
            "date_of_birth": "1970",
            "gender": "female",
            "postcode": "dh1 1aa",
            "pnc": "",
            "nhs_number": "943 476 5919",
        },
    )
    created = Person.objects.filter(source_ref="NEW-1").first()
    if allowed:
        assert response.status_code == 302
        assert created is not None
        assert created.names.count() == 3
    else:
        assert response.status_code == 403
        assert created is None


def test_add_person_rejects_bad_input(north):
    response = signed_in_client(north.practitioner).post(
        reverse("people:person-create"),
        {
            "source_ref": "X",
            "surname": "Zoltan",
            "gender": "female",
            "pnc": "12/0012345B",
            "date_of_birth": "",
        },
    )
    assert response.status_code == 200
    assert "check letter" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_link_and_revoke_pages(north, role, allowed):
    a = make_person(north.police)
    b = make_person(north.probation)
    client = signed_in_client(north.user(role))
    url = reverse("people:person-link", args=[a.pk])
    assert client.get(url).status_code == (200 if allowed else 403)
    response = client.post(url, {"other": b.pk, "kind": "same", "reason": "Same PNC"})
    if not allowed:
        assert response.status_code == 403
        assert not PersonLink.objects.exists()
        return
    assert response.status_code == 302
    link = PersonLink.objects.get()
    revoke = reverse("people:person-unlink", args=[a.pk, link.pk])
    body = client.post(revoke, {"reason": ""}).content.decode()
    assert "Enter the reason for revoking" in body
    assert client.post(revoke, {"reason": "Mistake"}).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_link_requires_reason_and_a_visible_record(north, south):
    a = make_person(north.police)
    hidden = make_person(south.police)
    client = signed_in_client(north.coordinator)
    url = reverse("people:person-link", args=[a.pk])
    assert "Enter the reason" in client.post(url, {"other": a.pk, "kind": "same"}).content.decode()
    body = client.post(url, {"other": hidden.pk, "kind": "same", "reason": "r"}).content.decode()
    assert "You can only link records you can see" in body
    assert not PersonLink.objects.exists()


def test_revoke_of_a_link_elsewhere_is_404(north, south):
    a, b = make_person(south.police), make_person(south.police)
    link = make_link(a, b, south.coordinator)
    mine = make_person(north.police)
    client = signed_in_client(north.coordinator)
    assert client.get(reverse("people:person-unlink", args=[mine.pk, link.pk])).status_code == 404
    assert client.get(reverse("people:person-unlink", args=[a.pk, link.pk])).status_code == 404


def test_navigation_shows_people_to_those_who_may_search(north):
    body = signed_in_client(north.practitioner).get(reverse("web:home")).content.decode()
    assert reverse("people:person-search") in body
    body = signed_in_client(north.senior_manager).get(reverse("web:home")).content.decode()
    assert reverse("people:person-search") not in body


def test_each_page_search_is_recorded_as_a_consultation(north):
    person = make_person(north.probation, "William", "Smith", dob=(1980, 5, 17))
    client = signed_in_client(north.practitioner)
    client.post(reverse("people:person-search"), {"name": "Bill Smyth", "postcode": ""})
    client.post(reverse("people:person-search"), {"pnc": "", "date_of_birth": "1901"})
    # A form error searches nothing, so nothing is recorded.
    client.post(reverse("people:person-search"), {"date_of_birth": "31/02/1980"})
    events = list(AuditEvent.objects.filter(object_type="person_search").order_by("sequence"))
    assert [e.summary for e in events] == ["Person search by name", "Person search by date of birth"]
    assert all(e.action == "consultation" and e.justification == "Person search" for e in events)
    assert events[0].detail["person_ids"] == [person.pk]
    assert events[0].detail["candidates"] == 1
    assert events[1].detail["candidates"] == 0
    assert events[0].actor_username == north.practitioner.username
    assert "Smyth" not in str(events[0].detail) + events[0].summary


# Changing a record: the police practitioner's own agency holds `own`; the probation record is
# visible to them (area-wide) but not theirs; the senior manager cannot record people at all;
# a health practitioner cannot see police records; another area's record is invisible.
EDIT_CASES = [
    ("practitioner", "own", 200),
    ("coordinator", "own", 200),
    ("practitioner", "probation", 403),
    ("senior_manager", "probation", 403),
    ("health", "own", 404),
    ("practitioner", "elsewhere", 404),
    ("practitioner", "missing", 404),
]


@pytest.mark.parametrize(("who", "which", "status"), EDIT_CASES)
def test_edit_person_allowed_and_denied(north, south, who, which, status):
    records = {
        "own": make_person(north.police, "Ada", "Zoltan", dob=(1970, 1, 2), source_ref="POL-1"),
        "probation": make_person(north.probation, "Ada", "Zoltan", source_ref="PROB-1"),
        "elsewhere": make_person(south.police, "Ada", "Zoltan", source_ref="SOUTH-1"),
    }
    users = {
        "practitioner": north.practitioner,
        "coordinator": north.coordinator,
        "senior_manager": north.senior_manager,
        "health": member(["practitioner"], agency=north.health),
    }
    pk = records[which].pk if which in records else 999999
    url = reverse("people:person-edit", args=[pk])
    client = signed_in_client(users[who])
    before = AuditEvent.objects.filter(
        action__in=["consultation", "alteration"], object_type="person"
    ).count()
    assert client.get(url).status_code == status
    data = {"forenames": "Ada", "surname": "Zoltan-Smith", "date_of_birth": "1970", "gender": "female"}
    response = client.post(url, data)
    after = AuditEvent.objects.filter(action__in=["consultation", "alteration"], object_type="person")
    if status != 200:
        assert response.status_code == status
        assert after.count() == before  # refused pages consult nothing and change nothing
        if which in records:
            assert records[which].names.get().surname == "Zoltan"
        return
    assert response.status_code == 302
    person = records["own"]
    assert person.names.get().surname == "Zoltan-Smith"
    assert person.dates_of_birth.get().month is None
    alteration = after.get(action="alteration")
    assert sorted(alteration.changed_fields) == ["dates_of_birth", "gender", "names"]
    assert "Zoltan" not in alteration.summary
    # The detail page offers the change to the owner only.
    body = client.get(reverse("people:person-detail", args=[person.pk])).content.decode()
    assert url in body


def test_edit_person_bad_input_explains_and_writes_nothing(north):
    person = make_person(
        north.police,
        "Ada",
        "Zoltan",
        dob=(1970, 1, 2),
        postcode="DH1 1AA",
        aliases=[("Ada", "Lovell")],
        identifiers=[("pnc", f"11/0000042{pnc_check_character('11', '42')}")],
    )
    url = reverse("people:person-edit", args=[person.pk])
    client = signed_in_client(north.practitioner)
    form = client.get(url).context["form"]
    assert form.initial["aliases"] == "Lovell, Ada"
    assert form.initial["date_of_birth"] == "02/01/1970"
    good = {**form.initial}
    cases = [
        ({"surname": ""}, "Enter a surname"),
        ({"date_of_birth": "30/02/1970"}, "Enter a date of birth like"),
        ({"pnc": "12/0012345B"}, "check letter"),
        ({"postcode": "nope"}, "Enter a real postcode"),
        ({"nhs_number": "1234567890"}, "NHS number"),
    ]
    for change, message in cases:
        response = client.post(url, {**good, **change})
        assert response.status_code == 200
        assert message in response.content.decode(), change
    assert not AuditEvent.objects.filter(action="alteration").exists()
    # Posting the form back unchanged changes nothing either, and keeps the alias's kind.
    assert client.post(url, good).status_code == 302
    assert not AuditEvent.objects.filter(action="alteration").exists()
    assert sorted(n.kind for n in person.names.all()) == ["alias", "current"]
