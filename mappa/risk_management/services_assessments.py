"""Recording risk assessments and persons at risk against a nominal (domain.md §1.4, §1.6).

A risk assessment belongs to the agency that made it: the assessing agency is the recorder's
acting agency, fixed at creation, and only that agency corrects it (access.can_correct_assessment).
An assessment has to say something: a RoSH level for at least one group, or the band or
priority a static tool gives instead (ARMS, OM2 and RM2000 give no RoSH by group).

Persons at risk are the multi-agency record of who the nominal may harm. Any agency with
RISK_RECORD that can see the case records, changes or ends one, since victims and children are
often known to one agency only (children's social care cross-references the children, §1.6).
A person is linked to the people index, or described; a group is only ever described. The
child flag errs towards safeguarding: a "child" is always flagged, and so is anyone whose
recorded date of birth shows them under 18. Ending one keeps the row, since plans refer to it.

Writes to an exited case are refused with a reason rather than as a permission: the record is
closed, not hidden. Edits carry the row's version (optimistic locking), so a change made on a
page loaded before someone else's is refused rather than silently undoing theirs.

Audit events name the assessment or person at risk with the agency that made it as owner and
list changed field names only: RoSH levels, factors, names and descriptions are personal data
about the nominal and the people at risk, and stay on the record, where their readers are
controlled.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list
from mappa.people.dates import certainly_under
from mappa.people.models import Person
from mappa.people.selectors import person_list
from mappa.risk_management.access import can_correct_assessment, can_record_risk
from mappa.risk_management.access_assessments import is_assessor
from mappa.risk_management.models import (
    ROSH_GROUPS,
    AssessmentTool,
    PersonAtRisk,
    PersonAtRiskKind,
    RiskAssessment,
    RoshLevel,
)
from mappa.risk_management.selectors import assessment_scope, person_at_risk_scope

if TYPE_CHECKING:
    from mappa.accounts.models import User

# No MAPPA-era tool predates this (OASys and ARMS came later still): an earlier year is a typing
# error, not an old assessment.
EARLIEST_ASSESSMENT = date(1990, 1, 1)
ADULT_AGE = 18
MAX_TEXT_LENGTH = 10000
MAX_NAME_LENGTH = 200  # tool_other, tool_outcome
MAX_DESCRIPTION_LENGTH = 300

EXITED_MESSAGE = "This nominal has exited MAPPA, so their risk records can no longer be changed"
ASSESSMENT_CONFLICT = (
    "Someone else changed this risk assessment while you were looking at it. Nothing has been saved. "
    "Go back to the assessment to read it as it is now, then make your correction again"
)
PERSON_CONFLICT = (
    "Someone else changed this record while you were looking at it. Nothing has been saved. "
    "Go back to the persons at risk to read it as it is now, then make your change again"
)
PERSON_NOT_FOUND = "No person record with that number was found. Check the number on the person record's page"

ASSESSMENT_FIELDS = [
    "tool",
    "tool_other",
    "assessed_on",
    *ROSH_GROUPS,
    "tool_outcome",
    "risk_factors",
    "protective_factors",
    "scenarios",
    "next_review_date",
]


# --- shared checks ------------------------------------------------------------------------------


def _require_recorder(by: "User", nominal: Nominal) -> Nominal:
    """The nominal, locked, if `by` may record risk on it (access.can_record_risk on a case they
    can see). Locked so that two records made at once are checked one after the other."""
    if not has_permission(by, Permission.RISK_RECORD):
        raise PermissionDenied("You do not have permission to record risk information")
    if not nominal_list(fetched_by=by).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You cannot see this nominal")
    stored = Nominal.objects.select_for_update().get(pk=nominal.pk)
    if not can_record_risk(by, stored):
        # The permission is held (checked above): the one thing left is a closed case.
        raise ApplicationError(EXITED_MESSAGE)
    return stored


def _text(value: str, *, field: str, label: str, maximum: int = MAX_TEXT_LENGTH) -> str:
    text = (value or "").strip()
    if len(text) > maximum:
        raise ApplicationError(f"{label} must be {maximum} characters or fewer", field=field)
    return text


def _not_future(value: date, *, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ApplicationError(f"{label} must be today or in the past", field=field)


def _changed(stored: Any, values: dict[str, Any]) -> list[str]:
    changed = [field for field, value in values.items() if getattr(stored, field) != value]
    for field in changed:
        setattr(stored, field, values[field])
    return changed


# --- risk assessments ---------------------------------------------------------------------------


def _assessment_values(
    *,
    tool: str,
    tool_other: str,
    assessed_on: date | None,
    rosh: dict[str, str],
    tool_outcome: str,
    risk_factors: str,
    protective_factors: str,
    scenarios: str,
    next_review_date: date | None,
) -> dict[str, Any]:
    """The assessment's fields, checked: what a record and a correction both must satisfy."""
    if tool not in AssessmentTool.values:
        raise ApplicationError("Select the tool used for the assessment", field="tool")
    tool_other = _text(tool_other, field="tool_other", label="The name of the tool", maximum=MAX_NAME_LENGTH)
    if tool == AssessmentTool.OTHER:
        if not tool_other:
            raise ApplicationError("Enter the name of the tool used", field="tool_other")
    else:
        tool_other = ""  # only "another tool" is named; a name left in the box means nothing
    if assessed_on is None:
        raise ApplicationError("Enter the date of the assessment", field="assessed_on")
    _not_future(assessed_on, field="assessed_on", label="The date of the assessment")
    if assessed_on < EARLIEST_ASSESSMENT:
        raise ApplicationError(
            "The date of the assessment must be 1 January 1990 or later", field="assessed_on"
        )
    levels: dict[str, str] = {}
    for field, group in ROSH_GROUPS.items():
        value = (rosh.get(field) or "").strip()
        if value and value not in RoshLevel.values:
            raise ApplicationError(
                f"Select the risk of serious harm to {group.lower()}, or not assessed", field=field
            )
        levels[field] = value
    tool_outcome = _text(
        tool_outcome, field="tool_outcome", label="The tool's outcome", maximum=MAX_NAME_LENGTH
    )
    if not tool_outcome and not any(levels.values()):
        # An assessment recording nothing would look, on the case, like one that found no risk.
        raise ApplicationError(
            "Select the risk of serious harm for at least one group, or enter the tool's outcome",
            field="rosh_children",
        )
    if next_review_date is not None and next_review_date <= assessed_on:
        raise ApplicationError(
            "The next review date must be after the date of the assessment", field="next_review_date"
        )
    return {
        "tool": tool,
        "tool_other": tool_other,
        "assessed_on": assessed_on,
        **levels,
        "tool_outcome": tool_outcome,
        "risk_factors": _text(risk_factors, field="risk_factors", label="Risk factors"),
        "protective_factors": _text(
            protective_factors, field="protective_factors", label="Protective factors"
        ),
        "scenarios": _text(scenarios, field="scenarios", label="Scenarios"),
        "next_review_date": next_review_date,
    }


