"""Synthetic risk assessments, persons at risk and risk management plans for the Durham demo (issue 6).

Written through the risk management services, acting as the demo users, so every rule is checked
and every audit event written as in real use:

- Every level 2 and 3 case, and twelve level 1 cases, have a risk assessment by the lead agency
  (OASys for probation's cases, ARMS for the police's); the level 2 and 3 cases have persons at
  risk: a child and a partner recorded in the people index, or a described group.
- The two cases of the level 2 meeting held two weeks ago have plans approved by its chair with
  its minutes, disclosure considered for each person at risk; the first has a second version
  being written (its review), the second an action done.
- Four level 1 cases have plans approved by Durham Constabulary's chair outside a meeting; one
  of them is past its review date, so its quality warning shows.
- The other level 2 and 3 cases have a first version being written, with gaps the quality checks
  flag (an empty pillar, no contingency).

Runs after meetings.py, whose held meeting it uses. One audit event, by `system:demo`, marks the
load: a database that has it is left alone. A plan approved outside a meeting records no minutes;
the past review date is the one date written outside a service (the services refuse past dates).
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone
from faker import Faker

from mappa.accounts.models import User
from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action as AuditAction
from mappa.audit.models import AuditEvent
from mappa.audit.services import record_event
from mappa.demo.meetings import CHILDREN, HEALTH, HOUSING, POLICE, PROBATION, _Actors, _community
from mappa.meetings.models import Meeting, MeetingStatus, Minutes, MinutesStatus
from mappa.nominals.models import Nominal
from mappa.people.dates import PartialDate
from mappa.people.models import Person
from mappa.people.services import NameData, person_create
from mappa.risk_management import services_assessments as assessments
from mappa.risk_management import services_plans as plans
from mappa.risk_management.models import (
    AssessmentTool,
    ConsiderationDecision,
    PersonAtRisk,
    PersonAtRiskKind,
    Pillar,
    PlanActionStatus,
    RiskManagementPlan,
    RoshLevel,
)

MARKER = "demo_risk"
_fake = Faker("en_GB")
_fake.seed_instance(6)

# Actions under each pillar: (pillar, description, owning agency code, due in days or None).
_ACTIONS: list[tuple[str, str, str, int | None]] = [
    (
        Pillar.SUPERVISION,
        "Weekly appointments with the offender manager, alternating office and home.",
        PROBATION,
        7,
    ),
    (Pillar.SUPERVISION, "Police home visits every four weeks, unannounced.", POLICE, 28),
    (
        Pillar.MONITORING_CONTROL,
        "Enforce the licence condition to disclose developing relationships.",
        PROBATION,
        None,
    ),
    (
        Pillar.MONITORING_CONTROL,
        "Check compliance with the Sexual Harm Prevention Order at each visit.",
        POLICE,
        28,
    ),
    (Pillar.INTERVENTIONS, "Refer to the Horizon accredited programme.", PROBATION, 42),
    (Pillar.INTERVENTIONS, "Mental health assessment by the community team.", HEALTH, 21),
    (Pillar.VICTIM_SAFETY, "Safety plan with the partner, covering the children.", CHILDREN, 14),
    (Pillar.VICTIM_SAFETY, "Mark the partner's address for an urgent police response.", POLICE, 3),
    (
        Pillar.CONTINGENCY,
        "If he breaches the exclusion zone: recall to custody, police to locate.",
        PROBATION,
        None,
    ),
    (
        Pillar.CONTINGENCY,
        "If he loses his tenancy: emergency accommodation away from the school.",
        HOUSING,
        None,
    ),
]


def load(
    *, area: MappaArea, agencies: dict[str, Agency], username: Callable[[str, str], str], prefix: str
) -> bool:
    """Add the demo's risk work if it has not been added. Returns whether it was."""
    if AuditEvent.objects.filter(actor_username="system:demo", object_type=MARKER).exists():
        return False
    actor = _Actors(username)
    chair = actor(POLICE, "meeting_chair")
    held = Meeting.objects.filter(area=area, status=MeetingStatus.HELD).order_by("-starts_at").first()
    managed = [
        nominal
        for level in (2, 3)
        for lead in (POLICE, PROBATION)
        for nominal in _community(area, prefix, lead, level)
    ]
    level_one = _community(area, prefix, PROBATION, 1)[3:9] + _community(area, prefix, POLICE, 1)[:6]
    for nominal in managed + level_one:
        _assessment(actor, nominal)
    people: dict[int, list[PersonAtRisk]] = {
        nominal.pk: _persons_at_risk(actor, agencies, nominal) for nominal in managed
    }

    meeting_minutes: dict[int, Minutes] = {}
    if held is not None:
        for item in held.agenda_items.select_related("nominal"):
            minutes = item.minutes.filter(status=MinutesStatus.APPROVED).first()
            if minutes is not None:
                meeting_minutes[item.nominal_id] = minutes
    for index, (nominal_id, minutes) in enumerate(meeting_minutes.items()):
        nominal = Nominal.objects.select_related("lead_agency").get(pk=nominal_id)
        at_risk = people.get(nominal_id) or _persons_at_risk(actor, agencies, nominal)
        plan = _plan(actor, agencies, nominal, at_risk, complete=True)
        plans.plan_approve(
            plan=plan, version=plan.version, minutes=minutes, note="Agreed at the meeting.", by=chair
        )
        if index == 0:
            plans.plan_start(nominal=nominal, by=_writer(actor, nominal))
        else:
            action = plan.actions.filter(pillar=Pillar.VICTIM_SAFETY, owner_agency__code=POLICE).first()
            if action is not None:
                plans.plan_action_set_status(
                    action=action, status=PlanActionStatus.DONE, by=actor(POLICE, "practitioner")
                )
    for nominal in managed:
        if nominal.pk not in meeting_minutes:
            _plan(actor, agencies, nominal, people[nominal.pk], complete=False)
    for index, nominal in enumerate(level_one[:4]):
        plan = _plan(actor, agencies, nominal, [], complete=True)
        plans.plan_approve(
            plan=plan, version=plan.version, note="Level 1 review by the lead agency.", by=chair
        )
        if index == 0:
            # Past its review date, so the case shows the quality warning.
            RiskManagementPlan.objects.filter(pk=plan.pk).update(
                review_date=timezone.localdate() - timedelta(days=5)
            )

    record_event(
        action=AuditAction.COLLECTION,
        actor_username="system:demo",
        summary="Demo risk assessments, persons at risk and plans loaded",
        object_type=MARKER,
        object_id=area.pk,
        detail={"assessments": len(managed) + len(level_one), "plans": len(managed) + 4},
    )
    return True


