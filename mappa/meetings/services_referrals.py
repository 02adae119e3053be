"""Referrals to level 2 or 3 (MAPPA A) and their screening by the area's co-ordinator.

Any Responsible Authority or duty-to-co-operate agency refers a nominal it can see; the
co-ordinator of the nominal's area screens the referral: accepts it at level 2 or 3 (which sets
the nominal's level, in the same transaction), declines it (the nominal stays where it is), or
asks the referrer for more information first (domain.md §1.7). The referring agency answers,
or withdraws the referral while it is open.

Every step is a dated ReferralStep row, so the time from referral to decision and to the first
meeting can be reported (selectors_referrals.referral_timings). Each write bumps the referral's
version: a co-ordinator who decides on a page loaded before the referrer answered is told to
look again rather than deciding on what they have not read.

Audit events name the referral, with the referring agency as its owner (its auditors see them),
and list changed fields only. The text of a referral describes the nominal's risk, so none of it
goes into an event: it stays on the referral, where its readers are controlled.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.meetings.models import OPEN_REFERRAL_STATUSES, Referral, ReferralStatus, ReferralStep
from mappa.meetings.selectors_referrals import (
    STEP_ACCEPTED,
    STEP_DECLINED,
    STEP_INFORMATION_PROVIDED,
    STEP_INFORMATION_REQUESTED,
    STEP_SUBMITTED,
    STEP_WITHDRAWN,
    can_screen,
    is_referrer,
    referring_agency,
)
from mappa.nominals.models import ChangeReason, Nominal
from mappa.nominals.selectors import nominal_list
from mappa.nominals.services import nominal_change_level

if TYPE_CHECKING:
    from mappa.accounts.models import User

MAX_TEXT_LENGTH = 10000
# MAPPA A's reasons and the co-ordinator's decision are the record of why a case moved level (or
# did not): a word or two is not a reason anyone can act on later.
MIN_STATEMENT_LENGTH = 20
LEVELS = (2, 3)

CONFLICT_MESSAGE = (
    "Someone else changed this referral while you were looking at it. Nothing has been saved. "
    "Go back to the referral to read it as it is now, then decide again"
)


def _when(value: Any) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}"


def _text(value: str, *, field: str, missing: str, label: str, minimum: int = 1) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(missing, field=field)
    if len(text) < minimum:
        raise ApplicationError(f"Explain {label} in a sentence or more", field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ApplicationError(
            f"{label[0].upper()}{label[1:]} must be {MAX_TEXT_LENGTH} characters or fewer", field=field
        )
    return text


def _level(value: Any, *, field: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in LEVELS:
        raise ApplicationError("Select level 2 or level 3", field=field)
    return level


def _step(referral: Referral, step: str, by: "User", note: str = "", *, at: datetime | None = None) -> None:
    # A decision passes its own time, so the timeline and the timings (decided_at) agree.
    row = ReferralStep(referral=referral, step=step, at=at or timezone.now(), by=by, note=note)
    row.save(override=True)


def _event(referral: Referral, by: "User", action: Action, summary: str, step: str, **kwargs: Any) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="referral",
        object_id=referral.pk,
        object_agency_id=referral.referring_agency_id,
        nominal_id=referral.nominal_id,
        detail={"step": step, "version": referral.version},
        **kwargs,
    )


def _save(referral: Referral, fields: list[str]) -> None:
    referral.version += 1
    referral.save(override=True, update_fields=[*fields, "version", "updated_at"])


def _locked(referral: Referral) -> Referral:
    """The stored referral, locked for this transaction, with its nominal as it is now."""
    return (
        Referral.objects.select_for_update().select_related("nominal", "referring_agency").get(pk=referral.pk)
    )


def _require_open(referral: Referral) -> None:
    if referral.is_open:
        return
    if referral.status == ReferralStatus.WITHDRAWN:
        raise ApplicationError(
            f"{referral.reference} has been withdrawn, so nothing more can be done with it"
        )
    raise ApplicationError(f"{referral.reference} has already been decided: {referral.get_status_display()}")


def _require_version(referral: Referral, version: int) -> None:
    if referral.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)


def _require_screener(by: "User", referral: Referral) -> None:
    if not can_screen(by, referral):
        raise PermissionDenied("Only a MAPPA co-ordinator of the nominal's area can screen this referral")


def _require_referrer(by: "User", referral: Referral) -> None:
    if not is_referrer(by, referral):
        raise PermissionDenied("Only the agency that made this referral can do this")


# --- referring ----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    nominal: Nominal,
    proposed_level: int,
    reasons: str,
    risk_summary: str,
    current_level_gaps: str,
    by: "User",
) -> Referral:
    """Refer a nominal to level 2 or 3: MAPPA A, sent to the co-ordinator of its area."""
    agency = referring_agency(by)
    if agency is None:
        raise PermissionDenied(
            "Only staff of a Responsible Authority or duty-to-co-operate agency can refer a nominal"
        )
    if not nominal_list(fetched_by=by).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You cannot see this nominal")
    # Locked so that two referrals made at once are checked one after the other; the
    # one-open-referral constraint is the last word if they are not.
    stored = Nominal.objects.select_for_update().get(pk=nominal.pk)
    if stored.is_exited:
        raise ApplicationError("This nominal has exited MAPPA, so they cannot be referred")
    level = _level(proposed_level, field="proposed_level")
    if stored.level >= level:
        higher = " Propose level 3 if they need senior oversight." if stored.level == 2 else ""
        raise ApplicationError(
            f"This nominal is already managed at level {stored.level}.{higher}", field="proposed_level"
        )
    existing = (
        Referral.objects.filter(nominal_id=stored.pk, status__in=OPEN_REFERRAL_STATUSES)
        .select_related("referring_agency")
        .first()
    )
    if existing is not None:
        raise ApplicationError(_open_message(existing))
    reasons = _text(
        reasons,
        field="reasons",
        missing="Enter why you are referring this nominal",
        label="why you are referring this nominal",
        minimum=MIN_STATEMENT_LENGTH,
    )
    risk_summary = (risk_summary or "").strip()
    if len(risk_summary) > MAX_TEXT_LENGTH:
        raise ApplicationError(
            f"The risk summary must be {MAX_TEXT_LENGTH} characters or fewer", field="risk_summary"
        )
    # Level 3 is for cases whose plan cannot be delivered at level 2 (domain.md §1.7): the
    # referral has to say which parts, or the co-ordinator cannot judge it.
    gaps_label = (
        "which parts of the risk management plan cannot be delivered at level 2"
        if level == 3
        else f"what cannot be managed at level {stored.level}"
    )
    current_level_gaps = _text(
        current_level_gaps,
        field="current_level_gaps",
        missing=f"Enter {gaps_label}",
        label=gaps_label,
        minimum=MIN_STATEMENT_LENGTH,
    )
    referral = Referral(
        nominal=stored,
        referring_agency=agency,
        referred_by=by,
        proposed_level=level,
        reasons=reasons,
        risk_summary=risk_summary,
        current_level_gaps=current_level_gaps,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            referral.save(override=True)
    except IntegrityError:
        raise ApplicationError(
            "Another referral for this nominal was made at the same moment. Go back to the nominal to see it"
        ) from None
    _step(referral, STEP_SUBMITTED, by, at=referral.submitted_at)
    _event(referral, by, Action.COLLECTION, "Referral to level 2 or 3 made", STEP_SUBMITTED)
    return referral


def _open_message(existing: Referral) -> str:
    return (
        f"This nominal already has an open referral, {existing.reference}, made by "
        f"{existing.referring_agency.name} on {_when(existing.submitted_at)}. Only one referral can be "
        "open at a time: add what you know to that one by contacting the MAPPA co-ordinator, or wait "
        "for their decision"
    )


@transaction.atomic
def referral_provide_information(*, referral: Referral, response_text: str, by: "User") -> Referral:
    """The referring agency answers the co-ordinator's question; the referral is screened again."""
    stored = _locked(referral)
    _require_referrer(by, stored)
    _require_open(stored)
    if stored.status != ReferralStatus.MORE_INFORMATION:
        raise ApplicationError(
            "The MAPPA co-ordinator has not asked for more information about this referral"
        )
    stored.information_response = _text(
        response_text,
        field="response_text",
        missing="Enter the information the co-ordinator asked for",
        label="the information",
    )
    stored.status = ReferralStatus.SUBMITTED
    _save(stored, ["status", "information_response"])
    _step(stored, STEP_INFORMATION_PROVIDED, by, stored.information_response)
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Referral: more information given",
        STEP_INFORMATION_PROVIDED,
        changed_fields=["status", "information_response"],
    )
    return stored


