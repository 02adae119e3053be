"""One plan version or plan action, and who may do what with the plan beyond writing it.

`access_plan` and `access_plan_action` give the same 404 for a row that does not exist and one
the user may not see (no RISK_VIEW, or a nominal outside their view), so trying ids reveals
nothing. They record no consultation themselves: the pages open the nominal next
(nominals.opening.open_nominal), which records it with the user's basis for looking.

Writing the plan is access.can_write_plan (the lead agency, or the area's co-ordinator). The
rules here are the others: who approves, who records a disclosure decision, and who reports
progress on an action.
"""

from django.http import Http404

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.types import AnyUser
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas
from mappa.risk_management.access import can_write_plan
from mappa.risk_management.models import PlanAction, PlanStatus, RiskManagementPlan
from mappa.risk_management.selectors_plans import approval_minutes_choices, plan_action_scope, plan_scope

# Progress is reported by whoever answers for the action (meetings.selectors_minutes does the
# same for meeting actions): its named owner, or someone of its owner agency who updates actions.
ACTION_STATUS_PERMISSIONS = (Permission.ACTION_UPDATE, Permission.PLAN_WRITE)


def access_plan(user: AnyUser, pk: int) -> RiskManagementPlan:
    plan = plan_scope(fetched_by=user).filter(pk=pk).first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def access_plan_action(user: AnyUser, pk: int) -> PlanAction:
    action = plan_action_scope(fetched_by=user).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action")
    return action


def can_approve_plan(user: AnyUser, plan: RiskManagementPlan) -> bool:
    """Whether `user` is someone who could approve this draft: a holder of PLAN_APPROVE who can
    see the case and is its approver, the chair of a level 2 or 3 meeting that discussed it (for
    a level 2 or 3 case), or a Responsible Authority manager of its area who did not write this
    version (level 1). Whether the draft is ready is approval_blockers, not this."""
    if plan.status != PlanStatus.DRAFT or plan.nominal.is_exited:
        return False
    if not has_permission(user, Permission.PLAN_APPROVE):
        return False
    if not nominal_list(fetched_by=user).filter(pk=plan.nominal_id).exists():
        return False
    if approval_minutes_choices(plan=plan, fetched_by=user).exists():
        return True
    if plan.nominal.level >= 2:
        return False
    if user.pk == plan.author_id:
        return False
    return ra_areas(user).filter(pk=plan.nominal.area_id).exists()


def can_record_consideration(user: AnyUser, plan: RiskManagementPlan) -> bool:
    """The plan's writers record disclosure decisions as they prepare the review; the approver
    records them too, because at a meeting it is the chair who records the meeting's decision."""
    if plan.status != PlanStatus.DRAFT:
        return False
    return can_write_plan(user, plan.nominal) or can_approve_plan(user, plan)


def can_set_action_status(user: AnyUser, action: PlanAction) -> bool:
    """Progress on an action of the current plan (or of the draft): its owner, someone of its
    owner agency who updates actions, or anyone who may write the plan. A superseded version is
    history: its actions carry on in the version that replaced it."""
    return action.pk in settable_action_ids(user, action.plan, [action])


def settable_action_ids(user: AnyUser, plan: RiskManagementPlan, actions: list[PlanAction]) -> set[int]:
    """The ids of those of `plan`'s `actions` whose progress the user may report: the rules of
    can_set_action_status, each asked once for the whole plan, so a plan's page asks the
    database the same few questions however many actions it has."""
    if plan.status == PlanStatus.SUPERSEDED or plan.nominal.is_exited:
        return set()
    in_scope = set(
        plan_action_scope(fetched_by=user)
        .filter(plan_id=plan.pk, pk__in=[action.pk for action in actions])
        .values_list("pk", flat=True)
    )
    if not in_scope or can_write_plan(user, plan.nominal):
        return in_scope
    agency = acting_agency(user)
    # Of its owner agency, and someone there who updates actions (checked only if it matters).
    agency_id = agency.pk if agency is not None else None
    answers_for_agency = agency_id is not None and any(
        has_permission(user, permission) for permission in ACTION_STATUS_PERMISSIONS
    )
    return {
        action.pk
        for action in actions
        if action.pk in in_scope
        and (
            (action.owner_id is not None and action.owner_id == user.pk)
            or (answers_for_agency and action.owner_agency_id == agency_id)
        )
    }
