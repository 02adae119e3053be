"""Starting the disclosure of a scheme decision to disclose, and recording the support offered
once it is delivered (services_delivery). The disclosure itself is then prepared, delivered and
reviewed on the disclosure record's own pages (the disclosures app), linked from the
application page.

Each page opens the application through access_application (one 404 for missing or hidden, the
consultation recorded); a POST from someone who may not work the application is refused before
anything is opened (views_outcome.opened_for_page).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mappa.core.exceptions import ApplicationError
from mappa.disclosure_schemes import services_delivery as services
from mappa.disclosure_schemes.access import can_manage
from mappa.disclosure_schemes.forms_delivery import DisclosureStartForm, DisclosureSupportForm
from mappa.disclosure_schemes.models import Application, ApplicationStatus, Route
from mappa.disclosure_schemes.views_outcome import application_url, opened_for_page, subject_label
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])


def start_initial(application: Application) -> dict[str, Any]:
    """The start page pre-filled from the application: the recipient the decision named (the
    applicant, or the person best placed to protect), the identity evidence seen when that is
    the applicant, and the recipient kind each scheme usually has."""
    initial: dict[str, Any] = {
        "version": application.version,
        "recipient_kind": services.DEFAULT_RECIPIENT_KIND.get(application.scheme, ""),
    }
    if application.recipient_is_applicant:
        # Under right to know the "applicant" is the police source: the person at risk is told.
        told = application.person_at_risk_name if application.route == Route.RIGHT_TO_KNOW else ""
        initial["recipient_name"] = told or application.applicant_name
        initial["identity_confirmed_how"] = application.identity_evidence
        if application.relationship_to_children:
            initial["recipient_relationship"] = application.relationship_to_children
    else:
        initial["recipient_name"] = application.recipient_best_placed[:200]
        initial["why_right_person"] = application.recipient_best_placed
    return initial


@_FORM_METHODS
def application_disclosure_start(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    blocker = services.start_blocker(application)
    editable = (
        can_manage(request.user, application)
        and application.status == ApplicationStatus.OPEN
        and blocker is None
    )
    form = DisclosureStartForm(data=_posted(request), initial=start_initial(application))
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = services.disclosure_start(application=application, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            disclosure = saved.disclosure
            reference = disclosure.reference if disclosure is not None else ""
            messages.success(request, f"Disclosure {reference} started for {saved.reference}")
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "form": form,
        "editable": editable,
        "blocker": blocker,
        "subject_label": subject_label(request, application),
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/disclosure_start.html", context)


@_FORM_METHODS
def application_disclosure_support(request: HttpRequest, pk: int) -> HttpResponse:
    application = opened_for_page(request, pk)
    blocker = services.support_blocker(application)
    editable = (
        can_manage(request.user, application)
        and application.status == ApplicationStatus.OPEN
        and blocker is None
    )
    form = DisclosureSupportForm(
        data=_posted(request),
        initial={"version": application.version, "support_referral": application.support_referral},
    )
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.disclosure_support_record(
                application=application,
                version=data["version"],
                support_referral=data["support_referral"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Support offered recorded for {saved.reference}")
            return redirect("disclosure_schemes:application-detail", pk=saved.pk)
    context = {
        "application": application,
        "form": form,
        "editable": editable,
        "blocker": blocker,
        "back_url": application_url(application),
    }
    return render(request, "disclosure_schemes/outcome/disclosure_support.html", context)
