"""Pages of the nominal register: the area register, a case overview, and the changes.

Every page about one nominal goes through access_nominal (via opening.open_nominal), which gives
the same 404 for missing and not allowed and records the consultation; the reason page, which a
user without a legitimate relationship to the case sees first, is the one exception. Writes go
through one service each; change links are shown only to those allowed, as a courtesy (the
services check again).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.panels import panels_for
from mappa.nominals import access, forms, selectors, services
from mappa.nominals.models import ChangedField, Nominal, TransferStatus
from mappa.nominals.opening import open_nominal, remember_reason
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

PAGE_SIZE = 50
_FORM_METHODS = require_http_methods(["GET", "POST"])
_CHANGES = {
    "category": (ChangedField.CATEGORY, "category", "Change category"),
    "level": (ChangedField.LEVEL, "level", "Change level"),
    "lead-agency": (ChangedField.LEAD_AGENCY, "lead_agency", "Change lead agency"),
    "status": (ChangedField.STATUS, "status", "Change status"),
}


def _manageable(request: HttpRequest, pk: int) -> Nominal:
    # Refuse before opening: someone who may not change the case is not asked for a reason to
    # open a page they could not use (whoever may change it has a legitimate basis anyway).
    visible = selectors.nominal_list(fetched_by=request.user).filter(pk=pk).first()
    if visible is not None and not access.can_manage(request.user, visible):
        raise PermissionDenied("You cannot change this nominal")
    return open_nominal(request, pk)


@require_GET
def nominal_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.NOMINAL_VIEW):
        raise PermissionDenied("You do not have permission to see the nominal register")
    agencies = selectors.register_lead_agencies(fetched_by=request.user)
    form = forms.RegisterFilterForm(agencies, data=request.GET)
    page = None
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.filters()
        nominals = selectors.nominal_register(fetched_by=request.user, **filters)
        page = Paginator(nominals, PAGE_SIZE).get_page(request.GET.get("page"))
        services.register_consulted(
            by=_user(request), nominal_ids=[nominal.pk for nominal in page.object_list], filters=filters
        )
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "query": urlencode(filters),
        "can_create": has_permission(request.user, Permission.NOMINAL_MANAGE)
        and selectors.ra_areas(request.user).exists(),
        # Responsible Authority staff see their areas' whole register; others only their cases.
        "register_wide": selectors.ra_areas(request.user).exists(),
    }
    return render(request, "nominals/nominal_list.html", context)


@require_GET
def nominal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = open_nominal(request, pk)
    transfers = list(selectors.nominal_transfers(nominal=nominal, fetched_by=request.user))
    open_transfer = next((t for t in transfers if t.is_open), None)
    context = {
        "nominal": nominal,
        "person": nominal.person,
        "history": selectors.nominal_history(nominal=nominal, fetched_by=request.user),
        "transfers": transfers,
        "open_transfer": open_transfer,
        # Sections from the case-work apps (information items, ...): mappa/core/panels.py.
        "panels": panels_for("nominal", request, nominal),
        "can_manage": access.can_manage(request.user, nominal) and not nominal.is_exited,
        "can_transfer": access.can_request_transfer(request.user, nominal)
        and not nominal.is_exited
        and open_transfer is None,
        "can_accept": open_transfer is not None
        and open_transfer.status == TransferStatus.REQUESTED
        and access.can_accept_transfer(request.user, open_transfer),
        "can_make_effective": open_transfer is not None
        and open_transfer.status == TransferStatus.ACCEPTED
        and access.can_make_transfer_effective(request.user, open_transfer),
    }
    return render(request, "nominals/nominal_detail.html", context)


def _next_or_case(request: HttpRequest, nominal: Nominal) -> str:
    """Where to go once a reason is given: `next` if it is a path on this site, else the case."""
    following = request.POST.get("next") or request.GET.get("next") or ""
    if following.startswith("/") and url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return following
    return reverse("nominals:nominal-detail", args=[nominal.pk])


@_FORM_METHODS
def nominal_reason(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a user with no legitimate relationship to the case why they are opening it.

    Reached through ReasonRequiredMiddleware. The page shows only what the register already
    lists, so it consults nothing and records nothing; the consultation, carrying the reason, is
    recorded by the page the user goes on to. A nominal the user cannot see is the same 404 as
    everywhere else, so this page reveals no more than access_nominal does.
    """
    nominal = selectors.nominal_list(fetched_by=request.user).filter(pk=pk).first()
    if nominal is None:
        raise Http404("No such nominal")
    if access.legitimate_basis(request.user, nominal) is not None:
        return redirect(_next_or_case(request, nominal))
    form = forms.ReasonForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        remember_reason(request, nominal.pk, form.cleaned_data["reason"])
        return redirect(_next_or_case(request, nominal))
    # Only a checked destination goes back into the form.
    context = {"form": form, "nominal": nominal, "next": _next_or_case(request, nominal)}
    return render(request, "nominals/nominal_reason.html", context)