def _writer(actor: _Actors, nominal: Nominal) -> User:
    return actor(nominal.lead_agency.code, "practitioner")


def _assessment(actor: _Actors, nominal: Nominal) -> None:
    by = _writer(actor, nominal)
    police = nominal.lead_agency.code == POLICE
    high = nominal.level >= 2
    assessments.risk_assessment_record(
        nominal=nominal,
        tool=AssessmentTool.ARMS if police else AssessmentTool.OASYS,
        assessed_on=timezone.localdate() - timedelta(days=20 + nominal.pk % 60),
        rosh_children="" if police else (RoshLevel.HIGH if high else RoshLevel.MEDIUM),
        rosh_public="" if police else RoshLevel.MEDIUM,
        rosh_known_adult="" if police else (RoshLevel.VERY_HIGH if nominal.level == 3 else RoshLevel.MEDIUM),
        rosh_staff="" if police else RoshLevel.LOW,
        tool_outcome="ARMS: high priority for visits"
        if police and high
        else ("ARMS: medium priority" if police else ""),
        risk_factors="Sexual preoccupation; access to children through new relationships; isolation.",
        protective_factors="Stable accommodation; engaging with supervision; supportive sister.",
        scenarios=(
            "Most likely: he forms a relationship with a woman who has young children and does not "
            "disclose it, then seeks time alone with the children. Warning signs: missed "
            "appointments, a new mobile phone, staying away from his address."
        ),
        next_review_date=timezone.localdate() + timedelta(weeks=16 if high else 52),
        by=by,
    )


