"""Who has looked at this case: the lead agency sees every consultation, an agency owning items
sees the case's and its own items', nobody else sees any.

North Police leads the case and owns an item on it; North Probation is on the area's register
but has no relationship with the case, so it must give a reason ("break glass") to open it.
North Health owns an item on the case, which involves it. The police meeting chair works for the
lead agency but does not hold the permission.
"""

import html
from typing import Any

import pytest
from django.urls import reverse

from mappa.information_sharing.models import InformationItem
from mappa.information_sharing.services import item_consulted
from tests.conftest import signed_in_client
from tests.factories.information_sharing import ItemFactory
from tests.factories.nominals import NominalSetup

REASON = "Checking an address before a joint home visit"


@pytest.fixture
def setup(db) -> NominalSetup:
    return NominalSetup()


@pytest.fixture
def items(setup: NominalSetup) -> dict[str, InformationItem]:
    nominal = setup.police_nominal
    return {
        "police": ItemFactory(nominal=nominal, summary="Synthetic police risk factor"),
        "health": ItemFactory(
            nominal=nominal, owner_agency=setup.north.health, summary="Synthetic health note"
        ),
    }


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _log(setup: NominalSetup) -> str:
    return reverse("information_sharing:case-access-log", args=[setup.police_nominal.pk])


def _break_glass(setup: NominalSetup) -> Any:
    """North Probation opens the police-led case on a reason it types."""
    client = signed_in_client(setup.probation_practitioner)
    detail = reverse("nominals:nominal-detail", args=[setup.police_nominal.pk])
    reason = reverse("nominals:nominal-reason", args=[setup.police_nominal.pk])
    assert client.post(reason, {"reason": REASON, "next": detail}).status_code == 302
    assert client.get(detail).status_code == 200
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),  # lead agency
        ("coordinator", 200),  # lead agency too
        ("health_practitioner", 200),  # owns an item on the case
        ("chair", 403),  # lead agency, without the permission
        ("south_coordinator", 404),
        ("senior_manager", 403),
    ],
)
def test_case_access_log_access(setup: NominalSetup, items, who, status):
    assert signed_in_client(setup.user(who)).get(_log(setup)).status_code == status


def test_break_glass_consultation_is_shown_to_the_lead_agency(setup: NominalSetup, items):
    _break_glass(setup)
    body = _text(signed_in_client(setup.practitioner).get(_log(setup)))
    assert "Who has looked at this case" in body
    assert setup.probation_practitioner.username in body
    assert setup.north.probation.code in body
    assert "Reason given</strong>" in body
    assert f"Reason given: {REASON}" in body
    assert "The case" in body


def test_an_agency_without_a_relationship_cannot_see_who_has_looked(setup: NominalSetup, items):
    client = _break_glass(setup)
    # Its reason opened the case, but gives it no right to the case's log.
    assert client.get(_log(setup)).status_code == 403
    # Without any relationship or reason, a duty-to-co-operate agency does not even see the case.
    InformationItem.objects.filter(pk=items["health"].pk).delete()
    assert signed_in_client(setup.health_practitioner).get(_log(setup)).status_code == 404


def test_an_owning_agency_sees_the_case_and_its_own_items_only(setup: NominalSetup, items):
    _break_glass(setup)
    item_consulted(item=items["police"], basis="Owner of the item", by=setup.practitioner)
    item_consulted(item=items["health"], basis="Owner of the item", by=setup.health_practitioner)
    health = _text(signed_in_client(setup.health_practitioner).get(_log(setup)))
    assert f"Reason given: {REASON}" in health
    assert items["health"].reference in health
    assert items["police"].reference not in health
    assert "Your agency holds information on this case" in health
    police = _text(signed_in_client(setup.practitioner).get(_log(setup)))
    assert items["health"].reference in police
    assert items["police"].reference in police
    assert "Your agency leads this case" in police


def test_opening_the_log_is_itself_a_recorded_consultation(setup: NominalSetup, items):
    client = signed_in_client(setup.practitioner)
    client.get(_log(setup))
    body = _text(client.get(_log(setup)))
    assert body.count(setup.practitioner.username) >= 2
