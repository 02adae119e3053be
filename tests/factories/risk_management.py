"""Factories for risk assessments, persons at risk and plans, written directly (services are under test)."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from mappa.risk_management.models import (
    AssessmentTool,
    PersonAtRisk,
    PersonAtRiskKind,
    PlanStatus,
    RiskAssessment,
    RiskManagementPlan,
    RoshLevel,
)
from tests.factories.agencies import ServiceWrittenFactory
from tests.factories.nominals import NominalFactory


def _recorder(agency: Any) -> Any:
    from tests.factories.accounts import member

    return member(["practitioner"], agency=agency)


class RiskAssessmentFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> RiskAssessment: ...

    class Meta:
        model = RiskAssessment

    nominal = factory.SubFactory(NominalFactory)
    assessing_agency = factory.LazyAttribute(lambda a: a.nominal.lead_agency)
    recorded_by = factory.LazyAttribute(lambda a: _recorder(a.assessing_agency))
    tool = AssessmentTool.OASYS
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    rosh_children = RoshLevel.HIGH
    rosh_public = RoshLevel.MEDIUM
    rosh_known_adult = RoshLevel.MEDIUM
    rosh_staff = RoshLevel.LOW
    risk_factors = "Synthetic: unsupervised contact with children."
    protective_factors = "Synthetic: stable accommodation."
    scenarios = "Synthetic scenario: who, what, when, how and why."


class PersonAtRiskFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> PersonAtRisk: ...

    class Meta:
        model = PersonAtRisk

    nominal = factory.SubFactory(NominalFactory)
    kind = PersonAtRiskKind.POTENTIAL_VICTIM
    description = "Synthetic: children at the primary school near the home address"
    recorded_by_agency = factory.LazyAttribute(lambda p: p.nominal.lead_agency)
    recorded_by = factory.LazyAttribute(lambda p: _recorder(p.recorded_by_agency))


class PlanFactory(ServiceWrittenFactory):
    """A draft plan version (pass status="approved" with approved_by for an approved one)."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> RiskManagementPlan: ...

    class Meta:
        model = RiskManagementPlan

    nominal = factory.SubFactory(NominalFactory)
    number = factory.LazyAttribute(lambda p: p.nominal.risk_management_plans.count() + 1)
    status = PlanStatus.DRAFT
    owner_agency = factory.LazyAttribute(lambda p: p.nominal.lead_agency)
    author = factory.LazyAttribute(lambda p: _recorder(p.owner_agency))
    risks_to_manage = "Synthetic: risk of sexual harm to children."
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(weeks=16))
    approved_at = factory.LazyAttribute(lambda p: timezone.now() if p.status != PlanStatus.DRAFT else None)


__all__ = ["PersonAtRiskFactory", "PlanFactory", "RiskAssessmentFactory"]