def _person(agency_user: User, agency: Agency, *, age: int) -> Person:
    born = timezone.localdate().year - age
    return person_create(
        source_agency=agency,
        source_ref=f"DEMO-PAR-{_fake.unique.random_int(10000, 99999)}",
        names=[NameData(surname=_fake.last_name(), forenames=_fake.first_name_female())],
        dates_of_birth=[PartialDate(year=born, month=_fake.random_int(1, 12), day=_fake.random_int(1, 28))],
        by=agency_user,
    )


def _persons_at_risk(actor: _Actors, agencies: dict[str, Agency], nominal: Nominal) -> list[PersonAtRisk]:
    by = _writer(actor, nominal)
    agency = nominal.lead_agency
    child = _person(by, agency, age=8)
    partner = _person(by, agency, age=34)
    recorded = [
        assessments.person_at_risk_record(
            nominal=nominal,
            kind=PersonAtRiskKind.CHILD,
            person=child,
            description="Daughter of his new partner",
            is_child=True,
            address_confidential=True,
            notes="Lives with her mother; attends a local primary school.",
            by=by,
        ),
        assessments.person_at_risk_record(
            nominal=nominal,
            kind=PersonAtRiskKind.PARTNER,
            person=partner,
            description="New partner since the summer",
            notes="Not yet told of his convictions.",
            by=by,
        ),
    ]
    if nominal.level == 3 or nominal.pk % 2:
        recorded.append(
            assessments.person_at_risk_record(
                nominal=nominal,
                kind=PersonAtRiskKind.GROUP,
                description="Children using the play park near his address",
                by=by,
            )
        )
    return recorded


def _plan(
    actor: _Actors,
    agencies: dict[str, Agency],
    nominal: Nominal,
    at_risk: list[PersonAtRisk],
    *,
    complete: bool,
) -> RiskManagementPlan:
    by = _writer(actor, nominal)
    plan = plans.plan_start(nominal=nominal, by=by)
    review: date = timezone.localdate() + timedelta(weeks=16 if nominal.level >= 2 else 52)
    plan = plans.plan_update(
        plan=plan,
        version=plan.version,
        risks_to_manage="Sexual harm to children he gains access to through relationships with mothers.",
        licence_conditions=(
            "Reside at an address approved by the offender manager.\n"
            "Disclose any developing relationship with a woman.\n"
            "No unsupervised contact with children under 16."
        ),
        restrictive_orders="Sexual Harm Prevention Order: no unsupervised contact with children under 16.",
        review_date=review,
        disclosure_note="" if at_risk else "No person or group at risk identified at this review.",
        by=by,
    )
    chosen = (
        _ACTIONS
        if complete
        else [a for a in _ACTIONS if a[0] in (Pillar.SUPERVISION, Pillar.MONITORING_CONTROL)]
    )
    for pillar, description, code, due in chosen:
        plan.refresh_from_db()
        plans.plan_action_add(
            plan=plan,
            version=plan.version,
            pillar=pillar,
            description=description,
            owner_agency=agencies[code],
            owner_name="" if code != nominal.lead_agency.code else by.get_full_name(),
            due_date=timezone.localdate() + timedelta(days=due) if due is not None else None,
            by=by,
        )
    if complete:
        for person in at_risk:
            plan.refresh_from_db()
            decision, rationale = (
                (
                    ConsiderationDecision.DISCLOSE,
                    "She has young children and is entitled to know the risk so she can protect them.",
                )
                if person.kind == PersonAtRiskKind.PARTNER
                else (
                    ConsiderationDecision.DO_NOT_DISCLOSE,
                    "Protected through the disclosure to her mother and the children's services plan.",
                )
                if person.kind == PersonAtRiskKind.CHILD
                else (
                    ConsiderationDecision.DEFER,
                    "No identifiable person to tell; police patrols instead. Review at the next meeting.",
                )
            )
            plans.consideration_record(
                plan=plan,
                version=plan.version,
                person_at_risk=person,
                decision=decision,
                rationale=rationale,
                by=by,
            )
    plan.refresh_from_db()
    return plan
