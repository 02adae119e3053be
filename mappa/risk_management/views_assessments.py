"""The risk assessment and persons at risk pages of a nominal.

Every page shows case data, so each opens the nominal (`open_nominal`): the consultation is
recorded with the user's basis, and a user without one is asked for a reason first. Permission
checks that refuse come before the opening, so a refusal records no consultation. Who may act
is checked here so a page offers only what will succeed, and again in the services.

An assessment's RoSH levels are shown to everyone who can open the case; its factors and
scenarios only where access.sees_assessment_detail allows, and otherwise the page says which
agency holds them.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.opening import open_nominal
from mappa.risk_management import selectors
from mappa.risk_management import services_assessments as services
from mappa.risk_management.access import can_record_risk, can_view_risk, sees_assessment_detail
from mappa.risk_management.access_assessments import (
    access_assessment,
    access_person_at_risk,
    is_assessor,
)
from mappa.risk_management.forms_assessments import (
    AssessmentEditForm,
    AssessmentForm,
    PersonAtRiskEditForm,
    PersonAtRiskEndForm,
    PersonAtRiskForm,
)
from mappa.risk_management.models import ROSH_GROUPS, PersonAtRisk, RiskAssessment
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])
_ASSESSMENT_FIELDS = [
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


def _require_view(request: HttpRequest) -> None:
    if not can_view_risk(request.user):
        raise PermissionDenied("You do not have permission to see risk assessments or persons at risk")


def _require_record(request: HttpRequest) -> None:
    if not has_permission(request.user, Permission.RISK_RECORD):
        raise PermissionDenied("You do not have permission to record risk information")


@dataclass(frozen=True)
class AssessmentRow:
    assessment: RiskAssessment
    rosh: list[selectors.Rosh]
    highest: selectors.Rosh | None


def _row(assessment: RiskAssessment) -> AssessmentRow:
    return AssessmentRow(assessment, selectors.rosh_by_group(assessment), selectors.highest_rosh(assessment))


# --- risk assessments ---------------------------------------------------------------------------


@require_GET
def assessment_list(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_view(request)
    nominal = open_nominal(request, nominal_pk)
    rows = [_row(a) for a in selectors.assessment_list(nominal=nominal, fetched_by=request.user)]
    context = {"nominal": nominal, "rows": rows, "can_record": can_record_risk(request.user, nominal)}
    return render(request, "risk_management/assessments/assessment_list.html", context)


@_FORM_METHODS
def assessment_create(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_record(request)
    nominal = open_nominal(request, nominal_pk)
    form = AssessmentForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.risk_assessment_record(
                nominal=nominal, by=_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Risk assessment recorded")
            return redirect("risk_management:assessment-detail", pk=assessment.pk)
    context = {"form": form, "nominal": nominal, "can_record": can_record_risk(request.user, nominal)}
    return render(request, "risk_management/assessments/assessment_create.html", context)


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    assessment = access_assessment(request.user, pk)
    nominal = open_nominal(request, assessment.nominal_id)
    context = {
        "assessment": assessment,
        "nominal": nominal,
        "row": _row(assessment),
        "sees_detail": sees_assessment_detail(request.user, assessment),
        "can_correct": is_assessor(request.user, assessment) and not nominal.is_exited,
    }
    return render(request, "risk_management/assessments/assessment_detail.html", context)


@_FORM_METHODS
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    assessment = access_assessment(request.user, pk)
    if not is_assessor(request.user, assessment):
        raise PermissionDenied(
            f"Only {assessment.assessing_agency.name}, who made this assessment, can correct it"
        )
    nominal = open_nominal(request, assessment.nominal_id)
    initial = {field: getattr(assessment, field) for field in _ASSESSMENT_FIELDS}
    initial["version"] = assessment.version
    form = AssessmentEditForm(data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assessment_correct(assessment=assessment, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Risk assessment corrected")
            return redirect("risk_management:assessment-detail", pk=assessment.pk)
    context = {"form": form, "assessment": assessment, "nominal": nominal}
    return render(request, "risk_management/assessments/assessment_edit.html", context)


# --- persons at risk ----------------------------------------------------------------------------


@require_GET
def person_at_risk_list(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_view(request)
    nominal = open_nominal(request, nominal_pk)
    rows = list(selectors.person_at_risk_list(nominal=nominal, fetched_by=request.user))
    context = {
        "nominal": nominal,
        "rows": rows,
        "openable": selectors.visible_person_ids(persons_at_risk=rows, fetched_by=request.user),
        "can_record": can_record_risk(request.user, nominal),
    }
    return render(request, "risk_management/persons_at_risk/person_at_risk_list.html", context)


@_FORM_METHODS
def person_at_risk_create(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    _require_record(request)
    nominal = open_nominal(request, nominal_pk)
    form = PersonAtRiskForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("person")
        person = (
            selectors.linkable_person(record_number=number, fetched_by=request.user)
            if number is not None
            else None
        )
        if number is not None and person is None:
            # Missing or not theirs to see: the same words either way.
            form.add_error("person", services.PERSON_NOT_FOUND)
        else:
            try:
                services.person_at_risk_record(nominal=nominal, person=person, by=_user(request), **data)
            except ApplicationError as error:
                _refused(form, error)
            else:
                messages.success(request, "Person at risk recorded")
                return redirect("risk_management:person-at-risk-list", nominal_pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "can_record": can_record_risk(request.user, nominal)}
    return render(request, "risk_management/persons_at_risk/person_at_risk_create.html", context)


def _changeable(request: HttpRequest, pk: int) -> PersonAtRisk:
    _require_record(request)
    return access_person_at_risk(request.user, pk)


@_FORM_METHODS
def person_at_risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    par = _changeable(request, pk)
    nominal = open_nominal(request, par.nominal_id)
    initial = {
        "kind": par.kind,
        "description": par.description,
        "is_child": par.is_child,
        "address_confidential": par.address_confidential,
        "notes": par.notes,
        "version": par.version,
    }
    form = PersonAtRiskEditForm(data=_posted(request), initial=initial)
    changeable = par.is_active and can_record_risk(request.user, nominal)
    if request.method == "POST" and changeable and form.is_valid():
        try:
            services.person_at_risk_update(person_at_risk=par, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Person at risk changed")
            return redirect("risk_management:person-at-risk-list", nominal_pk=nominal.pk)
    context = {"form": form, "par": par, "nominal": nominal, "changeable": changeable}
    return render(request, "risk_management/persons_at_risk/person_at_risk_edit.html", context)


@_FORM_METHODS
def person_at_risk_end(request: HttpRequest, pk: int) -> HttpResponse:
    par = _changeable(request, pk)
    nominal = open_nominal(request, par.nominal_id)
    form = PersonAtRiskEndForm(data=_posted(request), initial={"version": par.version})
    changeable = par.is_active and can_record_risk(request.user, nominal)
    if request.method == "POST" and changeable and form.is_valid():
        try:
            services.person_at_risk_end(person_at_risk=par, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Recorded as no longer at risk")
            return redirect("risk_management:person-at-risk-list", nominal_pk=nominal.pk)
    context = {"form": form, "par": par, "nominal": nominal, "changeable": changeable}
    return render(request, "risk_management/persons_at_risk/person_at_risk_end.html", context)
