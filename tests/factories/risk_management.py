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


def risk_setup() -> Any:
    """NominalSetup, with North Health (a duty-to-co-operate agency) involved in `police_nominal`
    through an information item it owns: its practitioner opens that case, and no other."""
    from tests.factories.information_sharing import ItemFactory
    from tests.factories.nominals import NominalSetup

    setup = NominalSetup()
    ItemFactory(
        nominal=setup.police_nominal, owner_agency=setup.north.health, author=setup.health_practitioner
    )
    return setup


__all__ += ["risk_setup"]


# --- plan actions and disclosure considerations (the plan's part of issue 6) ----------------------

# Appended below the other factories rather than merged into the imports at the top, so that
# the parts of this module written by different hands stay apart.
from mappa.risk_management.models import (  # noqa: E402
    FOUR_PILLARS,
    ConsiderationDecision,
    DisclosureConsideration,
    Pillar,
    PlanAction,
)


class PlanActionFactory(ServiceWrittenFactory):
    """An action under one pillar of a plan version, owned by the plan's owner agency."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> PlanAction: ...

    class Meta:
        model = PlanAction

    plan = factory.SubFactory(PlanFactory)
    pillar = Pillar.SUPERVISION
    description = factory.Sequence(lambda n: f"Synthetic action {n}: weekly home visit")
    owner_agency = factory.LazyAttribute(lambda a: a.plan.owner_agency)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(weeks=4))
    position = factory.LazyAttribute(lambda a: a.plan.actions.filter(pillar=a.pillar).count() + 1)


class ConsiderationFactory(ServiceWrittenFactory):
    """A disclosure decision for one person at risk in one plan version."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> DisclosureConsideration: ...

    class Meta:
        model = DisclosureConsideration

    plan = factory.SubFactory(PlanFactory)
    person_at_risk = factory.LazyAttribute(lambda c: PersonAtRiskFactory(nominal=c.plan.nominal))
    decision = ConsiderationDecision.DO_NOT_DISCLOSE
    rationale = "Synthetic: the risk is managed by licence conditions; disclosure is not necessary."
    recorded_by = factory.LazyAttribute(lambda c: c.plan.author)


def full_plan(plan: RiskManagementPlan) -> RiskManagementPlan:
    """Give `plan` an action under each of the four pillars and a contingency action, so that no
    quality check warns about it."""
    for pillar in (*FOUR_PILLARS, Pillar.CONTINGENCY):
        PlanActionFactory(plan=plan, pillar=pillar)
    return plan


__all__ += ["ConsiderationFactory", "PlanActionFactory", "full_plan"]
