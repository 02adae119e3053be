"""Pages for the area's register of agencies and its information sharing agreements.

Every view reaches objects through the selectors and access functions, so a user only ever
sees and edits what lies in the areas their acting agency serves; the services check the same
again, along with the permission. Edit links are shown only to those allowed, as a courtesy.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mappa.agencies import services
from mappa.agencies.access import access_agency, access_agreement, access_area
from mappa.agencies.forms import (
    AgencyCreateForm,
    AgencyEditForm,
    AgreementAreaForm,
    AgreementEditForm,
    AgreementForm,
    AgreementStatusForm,
    AreaForm,
)
from mappa.agencies.models import MappaArea
from mappa.agencies.selectors import agency_list as select_agencies
from mappa.agencies.selectors import agreement_list as select_agreements
from mappa.agencies.selectors import agreement_party_choices
from mappa.agencies.selectors import area_list as select_areas
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.types import AnyUser
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _require(user: AnyUser, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise PermissionDenied("You do not have permission to do that")


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, 50).get_page(request.GET.get("page"))


# Areas


@require_GET
def area_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGENCY_VIEW)
    context = {
        "areas": select_areas(fetched_by=request.user),
        "can_manage": has_permission(request.user, Permission.AGENCY_MANAGE),
    }
    return render(request, "agencies/area_list.html", context)


@require_GET
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = access_area(request.user, pk)
    context = {
        "area": area,
        "agencies": select_agencies(fetched_by=request.user).filter(areas=area),
        "agreements": select_agreements(fetched_by=request.user).filter(area=area),
        "can_manage": has_permission(request.user, Permission.AGENCY_MANAGE),
    }
    return render(request, "agencies/area_detail.html", context)


@_FORM_METHODS
def area_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGENCY_MANAGE)
    form = AreaForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_create(by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{area.name} added")
            return redirect("agencies:area-detail", pk=area.pk)
    return render(request, "agencies/area_form.html", {"form": form, "area": None})


@_FORM_METHODS
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = access_area(request.user, pk)
    _require(request.user, Permission.AGENCY_MANAGE)
    form = AreaForm(data=_posted(request), initial={"name": area.name, "code": area.code})
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_update(area=area, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{area.name} updated")
            return redirect("agencies:area-detail", pk=area.pk)
    return render(request, "agencies/area_form.html", {"form": form, "area": area})


# Agencies


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGENCY_VIEW)
    context = {
        "page": _page(request, select_agencies(fetched_by=request.user)),
        "can_manage": has_permission(request.user, Permission.AGENCY_MANAGE),
    }
    return render(request, "agencies/agency_list.html", context)


@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access_agency(request.user, pk)
    context = {
        "agency": agency,
        "agreements": select_agreements(fetched_by=request.user).filter(parties=agency),
        "can_manage": has_permission(request.user, Permission.AGENCY_MANAGE),
    }
    return render(request, "agencies/agency_detail.html", context)


@_FORM_METHODS
def agency_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGENCY_MANAGE)
    form = AgencyCreateForm(select_areas(fetched_by=request.user), data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{agency.name} added")
            return redirect("agencies:agency-detail", pk=agency.pk)
    return render(request, "agencies/agency_form.html", {"form": form, "agency": None})


@_FORM_METHODS
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access_agency(request.user, pk)
    _require(request.user, Permission.AGENCY_MANAGE)
    areas = select_areas(fetched_by=request.user)
    initial = {
        "name": agency.name,
        "kind": agency.kind,
        "areas": [area.pk for area in agency.areas.all() if area in areas],
        "is_active": agency.is_active,
    }
    form = AgencyEditForm(areas, data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_update(agency=agency, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{agency.name} updated")
            return redirect("agencies:agency-detail", pk=agency.pk)
    return render(request, "agencies/agency_form.html", {"form": form, "agency": agency})


# Information sharing agreements


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGREEMENT_VIEW)
    context = {
        "page": _page(request, select_agreements(fetched_by=request.user)),
        "can_manage": has_permission(request.user, Permission.AGREEMENT_MANAGE),
    }
    return render(request, "agencies/agreement_list.html", context)


@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access_agreement(request.user, pk)
    context = {
        "agreement": agreement,
        **{field: agreement.labels(field) for field in agreement.LIST_FIELDS},
        "can_manage": has_permission(request.user, Permission.AGREEMENT_MANAGE),
        "can_change_status": bool(services.next_statuses(agreement.status)),
    }
    return render(request, "agencies/agreement_detail.html", context)


def _agreement_area(request: HttpRequest) -> tuple[MappaArea | None, AgreementAreaForm]:
    """The area a new agreement is for: the only one the user's agency serves, or their choice."""
    areas = select_areas(fetched_by=request.user)
    # A GET form sends no "area" when no radio is chosen: the page's hidden "step" field marks
    # that it was submitted, so "Continue" with nothing chosen shows the error, not the page again.
    submitted = "area" in request.GET or "step" in request.GET
    form = AgreementAreaForm(areas, data=request.GET if submitted else None)
    if len(areas) == 1:
        return areas[0], form
    if form.is_bound and form.is_valid():
        return form.cleaned_data["area"], form
    return None, form


@_FORM_METHODS
def agreement_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.AGREEMENT_MANAGE)
    area, area_form = _agreement_area(request)
    if area is None:
        # Parties must be agencies of the agreement's area, so the area comes first.
        return render(request, "agencies/agreement_area.html", {"form": area_form})
    parties = agreement_party_choices(area=area, fetched_by=request.user)
    form = AgreementForm(parties, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(area=area, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{agreement.title} added as a draft")
            return redirect("agencies:agreement-detail", pk=agreement.pk)
    return render(request, "agencies/agreement_form.html", {"form": form, "agreement": None, "area": area})


@_FORM_METHODS
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access_agreement(request.user, pk)
    _require(request.user, Permission.AGREEMENT_MANAGE)
    parties = agreement_party_choices(area=agreement.area, fetched_by=request.user, agreement=agreement)
    initial = {
        "title": agreement.title,
        "reference": agreement.reference,
        "parties": [party.pk for party in agreement.parties.all()],
        "purposes": agreement.purposes,
        "lawful_bases": agreement.lawful_bases,
        "data_categories": agreement.data_categories,
        "start_date": agreement.start_date,
        "review_date": agreement.review_date,
        "notes": agreement.notes,
        "version": agreement.version,
    }
    form = AgreementEditForm(parties, data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_update(agreement=agreement, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{agreement.title} updated")
            return redirect("agencies:agreement-detail", pk=agreement.pk)
    context = {"form": form, "agreement": agreement, "area": agreement.area}
    return render(request, "agencies/agreement_form.html", context)


@_FORM_METHODS
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access_agreement(request.user, pk)
    _require(request.user, Permission.AGREEMENT_MANAGE)
    allowed = services.next_statuses(agreement.status)
    form = AgreementStatusForm(allowed, data=_posted(request), initial={"version": agreement.version})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_set_status(
                agreement=agreement, by=_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{agreement.title} is now {agreement.get_status_display().lower()}")
            return redirect("agencies:agreement-detail", pk=agreement.pk)
    context = {"form": form, "agreement": agreement, "can_change": bool(allowed)}
    return render(request, "agencies/agreement_status.html", context)
