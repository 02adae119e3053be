"""The receiving side of a subject access request: recording it, verifying the subject's identity,
pausing the clock for clarification, extending the deadline and withdrawing (issue 8).

Any agency's SAR officer (SAR_MANAGE) records a request their agency received: the receiving
agency is the acting agency, never chosen, so a request cannot be filed in another agency's
queue. Only SAR officers of that agency work it afterwards.

Each write is one transaction: the request is locked and its version compared (an officer acting
on a page loaded before a colleague's change is told to look again), then one audit event names
the request, the receiving agency and the changed field names only. What the subject wrote and
the evidence seen are personal data and stay on the request.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.selectors import acting_agency
from mappa.subject_access import deadlines
from mappa.subject_access.models import (
    ClarificationPause,
    RequestStatus,
    SubjectAccessRequest,
    new_reference,
)
from mappa.subject_access.selectors import long_date

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_TEXT_LENGTH = 10000
REFERENCE_ATTEMPTS = 5

NOT_MANAGER_MESSAGE = "Only a subject access officer of the agency that received the request can do this"
CONFLICT_MESSAGE = (
    "Someone else changed this request while you were looking at it. Nothing has been saved. "
    "Go back to the request to see it as it is now, then try again"
)
_FINISHED = (RequestStatus.CLOSED, RequestStatus.WITHDRAWN)


# --- helpers ------------------------------------------------------------------------------------


def can_manage(user: Any, request: SubjectAccessRequest) -> bool:
    """A SAR officer acting for the agency that received the request."""
    if not has_permission(user, Permission.SAR_MANAGE):
        return False
    agency = acting_agency(user)
    return agency is not None and agency.pk == request.receiving_agency_id


def require_manager(by: "User", request: SubjectAccessRequest) -> None:
    if not can_manage(by, request):
        raise PermissionDenied(NOT_MANAGER_MESSAGE)


def _text(value: str | None, *, field: str, missing: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(missing, field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ApplicationError(f"Enter {MAX_TEXT_LENGTH} characters or fewer", field=field)
    return text


def _not_future(day: date | None, *, field: str, what: str) -> date:
    if day is None:
        raise ApplicationError(f"Enter the date {what}", field=field)
    if day > timezone.localdate():
        raise ApplicationError(f"The date {what} must be today or in the past", field=field)
    return day


def locked(
    request: SubjectAccessRequest, version: int, *, statuses: tuple[str, ...] | None = None
) -> SubjectAccessRequest:
    """The stored request, locked for this transaction; refused if changed or finished."""
    stored = (
        SubjectAccessRequest.objects.select_for_update(of=("self",))
        .select_related("receiving_agency")
        .get(pk=request.pk)
    )
    if stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    if stored.status in _FINISHED:
        raise ApplicationError(
            f"{stored.reference} is {stored.get_status_display().lower()}, "
            "so nothing more can be done with it"
        )
    if statuses is not None and stored.status not in statuses:
        raise ApplicationError(
            f"This cannot be done while {stored.reference} is {stored.get_status_display().lower()}"
        )
    return stored


def save(request: SubjectAccessRequest, fields: list[str]) -> None:
    request.version += 1
    request.save(override=True, update_fields=[*fields, "version", "updated_at"])


def event(
    request: SubjectAccessRequest,
    by: "User",
    summary: str,
    changed: list[str],
    *,
    action: Action = Action.ALTERATION,
    **detail: Any,
) -> None:
    record_event(
        action=action,
        actor=by,
        summary=f"{summary}: {request.reference}",
        object_type="subject_access_request",
        object_id=request.pk,
        object_agency_id=request.receiving_agency_id,
        changed_fields=changed,
        detail={"version": request.version, "status": request.status, **detail},
    )


def pauses_of(request: SubjectAccessRequest) -> list[deadlines.Pause]:
    return [deadlines.Pause(p.requested_on, p.answered_on) for p in request.pauses.all()]


# --- recording ----------------------------------------------------------------------------------


@transaction.atomic
def request_record(
    *,
    subject_name: str,
    received_on: date | None,
    scope: str,
    subject_other_names: str = "",
    subject_date_of_birth: date | None = None,
    subject_address: str = "",
    subject_postcode: str = "",
    requester_is_subject: bool = True,
    requester_name: str = "",
    requester_capacity: str = "",
    requester_authority: str = "",
    response_address: str = "",
    scope_from: date | None = None,
    scope_to: date | None = None,
    by: "User",
) -> SubjectAccessRequest:
    """Record a request received by the officer's acting agency (it is the receiving agency)."""
    if not has_permission(by, Permission.SAR_MANAGE):
        raise PermissionDenied("Only a subject access officer can record a subject access request")
    agency = acting_agency(by)
    if agency is None:
        raise PermissionDenied("Choose the agency you are acting for first")
    values: dict[str, Any] = {
        "subject_name": _text(
            subject_name, field="subject_name", missing="Enter the data subject's full name"
        ),
        "subject_other_names": _text(
            subject_other_names, field="subject_other_names", missing="", required=False
        ),
        "subject_address": _text(subject_address, field="subject_address", missing="", required=False),
        "subject_postcode": (subject_postcode or "").strip().upper()[:10],
        "received_on": _not_future(received_on, field="received_on", what="the request was received"),
        "scope": _text(scope, field="scope", missing="Enter what the request asks for"),
        "response_address": _text(response_address, field="response_address", missing="", required=False),
        "requester_is_subject": bool(requester_is_subject),
    }
    if subject_date_of_birth is not None and subject_date_of_birth > timezone.localdate():
        raise ApplicationError("Date of birth must be in the past", field="subject_date_of_birth")
    values["subject_date_of_birth"] = subject_date_of_birth
    if scope_from and scope_to and scope_from > scope_to:
        raise ApplicationError("The start of the period must be before its end", field="scope_from")
    values["scope_from"], values["scope_to"] = scope_from, scope_to
    if requester_is_subject:
        values.update(requester_name="", requester_capacity="", requester_authority="")
    else:
        # A representative acts only with the subject's authority, which must have been seen.
        values["requester_name"] = _text(
            requester_name, field="requester_name", missing="Enter the name of the person making the request"
        )
        values["requester_capacity"] = _text(
            requester_capacity,
            field="requester_capacity",
            missing="Enter in what capacity they act, for example solicitor or parent",
        )
        values["requester_authority"] = _text(
            requester_authority,
            field="requester_authority",
            missing="Enter the evidence of their authority to act for the subject",
        )
    for _ in range(REFERENCE_ATTEMPTS):
        # A random reference can collide; a savepoint lets us retry inside the transaction.
        try:
            with transaction.atomic():
                request = SubjectAccessRequest(
                    reference=new_reference(), receiving_agency=agency, recorded_by=by, **values
                )
                request.save(override=True)
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 31^8 references
        raise ApplicationError("Could not allocate a reference: try again")
    event(request, by, "Subject access request recorded", sorted(values), action=Action.COLLECTION)
    return request


