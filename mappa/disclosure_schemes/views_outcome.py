"""The checks, decision, non-disclosure and referral pages of an application, the application
page's sections for them (outcome_context and outcome/_sections.html, including the state of a
disclosure started on it: views_delivery.py), and the schemes' report.

Every page opens the application through access_application (one 404 for missing or hidden, the
consultation recorded). A POST from someone who may not work the application is refused before
anything is opened or recorded. The decision page lists the minutes of meetings about the
subject nominal, which is case data, so it opens the nominal too (open_nominal: the officer's
basis recorded, or a reason asked for).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes import reports, services_delivery
from mappa.disclosure_schemes import services_outcome as services
from mappa.disclosure_schemes.access import access_application, can_manage
from mappa.disclosure_schemes.forms_outcome import (
    NONE_FOUND,
    ChecksForm,
    DecisionForm,
    NonDisclosureForm,
    ReferralForm,
    ReportFilterForm,
    minutes_label,
)
from mappa.disclosure_schemes.models import (
    Application,
    ApplicationStatus,
    SchemeOutcome,
)
from mappa.disclosure_schemes.schemes import FORUMS, SchemeEdition, edition
from mappa.disclosure_schemes.selectors import decision_minutes_choices
from mappa.disclosures.models import DisclosureStatus
from mappa.disclosures.models import Outcome as DisclosureOutcome
from mappa.disclosures.services_delivery import preparation_blockers, waiting_for_recipients
from mappa.nominals.opening import open_nominal
from mappa.people.selectors import person_list
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])


def _edition(application: Application) -> SchemeEdition:
    return edition(f"{application.scheme}-{application.guidance_version}")


def opened_for_page(request: HttpRequest, pk: int) -> Application:
    """The application, consultation recorded; a POST from a non-manager refused first."""
    if request.method == "POST":
        hidden = access_application(request.user, pk, record=False)
        if not can_manage(request.user, hidden):
            raise PermissionDenied(services.NOT_MANAGER_MESSAGE)
    return access_application(request.user, pk)


def application_url(application: Application) -> str:
    return reverse("disclosure_schemes:application-detail", args=[application.pk])


# --- the application page's sections ----------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSections:
    application: Application
    can_act: bool
    checks_url: str
    decision_url: str
    non_disclosure_url: str
    referral_url: str
    subject_label: str
    forum_label: str
    minutes_label: str
    how_label: str
    checks_done: bool
    decided: bool
    outcome_done: bool
    disclosure_start_url: str = ""
    disclosure_support_url: str = ""
    disclosure_url: str = ""
    disclosure_colour: str = "grey"
    disclosure_todo: tuple[str, ...] = ()

    @property
    def can_record_checks(self) -> bool:
        return self.can_act and not self.decided

    @property
    def can_decide(self) -> bool:
        return self.can_act and self.checks_done and not self.outcome_done

    @property
    def can_record_non_disclosure(self) -> bool:
        return self.can_act and self.application.outcome == SchemeOutcome.DO_NOT_DISCLOSE

    @property
    def can_record_referral(self) -> bool:
        return self.can_act and self.application.outcome == SchemeOutcome.REFER

    @property
    def can_start_disclosure(self) -> bool:
        return self.can_act and services_delivery.start_blocker(self.application) is None

    @property
    def can_record_disclosure_support(self) -> bool:
        return self.can_act and services_delivery.support_blocker(self.application) is None


# The disclosure record's state as a tag colour on the application page.
_DISCLOSURE_COLOURS: dict[str, str] = {
    DisclosureStatus.DECIDED: "blue",
    DisclosureStatus.PREPARED: "light-blue",
    DisclosureStatus.DELIVERED: "green",
    DisclosureStatus.REVIEWED: "green",
    DisclosureStatus.RETURNED: "orange",
}


def _disclosure_todo(application: Application) -> tuple[str, ...]:
    """What is still to do before the application can close, once its disclosure is started:
    the disclosure record's own list of what is missing at its current step, then the support
    offered. Empty when nothing is left but completing the last stage."""
    disclosure = application.disclosure
    if disclosure is None:
        return ()
    if disclosure.outcome != DisclosureOutcome.DISCLOSE:
        # Reconsidered after a refused undertaking: nothing was disclosed.
        return (
            "The disclosure was not made: a recipient refused the confidentiality undertaking and it "
            "was decided not to go ahead. Review it on the disclosure record",
        )
    todo: list[str] = []
    if disclosure.status == DisclosureStatus.DECIDED:
        todo += [*preparation_blockers(disclosure), "Mark the disclosure as prepared"]
    if disclosure.status in (DisclosureStatus.DECIDED, DisclosureStatus.PREPARED):
        todo += [
            *waiting_for_recipients(disclosure),
            "Record the delivery, in person, with the recipient's signed confidentiality undertaking",
        ]
    elif disclosure.status == DisclosureStatus.RETURNED:
        todo.append(
            "The recipient refused the confidentiality undertaking: decide on the disclosure record "
            "whether the disclosure goes ahead without it"
        )
    if not application.support_referral.strip():
        todo.append("Record the support offered with the disclosure")
    return tuple(dict.fromkeys(todo))


def subject_label(request: HttpRequest, application: Application) -> str:
    """The subject's record as the user's agency may see it, or "" when the checks linked none."""
    if application.subject_person_id is None:
        return ""
    person = person_list(fetched_by=request.user).filter(pk=application.subject_person_id).first()
    return person.display_name if person is not None else "A record your agency cannot see"


def outcome_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """Context for disclosure_schemes/outcome/_sections.html on the application page (which has
    already opened the application): what is recorded, and links to the pages the user may use."""
    pk = application.pk
    subject = subject_label(request, application)
    minutes = application.decision_minutes
    disclosure = application.disclosure
    sections = OutcomeSections(
        application=application,
        can_act=application.status == ApplicationStatus.OPEN and can_manage(request.user, application),
        checks_url=reverse("disclosure_schemes:application-checks", args=[pk]),
        decision_url=reverse("disclosure_schemes:application-decision", args=[pk]),
        non_disclosure_url=reverse("disclosure_schemes:application-non-disclosure", args=[pk]),
        referral_url=reverse("disclosure_schemes:application-referral", args=[pk]),
        subject_label=subject,
        forum_label=FORUMS.get(application.forum, application.forum),
        minutes_label=minutes_label(minutes) if minutes is not None else "",
        how_label=services.NON_DISCLOSURE_WAYS.get(
            application.non_disclosure_how, application.non_disclosure_how
        ),
        checks_done=application.checks_recorded_at is not None,
        decided=application.decided_at is not None,
        outcome_done=services.outcome_complete(application),
        disclosure_start_url=reverse("disclosure_schemes:application-disclosure-start", args=[pk]),
        disclosure_support_url=reverse("disclosure_schemes:application-disclosure-support", args=[pk]),
        disclosure_url=(
            reverse("disclosures:disclosure-detail", args=[disclosure.pk]) if disclosure is not None else ""
        ),
        disclosure_colour=_DISCLOSURE_COLOURS.get(disclosure.status, "grey") if disclosure else "grey",
        disclosure_todo=_disclosure_todo(application),
    )
    return {"outcome_sections": sections}


# --- checks -----------------------------------------------------------------------------------


def _candidate_label(check: services.CheckCandidate) -> str:
    candidate = check.candidate
    born = f", born {candidate.date_of_birth}" if candidate.date_of_birth else ""
    return f"{candidate.name}{born} ({candidate.source_ref})"


@_FORM_METHODS
def application_checks(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    manage = can_manage(request.user, application)
    editable = manage and application.status == ApplicationStatus.OPEN and application.decided_at is None
    candidates: list[services.CheckCandidate] = []
    search_error = ""
    if editable:
        try:
            candidates = services.checks_search(application=application, by=_user(request))
        except ApplicationError as error:
            search_error = error.message
    choices = [(check.id, _candidate_label(check)) for check in candidates]
    current = application.subject_person
    if current is not None and current.pk not in {pk for pk, _ in choices}:
        if person_list(fetched_by=request.user).filter(pk=current.pk).exists():
            choices.append((current.pk, f"{current.display_name} (recorded as the subject)"))
    initial: dict[str, Any] = {"version": application.version, "summary": application.checks_summary}
    if application.checks_recorded_at is not None:
        initial["subject_person"] = str(application.subject_person_id or NONE_FOUND)
    form = ChecksForm(choices, data=_posted(request), initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["subject_person"] != NONE_FOUND:
            person = person_list(fetched_by=request.user).filter(pk=int(data["subject_person"])).first()
        try:
            if data["subject_person"] != NONE_FOUND and person is None:
                raise ApplicationError(
                    "You can only link a person record you can see", field="subject_person"
                )
            saved = services.checks_record(
                application=application,
                version=data["version"],
                subject_person=person,
                summary=data["summary"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            told = " The nominal's lead agency has been told." if saved.lead_agency_told_at else ""
            messages.success(request, f"Checks recorded for {saved.reference}.{told}")
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "form": form,
        "candidates": candidates,
        "search_error": search_error,
        "terms": services.search_terms(application) if editable else None,
        "editable": editable,
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/checks.html", context)


# --- the decision -----------------------------------------------------------------------------


def _decision_initial(application: Application) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": application.version}
    if application.decided_at is None:
        return initial
    initial.update(
        outcome=application.outcome,
        forum=application.forum,
        minutes=str(application.decision_minutes_id or ""),
        rationale=application.decision_rationale,
        presumption_applies="yes" if application.presumption_applies else "no",
        presumption_rebuttal=application.presumption_rebuttal,
        referred_to=application.referred_to,
        recipient_is_applicant="yes" if application.recipient_is_applicant else "no",
        recipient_best_placed=application.recipient_best_placed,
        applicant_told=application.applicant_told,
        applicant_told_reason=application.applicant_told_reason,
    )
    return initial


@_FORM_METHODS
def application_decision(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    nominal = (
        open_nominal(request, application.subject_nominal_id) if application.subject_nominal_id else None
    )
    scheme = _edition(application)
    editable = (
        can_manage(request.user, application)
        and application.status == ApplicationStatus.OPEN
        and application.checks_recorded_at is not None
        and not services.outcome_complete(application)
    )
    minutes = decision_minutes_choices(application=application, fetched_by=request.user)
    form = DecisionForm(scheme, minutes, data=_posted(request), initial=_decision_initial(application))
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = services.decision_record(
                application=application, by=_user(request), **form.service_arguments
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Decision recorded for {saved.reference}: {saved.get_outcome_display()}"
            )
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "nominal": nominal,
        "scheme": scheme,
        "form": form,
        "editable": editable,
        "has_minutes": "minutes" in form.fields,
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/decision.html", context)


# --- the outcomes -----------------------------------------------------------------------------


@_FORM_METHODS
def application_non_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    ways = services.non_disclosure_ways(application)
    initial: dict[str, Any] = {
        "version": application.version,
        "how": application.non_disclosure_how,
        "support_referral": application.support_referral,
    }
    if application.non_disclosure_communicated_at is not None:
        initial["communicated_at"] = application.non_disclosure_communicated_at.date()
    form = NonDisclosureForm(ways, data=_posted(request), initial=initial)
    editable = (
        can_manage(request.user, application)
        and application.status == ApplicationStatus.OPEN
        and application.outcome == SchemeOutcome.DO_NOT_DISCLOSE
    )
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.non_disclosure_record(
                application=application,
                version=data["version"],
                communicated_at=data["communicated_at"],
                how=data["how"],
                support_referral=data["support_referral"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Non-disclosure recorded for {saved.reference}")
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "form": form,
        "editable": editable,
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/non_disclosure.html", context)


@_FORM_METHODS
def application_referral(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    form = ReferralForm(
        data=_posted(request),
        initial={"version": application.version, "support_referral": application.support_referral},
    )
    editable = (
        can_manage(request.user, application)
        and application.status == ApplicationStatus.OPEN
        and application.outcome == SchemeOutcome.REFER
    )
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.referral_record(
                application=application,
                version=data["version"],
                support_referral=data["support_referral"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Referral recorded for {saved.reference}")
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "form": form,
        "editable": editable,
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/referral.html", context)


# --- the report -------------------------------------------------------------------------------


@require_GET
def scheme_report(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.SCHEME_APPLICATION_VIEW):
        raise PermissionDenied("You do not have permission to see the disclosure schemes' report")
    form = ReportFilterForm(data=request.GET)
    valid = form.is_valid()
    received_from = form.cleaned_data.get("received_from") if valid else None
    received_to = form.cleaned_data.get("received_to") if valid else None
    context = {
        "form": form,
        "reports": reports.scheme_report(
            fetched_by=request.user, received_from=received_from, received_to=received_to
        ),
        "received_from": received_from,
        "received_to": received_to,
    }
    return render(request, "disclosure_schemes/report/report.html", context)
