"""Access requests and onward-sharing requests: asking an owner, and the owner's answer.

Existence without content (DESIGN.md §5): a user who can see that another agency holds items on
a case asks that agency for them; the owner shares (through the share wizard, which answers the
request) or declines, and both are recorded with reasons. A recipient asks the owner before
passing items on beyond its share's terms. Who may see a request is the selectors' question
(the agency that asked and the agency asked, nobody else); who may act on it is checked here as
a courtesy and again in the services.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mappa.agencies.models import Agency
from mappa.agencies.selectors import agency_list
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing import access, selectors, services
from mappa.information_sharing.models import (
    AccessRequest,
    OnwardShareRequest,
    OnwardTerms,
    RequestStatus,
    Share,
)
from mappa.information_sharing.request_forms import (
    AccessRequestForm,
    ConfirmForm,
    DecisionReasonForm,
    OnwardRequestForm,
)
from mappa.nominals.models import Nominal
from mappa.nominals.opening import open_nominal
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])
# Each section of the requests page shows at most this many, latest first.
LIST_LIMIT = 50


def _agency_id(request: HttpRequest) -> int | None:
    membership = acting_membership(request.user)
    return membership.agency_id if membership is not None else None


def _require(request: HttpRequest, permission: Permission) -> None:
    if not has_permission(request.user, permission):
        raise PermissionDenied("You do not have permission to do this")


def _case(request: HttpRequest, nominal_id: int | None) -> Nominal | None:
    """The request's case, opened (and the consultation recorded) to show who it is about.

    None when the user can no longer see the case (say, it moved to another area): the request
    is still theirs to read, without the case. A user who must give a reason is asked for one,
    as on every page about the case.
    """
    if nominal_id is None:
        return None
    try:
        return open_nominal(request, nominal_id)
    except Http404:
        return None


# --- the requests page ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """One access or onward-sharing request in a list on the requests page."""

    reference: str
    kind: str
    url: str
    nominal_id: int | None
    other_agency: Agency
    requested_at: datetime
    status: str
    status_label: str
    decided_at: datetime | None


def _access_row(r: AccessRequest, agency_id: int | None) -> RequestRow:
    return RequestRow(
        reference=r.reference,
        kind="Access",
        url=reverse("information_sharing:access-request-detail", args=[r.pk]),
        nominal_id=r.nominal_id,
        other_agency=r.requesting_agency if r.owner_agency_id == agency_id else r.owner_agency,
        requested_at=r.created_at,
        status=r.status,
        status_label=r.get_status_display(),
        decided_at=r.decided_at,
    )


def _onward_row(r: OnwardShareRequest, agency_id: int | None) -> RequestRow:
    return RequestRow(
        reference=r.reference,
        kind="Onward sharing",
        url=reverse("information_sharing:onward-request-detail", args=[r.pk]),
        nominal_id=r.source_share.nominal_id,
        other_agency=r.requesting_agency if r.owner_agency_id == agency_id else r.owner_agency,
        requested_at=r.created_at,
        status=r.status,
        status_label=r.get_status_display(),
        decided_at=r.decided_at,
    )


def _rows(
    access_requests: Any, onward_requests: Any, agency_id: int | None, *, order: str
) -> list[RequestRow]:
    """Both kinds of request in one list, at most LIST_LIMIT: `order` is "oldest" (by when asked),
    "latest" (by when asked) or "decided" (latest decision first)."""
    rows = [_access_row(r, agency_id) for r in access_requests[:LIST_LIMIT]]
    rows += [_onward_row(r, agency_id) for r in onward_requests[:LIST_LIMIT]]
    if order == "decided":
        rows.sort(key=lambda row: row.decided_at or row.requested_at, reverse=True)
    else:
        rows.sort(key=lambda row: row.requested_at, reverse=order == "latest")
    return rows[:LIST_LIMIT]


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    if not (
        has_permission(request.user, Permission.SHARE_REQUEST)
        or has_permission(request.user, Permission.SHARE_CREATE)
    ):
        raise PermissionDenied("You do not have permission to see requests")
    agency_id = _agency_id(request)
    access_requests = selectors.access_request_list(fetched_by=request.user)
    onward_requests = selectors.onward_request_list(fetched_by=request.user).prefetch_related(None)
    to_us = {"owner_agency_id": agency_id}
    decided = {"status__in": [RequestStatus.GRANTED, RequestStatus.REFUSED]}
    context = {
        # The oldest first: the request that has waited longest is the one to decide next.
        "waiting": _rows(
            access_requests.filter(status=RequestStatus.PENDING, **to_us).order_by("created_at", "id"),
            onward_requests.filter(status=RequestStatus.PENDING, **to_us).order_by("created_at", "id"),
            agency_id,
            order="oldest",
        ),
        "decided": _rows(
            access_requests.filter(**to_us, **decided).order_by("-decided_at", "-id"),
            onward_requests.filter(**to_us, **decided).order_by("-decided_at", "-id"),
            agency_id,
            order="decided",
        ),
        "made": _rows(
            access_requests.filter(requesting_agency_id=agency_id),
            onward_requests.filter(requesting_agency_id=agency_id),
            agency_id,
            order="latest",
        ),
        "can_decide": has_permission(request.user, Permission.SHARE_CREATE),
        "limit": LIST_LIMIT,
    }
    return render(request, "information_sharing/request_list.html", context)


# --- access requests --------------------------------------------------------------------------


@_FORM_METHODS
def access_request_create(request: HttpRequest, nominal_pk: int, agency_pk: int) -> HttpResponse:
    _require(request, Permission.SHARE_REQUEST)
    nominal = open_nominal(request, nominal_pk)
    # Only an agency the user can see holds items they cannot read: anything else is not found,
    # so the page reveals no more than the case's own overview does.
    holdings = selectors.nominal_holdings(nominal=nominal, fetched_by=request.user)
    holding = next((h for h in holdings if h.agency.pk == agency_pk), None)
    if holding is None:
        raise Http404("No such holding")
    owner = holding.agency
    form = AccessRequestForm(owner, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(
                nominal=nominal,
                owner_agency=owner,
                reason=form.cleaned_data["reason"],
                purpose=form.cleaned_data["purpose"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Access requested. {owner.name} will decide whether to share")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "holding": holding, "owner": owner}
    return render(request, "information_sharing/access_request_create.html", context)


def _can_decide(request: HttpRequest, r: AccessRequest | OnwardShareRequest) -> bool:
    return has_permission(request.user, Permission.SHARE_CREATE) and r.owner_agency_id == _agency_id(request)


@require_GET
def access_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access.access_access_request(request.user, pk)
    agency_id = _agency_id(request)
    is_owner = access_request.owner_agency_id == agency_id
    pending = access_request.is_pending
    context = {
        "access_request": access_request,
        "nominal": _case(request, access_request.nominal_id),
        "is_owner": is_owner,
        "can_decide": pending and _can_decide(request, access_request),
        "can_withdraw": pending
        and not is_owner
        and access_request.requesting_agency_id == agency_id
        and has_permission(request.user, Permission.SHARE_REQUEST),
    }
    return render(request, "information_sharing/access_request_detail.html", context)


@_FORM_METHODS
def access_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access.access_access_request(request.user, pk)
    if not _can_decide(request, access_request):
        raise PermissionDenied("Only the agency that owns the information can decline this request")
    if not access_request.is_pending:
        messages.info(request, "This request has already been decided")
        return redirect("information_sharing:access-request-detail", pk=access_request.pk)
    form = DecisionReasonForm(access_request.requesting_agency, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_decline(
                request=access_request, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Request declined. {access_request.requesting_agency.name} can see your reason"
            )
            return redirect("information_sharing:access-request-detail", pk=access_request.pk)
    context = {"form": form, "access_request": access_request}
    return render(request, "information_sharing/access_request_decline.html", context)


@_FORM_METHODS
def access_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access.access_access_request(request.user, pk)
    _require(request, Permission.SHARE_REQUEST)
    if access_request.requesting_agency_id != _agency_id(request):
        raise PermissionDenied("Only the agency that asked can withdraw this request")
    if not access_request.is_pending:
        messages.info(request, "This request has already been decided")
        return redirect("information_sharing:access-request-detail", pk=access_request.pk)
    form = ConfirmForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_withdraw(request=access_request, by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Request withdrawn")
            return redirect("information_sharing:access-request-detail", pk=access_request.pk)
    context = {"form": form, "access_request": access_request}
    return render(request, "information_sharing/access_request_withdraw.html", context)


# --- onward-sharing requests ------------------------------------------------------------------


def _terms_explained(share: Share) -> str:
    if share.onward_terms == OnwardTerms.NAMED_AGENCIES:
        names = ", ".join(agency.name for agency in share.onward_agencies.order_by("name"))
        return (
            f"The share lets you pass these items on to {names} only. To pass them to any other "
            "agency, ask the agency that owns them."
        )
    if share.onward_terms == OnwardTerms.WITHIN_RECIPIENT:
        return (
            "The share lets you record and use these items within your agency, but not pass them on: "
            "ask the agency that owns them."
        )
    return "The share does not let you pass these items on: ask the agency that owns them."


def _target_agencies(request: HttpRequest, share: Share, exclude: set[int]) -> list[Agency]:
    """Active agencies of the case's area that do not already hold the items: the service
    refuses the rest (the owner, the asking agency), so they are not offered."""
    agencies = agency_list(fetched_by=request.user).filter(is_active=True)
    if share.nominal is not None:
        agencies = agencies.filter(areas=share.nominal.area_id)
    return list(agencies.exclude(pk__in=exclude).distinct().order_by("name"))


@_FORM_METHODS
def onward_request_create(request: HttpRequest, share_pk: int) -> HttpResponse:
    _require(request, Permission.SHARE_REQUEST)
    share = access.access_share(request.user, share_pk)
    agency_id = _agency_id(request)
    if share.recipient_agency_id != agency_id or not share.is_active:
        raise PermissionDenied("You can ask to pass on only what an active share gave your agency")
    # Only what the user can still read, and only active items: superseded and erased ones
    # cannot be shared again (the share wizard refuses them).
    views = [v for v in selectors.share_items(share=share, fetched_by=request.user) if v.item.is_active]
    items = {v.item.pk: v.item for v in views}
    owners = {item.owner_agency_id for item in items.values()}
    choices = [(item.pk, f"{item.summary} ({item.owner_agency.name})") for item in items.values()]
    agencies = _target_agencies(request, share, {agency_id or 0, share.sharing_agency_id, *owners})
    form = OnwardRequestForm(choices, agencies, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        target = next(a for a in agencies if a.pk == form.cleaned_data["target_agency"])
        try:
            onward = services.onward_request_create(
                source_share=share,
                items=[items[pk] for pk in form.cleaned_data["items"]],
                target_agency=target,
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Request sent to {onward.owner_agency.name}")
            return redirect("information_sharing:onward-request-detail", pk=onward.pk)
    context = {"form": form, "share": share, "terms": _terms_explained(share), "has_items": bool(items)}
    return render(request, "information_sharing/onward_request_create.html", context)


@require_GET
def onward_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    onward = access.access_onward_request(request.user, pk)
    is_owner = onward.owner_agency_id == _agency_id(request)
    requested = [item.pk for item in onward.items.all()]
    # The items as the user may read them now: a revoked share leaves the requester with none.
    readable = list(selectors.item_list(fetched_by=request.user).filter(pk__in=requested).order_by("pk"))
    nominal_id = onward.source_share.nominal_id
    context = {
        "onward": onward,
        "nominal": _case(request, nominal_id),
        "is_owner": is_owner,
        "items": readable,
        "unreadable_count": len(requested) - len(readable),
        "can_decide": onward.is_pending and _can_decide(request, onward),
        # The share wizard is about a nominal; a share about another person has none to start from.
        "can_grant": nominal_id is not None,
    }
    return render(request, "information_sharing/onward_request_detail.html", context)


@_FORM_METHODS
def onward_request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    onward = access.access_onward_request(request.user, pk)
    if not _can_decide(request, onward):
        raise PermissionDenied("Only the agency that owns the information can refuse this request")
    if not onward.is_pending:
        messages.info(request, "This request has already been decided")
        return redirect("information_sharing:onward-request-detail", pk=onward.pk)
    form = DecisionReasonForm(onward.requesting_agency, data=_posted(request), verb="refusing")
    if request.method == "POST" and form.is_valid():
        try:
            services.onward_request_refuse(
                request=onward, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Request refused. {onward.requesting_agency.name} can see your reason")
            return redirect("information_sharing:onward-request-detail", pk=onward.pk)
    context = {"form": form, "onward": onward}
    return render(request, "information_sharing/onward_request_refuse.html", context)
