"""The persons at risk pages, each allowed and denied from one world.

tests.factories.risk_management.risk_setup: NominalSetup's North and South, with North Health (a
duty-to-co-operate agency) involved in `police_nominal` through an item it owns. Person records
held by North Police are visible to North's Responsible Authority staff, not to North Health.
"""

import html
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mappa.audit.models import Action, AuditEvent
from mappa.nominals.models import Status
from mappa.risk_management.models import PersonAtRisk, PersonAtRiskKind
from tests.conftest import signed_in_client
from tests.factories.nominals import NominalFactory, NominalSetup
from tests.factories.people import make_person
from tests.factories.risk_management import PersonAtRiskFactory, risk_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db) -> NominalSetup:
    result: NominalSetup = risk_setup()
    return result


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, *args: Any) -> str:
    return reverse(f"risk_management:{name}", args=args)


def _consulted(nominal: Any) -> bool:
    return AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk).exists()


def _events(par: PersonAtRisk | None = None) -> Any:
    events = AuditEvent.objects.filter(object_type="person_at_risk")
    return events.filter(object_id=str(par.pk)) if par is not None else events


def _form(**overrides: str) -> dict[str, str]:
    data = {"kind": "group", "person": "", "description": "Staff of the approved premises", "notes": ""}
    data.update(overrides)
    return data


def _exited(setup: NominalSetup) -> Any:
    return NominalFactory(
        lead_agency=setup.north.police, area=setup.area, status=Status.EXITED, exited_on=timezone.localdate()
    )


# --- person-at-risk-list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "nominal", "status", "can_record"),
    [
        ("practitioner", "police_nominal", 200, True),
        ("health_practitioner", "police_nominal", 200, True),
        ("chair", "police_nominal", 200, False),
        ("senior_manager", "police_nominal", 403, False),
        ("south_coordinator", "police_nominal", 404, False),
        ("health_practitioner", "probation_nominal", 404, False),
    ],
)
def test_list_page(setup: NominalSetup, who: str, nominal: str, status: int, can_record: bool):
    case = getattr(setup, nominal)
    person = make_person(setup.north.police, "Dana", "Synthetic-Partner")
    linked = PersonAtRiskFactory(
        nominal=case, person=person, description="", kind=PersonAtRiskKind.PARTNER, address_confidential=True
    )
    group = PersonAtRiskFactory(
        nominal=case, kind=PersonAtRiskKind.GROUP, description="Synthetic: neighbours' children"
    )
    ended = PersonAtRiskFactory(
        nominal=case,
        is_child=True,
        description="Synthetic: former lodger's son",
        ended_on=timezone.localdate() - timedelta(days=5),
        ended_reason="Moved away",
    )
    response = signed_in_client(setup.user(who)).get(_url("person-at-risk-list", case.pk))
    assert response.status_code == status
    if status != 200:
        assert not _consulted(case)
        return
    raw = response.content.decode()
    body = _text(response)
    assert "<caption" in body
    assert escape(person.display_name) in raw
    assert group.description in body and ended.description in body
    assert "Confidential address" in body and "Child" in body
    assert "No longer at risk" in body and "Since" in body
    assert ("Add a person or group at risk" in body) is can_record
    assert (_url("person-at-risk-edit", linked.pk) in body) is can_record
    # Only an active record can be changed or ended.
    assert _url("person-at-risk-edit", ended.pk) not in body
    # The person's record is linked only for those who may open it in the people index.
    person_url = reverse("people:person-detail", args=[person.pk])
    assert (person_url in body) is (who != "health_practitioner")
    assert _consulted(case)


def test_list_page_empty(setup: NominalSetup):
    body = _text(signed_in_client(setup.chair).get(_url("person-at-risk-list", setup.police_nominal.pk)))
    assert "No persons or groups at risk recorded" in body