def _assessment_event(
    assessment: RiskAssessment, by: "User", action: Action, summary: str, **kwargs: Any
) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="risk_assessment",
        object_id=assessment.pk,
        # The assessing agency owns the assessment: its auditors see every event about it.
        object_agency_id=assessment.assessing_agency_id,
        nominal_id=assessment.nominal_id,
        detail={"version": assessment.version},
        **kwargs,
    )


@transaction.atomic
def risk_assessment_record(
    *,
    nominal: Nominal,
    tool: str,
    tool_other: str = "",
    assessed_on: date | None,
    rosh_children: str = "",
    rosh_public: str = "",
    rosh_known_adult: str = "",
    rosh_staff: str = "",
    rosh_prisoners: str = "",
    tool_outcome: str = "",
    risk_factors: str = "",
    protective_factors: str = "",
    scenarios: str = "",
    next_review_date: date | None = None,
    by: "User",
) -> RiskAssessment:
    """Record an assessment made by `by`'s acting agency, which then owns it."""
    stored = _require_recorder(by, nominal)
    agency = acting_agency(by)
    if agency is None:  # has_permission passed, so only an agency deactivated mid-session
        raise PermissionDenied("Your agency is not active")
    values = _assessment_values(
        tool=tool,
        tool_other=tool_other,
        assessed_on=assessed_on,
        rosh={
            "rosh_children": rosh_children,
            "rosh_public": rosh_public,
            "rosh_known_adult": rosh_known_adult,
            "rosh_staff": rosh_staff,
            "rosh_prisoners": rosh_prisoners,
        },
        tool_outcome=tool_outcome,
        risk_factors=risk_factors,
        protective_factors=protective_factors,
        scenarios=scenarios,
        next_review_date=next_review_date,
    )
    assessment = RiskAssessment(nominal=stored, assessing_agency=agency, recorded_by=by, **values)
    assessment.save(override=True)
    _assessment_event(assessment, by, Action.COLLECTION, f"Risk assessment recorded by {agency.code}")
    return assessment


