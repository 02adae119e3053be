"""The receiving side's pages: the list of requests, recording one, the request page and the pages
that move it on (identity, clarification, extension, withdrawal, finding the subject's records,
routing), and the reports.

Every page about one request opens it through access_request: one 404 for missing or hidden,
and the consultation recorded before anything is shown. Of the parts only their status is shown
here (selectors.part_statuses), never their content.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.subject_access import reports, selectors
from mappa.subject_access import services_requests as services
from mappa.subject_access import services_routing as routing
from mappa.subject_access.access import access_request
from mappa.subject_access.forms_requests import (
    YES,
    ClarificationAnsweredForm,
    ClarificationForm,
    ConfirmForm,
    ExtensionForm,
    IdentityForm,
    NothingHeldForm,
    RecordForm,
    RouteForm,
    SearchForm,
    WithdrawForm,
)
from mappa.subject_access.models import RequestStatus, SubjectAccessRequest
from mappa.web.forms import GovukForm
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _require_manage(request: HttpRequest) -> None:
    if not has_permission(request.user, Permission.SAR_MANAGE):
        raise PermissionDenied("Only subject access officers can see subject access requests")


def _opened(request: HttpRequest, pk: int) -> SubjectAccessRequest:
    _require_manage(request)
    return access_request(request.user, pk)


def _detail(sar: SubjectAccessRequest) -> str:
    return reverse("subject_access:request-detail", args=[sar.pk])


# --- list and record ----------------------------------------------------------------------------


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    rows = [(sar, selectors.deadline(sar)) for sar in selectors.request_list(fetched_by=request.user)]
    return render(request, "subject_access/requests/list.html", {"rows": rows})


@_FORM_METHODS
def request_record(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = RecordForm(data=_posted(request), initial={"requester_is_subject": YES})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sar = services.request_record(
                subject_name=data["subject_name"],
                subject_other_names=data["subject_other_names"],
                subject_date_of_birth=data["subject_date_of_birth"],
                subject_address=data["subject_address"],
                subject_postcode=data["subject_postcode"],
                requester_is_subject=data["requester_is_subject"] == YES,
                requester_name=data["requester_name"],
                requester_capacity=data["requester_capacity"],
                requester_authority=data["requester_authority"],
                response_address=data["response_address"],
                received_on=data["received_on"],
                scope=data["scope"],
                scope_from=data["scope_from"],
                scope_to=data["scope_to"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Request {sar.reference} recorded")
            return redirect(_detail(sar))
    return render(request, "subject_access/requests/record.html", {"form": form})


# --- the request page ---------------------------------------------------------------------------


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = _opened(request, pk)
    context = {
        "sar": sar,
        "deadline": selectors.deadline(sar),
        "pauses": list(sar.pauses.all()),
        "open_pause": next((p for p in sar.pauses.all() if p.answered_on is None), None),
        "records": selectors.subject_record_list(request=sar, fetched_by=request.user),
        "parts": selectors.part_statuses(request=sar, fetched_by=request.user),
        "can_manage": services.can_manage(request.user, sar),
        "active": sar.status not in (RequestStatus.CLOSED, RequestStatus.WITHDRAWN),
        "nothing_held": routing.nothing_held_possible(sar),
    }
    return render(request, "subject_access/requests/detail.html", context)


def _form_page(
    request: HttpRequest,
    pk: int,
    form_class: Callable[..., GovukForm],
    title: str,
    act: Callable[[SubjectAccessRequest, dict[str, Any]], object],
    done: str,
    *,
    intro: str = "",
    submit: str = "Save",
) -> HttpResponse:
    """The shared shape of the small forms: open, bind, one service, redirect or show errors."""
    sar = _opened(request, pk)
    form = form_class(data=_posted(request), initial={"version": sar.version})
    if request.method == "POST" and form.is_valid():
        try:
            act(sar, form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, done)
            return redirect(_detail(sar))
    context = {
        "sar": sar,
        "form": form,
        "page_title": title,
        "intro": intro,
        "submit": submit,
        "back_url": _detail(sar),
        "deadline": selectors.deadline(sar),
    }
    return render(request, "subject_access/requests/form_page.html", context)


@_FORM_METHODS
def request_identity(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        IdentityForm,
        "Verify the data subject's identity",
        lambda sar, data: services.identity_verify(
            request=sar,
            version=data["version"],
            verified_on=data["verified_on"],
            evidence=data["evidence"],
            by=_user(request),
        ),
        "Identity verified",
        intro="The deadline runs from the later of receipt and identity verification. "
        "Nothing is searched for until identity is verified.",
        submit="Record identity verified",
    )


@_FORM_METHODS
def request_clarification(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        ClarificationForm,
        "Ask for clarification",
        lambda sar, data: services.clarification_request(
            request=sar,
            version=data["version"],
            requested_on=data["requested_on"],
            what_was_asked=data["what_was_asked"],
            by=_user(request),
        ),
        "Clarification asked for: the deadline is paused",
        intro="The deadline is paused from the day you ask until the answer arrives.",
        submit="Record the request for clarification",
    )


@_FORM_METHODS
def request_clarification_answered(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        ClarificationAnsweredForm,
        "Clarification received",
        lambda sar, data: services.clarification_answered(
            request=sar, version=data["version"], answered_on=data["answered_on"], by=_user(request)
        ),
        "Clarification received: the deadline runs again",
        submit="Record the clarification received",
    )


@_FORM_METHODS
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        ExtensionForm,
        "Extend the deadline",
        lambda sar, data: services.extension_record(
            request=sar,
            version=data["version"],
            notice_on=data["notice_on"],
            months=data["months"],
            reason=data["reason"],
            by=_user(request),
        ),
        "Deadline extended",
        intro="An extension of up to two months needs a notice, with the reasons, sent to the requester "
        "on or before the first deadline. It can be made once.",
        submit="Record the extension",
    )


@_FORM_METHODS
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        WithdrawForm,
        "Withdraw the request",
        lambda sar, data: services.request_withdraw(
            request=sar, version=data["version"], reason=data["reason"], by=_user(request)
        ),
        "Request withdrawn",
        submit="Withdraw the request",
    )


@_FORM_METHODS
def request_nothing_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        NothingHeldForm,
        "Close: nothing held",
        lambda sar, data: routing.nothing_held(
            request=sar, version=data["version"], note=data["note"], by=_user(request)
        ),
        "Request closed: nothing held",
        intro="No agency holds any record about the data subject in scope, or the search found no "
        "record of them at all.",
        submit="Close the request",
    )


# --- finding the subject's records and routing --------------------------------------------------


def _require_manager(request: HttpRequest, sar: SubjectAccessRequest) -> None:
    if not services.can_manage(request.user, sar):
        raise PermissionDenied(services.NOT_MANAGER_MESSAGE)


@_FORM_METHODS
def request_search(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: search every person record (recorded with its purpose); POST: confirm the records."""
    sar = _opened(request, pk)
    _require_manager(request, sar)
    if request.method == "POST":
        posted_ids = [int(v) for v in request.POST.getlist("person_ids") if v.isdigit()]
        form = ConfirmForm([(i, str(i)) for i in posted_ids], data=request.POST)
        if form.is_valid():
            try:
                routing.subject_records_confirm(
                    request=sar,
                    version=form.cleaned_data["version"],
                    person_ids=form.cleaned_data["person_ids"],
                    note=form.cleaned_data["note"],
                    by=_user(request),
                )
            except ApplicationError as error:
                _refused(form, error)
            else:
                messages.success(request, "Records confirmed as the data subject's")
                return redirect(_detail(sar))
        search_form = SearchForm(data=None)
        # The candidates again, so the officer can correct the choice (a search, so recorded).
        results: list[routing.SearchResult] = (
            routing.subject_search(request=sar, by=_user(request))
            if sar.status == RequestStatus.FINDING
            else []
        )
    else:
        search_form = SearchForm(data=request.GET or None)
        typed: dict[str, str | None] = {}
        if search_form.is_bound and search_form.is_valid():
            typed = {k: v or None for k, v in search_form.cleaned_data.items()}
        results = []
        if sar.status == RequestStatus.FINDING:
            try:
                results = routing.subject_search(request=sar, by=_user(request), **typed)
            except ApplicationError as error:
                if search_form.is_bound:
                    _refused(search_form, error)
        form = ConfirmForm([], initial={"version": sar.version})
    context = {
        "sar": sar,
        "search_form": search_form,
        "form": form,
        "results": results,
        "records": selectors.subject_record_list(request=sar, fetched_by=request.user),
        "back_url": _detail(sar),
    }
    return render(request, "subject_access/requests/search.html", context)


@_FORM_METHODS
def request_route(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers (which agencies get a part, counts only), then route."""
    sar = _opened(request, pk)
    _require_manager(request, sar)
    form = RouteForm(data=_posted(request), initial={"version": sar.version})
    if request.method == "POST" and form.is_valid():
        try:
            parts = routing.route(request=sar, version=form.cleaned_data["version"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            if parts:
                messages.success(
                    request, f"Request sent to {len(parts)} agenc{'y' if len(parts) == 1 else 'ies'}"
                )
            else:
                messages.success(request, "Nothing is held about the data subject: close the request")
            return redirect(_detail(sar))
    plan = routing.routing_plan(sar) if sar.status == RequestStatus.FINDING else []
    context = {
        "sar": sar,
        "form": form,
        "plan": plan,
        "total": sum(p.count for p in plan),
        "records": selectors.subject_record_list(request=sar, fetched_by=request.user),
        "back_url": _detail(sar),
    }
    return render(request, "subject_access/requests/route.html", context)


# --- reports ------------------------------------------------------------------------------------


@require_GET
def request_report(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    return render(
        request, "subject_access/reports/report.html", {"report": reports.report(fetched_by=request.user)}
    )
