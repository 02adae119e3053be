"""Writes to the versioned risk management plan: one transaction each, audited inside.

Each review of a nominal's plan is a new version (MAPPA Guidance ch. 12; ADR 0015). `plan_start`
copies the current approved version into a draft, number n + 1, owned by the nominal's lead
agency (§12.5), with its actions and their progress but without its disclosure decisions:
disclosure is considered afresh at every review (domain.md §3.4). The draft is written by the lead
agency or the area's co-ordinator (access.can_write_plan), several people at once, so every write
to it or its actions locks the plan row and checks the version the writer saw (optimistic
locking): an edit made on a page loaded before someone else's is refused, never silently lost.

`plan_approve` is refused until nothing blocks it (selectors_plans.approval_blockers: a review
date ahead, an action, a disclosure decision for every person at risk, and the right approver
with the right minutes). Approving supersedes the version before in the same transaction.

Audit events name the plan ("risk_management_plan", owned by the agency that owns the version)
and the nominal, and list changed field names only: what the plan says about the nominal and
the people at risk is personal data, kept on the plan where its readers are controlled.
"""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.models import ServiceWrittenModel
from mappa.meetings.models import Minutes
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import nominal_list
from mappa.risk_management.access import can_write_plan
from mappa.risk_management.access_plans import can_approve_plan, can_set_action_status
from mappa.risk_management.models import (
    ConsiderationDecision,
    DisclosureConsideration,
    PersonAtRisk,
    Pillar,
    PlanAction,
    PlanActionStatus,
    PlanStatus,
    RiskManagementPlan,
)
from mappa.risk_management.selectors_plans import (
    MIN_RATIONALE_LENGTH,
    approval_blockers,
    area_agencies,
    is_active_member,
    next_position,
    plan_warnings,
)

if TYPE_CHECKING:
    from mappa.accounts.models import User

__all__ = [
    "CONFLICT_MESSAGE",
    "PlanConflict",
    "PlanNotReady",
    "approval_blockers",
    "consideration_record",
    "plan_action_add",
    "plan_action_remove",
    "plan_action_set_status",
    "plan_action_update",
    "plan_approve",
    "plan_start",
    "plan_update",
    "plan_warnings",
]

MAX_TEXT = 10000
MAX_NAME = 200
OBJECT_TYPE = "risk_management_plan"
CONFLICT_MESSAGE = (
    "Someone else changed this plan while you were working on it, so nothing has been saved. "
    "Go back to the plan to read it as it is now, then make your change again"
)
DRAFT_EXISTS_MESSAGE = "A new version is already being written: continue it"


class PlanConflict(ApplicationError):
    """The draft was saved by someone else since the writer opened it."""


class PlanNotReady(ApplicationError):
    """Approval refused: `blockers` lists everything still missing, in plain words."""

    def __init__(self, blockers: list[str]) -> None:
        super().__init__(". ".join(blockers))
        self.blockers = blockers


# --- helpers ------------------------------------------------------------------------------------


def _event(
    plan: RiskManagementPlan,
    by: "User",
    audit: Action,
    summary: str,
    *,
    changed_fields: Iterable[str] = (),
    **detail: Any,
) -> None:
    record_event(
        action=audit,
        actor=by,
        summary=summary,
        object_type=OBJECT_TYPE,
        object_id=plan.pk,
        object_agency_id=plan.owner_agency_id,
        nominal_id=plan.nominal_id,
        changed_fields=changed_fields,
        detail={"version": plan.number, **detail},
    )


def _save(row: ServiceWrittenModel, fields: Iterable[str] | None = None) -> None:
    if fields is None:
        row.save(override=True)
    else:
        row.save(override=True, update_fields=list(fields))


def _bump(plan: RiskManagementPlan, fields: Iterable[str] = ()) -> None:
    """Save the plan's changed fields and move its version on: pages loaded before are stale."""
    plan.version += 1
    _save(plan, [*fields, "version", "updated_at"])


