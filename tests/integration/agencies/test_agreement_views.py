from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mappa.agencies.models import AgreementStatus, InformationSharingAgreement
from mappa.audit.models import AuditEvent
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.agencies import AgreementFactory, MappaAreaFactory

pytestmark = pytest.mark.django_db

# Signing in writes audit events of its own; these are the ones this app writes.
OBJECT_TYPES = ("area", "agency", "agreement")

# Same area: the co-ordinator (police) and the senior manager (probation) manage agreements,
# the practitioner (police, like the co-ordinator) only reads them.
ROLES = [("mappa_coordinator", True), ("senior_manager", True), ("practitioner", False)]
TODAY = timezone.localdate()


def _date(prefix, value):
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _form(north, agreement=None, **overrides):
    data = {
        "title": "North housing agreement",
        "reference": "NORTH-HOUSING-ISA",
        "parties": [north.police.pk, north.health.pk],
        "purposes": ["mappa", "safeguarding_adults"],
        "lawful_bases": ["cja2003_s325"],
        "data_categories": ["identifiers", "addresses"],
        **_date("start_date", TODAY),
        **_date("review_date", TODAY + timedelta(days=365)),
        "notes": "",
    }
    if agreement is not None:
        data |= {
            "title": agreement.title,
            "reference": agreement.reference,
            "parties": [party.pk for party in agreement.parties.all()],
            "purposes": agreement.purposes,
            "lawful_bases": agreement.lawful_bases,
            "data_categories": agreement.data_categories,
            **_date("start_date", agreement.start_date),
            **_date("review_date", agreement.review_date),
            "version": str(agreement.version),
        }
    return data | overrides


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_list_shows_area_agreements_to_every_member(north, south, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:agreement-list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "North MAPPA agreement" in body
    assert "South MAPPA agreement" not in body
    assert "1 agreement" in body
    assert (reverse("agencies:agreement-create") in body) is may_manage


def test_agreement_list_empty_says_what_will_appear():
    # A practitioner of an agency in a fresh area with no agreements.
    response = signed_in_client(member(["practitioner"])).get(reverse("agencies:agreement-list"))
    assert "Agreements of the MAPPA areas your agency serves will appear here" in response.content.decode()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_detail_shows_the_whole_agreement(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(
        reverse("agencies:agreement-detail", args=[north.agreement.pk])
    )

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "North Police",
        "North Probation",
        "MAPPA risk assessment and management",
        "Criminal Justice Act 2003 s.325(4)",
        "Names, dates of birth and identifiers",
        "Risk assessments and risk management plans",
        "govuk-tag--green",
    ):
        assert text in body
    assert "Review overdue" not in body
    assert (reverse("agencies:agreement-edit", args=[north.agreement.pk]) in body) is may_manage
    assert (reverse("agencies:agreement-status", args=[north.agreement.pk]) in body) is may_manage


def test_agreement_detail_warns_when_review_date_passed(north):
    overdue = AgreementFactory(
        area=north.area, start_date=TODAY - timedelta(days=400), review_date=TODAY - timedelta(days=1)
    )
    response = signed_in_client(north.practitioner).get(
        reverse("agencies:agreement-detail", args=[overdue.pk])
    )

    body = response.content.decode()
    assert "Review overdue" in body
    assert "govuk-warning-text" in body


def test_agreement_detail_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).get(
        reverse("agencies:agreement-detail", args=[south.agreement.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_create_page_is_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(reverse("agencies:agreement-create"))

    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        body = response.content.decode()
        # The agency serves one area, so the form opens straight away, offering its agencies.
        assert "North Health Trust (Duty to co-operate)" in body
        assert 'name="start_date_day"' in body


def test_agreement_create_asks_for_area_when_agency_serves_several(north, south):
    north.police.areas.add(south.area)
    client = signed_in_client(north.coordinator)

    choose = client.get(reverse("agencies:agreement-create"))
    assert choose.status_code == 200
    assert "Which area is the agreement for?" in choose.content.decode()

    chosen = client.get(reverse("agencies:agreement-create"), {"area": south.area.pk})
    body = chosen.content.decode()
    assert "South Health Trust" in body
    assert "North Health Trust" not in body


def test_agreement_create_with_area_not_served_asks_again(north, south):
    north.police.areas.add(MappaAreaFactory())
    response = signed_in_client(north.coordinator).get(
        reverse("agencies:agreement-create"), {"area": south.area.pk}
    )
    assert response.status_code == 200
    assert "Select the area" in response.content.decode()
    assert "South Health Trust" not in response.content.decode()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_create_post_adds_draft_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(reverse("agencies:agreement-create"), _form(north))

    created = InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").first()
    if may_manage:
        assert created is not None
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:agreement-detail", args=[created.pk])
        assert created.status == AgreementStatus.DRAFT
        assert created.start_date == TODAY
        assert set(created.parties.all()) == {north.police, north.health}
    else:
        assert response.status_code == 403
        assert created is None
        assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_agreement_create_bad_input_shows_errors_and_writes_nothing(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-create"),
        _form(north, purposes=[], start_date_month="", review_date_day="31", review_date_month="2"),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select at least one purpose" in body
    assert "Start date must include a month" in body
    assert "Review date must be a real date" in body
    assert '<a href="#id_start_date">' in body
    assert '<a href="#id_purposes_0">' in body
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").exists()
    assert not AuditEvent.objects.filter(object_type__in=OBJECT_TYPES).exists()


def test_agreement_create_review_before_start_shows_error_on_review_date(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-create"), _form(north, **_date("review_date", TODAY - timedelta(days=1)))
    )

    assert response.status_code == 200
    assert response.context["form"].errors["review_date"] == ["The review date must be after the start date"]
    assert not InformationSharingAgreement.objects.filter(reference="NORTH-HOUSING-ISA").exists()


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_edit_get_is_prefilled_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(
        reverse("agencies:agreement-edit", args=[north.agreement.pk])
    )

    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        body = response.content.decode()
        assert 'value="North MAPPA agreement"' in body
        assert 'name="version" value="1"' in body
        assert f'name="start_date_day" value="{north.agreement.start_date.day}"' in body


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_edit_post_updates_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(
        reverse("agencies:agreement-edit", args=[north.agreement.pk]),
        _form(north, north.agreement, title="North MAPPA agreement 2027"),
    )

    north.agreement.refresh_from_db()
    if may_manage:
        assert response.status_code == 302
        assert (north.agreement.title, north.agreement.version) == ("North MAPPA agreement 2027", 2)
    else:
        assert response.status_code == 403
        assert (north.agreement.title, north.agreement.version) == ("North MAPPA agreement", 1)


def test_agreement_edit_from_stale_version_shows_conflict_and_keeps_newer_edit(north):
    stale = _form(north, north.agreement, title="Edit based on version 1")
    signed_in_client(north.senior_manager).post(
        reverse("agencies:agreement-edit", args=[north.agreement.pk]),
        _form(north, north.agreement, notes="Saved first"),
    )

    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-edit", args=[north.agreement.pk]), stale
    )

    assert response.status_code == 200
    assert "Someone else changed this agreement" in response.content.decode()
    north.agreement.refresh_from_db()
    assert (north.agreement.title, north.agreement.notes, north.agreement.version) == (
        "North MAPPA agreement",
        "Saved first",
        2,
    )


def test_agreement_edit_one_party_on_active_agreement_shows_error(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-edit", args=[north.agreement.pk]),
        _form(north, north.agreement, parties=[north.police.pk]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parties"] == ["An active agreement needs at least two parties"]
    assert north.agreement.parties.count() == 2


def test_agreement_edit_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).get(
        reverse("agencies:agreement-edit", args=[south.agreement.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_status_page_is_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).get(
        reverse("agencies:agreement-status", args=[north.agreement.pk])
    )

    assert response.status_code == (200 if may_manage else 403)
    if may_manage:
        body = response.content.decode()
        assert 'value="suspended"' in body
        assert 'value="ended"' in body
        assert 'value="draft"' not in body


@pytest.mark.parametrize(("role", "may_manage"), ROLES)
def test_agreement_status_post_suspends_for_agreement_managers_only(north, role, may_manage):
    response = signed_in_client(north.user(role)).post(
        reverse("agencies:agreement-status", args=[north.agreement.pk]),
        {"status": "suspended", "version": "1"},
    )

    north.agreement.refresh_from_db()
    if may_manage:
        assert response.status_code == 302
        assert north.agreement.status == AgreementStatus.SUSPENDED
    else:
        assert response.status_code == 403
        assert north.agreement.status == AgreementStatus.ACTIVE


def test_agreement_status_activation_with_one_party_shows_error(north):
    draft = AgreementFactory(area=north.area, status=AgreementStatus.DRAFT, parties=[north.police])
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-status", args=[draft.pk]), {"status": "active", "version": "1"}
    )

    assert response.status_code == 200
    assert "at least two parties" in response.context["form"].errors["status"][0]
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_agreement_status_without_choice_shows_error(north):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-status", args=[north.agreement.pk]), {"version": "1"}
    )
    assert response.status_code == 200
    assert "Select the new status" in response.content.decode()


def test_agreement_status_of_ended_agreement_offers_no_change(north):
    ended = AgreementFactory(area=north.area, status=AgreementStatus.ENDED)
    client = signed_in_client(north.coordinator)

    page = client.get(reverse("agencies:agreement-status", args=[ended.pk]))
    assert "its status can no longer change" in page.content.decode()
    detail = client.get(reverse("agencies:agreement-detail", args=[ended.pk])).content.decode()
    assert reverse("agencies:agreement-edit", args=[ended.pk]) not in detail

    client.post(reverse("agencies:agreement-status", args=[ended.pk]), {"status": "active", "version": "1"})
    ended.refresh_from_db()
    assert ended.status == AgreementStatus.ENDED


def test_agreement_status_of_other_area_is_404(north, south):
    response = signed_in_client(north.coordinator).post(
        reverse("agencies:agreement-status", args=[south.agreement.pk]), {"status": "ended", "version": "1"}
    )
    assert response.status_code == 404
    south.agreement.refresh_from_db()
    assert south.agreement.status == AgreementStatus.ACTIVE


def test_choose_area_with_nothing_chosen_explains():
    from tests.factories.agencies import area_setup

    north = area_setup()
    north.coordinator.acting_membership.agency.areas.add(MappaAreaFactory())
    response = signed_in_client(north.coordinator).get(reverse("agencies:agreement-create") + "?step=area")
    assert "Select the area" in response.content.decode()
