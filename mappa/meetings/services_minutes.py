"""Writes to minutes (MAPPA C) and their actions: one transaction each, audited inside.

The minutes of a case move draft -> submitted to the chair -> approved. Only the meeting's named
minute-taker writes the draft (entries of information shared, each credited to the agency that
gave it, decisions with their rationale and dissent, actions); only its chair returns or approves
it. Approved minutes never change again: every write here refuses them, and a correction is a
new version (number + 1, with its reason) that supersedes the old one when approved
(docs/adr/0014). While drafting, the version the writer saw is checked (optimistic locking), so
two tabs or two people cannot silently overwrite each other.

Sections pre-filled from the referral or the last minutes are listed in `reused_sections`; each
must be confirmed "still current" (or edited, which counts) before the minutes can be submitted,
because copying forward stale risk information is exactly what inspectors criticise.

Actions outlive the minutes' lock: following an action up (done, not done and why) is recorded
on the action, not by changing the approved text, so `action_update` works on approved minutes.

Audit events name the nominal and its lead agency, and list the changed fields by name; the text
of the minutes is personal data and never goes into an event's summary or detail.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.audit.models import Action as AuditAction
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.models import ServiceWrittenModel
from mappa.meetings.models import (
    REUSABLE_SECTIONS,
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    MeetingStatus,
    Minutes,
    MinutesEntry,
    MinutesStatus,
)
from mappa.meetings.selectors_minutes import (
    EDITABLE_SECTIONS,
    LEVEL_EXITED,
    LEVEL_NOT_PERMITTED,
    TEXT_SECTIONS,
    can_approve_minutes,
    can_update_action,
    can_write_minutes,
    draft_reviewing,
    entry_agencies,
    is_member,
    level_change_outcome,
    minutes_problems,
    open_correction,
    prefill_for,
    previous_minutes,
)
from mappa.meetings.services_copies import minutes_distribute
from mappa.nominals.models import Level, Nominal
from mappa.nominals.services import nominal_apply_meeting_decision

if TYPE_CHECKING:
    from mappa.accounts.models import User

CONFLICT_MESSAGE = (
    "Someone else changed these minutes while you were working on them, so nothing has been saved. "
    "Check the minutes as they are now, then try again"
)
LOCKED_MESSAGE = (
    "These minutes have been approved and can no longer be changed. To put something right, "
    "start a correction"
)
SUBMITTED_MESSAGE = (
    "These minutes have been submitted to the chair. They can be changed again only if the chair returns them"
)
NOT_SUBMITTED_MESSAGE = "These minutes have not been submitted to the chair"
MAX_TEXT = 20000
MAX_NOTE = 2000


class MinutesConflict(ApplicationError):
    """The minutes were saved by someone else since the writer opened them."""


# --- helpers --------------------------------------------------------------------------------


def _minutes_event(minutes: Minutes, by: "User", action: AuditAction, summary: str, **kwargs: Any) -> None:
    nominal = minutes.agenda_item.nominal
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="minutes",
        object_id=minutes.pk,
        object_agency_id=nominal.lead_agency_id,
        nominal_id=nominal.pk,
        **kwargs,
    )


def _action_event(action: Action, by: "User", audit: AuditAction, summary: str, **kwargs: Any) -> None:
    record_event(
        action=audit,
        actor=by,
        summary=summary,
        object_type="action",
        object_id=action.pk,
        object_agency_id=action.nominal.lead_agency_id,
        nominal_id=action.nominal_id,
        **kwargs,
    )


def _require_writer(by: "User", minutes_or_item: Minutes | AgendaItem) -> None:
    item = minutes_or_item.agenda_item if isinstance(minutes_or_item, Minutes) else minutes_or_item
    if not can_write_minutes(by, item.meeting):
        raise PermissionDenied("Only the meeting's minute-taker can write these minutes")


def _require_chair(by: "User", minutes: Minutes) -> None:
    if not can_approve_minutes(by, minutes.agenda_item.meeting):
        raise PermissionDenied("Only the meeting's chair can do this")


def _stored(
    minutes: Minutes, *, version: int | None = None, statuses: Sequence[str] = (MinutesStatus.DRAFT,)
) -> Minutes:
    """The stored minutes, locked for this transaction, if they may still be changed.

    Locking the minutes row also serialises changes to its entries, decisions and actions.
    """
    stored = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("agenda_item__meeting", "agenda_item__nominal", "agenda_item__referral")
        .get(pk=minutes.pk)
    )
    if stored.is_locked:
        raise ApplicationError(LOCKED_MESSAGE)
    if version is not None and stored.version != version:
        raise MinutesConflict(CONFLICT_MESSAGE)
    if stored.status not in statuses:
        raise ApplicationError(
            SUBMITTED_MESSAGE if stored.status == MinutesStatus.SUBMITTED else NOT_SUBMITTED_MESSAGE
        )
    return stored


def _text(value: str, *, field: str, missing: str | None = None, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if missing and not text:
        raise ApplicationError(missing, field=field)
    if len(text) > max_length:
        raise ApplicationError(f"This must be {max_length} characters or fewer", field=field)
    return text


def _next_position(rows: Any) -> int:
    return int(rows.aggregate(top=Max("position"))["top"] or 0) + 1


def _save(row: ServiceWrittenModel, fields: Iterable[str]) -> None:
    row.save(override=True, update_fields=list(fields))


def _bump(minutes: Minutes, fields: list[str]) -> None:
    minutes.version += 1
    _save(minutes, [*fields, "version", "updated_at"])


def _clean_sections(minutes: Minutes, sections: Mapping[str, object]) -> dict[str, Any]:
    unknown = set(sections) - set(EDITABLE_SECTIONS)
    if unknown:
        raise TypeError(f"Not a section of the minutes: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in sections.items():
        if name in TEXT_SECTIONS:
            values[name] = _text(str(value or ""), field=name)
        elif name == "level_decision":
            if value in (None, ""):
                values[name] = None
            elif str(value) in {str(level) for level in Level.values}:
                values[name] = int(str(value))
            else:
                raise ApplicationError("Select level 1, 2 or 3", field=name)
        elif name == "next_review_date":
            if value is not None and not isinstance(value, date):
                raise ApplicationError("Enter the next review date as a date", field=name)
            meeting_day = timezone.localdate(minutes.agenda_item.meeting.starts_at)
            if value is not None and value <= meeting_day:
                raise ApplicationError("The next review date must be after the meeting", field=name)
            values[name] = value
    return values


# --- starting, editing, confirming ----------------------------------------------------------


@transaction.atomic
def minutes_start(*, agenda_item: AgendaItem, by: "User") -> Minutes:
    """Start the draft minutes of one case, pre-filled from its referral and last minutes."""
    _require_writer(by, agenda_item)
    # Lock the agenda item: two clicks on "Start" must not make two drafts.
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "nominal", "referral")
        .get(pk=agenda_item.pk)
    )
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("The meeting was cancelled, so there are no minutes to write")
    latest = item.minutes.order_by("-number").first()
    if latest is not None:
        raise ApplicationError(
            "These minutes have been approved. To change them, start a correction"
            if latest.is_locked
            else "Minutes for this case have already been started: carry on with that draft"
        )
    prefill = prefill_for(item)
    reused = [section for section in REUSABLE_SECTIONS if section in prefill]
    minutes = Minutes(agenda_item=item, number=1, status=MinutesStatus.DRAFT, reused_sections=reused)
    for section, value in prefill.items():
        setattr(minutes, section, value.text)
    minutes.save(override=True)
    previous = previous_minutes(item)
    _minutes_event(
        minutes,
        by,
        AuditAction.COLLECTION,
        "Minutes started",
        detail={
            "number": 1,
            "reused_sections": reused,
            "from_referral": item.referral_id,
            "from_minutes": previous.pk if previous else None,
        },
    )
    return minutes


@transaction.atomic
def minutes_update(
    *,
    minutes: Minutes,
    version: int,
    sections: Mapping[str, object],
    confirmed: Iterable[str] = (),
    by: "User",
) -> Minutes:
    """Save sections of a draft. Editing a pre-filled section confirms it; `confirmed` names
    pre-filled sections the writer ticked as still current without changing them."""
    _require_writer(by, minutes)
    stored = _stored(minutes, version=version)
    values = _clean_sections(stored, sections)
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    confirming = set(confirmed) | set(changed)
    newly = [s for s in stored.reused_sections if s in confirming and s not in stored.confirmed_sections]
    if not changed and not newly:
        return stored
    for name in changed:
        setattr(stored, name, values[name])
    fields = list(changed)
    if newly:
        stored.confirmed_sections = [*stored.confirmed_sections, *newly]
        fields.append("confirmed_sections")
    _bump(stored, fields)
    _minutes_event(stored, by, AuditAction.ALTERATION, "Minutes changed", changed_fields=fields)
    return stored


@transaction.atomic
def minutes_confirm_current(*, minutes: Minutes, section: str, by: "User") -> Minutes:
    """Tick a pre-filled section as still current, unchanged."""
    _require_writer(by, minutes)
    stored = _stored(minutes)
    if section not in stored.reused_sections:
        raise ApplicationError(
            "That section was not pre-filled, so there is nothing to confirm", field=section
        )
    if section in stored.confirmed_sections:
        return stored
    stored.confirmed_sections = [*stored.confirmed_sections, section]
    # Not a new version: a confirmation cannot overwrite anyone's text, and the edit form
    # recomputes confirmations from the stored row under the lock.
    _save(stored, ["confirmed_sections", "updated_at"])
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Pre-filled section of minutes confirmed as still current",
        changed_fields=["confirmed_sections"],
        detail={"section": section},
    )
    return stored


# --- information shared (entries) -----------------------------------------------------------


def _entry_agency(minutes: Minutes, agency: Agency | None, field: str = "agency") -> Agency:
    if agency is None or not entry_agencies(minutes.agenda_item.meeting).filter(pk=agency.pk).exists():
        raise ApplicationError(
            "Select an agency of the area, or one invited to or attending the meeting", field=field
        )
    return agency


@transaction.atomic
def minutes_entry_add(*, minutes: Minutes, agency: Agency | None, text: str, by: "User") -> MinutesEntry:
    """Record information shared at the meeting, credited to the agency that gave it."""
    _require_writer(by, minutes)
    stored = _stored(minutes)
    entry = MinutesEntry(
        minutes=stored,
        agency=_entry_agency(stored, agency),
        text=_text(text, field="text", missing="Enter the information the agency shared"),
        position=_next_position(stored.entries.all()),
    )
    entry.save(override=True)
    _minutes_event(
        stored,
        by,
        AuditAction.COLLECTION,
        "Information shared recorded in minutes",
        changed_fields=["entries"],
        detail={"entry": entry.pk},
    )
    return entry


@transaction.atomic
def minutes_entry_update(
    *, entry: MinutesEntry, agency: Agency | None, text: str, by: "User"
) -> MinutesEntry:
    _require_writer(by, entry.minutes)
    stored = _stored(entry.minutes)
    row = stored.entries.get(pk=entry.pk)
    values = {
        "agency_id": _entry_agency(stored, agency).pk,
        "text": _text(text, field="text", missing="Enter the information the agency shared"),
    }
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    _save(row, changed)
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Information shared in minutes changed",
        changed_fields=[name.removesuffix("_id") for name in changed],
        detail={"entry": row.pk},
    )
    return row


@transaction.atomic
def minutes_entry_remove(*, entry: MinutesEntry, by: "User") -> None:
    _require_writer(by, entry.minutes)
    stored = _stored(entry.minutes)
    row = stored.entries.get(pk=entry.pk)
    pk = row.pk
    row.delete(override=True)
    _minutes_event(
        stored,
        by,
        AuditAction.ERASURE,
        "Information shared removed from draft minutes",
        changed_fields=["entries"],
        detail={"entry": pk},
    )


# --- decisions ------------------------------------------------------------------------------


def _decision_values(text: str, rationale: str, dissent: str) -> dict[str, str]:
    return {
        "text": _text(text, field="text", missing="Enter the decision"),
        "rationale": _text(rationale, field="rationale", missing="Enter the reasons for the decision"),
        "dissent": _text(dissent, field="dissent"),
    }


@transaction.atomic
def minutes_decision_add(
    *, minutes: Minutes, text: str, rationale: str, dissent: str = "", by: "User"
) -> Decision:
    """Record a decision with its rationale, and any dissent (MAPPA C: all views recorded)."""
    _require_writer(by, minutes)
    stored = _stored(minutes)
    decision = Decision(
        minutes=stored,
        position=_next_position(stored.decisions.all()),
        **_decision_values(text, rationale, dissent),
    )
    decision.save(override=True)
    _minutes_event(
        stored,
        by,
        AuditAction.COLLECTION,
        "Decision recorded in minutes",
        changed_fields=["decisions"],
        detail={"decision": decision.pk},
    )
    return decision


@transaction.atomic
def minutes_decision_update(
    *, decision: Decision, text: str, rationale: str, dissent: str = "", by: "User"
) -> Decision:
    _require_writer(by, decision.minutes)
    stored = _stored(decision.minutes)
    row = stored.decisions.get(pk=decision.pk)
    values = _decision_values(text, rationale, dissent)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    _save(row, changed)
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Decision in minutes changed",
        changed_fields=changed,
        detail={"decision": row.pk},
    )
    return row


@transaction.atomic
def minutes_decision_remove(*, decision: Decision, by: "User") -> None:
    _require_writer(by, decision.minutes)
    stored = _stored(decision.minutes)
    row = stored.decisions.get(pk=decision.pk)
    pk = row.pk
    row.delete(override=True)
    _minutes_event(
        stored,
        by,
        AuditAction.ERASURE,
        "Decision removed from draft minutes",
        changed_fields=["decisions"],
        detail={"decision": pk},
    )


# --- actions in a draft ---------------------------------------------------------------------


def _action_values(
    minutes: Minutes,
    *,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None",
    due_date: date | None,
) -> dict[str, Any]:
    agency = _entry_agency(minutes, owner_agency, field="owner_agency")
    if owner is not None and not is_member(int(owner.pk), agency.pk):
        raise ApplicationError(f"The owner must be a member of {agency.name}", field="owner")
    if due_date is None:
        raise ApplicationError("Enter the date the action is due", field="due_date")
    if due_date < timezone.localdate():
        raise ApplicationError("The due date must be today or in the future", field="due_date")
    return {
        "description": _text(description, field="description", missing="Enter what is to be done"),
        "owner_agency_id": agency.pk,
        "owner_id": owner.pk if owner is not None else None,
        "due_date": due_date,
    }


@transaction.atomic
def minutes_action_add(
    *,
    minutes: Minutes,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None" = None,
    due_date: date | None,
    by: "User",
) -> Action:
    """Record an action: what, which agency (and optionally which person) owns it, by when."""
    _require_writer(by, minutes)
    stored = _stored(minutes)
    values = _action_values(
        stored, description=description, owner_agency=owner_agency, owner=owner, due_date=due_date
    )
    action = Action(minutes=stored, nominal_id=stored.agenda_item.nominal_id, **values)
    action.save(override=True)
    action.nominal = stored.agenda_item.nominal
    _action_event(
        action, by, AuditAction.COLLECTION, "Action recorded in minutes", detail={"minutes": stored.pk}
    )
    return action


@transaction.atomic
def minutes_action_update(
    *,
    action: Action,
    description: str,
    owner_agency: Agency | None,
    owner: "User | None" = None,
    due_date: date | None,
    by: "User",
) -> Action:
    _require_writer(by, action.minutes)
    stored = _stored(action.minutes)
    row = stored.actions.select_related("nominal").get(pk=action.pk)
    values = _action_values(
        stored, description=description, owner_agency=owner_agency, owner=owner, due_date=due_date
    )
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    _save(row, [*changed, "updated_at"])
    _action_event(
        row,
        by,
        AuditAction.ALTERATION,
        "Action in draft minutes changed",
        changed_fields=[name.removesuffix("_id") for name in changed],
    )
    return row


@transaction.atomic
def minutes_action_remove(*, action: Action, by: "User") -> None:
    _require_writer(by, action.minutes)
    stored = _stored(action.minutes)
    row = stored.actions.select_related("nominal").get(pk=action.pk)
    pk = row.pk
    row.delete(override=True)
    row.pk = pk  # for the event's object_id
    _action_event(
        row, by, AuditAction.ERASURE, "Action removed from draft minutes", detail={"minutes": stored.pk}
    )


# --- following actions up -------------------------------------------------------------------


def _follow_up(
    action: Action, *, status: str, outcome_note: str, by: "User", allowed: Sequence[str]
) -> list[str]:
    """Set an action's status and note (closing or reopening it); the names of what changed."""
    if status not in allowed:
        raise ApplicationError("Select what happened to the action", field="status")
    note = _text(outcome_note, field="outcome_note", max_length=MAX_NOTE)
    if status == ActionStatus.NOT_DONE and not note:
        raise ApplicationError("Say why the action was not done", field="outcome_note")
    values: dict[str, Any] = {"status": status, "outcome_note": note}
    if status == ActionStatus.OPEN:
        values.update(closed_at=None, closed_by_id=None)
    elif action.status != status or action.closed_at is None:
        values.update(closed_at=timezone.now(), closed_by_id=by.pk)
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    for name in changed:
        setattr(action, name, values[name])
    return changed


