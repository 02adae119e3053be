"""The demo's risk assessments, persons at risk and plans (mappa/demo/risk.py): every state the
pages show, made through the services, and idempotent."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from mappa.audit.models import AuditEvent
from mappa.audit.services import verify_chain
from mappa.nominals.models import Nominal
from mappa.risk_management.models import (
    PersonAtRisk,
    PlanStatus,
    RiskAssessment,
    RiskManagementPlan,
)
from mappa.risk_management.selectors_plans import approval_blockers, plan_warnings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_loaded")]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_every_managed_case_has_an_assessment_persons_at_risk_and_a_plan() -> None:
    managed = Nominal.objects.filter(
        level__gte=2, status="in_community", lead_agency__code__in=["DURHAM-POLICE", "PS-NORTH-EAST"]
    )
    assert managed.exists()
    for nominal in managed:
        assert RiskAssessment.objects.filter(nominal=nominal).exists()
        assert PersonAtRisk.objects.filter(nominal=nominal, is_child=True).exists()
        assert RiskManagementPlan.objects.filter(nominal=nominal).exists()


def test_plans_in_each_state() -> None:
    approved = RiskManagementPlan.objects.filter(status=PlanStatus.APPROVED)
    at_meeting = approved.filter(approved_minutes__isnull=False)
    assert at_meeting.count() == 2
    assert approved.filter(approved_minutes__isnull=True, nominal__level=1).count() == 4
    # Approved plans met every rule, disclosure considered for each person at risk included.
    for plan in at_meeting:
        assert (
            plan.considerations.count() == plan.nominal.persons_at_risk.filter(ended_on__isnull=True).count()
        )
    # A review being written after an approved version, and first versions with gaps flagged.
    assert RiskManagementPlan.objects.filter(status=PlanStatus.DRAFT, number=2).count() == 1
    first_drafts = RiskManagementPlan.objects.filter(status=PlanStatus.DRAFT, number=1)
    assert first_drafts.exists()
    assert all(plan_warnings(plan) for plan in first_drafts)
    assert all(approval_blockers(plan) for plan in first_drafts)
    overdue = approved.filter(review_date__lt=timezone.localdate())
    assert overdue.count() == 1
    assert any("review" in warning.lower() for warning in plan_warnings(overdue.get()))


def test_idempotent_and_audited() -> None:
    before = AuditEvent.objects.count()
    call_command("demo", stdout=StringIO())
    assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.filter(object_type="risk_management_plan").exists()
    assert AuditEvent.objects.filter(actor_username="system:demo", object_type="demo_risk").count() == 1
    assert verify_chain().ok