@transaction.atomic
def referral_withdraw(*, referral: Referral, reason: str, by: "User") -> Referral:
    """The referring agency withdraws its referral before it is decided, and says why.

    A withdrawal is not a decision: decided_at and the decision stay empty, and the reason is
    kept on the withdrawal step.
    """
    stored = _locked(referral)
    _require_referrer(by, stored)
    _require_open(stored)
    note = _text(reason, field="reason", missing="Enter why you are withdrawing the referral", label="why")
    stored.status = ReferralStatus.WITHDRAWN
    _save(stored, ["status"])
    _step(stored, STEP_WITHDRAWN, by, note)
    _event(stored, by, Action.ALTERATION, "Referral withdrawn", STEP_WITHDRAWN, changed_fields=["status"])
    return stored


# --- screening ----------------------------------------------------------------------------------


@transaction.atomic
def referral_request_information(*, referral: Referral, request_text: str, by: "User") -> Referral:
    """The co-ordinator asks the referrer for what the referral is missing before deciding."""
    stored = _locked(referral)
    _require_screener(by, stored)
    _require_open(stored)
    if stored.status == ReferralStatus.MORE_INFORMATION:
        raise ApplicationError(
            f"More information has already been asked for, and {stored.referring_agency.name} has not "
            "answered yet. Wait for their answer, or accept or decline the referral now"
        )
    stored.information_request = _text(
        request_text,
        field="request_text",
        missing="Enter what information you need from the referrer",
        label="what information you need",
    )
    # The previous round's answer stays on its step; the referral shows the current round.
    stored.information_response = ""
    stored.status = ReferralStatus.MORE_INFORMATION
    _save(stored, ["status", "information_request", "information_response"])
    _step(stored, STEP_INFORMATION_REQUESTED, by, stored.information_request)
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Referral: more information requested",
        STEP_INFORMATION_REQUESTED,
        changed_fields=["status", "information_request", "information_response"],
    )
    return stored