# --- person-at-risk-create ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("chair", 403), ("senior_manager", 403), ("south_coordinator", 404)],
)
def test_create_page(setup: NominalSetup, who: str, status: int):
    nominal = setup.police_nominal
    response = signed_in_client(setup.user(who)).get(_url("person-at-risk-create", nominal.pk))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        assert 'name="kind"' in body and 'name="person"' in body
        assert "record number shown at the top of their person record page" in body
        assert "their address must not reach the nominal" in body
        assert _consulted(nominal)
    else:
        assert not _consulted(nominal)


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("south_coordinator", 404)]
)
def test_create_posts_a_linked_person(setup: NominalSetup, who: str, status: int):
    child = make_person(
        setup.north.police, "Ellis", "Synthetic-Child", dob=(timezone.localdate().year - 8, 3, 4)
    )
    data = _form(kind="household_member", person=str(child.pk), description="", address_confidential="on")
    response = signed_in_client(setup.user(who)).post(
        _url("person-at-risk-create", setup.police_nominal.pk), data
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == _url("person-at-risk-list", setup.police_nominal.pk)
        par = PersonAtRisk.objects.get()
        assert (par.person, par.is_child, par.address_confidential) == (child, True, True)
        assert _events(par).get().action == Action.COLLECTION
    else:
        assert not PersonAtRisk.objects.exists()
        assert not _events().exists()


def test_create_posts_a_group(setup: NominalSetup):
    client = signed_in_client(setup.health_practitioner)
    response = client.post(_url("person-at-risk-create", setup.police_nominal.pk), _form())
    assert response.status_code == 302
    par = PersonAtRisk.objects.get()
    assert (par.kind, par.person, par.recorded_by_agency) == ("group", None, setup.north.health)
    assert "Person at risk recorded" in _text(client.get(response["Location"]))


@pytest.mark.parametrize("number", ["hidden", "missing"])
def test_create_a_person_not_found_looks_the_same(setup: NominalSetup, number: str):
    """North Health cannot see North Police's person records: the number is 'not found', exactly as
    a number no record has."""
    hidden = make_person(setup.north.police, "Frankie", "Synthetic-Hidden")
    pk = hidden.pk if number == "hidden" else hidden.pk + 1000
    response = signed_in_client(setup.health_practitioner).post(
        _url("person-at-risk-create", setup.police_nominal.pk), _form(kind="potential_victim", person=str(pk))
    )
    body = _text(response)
    assert response.status_code == 200
    assert "No person record with that number was found" in body
    assert "Synthetic-Hidden" not in body
    assert not PersonAtRisk.objects.exists()


def test_create_empty_post_shows_the_errors(setup: NominalSetup):
    response = signed_in_client(setup.practitioner).post(
        _url("person-at-risk-create", setup.police_nominal.pk), {}
    )
    body = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Select who is at risk" in body
    assert not PersonAtRisk.objects.exists()


def test_create_refused_by_the_service_shows_why(setup: NominalSetup):
    response = signed_in_client(setup.practitioner).post(
        _url("person-at-risk-create", setup.police_nominal.pk), _form(description="")
    )
    body = _text(response)
    assert "Describe the group at risk" in body
    assert 'href="#id_description"' in body
    assert not PersonAtRisk.objects.exists()


def test_create_for_an_exited_nominal_shows_why_not(setup: NominalSetup):
    exited = _exited(setup)
    body = _text(signed_in_client(setup.practitioner).get(_url("person-at-risk-create", exited.pk)))
    assert "has exited MAPPA" in body
    assert 'name="kind"' not in body


# --- person-at-risk-edit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("health_practitioner", 200),  # any agency recording risk on the case
        ("chair", 403),
        ("senior_manager", 403),
        ("south_coordinator", 404),
    ],
)
def test_edit_page(setup: NominalSetup, who: str, status: int):
    par = PersonAtRiskFactory(nominal=setup.police_nominal, notes="Synthetic note")
    response = signed_in_client(setup.user(who)).get(_url("person-at-risk-edit", par.pk))
    assert response.status_code == status
    if status == 200:
        body = _text(response)
        assert 'name="version" value="1"' in body
        assert 'name="person"' not in body  # the linked person does not change
        assert "Synthetic note" in body
        assert _consulted(setup.police_nominal)
    else:
        assert not _consulted(setup.police_nominal)


