"""access_nominal's legitimate bases, and the reason everyone else must give ("break glass")."""

from typing import Any

import pytest
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import BREAK_GLASS_BASIS, Action, AuditEvent
from mappa.nominals import access, involvement
from mappa.nominals.models import Nominal, TransferStatus
from tests.factories.nominals import NominalSetup, TransferFactory

REASON = "Joint visit planned with probation next week"


def _consultations(nominal_pk: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=nominal_pk)


@pytest.mark.parametrize(
    ("who", "nominal", "basis"),
    [
        ("practitioner", "police_nominal", "Lead agency of the nominal"),
        ("probation_practitioner", "probation_nominal", "Lead agency of the nominal"),
        # The co-ordinator acts for the police, but runs the area's MAPPA unit.
        ("coordinator", "probation_nominal", "MAPPA co-ordinator of the area"),
        # On the area's register, but no relationship to a case another agency leads.
        ("practitioner", "probation_nominal", None),
        ("chair", "probation_nominal", None),
        ("probation_practitioner", "police_nominal", None),
    ],
)
def test_legitimate_basis(setup: NominalSetup, who, nominal, basis):
    assert access.legitimate_basis(setup.user(who), getattr(setup, nominal)) == basis


def test_legitimate_basis_none_without_acting_membership(setup: NominalSetup):
    user = setup.practitioner
    user.acting_membership = None
    assert access.legitimate_basis(user, setup.police_nominal) is None


@pytest.mark.parametrize(
    ("status", "basis"),
    [
        (TransferStatus.REQUESTED, "Receiving area of a transfer"),
        (TransferStatus.ACCEPTED, "Receiving area of a transfer"),
        (TransferStatus.EFFECTIVE, None),
    ],
)
def test_legitimate_basis_receiving_area_of_an_open_transfer(setup: NominalSetup, status, basis):
    recorded: dict[str, Any] = {}
    if status != TransferStatus.REQUESTED:
        recorded.update(accepted_by=setup.south_coordinator, accepted_at=timezone.now())
    if status == TransferStatus.EFFECTIVE:
        recorded.update(effective_by=setup.south_coordinator, effective_date=timezone.localdate())
    TransferFactory(nominal=setup.police_nominal, to_area=setup.south.area, status=status, **recorded)
    assert access.legitimate_basis(setup.south_coordinator, setup.police_nominal) == basis


class _OneInvolvement:
    """An involvement provider (as information sharing registers) naming one agency and nominal."""

    def __init__(self, agency_id: int, nominal: Nominal) -> None:
        self.agency_id = agency_id
        self.nominal = nominal

    def nominal_ids(self, *, agency_id: int) -> QuerySet[Any]:
        nominals = Nominal.objects.filter(pk=self.nominal.pk)
        return (nominals if agency_id == self.agency_id else nominals.none()).values("pk")

    def basis(self, *, agency_id: int, nominal_id: int) -> str | None:
        if agency_id == self.agency_id and nominal_id == self.nominal.pk:
            return "Holds a share about the nominal"
        return None


def test_involved_agency_opens_without_a_reason(setup: NominalSetup, monkeypatch):
    nominal = setup.police_nominal
    provider = _OneInvolvement(setup.north.health.pk, nominal)
    monkeypatch.setattr(involvement, "_providers", [provider])
    access.access_nominal(setup.health_practitioner, nominal.pk)
    event = _consultations(nominal.pk).get()
    assert event.justification == "Holds a share about the nominal"
    assert event.detail == {}


def test_no_basis_and_no_reason_is_refused_and_records_nothing(setup: NominalSetup):
    nominal = setup.police_nominal
    with pytest.raises(access.ReasonRequired) as refused:
        access.access_nominal(setup.probation_practitioner, nominal.pk)
    assert refused.value.nominal == nominal
    assert not _consultations(nominal.pk).exists()


@pytest.mark.parametrize("reason", ["", "too short", "   too short    ", " " * 20])
def test_reason_too_short_is_refused(setup: NominalSetup, reason):
    """At least REASON_MIN_LENGTH characters once the spaces around it are taken off."""
    assert len(reason.strip()) < access.REASON_MIN_LENGTH
    with pytest.raises(access.ReasonRequired):
        access.access_nominal(setup.probation_practitioner, setup.police_nominal.pk, reason=reason)
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION).exists()


def test_reason_given_is_the_justification_and_marked_break_glass(setup: NominalSetup):
    nominal = access.access_nominal(
        setup.probation_practitioner, setup.police_nominal.pk, reason=f"  {REASON} "
    )
    event = _consultations(nominal.pk).get()
    assert event.justification == f"Reason given: {REASON}"
    assert event.detail == {"basis": BREAK_GLASS_BASIS}
    assert access.BREAK_GLASS == BREAK_GLASS_BASIS
    assert event.summary == "Nominal consulted on a reason given"
    assert event.actor_user_id == setup.probation_practitioner.pk
    # The lead agency's auditors see it.
    assert event.object_agency_id == setup.north.police.pk


def test_legitimate_basis_is_recorded_even_when_a_reason_is_passed(setup: NominalSetup):
    access.access_nominal(setup.practitioner, setup.police_nominal.pk, reason=REASON)
    event = _consultations(setup.police_nominal.pk).get()
    assert event.justification == "Lead agency of the nominal"
    assert event.detail == {}


def test_reason_does_not_open_a_nominal_the_user_cannot_see(setup: NominalSetup):
    with pytest.raises(Http404):
        access.access_nominal(setup.south_coordinator, setup.police_nominal.pk, reason=REASON)
    assert not AuditEvent.objects.filter(action=Action.CONSULTATION).exists()
