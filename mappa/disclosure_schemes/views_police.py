"""The police side of the disclosure schemes: the scheme officers' queue (their dashboard), one
application with its stages, and the pages that move it on: triage, not proceeding, identity
verification, the safeguarding plan, the next stage, and opening a right to know application.

Every page about one application opens it through access_application: one 404 for missing or
hidden, and the consultation recorded before anything is shown. A POST from someone who may
not work the application is refused before it is opened, so a refusal records no consultation.
Who may act is checked here so a page offers only what will succeed, and again in the services.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes import selectors
from mappa.disclosure_schemes import services_applications as services
from mappa.disclosure_schemes.access import access_application, can_manage
from mappa.disclosure_schemes.forms_police import (
    NO,
    YES,
    AdvanceForm,
    NotProceedingForm,
    QueueFilterForm,
    RightToKnowForm,
    SafeguardingForm,
    TriageForm,
    VerifyForm,
    stage_choices,
)
from mappa.disclosure_schemes.models import Application, ApplicationStatus, StageRecord
from mappa.disclosure_schemes.schemes import ROUTES, SCHEME_CHOICES, current, editions
from mappa.nominals.selectors import acting_agency
from mappa.web.forms import GovukForm
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])
_OUTCOME_PARTIAL = "disclosure_schemes/outcome/_sections.html"


def _opened(request: HttpRequest, pk: int) -> Application:
    """The application, consultation recorded; a POST from a non-manager refused first."""
    if request.method == "POST":
        hidden = access_application(request.user, pk, record=False)
        if not can_manage(request.user, hidden):
            raise PermissionDenied(services.NOT_MANAGER_MESSAGE)
    return access_application(request.user, pk)


def _detail(application: Application) -> str:
    return reverse("disclosure_schemes:application-detail", args=[application.pk])


def _require_view(request: HttpRequest) -> None:
    if not has_permission(request.user, Permission.SCHEME_APPLICATION_VIEW):
        raise PermissionDenied("Only disclosure scheme officers can see disclosure scheme applications")


# --- the queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    application: Application
    scheme_label: str
    route_label: str
    stage_label: str
    due_at: datetime
    due_has_time: bool  # a target in hours (the 24-hour first stage) shows the time too
    overdue: bool
    needs_plan: bool


def _row(application: Application, now: datetime) -> QueueRow:
    stage = services.current_stage(application)
    return QueueRow(
        application=application,
        scheme_label=services.scheme_edition(application).short_name,
        route_label=ROUTES.get(application.route, application.route),
        stage_label=stage.label,
        due_at=services.stage_due(application),
        due_has_time=stage.target.days < 2,
        overdue=services.is_overdue(application, now=now),
        needs_plan=services.needs_safeguarding_plan(application, now=now),
    )


@require_GET
def application_queue(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = QueueFilterForm(data=request.GET or None)
    scheme = stage = None
    if form.is_bound and form.is_valid():
        scheme = form.cleaned_data["scheme"] or None
        stage = form.cleaned_data["stage"] or None
    now = timezone.now()
    rows = [
        _row(a, now) for a in selectors.queue(fetched_by=request.user, scheme=scheme, stage=stage, now=now)
    ]
    counts = selectors.queue_counts(fetched_by=request.user, now=now)
    labels = dict(stage_choices())
    by_stage = [
        {
            "scheme": current(code).short_name,
            "stage": labels.get(stage_code, stage_code),
            "count": counts["by_stage"].get((code, stage_code), 0),
        }
        for code, _ in SCHEME_CHOICES
        for stage_code in [s.code for s in current(code).stages]
        if counts["by_stage"].get((code, stage_code), 0)
    ]
    context = {
        "form": form,
        "overdue_rows": [row for row in rows if row.overdue],
        "urgent_rows": [row for row in rows if row.application.immediate_risk and not row.overdue],
        "other_rows": [row for row in rows if not row.overdue and not row.application.immediate_risk],
        "counts": counts,
        "by_stage": by_stage,
        "filtered": bool(scheme or stage),
        "can_open_right_to_know": _can_open_right_to_know(request),
    }
    return render(request, "disclosure_schemes/police/queue.html", context)


def _can_open_right_to_know(request: HttpRequest) -> bool:
    agency = acting_agency(request.user)
    return (
        agency is not None
        and agency.kind == "police"
        and has_permission(request.user, Permission.SCHEME_APPLICATION_MANAGE)
    )


# --- one application ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    label: str
    record: StageRecord
    due_has_time: bool
    overdue: bool


def _outcome_sections(request: HttpRequest, application: Application) -> dict[str, Any] | None:
    """The checks, decision and outcome sections (views_outcome), if that part is installed."""
    try:
        from mappa.disclosure_schemes.views_outcome import outcome_context
    except ImportError:
        return None
    try:
        select_template([_OUTCOME_PARTIAL])
    except TemplateDoesNotExist:
        return None
    return outcome_context(request, application)


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk)
    scheme = services.scheme_edition(application)
    now = timezone.now()
    stage_rows = []
    for record in selectors.stage_records(application=application, fetched_by=request.user):
        try:
            stage = scheme.stage(record.stage)
            label, short = stage.label, stage.target.days < 2
        except KeyError:
            label, short = record.stage, False
        stage_rows.append(
            StageRow(
                label=label,
                record=record,
                due_has_time=short,
                overdue=(record.completed_at or now) > record.due_at,
            )
        )
    is_open = application.status == ApplicationStatus.OPEN
    manager = is_open and can_manage(request.user, application)
    outcome = _outcome_sections(request, application)
    context = {
        "application": application,
        "scheme": scheme,
        "route_label": ROUTES.get(application.route, application.route),
        "safe_ways": [services.SAFE_WAYS.get(way, way) for way in application.safe_contact_ways or []],
        "stage_rows": stage_rows,
        "current_stage": services.current_stage(application),
        "blockers": services.stage_blockers(application, now=now) if is_open else [],
        "overdue": services.is_overdue(application, now=now),
        "needs_plan": services.needs_safeguarding_plan(application, now=now),
        "end_to_end_due": services.end_to_end_due(application),
        "can_manage": manager,
        "can_stop": manager and application.stage == scheme.stages[0].code,
        "outcome_partial": _OUTCOME_PARTIAL if outcome is not None else None,
        **(outcome or {}),
    }
    return render(request, "disclosure_schemes/police/detail.html", context)


def _form_page(
    request: HttpRequest,
    application: Application,
    form: GovukForm,
    template: str,
    title: str,
    **extra: Any,
) -> HttpResponse:
    context = {
        "application": application,
        "form": form,
        "back_url": _detail(application),
        "page_title": title,
        **extra,
    }
    return render(request, f"disclosure_schemes/police/{template}", context)


def _initial(application: Application, **values: Any) -> dict[str, Any]:
    return {"version": application.version, **values}


@_FORM_METHODS
def application_triage(request: HttpRequest, pk: int) -> HttpResponse:
    application = _opened(request, pk)
    form = TriageForm(
        data=_posted(request),
        initial=_initial(
            application,
            immediate_risk=YES if application.immediate_risk else NO,
            immediate_risk_action=application.immediate_risk_action,
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.triage_record(
                application=application,
                version=data["version"],
                immediate_risk=data["immediate_risk"] == YES,
                immediate_risk_action=data["immediate_risk_action"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Triage recorded")
            return redirect(_detail(application))
    return _form_page(request, application, form, "triage.html", "Triage")


@_FORM_METHODS
def application_not_proceeding(request: HttpRequest, pk: int) -> HttpResponse:
    application = _opened(request, pk)
    form = NotProceedingForm(data=_posted(request), initial=_initial(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_not_proceeding(
                application=application,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Recorded as not proceeding under the scheme")
            return redirect(_detail(application))
    first = services.scheme_edition(application).stages[0]
    return _form_page(
        request,
        application,
        form,
        "not_proceeding.html",
        "Not proceeding under the scheme",
        allowed=application.status == ApplicationStatus.OPEN and application.stage == first.code,
    )


@_FORM_METHODS
def application_verify(request: HttpRequest, pk: int) -> HttpResponse:
    application = _opened(request, pk)
    needed = services.evidence_needed(application)
    form = VerifyForm(needed, data=_posted(request), initial=_initial(application))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.identity_verify(
                application=application,
                version=data["version"],
                evidence={kind: data.get(kind, "") for kind in needed},
                verified_on=form.verified_at(),
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Identity verification recorded")
            return redirect(_detail(application))
    return _form_page(request, application, form, "verify.html", "Verify the applicant's identity")


@_FORM_METHODS
def application_safeguarding(request: HttpRequest, pk: int) -> HttpResponse:
    application = _opened(request, pk)
    form = SafeguardingForm(
        data=_posted(request), initial=_initial(application, plan=application.safeguarding_plan)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_plan_record(
                application=application,
                version=form.cleaned_data["version"],
                plan=form.cleaned_data["plan"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Safeguarding plan recorded")
            return redirect(_detail(application))
    return _form_page(
        request,
        application,
        form,
        "safeguarding.html",
        "Safeguarding plan",
        overdue=services.is_overdue(application),
    )


@_FORM_METHODS
def application_advance(request: HttpRequest, pk: int) -> HttpResponse:
    application = _opened(request, pk)
    form = AdvanceForm(data=_posted(request), initial=_initial(application))
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.application_advance(
                application=application,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            if moved.status == ApplicationStatus.CLOSED:
                messages.success(request, f"Application {moved.reference} closed")
            else:
                messages.success(request, f"Moved to the next stage: {services.current_stage(moved).label}")
            return redirect(_detail(application))
    is_open = application.status == ApplicationStatus.OPEN
    following = services.scheme_edition(application).next_stage(application.stage) if is_open else None
    return _form_page(
        request,
        application,
        form,
        "advance.html",
        "Complete this stage",
        is_open=is_open,
        stage=services.current_stage(application),
        following=following,
        blockers=services.stage_blockers(application) if is_open else [],
    )


# --- right to know ------------------------------------------------------------------------------


@_FORM_METHODS
def application_right_to_know(request: HttpRequest) -> HttpResponse:
    if not _can_open_right_to_know(request):
        raise PermissionDenied(
            "Only a disclosure scheme officer of a police force can open a right to know application"
        )
    form = RightToKnowForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.right_to_know_open(by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Right to know application {application.reference} opened")
            return redirect(_detail(application))
    schemes_with_route = [e for e in editions().values() if e.current and "right_to_know" in e.routes]
    return render(
        request,
        "disclosure_schemes/police/right_to_know.html",
        {"form": form, "scheme": schemes_with_route[0] if schemes_with_route else None},
    )


__all__ = [
    "application_advance",
    "application_detail",
    "application_not_proceeding",
    "application_queue",
    "application_right_to_know",
    "application_safeguarding",
    "application_triage",
    "application_verify",
]