def _locked(plan: RiskManagementPlan) -> RiskManagementPlan:
    """The stored plan, locked for this transaction. Locking the plan row also serialises
    changes to its actions and disclosure decisions."""
    return (
        RiskManagementPlan.objects.select_for_update(of=("self",))
        .select_related("nominal", "nominal__area", "owner_agency")
        .get(pk=plan.pk)
    )


def _require_draft(plan: RiskManagementPlan) -> None:
    if plan.status == PlanStatus.DRAFT:
        return
    if plan.status == PlanStatus.APPROVED:
        raise ApplicationError(
            f"Version {plan.number} of the plan has been approved, so it can no longer be changed. "
            "Start a review to write the next version"
        )
    raise ApplicationError(
        f"Version {plan.number} of the plan has been superseded by a later version and is kept as history"
    )


def _draft(plan: RiskManagementPlan, version: int) -> RiskManagementPlan:
    stored = _locked(plan)
    _require_draft(stored)
    if stored.version != version:
        raise PlanConflict(CONFLICT_MESSAGE)
    return stored


def _require_writer(by: "User", nominal: Nominal) -> None:
    if not can_write_plan(by, nominal):
        raise PermissionDenied(
            "Only the nominal's lead agency, or the MAPPA co-ordinator of its area, can write its plan"
        )