def _decide(stored: Referral, *, status: ReferralStatus, reason: str, by: "User") -> None:
    stored.decision_reason = _text(
        reason,
        field="reason",
        missing="Enter the reason for your decision",
        label="the reason for your decision",
        minimum=MIN_STATEMENT_LENGTH,
    )
    stored.status = status
    stored.decided_by = by
    stored.decided_at = timezone.now()


@transaction.atomic
def referral_accept(*, referral: Referral, level: int, reason: str, version: int, by: "User") -> Referral:
    """Accept at level 2 or 3 (not necessarily the level proposed) and set the nominal's level.

    The level change goes through the nominal register's own service, so it is checked, recorded
    in the nominal's history (reason: set at screening) and audited like any other; if it is
    refused, the acceptance is not saved either.
    """
    stored = _locked(referral)
    _require_screener(by, stored)
    _require_version(stored, version)
    _require_open(stored)
    level = _level(level, field="level")
    nominal = Nominal.objects.select_for_update().get(pk=stored.nominal_id)
    if nominal.is_exited:
        raise ApplicationError(
            "This nominal has exited MAPPA, so the referral cannot be accepted. Decline it"
        )
    if nominal.level >= level:
        raise ApplicationError(
            f"The nominal is already managed at level {nominal.level}. Accept at a higher level, or "
            "decline the referral",
            field="level",
        )
    _decide(stored, status=ReferralStatus.ACCEPTED, reason=reason, by=by)
    stored.accepted_level = level
    nominal_change_level(
        nominal=nominal,
        level=level,
        reason=ChangeReason.SCREENING,
        reason_detail=f"Referral {stored.reference} accepted",
        effective_date=timezone.localdate(stored.decided_at),
        version=nominal.version,
        by=by,
    )
    changed = ["status", "accepted_level", "decided_at", "decided_by", "decision_reason"]
    _save(stored, changed)
    _step(stored, STEP_ACCEPTED, by, stored.decision_reason, at=stored.decided_at)
    _event(stored, by, Action.ALTERATION, "Referral accepted", STEP_ACCEPTED, changed_fields=changed)
    return stored


@transaction.atomic
def referral_decline(*, referral: Referral, reason: str, version: int, by: "User") -> Referral:
    """Decline: the nominal stays at its level (level 1, usually), and the referrer sees why."""
    stored = _locked(referral)
    _require_screener(by, stored)
    _require_version(stored, version)
    _require_open(stored)
    _decide(stored, status=ReferralStatus.DECLINED, reason=reason, by=by)
    changed = ["status", "decided_at", "decided_by", "decision_reason"]
    _save(stored, changed)
    _step(stored, STEP_DECLINED, by, stored.decision_reason, at=stored.decided_at)
    _event(stored, by, Action.ALTERATION, "Referral declined", STEP_DECLINED, changed_fields=changed)
    return stored