@transaction.atomic
def action_review(*, action: Action, status: str, outcome_note: str, by: "User") -> Action:
    """Record, while drafting the next minutes, whether an earlier action was done (and if not,
    why): the "review of previous actions" of MAPPA C."""
    draft = draft_reviewing(action, by)
    if draft is None or not can_write_minutes(by, draft.agenda_item.meeting):
        raise PermissionDenied("Only the minute-taker drafting the next minutes of this case can review it")
    _stored(draft)  # still a draft, and no one else changes it meanwhile
    stored = Action.objects.select_for_update(of=("self",)).select_related("nominal").get(pk=action.pk)
    changed = _follow_up(
        stored,
        status=status,
        outcome_note=outcome_note,
        by=by,
        allowed=(ActionStatus.DONE, ActionStatus.NOT_DONE),
    )
    if not changed:
        return stored
    _save(stored, [*changed, "updated_at"])
    _action_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Action reviewed in the next minutes",
        changed_fields=[name.removesuffix("_id") for name in changed],
        detail={"reviewed_in": draft.pk},
    )
    return stored


@transaction.atomic
def action_update(*, action: Action, status: str, outcome_note: str, by: "User") -> Action:
    """The owner, their agency or the chair records progress: done, not done (and why), or open."""
    if not can_update_action(by, action):
        raise PermissionDenied("You cannot update this action")
    stored = (
        Action.objects.select_for_update(of=("self",)).select_related("nominal", "minutes").get(pk=action.pk)
    )
    if stored.minutes.status != MinutesStatus.APPROVED:
        raise ApplicationError(
            "This action is not in the current approved minutes. Update it in the current version"
        )
    changed = _follow_up(stored, status=status, outcome_note=outcome_note, by=by, allowed=ActionStatus.values)
    if not changed:
        return stored
    _save(stored, [*changed, "updated_at"])
    _action_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Action updated",
        changed_fields=[name.removesuffix("_id") for name in changed],
    )
    return stored