@transaction.atomic
def risk_assessment_correct(
    *,
    assessment: RiskAssessment,
    version: int,
    tool: str,
    tool_other: str = "",
    assessed_on: date | None,
    rosh_children: str = "",
    rosh_public: str = "",
    rosh_known_adult: str = "",
    rosh_staff: str = "",
    rosh_prisoners: str = "",
    tool_outcome: str = "",
    risk_factors: str = "",
    protective_factors: str = "",
    scenarios: str = "",
    next_review_date: date | None = None,
    by: "User",
) -> RiskAssessment:
    """The assessing agency corrects its assessment (a mistyped level, date or tool). A
    reassessment is recorded as a new assessment instead, so the history of levels stays true."""
    stored = (
        RiskAssessment.objects.select_for_update(of=("self",))
        .select_related("nominal", "assessing_agency")
        .get(pk=assessment.pk)
    )
    if not assessment_scope(fetched_by=by).filter(pk=stored.pk).exists():
        raise PermissionDenied("You cannot see this risk assessment")
    if not can_correct_assessment(by, stored):
        if is_assessor(by, stored):
            # Their own assessment: the only thing in the way is that the case is closed.
            raise ApplicationError(EXITED_MESSAGE)
        raise PermissionDenied(
            f"Only {stored.assessing_agency.name}, who made this assessment, can correct it"
        )
    if stored.version != version:
        raise ApplicationError(ASSESSMENT_CONFLICT)
    values = _assessment_values(
        tool=tool,
        tool_other=tool_other,
        assessed_on=assessed_on,
        rosh={
            "rosh_children": rosh_children,
            "rosh_public": rosh_public,
            "rosh_known_adult": rosh_known_adult,
            "rosh_staff": rosh_staff,
            "rosh_prisoners": rosh_prisoners,
        },
        tool_outcome=tool_outcome,
        risk_factors=risk_factors,
        protective_factors=protective_factors,
        scenarios=scenarios,
        next_review_date=next_review_date,
    )
    changed = _changed(stored, values)
    if not changed:
        return stored
    stored.version += 1
    stored.save(override=True, update_fields=[*changed, "version", "updated_at"])
    _assessment_event(stored, by, Action.ALTERATION, "Risk assessment corrected", changed_fields=changed)
    return stored


# --- persons at risk ----------------------------------------------------------------------------


def is_under_18(person: Person, *, today: date | None = None) -> bool:
    """Whether any recorded date of birth shows the person under 18 today, however a partial one
    is read (people/dates.py). With a disputed date of birth, the one that makes them a child
    counts: the safeguarding presumption."""
    dates = [dob.partial for dob in person.dates_of_birth.all()]
    return certainly_under(dates, ADULT_AGE, today=today or timezone.localdate())


def _kind(kind: str) -> str:
    if kind not in PersonAtRiskKind.values:
        raise ApplicationError("Select who is at risk", field="kind")
    return kind


def _identified(kind: str, person: Person | None, description: str) -> None:
    """A group is described and links no person; anyone else is linked or described (the
    par_identified and par_group_has_no_person constraints, with messages)."""
    if kind == PersonAtRiskKind.GROUP:
        if person is not None:
            raise ApplicationError(
                "A group is described, not linked to a person record. Remove the record number, or "
                "choose who else is at risk",
                field="person",
            )
        if not description:
            raise ApplicationError("Describe the group at risk", field="description")
    elif person is None and not description:
        raise ApplicationError(
            "Enter the person's record number from the people index, or describe them",
            field="description",
        )


def _child(kind: str, person: Person | None, is_child: bool) -> bool:
    # The practitioner's answer stands, except that a "child", or someone whose date of birth
    # shows them under 18, is always flagged: they cannot be recorded as an adult.
    return bool(is_child) or kind == PersonAtRiskKind.CHILD or (person is not None and is_under_18(person))


def _person_event(par: PersonAtRisk, by: "User", action: Action, summary: str, **kwargs: Any) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="person_at_risk",
        object_id=par.pk,
        object_agency_id=par.recorded_by_agency_id,
        nominal_id=par.nominal_id,
        detail={"version": par.version},
        **kwargs,
    )


def _locked_person_at_risk(person_at_risk: PersonAtRisk, by: "User", version: int) -> PersonAtRisk:
    """The stored row, with its nominal locked, if `by` may change it and it is at `version`."""
    if not person_at_risk_scope(fetched_by=by).filter(pk=person_at_risk.pk).exists():
        # Without RISK_VIEW, or on a case they cannot see: they may not know it exists.
        raise PermissionDenied("You cannot see this person at risk")
    _require_recorder(by, person_at_risk.nominal)
    stored = (
        PersonAtRisk.objects.select_for_update(of=("self",))
        .select_related("person")
        .prefetch_related("person__dates_of_birth")
        .get(pk=person_at_risk.pk)
    )
    if stored.version != version:
        raise ApplicationError(PERSON_CONFLICT)
    if not stored.is_active:
        raise ApplicationError(
            "This person is recorded as no longer at risk, so the record is kept as it was"
        )
    return stored


