"""Involvement: a duty-to-co-operate agency sees a nominal only while it owns items on it or holds
an active share about it; and the legitimate basis recorded when anyone opens a case."""

from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from mappa.audit.models import BREAK_GLASS_BASIS, Action, AuditEvent
from mappa.core.exceptions import PermissionDenied
from mappa.information_sharing import services
from mappa.information_sharing.models import ItemStatus
from mappa.nominals.access import REASON_MIN_LENGTH, ReasonRequired, access_nominal, legitimate_basis
from mappa.nominals.selectors import nominal_list
from tests.factories.information_sharing import share_items
from tests.factories.nominals import NominalSetup
from tests.unit.information_sharing.helpers import add_parties, content, future, police_item

REASON = "Joint visit with the police next week"


def _sees(setup: NominalSetup, user: Any, nominal: Any = None) -> bool:
    return nominal_list(fetched_by=user).filter(pk=(nominal or setup.police_nominal).pk).exists()


def _health_item(setup: NominalSetup, **kwargs: Any) -> Any:
    return police_item(setup, owner_agency=setup.north.health, author=setup.health_practitioner, **kwargs)


def test_dtc_agency_sees_no_nominal_without_involvement(setup: NominalSetup):
    assert not nominal_list(fetched_by=setup.health_practitioner).exists()


def test_dtc_agency_sees_a_nominal_while_it_owns_items_on_it(setup: NominalSetup):
    item = _health_item(setup)
    assert _sees(setup, setup.health_practitioner)
    assert not _sees(setup, setup.health_practitioner, setup.probation_nominal)
    services.item_erase(
        item=item, version=1, reason="Recorded on the wrong case.", by=setup.health_practitioner
    )
    assert not _sees(setup, setup.health_practitioner)


def test_superseded_items_still_involve_the_owner(setup: NominalSetup):
    """A superseded item is history the agency still holds: only erasure ends involvement."""
    successor = police_item(setup, nominal=setup.probation_nominal)
    _health_item(setup, status=ItemStatus.SUPERSEDED, superseded_by=successor)
    assert _sees(setup, setup.health_practitioner)


@pytest.mark.parametrize(
    ("state", "sees"),
    [
        ("active", True),
        ("expires_today", True),
        ("expired", False),
        ("revoked", False),
    ],
)
def test_dtc_agency_sees_a_nominal_while_it_holds_an_active_share(setup: NominalSetup, state, sees):
    states: dict[str, dict[str, Any]] = {
        "active": {},
        "expires_today": {"expires_on": future(0)},
        "expired": {"expires_on": future(-1)},
        "revoked": {"revoked_at": timezone.now(), "revocation_reason": "Ended"},
    }
    kwargs = states[state]
    share_items([police_item(setup)], setup.north.health, **kwargs)
    assert _sees(setup, setup.health_practitioner) is sees


def test_share_about_a_person_involves_no_nominal(setup: NominalSetup):
    item = police_item(setup, nominal=None, person=setup.person)
    share_items([item], setup.north.health, agreement=setup.north.agreement)
    assert not nominal_list(fetched_by=setup.health_practitioner).exists()


def test_dtc_staff_without_nominal_view_see_nothing_even_when_involved(setup: NominalSetup):
    from tests.factories.accounts import member

    _health_item(setup)
    assert not nominal_list(fetched_by=member(["senior_manager"], agency=setup.north.health)).exists()


def test_involvement_does_not_cross_into_another_agency(setup: NominalSetup):
    """Health's involvement opens the case to health staff only, not to the South co-ordinator."""
    _health_item(setup)
    share_items([police_item(setup)], setup.north.health)
    assert not _sees(setup, setup.south_coordinator)


# --- legitimate basis -------------------------------------------------------------------------


def test_basis_lead_agency(setup: NominalSetup):
    assert legitimate_basis(setup.practitioner, setup.police_nominal) == "Lead agency of the nominal"


def test_basis_coordinator_of_the_area(setup: NominalSetup):
    assert legitimate_basis(setup.coordinator, setup.probation_nominal) == "MAPPA co-ordinator of the area"


def test_basis_owner_of_items(setup: NominalSetup):
    _health_item(setup)
    assert legitimate_basis(setup.health_practitioner, setup.police_nominal) == (
        "Owner of information items on the nominal"
    )


def test_basis_holder_of_a_share(setup: NominalSetup):
    share = share_items([police_item(setup)], setup.north.health)
    assert legitimate_basis(setup.health_practitioner, setup.police_nominal) == (
        f"Holder of {share.reference} about the nominal"
    )
    assert share.reference.startswith("SHARE-")


def test_basis_ra_practitioner_of_another_agency_in_the_area_is_none(setup: NominalSetup):
    assert legitimate_basis(setup.probation_practitioner, setup.police_nominal) is None
    # Owning an item on the case gives them a basis.
    police_item(setup, owner_agency=setup.north.probation, author=setup.probation_practitioner)
    assert legitimate_basis(setup.probation_practitioner, setup.police_nominal) == (
        "Owner of information items on the nominal"
    )


def test_basis_ends_with_the_share(setup: NominalSetup):
    add_parties(setup, setup.north.health)
    share = share_items([police_item(setup)], setup.north.health)
    services.share_revoke(share=share, reason="No longer needed.", by=setup.practitioner)
    assert legitimate_basis(setup.health_practitioner, setup.police_nominal) is None
    with pytest.raises(Http404):
        access_nominal(setup.health_practitioner, setup.police_nominal.pk, reason=REASON)


# --- opening the case ---------------------------------------------------------------------------


def _consultations(setup: NominalSetup) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.CONSULTATION, nominal_id=setup.police_nominal.pk))


def test_involved_dtc_practitioner_opens_the_case_on_its_basis(setup: NominalSetup):
    share = share_items([police_item(setup)], setup.north.health)
    access_nominal(setup.health_practitioner, setup.police_nominal.pk)
    (event,) = _consultations(setup)
    assert event.justification == f"Holder of {share.reference} about the nominal"
    assert event.detail == {}


def test_ra_practitioner_without_a_basis_must_give_a_reason(setup: NominalSetup):
    with pytest.raises(ReasonRequired):
        access_nominal(setup.probation_practitioner, setup.police_nominal.pk)
    with pytest.raises(ReasonRequired):
        access_nominal(
            setup.probation_practitioner, setup.police_nominal.pk, reason="x" * (REASON_MIN_LENGTH - 1)
        )
    assert _consultations(setup) == []
    access_nominal(setup.probation_practitioner, setup.police_nominal.pk, reason="x" * REASON_MIN_LENGTH)
    (event,) = _consultations(setup)
    assert event.detail == {"basis": BREAK_GLASS_BASIS}
    assert event.justification == "Reason given: " + "x" * REASON_MIN_LENGTH


def test_involved_dtc_practitioner_may_record_items_on_the_case(setup: NominalSetup):
    """Holding a share makes the case visible, so health may add what it knows; before, it may not."""
    with pytest.raises(PermissionDenied):
        services.item_create(nominal=setup.police_nominal, content=content(), by=setup.health_practitioner)
    share_items([police_item(setup)], setup.north.health)
    item = services.item_create(nominal=setup.police_nominal, content=content(), by=setup.health_practitioner)
    assert item.owner_agency == setup.north.health