@_FORM_METHODS
def nominal_create(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.NOMINAL_MANAGE):
        raise PermissionDenied("You cannot record nominals")
    areas = selectors.ra_areas(request.user).order_by("name")
    if not areas.exists():
        raise PermissionDenied("You cannot record nominals")
    agencies = selectors.register_lead_agencies(fetched_by=request.user).filter(is_active=True)
    form = forms.NominalCreateForm(areas, agencies, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reference = data.pop("person_reference")
        persons = selectors.person_for_nominal(
            reference=reference, area=data["area"], fetched_by=request.user
        )
        if len(persons) != 1:
            form.add_error(
                "person_reference",
                "No person record of the area has that number or reference"
                if not persons
                else "More than one person record has that reference. Enter the record number instead",
            )
        else:
            try:
                nominal = services.nominal_create(person=persons[0], by=_user(request), **data)
            except ApplicationError as error:
                if error.field == "person":
                    error.field = "person_reference"
                _refused(form, error)
            else:
                messages.success(request, "Nominal recorded")
                return redirect("nominals:nominal-detail", pk=nominal.pk)
    return render(request, "nominals/nominal_create.html", {"form": form})


@_FORM_METHODS
def nominal_change(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if what not in _CHANGES:
        raise Http404("No such change")
    field, attribute, title = _CHANGES[what]
    nominal = _manageable(request, pk)
    agencies = selectors.lead_agency_choices(area=nominal.area) if field == ChangedField.LEAD_AGENCY else None
    form = forms.ChangeForm(field, agencies, data=_posted(request), initial={"version": nominal.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        value = data.pop("value")
        services_by_field: dict[str, Callable[..., Nominal]] = {
            ChangedField.CATEGORY: services.nominal_change_category,
            ChangedField.LEVEL: services.nominal_change_level,
            ChangedField.LEAD_AGENCY: services.nominal_change_lead_agency,
            ChangedField.STATUS: services.nominal_change_status,
        }
        service = services_by_field[field]
        try:
            service(nominal=nominal, by=_user(request), **{attribute: value}, **data)
        except ApplicationError as error:
            if error.field == attribute:
                error.field = "value"
            _refused(form, error)
        else:
            messages.success(request, f"{ChangedField(field).label} changed")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    return render(request, "nominals/nominal_form.html", {"form": form, "nominal": nominal, "title": title})


@_FORM_METHODS
def nominal_details(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = _manageable(request, pk)
    memberships = selectors.case_manager_choices(agency=nominal.lead_agency)
    initial = {
        field: getattr(nominal, field)
        for field in (
            "sentence_date",
            "release_date",
            "licence_end_date",
            "notification_end_date",
            "order_start_date",
            "order_end_date",
            "index_offence",
            "restrictive_orders",
            "cppc",
        )
    }
    initial.update(version=nominal.version, case_manager=nominal.case_manager_id)
    form = forms.NominalDetailsForm(memberships, data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        manager_id = data.pop("case_manager")
        manager = next((m.user for m in memberships if m.user_id == manager_id), None)
        try:
            services.nominal_update_details(nominal=nominal, case_manager=manager, by=_user(request), **data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Details saved")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "title": "Change case details"}
    return render(request, "nominals/nominal_form.html", context)


@_FORM_METHODS
def nominal_exit(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = _manageable(request, pk)
    form = forms.ExitForm(data=_posted(request), initial={"version": nominal.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_exit(nominal=nominal, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Exit from MAPPA recorded")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "title": "Record exit from MAPPA"}
    return render(request, "nominals/nominal_form.html", context)


@_FORM_METHODS
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    nominal = open_nominal(request, pk)
    if not access.can_request_transfer(request.user, nominal):
        raise PermissionDenied("You cannot transfer this nominal")
    areas = selectors.other_areas(nominal=nominal)
    form = forms.TransferRequestForm(areas, data=_posted(request), initial={"version": nominal.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_transfer_request(nominal=nominal, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Transfer requested. The receiving area will acknowledge it")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "title": "Transfer to another area"}
    return render(request, "nominals/nominal_form.html", context)


@_FORM_METHODS
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.access_transfer(request.user, pk)
    nominal = open_nominal(request, transfer.nominal_id)
    if not access.can_accept_transfer(request.user, transfer):
        raise PermissionDenied("Only a co-ordinator of the receiving area can acknowledge this transfer")
    form = forms.TransferAcceptForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_transfer_accept(transfer=transfer, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Transfer acknowledged")
            return redirect("nominals:nominal-detail", pk=nominal.pk)
    context = {"form": form, "nominal": nominal, "transfer": transfer, "title": "Acknowledge the transfer"}
    return render(request, "nominals/nominal_form.html", context)


@_FORM_METHODS
def transfer_effective(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access.access_transfer(request.user, pk)
    nominal = open_nominal(request, transfer.nominal_id)
    if not access.can_make_transfer_effective(request.user, transfer):
        raise PermissionDenied("You cannot complete this transfer")
    agencies = selectors.lead_agency_choices(area=transfer.to_area)
    form = forms.TransferEffectiveForm(agencies, nominal.lead_agency, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_transfer_make_effective(
                transfer=transfer, by=_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Transfer completed")
            if selectors.nominal_list(fetched_by=request.user).filter(pk=nominal.pk).exists():
                return redirect("nominals:nominal-detail", pk=nominal.pk)
            return redirect("nominals:nominal-list")
    context = {
        "form": form,
        "nominal": nominal,
        "transfer": transfer,
        "title": "Record the transfer taking effect",
    }
    return render(request, "nominals/nominal_form.html", context)
