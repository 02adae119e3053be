"""The minutes' page shows the plan versions approved with them and the disclosures decided or
ratified with them, each only to those who may see it (mappa/*/panel_minutes.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mappa.disclosures.models import Forum, RatificationStatus
from mappa.risk_management.models import PlanStatus
from tests.conftest import signed_in_client
from tests.factories.accounts import member
from tests.factories.disclosures import decided_to_disclose
from tests.factories.meetings import held_minutes, signed
from tests.factories.nominals import NominalSetup
from tests.factories.risk_management import PlanFactory

pytestmark = pytest.mark.django_db


def test_minutes_show_the_plan_approved_and_the_disclosure_decided_with_them() -> None:
    setup = NominalSetup()
    nominal = setup.police_nominal
    minutes = held_minutes(nominal, chair=setup.chair)
    plan = PlanFactory(
        nominal=nominal,
        status=PlanStatus.APPROVED,
        approved_by=setup.chair,
        approved_at=timezone.now(),
        approved_minutes=minutes,
    )
    disclosure = decided_to_disclose(nominal, chair=setup.chair, forum=Forum.MEETING)
    disclosure.decision_minutes = minutes  # the factory decides at a meeting of its own
    disclosure.save(override=True)
    url = reverse("meetings:minutes-detail", args=[minutes.pk])

    body = signed_in_client(setup.chair).get(url).content.decode()
    assert f"Version {plan.number} of the risk management plan" in body
    assert reverse("risk_management:plan-detail", args=[plan.pk]) in body
    assert escape(disclosure.reference) in body
    assert reverse("disclosures:disclosure-detail", args=[disclosure.pk]) in body

    # A minute-taker reads the minutes but holds neither RISK_VIEW nor DISCLOSURE_VIEW.
    taker = member(["minute_taker"], agency=setup.north.police)
    signed(minutes.agenda_item.meeting, taker)
    other = signed_in_client(taker).get(url)
    assert other.status_code == 200
    assert "Risk management plan approved" not in other.content.decode()
    assert disclosure.reference not in other.content.decode()


def test_minutes_show_an_emergency_decision_ratified_with_them() -> None:
    setup = NominalSetup()
    nominal = setup.police_nominal
    minutes = held_minutes(nominal, chair=setup.chair)
    disclosure = decided_to_disclose(nominal, chair=setup.chair, forum=Forum.EMERGENCY)
    disclosure.ratification = RatificationStatus.RATIFIED
    disclosure.ratified_minutes = minutes
    disclosure.ratified_by = setup.chair
    disclosure.ratified_at = timezone.now()
    disclosure.save(override=True)
    body = (
        signed_in_client(setup.chair)
        .get(reverse("meetings:minutes-detail", args=[minutes.pk]))
        .content.decode()
    )
    assert f"{disclosure.reference}</a>: emergency decision ratified" in body