# --- submitting, returning, approving -------------------------------------------------------


@transaction.atomic
def minutes_submit(*, minutes: Minutes, version: int, by: "User") -> Minutes:
    """Send the draft to the chair, once it is complete (selectors_minutes.minutes_problems)."""
    _require_writer(by, minutes)
    stored = _stored(minutes, version=version)
    problems = minutes_problems(stored)
    if problems:
        field, message = problems[0]
        raise ApplicationError(message, field=field)
    stored.status = MinutesStatus.SUBMITTED
    stored.submitted_at = timezone.now()
    _bump(stored, ["status", "submitted_at"])
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Minutes submitted to the chair",
        changed_fields=["status", "submitted_at"],
    )
    return stored


@transaction.atomic
def minutes_return(*, minutes: Minutes, reason: str, by: "User") -> Minutes:
    """The chair sends submitted minutes back to the minute-taker, saying what to change."""
    _require_chair(by, minutes)
    reason = _text(reason, field="reason", missing="Enter what needs changing", max_length=MAX_NOTE)
    stored = _stored(minutes, statuses=(MinutesStatus.SUBMITTED,))
    stored.status = MinutesStatus.DRAFT
    stored.submitted_at = None
    _bump(stored, ["status", "submitted_at"])
    # Minutes have no field for the chair's reason, so the event keeps it, as the stated reason
    # for the change, where the minute-taker's and the chair's auditors can read it.
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Minutes returned to the minute-taker",
        changed_fields=["status", "submitted_at"],
        justification=reason,
    )
    return stored


