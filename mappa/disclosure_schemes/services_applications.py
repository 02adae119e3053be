"""The police side of a disclosure scheme application: its stages and their timers, triage,
identity verification, the safeguarding plan and the right-to-know route (issue 7).

The stages, their targets and the records each needs are configuration (schemes.py), read from
the edition the application was received under, never the newest one: an application received
under the 2016 DVDS guidance keeps its 35 days when the 2023 edition says 28. Every target is
measured from the receipt, not from the start of the stage, so a late stage does not push the
next one back: the applicant is owed an answer by the end-to-end date whatever happened before.

An application leaves a stage only when the records that stage requires are present
(`stage_blockers`): nothing moves on to a disclosure before the applicant's identity is verified
(rule 20), and an application waiting longer than its target must carry a recorded safeguarding
plan before it moves at all (rule 22), so a delay is never silent.

Each write is one transaction: the application is locked and its version compared (someone who
acts on a page loaded before another officer's change is told to look again), then one audit
event names the application, its receiving force as owner and the changed field names only.
What the applicant wrote, the evidence seen and the plan are personal data and stay on the
application, where only the force's scheme officers read them.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mappa.agencies.models import AgencyKind
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.disclosure_schemes.access import can_manage
from mappa.disclosure_schemes.models import (
    Application,
    ApplicationStatus,
    Route,
    SchemeOutcome,
    StageRecord,
    new_reference,
)
from mappa.disclosure_schemes.schemes import SchemeEdition, Stage, current, edition
from mappa.disclosures.models import DisclosureStatus
from mappa.disclosures.models import Outcome as DisclosureOutcome
from mappa.nominals.selectors import acting_agency

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_TEXT_LENGTH = 10000
# A reason, an action taken or a plan is read later by another officer (or the IOPC): a word or
# two is not something anyone can act on or account for.
MIN_STATEMENT_LENGTH = 20

CONFLICT_MESSAGE = (
    "Someone else changed this application while you were looking at it. Nothing has been saved. "
    "Go back to the application to see it as it is now, then try again"
)
NOT_MANAGER_MESSAGE = (
    "Only a disclosure scheme officer of the police force the application was sent to can do this"
)
NOT_PROCEEDING_MISSING = (
    "Enter why the request does not proceed under the scheme, and what the police will do instead"
)
PLAN_MISSING = (
    "Enter the safeguarding plan: how the person at risk is kept safe and the applicant kept informed"
)
SAFEGUARDING_BLOCKER = "Record a safeguarding plan: this application is past its target"

# Safe ways to contact the applicant (rule 19), and the detail each needs to be usable.
SAFE_WAYS = {"phone": "Phone", "text": "Text message", "email": "Email", "letter": "Letter"}
_WAY_DETAIL = {
    "phone": ("applicant_phone", "a phone number"),
    "text": ("applicant_phone", "a mobile number"),
    "email": ("applicant_email", "an email address"),
    "letter": ("applicant_address", "a postal address"),
}

# What must have been seen at the face-to-face meeting (disclosure_dp.md §1.4 step 3): proof of
# identity and of address for both schemes, and for CSODS of the relationship to the child.
EVIDENCE = {
    "identity": (
        "Proof of identity",
        "Enter the proof of identity seen, for example a passport or driving licence",
    ),
    "address": (
        "Proof of address",
        "Enter the proof of address seen, for example a utility bill or bank statement",
    ),
    "relationship": (
        "Proof of relationship to the child",
        "Enter the proof of relationship to the child seen, for example a birth certificate or red book",
    ),
}
_EVIDENCE_NEEDED = {"csods": ("identity", "address", "relationship"), "dvds": ("identity", "address")}

# The end-to-end target that applies once the outcome is known (schemes' end_to_end_days keys).
_END_TO_END_KEY = {
    SchemeOutcome.DISCLOSE: "disclosure",
    SchemeOutcome.DO_NOT_DISCLOSE: "non_disclosure",
}
_DELIVERED = frozenset({DisclosureStatus.DELIVERED, DisclosureStatus.REVIEWED})


# --- the edition and its timers -----------------------------------------------------------------


def scheme_edition(application: Application) -> SchemeEdition:
    """The edition the application was received under: its targets never move under it."""
    return edition(f"{application.scheme}-{application.guidance_version}")


def current_stage(application: Application) -> Stage:
    return scheme_edition(application).stage(application.stage)


def stage_record(application: Application) -> StageRecord | None:
    """The current stage's record (from prefetched stages when the caller prefetched them)."""
    return next((r for r in application.stages.all() if r.stage == application.stage), None)