@pytest.mark.parametrize(("who", "status"), [("probation_practitioner", 302), ("chair", 403)])
def test_edit_posts(setup: NominalSetup, who: str, status: int):
    # Probation has no relationship to a police-led case: give it one (it owns an item on it).
    from tests.factories.information_sharing import ItemFactory

    ItemFactory(
        nominal=setup.police_nominal, owner_agency=setup.north.probation, author=setup.probation_practitioner
    )
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    data = {
        "kind": "potential_victim",
        "description": par.description,
        "address_confidential": "on",
        "notes": "",
        "version": "1",
    }
    response = signed_in_client(setup.user(who)).post(_url("person-at-risk-edit", par.pk), data)
    assert response.status_code == status
    stored = PersonAtRisk.objects.get()
    if status == 302:
        assert (stored.address_confidential, stored.version) == (True, 2)
        assert _events(par).get().changed_fields == ["address_confidential"]
    else:
        assert (stored.address_confidential, stored.version) == (False, 1)
        assert not _events().exists()


def test_edit_stale_version_is_refused_on_the_form(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=setup.police_nominal, version=3)
    data = {"kind": "partner", "description": par.description, "notes": "", "version": "2"}
    response = signed_in_client(setup.practitioner).post(_url("person-at-risk-edit", par.pk), data)
    assert response.status_code == 200
    assert "Someone else changed this record" in _text(response)
    assert PersonAtRisk.objects.get().kind == "potential_victim"


def test_edit_of_an_ended_record_shows_why_not(setup: NominalSetup):
    par = PersonAtRiskFactory(
        nominal=setup.police_nominal, ended_on=timezone.localdate(), ended_reason="Moved"
    )
    client = signed_in_client(setup.practitioner)
    body = _text(client.get(_url("person-at-risk-edit", par.pk)))
    assert "kept as it was" in body and 'name="kind"' not in body
    response = client.post(_url("person-at-risk-edit", par.pk), {"kind": "group", "version": "1"})
    assert response.status_code == 200
    assert PersonAtRisk.objects.get().kind == "potential_victim"


# --- person-at-risk-end -------------------------------------------------------------------------


def _end_form(**overrides: str) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "ended_on_day": str(day.day),
        "ended_on_month": str(day.month),
        "ended_on_year": str(day.year),
        "reason": "Synthetic: moved out of the area",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("chair", 403), ("senior_manager", 403), ("south_coordinator", 404)],
)
def test_end_page(setup: NominalSetup, who: str, status: int):
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    response = signed_in_client(setup.user(who)).get(_url("person-at-risk-end", par.pk))
    assert response.status_code == status
    if status == 200:
        assert 'name="reason"' in _text(response)
    assert _consulted(setup.police_nominal) is (status == 200)


@pytest.mark.parametrize(("who", "status"), [("health_practitioner", 302), ("chair", 403)])
def test_end_posts(setup: NominalSetup, who: str, status: int):
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    client = signed_in_client(setup.user(who))
    response = client.post(_url("person-at-risk-end", par.pk), _end_form())
    assert response.status_code == status
    stored = PersonAtRisk.objects.get()
    if status == 302:
        assert response["Location"] == _url("person-at-risk-list", setup.police_nominal.pk)
        assert stored.ended_on == timezone.localdate() - timedelta(days=1)
        assert _events(par).get().changed_fields == ["ended_on", "ended_reason"]
        assert "Recorded as no longer at risk" in _text(client.get(response["Location"]))
    else:
        assert stored.is_active
        assert not _events().exists()


def test_end_empty_post_shows_the_errors(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    response = signed_in_client(setup.practitioner).post(_url("person-at-risk-end", par.pk), {"version": "1"})
    body = _text(response)
    assert "Enter the date they stopped being at risk" in body
    assert "Enter why they are no longer at risk" in body
    assert PersonAtRisk.objects.get().is_active


def test_end_in_the_future_is_refused_on_the_form(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=setup.police_nominal)
    later = timezone.localdate() + timedelta(days=3)
    data = _end_form(
        ended_on_day=str(later.day), ended_on_month=str(later.month), ended_on_year=str(later.year)
    )
    body = _text(signed_in_client(setup.practitioner).post(_url("person-at-risk-end", par.pk), data))
    assert "must be today or in the past" in body
    assert PersonAtRisk.objects.get().is_active


def test_end_of_an_exited_nominal_shows_why_not(setup: NominalSetup):
    par = PersonAtRiskFactory(nominal=_exited(setup))
    client = signed_in_client(setup.practitioner)
    assert "can no longer be changed" in _text(client.get(_url("person-at-risk-end", par.pk)))
    response = client.post(_url("person-at-risk-end", par.pk), _end_form())
    assert response.status_code == 200
    assert PersonAtRisk.objects.get().is_active
