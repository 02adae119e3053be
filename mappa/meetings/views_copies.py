"""The copy pages: the copy register, downloading and printing a watermarked copy, the chair's
named recipients, and asking for and deciding the chair's permission.

None of these pages shows the content of the minutes, only references, staff and agencies, so
they open the minutes without recording a consultation (`record=False`); every copy issued is
recorded as a disclosure by its service instead. Who may act is checked here so a page offers
only what will succeed, and again in the services.
"""

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors_copies as selectors
from mappa.meetings import services_copies as services
from mappa.meetings.access import access_minutes
from mappa.meetings.access_copies import access_copy_register, access_copy_request
from mappa.meetings.forms_copies import CopyRequestForm, DecisionForm, RecipientForm
from mappa.meetings.models import (
    CopyKind,
    CopyRequest,
    CopyRequestKind,
    CopyRequestStatus,
    Minutes,
)
from mappa.meetings.selectors import minutes_list
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])
# Each list on the permissions page shows at most this many, latest first.
LIST_LIMIT = 50


def _pdf(content: bytes, *, filename: str, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    # The file name carries references only, never a name: it ends up in download folders.
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # NoStoreMiddleware sets this for every signed-in page; a numbered copy must never be served
    # again from a cache, so it is said here too.
    response["Cache-Control"] = "no-store"
    return response


def _cannot_copy(
    request: HttpRequest, error: ApplicationError, back_url: str, back_label: str
) -> HttpResponse:
    """A copy refused by a rule of the minutes' state (corrected, not approved, no summary): 409,
    the request conflicts with the minutes as they are now."""
    context = {"message": error.message, "back_url": back_url, "back_label": back_label}
    return render(request, "meetings/copies_refused.html", context, status=409)


def _minutes_url(minutes: Minutes) -> str:
    return reverse("meetings:minutes-detail", args=[minutes.pk])


# --- the copy register and copies --------------------------------------------------------------


@require_GET
def minutes_copies(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = access_copy_register(request.user, pk)
    context = {
        "minutes": minutes,
        "meeting": minutes.agenda_item.meeting,
        "copies": selectors.copy_register(minutes=minutes, fetched_by=request.user),
        "recipients": selectors.recipient_list(minutes=minutes, fetched_by=request.user),
        "actions": selectors.copy_actions(minutes=minutes, user=request.user),
        # A co-ordinator keeps the register without reading the minutes: back to the meeting.
        "can_read": minutes_list(fetched_by=request.user).filter(pk=minutes.pk).exists(),
    }
    return render(request, "meetings/copies_register.html", context)


def _issue(request: HttpRequest, pk: int, kind: CopyKind) -> HttpResponse:
    minutes = access_minutes(request.user, pk, record=False)
    try:
        copy, content = services.copy_issue(minutes=minutes, kind=kind, by=_user(request))
    except ApplicationError as error:
        return _cannot_copy(request, error, _minutes_url(minutes), "Back to the minutes")
    filename = f"{minutes.reference}-copy-{copy.copy_number}.pdf"
    return _pdf(content, filename=filename, inline=kind == CopyKind.PRINT)


@require_POST
def minutes_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue(request, pk, CopyKind.DOWNLOAD)


@require_POST
def minutes_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The same numbered PDF, shown in the browser to print from, and registered as printed."""
    return _issue(request, pk, CopyKind.PRINT)


# --- the chair's named recipients -----------------------------------------------------------


@_FORM_METHODS
def minutes_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = access_minutes(request.user, pk, record=False)
    actions = selectors.copy_actions(minutes=minutes, user=request.user)
    if not actions.is_chair:
        raise PermissionDenied("Only the chair of the meeting decides who receives its minutes")
    area = minutes.agenda_item.meeting.area
    form = RecipientForm(selectors.area_users(area=area), data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recipient = services.recipient_add(
                minutes=minutes,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"{recipient.user.get_full_name() or recipient.user.username} now receives the minutes",
            )
            return redirect("meetings:minutes-recipients", pk=minutes.pk)
    context = {
        "minutes": minutes,
        "meeting": minutes.agenda_item.meeting,
        "form": form,
        "recipients": selectors.recipient_list(minutes=minutes, fetched_by=request.user),
        "actions": actions,
    }
    return render(request, "meetings/copies_recipients.html", context)


# --- the chair's permission ----------------------------------------------------------------------


@_FORM_METHODS
def copy_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = access_minutes(request.user, pk, record=False)
    area = minutes.agenda_item.meeting.area
    users = selectors.area_users(area=area).exclude(pk=_user(request).pk)
    form = CopyRequestForm(users, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy_request = services.copy_request_create(
                minutes=minutes,
                kind=data["kind"],
                recipient_user=data["recipient_user"],
                recipient_name=data["recipient_name"],
                recipient_organisation=data["recipient_organisation"],
                reason=data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Request {copy_request.reference} sent to the chair")
            return redirect("meetings:copy-request-detail", pk=copy_request.pk)
    context = {"minutes": minutes, "meeting": minutes.agenda_item.meeting, "form": form}
    return render(request, "meetings/copies_request_create.html", context)


@require_GET
def copy_request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    requests = selectors.copy_request_list(fetched_by=user)
    chaired = requests.filter(minutes__agenda_item__meeting__chair_id=user.pk)
    context = {
        # The oldest first: the request that has waited longest is the one to decide next.
        "waiting": list(
            chaired.filter(status=CopyRequestStatus.PENDING).order_by("created_at", "id")[:LIST_LIMIT]
        ),
        "decided": list(
            chaired.exclude(status=CopyRequestStatus.PENDING).order_by("-decided_at", "-id")[:LIST_LIMIT]
        ),
        "made": list(requests.filter(requested_by_id=user.pk)[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
    }
    return render(request, "meetings/copies_request_list.html", context)


def _detail(request: HttpRequest, copy_request: CopyRequest, form: DecisionForm | None) -> HttpResponse:
    pending = copy_request.status == CopyRequestStatus.PENDING
    can_decide = pending and selectors.can_decide(copy_request=copy_request, user=request.user)
    context = {
        "copy_request": copy_request,
        "minutes": copy_request.minutes,
        "meeting": copy_request.minutes.agenda_item.meeting,
        "can_decide": can_decide,
        "form": form if form is not None else (DecisionForm() if can_decide else None),
        "can_issue_summary": copy_request.kind == CopyRequestKind.DISCLOSE
        and copy_request.status == CopyRequestStatus.GRANTED
        and copy_request.requested_by_id == request.user.pk,
        "issued": copy_request.copies.order_by("copy_number"),
    }
    return render(request, "meetings/copies_request_detail.html", context)


@_FORM_METHODS
def copy_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, and for the chair while it waits, the decision form, which posts back here
    (also named copy-request-decide)."""
    copy_request = access_copy_request(request.user, pk)
    if request.method != "POST":
        return _detail(request, copy_request, None)
    if not selectors.can_decide(copy_request=copy_request, user=request.user):
        raise PermissionDenied("Only the chair of the meeting decides requests to copy its minutes")
    form = DecisionForm(data=request.POST)
    if form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            services.copy_request_decide(
                request=copy_request, grant=grant, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Request {copy_request.reference} {'granted' if grant else 'refused'}")
            return redirect("meetings:copy-request-detail", pk=copy_request.pk)
    return _detail(request, copy_request, form)


@require_POST
def executive_summary_download(request: HttpRequest, pk: int) -> HttpResponse:
    copy_request = access_copy_request(request.user, pk)
    try:
        copy, content = services.executive_summary_issue(request=copy_request, by=_user(request))
    except ApplicationError as error:
        back = reverse("meetings:copy-request-detail", args=[copy_request.pk])
        return _cannot_copy(request, error, back, "Back to the request")
    filename = f"{copy_request.minutes.reference}-summary-copy-{copy.copy_number}.pdf"
    return _pdf(content, filename=filename, inline=False)