@transaction.atomic
def identity_verify(
    *, request: SubjectAccessRequest, version: int, verified_on: date | None, evidence: str, by: "User"
) -> SubjectAccessRequest:
    """The subject's identity is verified: the clock starts from the later of this and receipt,
    and the search for their records may begin."""
    require_manager(by, request)
    stored = locked(request, version, statuses=(RequestStatus.AWAITING_IDENTITY,))
    day = _not_future(verified_on, field="verified_on", what="identity was verified")
    if day < stored.received_on:
        raise ApplicationError(
            "The date identity was verified must be on or after the date the request was received",
            field="verified_on",
        )
    stored.identity_evidence = _text(
        evidence, field="evidence", missing="Enter the evidence of identity seen, for example a passport"
    )
    stored.identity_verified_on = day
    stored.identity_verified_by = by
    stored.status = RequestStatus.FINDING
    changed = ["identity_verified_on", "identity_verified_by", "identity_evidence", "status"]
    save(stored, changed)
    event(stored, by, "Subject access request: identity verified", changed)
    return stored


@transaction.atomic
def clarification_request(
    *, request: SubjectAccessRequest, version: int, requested_on: date | None, what_was_asked: str, by: "User"
) -> ClarificationPause:
    """Ask the requester for more information: the clock stops until the answer arrives."""
    require_manager(by, request)
    stored = locked(request, version)
    day = _not_future(requested_on, field="requested_on", what="clarification was asked for")
    if day < stored.received_on:
        raise ApplicationError(
            "The date clarification was asked for must be on or after the date the request was received",
            field="requested_on",
        )
    if stored.pauses.filter(answered_on__isnull=True).exists():
        raise ApplicationError("A request for clarification is already waiting for an answer")
    asked = _text(what_was_asked, field="what_was_asked", missing="Enter what was asked for")
    pause = ClarificationPause(request=stored, requested_on=day, what_was_asked=asked, requested_by=by)
    pause.save(override=True)
    save(stored, [])
    event(stored, by, "Subject access request: clarification asked for", ["pauses"], pause=pause.pk)
    return pause


