"""Distribution of approved minutes, their watermarked copies, and the chair's permission.

The rules (domain.md §3.2, MAPPA D): minutes are not copied, and their contents are not shared
outside the meeting, without the chair's agreement. So:

- Approved minutes reach, inside mappa, the attendees who signed for the meeting and the
  recipients the chair names (`minutes_distribute`, `recipient_add`).
- Each of those may take a copy: a PDF numbered in the copy register and watermarked with their
  name, agency and the time (`copy_issue`). A copy leaving the system is a disclosure (DPA 2018
  s.62), recorded with its recipient and basis in the same transaction as the register entry.
- Anyone else reaches the minutes only through a request the chair grants
  (`copy_request_create`, `copy_request_decide`): a copy to someone in mappa makes them a
  recipient; a disclosure outside MAPPA gets the executive summary, watermarked with the outside
  recipient's name and organisation, never the minutes (`executive_summary_issue`).

Copy numbers are allocated under a lock on the minutes row, so two people downloading at the same
moment never get the same number; the unique constraint on (minutes, copy_number) is the backstop.
Superseded minutes are never copied: the corrected version is the one to hold.

Audit events name the nominal's lead agency as the object's agency (its auditors see who holds
copies of minutes about its case) and never carry text about the nominal in summary or detail.
"""

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings import pdf
from mappa.meetings.models import (
    Attendee,
    AttendeeStatus,
    CopyKind,
    CopyRequest,
    CopyRequestKind,
    CopyRequestStatus,
    Meeting,
    Minutes,
    MinutesCopy,
    MinutesRecipient,
    MinutesStatus,
)
from mappa.meetings.selectors import minutes_list
from mappa.meetings.selectors_copies import area_agency_of, area_users, can_decide, copy_basis
from mappa.nominals.selectors import acting_agency

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_REASON_LENGTH = 5000
MAX_RECIPIENT_REASON_LENGTH = 300  # MinutesRecipient.reason
MAX_NAME_LENGTH = 200
SUPERSEDED_MESSAGE = "These minutes have been corrected. Use the corrected version instead"


# --- small helpers ------------------------------------------------------------------------------


def _name(user: "User") -> str:
    return user.get_full_name() or user.username


def _meeting(minutes: Minutes) -> Meeting:
    return minutes.agenda_item.meeting


def _text(value: str, *, field: str, missing: str, max_length: int = MAX_REASON_LENGTH) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(missing, field=field)
    if len(text) > max_length:
        raise ApplicationError(f"This must be {max_length} characters or fewer", field=field)
    return text


def _acting_agency(by: "User") -> Agency:
    agency = acting_agency(by)
    if agency is None:
        raise PermissionDenied("You are not acting for an active agency")
    return agency


def _locked_minutes(minutes: Minutes) -> Minutes:
    """The minutes row, locked until the transaction ends: copy numbers are allocated under it.

    `of=("self",)` locks only the minutes row on PostgreSQL, not the joined meeting and case.
    """
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("agenda_item", "agenda_item__meeting", "agenda_item__nominal")
        .get(pk=minutes.pk)
    )


def _require_current(minutes: Minutes) -> None:
    if minutes.status == MinutesStatus.SUPERSEDED:
        raise ApplicationError(SUPERSEDED_MESSAGE)
    if minutes.status != MinutesStatus.APPROVED:
        raise ApplicationError("Only approved minutes can be copied or distributed")


def _require_readable(by: "User", minutes: Minutes) -> None:
    if not minutes_list(fetched_by=by).filter(pk=minutes.pk).exists():
        raise PermissionDenied("You cannot read these minutes")


def _require_chair(by: "User", minutes: Minutes, message: str) -> None:
    # The chair's own decision: a role that may approve minutes is not enough without chairing
    # this meeting, and chairing it is not enough while acting in a role that may not.
    if _meeting(minutes).chair_id != by.pk or not has_permission(by, Permission.MINUTES_APPROVE):
        raise PermissionDenied(message)