def _text(value: str | None, *, field: str, missing: str | None = None, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if missing and not text:
        raise ApplicationError(missing, field=field)
    if len(text) > max_length:
        raise ApplicationError(f"This must be {max_length} characters or fewer", field=field)
    return text


def _changed(row: Any, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(row, name) != value]


def _names(fields: Iterable[str]) -> list[str]:
    return [name.removesuffix("_id") for name in fields]


# --- starting and editing a version ------------------------------------------------------------


_COPIED_FIELDS = ("risks_to_manage", "licence_conditions", "restrictive_orders")
_COPIED_ACTION_FIELDS = (
    "pillar",
    "description",
    "owner_agency_id",
    "owner_id",
    "owner_name",
    "due_date",
    "status",
    "position",
)


@transaction.atomic
def plan_start(*, nominal: Nominal, by: "User") -> RiskManagementPlan:
    """Start a review: a draft version n + 1, copied from the current approved version."""
    _require_writer(by, nominal)
    # Locked so two "Start a review" clicks are checked one after the other; the one-draft
    # constraint is the last word if they are not.
    stored = Nominal.objects.select_for_update(of=("self",)).select_related("lead_agency").get(pk=nominal.pk)
    plans = RiskManagementPlan.objects.filter(nominal_id=stored.pk)
    if plans.filter(status=PlanStatus.DRAFT).exists():
        raise ApplicationError(DRAFT_EXISTS_MESSAGE)
    current = plans.filter(status=PlanStatus.APPROVED).first()
    last = plans.order_by("-number").first()
    plan = RiskManagementPlan(
        nominal=stored,
        number=(last.number if last is not None else 0) + 1,
        status=PlanStatus.DRAFT,
        # The lead agency when the review starts owns the version (§12.5), whoever writes it.
        owner_agency=stored.lead_agency,
        author=by,
        # review_date stays empty: a review sets a new date. The disclosure note is not copied
        # either: disclosure is considered afresh at every review.
        restrictive_orders=stored.restrictive_orders,
    )
    if current is not None:
        for name in _COPIED_FIELDS:
            setattr(plan, name, getattr(current, name))
    try:
        with transaction.atomic():
            _save(plan)
    except IntegrityError:
        raise ApplicationError(DRAFT_EXISTS_MESSAGE) from None
    copied = 0
    if current is not None:
        for action in PlanAction.objects.filter(plan_id=current.pk).order_by("pillar", "position", "id"):
            copy = PlanAction(plan=plan, **{name: getattr(action, name) for name in _COPIED_ACTION_FIELDS})
            _save(copy)
            copied += 1
    _event(
        plan,
        by,
        Action.COLLECTION,
        f"Risk management plan version {plan.number} started",
        copied_from=current.number if current is not None else None,
        actions_copied=copied,
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: RiskManagementPlan,
    version: int,
    risks_to_manage: str,
    licence_conditions: str,
    restrictive_orders: str,
    review_date: date | None,
    disclosure_note: str,
    by: "User",
) -> RiskManagementPlan:
    """Change the draft's text and review date. The review date, if given, must be ahead."""
    _require_writer(by, plan.nominal)
    stored = _draft(plan, version)
    if review_date is not None and review_date <= timezone.localdate():
        raise ApplicationError("The review date must be in the future", field="review_date")
    values: dict[str, Any] = {
        "risks_to_manage": _text(risks_to_manage, field="risks_to_manage"),
        "licence_conditions": _text(licence_conditions, field="licence_conditions"),
        "restrictive_orders": _text(restrictive_orders, field="restrictive_orders"),
        "review_date": review_date,
        "disclosure_note": _text(disclosure_note, field="disclosure_note"),
    }
    changed = _changed(stored, values)
    if not changed:
        return stored
    for name in changed:
        setattr(stored, name, values[name])
    _bump(stored, changed)
    _event(stored, by, Action.ALTERATION, "Draft risk management plan changed", changed_fields=changed)
    return stored


# --- actions ------------------------------------------------------------------------------------


def _action_values(
    plan: RiskManagementPlan,
    *,
    pillar: str,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None",
    owner_name: str,
    due_date: date | None,
    current_due: date | None = None,
) -> dict[str, Any]:
    if pillar not in Pillar.values:
        raise ApplicationError("Select the part of the plan the action belongs to", field="pillar")
    description = _text(description, field="description", missing="Enter what is to be done")
    # An action is owned by an agency that works in the nominal's area (as for meeting actions).
    if owner_agency is None or not area_agencies(plan.nominal).filter(pk=owner_agency.pk).exists():
        raise ApplicationError(
            f"Select an agency serving {plan.nominal.area.name} to own the action", field="owner_agency"
        )
    owner_name = _text(owner_name, field="owner_name", max_length=MAX_NAME)
    if owner is not None:
        if not is_active_member(int(owner.pk), owner_agency.pk):
            raise ApplicationError(f"The owner must be a member of {owner_agency.name}", field="owner")
        if owner_name:
            raise ApplicationError(
                "Name the person responsible once: choose someone with an account, or type the name of "
                "someone without one",
                field="owner_name",
            )
    # A new or moved due date must be ahead; one carried over from the last version may have
    # passed (it is then flagged overdue), and changing something else must not be refused for it.
    if due_date is not None and due_date != current_due and due_date < timezone.localdate():
        raise ApplicationError("The due date must be today or in the future", field="due_date")
    return {
        "pillar": pillar,
        "description": description,
        "owner_agency_id": owner_agency.pk,
        "owner_id": owner.pk if owner is not None else None,
        "owner_name": owner_name,
        "due_date": due_date,
    }


def _action_of(plan: RiskManagementPlan, action: PlanAction) -> PlanAction:
    row = PlanAction.objects.filter(plan_id=plan.pk, pk=action.pk).first()
    if row is None:
        raise ApplicationError("That action is not in this version of the plan")
    return row


@transaction.atomic
def plan_action_add(
    *,
    plan: RiskManagementPlan,
    version: int,
    pillar: str,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None" = None,
    owner_name: str = "",
    due_date: date | None = None,
    by: "User",
) -> PlanAction:
    """Add an action to one pillar (or the contingency actions) of the draft."""
    _require_writer(by, plan.nominal)
    stored = _draft(plan, version)
    values = _action_values(
        stored,
        pillar=pillar,
        description=description,
        owner_agency=owner_agency,
        owner=owner,
        owner_name=owner_name,
        due_date=due_date,
    )
    action = PlanAction(plan=stored, position=next_position(stored, values["pillar"]), **values)
    _save(action)
    _bump(stored)
    _event(
        stored,
        by,
        Action.COLLECTION,
        "Action added to a draft risk management plan",
        action=action.pk,
        pillar=pillar,
    )
    return action


@transaction.atomic
def plan_action_update(
    *,
    action: PlanAction,
    version: int,
    pillar: str,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None" = None,
    owner_name: str = "",
    due_date: date | None = None,
    by: "User",
) -> PlanAction:
    _require_writer(by, action.plan.nominal)
    stored = _draft(action.plan, version)
    row = _action_of(stored, action)
    values = _action_values(
        stored,
        pillar=pillar,
        description=description,
        owner_agency=owner_agency,
        owner=owner,
        owner_name=owner_name,
        due_date=due_date,
        current_due=row.due_date,
    )
    changed = _changed(row, values)
    if not changed:
        return row
    if "pillar" in changed:
        values["position"] = next_position(stored, values["pillar"])
        changed.append("position")
    for name in changed:
        setattr(row, name, values[name])
    _save(row, changed)
    _bump(stored)
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Action in a draft risk management plan changed",
        changed_fields=_names(changed),
        action=row.pk,
    )
    return row