def _apply_level(minutes: Minutes, by: "User") -> str:
    """Change the nominal's level to the one the meeting decided, through the nominals service,
    where the chair may (selectors_minutes.level_change_outcome); otherwise the decision stays
    recorded in the minutes for the lead agency or co-ordinator to apply, as the approval page
    told the chair before they confirmed."""
    nominal = Nominal.objects.select_related("lead_agency").get(pk=minutes.agenda_item.nominal_id)
    minutes.agenda_item.nominal = nominal  # as stored now, not as the page saw it
    outcome = level_change_outcome(minutes, by)
    if outcome in (LEVEL_EXITED, LEVEL_NOT_PERMITTED):
        return outcome
    meeting_day = timezone.localdate(minutes.agenda_item.meeting.starts_at)
    # The level (if it changes) and the review date the meeting set, in the same transaction.
    nominal_apply_meeting_decision(
        nominal=nominal,
        level=minutes.level_decision,
        next_review=minutes.next_review_date,
        decision=f"Minutes {minutes.reference} of {minutes.agenda_item.meeting.reference}",
        effective_date=min(meeting_day, timezone.localdate()),
        by=by,
    )
    return outcome


_FOLLOW_UP = ("status", "outcome_note", "closed_at", "closed_by_id")
_SAME_ACTION = ("description", "owner_agency_id", "owner_id", "due_date")