@transaction.atomic
def person_at_risk_record(
    *,
    nominal: Nominal,
    kind: str,
    person: Person | None = None,
    description: str = "",
    is_child: bool = False,
    address_confidential: bool = False,
    notes: str = "",
    by: "User",
) -> PersonAtRisk:
    """Record a person or group the nominal may harm, linked to the people index or described."""
    stored = _require_recorder(by, nominal)
    agency = acting_agency(by)
    if agency is None:  # has_permission passed, so only an agency deactivated mid-session
        raise PermissionDenied("Your agency is not active")
    kind = _kind(kind)
    description = _text(
        description, field="description", label="The description", maximum=MAX_DESCRIPTION_LENGTH
    )
    if person is not None:
        # The same answer for a record that does not exist and one the user may not see: the
        # people index shows a record only to those it allows (people.selectors.person_list).
        visible = person_list(fetched_by=by).filter(pk=person.pk).prefetch_related("dates_of_birth").first()
        if visible is None:
            raise ApplicationError(PERSON_NOT_FOUND, field="person")
        person = visible
    _identified(kind, person, description)
    if person is not None:
        if person.pk == stored.person_id:
            raise ApplicationError(
                "The nominal cannot be recorded as at risk from themselves", field="person"
            )
        if PersonAtRisk.objects.filter(nominal=stored, person=person, ended_on__isnull=True).exists():
            raise ApplicationError(
                "This person is already recorded as at risk from this nominal. Change that record instead",
                field="person",
            )
    par = PersonAtRisk(
        nominal=stored,
        kind=kind,
        person=person,
        description=description,
        is_child=_child(kind, person, is_child),
        address_confidential=bool(address_confidential),
        notes=_text(notes, field="notes", label="Notes"),
        recorded_by_agency=agency,
        recorded_by=by,
    )
    par.save(override=True)
    _person_event(par, by, Action.COLLECTION, f"Person at risk recorded by {agency.code}")
    return par


@transaction.atomic
def person_at_risk_update(
    *,
    person_at_risk: PersonAtRisk,
    version: int,
    kind: str,
    description: str,
    is_child: bool,
    address_confidential: bool,
    notes: str,
    by: "User",
) -> PersonAtRisk:
    """Change how a person or group at risk is recorded. The linked person stays: a different
    person is a different record."""
    stored = _locked_person_at_risk(person_at_risk, by, version)
    kind = _kind(kind)
    description = _text(
        description, field="description", label="The description", maximum=MAX_DESCRIPTION_LENGTH
    )
    if kind == PersonAtRiskKind.GROUP and stored.person is not None:
        raise ApplicationError(
            "This record is linked to a person, so it cannot be a group. Record the group separately",
            field="kind",
        )
    _identified(kind, stored.person, description)
    changed = _changed(
        stored,
        {
            "kind": kind,
            "description": description,
            "is_child": _child(kind, stored.person, is_child),
            "address_confidential": bool(address_confidential),
            "notes": _text(notes, field="notes", label="Notes"),
        },
    )
    if not changed:
        return stored
    stored.version += 1
    stored.save(override=True, update_fields=[*changed, "version", "updated_at"])
    _person_event(stored, by, Action.ALTERATION, "Person at risk changed", changed_fields=changed)
    return stored


@transaction.atomic
def person_at_risk_end(
    *, person_at_risk: PersonAtRisk, version: int, ended_on: date | None, reason: str, by: "User"
) -> PersonAtRisk:
    """Record that a person or group is no longer at risk (moved away, relationship ended). The
    row stays, since past plans and disclosure decisions refer to it."""
    stored = _locked_person_at_risk(person_at_risk, by, version)
    if ended_on is None:
        raise ApplicationError("Enter the date they stopped being at risk", field="ended_on")
    _not_future(ended_on, field="ended_on", label="The date they stopped being at risk")
    reason = _text(reason, field="reason", label="The reason")
    if not reason:
        raise ApplicationError("Enter why they are no longer at risk", field="reason")
    stored.ended_on = ended_on
    stored.ended_reason = reason
    stored.version += 1
    changed = ["ended_on", "ended_reason"]
    stored.save(override=True, update_fields=[*changed, "version", "updated_at"])
    _person_event(stored, by, Action.ALTERATION, "Person no longer at risk", changed_fields=changed)
    return stored