@transaction.atomic
def plan_action_remove(*, action: PlanAction, version: int, by: "User") -> None:
    _require_writer(by, action.plan.nominal)
    stored = _draft(action.plan, version)
    row = _action_of(stored, action)
    pk = row.pk
    row.delete(override=True)
    _bump(stored)
    _event(stored, by, Action.ERASURE, "Action removed from a draft risk management plan", action=pk)


@transaction.atomic
def plan_action_set_status(*, action: PlanAction, status: str, by: "User") -> PlanAction:
    """Report progress on an action of the current plan or the draft (not started, in progress,
    done, not done). Whoever answers for it may: access_plans.can_set_action_status."""
    if not can_set_action_status(by, action):
        raise PermissionDenied("You cannot update this action")
    stored = _locked(action.plan)
    if stored.status == PlanStatus.SUPERSEDED:
        raise ApplicationError(
            "This action is in a version of the plan that has been superseded. "
            "Update it in the current version"
        )
    row = _action_of(stored, action)
    if status not in PlanActionStatus.values:
        raise ApplicationError("Select the action's progress", field="status")
    if row.status == status:
        return row
    row.status = status
    _save(row, ["status"])
    _bump(stored)
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Progress on a risk management plan action updated",
        changed_fields=["status"],
        action=row.pk,
    )
    return row


# --- disclosure considered ------------------------------------------------------------------------


@transaction.atomic
def consideration_record(
    *,
    plan: RiskManagementPlan,
    version: int,
    person_at_risk: PersonAtRisk,
    decision: str,
    rationale: str,
    by: "User",
) -> DisclosureConsideration:
    """Record (or replace) this version's decision on disclosure to protect one person or group.

    Recorded by the plan's writers, or by its approver: at a level 2 or 3 review it is the
    meeting's decision, which the chair records.
    """
    if not (can_write_plan(by, plan.nominal) or can_approve_plan(by, plan)):
        raise PermissionDenied(
            "Only the plan's writers, or the person who approves it, can record disclosure decisions"
        )
    stored = _draft(plan, version)
    target = PersonAtRisk.objects.filter(pk=person_at_risk.pk, nominal_id=stored.nominal_id).first()
    if target is None:
        raise ApplicationError("That person or group is not recorded as at risk from this nominal")
    if not target.is_active:
        raise ApplicationError(
            "That person or group is no longer recorded as at risk, so no decision is needed for them"
        )
    if decision not in ConsiderationDecision.values:
        raise ApplicationError("Select whether to disclose, not to disclose, or to defer", field="decision")
    text = _text(rationale, field="rationale", missing="Enter the rationale for the decision")
    if len(text) < MIN_RATIONALE_LENGTH:
        raise ApplicationError(
            "Explain the rationale in a sentence or more: it is the record of why", field="rationale"
        )
    existing = DisclosureConsideration.objects.filter(plan_id=stored.pk, person_at_risk_id=target.pk).first()
    if existing is None:
        row = DisclosureConsideration(
            plan=stored, person_at_risk=target, decision=decision, rationale=text, recorded_by=by
        )
        _save(row)
        _bump(stored)
        _event(
            stored,
            by,
            Action.COLLECTION,
            "Disclosure considered at a risk management plan review",
            person_at_risk=target.pk,
            decision=decision,
        )
        return row
    values: dict[str, Any] = {"decision": decision, "rationale": text}
    changed = _changed(existing, values)
    if not changed:
        return existing
    for name in changed:
        setattr(existing, name, values[name])
    existing.recorded_by = by
    _save(existing, [*changed, "recorded_by", "updated_at"])
    _bump(stored)
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Disclosure decision at a risk management plan review changed",
        changed_fields=[*changed, "recorded_by"],
        person_at_risk=target.pk,
        decision=decision,
    )
    return existing


