import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mappa.audit.models import Action, AuditEvent
from mappa.nominals.models import Nominal, NominalTransfer, TransferStatus
from tests.conftest import signed_in_client
from tests.factories.nominals import NominalSetup

TODAY = timezone.localdate()


def _date(prefix: str, value=TODAY) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("practitioner", 200),
        ("chair", 200),
        ("health_practitioner", 200),
        ("senior_manager", 403),
        ("auditor", 403),
    ],
)
def test_register(setup: NominalSetup, who, status):
    response = signed_in_client(setup.user(who)).get(reverse("nominals:nominal-list"))
    assert response.status_code == status
    if status == 200:
        # Escaped as the page shows it: a synthetic name may hold an apostrophe (O'CONNOR).
        shown = escape(setup.police_nominal.person.display_name) in response.content.decode()
        assert shown == (who != "health_practitioner")


def test_register_page_view_is_a_consultation_of_the_nominals_shown(setup: NominalSetup):
    client = signed_in_client(setup.coordinator)
    client.get(reverse("nominals:nominal-list"), {"lead_agency": setup.north.probation.pk})
    event = AuditEvent.objects.get(object_type="nominal_register")
    assert event.action == Action.CONSULTATION
    assert event.actor_user_id == setup.coordinator.pk
    assert event.detail["nominal_ids"] == [setup.probation_nominal.pk]
    assert event.detail["filters"] == {"lead_agency": str(setup.north.probation.pk)}


def test_register_filters_and_bad_filter(setup: NominalSetup):
    client = signed_in_client(setup.coordinator)
    url = reverse("nominals:nominal-list")
    response = client.get(url, {"lead_agency": setup.north.probation.pk, "level": 1})
    body = response.content.decode()
    assert setup.probation_nominal.person.display_name in body
    assert setup.police_nominal.person.display_name not in body
    assert "1 nominal matching the filters" in body
    response = client.get(url, {"level": "9"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("chair", 200),
        ("health_practitioner", 404),
        ("south_coordinator", 404),
        ("senior_manager", 404),
    ],
)
def test_case_overview(setup: NominalSetup, who, status):
    nominal = setup.police_nominal
    response = signed_in_client(setup.user(who)).get(reverse("nominals:nominal-detail", args=[nominal.pk]))
    assert response.status_code == status
    consultations = AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal.pk)
    assert consultations.count() == (1 if status == 200 else 0)
    if status == 200:
        body = response.content.decode()
        assert nominal.person.display_name in body
        assert "No plan has been approved yet" in body
        assert ('Change<span class="govuk-visually-hidden"> level' in body) == (who == "coordinator")


def test_case_overview_missing_and_forbidden_look_the_same(setup: NominalSetup):
    client = signed_in_client(setup.south_coordinator)
    forbidden = client.get(reverse("nominals:nominal-detail", args=[setup.police_nominal.pk]))
    missing = client.get(reverse("nominals:nominal-detail", args=[10**9]))
    assert forbidden.status_code == missing.status_code == 404

    # The same page, apart from the per-response CSP nonce and CSRF token.
    def strip(body: bytes) -> str:
        return re.sub(r'(nonce|value)="[^"]*"', "", body.decode())

    assert strip(forbidden.content) == strip(missing.content)