def end_to_end_due(application: Application) -> datetime:
    """When the whole application is due: the outcome's target once the outcome is known; until
    then the longest, since the applicant cannot be owed an answer sooner than the scheme allows
    for the outcome that has not yet been decided. A referral has no target of its own: the
    longest applies."""
    targets = scheme_edition(application).end_to_end
    key = _END_TO_END_KEY.get(SchemeOutcome(application.outcome)) if application.outcome else None
    target = targets[key] if key in targets else max(targets.values())
    return application.received_at + target


def stage_due(application: Application) -> datetime:
    """When the current stage is due: its record's due time, or the edition's target."""
    record = stage_record(application)
    if record is not None:
        return record.due_at
    return application.received_at + current_stage(application).target


def is_overdue(application: Application, *, now: datetime | None = None) -> bool:
    """Open, and past the current stage's due time or the end-to-end target."""
    if application.status != ApplicationStatus.OPEN:
        return False
    now = now or timezone.now()
    return stage_due(application) < now or end_to_end_due(application) < now


def needs_safeguarding_plan(application: Application, *, now: datetime | None = None) -> bool:
    """Overdue with no safeguarding plan recorded (rule 22; IOPC 2025: a delayed application
    needs a safeguarding and communication plan while the applicant waits)."""
    return is_overdue(application, now=now) and not application.safeguarding_plan.strip()


# --- what each stage requires -------------------------------------------------------------------


def record_missing(application: Application, record: str) -> str | None:
    """Why one of schemes.RECORDS is not yet satisfied, in words; None when it is."""
    if record == "safe_contact":
        return _safe_contact_missing(application)
    if record == "identity_verified":
        if application.identity_verified_at is None:
            return (
                "Verify the applicant's identity at the face-to-face meeting: anonymous or "
                "unverified applicants receive no disclosure"
            )
        return None
    if record == "checks_recorded":
        if application.checks_recorded_at is None:
            return "Record the checks made on the subject and what they found"
        return None
    if record == "decision_recorded":
        if application.decided_at is None or not application.outcome:
            return "Record the decision and its rationale"
        return None
    if record == "outcome_recorded":
        return _outcome_missing(application)
    raise ValueError(f"Unknown record {record!r}")


def _safe_contact_missing(application: Application) -> str | None:
    ways = [way for way in application.safe_contact_ways or [] if way in SAFE_WAYS]
    if not ways:
        return "Record at least one safe way to contact the applicant"
    for way in ways:
        field, detail = _WAY_DETAIL[way]
        if not str(getattr(application, field) or "").strip():
            return (
                f"Record {detail} for the applicant: {SAFE_WAYS[way].lower()} is one of the safe ways "
                "to contact them"
            )
    if not application.safe_contact_times.strip():
        return "Record the times when it is safe to contact the applicant"
    return None


def not_made_message(reference: str) -> str:
    return (
        f"Disclosure {reference} was not made: its recipient refused the confidentiality undertaking "
        'and it was reconsidered as "do not disclose". Record the decision not to disclose, then how '
        "it was communicated"
    )


def _outcome_missing(application: Application) -> str | None:
    if application.outcome == SchemeOutcome.DISCLOSE:
        disclosure = application.disclosure
        if disclosure is not None and disclosure.outcome == DisclosureOutcome.DO_NOT_DISCLOSE:
            return not_made_message(disclosure.reference)
        if disclosure is None or disclosure.status not in _DELIVERED:
            return "Record the disclosure as delivered to the person it was made to"
        # Rule 26: support is offered at disclosure as at non-disclosure, and recorded.
        if not application.support_referral.strip():
            return "Record the support offered with the disclosure"
        return None
    if application.outcome == SchemeOutcome.DO_NOT_DISCLOSE:
        if application.non_disclosure_communicated_at is None:
            return "Record when and how the decision not to disclose was communicated"
        return None
    if application.outcome == SchemeOutcome.REFER:
        if not application.referred_to.strip():
            return "Record who the application was referred to, and why"
        if not application.support_referral.strip():
            return "Record what was referred and the support offered to the applicant"
        return None
    return "Record the decision before its outcome"


