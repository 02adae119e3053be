"""Pages for writing, submitting, approving and correcting minutes, and for following up actions.

Minutes are opened through access_minutes, which gives one 404 for missing or not yours and
records the consultation (on GET: a POST acts on what its GET page already showed and recorded).
Who may write (the meeting's minute-taker) or approve (its chair) is checked here as a courtesy,
so a refused page is a 403 rather than a form, and again in the services. Drafting one's own
minutes needs no signature for the meeting's other papers (selectors.minutes_list).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.panels import panels_for
from mappa.meetings import selectors_minutes as sel
from mappa.meetings import services_minutes as services
from mappa.meetings.access import access_meeting, access_minutes
from mappa.meetings.forms_minutes import (
    ActionForm,
    ActionUpdateForm,
    DecisionForm,
    EntryForm,
    MinutesForm,
    ReasonForm,
    ReviewForm,
    VersionForm,
)
from mappa.meetings.models import Minutes, MinutesStatus
from mappa.meetings.selectors_copies import copy_actions
from mappa.web.page import posted as _posted
from mappa.web.page import refuse as _refused
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

_FORM_METHODS = require_http_methods(["GET", "POST"])
LIST_LIMIT = 100
_ROW_KINDS = {"entry": "Information shared", "decision": "Decision", "action": "Action"}


def _minutes(request: HttpRequest, pk: int) -> Minutes:
    return access_minutes(request.user, pk, record=request.method == "GET")


def _draft(request: HttpRequest, pk: int) -> Minutes:
    """Minutes the user writes, still a draft; otherwise 403, or back to the minutes."""
    minutes = _minutes(request, pk)
    if not sel.can_write_minutes(request.user, minutes.agenda_item.meeting):
        raise PermissionDenied("Only the meeting's minute-taker can write these minutes")
    return minutes


def _not_draft(request: HttpRequest, minutes: Minutes) -> HttpResponse | None:
    if minutes.status == MinutesStatus.DRAFT:
        return None
    messages.error(request, services.LOCKED_MESSAGE if minutes.is_locked else services.SUBMITTED_MESSAGE)
    return redirect("meetings:minutes-detail", pk=minutes.pk)


def _chaired(request: HttpRequest, pk: int) -> Minutes:
    minutes = _minutes(request, pk)
    if not sel.can_approve_minutes(request.user, minutes.agenda_item.meeting):
        raise PermissionDenied("Only the meeting's chair can do this")
    return minutes


def _url(name: str, pk: int) -> str | None:
    # The meeting, copies and chair's permission pages are other parts'; link to them once
    # they exist, so these pages never break on a name that is not there.
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Section:
    """One text section of the minutes, with where it was pre-filled from if still to confirm."""

    name: str
    label: str
    text: str
    source: str | None


def _sections(minutes: Minutes, pending: dict[str, str]) -> dict[str, Section]:
    return {
        name: Section(name, sel.SECTION_LABELS[name], getattr(minutes, name), pending.get(name))
        for name in sel.TEXT_SECTIONS
    }


@require_GET
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes(request, pk)
    item = minutes.agenda_item
    meeting = item.meeting
    writer = sel.can_write_minutes(request.user, meeting)
    chair = sel.can_approve_minutes(request.user, meeting)
    draft = minutes.status == MinutesStatus.DRAFT
    correction = sel.open_correction(minutes)
    rows = sel.draft_rows(minutes)
    sections = _sections(minutes, sel.reused_from(minutes))
    context = {
        "minutes": minutes,
        "item": item,
        "meeting": meeting,
        "nominal": item.nominal,
        "attendance": sel.attendance(meeting),
        "statement_versions": sel.statement_versions(meeting),
        "previous_actions": sel.previous_actions(minutes),
        "entries": rows["entry"],
        "decisions": rows["decision"],
        "actions": rows["action"],
        "sections": sections,
        "rmp": [sections[name] for name in sel.RMP_SECTIONS],
        "versions": sel.minutes_versions(minutes, fetched_by=request.user),
        "today": timezone.localdate(),
        # Earlier actions are reviewed while drafting; this meeting's own are followed up, as
        # tasks, once the minutes are approved.
        "review_minutes": minutes if writer and draft else None,
        "link_actions": minutes.status == MinutesStatus.APPROVED,
        "meeting_url": _url("meetings:meeting-detail", meeting.pk),
        "can_write": writer and draft,
        "can_decide": chair and minutes.status == MinutesStatus.SUBMITTED,
        "can_correct": (writer or chair) and minutes.status == MinutesStatus.APPROVED and correction is None,
        "correction": correction,
        # Download, print, ask permission, register: each shown only to those allowed.
        "copies": copy_actions(minutes=minutes, user=request.user) if minutes.is_locked else None,
        # What other apps recorded against these minutes (plans approved, disclosures decided).
        "panels": panels_for("minutes", request, minutes),
    }
    return render(request, "meetings/minutes_detail.html", context)


@require_POST
def minutes_start(request: HttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_pk)
    if not sel.can_write_minutes(request.user, meeting):
        raise PermissionDenied("Only the meeting's minute-taker can write its minutes")
    item = sel.agenda_item_to_minute(meeting, item_pk, fetched_by=request.user)
    if item is None:
        raise Http404("No such agenda item")
    try:
        minutes = services.minutes_start(agenda_item=item, by=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        latest = sel.latest_minutes(item)
        if latest is not None:
            return redirect("meetings:minutes-detail", pk=latest.pk)
        return redirect(_url("meetings:meeting-detail", meeting.pk) or reverse("web:home"))
    messages.success(request, "Minutes started")
    return redirect("meetings:minutes-edit", pk=minutes.pk)


@_FORM_METHODS
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _draft(request, pk)
    if (refused := _not_draft(request, minutes)) is not None:
        return refused
    pending = sel.reused_from(minutes)
    initial: dict[str, Any] = {name: getattr(minutes, name) for name in sel.EDITABLE_SECTIONS}
    initial["version"] = minutes.version
    form = MinutesForm(data=_posted(request), initial=initial, pending=pending)
    stored = None
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_update(
                minutes=minutes,
                version=form.cleaned_data["version"],
                sections=form.sections(),
                confirmed=form.confirmed(),
                by=_user(request),
            )
        except services.MinutesConflict as error:
            # Keep what the writer typed, show what is now saved, and let the next save go
            # ahead against the version they have now seen.
            stored = access_minutes(request.user, pk, record=False)
            data = request.POST.copy()
            data["version"] = str(stored.version)
            pending = sel.reused_from(stored)
            form = MinutesForm(data=data, initial=initial, pending=pending)
            form.is_valid()
            _refused(form, error)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Minutes saved")
            return redirect("meetings:minutes-detail", pk=minutes.pk)
    context = {
        "form": form,
        "minutes": minutes,
        "nominal": minutes.agenda_item.nominal,
        "meeting": minutes.agenda_item.meeting,
        "stored": stored,
        "stored_sections": [
            (sel.SECTION_LABELS[name], getattr(stored, name)) for name in sel.EDITABLE_SECTIONS
        ]
        if stored is not None
        else [],
    }
    return render(request, "meetings/minutes_edit.html", context)


@require_POST
def minutes_confirm(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    minutes = _draft(request, pk)
    try:
        services.minutes_confirm_current(minutes=minutes, section=section, by=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{sel.SECTION_LABELS.get(section, 'Section')} confirmed as still current")
    return redirect("meetings:minutes-detail", pk=minutes.pk)


@_FORM_METHODS
def minutes_entries(request: HttpRequest, pk: int) -> HttpResponse:
    """Information shared, decisions and actions: three small forms on one page, each posting
    its own `form` name, so an error in one leaves the others as they were."""
    minutes = _draft(request, pk)
    if (refused := _not_draft(request, minutes)) is not None:
        return refused
    meeting = minutes.agenda_item.meeting
    agencies = sel.entry_agencies(meeting)
    which = request.POST.get("form") if request.method == "POST" else None
    entry_form = EntryForm(agencies, data=_posted(request) if which == "entry" else None)
    decision_form = DecisionForm(data=_posted(request) if which == "decision" else None)
    action_form = ActionForm(
        agencies, sel.action_owner_choices(meeting), data=_posted(request) if which == "action" else None
    )
    forms = {"entry": entry_form, "decision": decision_form, "action": action_form}
    if request.method == "POST":
        form = forms.get(which or "")
        if form is None:
            raise Http404("No such form")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "entry":
                    services.minutes_entry_add(
                        minutes=minutes, agency=data["agency"], text=data["text"], by=_user(request)
                    )
                elif which == "decision":
                    services.minutes_decision_add(minutes=minutes, by=_user(request), **data)
                else:
                    services.minutes_action_add(
                        minutes=minutes,
                        description=data["description"],
                        owner_agency=data["owner_agency"],
                        owner=action_form.owner_user(),
                        due_date=data["due_date"],
                        by=_user(request),
                    )
            except ApplicationError as error:
                _refused(form, error)
            else:
                messages.success(request, f"{_ROW_KINDS[which or '']} added")
                return redirect("meetings:minutes-entries", pk=minutes.pk)
    rows = sel.draft_rows(minutes)
    context = {
        "minutes": minutes,
        "nominal": minutes.agenda_item.nominal,
        "meeting": meeting,
        "form": forms.get(which or ""),  # for the "Error:" page title
        "entry_form": entry_form,
        "decision_form": decision_form,
        "action_form": action_form,
        "entries": rows["entry"],
        "decisions": rows["decision"],
        "actions": rows["action"],
    }
    return render(request, "meetings/minutes_entries.html", context)


@require_POST
def minutes_row_remove(request: HttpRequest, pk: int, kind: str, row_pk: int) -> HttpResponse:
    minutes = _draft(request, pk)
    rows = sel.draft_rows(minutes)
    if kind not in rows:
        raise Http404("No such row")
    row = rows[kind].filter(pk=row_pk).first()
    if row is None:
        raise Http404("No such row")
    removers = {
        "entry": lambda: services.minutes_entry_remove(entry=row, by=_user(request)),
        "decision": lambda: services.minutes_decision_remove(decision=row, by=_user(request)),
        "action": lambda: services.minutes_action_remove(action=row, by=_user(request)),
    }
    try:
        removers[kind]()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{_ROW_KINDS[kind]} removed")
    return redirect("meetings:minutes-entries", pk=minutes.pk)


@_FORM_METHODS
def minutes_action_review(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    minutes = _draft(request, pk)
    if (refused := _not_draft(request, minutes)) is not None:
        return refused
    action = sel.previous_actions(minutes).filter(pk=action_pk).first()
    if action is None:
        raise Http404("No such action")
    initial = {
        "status": action.status if action.status != "open" else None,
        "outcome_note": action.outcome_note,
    }
    form = ReviewForm(data=_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_review(action=action, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Review of the action recorded")
            return redirect("meetings:minutes-detail", pk=minutes.pk)
    context = {"form": form, "minutes": minutes, "action": action, "nominal": minutes.agenda_item.nominal}
    return render(request, "meetings/minutes_action_review.html", context)


@_FORM_METHODS
def minutes_submit(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _draft(request, pk)
    if (refused := _not_draft(request, minutes)) is not None:
        return refused
    form = VersionForm(data=_posted(request), initial={"version": minutes.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_submit(minutes=minutes, version=form.cleaned_data["version"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Minutes submitted to the chair for approval")
            return redirect("meetings:minutes-detail", pk=minutes.pk)
    context = {
        "form": form,
        "minutes": minutes,
        "nominal": minutes.agenda_item.nominal,
        "problems": sel.minutes_problems(minutes),
        "labels": sel.SECTION_LABELS,
    }
    return render(request, "meetings/minutes_submit.html", context)


@_FORM_METHODS
def minutes_return(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _chaired(request, pk)
    form = ReasonForm(
        data=_posted(request),
        label="What needs changing?",
        hint="The minute-taker is told, and the minutes go back to them as a draft.",
        missing="Enter what needs changing",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_return(minutes=minutes, reason=form.cleaned_data["reason"], by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Minutes returned to the minute-taker")
            return redirect("meetings:minutes-detail", pk=minutes.pk)
    context = {"form": form, "minutes": minutes, "nominal": minutes.agenda_item.nominal}
    return render(request, "meetings/minutes_return.html", context)


_LEVEL_MESSAGES = {
    sel.LEVEL_APPLIED: "The nominal's level has been changed to the level decided",
    sel.LEVEL_NOT_PERMITTED: "The nominal's level has not been changed: you cannot change this "
    "nominal's level. Ask its lead agency or the MAPPA co-ordinator to record the level decided",
    sel.LEVEL_EXITED: "The nominal has exited MAPPA, so its level has not been changed",
}


@_FORM_METHODS
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _chaired(request, pk)
    user = _user(request)
    form = VersionForm(data=_posted(request), initial={"version": minutes.version})
    if request.method == "POST" and form.is_valid():
        outcome = sel.level_change_outcome(minutes, user)
        try:
            services.minutes_approve(minutes=minutes, version=form.cleaned_data["version"], by=user)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Minutes approved")
            if outcome in _LEVEL_MESSAGES:
                messages.info(request, _LEVEL_MESSAGES[outcome])
            return redirect("meetings:minutes-detail", pk=minutes.pk)
    context = {
        "form": form,
        "minutes": minutes,
        "nominal": minutes.agenda_item.nominal,
        "level_outcome": sel.level_change_outcome(minutes, user),
        "signed": sel.signed_count(minutes.agenda_item.meeting),
        "superseding": minutes.number > 1,
    }
    return render(request, "meetings/minutes_approve.html", context)


@_FORM_METHODS
def minutes_correct(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes(request, pk)
    meeting = minutes.agenda_item.meeting
    if not (sel.can_approve_minutes(request.user, meeting) or sel.can_write_minutes(request.user, meeting)):
        raise PermissionDenied("Only the meeting's chair or minute-taker can correct these minutes")
    form = ReasonForm(
        data=_posted(request),
        label="Why do the minutes need correcting?",
        hint="The reason is kept with the corrected version, which everyone who reads the minutes sees.",
        missing="Enter the reason for the correction",
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.minutes_correct(
                minutes=minutes, reason=form.cleaned_data["reason"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Correction started as version {correction.number}")
            return redirect("meetings:minutes-detail", pk=correction.pk)
    context = {"form": form, "minutes": minutes, "nominal": minutes.agenda_item.nominal}
    return render(request, "meetings/minutes_correct.html", context)


# --- actions --------------------------------------------------------------------------------


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.MEETING_VIEW):
        raise PermissionDenied("You do not have permission to see meeting actions")
    mine = list(sel.my_open_actions(fetched_by=request.user)[:LIST_LIMIT])
    agency = list(sel.agency_open_actions(fetched_by=request.user)[:LIST_LIMIT])
    oversees = sel.oversees_actions(request.user)
    overdue = list(sel.overdue_meeting_actions(fetched_by=request.user)[:LIST_LIMIT]) if oversees else []
    shown = sorted({action.pk for action in (*mine, *agency, *overdue)})
    services.actions_consulted(action_ids=shown, by=_user(request))
    context = {
        "mine": mine,
        "agency": agency,
        "overdue": overdue,
        "oversees": oversees,
        "limit": LIST_LIMIT,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/action_list.html", context)


@_FORM_METHODS
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = sel.access_action(request.user, pk, record=request.method == "GET")
    can_update = sel.can_update_action(request.user, action)
    if request.method == "POST" and not can_update:
        raise PermissionDenied("You cannot update this action")
    form = ActionUpdateForm(
        data=_posted(request), initial={"status": action.status, "outcome_note": action.outcome_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action updated")
            return redirect("meetings:action-list")
    context = {
        "form": form,
        "action": action,
        "can_update": can_update,
        "nominal": action.nominal,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/action_update.html", context)
