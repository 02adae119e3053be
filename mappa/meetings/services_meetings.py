"""Writes for level 2 and 3 meetings: scheduling, invitations, signatures, attendance, reports.

Each is one transaction: permission, validation, write, audit. The object rules are in
selectors_meetings.py: a co-ordinator runs the meetings of the areas their agency serves, only
the chair records what happens at the meeting (external attendees' signatures, the statement
read per case), and only an invited agency that is not attending sends a written report.

Signing is the key to the papers (selectors.has_signed), so a signature records the version of
the statement signed and when, and nothing about the cases is readable before it. Audit events
name meetings and agencies by reference or code, never a nominal by name; events about one case
carry its nominal_id and its lead agency, so the case's own access log shows them.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mappa.accounts.models import AgencyMembership
from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import selectors_meetings as rules
from mappa.meetings.models import (
    OPEN_REFERRAL_STATUSES,
    AgendaItem,
    Attendee,
    AttendeeStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Referral,
    ReferralStatus,
    WrittenReport,
)
from mappa.meetings.selectors import current_statement, has_signed, meeting_list
from mappa.nominals.models import Nominal, Status
from mappa.nominals.selectors import acting_agency, nominal_list, ra_areas

if TYPE_CHECKING:
    from mappa.accounts.models import User

CONFLICT_MESSAGE = (
    "Someone else changed this meeting while you were working on it. Your change has not been "
    "saved. Go back to the meeting to see it as it is now, then make your change again"
)
# An emergency meeting may be called for now: the time is entered to the minute, and the form
# may take a few minutes to fill in.
EMERGENCY_GRACE = timedelta(minutes=30)
MAX_TEXT = 2000
MAX_REPORT = 10000
_HOW = {"read": "read out", "displayed": "displayed"}


# --- checks -------------------------------------------------------------------------------------


def _acting_agency(by: "User") -> Agency:
    agency = acting_agency(by)
    if agency is None:
        raise PermissionDenied("Choose the agency you are acting for first")
    return agency


def _require_manage(by: "User", meeting: Meeting) -> None:
    if not rules.can_manage(by, meeting):
        raise PermissionDenied("Only a MAPPA co-ordinator of the meeting's area can do this")


def _require_visible(by: "User", meeting: Meeting) -> None:
    if not meeting_list(fetched_by=by).filter(pk=meeting.pk).exists():
        raise PermissionDenied("You cannot see this meeting")


def _require_chair(by: "User", meeting: Meeting) -> None:
    if not rules.is_chair(by, meeting):
        raise PermissionDenied("Only the chair of the meeting can do this")


def _stored(meeting: Meeting, version: int | None = None) -> Meeting:
    """The meeting as stored, locked for this transaction (and still at `version`, if given)."""
    stored = Meeting.objects.select_for_update().select_related("area").get(pk=meeting.pk)
    if version is not None and stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    return stored


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("This meeting was cancelled")
    if meeting.status == MeetingStatus.HELD:
        raise ApplicationError("This meeting has been held and can no longer be changed")


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("This meeting was cancelled")


def _require_started(meeting: Meeting, what: str) -> None:
    if meeting.starts_at > timezone.now():
        raise ApplicationError(f"You can record {what} once the meeting has started")


def _text(value: str, *, field: str, label: str, required: bool = True, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise ApplicationError(
            f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field
        )
    return text


def _level(level: int) -> int:
    if level not in (2, 3):
        raise ApplicationError("Select level 2 or level 3", field="level")
    return level


def _kind(kind: str) -> str:
    if kind not in MeetingKind.values:
        raise ApplicationError("Select whether this is an initial, review or emergency meeting", field="kind")
    return kind


def _starts_at(starts_at: datetime | None, kind: str) -> datetime:
    if starts_at is None:
        raise ApplicationError("Enter the date and time of the meeting", field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    earliest = timezone.now() - (EMERGENCY_GRACE if kind == MeetingKind.EMERGENCY else timedelta(0))
    if starts_at < earliest:
        raise ApplicationError(
            "The meeting must be in the future (an emergency meeting may start now)", field="starts_at"
        )
    return starts_at


def _place(location: str, video_link: str) -> tuple[str, str]:
    location = _text(location, field="location", label="the place", required=False, max_length=300)
    video_link = (video_link or "").strip()
    if not location and not video_link:
        raise ApplicationError(
            "Enter the place of the meeting or a link to join it by video", field="location"
        )
    if video_link:
        try:
            URLValidator(schemes=["https"])(video_link)
        except ValidationError:
            raise ApplicationError(
                "Enter the video link as a full web address starting with https://", field="video_link"
            ) from None
        if len(video_link) > 200:
            raise ApplicationError("The video link must be 200 characters or fewer", field="video_link")
    return location, video_link


def _chair(chair: "User | None", area: MappaArea) -> AgencyMembership:
    """The membership through which `chair` may chair in the area (MAPPA Guidance ch. 13)."""
    membership = None if chair is None else rules.chair_membership(user=chair, area=area)
    if membership is None:
        raise ApplicationError(
            f"Select a chair who holds the meeting chair role in the police or probation service "
            f"of {area.name}: MAPPA meetings are chaired by a senior police or probation manager",
            field="chair",
        )
    return membership


def _minute_taker(minute_taker: "User | None", chair: "User | None", area: MappaArea) -> AgencyMembership:
    membership = None if minute_taker is None else rules.minute_taker_membership(user=minute_taker, area=area)
    if membership is None:
        raise ApplicationError(
            f"Select a minute-taker or MAPPA co-ordinator of an agency of {area.name}", field="minute_taker"
        )
    if chair is not None and minute_taker is not None and minute_taker.pk == chair.pk:
        raise ApplicationError(
            "The chair cannot also take the minutes: select someone else", field="minute_taker"
        )
    return membership


def _agenda_nominal(nominal: Nominal, area: MappaArea, by: "User", *, field: str = "nominals") -> Nominal:
    # Re-read through the register: the co-ordinator must be able to see it, and its area and
    # status are the stored facts, not what the form was built from.
    stored = nominal_list(fetched_by=by).filter(pk=nominal.pk).first()
    if stored is None or stored.area_id != area.pk:
        raise ApplicationError(f"Select only nominals managed in {area.name}", field=field)
    if stored.status == Status.EXITED:
        raise ApplicationError("A nominal who has exited MAPPA cannot be put on an agenda", field=field)
    return stored


def _referral_for(nominal: Nominal) -> Referral | None:
    """The referral that brought the case to this meeting: its latest open or accepted one."""
    return (
        Referral.objects.filter(
            nominal=nominal, status__in=[*OPEN_REFERRAL_STATUSES, ReferralStatus.ACCEPTED]
        )
        .order_by("-submitted_at", "-id")
        .first()
    )


def _add_item(meeting: Meeting, nominal: Nominal, position: int, by: "User") -> AgendaItem:
    item = AgendaItem(meeting=meeting, nominal=nominal, position=position, referral=_referral_for(nominal))
    item.save(override=True)
    # The lead agency manages the case, so it is invited as a matter of course.
    meeting.invited_agencies.add(nominal.lead_agency_id)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"Nominal put on the agenda of {meeting.reference}",
        object_type="agenda_item",
        object_id=item.pk,
        object_agency_id=nominal.lead_agency_id,
        nominal_id=nominal.pk,
        detail={"meeting": meeting.reference, "level": meeting.level},
    )
    return item


def _ensure_attendee(meeting: Meeting, membership: AgencyMembership) -> Attendee:
    attendee = Attendee.objects.filter(meeting=meeting, user_id=membership.user_id).first()
    if attendee is None:
        attendee = Attendee(meeting=meeting, user_id=membership.user_id, agency_id=membership.agency_id)
        attendee.save(override=True)
    return attendee


def _meeting_event(
    action: Action,
    meeting: Meeting,
    by: "User",
    summary: str,
    *,
    changed_fields: Iterable[str] = (),
    justification: str = "",
    detail: dict[str, object] | None = None,
) -> None:
    # Meeting events belong to the agency of the co-ordinator or officer acting, whose auditors
    # answer for what they did; case events belong to the case's lead agency instead.
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="meeting",
        object_id=meeting.pk,
        object_agency_id=_acting_agency(by).pk,
        changed_fields=changed_fields,
        justification=justification,
        detail=detail,
    )


# --- scheduling ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    area: MappaArea | None,
    level: int,
    kind: str,
    starts_at: datetime | None,
    location: str,
    video_link: str,
    chair: "User | None",
    minute_taker: "User | None",
    nominals: Iterable[Nominal],
    by: "User",
) -> Meeting:
    if not has_permission(by, Permission.MEETING_MANAGE):
        raise PermissionDenied("Only a MAPPA co-ordinator can schedule meetings")
    if area is None or not ra_areas(by).filter(pk=area.pk).exists():
        raise PermissionDenied("You can only schedule meetings in the areas your agency serves")
    level = _level(level)
    kind = _kind(kind)
    starts_at = _starts_at(starts_at, kind)
    location, video_link = _place(location, video_link)
    chairing = _chair(chair, area)
    taking = _minute_taker(minute_taker, chair, area)
    cases: dict[int, Nominal] = {}
    for nominal in nominals:
        cases.setdefault(nominal.pk, _agenda_nominal(nominal, area, by))
    if not cases:
        raise ApplicationError("Select at least one nominal to discuss", field="nominals")
    meeting = Meeting(
        area=area,
        level=level,
        kind=kind,
        starts_at=starts_at,
        location=location,
        video_link=video_link,
        chair=chairing.user,
        minute_taker=taking.user,
        created_by=by,
    )
    meeting.save(override=True)
    meeting.invited_agencies.add(chairing.agency, taking.agency)
    _ensure_attendee(meeting, chairing)
    _ensure_attendee(meeting, taking)
    _meeting_event(
        Action.COLLECTION,
        meeting,
        by,
        f"Level {level} {MeetingKind(kind).label.lower()} meeting scheduled: {meeting.reference}",
        detail={"level": level, "kind": kind, "agenda_items": len(cases)},
    )
    for position, nominal in enumerate(cases.values(), start=1):
        _add_item(meeting, nominal, position, by)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    version: int,
    level: int,
    kind: str,
    starts_at: datetime | None,
    location: str,
    video_link: str,
    chair: "User | None",
    minute_taker: "User | None",
    by: "User",
) -> Meeting:
    _require_manage(by, meeting)
    stored = _stored(meeting, version)
    _require_scheduled(stored)
    area = stored.area
    level = _level(level)
    kind = _kind(kind)
    if starts_at is None or starts_at != stored.starts_at:
        # A meeting already under way may have its other details corrected; a new time must
        # still be in the future.
        starts_at = _starts_at(starts_at, kind)
    location, video_link = _place(location, video_link)
    chairing = _chair(chair, area)
    taking = _minute_taker(minute_taker, chair, area)
    values = {
        "level": level,
        "kind": kind,
        "starts_at": starts_at,
        "location": location,
        "video_link": video_link,
        "chair_id": chairing.user_id,
        "minute_taker_id": taking.user_id,
    }
    changed = [field for field, value in values.items() if getattr(stored, field) != value]
    if not changed:
        return stored
    for field, value in values.items():
        setattr(stored, field, value)
    stored.version += 1
    stored.save(override=True, update_fields=[*changed, "version", "updated_at"])
    # A new chair or minute-taker is invited; whoever they replace stays on the list of those
    # invited (their signature, if any, is part of the meeting's record).
    stored.invited_agencies.add(chairing.agency, taking.agency)
    _ensure_attendee(stored, chairing)
    _ensure_attendee(stored, taking)
    _meeting_event(
        Action.ALTERATION,
        stored,
        by,
        f"Meeting changed: {stored.reference}",
        changed_fields=[field.removesuffix("_id") for field in changed],
    )
    return stored


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, version: int, reason: str, by: "User") -> Meeting:
    _require_manage(by, meeting)
    stored = _stored(meeting, version)
    _require_scheduled(stored)
    reason = _text(reason, field="reason", label="why the meeting is cancelled")
    stored.status = MeetingStatus.CANCELLED
    stored.version += 1
    stored.save(override=True, update_fields=["status", "version", "updated_at"])
    # The meeting has no field for the reason yet, so the audit event keeps it, as the
    # justification for the change (not in summary or detail, which never hold free text).
    _meeting_event(
        Action.ALTERATION,
        stored,
        by,
        f"Meeting cancelled: {stored.reference}",
        changed_fields=["status"],
        justification=reason,
    )
    return stored


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: "User") -> Meeting:
    if not rules.can_record_attendance(by, meeting):
        raise PermissionDenied(
            "Only the chair or a co-ordinator of the area can record that the meeting was held"
        )
    stored = _stored(meeting)
    _require_scheduled(stored)
    _require_started(stored, "that the meeting was held")
    stored.status = MeetingStatus.HELD
    stored.version += 1
    stored.save(override=True, update_fields=["status", "version", "updated_at"])
    _meeting_event(
        Action.ALTERATION, stored, by, f"Meeting held: {stored.reference}", changed_fields=["status"]
    )
    return stored


@transaction.atomic
def agenda_add(*, meeting: Meeting, nominal: Nominal, by: "User") -> AgendaItem:
    _require_manage(by, meeting)
    stored = _stored(meeting)
    _require_scheduled(stored)
    nominal = _agenda_nominal(nominal, stored.area, by, field="nominal")
    if stored.agenda_items.filter(nominal=nominal).exists():
        raise ApplicationError("That nominal is already on the agenda", field="nominal")
    position = (stored.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
    return _add_item(stored, nominal, position, by)


@transaction.atomic
def agenda_remove(*, agenda_item: AgendaItem, by: "User") -> None:
    meeting = agenda_item.meeting
    _require_manage(by, meeting)
    stored = _stored(meeting)
    _require_scheduled(stored)
    item = AgendaItem.objects.select_for_update().get(pk=agenda_item.pk)
    if item.statement or item.minutes.exists() or item.written_reports.exists():
        raise ApplicationError(
            "This case has already been discussed or reported on at the meeting, so it stays on the agenda"
        )
    if stored.agenda_items.count() == 1:
        raise ApplicationError("This is the only case on the agenda: cancel the meeting instead")
    record_event(
        action=Action.ERASURE,
        actor=by,
        summary=f"Nominal taken off the agenda of {stored.reference}",
        object_type="agenda_item",
        object_id=item.pk,
        object_agency_id=item.nominal.lead_agency_id,
        nominal_id=item.nominal_id,
        detail={"meeting": stored.reference},
    )
    item.delete(override=True)


# --- invitations --------------------------------------------------------------------------------


@transaction.atomic
def meeting_invite_agency(*, meeting: Meeting, agency: Agency, by: "User") -> Meeting:
    """Invite an agency of the area. It becomes involved with every case on the agenda
    (involvement.py), so its staff can open those cases and the meeting."""
    _require_manage(by, meeting)
    stored = _stored(meeting)
    _require_scheduled(stored)
    found = Agency.objects.filter(
        pk=int(getattr(agency, "pk", 0) or 0), areas=stored.area_id, is_active=True
    ).first()
    if found is None:
        raise ApplicationError(f"Select an active agency of {stored.area.name}", field="agency")
    if stored.invited_agencies.filter(pk=found.pk).exists():
        raise ApplicationError(f"{found.name} is already invited", field="agency")
    stored.invited_agencies.add(found)
    _meeting_event(
        Action.ALTERATION,
        stored,
        by,
        f"{found.code} invited to {stored.reference}",
        changed_fields=["invited_agencies"],
        detail={"agency": found.code},
    )
    return stored


@transaction.atomic
def meeting_invite_person(*, meeting: Meeting, user: "User", by: "User") -> Attendee:
    _require_manage(by, meeting)
    stored = _stored(meeting)
    _require_scheduled(stored)
    membership = None if user is None else rules.attending_membership(user=user, meeting=stored)
    if membership is None:
        raise ApplicationError(
            f"Select someone of an agency of {stored.area.name} whose role lets them attend meetings",
            field="user",
        )
    if stored.attendees.filter(user=user).exists():
        raise ApplicationError("That person is already invited", field="user")
    attendee = Attendee(meeting=stored, user=user, agency=membership.agency)
    attendee.save(override=True)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"Person invited to {stored.reference}",
        object_type="attendee",
        object_id=attendee.pk,
        object_agency_id=_acting_agency(by).pk,
        detail={"meeting": stored.reference, "agency": membership.agency.code},
    )
    return attendee


# --- signatures and attendance -----------------------------------------------------------------


@transaction.atomic
def confidentiality_sign(*, meeting: Meeting, by: "User", statement_version: int | None = None) -> Attendee:
    """Sign the current confidentiality statement for the meeting: the key to its papers.

    `statement_version` is the version the page showed; if a newer one was published in the
    meantime, the user is asked to read that instead of signing something they have not seen.
    """
    _require_visible(by, meeting)
    agency = _acting_agency(by)
    stored = _stored(meeting)
    _require_not_cancelled(stored)
    if stored.status == MeetingStatus.HELD:
        # Signing opens the minutes as well as the papers: after the meeting, that would let
        # anyone who can see it read the minutes without having taken part.
        raise ApplicationError("This meeting has been held: it is too late to sign for it")
    statement = current_statement()
    if statement is None:
        raise ApplicationError(
            "There is no confidentiality statement to sign yet. Ask your MAPPA unit to publish one"
        )
    if statement_version is not None and statement_version != statement.version:
        raise ApplicationError(
            "The confidentiality statement changed while you were reading it. Read the new version "
            "and sign again"
        )
    attendee = Attendee.objects.select_for_update().filter(meeting=stored, user=by).first()
    if attendee is not None and attendee.statement_id == statement.pk and attendee.agency_id == agency.pk:
        return attendee  # already signed this version for this agency: nothing to record
    created = attendee is None
    if attendee is None:
        attendee = Attendee(meeting=stored, user=by)
    attendee.agency = agency
    attendee.statement = statement
    attendee.signed_at = timezone.now()
    attendee.save(override=True)
    record_event(
        action=Action.COLLECTION if created else Action.ALTERATION,
        actor=by,
        summary=f"Confidentiality statement signed for {stored.reference}",
        object_type="attendee",
        object_id=attendee.pk,
        object_agency_id=agency.pk,
        changed_fields=[] if created else ["statement", "signed_at", "agency"],
        detail={"meeting": stored.reference, "statement_version": statement.version},
    )
    return attendee


@transaction.atomic
def external_attendee_record(
    *,
    meeting: Meeting,
    name: str,
    role: str,
    organisation: str,
    agency: Agency | None = None,
    signed: bool,
    by: "User",
) -> Attendee:
    """Someone without an account attends: the chair records them and captures their signature
    of the statement on paper (domain.md §1.8), confirming it here."""
    _require_chair(by, meeting)
    stored = _stored(meeting)
    _require_not_cancelled(stored)
    name = _text(name, field="name", label="their name", max_length=200)
    role = _text(role, field="role", label="their role", max_length=200)
    organisation = _text(organisation, field="organisation", label="their organisation", max_length=200)
    if agency is not None and not Agency.objects.filter(pk=agency.pk, areas=stored.area_id).exists():
        raise ApplicationError(f"Select an agency of {stored.area.name}, or none", field="agency")
    if not signed:
        raise ApplicationError(
            "Confirm that you have their signature on the confidentiality statement: nobody takes "
            "part in a MAPPA meeting without signing it",
            field="signed",
        )
    statement = current_statement()
    if statement is None:
        raise ApplicationError(
            "There is no confidentiality statement to sign yet. Ask your MAPPA unit to publish one"
        )
    attendee = Attendee(
        meeting=stored,
        name=name,
        role=role,
        organisation=organisation,
        agency=agency,
        status=AttendeeStatus.ATTENDED,
        statement=statement,
        signed_at=timezone.now(),
        signature_captured_by=by,
    )
    attendee.save(override=True)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"External attendee recorded at {stored.reference}",
        object_type="attendee",
        object_id=attendee.pk,
        object_agency_id=_acting_agency(by).pk,
        detail={"meeting": stored.reference, "statement_version": statement.version},
    )
    return attendee


@transaction.atomic
def attendance_record(*, meeting: Meeting, attendee: Attendee, status: str, by: "User") -> Attendee:
    if not rules.can_record_attendance(by, meeting):
        raise PermissionDenied("Only the chair or a co-ordinator of the area can record attendance")
    stored = _stored(meeting)
    _require_not_cancelled(stored)
    if status not in (AttendeeStatus.ATTENDED, AttendeeStatus.APOLOGIES):
        raise ApplicationError("Select attended or sent apologies", field="status")
    current = (
        Attendee.objects.select_for_update()
        .filter(pk=int(getattr(attendee, "pk", 0) or 0), meeting=stored)
        .first()
    )
    if current is None:
        raise ApplicationError("Select someone invited to this meeting", field="attendee")
    if status == AttendeeStatus.ATTENDED:
        _require_started(stored, "attendance")
        if not current.has_signed:
            raise ApplicationError(
                "They have not signed the confidentiality statement for this meeting: they must "
                "sign before taking part",
                field="attendee",
            )
    if current.status == status:
        return current
    current.status = status
    current.save(override=True, update_fields=["status", "updated_at"])
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary=f"Attendance recorded at {stored.reference}",
        object_type="attendee",
        object_id=current.pk,
        object_agency_id=_acting_agency(by).pk,
        changed_fields=["status"],
        detail={"meeting": stored.reference, "status": status},
    )
    return current


@transaction.atomic
def statement_recorded(*, agenda_item: AgendaItem, how: str, by: "User") -> AgendaItem:
    """The chair records, for this case, that the statement was read out or its displayed copy
    pointed out (the MAPPA audit asks, case by case: domain.md §3.2)."""
    meeting = agenda_item.meeting
    _require_chair(by, meeting)
    if not has_signed(meeting=meeting, user=by):
        raise ApplicationError("Sign the confidentiality statement for this meeting first")
    stored = _stored(meeting)
    _require_not_cancelled(stored)
    _require_started(stored, "how the statement was given")
    if how not in _HOW:
        raise ApplicationError("Select whether the statement was read out or displayed", field="how")
    item = AgendaItem.objects.select_for_update().select_related("nominal").get(pk=agenda_item.pk)
    if item.statement == how:
        return item
    item.statement = how
    item.statement_recorded_at = timezone.now()
    item.statement_recorded_by = by
    item.save(override=True, update_fields=["statement", "statement_recorded_at", "statement_recorded_by"])
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary=f"Confidentiality statement {_HOW[how]} at {stored.reference}",
        object_type="agenda_item",
        object_id=item.pk,
        object_agency_id=item.nominal.lead_agency_id,
        nominal_id=item.nominal_id,
        changed_fields=["statement"],
    )
    return item


@transaction.atomic
def written_report_submit(
    *, meeting: Meeting, agenda_item: AgendaItem | None, agency: Agency, text: str, by: "User"
) -> WrittenReport:
    """A written report from an invited agency that is not attending (domain.md §1.8)."""
    allowed = rules.report_agency(by, meeting)
    if allowed is None:
        raise PermissionDenied(
            "Only an invited agency that is not attending the meeting can send a written report"
        )
    if agency is None or agency.pk != allowed.pk:
        raise PermissionDenied("You can only send a report for the agency you are acting for")
    if not has_signed(meeting=meeting, user=by):
        raise ApplicationError(
            "Sign the confidentiality statement for this meeting first: written reports are meeting papers"
        )
    stored = _stored(meeting)
    _require_scheduled(stored)
    if agenda_item is not None and agenda_item.meeting_id != stored.pk:
        raise ApplicationError("Select a case on this meeting's agenda", field="agenda_item")
    text = _text(text, field="text", label="your report", max_length=MAX_REPORT)
    report = WrittenReport(
        meeting=stored, agenda_item=agenda_item, agency=allowed, submitted_by=by, text=text
    )
    report.save(override=True)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"Written report sent to {stored.reference}",
        object_type="written_report",
        object_id=report.pk,
        object_agency_id=allowed.pk,
        nominal_id=agenda_item.nominal_id if agenda_item is not None else None,
        detail={"meeting": stored.reference},
    )
    return report


# --- consultations ------------------------------------------------------------------------------


def agenda_consulted(*, meeting: Meeting, nominal_ids: list[int], by: "User") -> None:
    """Record that a meeting's agenda (the names of its cases) was shown (DPA 2018 s.62)."""
    if not nominal_ids:
        return
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=f"Agenda of {meeting.reference} viewed ({len(nominal_ids)} cases)",
            object_type="meeting",
            object_id=meeting.pk,
            object_agency_id=_acting_agency(by).pk,
            justification=f"Signed the confidentiality statement for {meeting.reference}",
            detail={"nominal_ids": nominal_ids},
        )


def proposed_reviews_consulted(*, nominal_ids: list[int], by: "User") -> None:
    """Record that the proposed review meetings (names, levels, review dates) were shown."""
    if not nominal_ids:
        return
    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=f"Proposed review meetings viewed ({len(nominal_ids)} shown)",
            object_type="nominal_register",
            justification="MAPPA co-ordinator of the area",
            detail={"nominal_ids": nominal_ids},
        )