@transaction.atomic
def clarification_answered(
    *, request: SubjectAccessRequest, version: int, answered_on: date | None, by: "User"
) -> ClarificationPause:
    """The clarification arrived: the clock runs again from this day."""
    require_manager(by, request)
    stored = locked(request, version)
    pause = stored.pauses.select_for_update().filter(answered_on__isnull=True).first()
    if pause is None:
        raise ApplicationError("No request for clarification is waiting for an answer")
    day = _not_future(answered_on, field="answered_on", what="the clarification arrived")
    if day < pause.requested_on:
        raise ApplicationError(
            "The date the clarification arrived must be on or after the date it was asked for",
            field="answered_on",
        )
    pause.answered_on = day
    pause.save(override=True)
    save(stored, [])
    event(stored, by, "Subject access request: clarification received", ["pauses"], pause=pause.pk)
    return pause


@transaction.atomic
def extension_record(
    *,
    request: SubjectAccessRequest,
    version: int,
    notice_on: date | None,
    months: int,
    reason: str,
    by: "User",
) -> SubjectAccessRequest:
    """Extend by one or two months, once, by a notice with reasons sent on or before the first
    month's deadline (DPA 2018 s.54(3A)-(3B); UK GDPR Art 12(3))."""
    require_manager(by, request)
    stored = locked(request, version)
    if stored.extension_months:
        raise ApplicationError("The deadline has already been extended: it can be extended only once")
    if months not in (1, 2):
        raise ApplicationError("Choose an extension of one or two months", field="months")
    day = _not_future(notice_on, field="notice_on", what="the notice was sent")
    if day < stored.received_on:
        raise ApplicationError(
            "The notice cannot be dated before the request was received", field="notice_on"
        )
    today = timezone.localdate()
    pauses = pauses_of(stored)
    if not deadlines.extension_allowed(
        day, stored.received_on, stored.identity_verified_on, pauses, today=today
    ):
        first = deadlines.first_month_due(
            stored.received_on, stored.identity_verified_on, pauses, today=today
        )
        raise ApplicationError(
            f"An extension needs a notice sent by the first deadline, {long_date(first)}: "
            "this notice was too late",
            field="notice_on",
        )
    stored.extension_reason = _text(
        reason, field="reason", missing="Enter why more time is needed, as the notice said"
    )
    stored.extension_notice_on = day
    stored.extension_months = months
    changed = ["extension_notice_on", "extension_reason", "extension_months"]
    save(stored, changed)
    event(stored, by, "Subject access request: deadline extended", changed, months=months)
    return stored


@transaction.atomic
def request_withdraw(
    *, request: SubjectAccessRequest, version: int, reason: str, by: "User"
) -> SubjectAccessRequest:
    """The requester withdrew the request (or it cannot proceed): recorded with the reason."""
    require_manager(by, request)
    stored = locked(request, version)
    stored.withdrawn_reason = _text(reason, field="reason", missing="Enter why the request is withdrawn")
    stored.status = RequestStatus.WITHDRAWN
    stored.closed_at = timezone.now()
    changed = ["status", "withdrawn_reason", "closed_at"]
    save(stored, changed)
    event(stored, by, "Subject access request withdrawn", changed)
    return stored