# --- approval -------------------------------------------------------------------------------------


@transaction.atomic
def plan_approve(
    *,
    plan: RiskManagementPlan,
    version: int,
    minutes: Minutes | None = None,
    note: str = "",
    by: "User",
) -> RiskManagementPlan:
    """Approve the draft: it becomes the plan in force, linked to the minutes of the meeting that
    approved it, and the version before is superseded. Refused with every blocker listed."""
    if not has_permission(by, Permission.PLAN_APPROVE):
        raise PermissionDenied("Only a meeting chair of a Responsible Authority agency can approve a plan")
    if not nominal_list(fetched_by=by).filter(pk=plan.nominal_id).exists():
        raise PermissionDenied("You cannot see this nominal")
    stored = _draft(plan, version)
    if stored.nominal.is_exited:
        raise ApplicationError("This nominal has exited MAPPA, so their plan can no longer be approved")
    note = _text(note, field="note")
    if minutes is not None:
        minutes = Minutes.objects.select_related("agenda_item", "agenda_item__meeting").get(pk=minutes.pk)
    blockers = approval_blockers(stored, minutes, by)
    if blockers:
        raise PlanNotReady(blockers)
    # Supersede first, then approve: one approved version per nominal is a unique constraint, and
    # it must hold after every statement, not only at commit.
    previous = (
        RiskManagementPlan.objects.select_for_update(of=("self",))
        .filter(nominal_id=stored.nominal_id, status=PlanStatus.APPROVED)
        .first()
    )
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        _bump(previous, ["status"])
        _event(
            previous,
            by,
            Action.ALTERATION,
            f"Risk management plan version {previous.number} superseded",
            changed_fields=["status"],
            superseded_by=stored.number,
        )
    stored.status = PlanStatus.APPROVED
    stored.approved_at = timezone.now()
    stored.approved_by = by
    stored.approved_minutes = minutes
    stored.approval_note = note
    changed = ["status", "approved_at", "approved_by", "approved_minutes", "approval_note"]
    _bump(stored, changed)
    meeting = minutes.agenda_item.meeting if minutes is not None else None
    _event(
        stored,
        by,
        Action.ALTERATION,
        f"Risk management plan version {stored.number} approved"
        + (f" at meeting {meeting.reference}" if meeting is not None else ""),
        changed_fields=changed,
        minutes=minutes.pk if minutes is not None else None,
        minutes_reference=minutes.reference if minutes is not None else None,
        minutes_version=minutes.number if minutes is not None else None,
        meeting=meeting.pk if meeting is not None else None,
        meeting_reference=meeting.reference if meeting is not None else None,
        meeting_level=meeting.level if meeting is not None else None,
        superseded=previous.number if previous is not None else None,
        warnings=len(plan_warnings(stored)),
    )
    return stored