def _carry_follow_up(old: Minutes, new: Minutes) -> None:
    """Actions stayed live on the old version while its correction was written: carry any
    follow-up recorded meanwhile onto the corrected copy of the same (unchanged) action."""
    copies = list(new.actions.all())
    for action in old.actions.all():
        key = tuple(getattr(action, name) for name in _SAME_ACTION)
        for copy in copies:
            if tuple(getattr(copy, name) for name in _SAME_ACTION) != key:
                continue
            changed = [name for name in _FOLLOW_UP if getattr(copy, name) != getattr(action, name)]
            if changed:
                for name in changed:
                    setattr(copy, name, getattr(action, name))
                _save(copy, [*changed, "updated_at"])
            copies.remove(copy)
            break


@transaction.atomic
def minutes_approve(*, minutes: Minutes, version: int, by: "User") -> Minutes:
    """The chair approves: the minutes are locked for good, reach the attendees who signed and
    the named recipients (selectors.minutes_list), supersede the version they correct, and the
    nominal's level follows the meeting's decision where the chair may change it."""
    _require_chair(by, minutes)
    stored = _stored(minutes, version=version, statuses=(MinutesStatus.SUBMITTED,))
    problems = minutes_problems(stored)
    if problems:
        field, message = problems[0]
        raise ApplicationError(message, field=field)
    superseded = list(
        Minutes.objects.select_for_update(of=("self",))
        .filter(agenda_item_id=stored.agenda_item_id, status=MinutesStatus.APPROVED)
        .exclude(pk=stored.pk)
        .select_related("agenda_item__nominal")
    )
    for old in superseded:
        old.status = MinutesStatus.SUPERSEDED
        _save(old, ["status", "updated_at"])
        _carry_follow_up(old, stored)
        _minutes_event(
            old,
            by,
            AuditAction.ALTERATION,
            "Minutes superseded by an approved correction",
            changed_fields=["status"],
            detail={"superseded_by": stored.pk},
        )
    stored.status = MinutesStatus.APPROVED
    stored.approved_at = timezone.now()
    stored.approved_by = by
    _bump(stored, ["status", "approved_at", "approved_by"])
    # The distribution list records who the approved minutes went to (services_copies): those
    # who attended and signed, and, for a correction, whoever received the version it replaces.
    minutes_distribute(minutes=stored, by=by)
    level = _apply_level(stored, by)
    _minutes_event(
        stored,
        by,
        AuditAction.ALTERATION,
        "Minutes approved",
        changed_fields=["status", "approved_at", "approved_by"],
        detail={
            "number": stored.number,
            "supersedes": [old.pk for old in superseded],
            "level_change": level,
        },
    )
    return stored


