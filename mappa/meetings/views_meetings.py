"""Pages of level 2 and 3 meetings: list, schedule, change, invite, sign, attendance, papers.

Every page about one meeting opens it through access_meeting (the same 404 for missing and not
allowed). The meeting's logistics and who is invited are not papers; the agenda (the names of
the cases), the referrals, previous minutes and written reports are, and open only once the
user has signed the confidentiality statement for the meeting: the pages that need them send
an unsigned user to the signing page. Buttons are shown to those allowed, as a courtesy: the
services check again.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.panels import panels_for
from mappa.meetings import forms_meetings as forms
from mappa.meetings import selectors, services_meetings
from mappa.meetings import selectors_meetings as rules
from mappa.meetings.access import access_meeting
from mappa.meetings.models import Attendee, Meeting, MeetingKind, MeetingStatus
from mappa.meetings.papers import meeting_pack
from mappa.nominals.selectors import nominal_list, ra_areas
from mappa.web.forms import GovukForm
from mappa.web.page import posted as _posted
from mappa.web.page import signed_in_user as _user

if TYPE_CHECKING:
    pass

PAGE_SIZE = 50
_FORM_METHODS = require_http_methods(["GET", "POST"])
# Service fields that the form asks for under another name.
_FIELD_NAMES = {"starts_at": "date"}


def _refused(form: GovukForm, error: ApplicationError) -> None:
    field = _FIELD_NAMES.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


def _require_manage(request: HttpRequest, meeting: Meeting) -> None:
    if not rules.can_manage(request.user, meeting):
        raise PermissionDenied("Only a MAPPA co-ordinator of the meeting's area can do this")


def _to_sign(meeting: Meeting) -> HttpResponse:
    return redirect("meetings:meeting-sign", pk=meeting.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.MEETING_VIEW):
        raise PermissionDenied("You do not have permission to see MAPPA meetings")
    upcoming, past = rules.upcoming_and_past(fetched_by=request.user)
    proposals = rules.proposed_reviews(fetched_by=request.user)
    services_meetings.proposed_reviews_consulted(
        nominal_ids=[proposal.nominal.pk for proposal in proposals], by=_user(request)
    )
    signed = set(selectors.signed_meeting_ids(user=request.user).values_list("meeting_id", flat=True))
    context = {
        "upcoming": upcoming,
        "past": Paginator(past, PAGE_SIZE).get_page(request.GET.get("page")),
        "signed": signed,
        "proposals": proposals,
        "can_schedule": has_permission(request.user, Permission.MEETING_MANAGE)
        and ra_areas(request.user).exists(),
    }
    return render(request, "meetings/meeting_list.html", context)


@_FORM_METHODS
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Permission.MEETING_MANAGE):
        raise PermissionDenied("Only a MAPPA co-ordinator can schedule meetings")
    areas = ra_areas(request.user).order_by("name")
    if not areas.exists():
        raise PermissionDenied("Only a MAPPA co-ordinator can schedule meetings")
    # The case the co-ordinator came from (its page, or a proposed review): a numeric id only.
    chosen = _int(request.GET.get("nominal"))
    preselected = (
        nominal_list(fetched_by=request.user).filter(pk=chosen, area__in=areas).first() if chosen else None
    )
    nominals = rules.agenda_nominal_choices(
        fetched_by=request.user, include=preselected.pk if preselected else None
    )
    initial: dict[str, Any] = {"level": 2, "kind": MeetingKind.INITIAL}
    if preselected is not None:
        initial.update(area=preselected.area_id, nominals=[preselected.pk], level=max(2, preselected.level))
        if request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = request.GET["kind"]
        if initial["kind"] == MeetingKind.REVIEW:
            initial["date"] = rules.proposed_date(preselected)
    chairs = {user.pk: user for user in rules.chair_choices(fetched_by=request.user)}
    takers = {user.pk: user for user in rules.minute_taker_choices(fetched_by=request.user)}
    form = forms.MeetingForm(
        data=_posted(request),
        initial=initial,
        areas=areas,
        nominals=nominals,
        chairs=list(chairs.values()),
        minute_takers=list(takers.values()),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {nominal.pk: nominal for nominal in nominals}
        try:
            meeting = services_meetings.meeting_schedule(
                area=data["area"],
                level=data["level"],
                kind=data["kind"],
                starts_at=form.starts_at(),
                location=data["location"],
                video_link=data["video_link"],
                chair=chairs.get(data["chair"]),
                minute_taker=takers.get(data["minute_taker"]),
                nominals=[by_pk[pk] for pk in data["nominals"] if pk in by_pk],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            mismatched = rules.level_mismatches(meeting)
            note = (
                f". Check the level: {mismatched} of the cases {'is' if mismatched == 1 else 'are'} "
                f"not managed at level {meeting.level} or referred to it"
                if mismatched
                else ""
            )
            messages.success(request, f"Meeting {meeting.reference} scheduled{note}")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    context = {"form": form, "preselected": preselected}
    return render(request, "meetings/meeting_create.html", context)


def _minutes_start(request: HttpRequest, meeting: Meeting, item_pk: int) -> str | None:
    """Where the minute-taker starts a case's minutes (the minutes pages are another part of the
    app, so the link is offered only once they exist)."""
    if meeting.minute_taker_id != request.user.pk or meeting.status == MeetingStatus.CANCELLED:
        return None
    try:
        return reverse("meetings:minutes-start", args=[meeting.pk, item_pk])
    except NoReverseMatch:
        return None


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    signed = selectors.has_signed(meeting=meeting, user=request.user)
    items = list(selectors.agenda(meeting=meeting, fetched_by=request.user))
    if items:
        services_meetings.agenda_consulted(
            meeting=meeting, nominal_ids=[item.nominal_id for item in items], by=_user(request)
        )
    manage = rules.can_manage(request.user, meeting)
    chair = rules.is_chair(request.user, meeting)
    scheduled = meeting.status == MeetingStatus.SCHEDULED
    context = {
        "meeting": meeting,
        "signed": signed,
        # Per case: where the minute-taker starts its minutes (a POST), and its latest minutes.
        "rows": [
            (item, _minutes_start(request, meeting, item.pk), item.minutes.order_by("-number").first())
            for item in items
        ],
        "agenda_count": meeting.agenda_items.count(),
        "attendees": rules.attendee_list(meeting=meeting, fetched_by=request.user),
        "invited_agencies": meeting.invited_agencies.order_by("name"),
        "reports": rules.written_reports(meeting=meeting, fetched_by=request.user),
        "statement": selectors.current_statement(),
        "can_manage": manage and scheduled,
        "is_chair": chair,
        "can_record_attendance": (manage or chair) and meeting.status != MeetingStatus.CANCELLED,
        "can_mark_held": (manage or chair) and scheduled,
        "can_sign": not signed and scheduled,
        "can_report": scheduled and rules.report_agency(request.user, meeting) is not None,
        "level_mismatches": rules.level_mismatches(meeting) if manage else 0,
    }
    return render(request, "meetings/meeting_detail.html", context)


@_FORM_METHODS
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    _require_manage(request, meeting)
    chairs = rules.chair_choices(fetched_by=request.user, area=meeting.area)
    takers = rules.minute_taker_choices(fetched_by=request.user, area=meeting.area)
    form = forms.MeetingForm(
        data=_posted(request),
        initial=forms.meeting_initial(meeting),
        chairs=chairs,
        minute_takers=takers,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_meetings.meeting_update(
                meeting=meeting,
                version=data["version"],
                level=data["level"],
                kind=data["kind"],
                starts_at=form.starts_at(),
                location=data["location"],
                video_link=data["video_link"],
                chair=next((user for user in chairs if user.pk == data["chair"]), None),
                minute_taker=next((user for user in takers if user.pk == data["minute_taker"]), None),
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Meeting {meeting.reference} changed")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_edit.html", {"form": form, "meeting": meeting})


@_FORM_METHODS
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    _require_manage(request, meeting)
    form = forms.CancelForm(data=_posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.meeting_cancel(
                meeting=meeting,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Meeting {meeting.reference} cancelled")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting})


@_FORM_METHODS
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    if not rules.can_record_attendance(request.user, meeting):
        raise PermissionDenied(
            "Only the chair or a co-ordinator of the area can record that the meeting was held"
        )
    form = forms.ConfirmForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.meeting_mark_held(meeting=meeting, by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Meeting {meeting.reference} recorded as held")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    context = {
        "form": form,
        "meeting": meeting,
        "unsigned": [
            a for a in rules.attendee_list(meeting=meeting, fetched_by=request.user) if not a.has_signed
        ],
    }
    return render(request, "meetings/meeting_held.html", context)


@_FORM_METHODS
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    _require_manage(request, meeting)
    agencies = rules.invitable_agencies(meeting=meeting, fetched_by=request.user)
    people = rules.invitable_people(meeting=meeting, fetched_by=request.user)
    which = request.POST.get("invite") if request.method == "POST" else None
    agency_form = forms.InviteAgencyForm(
        agencies, data=_posted(request) if which == "agency" else None, prefix="a"
    )
    person_form = forms.InvitePersonForm(
        people, data=_posted(request) if which == "person" else None, prefix="p"
    )
    if which == "agency" and agency_form.is_valid():
        agency = agencies.filter(pk=agency_form.cleaned_data["agency"]).first()
        try:
            if agency is None:
                raise ApplicationError("Select the agency to invite", field="agency")
            services_meetings.meeting_invite_agency(meeting=meeting, agency=agency, by=_user(request))
        except ApplicationError as error:
            _refused(agency_form, error)
        else:
            messages.success(request, f"{agency.name} invited")
            return redirect("meetings:meeting-invite", pk=meeting.pk)
    if which == "person" and person_form.is_valid():
        membership = next((m for m in people if m.user_id == person_form.cleaned_data["user"]), None)
        try:
            if membership is None:
                raise ApplicationError("Select the person to invite", field="user")
            services_meetings.meeting_invite_person(meeting=meeting, user=membership.user, by=_user(request))
        except ApplicationError as error:
            _refused(person_form, error)
        else:
            messages.success(
                request, f"{membership.user.get_full_name() or membership.user.username} invited"
            )
            return redirect("meetings:meeting-invite", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "agency_form": agency_form,
        "person_form": person_form,
        "invited_agencies": meeting.invited_agencies.order_by("name"),
        "attendees": rules.attendee_list(meeting=meeting, fetched_by=request.user),
        # For base.html's "Error: " title prefix.
        "form": agency_form if agency_form.errors else person_form,
    }
    return render(request, "meetings/meeting_invite.html", context)


@_FORM_METHODS
def meeting_sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    statement = selectors.current_statement()
    attendee = selectors.attendee_for(meeting=meeting, user=request.user)
    form = forms.SignForm(
        data=_posted(request), initial={"statement_version": statement.version if statement else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.confidentiality_sign(
                meeting=meeting, by=_user(request), statement_version=form.cleaned_data["statement_version"]
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Signed. The meeting's papers are open to you")
            return redirect("meetings:meeting-pack", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "statement": statement,
        "attendee": attendee,
        "form": form,
        "can_sign": meeting.status == MeetingStatus.SCHEDULED and statement is not None,
    }
    return render(request, "meetings/meeting_sign.html", context)


def _attendee_name(attendee: Attendee) -> str:
    if attendee.user is None:
        return attendee.name
    return attendee.user.get_full_name() or attendee.user.username


@_FORM_METHODS
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    if not rules.can_record_attendance(request.user, meeting):
        raise PermissionDenied("Only the chair or a co-ordinator of the area can record attendance")
    attendees = list(rules.attendee_list(meeting=meeting, fetched_by=request.user))
    chair = rules.is_chair(request.user, meeting)
    agencies = meeting.area.agencies.filter(is_active=True).order_by("name")
    which = request.POST.get("record") if request.method == "POST" else None
    status_form = forms.AttendanceForm(attendees, data=_posted(request) if which == "status" else None)
    external_form = forms.ExternalAttendeeForm(
        agencies, data=_posted(request) if which == "external" else None, prefix="x"
    )
    if which == "status" and status_form.is_valid():
        try:
            services_meetings.attendance_record(
                meeting=meeting,
                attendee=status_form.cleaned_data["attendee"],
                status=status_form.cleaned_data["status"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(status_form, error)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("meetings:meeting-attendance", pk=meeting.pk)
    if which == "external":
        if not chair:
            raise PermissionDenied("Only the chair of the meeting can record an external attendee")
        if external_form.is_valid():
            data = external_form.cleaned_data
            try:
                services_meetings.external_attendee_record(
                    meeting=meeting,
                    name=data["name"],
                    role=data["role"],
                    organisation=data["organisation"],
                    agency=agencies.filter(pk=data["agency"]).first() if data["agency"] else None,
                    signed=data["signed"],
                    by=_user(request),
                )
            except ApplicationError as error:
                _refused(external_form, error)
            else:
                messages.success(request, f"{data['name']} recorded as attending")
                return redirect("meetings:meeting-attendance", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "rows": [(attendee, _attendee_name(attendee)) for attendee in attendees],
        "status_form": status_form,
        "external_form": external_form,
        "is_chair": chair,
        "started": meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= timezone.now(),
        "form": status_form if status_form.errors else external_form,
    }
    return render(request, "meetings/meeting_attendance.html", context)


@_FORM_METHODS
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """The co-ordinator adds cases to the agenda, or takes them off, before the meeting."""
    meeting = access_meeting(request.user, pk)
    _require_manage(request, meeting)
    if not selectors.has_signed(meeting=meeting, user=request.user):
        return _to_sign(meeting)
    items = list(selectors.agenda(meeting=meeting, fetched_by=request.user))
    on_agenda = {item.nominal_id for item in items}
    choices = [
        n
        for n in rules.agenda_nominal_choices(fetched_by=request.user, area=meeting.area)
        if n.pk not in on_agenda
    ]
    form = forms.AgendaAddForm(choices, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        nominal = next((n for n in choices if n.pk == form.cleaned_data["nominal"]), None)
        try:
            if nominal is None:
                raise ApplicationError("Select the nominal to add", field="nominal")
            services_meetings.agenda_add(meeting=meeting, nominal=nominal, by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Case added to the agenda")
            return redirect("meetings:meeting-agenda", pk=meeting.pk)
    if items:
        services_meetings.agenda_consulted(
            meeting=meeting, nominal_ids=[item.nominal_id for item in items], by=_user(request)
        )
    context = {
        "meeting": meeting,
        "form": form,
        "can_change": meeting.status == MeetingStatus.SCHEDULED,
    }
    return render(request, "meetings/meeting_agenda.html", context)


@_FORM_METHODS
def meeting_agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    _require_manage(request, meeting)
    if not selectors.has_signed(meeting=meeting, user=request.user):
        return _to_sign(meeting)
    item = rules.agenda_item_for(meeting=meeting, pk=item_pk, fetched_by=request.user)
    if item is None:
        raise Http404("No such case on the agenda")
    form = forms.ConfirmForm(data=_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.agenda_remove(agenda_item=item, by=_user(request))
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Case taken off the agenda")
            return redirect("meetings:meeting-agenda", pk=meeting.pk)
    return render(
        request, "meetings/meeting_agenda_remove.html", {"form": form, "meeting": meeting, "item": item}
    )


@_FORM_METHODS
def meeting_statement(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    if not rules.is_chair(request.user, meeting):
        raise PermissionDenied("Only the chair of the meeting can record how the statement was given")
    if not selectors.has_signed(meeting=meeting, user=request.user):
        return _to_sign(meeting)
    item = rules.agenda_item_for(meeting=meeting, pk=item_pk, fetched_by=request.user)
    if item is None:
        raise Http404("No such case on the agenda")
    form = forms.StatementForm(data=_posted(request), initial={"how": item.statement or None})
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.statement_recorded(
                agenda_item=item, how=form.cleaned_data["how"], by=_user(request)
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Recorded how the confidentiality statement was given")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    return render(
        request, "meetings/meeting_statement.html", {"form": form, "meeting": meeting, "item": item}
    )


@_FORM_METHODS
def meeting_report(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    agency = rules.report_agency(request.user, meeting)
    if agency is None:
        raise PermissionDenied(
            "Only an invited agency that is not attending the meeting can send a written report"
        )
    if not selectors.has_signed(meeting=meeting, user=request.user):
        return _to_sign(meeting)
    items = list(selectors.agenda(meeting=meeting, fetched_by=request.user))
    form = forms.ReportForm(items, data=_posted(request))
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["agenda_item"]
        try:
            services_meetings.written_report_submit(
                meeting=meeting,
                agenda_item=next((item for item in items if item.pk == chosen), None),
                agency=agency,
                text=form.cleaned_data["text"],
                by=_user(request),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Written report sent to the meeting")
            return redirect("meetings:meeting-detail", pk=meeting.pk)
    return render(
        request, "meetings/meeting_report.html", {"form": form, "meeting": meeting, "agency": agency}
    )


@require_GET
def meeting_pack_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    pack = meeting_pack(meeting=meeting, fetched_by=request.user)
    if not pack.signed:
        return _to_sign(meeting)
    context = {
        "meeting": meeting,
        "pack": pack,
        # Items shared into the meeting, added by the information sharing app (core/panels.py).
        "panels": panels_for("meeting_pack", request, meeting),
    }
    return render(request, "meetings/meeting_pack.html", context)