def stage_blockers(application: Application, *, now: datetime | None = None) -> list[str]:
    """What stops the application leaving its current stage, in words: each record the stage
    requires that is missing, and a safeguarding plan when the application is past its target."""
    blockers = [
        message
        for record in current_stage(application).requires
        if (message := record_missing(application, record)) is not None
    ]
    if needs_safeguarding_plan(application, now=now):
        blockers.append(SAFEGUARDING_BLOCKER)
    return blockers


# --- helpers ------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, missing: str, minimum: int = MIN_STATEMENT_LENGTH) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(missing, field=field)
    if len(text) < minimum:
        raise ApplicationError(f"{missing} in a sentence or more", field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ApplicationError(f"Enter {MAX_TEXT_LENGTH} characters or fewer", field=field)
    return text


def _require_manager(by: "User", application: Application) -> None:
    if not can_manage(by, application):
        raise PermissionDenied(NOT_MANAGER_MESSAGE)


def _locked(application: Application, version: int) -> Application:
    """The stored application, locked for this transaction; refused if not open or changed."""
    stored = (
        Application.objects.select_for_update(of=("self",))
        .select_related("receiving_agency", "disclosure")
        .get(pk=application.pk)
    )
    if stored.status != ApplicationStatus.OPEN:
        raise ApplicationError(
            f"{stored.reference} is {stored.get_status_display().lower()}, "
            "so nothing more can be done with it"
        )
    if stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    return stored


def _save(application: Application, fields: list[str]) -> None:
    application.version += 1
    application.save(override=True, update_fields=[*fields, "version", "updated_at"])


def _event(
    application: Application,
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
        summary=f"{summary}: {application.reference}",
        object_type="scheme_application",
        object_id=application.pk,
        object_agency_id=application.receiving_agency_id,
        nominal_id=application.subject_nominal_id,
        changed_fields=changed,
        detail={"version": application.version, "stage": application.stage, **detail},
    )


def _start_stage(application: Application, stage: Stage, at: datetime) -> StageRecord:
    # Due from the receipt (not from `at`): a late stage must not push the next one back.
    record = StageRecord(
        application=application,
        stage=stage.code,
        started_at=at,
        due_at=application.received_at + stage.target,
    )
    record.save(override=True)
    return record


def _complete_stage(application: Application, at: datetime, by: "User", note: str = "") -> None:
    record = (
        StageRecord.objects.select_for_update(of=("self",))
        .filter(application=application, stage=application.stage)
        .first()
    )
    if record is None:
        # An application whose first record was never written still gets its timeline.
        record = _start_stage(application, current_stage(application), application.received_at)
    record.completed_at = at
    record.completed_by = by
    record.note = note
    record.save(override=True)


# --- the stages ---------------------------------------------------------------------------------


@transaction.atomic
def application_advance(*, application: Application, version: int, note: str = "", by: "User") -> Application:
    """Complete the current stage and start the next, or close the application after the last."""
    _require_manager(by, application)
    stored = _locked(application, version)
    now = timezone.now()
    blockers = stage_blockers(stored, now=now)
    if blockers:
        raise ApplicationError(". ".join(blockers))
    note = (note or "").strip()
    if len(note) > MAX_TEXT_LENGTH:
        raise ApplicationError(f"Enter {MAX_TEXT_LENGTH} characters or fewer", field="note")
    completed = stored.stage
    _complete_stage(stored, now, by, note)
    following = scheme_edition(stored).next_stage(completed)
    if following is None:
        stored.status = ApplicationStatus.CLOSED
        stored.closed_at = now
        changed = ["status", "closed_at"]
        summary = "Disclosure scheme application closed"
    else:
        _start_stage(stored, following, now)
        stored.stage = following.code
        changed = ["stage"]
        summary = "Disclosure scheme application moved to its next stage"
    _save(stored, changed)
    _event(stored, by, summary, changed, completed_stage=completed)
    return stored


@transaction.atomic
def triage_record(
    *,
    application: Application,
    version: int,
    immediate_risk: bool,
    immediate_risk_action: str = "",
    by: "User",
) -> Application:
    """Triage (rule 18), and re-triage while the application waits (rule 22): whether a child or
    person at risk is in immediate danger, and if so what was done at once. Flagged applications
    come first in the queue."""
    _require_manager(by, application)
    stored = _locked(application, version)
    if immediate_risk:
        # The flag is only useful with the action: the next officer must see what was already done.
        action = _text(
            immediate_risk_action,
            field="immediate_risk_action",
            missing="Enter the action taken at once because of the immediate risk",
        )
    else:
        action = ""
    changed = [
        name
        for name, value in (("immediate_risk", bool(immediate_risk)), ("immediate_risk_action", action))
        if getattr(stored, name) != value
    ]
    stored.immediate_risk = bool(immediate_risk)
    stored.immediate_risk_action = action
    if changed:
        _save(stored, changed)
    _event(stored, by, "Disclosure scheme application triaged", changed, immediate_risk=bool(immediate_risk))
    return stored


@transaction.atomic
def application_not_proceeding(
    *, application: Application, version: int, reason: str, by: "User"
) -> Application:
    """The request is not one the scheme answers (for example a general enquiry not about a named
    child): recorded with the reason and what the police will do instead, at the first stage only
    (disclosure_dp.md §1.4 step 1). Later, the application runs to a decision."""
    _require_manager(by, application)
    stored = _locked(application, version)
    first = scheme_edition(stored).stages[0]
    if stored.stage != first.code:
        raise ApplicationError(
            f"An application can be stopped as not under the scheme only at its first stage "
            f"({first.label.lower()}). This one has moved on: record the decision instead"
        )
    stored.not_proceeding_reason = _text(
        reason,
        field="reason",
        missing=NOT_PROCEEDING_MISSING,
    )
    now = timezone.now()
    _complete_stage(stored, now, by, "Not proceeding under the scheme")
    stored.status = ApplicationStatus.NOT_PROCEEDING
    stored.closed_at = now
    changed = ["status", "not_proceeding_reason", "closed_at"]
    _save(stored, changed)
    _event(stored, by, "Disclosure scheme application not proceeding", changed)
    return stored


def evidence_needed(application: Application) -> tuple[str, ...]:
    """The kinds of evidence the application's scheme needs at the face-to-face meeting."""
    return _EVIDENCE_NEEDED.get(application.scheme, ("identity", "address", "relationship"))


@transaction.atomic
def identity_verify(
    *,
    application: Application,
    version: int,
    evidence: Mapping[str, str],
    verified_on: datetime,
    by: "User",
) -> Application:
    """The applicant's identity verified in person (rule 20): what was seen, keyed "identity",
    "address" and "relationship" (the last for CSODS only), and when. Without this nothing is
    disclosed: anonymous or unverified applicants receive no disclosure."""
    _require_manager(by, application)
    stored = _locked(application, version)
    lines = []
    for kind in evidence_needed(stored):
        label, missing = EVIDENCE[kind]
        seen = (evidence.get(kind) or "").strip()
        if not seen:
            raise ApplicationError(missing, field=kind)
        if len(seen) > 1000:
            raise ApplicationError("Enter 1000 characters or fewer", field=kind)
        lines.append(f"{label}: {seen}")
    if verified_on is None:
        raise ApplicationError("Enter the date of the face-to-face meeting", field="verified_on")
    if timezone.is_naive(verified_on):
        verified_on = timezone.make_aware(verified_on)
    if verified_on > timezone.now():
        raise ApplicationError(
            "The date of the face-to-face meeting must be today or in the past", field="verified_on"
        )
    # Compared by date: the meeting date is entered as a day, and the application may have
    # arrived later that same day.
    if timezone.localdate(verified_on) < timezone.localdate(stored.received_at):
        raise ApplicationError(
            "The date of the face-to-face meeting must be on or after the day the application was received",
            field="verified_on",
        )
    stored.identity_verified_at = verified_on
    stored.identity_verified_by = by
    stored.identity_evidence = "\n".join(lines)
    changed = ["identity_verified_at", "identity_verified_by", "identity_evidence"]
    _save(stored, changed)
    _event(stored, by, "Disclosure scheme applicant's identity verified", changed)
    return stored


@transaction.atomic
def safeguarding_plan_record(*, application: Application, version: int, plan: str, by: "User") -> Application:
    """The safeguarding and communication plan while the application waits (rule 22): allowed at
    any time, needed before an application past its target can move on."""
    _require_manager(by, application)
    stored = _locked(application, version)
    stored.safeguarding_plan = _text(
        plan,
        field="plan",
        missing=PLAN_MISSING,
    )
    stored.safeguarding_plan_at = timezone.now()
    changed = ["safeguarding_plan", "safeguarding_plan_at"]
    _save(stored, changed)
    _event(stored, by, "Disclosure scheme safeguarding plan recorded", changed)
    return stored


# --- right to know ------------------------------------------------------------------------------


@transaction.atomic
def right_to_know_open(
    *,
    source: str,
    person_at_risk_name: str,
    subject_name: str,
    subject_access: str,
    concern: str,
    safe_contact_ways: list[str],
    safe_contact_times: str,
    contact_phone: str = "",
    contact_email: str = "",
    contact_address: str = "",
    safe_contact_notes: str = "",
    subject_date_of_birth: Any = None,
    subject_address: str = "",
    children: list[dict[str, str]] | None = None,
    scheme: str = "dvds",
    by: "User",
) -> Application:
    """DVDS right to know: the police open an application themselves on information that someone
    may be at risk (disclosure_dp.md §2.2). The "applicant" is the source as the officer describes
    it ("Police: information from an investigation"); the safe ways and times to make contact are
    those of the person at risk, who would receive any disclosure. Only schemes whose current
    edition has the route (DVDS); received into the officer's own force's queue."""
    agency = acting_agency(by)
    if (
        agency is None
        or agency.kind != AgencyKind.POLICE
        or not has_permission(by, Permission.SCHEME_APPLICATION_MANAGE)
    ):
        raise PermissionDenied(
            "Only a disclosure scheme officer of a police force can open a right to know application"
        )
    received = current(scheme)
    if Route.RIGHT_TO_KNOW not in received.routes:
        raise ApplicationError(f"The {received.title} has no right to know route", field="scheme")
    ways = list(dict.fromkeys(safe_contact_ways or []))
    if not ways or set(ways) - set(SAFE_WAYS):
        raise ApplicationError(
            "Select at least one safe way to contact the person at risk", field="safe_contact_ways"
        )
    values: dict[str, Any] = {
        "applicant_name": _text(
            source, field="source", missing="Enter where the information came from", minimum=5
        ),
        "person_at_risk_name": _text(
            person_at_risk_name,
            field="person_at_risk_name",
            missing="Enter the name of the person at risk",
            minimum=2,
        ),
        "subject_name": _text(
            subject_name,
            field="subject_name",
            missing="Enter the name of the person they may be at risk from",
            minimum=2,
        ),
        "subject_access": _text(
            subject_access,
            field="subject_access",
            missing="Enter the relationship between the person at risk and the subject",
            minimum=5,
        ),
        "concern": _text(concern, field="concern", missing="Enter why the person may be at risk"),
        "safe_contact_ways": ways,
        "safe_contact_times": _text(
            safe_contact_times,
            field="safe_contact_times",
            missing="Enter when it is safe to contact the person at risk",
            minimum=3,
        ),
        "safe_contact_notes": (safe_contact_notes or "").strip(),
        "applicant_phone": (contact_phone or "").strip(),
        "applicant_email": (contact_email or "").strip(),
        "applicant_address": (contact_address or "").strip(),
        "subject_date_of_birth": subject_date_of_birth,
        "subject_address": (subject_address or "").strip(),
        "children": children or [],
    }
    for way in ways:
        field, detail = _WAY_DETAIL[way]
        if not values[field]:
            form_field = {"applicant_phone": "contact_phone", "applicant_email": "contact_email"}.get(
                field, "contact_address"
            )
            raise ApplicationError(
                f"Enter {detail} for the person at risk, or do not select {SAFE_WAYS[way].lower()}",
                field=form_field,
            )
    if len(values["applicant_phone"]) > 30:
        raise ApplicationError("Enter a phone number of 30 characters or fewer", field="contact_phone")
    now = timezone.now()
    application = Application(
        reference=new_reference(received.code),
        scheme=received.code,
        guidance_version=received.guidance_version,
        route=Route.RIGHT_TO_KNOW,
        receiving_agency=agency,
        received_at=now,
        stage=received.stages[0].code,
        **values,
    )
    application.save(override=True)
    _start_stage(application, received.stages[0], now)
    _event(
        application,
        by,
        "Right to know application opened",
        sorted(name for name, value in values.items() if value not in ("", [], None)),
        action=Action.COLLECTION,
    )
    return application