@transaction.atomic
def minutes_correct(*, minutes: Minutes, reason: str, by: "User") -> Minutes:
    """Start a correction of approved minutes: a new draft version copying every section and
    row, with the reason. The approved version stays current until the correction is approved."""
    meeting = minutes.agenda_item.meeting
    if not (can_approve_minutes(by, meeting) or can_write_minutes(by, meeting)):
        raise PermissionDenied("Only the meeting's chair or minute-taker can correct these minutes")
    reason = _text(reason, field="reason", missing="Enter the reason for the correction", max_length=MAX_NOTE)
    AgendaItem.objects.select_for_update(of=("self",)).get(pk=minutes.agenda_item_id)
    stored = Minutes.objects.select_related("agenda_item__nominal").get(pk=minutes.pk)
    if stored.status == MinutesStatus.SUPERSEDED:
        raise ApplicationError("These minutes have already been corrected. Correct the current version")
    if stored.status != MinutesStatus.APPROVED:
        raise ApplicationError("Only approved minutes are corrected. Change the draft instead")
    if open_correction(stored) is not None:
        raise ApplicationError("A correction of these minutes is already being written")
    copy = Minutes(
        agenda_item_id=stored.agenda_item_id,
        number=stored.number + 1,
        status=MinutesStatus.DRAFT,
        correction_reason=reason,
        reused_sections=list(stored.reused_sections),
        confirmed_sections=list(stored.confirmed_sections),
        **{name: getattr(stored, name) for name in EDITABLE_SECTIONS},
    )
    copy.save(override=True)
    for entry in stored.entries.all():
        MinutesEntry(minutes=copy, agency_id=entry.agency_id, text=entry.text, position=entry.position).save(
            override=True
        )
    for decision in stored.decisions.all():
        Decision(
            minutes=copy,
            text=decision.text,
            rationale=decision.rationale,
            dissent=decision.dissent,
            position=decision.position,
        ).save(override=True)
    for action in stored.actions.all():
        Action(
            minutes=copy,
            nominal_id=action.nominal_id,
            description=action.description,
            owner_agency_id=action.owner_agency_id,
            owner_id=action.owner_id,
            due_date=action.due_date,
            status=action.status,
            outcome_note=action.outcome_note,
            closed_at=action.closed_at,
            closed_by_id=action.closed_by_id,
        ).save(override=True)
    copy.agenda_item = stored.agenda_item
    _minutes_event(
        copy,
        by,
        AuditAction.COLLECTION,
        "Correction of minutes started",
        detail={"corrects": stored.pk, "number": copy.number},
    )
    return copy


# --- reading lists of actions ----------------------------------------------------------------


@transaction.atomic
def actions_consulted(*, action_ids: list[int], by: "User") -> None:
    """One consultation event for a page listing actions (each names a nominal and a task)."""
    if not action_ids:
        return
    record_event(
        action=AuditAction.CONSULTATION,
        actor=by,
        summary="Actions consulted",
        object_type="action_list",
        justification="Actions of their own, their agency's or their meetings",
        detail={"action_ids": action_ids},
    )
