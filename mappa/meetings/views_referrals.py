"""The referral pages: MAPPA A, the lists, a referral with its timeline, screening, answering the
co-ordinator and withdrawing.

A referral describes the nominal, so every page about one opens the nominal first
(`open_nominal`): the consultation is recorded with the user's basis, and a user without one is
asked for a reason, exactly as on the case's own pages. Who may act is checked here so a page
offers only what will succeed, and again in the services.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors_referrals as selectors
from mappa.meetings import services_referrals as services
from mappa.meetings.access import access_referral
from mappa.meetings.forms_referrals import (
    Decision,
    ReferralForm,
    RespondForm,
    ScreenForm,
    WithdrawForm,
)
from mappa.meetings.models import Referral, ReferralStatus
from mappa.nominals.models import Nominal
from mappa.nominals.opening import open_nominal
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _levels_above(nominal: Nominal) -> list[int]:
    """The levels a nominal can be referred or accepted to: those above where it is now."""
    return [level for level in (2, 3) if level > nominal.level]


def _opened(request: HttpRequest, pk: int) -> tuple[Referral, Nominal]:
    referral = access_referral(request.user, pk)
    return referral, open_nominal(request, referral.nominal_id)


# --- referring ----------------------------------------------------------------------------------


@_FORM_METHODS
def referral_create(request: HttpRequest, nominal_pk: int) -> HttpResponse:
    # Refused before the case is opened, so a refusal records no consultation.
    if selectors.referring_agency(request.user) is None:
        raise PermissionDenied(
            "Only staff of a Responsible Authority or duty-to-co-operate agency can refer a nominal"
        )
    nominal = open_nominal(request, nominal_pk)
    levels = _levels_above(nominal)
    form = ReferralForm(levels, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(nominal=nominal, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Referral {referral.reference} sent to the MAPPA co-ordinator")
            return redirect("meetings:referral-detail", pk=referral.pk)
    open_referral = selectors.open_referral_for(nominal=nominal, fetched_by=request.user)
    context = {
        "form": form,
        "nominal": nominal,
        "levels": levels,
        "open_referral": open_referral,
        "can_view_open": open_referral is not None
        and selectors.referrals_for_nominal(nominal=nominal, fetched_by=request.user)
        .filter(pk=open_referral.pk)
        .exists(),
    }
    return render(request, "meetings/referral_create.html", context)


# --- the lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    days_waiting: int


def _rows(referrals: Iterable[Referral]) -> list[ReferralRow]:
    return [ReferralRow(r, selectors.days_waiting(r)) for r in referrals]


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    screener = has_permission(request.user, Permission.REFERRAL_SCREEN)
    referrer = has_permission(request.user, Permission.REFERRAL_CREATE)
    if not (screener or referrer):
        raise PermissionDenied("You do not have permission to see referrals")
    queue = list(selectors.screening_queue(fetched_by=request.user))
    limit = selectors.LIST_LIMIT
    context = {
        "screener": screener,
        "referrer": referrer,
        # The whole queue, however long: every open referral needs screening.
        "waiting": _rows(r for r in queue if r.status == ReferralStatus.SUBMITTED),
        "more_information": _rows(r for r in queue if r.status == ReferralStatus.MORE_INFORMATION),
        "closed": _rows(selectors.referrals_closed(fetched_by=request.user)[:limit]),
        "made": _rows(selectors.referrals_made(fetched_by=request.user)[:limit]),
        "limit": limit,
    }
    return render(request, "meetings/referral_list.html", context)


# --- one referral -------------------------------------------------------------------------------


@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral, nominal = _opened(request, pk)
    user = request.user
    referrer = selectors.is_referrer(user, referral)
    steps = [
        {"label": selectors.STEP_LABELS.get(step.step, step.step), "step": step}
        for step in selectors.referral_steps(referral=referral, fetched_by=user)
    ]
    context = {
        "referral": referral,
        "nominal": nominal,
        "steps": steps,
        "timings": selectors.referral_timings(referral),
        "can_screen": referral.is_open and selectors.can_screen(user, referral),
        "can_respond": referrer and referral.status == ReferralStatus.MORE_INFORMATION,
        "can_withdraw": referrer and referral.is_open,
    }
    return render(request, "meetings/referral_detail.html", context)


@_FORM_METHODS
def referral_screen(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access_referral(request.user, pk)
    if not selectors.can_screen(request.user, referral):
        raise PermissionDenied("Only a MAPPA co-ordinator of the nominal's area can screen this referral")
    nominal = open_nominal(request, referral.nominal_id)
    form = ScreenForm(_levels_above(nominal), data=_posted(request), initial={"version": referral.version})
    if request.method == "POST" and referral.is_open and form.is_valid():
        data, by = form.cleaned_data, _user(request)
        try:
            if data["decision"] == Decision.MORE_INFORMATION:
                services.referral_request_information(
                    referral=referral, request_text=data["request_text"], by=by
                )
                done = f"More information requested from {referral.referring_agency.name}"
            elif data["decision"] == Decision.DECLINE:
                services.referral_decline(
                    referral=referral, reason=data["reason"], version=data["version"], by=by
                )
                done = f"Referral {referral.reference} declined"
            else:
                level = form.level
                services.referral_accept(
                    referral=referral, level=level or 0, reason=data["reason"], version=data["version"], by=by
                )
                done = f"Referral {referral.reference} accepted: the nominal is now managed at level {level}"
        except ApplicationError as error:
            if error.field == "level":
                error.field = "decision"
            _refused(form, error)
        else:
            messages.success(request, done)
            return redirect("meetings:referral-detail", pk=referral.pk)
    context = {"form": form, "referral": referral, "nominal": nominal}
    return render(request, "meetings/referral_screen.html", context)


@_FORM_METHODS
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access_referral(request.user, pk)
    if not selectors.is_referrer(request.user, referral):
        raise PermissionDenied("Only the agency that made this referral can answer the co-ordinator")
    nominal = open_nominal(request, referral.nominal_id)
    form = RespondForm(data=_posted(request))
    awaiting = referral.status == ReferralStatus.MORE_INFORMATION
    if request.method == "POST" and awaiting and form.is_valid():
        try:
            services.referral_provide_information(
                referral=referral, response_text=form.cleaned_data["response_text"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, "Information sent. The MAPPA co-ordinator will screen the referral again"
            )
            return redirect("meetings:referral-detail", pk=referral.pk)
    context = {"form": form, "referral": referral, "nominal": nominal, "awaiting": awaiting}
    return render(request, "meetings/referral_respond.html", context)


@_FORM_METHODS
def referral_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access_referral(request.user, pk)
    if not selectors.is_referrer(request.user, referral):
        raise PermissionDenied("Only the agency that made this referral can withdraw it")
    nominal = open_nominal(request, referral.nominal_id)
    form = WithdrawForm(data=_posted(request))
    if request.method == "POST" and referral.is_open and form.is_valid():
        try:
            services.referral_withdraw(
                referral=referral, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Referral {referral.reference} withdrawn")
            return redirect("meetings:referral-detail", pk=referral.pk)
    context = {"form": form, "referral": referral, "nominal": nominal}
    return render(request, "meetings/referral_withdraw.html", context)