@pytest.mark.parametrize(
    ("who", "status"), [("practitioner", 302), ("chair", 403), ("probation_practitioner", 403)]
)
def test_change_level(setup: NominalSetup, who, status):
    nominal = setup.police_nominal
    url = reverse("nominals:nominal-change", args=[nominal.pk, "level"])
    data = {
        "value": "2",
        "reason": "risk_increased",
        "reason_detail": "",
        "version": "1",
        **_date("effective_date"),
    }
    # The probation practitioner has no relationship to this police-led case, but is refused
    # outright rather than first asked for a reason to open a page they could not use.
    response = signed_in_client(setup.user(who)).post(url, data)
    assert response.status_code == status
    nominal.refresh_from_db()
    assert nominal.level == (2 if status == 302 else 1)
    assert nominal.changes.exists() == (status == 302)
    alterations = AuditEvent.objects.filter(action=Action.ALTERATION, nominal_id=nominal.pk)
    assert alterations.exists() == (status == 302)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select the new level"),
        ({"value": "2", "reason": "other"}, "Explain the reason"),
        (
            {
                "value": "2",
                "reason": "risk_increased",
                "effective_date_day": "31",
                "effective_date_month": "2",
            },
            "must be a real date",
        ),
        (
            {"value": "2", "reason": "risk_increased", **_date("effective_date", TODAY + timedelta(days=2))},
            "today or in the past",
        ),
        ({"value": "2", "reason": "risk_increased", "version": "0"}, "Someone else changed this nominal"),
    ],
)
def test_change_level_bad_input_explains_and_writes_nothing(setup: NominalSetup, data, message):
    nominal = setup.police_nominal
    url = reverse("nominals:nominal-change", args=[nominal.pk, "level"])
    posted = {"version": "1", **_date("effective_date"), **data}
    response = signed_in_client(setup.coordinator).post(url, posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Nominal.objects.get(pk=nominal.pk).version == 1
    assert not AuditEvent.objects.filter(action=Action.ALTERATION, nominal_id=nominal.pk).exists()


def test_category_3_at_level_1_explained_on_the_page(setup: NominalSetup):
    url = reverse("nominals:nominal-change", args=[setup.police_nominal.pk, "category"])
    data = {"value": "3", "reason": "meeting_decision", "version": "1", **_date("effective_date")}
    response = signed_in_client(setup.coordinator).post(url, data)
    assert "cannot be managed at level 1" in response.content.decode()
    assert Nominal.objects.get(pk=setup.police_nominal.pk).category == 1


def test_unknown_change_is_404(setup: NominalSetup):
    url = reverse("nominals:nominal-change", args=[setup.police_nominal.pk, "colour"])
    assert signed_in_client(setup.coordinator).get(url).status_code == 404


@pytest.mark.parametrize("what", ["category", "level", "lead-agency", "status"])
def test_change_pages_render(setup: NominalSetup, what):
    url = reverse("nominals:nominal-change", args=[setup.police_nominal.pk, what])
    assert signed_in_client(setup.coordinator).get(url).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 302), ("practitioner", 302), ("chair", 403), ("health_practitioner", 403)],
)
def test_create(setup: NominalSetup, who, status):
    data = {
        "area": str(setup.area.pk),
        "person_reference": setup.person.source_ref,
        "category": "1",
        "level": "1",
        "lead_agency": str(setup.north.police.pk),
        "status": "in_community",
        **_date("release_date"),
    }
    response = signed_in_client(setup.user(who)).post(reverse("nominals:nominal-create"), data)
    assert response.status_code == status
    assert Nominal.objects.filter(person=setup.person).exists() == (status == 302)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person_reference": "NO-SUCH-REF"}, "No person record of the area"),
        ({"category": "3", "level": "1"}, "cannot be managed at level 1"),
        (
            {**_date("sentence_date", TODAY), **_date("release_date", TODAY - timedelta(days=1))},
            "release date cannot be before the sentence date",
        ),
        (
            {"release_date_day": "40", "release_date_month": "1", "release_date_year": "2024"},
            "Release date must be a real date",
        ),
        ({"category": ""}, "Select the MAPPA category"),
    ],
)
def test_create_bad_input_explains_and_writes_nothing(setup: NominalSetup, changes, message):
    data = {
        "area": str(setup.area.pk),
        "person_reference": str(setup.person.pk),
        "category": "1",
        "level": "1",
        "lead_agency": str(setup.north.police.pk),
        "status": "in_community",
        **changes,
    }
    response = signed_in_client(setup.coordinator).post(reverse("nominals:nominal-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nominal.objects.filter(person=setup.person).exists()
    assert not AuditEvent.objects.filter(object_type="nominal").exists()


def test_details_exit_and_transfer_pages(setup: NominalSetup):
    nominal = setup.police_nominal
    client = signed_in_client(setup.practitioner)
    details = {
        "version": "1",
        "case_manager": str(setup.practitioner.pk),
        "index_offence": "Synthetic",
        "cppc": "on",
    }
    response = client.post(reverse("nominals:nominal-details", args=[nominal.pk]), details)
    assert response.status_code == 302
    nominal.refresh_from_db()
    assert nominal.cppc and nominal.version == 2

    transfer = {
        "version": "2",
        "to_area": str(setup.south.area.pk),
        "reason": "moved_home",
        **_date("proposed_date"),
    }
    assert client.post(reverse("nominals:transfer-request", args=[nominal.pk]), transfer).status_code == 302
    pending = NominalTransfer.objects.get(nominal=nominal)
    accept_url = reverse("nominals:transfer-accept", args=[pending.pk])
    assert client.get(accept_url).status_code == 403
    south = signed_in_client(setup.south_coordinator)
    assert (
        setup.police_nominal.person.display_name
        in south.get(reverse("nominals:nominal-list")).content.decode()
    )
    assert south.post(accept_url, {"note": ""}).status_code == 302
    effective_url = reverse("nominals:transfer-effective", args=[pending.pk])
    refused = south.post(effective_url, _date("effective_date"))
    assert refused.status_code == 200 and "does not serve South test area" in refused.content.decode()
    lead = {"lead_agency": str(setup.south.police.pk), **_date("effective_date")}
    assert south.post(effective_url, lead).status_code == 302
    pending.refresh_from_db()
    assert pending.status == TransferStatus.EFFECTIVE
    # Now South's: North's practitioner no longer sees it.
    assert client.get(reverse("nominals:nominal-detail", args=[nominal.pk])).status_code == 404

    exit_url = reverse("nominals:nominal-exit", args=[nominal.pk])
    response = south.post(exit_url, {"version": "4", "reason": "died", **_date("effective_date")})
    assert response.status_code == 302
    assert Nominal.objects.get(pk=nominal.pk).is_exited


def test_home_links_to_register(setup: NominalSetup):
    body = signed_in_client(setup.practitioner).get("/").content.decode()
    assert reverse("nominals:nominal-list") in body
    body = signed_in_client(setup.senior_manager).get("/").content.decode()
    assert reverse("nominals:nominal-list") not in body
