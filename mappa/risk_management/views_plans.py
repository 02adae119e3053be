"""The risk management plan pages: the current plan and its versions, one version, writing a
draft (its text, actions and disclosure decisions), progress on actions, and approval.

Every page is about a case, so it opens the nominal (`open_nominal`): the consultation is
recorded with the user's basis, and a user without one is asked for a reason first. Permission
is checked before opening, so a refusal records no consultation. Who may act is checked here so
a page offers only what will succeed, and again in the services.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.models import Nominal
from mappa.nominals.opening import open_nominal
from mappa.risk_management import selectors_plans as selectors
from mappa.risk_management import services_plans as services
from mappa.risk_management.access import can_view_risk, can_write_plan
from mappa.risk_management.access_plans import (
    access_plan,
    access_plan_action,
    can_approve_plan,
    can_record_consideration,
    can_set_action_status,
    settable_action_ids,
)
from mappa.risk_management.forms_plans import (
    NO_MINUTES,
    ActionForm,
    ActionStatusForm,
    ApproveForm,
    ConsiderationForm,
    PlanForm,
    VersionForm,
)
from mappa.risk_management.models import ConsiderationDecision, PlanAction, PlanStatus, RiskManagementPlan
from mappa.risk_management.selectors import person_at_risk_list
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])
_NOT_DRAFT = (
    "This version of the plan is no longer a draft, so it cannot be changed. "
    "Start a review to write the next version"
)


def _url(name: str, *args: object, query: str = "") -> str | None:
    # Another part of the project may not have built the page yet: link to it once it exists.
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _require_view(request: HttpRequest) -> None:
    if not can_view_risk(request.user):
        raise PermissionDenied("You do not have permission to see risk management plans")


def _opened(request: HttpRequest, pk: int) -> tuple[RiskManagementPlan, Nominal]:
    _require_view(request)
    plan = access_plan(request.user, pk)
    return plan, open_nominal(request, plan.nominal_id)


def _writable(request: HttpRequest, pk: int) -> tuple[RiskManagementPlan, Nominal]:
    """A plan the user may write, opened; 403 (before opening) for anyone else."""
    _require_view(request)
    plan = access_plan(request.user, pk)
    if not can_write_plan(request.user, plan.nominal):
        raise PermissionDenied(
            "Only the nominal's lead agency, or the MAPPA co-ordinator of its area, can write its plan"
        )
    return plan, open_nominal(request, plan.nominal_id)


def _not_draft(request: HttpRequest, plan: RiskManagementPlan) -> HttpResponse | None:
    if plan.status == PlanStatus.DRAFT:
        return None
    messages.error(request, _NOT_DRAFT)
    return redirect("risk_management:plan-detail", pk=plan.pk)


def _plan_context(request: HttpRequest, plan: RiskManagementPlan) -> dict[str, Any]:
    """What the plan's body (plans/plan_body.html) shows: its pillars, decisions and warnings."""
    user = request.user
    sections = selectors.plan_sections(plan=plan, fetched_by=user)
    writable = plan.status == PlanStatus.DRAFT and can_write_plan(user, plan.nominal)
    updatable = settable_action_ids(user, plan, [row.action for section in sections for row in section.rows])
    minutes_readable = selectors.readable_minutes_ids(plans=[plan], fetched_by=user)
    return {
        "plan": plan,
        "sections": sections,
        "considerations": list(selectors.consideration_list(plan=plan, fetched_by=user)),
        "warnings": selectors.plan_warnings(plan),
        "can_edit_actions": writable,
        "updatable": updatable,
        "minutes_url": _url("meetings:minutes-detail", plan.approved_minutes_id)
        if plan.approved_minutes_id in minutes_readable
        else None,
    }


# --- reading ------------------------------------------------------------------------------------


