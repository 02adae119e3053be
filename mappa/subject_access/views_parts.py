"""The owning agency's pages: its parts to answer, a part, an item's decision, the bundle and
the answer; and the chair's consultation page. Thin: access or selector, form, one service."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.subject_access import selectors_parts as selectors
from mappa.subject_access import services_parts as services
from mappa.subject_access.access_parts import (
    access_bundle,
    access_consultation,
    access_part,
    access_part_item,
)
from mappa.subject_access.forms_parts import AnswerForm, ConsultationForm, DecisionForm
from mappa.subject_access.models import BundleStatus, ItemDecision, PartStatus, RequestPart, RequestStatus
from mappa.subject_access.selectors import Deadline
from mappa.web.page import posted, refuse, signed_in_user

_FORM_METHODS = require_http_methods(["GET", "POST"])
_TEMPLATE = "subject_access/parts/{}"


def _part_url(part: RequestPart) -> str:
    return reverse("subject_access:part-detail", args=[part.pk])


def _respond_only(request: HttpRequest) -> None:
    if not has_permission(request.user, Permission.SAR_RESPOND):
        raise PermissionDenied("Only subject access officers can see the parts their agency must answer")


def _is_open(part: RequestPart) -> bool:
    return part.status == PartStatus.OPEN and part.request.status == RequestStatus.ROUTED


@dataclass(frozen=True)
class Row:
    part: RequestPart
    deadline: Deadline


@require_GET
def part_list(request: HttpRequest) -> HttpResponse:
    _respond_only(request)
    rows = [Row(part, selectors.part_deadline(part)) for part in selectors.part_list(fetched_by=request.user)]
    return render(request, _TEMPLATE.format("part_list.html"), {"rows": rows})


@require_GET
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    part = access_part(request.user, pk)
    items = list(selectors.item_list(fetched_by=request.user, part=part))
    bundle = services.latest_bundle(part)
    decided = sum(1 for item in items if item.decision != ItemDecision.PENDING)
    context = {
        "part": part,
        "items": items,
        "decided": decided,
        "deadline": selectors.part_deadline(part),
        "bundle": bundle,
        "bundle_current": services.bundle_is_current(part, bundle),
        "is_open": _is_open(part),
        "all_decided": bool(items) and decided == len(items),
    }
    return render(request, _TEMPLATE.format("part_detail.html"), context)


@_FORM_METHODS
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_part_item(request.user, pk)
    part = item.part
    form = DecisionForm(
        data=posted(request),
        item=item,
        initial={"decision": item.decision, "exemption": item.exemption, "reason": item.reason},
    )
    consultation = getattr(item, "chair_consultation", None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_decide(
                item=item,
                decision=form.cleaned_data["decision"],
                exemption=form.cleaned_data["exemption"],
                reason=form.cleaned_data["reason"],
                marked_texts=form.marked_texts(),
                by=signed_in_user(request),
            )
        except ApplicationError as error:
            refuse(form, error)
        else:
            messages.success(request, f"Decision saved for {item.label}")
            return redirect(_part_url(part))
    context = {
        "item": item,
        "part": part,
        "form": form,
        "consultation": consultation,
        "is_open": _is_open(part),
        "deadline": selectors.part_deadline(part),
        "sections": list(enumerate(item.content)),
    }
    return render(request, _TEMPLATE.format("item_decide.html"), context)


@_FORM_METHODS
def consultation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access_consultation(request.user, pk)
    form = ConsultationForm(data=posted(request), initial={"view": consultation.view})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_respond(
                consultation=consultation, view=form.cleaned_data["view"], by=signed_in_user(request)
            )
        except ApplicationError as error:
            refuse(form, error)
        else:
            messages.success(request, "Your view has been sent to the agency's subject access officers")
            return redirect("web:home")
    return render(
        request, _TEMPLATE.format("consultation.html"), {"consultation": consultation, "form": form}
    )


@require_POST
def bundle_request(request: HttpRequest, pk: int) -> HttpResponse:
    part = access_part(request.user, pk, record=False)
    try:
        bundle = services.bundle_request(part=part, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_part_url(part))
    return redirect("subject_access:bundle-detail", pk=bundle.pk)


@require_GET
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bundle = access_bundle(request.user, pk)
    in_progress = bundle.status in (BundleStatus.QUEUED, BundleStatus.BUILDING)
    percent = round(100 * bundle.progress_done / bundle.progress_total) if bundle.progress_total else 0
    context = {"bundle": bundle, "part": bundle.part, "in_progress": in_progress, "percent": percent}
    return render(request, _TEMPLATE.format("bundle_detail.html"), context)


@require_GET
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    bundle = access_bundle(request.user, pk)
    try:
        content = services.bundle_download(bundle=bundle, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("subject_access:bundle-detail", pk=bundle.pk)
    response = HttpResponse(content, content_type="application/pdf")
    # The reference only: file names end up in download folders.
    response["Content-Disposition"] = f'attachment; filename="{bundle.part.request.reference}-response.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@_FORM_METHODS
def part_answer(request: HttpRequest, pk: int) -> HttpResponse:
    part = access_part(request.user, pk, record=request.method == "GET")
    items = list(selectors.item_list(fetched_by=request.user, part=part))
    bundle = services.latest_bundle(part)
    form = AnswerForm(data=posted(request), initial={"version": part.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.part_answer(
                part=part,
                version=form.cleaned_data["version"],
                response_note=form.cleaned_data["response_note"],
                by=signed_in_user(request),
            )
        except ApplicationError as error:
            refuse(form, error)
        else:
            messages.success(request, f"Your agency's part of {part.request.reference} is answered")
            return redirect(_part_url(part))
    context = {
        "part": part,
        "items": items,
        "form": form,
        "bundle": bundle,
        "bundle_current": services.bundle_is_current(part, bundle),
        "is_open": _is_open(part),
        "deadline": selectors.part_deadline(part),
        "recipient": services.recipient_of(part.request),
    }
    return render(request, _TEMPLATE.format("answer.html"), context)
