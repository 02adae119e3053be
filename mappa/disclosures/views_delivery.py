"""The pages after a decision: preparing the recipient, the offender's involvement, planning and
recording the delivery, the decision-maker's answer to a refused undertaking, the review, the
record as a PDF, and the disclosures dashboard. `delivery_context` gives the record page
(views_decision.py) the state of these tasks for its task list (delivery/_tasks.html).

Every page about one disclosure opens it through access.open_disclosure, which records the
consultation (or asks for a reason first, as the case's own pages do). Who may act is checked
before that, so a refusal records no consultation, and again in the services. A page whose step
is not open (preparing a delivered disclosure, say) says why instead of showing its form.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosures import selectors_delivery as selectors
from mappa.disclosures import services_delivery as services
from mappa.disclosures.access import (
    access_recipient,
    can_decide,
    can_record,
    open_disclosure,
    runs_scheme_disclosure_pk,
)
from mappa.disclosures.forms_delivery import (
    DeliverForm,
    OffenderForm,
    PlanDeliveryForm,
    PreparationForm,
    RecipientToldForm,
    ReconsiderForm,
    ReviewForm,
    TriggerForm,
    VersionForm,
)
from mappa.disclosures.models import (
    DeliveryMethod,
    Disclosure,
    DisclosureStatus,
    OffenderInvolvement,
    Outcome,
    Undertaking,
)
from mappa.disclosures.selectors import awaiting_ratification, disclosure_recipients
from mappa.disclosures.services import disclosures_listed
from mappa.web.forms import GovukForm
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

_FORM_METHODS = require_http_methods(["GET", "POST"])

DOWNLOAD_REFUSED = services.DOWNLOAD_REFUSED
RETURNED_BLOCKER = (
    "The decision-maker must decide whether the disclosure goes ahead without the refused undertaking"
)


def _record_url(disclosure: Disclosure) -> str:
    return reverse("disclosures:disclosure-detail", args=[disclosure.pk])


def _url(name: str, pk: int) -> str:
    return reverse(f"disclosures:{name}", args=[pk])


def _may_before_opening(request: HttpRequest, pk: int, *permissions: Permission) -> bool:
    """Whether the user may go on to open record `pk` for a page needing one of `permissions`:
    holding one, or being a scheme officer who runs it (access.runs_scheme_disclosure_pk, which
    answers the same for a record that is hidden and one that does not exist)."""
    user = request.user
    return any(has_permission(user, permission) for permission in permissions) or runs_scheme_disclosure_pk(
        user, pk
    )


def _may_record_some(request: HttpRequest) -> bool:
    """For a page reached through a part of a record: may this user prepare any record at all."""
    return has_permission(request.user, Permission.DISCLOSURE_RECORD) or has_permission(
        request.user, Permission.SCHEME_APPLICATION_MANAGE
    )


def _for_recording(request: HttpRequest, pk: int) -> Disclosure:
    """The disclosure for a page that prepares, delivers or reviews it: refused without
    DISCLOSURE_RECORD (unless the user runs this scheme disclosure) before anything is opened,
    404 if hidden, refused if the user's agency has no part in making it, and only then opened
    (and the consultation recorded)."""
    if not _may_before_opening(request, pk, Permission.DISCLOSURE_RECORD):
        raise PermissionDenied(services.NO_RECORD_PERMISSION)
    disclosure = open_disclosure(request, pk, record=False)
    if not can_record(request.user, disclosure):
        raise PermissionDenied(services.record_refused(disclosure))
    return open_disclosure(request, pk)


def _refuse_all(form: GovukForm, error: ApplicationError) -> None:
    """A refusal listing several missing things shows each on its own field where it has one."""
    if not isinstance(error, services.Blocked):
        _refused(form, error)
        return
    for name, message in error.problems:
        form.add_error(name if name in form.fields else None, message)


def _page(
    request: HttpRequest, template: str, disclosure: Disclosure, *, status: int = 200, **context: Any
) -> HttpResponse:
    context.update(
        {"disclosure": disclosure, "nominal": disclosure.nominal, "record_url": _record_url(disclosure)}
    )
    return render(request, f"disclosures/delivery/{template}", context, status=status)


def _preparing(disclosure: Disclosure) -> bool:
    return disclosure.outcome == Outcome.DISCLOSE and disclosure.status in (
        DisclosureStatus.DECIDED,
        DisclosureStatus.PREPARED,
    )


# --- the record page's task list ----------------------------------------------------------------

_PAST_PREPARATION = (
    DisclosureStatus.PREPARED,
    DisclosureStatus.DELIVERED,
    DisclosureStatus.RETURNED,
    DisclosureStatus.REVIEWED,
)
COMPLETED = "completed"
INCOMPLETE = "incomplete"
CANNOT_START = "cannot_start"


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    status: str  # COMPLETED, INCOMPLETE or CANNOT_START
    url: str = ""  # empty: shown without a link (not startable, or not for this user)
    hint: str = ""
    overdue: bool = False


@dataclass
class TaskSection:
    heading: str
    tasks: list[Task] = field(default_factory=list)
    # What stops this section's next step, shown under its tasks.
    blockers_heading: str = ""
    blockers: list[str] = field(default_factory=list)


def _task(key: str, label: str, *, done: bool, startable: bool, allowed: bool, url: str, **kw: Any) -> Task:
    status = COMPLETED if done else (INCOMPLETE if startable else CANNOT_START)
    # A link only to what this user can do now: a completed task stays editable while it can be.
    link = url if allowed and startable else ""
    return Task(key=key, label=label, status=status, url=link, **kw)


def delivery_context(request: HttpRequest, disclosure: Disclosure) -> dict[str, Any]:
    """Context for delivery/_tasks.html on the record page: the sections of the task list, what
    blocks the next step, whether delivery is overdue, and the PDF link for those who may have it."""
    user = request.user
    recorder = can_record(user, disclosure)
    context: dict[str, Any] = {
        "delivery_sections": [],
        "delivery_blockers": [],
        "delivery_blockers_heading": "",
        "delivery_overdue": selectors.is_delivery_overdue(disclosure),
        "delivery_can_download": services.can_download(user, disclosure),
        "delivery_pdf_url": _url("disclosure-pdf", disclosure.pk),
    }
    status = disclosure.status
    if status == DisclosureStatus.WITHDRAWN:
        return context
    decided = status != DisclosureStatus.PROPOSED
    review_open = status == DisclosureStatus.DELIVERED or (
        status == DisclosureStatus.DECIDED and disclosure.outcome == Outcome.DO_NOT_DISCLOSE
    )
    review = TaskSection(
        "Review",
        [
            _task(
                "review",
                "Review the decision not to disclose"
                if disclosure.outcome == Outcome.DO_NOT_DISCLOSE
                else "Review the disclosure",
                done=status == DisclosureStatus.REVIEWED,
                startable=review_open,
                allowed=recorder,
                url=_url("disclosure-review", disclosure.pk),
            )
        ],
    )
    if decided and disclosure.outcome == Outcome.DO_NOT_DISCLOSE:
        context["delivery_sections"] = [review]
        return context
    decider = can_decide(user, disclosure)
    context["delivery_sections"] = [*_delivery_sections(request, disclosure, recorder, decider), review]
    if status == DisclosureStatus.DECIDED:
        heading, blockers, section = (
            "Before the disclosure can be marked as prepared",
            services.preparation_blockers(disclosure),
            0,
        )
    elif status == DisclosureStatus.PREPARED:
        heading, blockers, section = (
            "Before the delivery can be recorded",
            services.waiting_for_recipients(disclosure),
            1,
        )
    elif status == DisclosureStatus.RETURNED:
        heading, blockers, section = (
            "Before the disclosure can go ahead",
            [RETURNED_BLOCKER],
            1,
        )
    else:
        return context
    context["delivery_blockers_heading"] = heading
    context["delivery_blockers"] = blockers
    context["delivery_sections"][section].blockers_heading = heading
    context["delivery_sections"][section].blockers = blockers
    return context


def _delivery_sections(
    request: HttpRequest, disclosure: Disclosure, recorder: bool, decider: bool
) -> list[TaskSection]:
    status = disclosure.status
    pk = disclosure.pk
    preparing = _preparing(disclosure)
    past = status in _PAST_PREPARATION
    # A prepared record stays complete (services_delivery._keep_prepared), so what is missing
    # says which preparation tasks are done, whatever the status.
    blockers = (
        set(services.preparation_blockers(disclosure)) if status != DisclosureStatus.PROPOSED else set()
    )
    proposed = status == DisclosureStatus.PROPOSED
    questions = {message for _, message in services.PREPARATION_TEXT} | {services.CONFIDENTIALITY_MISSING}
    involvement = {
        services.INVOLVEMENT_MISSING,
        services.NOT_INFORMED_REASON_MISSING,
        services.NOT_INFORMED_DETAIL_MISSING,
    }
    plan = {services.DELIVERER_MISSING, services.PLANNED_DATE_MISSING}
    overdue = selectors.is_delivery_overdue(disclosure)
    planned_hint = ""
    if disclosure.planned_delivery_date is not None:
        day = disclosure.planned_delivery_date
        planned_hint = f"Planned for {day.day} {day:%B %Y}"
    preparation = TaskSection(
        "Preparing the recipient",
        [
            _task(
                "prepare",
                "Prepare the recipient",
                done=not proposed and not (blockers & questions),
                startable=preparing,
                allowed=recorder,
                url=_url("disclosure-prepare", pk),
                hint="What they know, confidentiality, how to use it, what to report, support",
            ),
            _task(
                "triggers",
                "Key triggers",
                done=not proposed and services.TRIGGER_MISSING not in blockers,
                startable=preparing,
                allowed=recorder,
                url=_url("trigger-add", pk),
                hint="If you see this, you need to do that: at least one",
            ),
            _task(
                "offender",
                "The offender's involvement",
                done=not proposed and not (blockers & involvement),
                startable=preparing,
                allowed=recorder,
                url=_url("disclosure-offender", pk),
            ),
            _task(
                "plan",
                "Plan the delivery",
                done=not proposed and not (blockers & plan),
                startable=preparing,
                allowed=recorder,
                url=_url("disclosure-plan-delivery", pk),
                hint=planned_hint,
                overdue=overdue,
            ),
            _task(
                "mark-prepared",
                "Mark as prepared",
                done=past,
                startable=status == DisclosureStatus.DECIDED and not blockers,
                allowed=recorder,
                url=_url("disclosure-mark-prepared", pk),
            ),
        ],
    )
    delivery = TaskSection("Delivery")
    if disclosure.offender_involvement == OffenderInvolvement.NOT_INFORMED:
        for recipient in disclosure_recipients(disclosure=disclosure, fetched_by=request.user):
            delivery.tasks.append(
                _task(
                    f"told-{recipient.pk}",
                    f"Tell {recipient.name} the offender does not know",
                    done=recipient.told_offender_unaware,
                    startable=preparing and not recipient.told_offender_unaware,
                    allowed=recorder,
                    url=_url("recipient-told", recipient.pk),
                )
            )
    returned = status == DisclosureStatus.RETURNED
    delivery.tasks.append(
        _task(
            "deliver",
            "Record the delivery",
            done=status in (DisclosureStatus.DELIVERED, DisclosureStatus.REVIEWED),
            startable=status == DisclosureStatus.PREPARED,
            allowed=recorder,
            url=_url("disclosure-deliver", pk),
            hint=disclosure.return_reason if returned else "",
        )
    )
    if returned or disclosure.reconsideration_note:
        delivery.tasks.append(
            _task(
                "reconsider",
                "Decide whether the disclosure goes ahead",
                done=not returned,
                startable=returned,
                allowed=decider,
                url=_url("disclosure-reconsider", pk),
                hint="A recipient refused the confidentiality undertaking",
            )
        )
    return [preparation, delivery]


# --- preparation --------------------------------------------------------------------------------


def _preparation_initial(disclosure: Disclosure) -> dict[str, Any]:
    return {
        "recipient_already_knows": disclosure.recipient_already_knows,
        "confidentiality_understood": disclosure.confidentiality_understood,
        "how_to_use": disclosure.how_to_use,
        "what_to_report": disclosure.what_to_report,
        "contact_and_support": disclosure.contact_and_support,
        "breakdown_support": disclosure.breakdown_support,
        "version": disclosure.version,
    }


@_FORM_METHODS
def disclosure_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    preparing = _preparing(disclosure)
    form = PreparationForm(data=_posted(request), initial=_preparation_initial(disclosure))
    if request.method == "POST" and preparing and form.is_valid():
        try:
            services.preparation_record(disclosure=disclosure, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refuse_all(form, error)
        else:
            messages.success(request, "Preparation saved")
            return redirect(_record_url(disclosure))
    return _page(
        request,
        "prepare.html",
        disclosure,
        form=form,
        preparing=preparing,
        triggers=selectors.disclosure_triggers(disclosure=disclosure),
        blockers=services.preparation_blockers(disclosure) if preparing else [],
    )


@_FORM_METHODS
def disclosure_mark_prepared(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    deciding = disclosure.status == DisclosureStatus.DECIDED and disclosure.outcome == Outcome.DISCLOSE
    form = VersionForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and deciding and form.is_valid():
        try:
            services.disclosure_mark_prepared(
                disclosure=disclosure, version=form.cleaned_data["version"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"{disclosure.reference} is prepared. Record the delivery once it is made"
            )
            return redirect(_record_url(disclosure))
    blockers = services.preparation_blockers(disclosure) if deciding else []
    return _page(request, "mark_prepared.html", disclosure, form=form, deciding=deciding, blockers=blockers)


@_FORM_METHODS
def trigger_add(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    preparing = _preparing(disclosure)
    form = TriggerForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and preparing and form.is_valid():
        try:
            services.trigger_add(disclosure=disclosure, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Key trigger added")
            return redirect("disclosures:disclosure-prepare", pk=disclosure.pk)
    return _page(
        request,
        "trigger_add.html",
        disclosure,
        form=form,
        preparing=preparing,
        triggers=selectors.disclosure_triggers(disclosure=disclosure),
    )


@_FORM_METHODS
def trigger_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_record_some(request):
        raise PermissionDenied(services.NO_RECORD_PERMISSION)
    trigger = selectors.trigger_list(fetched_by=request.user).filter(pk=pk).first()
    if trigger is None:
        raise Http404("No such key trigger")
    disclosure = _for_recording(request, trigger.disclosure_id)
    preparing = _preparing(disclosure)
    form = VersionForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and preparing and form.is_valid():
        try:
            services.trigger_remove(trigger=trigger, version=form.cleaned_data["version"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Key trigger removed")
            return redirect("disclosures:disclosure-prepare", pk=disclosure.pk)
    return _page(request, "trigger_remove.html", disclosure, form=form, preparing=preparing, trigger=trigger)


@_FORM_METHODS
def disclosure_offender(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    preparing = _preparing(disclosure)
    initial = {
        "involvement": disclosure.offender_involvement,
        "not_informed_reason": disclosure.not_informed_reason,
        "not_informed_detail": disclosure.not_informed_detail,
        "version": disclosure.version,
    }
    form = OffenderForm(data=_posted(request), initial=initial)
    if request.method == "POST" and preparing and form.is_valid():
        try:
            services.offender_involvement_record(
                disclosure=disclosure, by=_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "The offender's involvement is recorded")
            return redirect(_record_url(disclosure))
    return _page(request, "offender.html", disclosure, form=form, preparing=preparing)


@_FORM_METHODS
def recipient_told(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_record_some(request):
        raise PermissionDenied(services.NO_RECORD_PERMISSION)
    recipient = access_recipient(request.user, pk)
    disclosure = _for_recording(request, recipient.disclosure_id)
    needed = _preparing(disclosure) and disclosure.offender_involvement == OffenderInvolvement.NOT_INFORMED
    form = RecipientToldForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and needed and form.is_valid():
        try:
            services.recipient_told_offender_unaware(
                recipient=recipient, version=form.cleaned_data["version"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Recorded that {recipient.name} was told the offender does not know")
            return redirect(_record_url(disclosure))
    return _page(request, "recipient_told.html", disclosure, form=form, needed=needed, recipient=recipient)


@_FORM_METHODS
def disclosure_plan_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    preparing = _preparing(disclosure)
    initial = {
        "deliverer": disclosure.planned_deliverer_id,
        "planned_delivery_date": disclosure.planned_delivery_date,
        "version": disclosure.version,
    }
    deliverers = selectors.deliverer_choices(disclosure=disclosure)
    # A record about someone who is not a nominal has no area: its deliverers are the force's.
    hint = "" if disclosure.nominal_id is not None else f"Someone from {disclosure.proposing_agency.name}"
    form = PlanDeliveryForm(deliverers, data=_posted(request), initial=initial, deliverer_hint=hint)
    if request.method == "POST" and preparing and form.is_valid():
        data = form.cleaned_data
        try:
            services.delivery_plan(
                disclosure=disclosure,
                version=data["version"],
                deliverer=deliverers.filter(pk=data["deliverer"]).first(),
                planned_delivery_date=data["planned_delivery_date"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Delivery planned")
            return redirect(_record_url(disclosure))
    overdue = selectors.is_delivery_overdue(disclosure)
    return _page(request, "plan_delivery.html", disclosure, form=form, preparing=preparing, overdue=overdue)


# --- delivery -----------------------------------------------------------------------------------


@_FORM_METHODS
def disclosure_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    prepared = disclosure.status == DisclosureStatus.PREPARED
    recipients = list(disclosure_recipients(disclosure=disclosure, fetched_by=request.user))
    initial: dict[str, Any] = {"method": DeliveryMethod.IN_PERSON, "version": disclosure.version}
    form = DeliverForm(recipients, data=_posted(request), initial=initial)
    if request.method == "POST" and prepared and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.disclosure_deliver(
                disclosure=disclosure,
                version=data["version"],
                delivered_at=form.delivered_at(),
                method=data["method"],
                method_reason=data["method_reason"],
                delivered_with=data["delivered_with"],
                note=data["note"],
                undertakings=form.undertakings(),
                by=_user(request),
            )
        except ApplicationError as error:
            if error.field == "delivered_at":
                error.field = "date"
            _refuse_all(form, error)
        else:
            if done.status == DisclosureStatus.RETURNED:
                messages.success(
                    request,
                    "Nothing was disclosed: a recipient refused the confidentiality undertaking. The "
                    "record has gone back to the decision-maker",
                )
            else:
                messages.success(
                    request,
                    f"{disclosure.reference} recorded as made. The disclosure log names every recipient",
                )
            return redirect(_record_url(disclosure))
    return _page(
        request,
        "deliver.html",
        disclosure,
        form=form,
        prepared=prepared,
        recipients=recipients,
        proceeding_without=[r for r in recipients if r.undertaking == Undertaking.PROCEED_WITHOUT],
        waiting=services.waiting_for_recipients(disclosure) if prepared else [],
        # Linked, so the user can record each before coming back to this form.
        to_tell=[r for r in recipients if not r.told_offender_unaware]
        if disclosure.offender_involvement == OffenderInvolvement.NOT_INFORMED
        else [],
    )


@_FORM_METHODS
def disclosure_reconsider(request: HttpRequest, pk: int) -> HttpResponse:
    # A scheme disclosure was decided on its application: its scheme officers answer a refused
    # undertaking (access.can_decide).
    if not _may_before_opening(request, pk, Permission.DISCLOSURE_DECIDE):
        raise PermissionDenied(services.NO_DECIDE_PERMISSION)
    disclosure = open_disclosure(request, pk, record=False)
    if not can_decide(request.user, disclosure):
        raise PermissionDenied(services.decide_refused(disclosure))
    disclosure = open_disclosure(request, pk)
    returned = disclosure.status == DisclosureStatus.RETURNED
    form = ReconsiderForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and returned and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.disclosure_reconsider(
                disclosure=disclosure,
                version=data["version"],
                proceed=data["proceed"],
                note=data["note"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            if done.status == DisclosureStatus.PREPARED:
                messages.success(request, "The disclosure goes ahead. Record the delivery once it is made")
            else:
                messages.success(request, "The decision is now not to disclose. Record its review")
            return redirect(_record_url(disclosure))
    recipients = disclosure_recipients(disclosure=disclosure, fetched_by=request.user)
    refused = [r for r in recipients if r.undertaking == Undertaking.REFUSED]
    return _page(request, "reconsider.html", disclosure, form=form, returned=returned, refused=refused)


# --- review -------------------------------------------------------------------------------------


@_FORM_METHODS
def disclosure_review(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _for_recording(request, pk)
    open_for_review = disclosure.status == DisclosureStatus.DELIVERED or (
        disclosure.status == DisclosureStatus.DECIDED and disclosure.outcome == Outcome.DO_NOT_DISCLOSE
    )
    form = ReviewForm(data=_posted(request), initial={"version": disclosure.version})
    if request.method == "POST" and open_for_review and form.is_valid():
        try:
            services.disclosure_review(
                disclosure=disclosure,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{disclosure.reference} reviewed and closed")
            return redirect(_record_url(disclosure))
    return _page(request, "review.html", disclosure, form=form, open_for_review=open_for_review)


# --- the record for the file --------------------------------------------------------------------


@require_GET
def disclosure_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_before_opening(request, pk, Permission.DISCLOSURE_RECORD, Permission.DISCLOSURE_DECIDE):
        raise PermissionDenied(DOWNLOAD_REFUSED)
    disclosure = open_disclosure(request, pk)
    try:
        content = services.disclosure_record_export(disclosure=disclosure, by=_user(request))
    except ApplicationError as error:
        return _page(request, "pdf_unavailable.html", disclosure, message=error.message, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    # References only in the file name, never a name: it ends up in download folders.
    response["Content-Disposition"] = f'attachment; filename="{disclosure.reference}-record.pdf"'
    # NoStoreMiddleware says this for every signed-in page; said here too, as the copies do.
    response["Cache-Control"] = "no-store"
    return response


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    disclosure: Disclosure
    overdue: bool


def _rows(disclosures: QuerySet[Disclosure]) -> list[Row]:
    # The nominal's name (or a scheme disclosure's subject's) is read from its person's names:
    # fetched once for the list, not per row.
    shown = disclosures.prefetch_related("nominal__person__names", "subject__names")[: selectors.LIST_LIMIT]
    return [Row(d, selectors.is_delivery_overdue(d)) for d in shown]


@require_GET
def disclosure_dashboard(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.DISCLOSURE_VIEW):
        raise PermissionDenied("You do not have permission to see disclosures")
    user = request.user
    lists = {
        "overdue": _rows(selectors.overdue_deliveries(fetched_by=user)),
        "open": _rows(selectors.open_disclosures(fetched_by=user)),
        "ratification": _rows(awaiting_ratification(fetched_by=user)),
        "review": _rows(selectors.awaiting_review(fetched_by=user)),
    }
    context = {**lists, "limit": selectors.LIST_LIMIT}
    shown = [row.disclosure for rows in lists.values() for row in rows]
    disclosures_listed(disclosures=shown, page="Disclosures dashboard", by=_user(request))
    return render(request, "disclosures/delivery/dashboard.html", context)