def _event(
    minutes: Minutes,
    *,
    action: Action,
    by: "User",
    summary: str,
    object_type: str,
    object_id: int,
    justification: str = "",
    recipients: Sequence[str] = (),
    changed_fields: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> None:
    nominal = minutes.agenda_item.nominal
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type=object_type,
        object_id=object_id,
        object_agency_id=nominal.lead_agency_id,
        nominal_id=nominal.pk,
        justification=justification,
        recipients=recipients,
        changed_fields=changed_fields,
        detail=detail,
    )


def _add_recipient(
    minutes: Minutes, user: "User", agency: Agency, reason: str, by: "User"
) -> MinutesRecipient:
    recipient = MinutesRecipient(minutes=minutes, user=user, agency=agency, added_by=by, reason=reason)
    recipient.save(override=True)
    return recipient


def _next_copy_number(minutes: Minutes) -> int:
    # Called with the minutes row locked (_locked_minutes), so no one else is between this read
    # and the insert.
    last = MinutesCopy.objects.filter(minutes_id=minutes.pk).aggregate(last=Max("copy_number"))["last"]
    return (last or 0) + 1


def _store_copy(
    minutes: Minutes,
    *,
    copy_number: int,
    kind: str,
    by: "User",
    name: str,
    agency: str,
    issued_at: datetime,
    content: bytes,
    permission: CopyRequest | None,
) -> MinutesCopy:
    copy = MinutesCopy(
        minutes=minutes,
        copy_number=copy_number,
        kind=kind,
        issued_to=by,
        issued_to_name=name[:MAX_NAME_LENGTH],
        issued_to_agency=agency[:MAX_NAME_LENGTH],
        permission=permission,
        issued_at=issued_at,
        # The fingerprint of what left: a copy found later can be matched to its register entry.
        sha256=hashlib.sha256(content).hexdigest(),
    )
    copy.save(override=True)
    return copy


# --- distribution -----------------------------------------------------------------------------