@require_GET
def plan_current(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_view(request)
    nominal = open_nominal(request, nominal_pk)
    user = request.user
    current = selectors.current_plan(nominal=nominal, fetched_by=user)
    draft = selectors.draft_plan(nominal=nominal, fetched_by=user)
    context: dict[str, Any] = {
        "nominal": nominal,
        "current": current,
        "draft": draft,
        "can_start": draft is None and can_write_plan(user, nominal),
    }
    if current is not None:
        context.update(_plan_context(request, current))
    return render(request, "risk_management/plans/plan_current.html", context)


@require_GET
def plan_versions(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_view(request)
    nominal = open_nominal(request, nominal_pk)
    plans = list(selectors.plan_list(nominal=nominal, fetched_by=request.user))
    readable = selectors.readable_minutes_ids(plans=plans, fetched_by=request.user)
    rows = [
        (
            plan,
            _url("meetings:minutes-detail", plan.approved_minutes_id)
            if plan.approved_minutes_id in readable
            else None,
        )
        for plan in plans
    ]
    return render(request, "risk_management/plans/plan_versions.html", {"nominal": nominal, "rows": rows})


def _tasks(request: HttpRequest, plan: RiskManagementPlan, nominal: Nominal) -> list[dict[str, Any]]:
    """The draft's task list: what is to be done before approval, each with its state."""
    user = request.user
    writer = can_write_plan(user, nominal)
    recorder = can_record_consideration(user, plan)
    tasks: list[dict[str, Any]] = []
    written = bool(plan.risks_to_manage.strip()) and plan.review_date is not None
    if writer:
        tasks.append(
            {
                "title": "Write the risks, licence conditions, orders and review date",
                "url": reverse("risk_management:plan-edit", args=[plan.pk]),
                "done": written,
                "status": "Completed" if written else "Incomplete",
            }
        )
        count = sum(len(section.rows) for section in selectors.plan_sections(plan=plan, fetched_by=user))
        tasks.append(
            {
                "title": "Add actions",
                "url": reverse("risk_management:plan-action-add", args=[plan.pk]),
                "done": count > 0,
                "status": f"{count} action{'s' if count != 1 else ''}" if count else "Incomplete",
            }
        )
    persons = list(person_at_risk_list(nominal=nominal, fetched_by=user, active_only=True))
    decided = {c.person_at_risk_id: c for c in selectors.consideration_list(plan=plan, fetched_by=user)}
    for person in persons:
        consideration = decided.get(person.pk)
        tasks.append(
            {
                "title": f"Consider disclosure to protect {person.label}",
                "url": reverse("risk_management:plan-consider", args=[plan.pk, person.pk])
                if recorder
                else None,
                "done": consideration is not None,
                "status": consideration.get_decision_display() if consideration else "Incomplete",
            }
        )
    if not persons and writer:
        noted = bool(plan.disclosure_note.strip())
        tasks.append(
            {
                "title": "Say why disclosure is not needed (no one is recorded as at risk)",
                "url": reverse("risk_management:plan-edit", args=[plan.pk]),
                "done": noted,
                "status": "Completed" if noted else "Incomplete",
            }
        )
    ready = not selectors.content_blockers(plan)
    approver = has_permission(user, Permission.PLAN_APPROVE)
    tasks.append(
        {
            "title": "Approve the plan",
            "url": reverse("risk_management:plan-approve", args=[plan.pk]) if approver else None,
            "done": False,
            "status": "Ready to approve" if ready else "Cannot start yet",
            "hint": "By the chair, at the level 2 or 3 meeting reviewing the case"
            if nominal.level >= 2
            else "By a manager of a Responsible Authority agency of the area who did not write it",
        }
    )
    return tasks


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan, nominal = _opened(request, pk)
    user = request.user
    context = {"nominal": nominal, **_plan_context(request, plan)}
    # The task list is for those who complete the review: its writers and its approver.
    if plan.status == PlanStatus.DRAFT and (
        can_write_plan(user, nominal) or can_record_consideration(user, plan) or can_approve_plan(user, plan)
    ):
        context["tasks"] = _tasks(request, plan, nominal)
    return render(request, "risk_management/plans/plan_detail.html", context)


# --- writing a draft ------------------------------------------------------------------------------


@require_POST
def plan_start(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    if not has_permission(request.user, Permission.PLAN_WRITE):
        raise PermissionDenied("You do not have permission to write risk management plans")
    nominal = open_nominal(request, nominal_pk)
    try:
        plan = services.plan_start(nominal=nominal, by=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        draft = selectors.draft_plan(nominal=nominal, fetched_by=request.user)
        if draft is not None:
            return redirect("risk_management:plan-detail", pk=draft.pk)
        return redirect("risk_management:plan-current", nominal_pk=nominal.pk)
    messages.success(request, f"Review started: version {plan.number} of the plan is a draft")
    return redirect("risk_management:plan-detail", pk=plan.pk)


@_FORM_METHODS
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan, nominal = _writable(request, pk)
    if (done := _not_draft(request, plan)) is not None:
        return done
    initial = {
        "risks_to_manage": plan.risks_to_manage,
        "licence_conditions": plan.licence_conditions,
        "restrictive_orders": plan.restrictive_orders,
        "review_date": plan.review_date,
        "disclosure_note": plan.disclosure_note,
        "version": plan.version,
    }
    form = PlanForm(data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Plan saved")
            return redirect("risk_management:plan-detail", pk=plan.pk)
    return render(
        request, "risk_management/plans/plan_edit.html", {"form": form, "plan": plan, "nominal": nominal}
    )


def _action_form(request: HttpRequest, plan: RiskManagementPlan, initial: dict[str, Any]) -> ActionForm:
    return ActionForm(
        selectors.action_agency_choices(plan=plan, fetched_by=request.user),
        selectors.action_owner_choices(plan=plan, fetched_by=request.user),
        data=_posted(request),
        initial=initial,
    )


@_FORM_METHODS
def plan_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, nominal = _writable(request, pk)
    if (done := _not_draft(request, plan)) is not None:
        return done
    initial = {"version": plan.version, "pillar": request.GET.get("pillar", "")}
    form = _action_form(request, plan, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_add(
                plan=plan, version=form.cleaned_data["version"], by=_user(request), **form.values()
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action added")
            return redirect("risk_management:plan-detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "nominal": nominal, "action": None}
    return render(request, "risk_management/plans/action_form.html", context)


def _writable_action(request: HttpRequest, pk: int) -> tuple[PlanAction, Nominal]:
    _require_view(request)
    action = access_plan_action(request.user, pk)
    if not can_write_plan(request.user, action.plan.nominal):
        raise PermissionDenied(
            "Only the nominal's lead agency, or the MAPPA co-ordinator of its area, can write its plan"
        )
    return action, open_nominal(request, action.plan.nominal_id)


@_FORM_METHODS
def plan_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action, nominal = _writable_action(request, pk)
    plan = action.plan
    if (done := _not_draft(request, plan)) is not None:
        return done
    initial = {
        "pillar": action.pillar,
        "description": action.description,
        "owner_agency": action.owner_agency_id,
        "owner": action.owner_id or "",
        "owner_name": action.owner_name,
        "due_date": action.due_date,
        "version": plan.version,
    }
    form = _action_form(request, plan, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_update(
                action=action, version=form.cleaned_data["version"], by=_user(request), **form.values()
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action changed")
            return redirect("risk_management:plan-detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "nominal": nominal, "action": action}
    return render(request, "risk_management/plans/action_form.html", context)


@_FORM_METHODS
def plan_action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    action, nominal = _writable_action(request, pk)
    plan = action.plan
    if (done := _not_draft(request, plan)) is not None:
        return done
    form = VersionForm(data=_posted(request), initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_remove(
                action=action, version=form.cleaned_data["version"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action removed")
            return redirect("risk_management:plan-detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "nominal": nominal, "action": action}
    return render(request, "risk_management/plans/action_remove.html", context)


@_FORM_METHODS
def plan_action_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    action = access_plan_action(request.user, pk)
    if not can_set_action_status(request.user, action):
        raise PermissionDenied("You cannot update this action")
    nominal = open_nominal(request, action.plan.nominal_id)
    form = ActionStatusForm(data=_posted(request), initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_set_status(
                action=action, status=form.cleaned_data["status"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Progress on the action saved")
            return redirect("risk_management:plan-detail", pk=action.plan_id)
    context = {
        "form": form,
        "plan": action.plan,
        "nominal": nominal,
        "action": action,
        "overdue": selectors.is_overdue(action),
    }
    return render(request, "risk_management/plans/action_status.html", context)


# --- disclosure considered ------------------------------------------------------------------------


@require_GET
def plan_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    plan, nominal = _opened(request, pk)
    user = request.user
    recorder = can_record_consideration(user, plan)
    decided = {c.person_at_risk_id: c for c in selectors.consideration_list(plan=plan, fetched_by=user)}
    rows = []
    for person in person_at_risk_list(nominal=nominal, fetched_by=user, active_only=True):
        consideration = decided.get(person.pk)
        disclose = consideration is not None and consideration.decision == ConsiderationDecision.DISCLOSE
        rows.append(
            {
                "person": person,
                "consideration": consideration,
                "consider_url": reverse("risk_management:plan-consider", args=[plan.pk, person.pk])
                if recorder
                else None,
                "propose_url": _url(
                    "disclosures:disclosure-create",
                    nominal.pk,
                    query=f"?person_at_risk={person.pk}&plan={plan.pk}",
                )
                if disclose
                else None,
            }
        )
    context = {"plan": plan, "nominal": nominal, "rows": rows, "can_record": recorder}
    return render(request, "risk_management/plans/plan_disclosure.html", context)


@_FORM_METHODS
def plan_consider(request: HttpRequest, pk: int, person_at_risk_pk: int) -> HttpResponse:
    _require_view(request)
    plan = access_plan(request.user, pk)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _NOT_DRAFT)
        return redirect("risk_management:plan-disclosure", pk=plan.pk)
    if not can_record_consideration(request.user, plan):
        raise PermissionDenied(
            "Only the plan's writers, or the person who approves it, can record disclosure decisions"
        )
    nominal = open_nominal(request, plan.nominal_id)
    person = (
        person_at_risk_list(nominal=nominal, fetched_by=request.user, active_only=True)
        .filter(pk=person_at_risk_pk)
        .first()
    )
    if person is None:
        raise Http404("No such person at risk")
    existing = (
        selectors.consideration_list(plan=plan, fetched_by=request.user)
        .filter(person_at_risk_id=person.pk)
        .first()
    )
    initial: dict[str, Any] = {"version": plan.version}
    if existing is not None:
        initial.update(decision=existing.decision, rationale=existing.rationale)
    form = ConsiderationForm(data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consideration_record(
                plan=plan, person_at_risk=person, by=_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Disclosure decision recorded for {person.label}")
            return redirect("risk_management:plan-disclosure", pk=plan.pk)
    context = {"form": form, "plan": plan, "nominal": nominal, "person": person, "existing": existing}
    return render(request, "risk_management/plans/plan_consider.html", context)


# --- approval -------------------------------------------------------------------------------------


@_FORM_METHODS
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    plan = access_plan(request.user, pk)
    if not has_permission(request.user, Permission.PLAN_APPROVE):
        raise PermissionDenied("Only a meeting chair of a Responsible Authority agency can approve a plan")
    nominal = open_nominal(request, plan.nominal_id)
    if (done := _not_draft(request, plan)) is not None:
        return done
    user = _user(request)
    choices = selectors.approval_minutes_choices(plan=plan, fetched_by=user)
    form = ApproveForm(
        choices, data=_posted(request), initial={"version": plan.version}, allow_none=nominal.level == 1
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_approve(
                plan=plan,
                version=form.cleaned_data["version"],
                minutes=form.chosen_minutes(),
                note=form.cleaned_data["note"],
                by=user,
            )
        except services.PlanNotReady as refused:
            for blocker in refused.blockers:
                form.add_error(None, blocker)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Version {plan.number} of the plan approved: it is now the plan in force"
            )
            return redirect("risk_management:plan-detail", pk=plan.pk)
    # Every choice offered is one this user may approve with, so the first one shows exactly what
    # else is missing; a level 1 plan is previewed as approved outside a meeting.
    preview = next(iter(form.choices.values()), None) if nominal.level >= 2 else None
    context = {
        "form": form,
        "plan": plan,
        "nominal": nominal,
        "blockers": selectors.approval_blockers(plan, preview, user),
        "warnings": selectors.plan_warnings(plan),
        "has_choices": bool(form.choices) or nominal.level == 1,
        "no_minutes": NO_MINUTES,
        "can_approve": can_approve_plan(user, plan),
    }
    return render(request, "risk_management/plans/plan_approve.html", context)