@transaction.atomic
def minutes_distribute(*, minutes: Minutes, by: "User") -> list[MinutesRecipient]:
    """Distribute approved minutes to the attendees who attended and signed, and have an account,
    and, for a correction, to everyone who received the version it corrects.

    Called by the approval service (services_minutes.minutes_approve) in its transaction, once the
    minutes are approved. The attendees can already read the minutes by their signature; the
    distribution list is what records that the minutes went to them. Running it again adds only
    who is missing, and records nothing when no one is.
    """
    locked = _locked_minutes(minutes)
    _require_chair(by, locked, "Only the chair of the meeting distributes its minutes")
    _require_current(locked)
    meeting = _meeting(locked)
    seen = set(MinutesRecipient.objects.filter(minutes=locked).values_list("user_id", flat=True))
    added = []
    attendees = (
        Attendee.objects.filter(
            meeting=meeting,
            status=AttendeeStatus.ATTENDED,
            signed_at__isnull=False,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("id")
    )
    for attendee in attendees:
        user = attendee.user
        if user is None or user.pk in seen:
            continue
        agency = attendee.agency or area_agency_of(user=user, area=meeting.area)
        if agency is None:
            continue  # no longer works for an agency of the area: nothing to distribute to
        reason = f"Attended {meeting.reference} and signed the confidentiality statement"
        added.append(_add_recipient(locked, user, agency, reason, by))
        seen.add(user.pk)
    # A correction reaches everyone the chair let receive the version it corrects: they may hold
    # a copy of what was wrong, and their reason for having the minutes has not changed.
    earlier = (
        MinutesRecipient.objects.filter(
            minutes__agenda_item_id=locked.agenda_item_id,
            minutes__status=MinutesStatus.SUPERSEDED,
            user__is_active=True,
        )
        .select_related("user", "minutes")
        .order_by("minutes__number", "id")
    )
    for previous in earlier:
        if previous.user_id in seen:
            continue
        agency = area_agency_of(user=previous.user, area=meeting.area)
        if agency is None:
            continue
        reason = f"Received version {previous.minutes.number}: {previous.reason}"
        added.append(_add_recipient(locked, previous.user, agency, reason[:MAX_RECIPIENT_REASON_LENGTH], by))
        seen.add(previous.user_id)
    if added:
        _event(
            locked,
            action=Action.DISCLOSURE,
            by=by,
            summary=f"Approved minutes {locked.reference} distributed",
            object_type="minutes",
            object_id=locked.pk,
            recipients=[r.user.username for r in added],
            justification=f"Approved minutes of {meeting.reference}, distributed to those who attended and "
            "those who received the version they correct",
        )
    return added


@transaction.atomic
def recipient_add(*, minutes: Minutes, user: "User", reason: str, by: "User") -> MinutesRecipient:
    """The chair names someone in mappa who receives the minutes, and says why."""
    locked = _locked_minutes(minutes)
    _require_chair(by, locked, "Only the chair of the meeting decides who receives its minutes")
    _require_current(locked)
    reason = _text(
        reason,
        field="reason",
        missing="Enter why they need the minutes",
        max_length=MAX_RECIPIENT_REASON_LENGTH,
    )
    meeting = _meeting(locked)
    if not area_users(area=meeting.area).filter(pk=user.pk).exists():
        raise ApplicationError("Choose someone who works for an agency of the meeting's area", field="user")
    if MinutesRecipient.objects.filter(minutes=locked, user=user).exists():
        raise ApplicationError(f"{_name(user)} already receives these minutes", field="user")
    agency = area_agency_of(user=user, area=meeting.area)
    if agency is None:  # area_users above guarantees one
        raise ApplicationError("Choose someone who works for an agency of the meeting's area", field="user")
    recipient = _add_recipient(locked, user, agency, reason, by)
    _event(
        locked,
        action=Action.DISCLOSURE,
        by=by,
        summary=f"Chair named a recipient of minutes {locked.reference}",
        object_type="minutes",
        object_id=locked.pk,
        recipients=[user.username],
        justification=reason,
        detail={"recipient_agency": agency.code},
    )
    return recipient


# --- copies -----------------------------------------------------------------------------------


@transaction.atomic
def copy_issue(*, minutes: Minutes, kind: str, by: "User") -> tuple[MinutesCopy, bytes]:
    """A numbered, watermarked PDF of the minutes for `by`, recorded in the copy register."""
    if kind not in (CopyKind.DOWNLOAD, CopyKind.PRINT):
        raise ApplicationError("Choose to download or print a copy")
    agency = _acting_agency(by)
    _require_readable(by, minutes)
    locked = _locked_minutes(minutes)
    basis = copy_basis(minutes=locked, user=by)
    if basis is None:
        raise PermissionDenied(
            "You are not on the distribution list of these minutes. Ask the chair's permission for a copy"
        )
    _require_current(locked)
    number = _next_copy_number(locked)
    issued_at = timezone.now()
    name = _name(by)
    content = pdf.render_minutes_pdf(
        locked, copy_number=number, recipient_name=name, recipient_agency=agency.name, issued_at=issued_at
    )
    copy = _store_copy(
        locked,
        copy_number=number,
        kind=kind,
        by=by,
        name=name,
        agency=agency.name,
        issued_at=issued_at,
        content=content,
        permission=basis.permission,
    )
    verb = "printed" if kind == CopyKind.PRINT else "downloaded"
    _event(
        locked,
        action=Action.DISCLOSURE,
        by=by,
        summary=f"Copy {number} of minutes {locked.reference} {verb}",
        object_type="minutes_copy",
        object_id=copy.pk,
        recipients=[by.username],
        justification=basis.justification,
        detail={"minutes_id": locked.pk, "copy_number": number, "kind": kind, "sha256": copy.sha256},
    )
    return copy, content


# --- the chair's permission -------------------------------------------------------------------


@transaction.atomic
def copy_request_create(
    *,
    minutes: Minutes,
    kind: str,
    reason: str,
    recipient_user: "User | None" = None,
    recipient_name: str = "",
    recipient_organisation: str = "",
    by: "User",
) -> CopyRequest:
    """Ask the chair's permission to copy the minutes to someone in mappa, or to disclose their
    content to someone outside MAPPA (who would get the executive summary)."""
    agency = _acting_agency(by)
    _require_readable(by, minutes)
    locked = _locked_minutes(minutes)
    _require_current(locked)
    if kind == CopyRequestKind.COPY:
        if recipient_user is None:
            raise ApplicationError("Choose who you want to copy the minutes to", field="recipient_user")
        if recipient_user.pk == by.pk:
            raise ApplicationError("Choose someone other than yourself", field="recipient_user")
        if not area_users(area=_meeting(locked).area).filter(pk=recipient_user.pk).exists():
            raise ApplicationError(
                "Choose someone who works for an agency of the meeting's area", field="recipient_user"
            )
        if copy_basis(minutes=locked, user=recipient_user) is not None:
            raise ApplicationError(
                f"{_name(recipient_user)} already receives these minutes", field="recipient_user"
            )
        if CopyRequest.objects.filter(
            minutes=locked, kind=kind, recipient_user=recipient_user, status=CopyRequestStatus.PENDING
        ).exists():
            raise ApplicationError(
                f"A request to copy these minutes to {_name(recipient_user)} is waiting for the chair",
                field="recipient_user",
            )
        recipient_name = recipient_organisation = ""
    elif kind == CopyRequestKind.DISCLOSE:
        recipient_user = None
        recipient_name = _text(
            recipient_name,
            field="recipient_name",
            missing="Enter the name of the person outside MAPPA",
            max_length=MAX_NAME_LENGTH,
        )
        recipient_organisation = _text(
            recipient_organisation,
            field="recipient_organisation",
            missing="Enter their organisation",
            max_length=MAX_NAME_LENGTH,
        )
        if not locked.executive_summary.strip():
            raise ApplicationError(pdf.NO_SUMMARY_MESSAGE, field="kind")
    else:
        raise ApplicationError("Choose whether to copy the minutes or disclose their content", field="kind")
    request = CopyRequest(
        minutes=locked,
        kind=kind,
        requested_by=by,
        requesting_agency=agency,
        recipient_user=recipient_user,
        recipient_name=recipient_name,
        recipient_organisation=recipient_organisation,
        reason=_text(reason, field="reason", missing="Enter why the minutes are needed"),
    )
    request.save(override=True)
    _event(
        locked,
        action=Action.COLLECTION,
        by=by,
        summary=f"Chair's permission {request.reference} asked to {'copy' if kind == 'copy' else 'disclose'} "
        f"minutes {locked.reference}",
        object_type="copy_request",
        object_id=request.pk,
        detail={"minutes_id": locked.pk, "kind": kind},
    )
    return request


@transaction.atomic
def copy_request_decide(*, request: CopyRequest, grant: bool, reason: str, by: "User") -> CopyRequest:
    """The chair grants or refuses. A refusal says why; a grant may. Granting a copy makes the
    recipient a recipient of the minutes; granting a disclosure lets the requester issue the
    executive summary to the person outside."""
    locked = (
        CopyRequest.objects.select_for_update(of=("self",))
        .select_related("minutes__agenda_item__meeting", "minutes__agenda_item__nominal", "recipient_user")
        .get(pk=request.pk)
    )
    minutes = locked.minutes
    if not can_decide(copy_request=locked, user=by):
        raise PermissionDenied("Only the chair of the meeting decides requests to copy its minutes")
    if locked.status != CopyRequestStatus.PENDING:
        raise ApplicationError("This request has already been decided")
    if grant:
        decision_reason = (reason or "").strip()
        if len(decision_reason) > MAX_REASON_LENGTH:
            raise ApplicationError(f"This must be {MAX_REASON_LENGTH} characters or fewer", field="reason")
        _require_current(minutes)
        if locked.kind == CopyRequestKind.DISCLOSE and not minutes.executive_summary.strip():
            raise ApplicationError(
                "These minutes have no executive summary, so nothing can be disclosed. Refuse the request, "
                "or correct the minutes to add a summary",
                field="decision",
            )
    else:
        decision_reason = _text(reason, field="reason", missing="Enter why you are refusing")
    locked.status = CopyRequestStatus.GRANTED if grant else CopyRequestStatus.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_reason = decision_reason
    locked.save(override=True)
    changed = ["status", "decided_by", "decided_at", "decision_reason"]
    if grant and locked.kind == CopyRequestKind.COPY:
        recipient = locked.recipient_user
        if recipient is None:  # a copy request always names one (copy_request_copy_names_user)
            raise ApplicationError("This request names no one to copy the minutes to")
        meeting = _meeting(minutes)
        agency = area_agency_of(user=recipient, area=meeting.area)
        if agency is None:
            raise ApplicationError(f"{_name(recipient)} no longer works for an agency of the meeting's area")
        if not MinutesRecipient.objects.filter(minutes=minutes, user=recipient).exists():
            _add_recipient(minutes, recipient, agency, f"Chair's permission {locked.reference}", by)
        # Granting a copy discloses the minutes to the recipient: they can now read and copy them.
        _event(
            minutes,
            action=Action.DISCLOSURE,
            by=by,
            summary=f"Chair's permission {locked.reference} granted: minutes {minutes.reference} copied",
            object_type="copy_request",
            object_id=locked.pk,
            recipients=[recipient.username],
            justification=locked.reason,
            changed_fields=changed,
            detail={"minutes_id": minutes.pk, "kind": locked.kind, "recipient_agency": agency.code},
        )
    else:
        _event(
            minutes,
            action=Action.ALTERATION,
            by=by,
            summary=f"Chair's permission {locked.reference} {'granted' if grant else 'refused'}",
            object_type="copy_request",
            object_id=locked.pk,
            justification=decision_reason,
            changed_fields=changed,
            detail={"minutes_id": minutes.pk, "kind": locked.kind},
        )
    return locked


@transaction.atomic
def executive_summary_issue(*, request: CopyRequest, by: "User") -> tuple[MinutesCopy, bytes]:
    """The executive summary for the person outside MAPPA the chair permitted, watermarked with
    their name and organisation, issued to the requester who passes it on."""
    if request.requested_by_id != by.pk:
        raise PermissionDenied("Only the person who asked for the chair's permission can issue this summary")
    # Read afresh: the decision may have changed since the page was drawn.
    current = CopyRequest.objects.select_related("minutes").get(pk=request.pk)
    if current.kind != CopyRequestKind.DISCLOSE:
        raise ApplicationError("An executive summary is issued only for a disclosure outside MAPPA")
    if current.status != CopyRequestStatus.GRANTED:
        raise PermissionDenied("The chair has not granted this request")
    minutes = _locked_minutes(current.minutes)
    _require_current(minutes)
    if not minutes.executive_summary.strip():
        raise ApplicationError(pdf.NO_SUMMARY_MESSAGE)
    number = _next_copy_number(minutes)
    issued_at = timezone.now()
    content = pdf.render_executive_summary_pdf(
        minutes,
        copy_number=number,
        recipient_name=current.recipient_name,
        recipient_agency=current.recipient_organisation,
        issued_at=issued_at,
        permission_reference=current.reference,
    )
    copy = _store_copy(
        minutes,
        copy_number=number,
        kind=CopyKind.EXECUTIVE_SUMMARY,
        by=by,
        name=current.recipient_name,
        agency=current.recipient_organisation,
        issued_at=issued_at,
        content=content,
        permission=current,
    )
    _event(
        minutes,
        action=Action.DISCLOSURE,
        by=by,
        summary=f"Copy {number}: executive summary of minutes {minutes.reference} issued outside MAPPA",
        object_type="minutes_copy",
        object_id=copy.pk,
        recipients=[f"{current.recipient_name}, {current.recipient_organisation}"],
        justification=f"Chair's permission {current.reference}: {current.reason}",
        detail={
            "minutes_id": minutes.pk,
            "copy_number": number,
            "kind": CopyKind.EXECUTIVE_SUMMARY.value,
            "permission": current.reference,
            "sha256": copy.sha256,
        },
    )
    return copy, content
