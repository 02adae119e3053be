"""Writes to the nominal register. Each is one transaction: permission, validation, write, audit.

The object rules (which nominals a user may change) are in access.py. Category, level, lead
agency, status and area changes each write a NominalStatusChange row with the reason; every
change is checked against the version the user saw (optimistic locking), so two people editing
the same case cannot silently overwrite each other.

Audit events name the nominal (`nominal_id`) and list the fields changed, never their values:
a nominal's level or category is itself personal data about them.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa.agencies.models import Agency, MappaArea
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.nominals.access import (
    can_accept_transfer,
    can_apply_meeting_decision,
    can_make_transfer_effective,
    can_manage,
    can_request_transfer,
    is_coordinator,
)
from mappa.nominals.models import (
    EXIT_REASONS,
    LEAD_AGENCY_KINDS,
    REASONS_FOR,
    Category,
    ChangedField,
    ChangeReason,
    Level,
    Nominal,
    NominalStatusChange,
    NominalTransfer,
    Status,
    TransferReason,
    TransferStatus,
)
from mappa.nominals.selectors import ra_areas
from mappa.people.models import Person

if TYPE_CHECKING:
    from mappa.accounts.models import User

CONFLICT_MESSAGE = (
    "Someone else changed this nominal while you were working on it. Your change has not been "
    "saved. Go back to the nominal to see the current record, then make your change again"
)
EXITED_MESSAGE = "This nominal has exited MAPPA and can no longer be changed"
EARLIEST_DATE = date(1950, 1, 1)


def next_review_date(level: int, from_date: date) -> date | None:
    """The review date a level sets, from settings.MAPPA_REVIEW_WEEKS (None if it sets none)."""
    weeks = settings.MAPPA_REVIEW_WEEKS.get(int(level))
    return from_date + timedelta(weeks=weeks) if weeks else None


# Validation helpers


def _category(value: Any) -> int:
    try:
        category = int(value)
    except (TypeError, ValueError):
        category = 0
    if category not in Category.values:
        raise ApplicationError("Select the MAPPA category", field="category")
    return category


def _level(value: Any) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ApplicationError("Select the MAPPA level", field="level")
    return level


def _check_category_level(category: int, level: int, *, field: str) -> None:
    if category == Category.OTHER_DANGEROUS_OFFENDER and level == Level.LEVEL_1:
        raise ApplicationError(
            "A category 3 nominal cannot be managed at level 1: category 3 is for those who need "
            "level 2 or 3 multi-agency management",
            field=field,
        )


def _lead_agency(agency: Agency | None, area: MappaArea) -> Agency:
    if agency is None:
        raise ApplicationError("Select the lead agency", field="lead_agency")
    # Re-read: whether the agency serves the area and is active is the stored fact.
    stored = Agency.objects.filter(pk=agency.pk, areas=area).first()
    if stored is None or not stored.is_active:
        raise ApplicationError(
            f"The lead agency must be an active agency of {area.name}", field="lead_agency"
        )
    if stored.kind not in LEAD_AGENCY_KINDS:
        raise ApplicationError(
            f"{stored.name} cannot lead a MAPPA case: the lead is police, probation, a prison, "
            "youth justice, health or adult social care",
            field="lead_agency",
        )
    return stored


def _case_manager(user: "User | None", lead_agency: Agency) -> "User | None":
    if user is None:
        return None
    if not user.is_active or not user.memberships.filter(agency=lead_agency, is_active=True).exists():
        raise ApplicationError(
            f"The case manager must be a member of {lead_agency.name}", field="case_manager"
        )
    return user


def _check_dates(
    *,
    sentence_date: date | None,
    release_date: date | None,
    licence_end_date: date | None,
    order_start_date: date | None,
    order_end_date: date | None,
) -> None:
    for field, value in (
        ("sentence_date", sentence_date),
        ("release_date", release_date),
        ("licence_end_date", licence_end_date),
        ("order_start_date", order_start_date),
        ("order_end_date", order_end_date),
    ):
        if value is not None and value < EARLIEST_DATE:
            raise ApplicationError(f"Dates must be after {EARLIEST_DATE.year}", field=field)
    if sentence_date and release_date and release_date < sentence_date:
        raise ApplicationError("The release date cannot be before the sentence date", field="release_date")
    if release_date and licence_end_date and licence_end_date < release_date:
        raise ApplicationError(
            "The licence end date cannot be before the release date", field="licence_end_date"
        )
    if order_start_date and order_end_date and order_end_date < order_start_date:
        raise ApplicationError("The order end date cannot be before its start date", field="order_end_date")


def _effective_date(value: date | None, label: str = "the date the change took effect") -> date:
    # `label` names the date as its form field does, so the error matches the question asked.
    if value is None:
        raise ApplicationError(f"Enter {label}", field="effective_date")
    if value > timezone.localdate():
        raise ApplicationError(
            f"{label[0].upper()}{label[1:]} must be today or in the past", field="effective_date"
        )
    if value < EARLIEST_DATE:
        raise ApplicationError(f"The date must be after {EARLIEST_DATE.year}", field="effective_date")
    return value


def _reason(reason: str, detail: str, allowed: tuple[ChangeReason, ...] | tuple[TransferReason, ...]) -> str:
    if reason not in [choice.value for choice in allowed]:
        raise ApplicationError("Select the reason", field="reason")
    if reason == "other" and not detail.strip():
        raise ApplicationError("Explain the reason", field="reason_detail")
    if len(detail) > 2000:
        raise ApplicationError("The explanation must be 2000 characters or fewer", field="reason_detail")
    return reason


def _text(value: str, *, field: str, label: str, max_length: int = 2000) -> str:
    text = value.strip()
    if len(text) > max_length:
        raise ApplicationError(f"{label} must be {max_length} characters or fewer", field=field)
    return text


def _locked(nominal: Nominal, version: int) -> Nominal:
    """The stored nominal, locked for this transaction, if it is still at `version`."""
    stored = Nominal.objects.select_for_update().select_related("area", "lead_agency").get(pk=nominal.pk)
    if stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    if stored.status == Status.EXITED:
        raise ApplicationError(EXITED_MESSAGE)
    return stored


def _require_manage(by: "User", nominal: Nominal) -> None:
    if not can_manage(by, nominal):
        raise PermissionDenied("You cannot change this nominal")


def _history(
    nominal: Nominal,
    *,
    field: ChangedField,
    from_value: Any,
    from_label: str,
    to_value: Any,
    to_label: str,
    reason: str,
    reason_detail: str,
    effective_date: date,
    by: "User",
) -> NominalStatusChange:
    change = NominalStatusChange(
        nominal=nominal,
        field=field,
        from_value="" if from_value is None else str(from_value),
        from_label=from_label,
        to_value=str(to_value),
        to_label=to_label,
        reason=reason,
        reason_detail=reason_detail.strip(),
        effective_date=effective_date,
        changed_by=by,
    )
    change.save(override=True)
    return change


def _event(nominal: Nominal, by: "User", action: Action, summary: str, **kwargs: Any) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="nominal",
        object_id=nominal.pk,
        object_agency_id=nominal.lead_agency_id,
        nominal_id=nominal.pk,
        **kwargs,
    )


def _save(nominal: Nominal, fields: list[str]) -> None:
    nominal.version += 1
    nominal.save(override=True, update_fields=[*fields, "version", "updated_at"])


def _commit_change(
    stored: Nominal,
    *,
    field: ChangedField,
    saved: list[str],
    before: tuple[Any, str],
    after: tuple[Any, str],
    reason: str,
    reason_detail: str,
    effective: date,
    by: "User",
    summary: str,
) -> Nominal:
    """Save a change of category, level, lead agency or status with its history row and event.

    The event names the changed fields only: the values themselves are personal data.
    """
    _save(stored, saved)
    _history(
        stored,
        field=field,
        from_value=before[0],
        from_label=before[1],
        to_value=after[0],
        to_label=after[1],
        reason=reason,
        reason_detail=reason_detail,
        effective_date=effective,
        by=by,
    )
    _event(stored, by, Action.ALTERATION, summary, changed_fields=saved)
    return stored


# Create


@transaction.atomic
def nominal_create(
    *,
    person: Person,
    area: MappaArea,
    category: int,
    level: int,
    lead_agency: Agency | None,
    status: str = Status.IN_COMMUNITY,
    case_manager: "User | None" = None,
    sentence_date: date | None = None,
    release_date: date | None = None,
    licence_end_date: date | None = None,
    notification_end_date: date | None = None,
    order_start_date: date | None = None,
    order_end_date: date | None = None,
    index_offence: str = "",
    restrictive_orders: str = "",
    cppc: bool = False,
    by: "User",
) -> Nominal:
    """Record that a person of the area is managed under MAPPA there, from today.

    A co-ordinator may record a nominal with any lead agency; other staff with NOMINAL_MANAGE
    only with their own agency as the lead (access.can_manage).
    """
    if not has_permission(by, Permission.NOMINAL_MANAGE):
        raise PermissionDenied("You cannot record nominals")
    if not ra_areas(by).filter(pk=area.pk).exists():
        raise PermissionDenied("You can only record nominals in the areas your agency serves")
    if not Person.objects.filter(pk=person.pk, source_agency__areas=area).exists():
        raise ApplicationError(f"Choose a person recorded by an agency of {area.name}", field="person")
    category, level = _category(category), _level(level)
    _check_category_level(category, level, field="level")
    lead = _lead_agency(lead_agency, area)
    membership = acting_membership(by)
    if not is_coordinator(by) and (membership is None or membership.agency_id != lead.pk):
        raise ApplicationError(
            "Only a MAPPA co-ordinator can record a nominal led by another agency", field="lead_agency"
        )
    if status not in Status.values or status == Status.EXITED:
        raise ApplicationError("Select where the nominal is now", field="status")
    _check_dates(
        sentence_date=sentence_date,
        release_date=release_date,
        licence_end_date=licence_end_date,
        order_start_date=order_start_date,
        order_end_date=order_end_date,
    )
    if Nominal.objects.filter(person=person).exclude(status=Status.EXITED).exists():
        raise ApplicationError("This person is already managed under MAPPA", field="person")
    today = timezone.localdate()
    nominal = Nominal(
        person=person,
        area=area,
        category=category,
        level=level,
        lead_agency=lead,
        case_manager=_case_manager(case_manager, lead),
        status=status,
        sentence_date=sentence_date,
        release_date=release_date,
        licence_end_date=licence_end_date,
        notification_end_date=notification_end_date,
        order_start_date=order_start_date,
        order_end_date=order_end_date,
        index_offence=_text(index_offence, field="index_offence", label="Index offence"),
        restrictive_orders=_text(restrictive_orders, field="restrictive_orders", label="Restrictive orders"),
        cppc=bool(cppc),
        next_review_date=next_review_date(level, today),
    )
    try:
        with transaction.atomic():
            nominal.save(override=True)
    except IntegrityError:
        # Two people recording the same person at once: the open-case constraint decides.
        raise ApplicationError("This person is already managed under MAPPA", field="person") from None
    initial = (
        (ChangedField.CATEGORY, category, Category(category).label),
        (ChangedField.LEVEL, level, Level(level).label),
        (ChangedField.LEAD_AGENCY, lead.pk, lead.name),
        (ChangedField.STATUS, status, Status(status).label),
        (ChangedField.AREA, area.pk, area.name),
    )
    for field, value, label in initial:
        _history(
            nominal,
            field=field,
            from_value=None,
            from_label="",
            to_value=value,
            to_label=str(label),
            reason=ChangeReason.IDENTIFIED,
            reason_detail="",
            effective_date=today,
            by=by,
        )
    _event(nominal, by, Action.COLLECTION, "Nominal recorded")
    return nominal


# Category, level, lead agency, status


@transaction.atomic
def nominal_change_category(
    *,
    nominal: Nominal,
    category: int,
    reason: str,
    reason_detail: str = "",
    effective_date: date | None,
    version: int,
    by: "User",
) -> Nominal:
    _require_manage(by, nominal)
    category = _category(category)
    reason = _reason(reason, reason_detail, REASONS_FOR[ChangedField.CATEGORY])
    effective = _effective_date(effective_date)
    stored = _locked(nominal, version)
    if stored.category == category:
        raise ApplicationError(
            "Select a different category: the nominal is already in this one", field="category"
        )
    _check_category_level(category, stored.level, field="category")
    old = stored.category
    stored.category = category
    return _commit_change(
        stored,
        field=ChangedField.CATEGORY,
        saved=["category"],
        before=(old, str(Category(old).label)),
        after=(category, str(Category(category).label)),
        reason=reason,
        reason_detail=reason_detail,
        effective=effective,
        by=by,
        summary="Nominal category changed",
    )


@transaction.atomic
def nominal_change_level(
    *,
    nominal: Nominal,
    level: int,
    reason: str,
    reason_detail: str = "",
    effective_date: date | None,
    version: int,
    by: "User",
) -> Nominal:
    """Change the level; the next review date follows from the new level (MAPPA_REVIEW_WEEKS)."""
    _require_manage(by, nominal)
    level = _level(level)
    reason = _reason(reason, reason_detail, REASONS_FOR[ChangedField.LEVEL])
    effective = _effective_date(effective_date)
    stored = _locked(nominal, version)
    if stored.level == level:
        raise ApplicationError(
            "Select a different level: the nominal is already at this level", field="level"
        )
    _check_category_level(stored.category, level, field="level")
    old = stored.level
    stored.level = level
    stored.next_review_date = next_review_date(level, effective)
    return _commit_change(
        stored,
        field=ChangedField.LEVEL,
        saved=["level", "next_review_date"],
        before=(old, str(Level(old).label)),
        after=(level, str(Level(level).label)),
        reason=reason,
        reason_detail=reason_detail,
        effective=effective,
        by=by,
        summary="Nominal level changed",
    )


@transaction.atomic
def nominal_apply_meeting_decision(
    *,
    nominal: Nominal,
    level: int | None,
    next_review: date | None,
    decision: str,
    effective_date: date,
    by: "User",
) -> Nominal:
    """Apply what a MAPPA meeting decided: the level (with a history row whose reason is the
    meeting decision, naming the minutes in `decision`) and the next review date it set."""
    if not can_apply_meeting_decision(by, nominal):
        raise PermissionDenied("You cannot record this meeting's decision on the nominal")
    stored = Nominal.objects.select_for_update().select_related("area", "lead_agency").get(pk=nominal.pk)
    if stored.status == Status.EXITED:
        raise ApplicationError(EXITED_MESSAGE)
    effective = _effective_date(effective_date)
    if level is not None and stored.level != level:
        level = _level(level)
        _check_category_level(stored.category, level, field="level_decision")
        old = stored.level
        stored.level = level
        stored.next_review_date = next_review or next_review_date(level, effective)
        return _commit_change(
            stored,
            field=ChangedField.LEVEL,
            saved=["level", "next_review_date"],
            before=(old, str(Level(old).label)),
            after=(level, str(Level(level).label)),
            reason=ChangeReason.MEETING_DECISION,
            reason_detail=decision,
            effective=effective,
            by=by,
            summary="Nominal level changed by a meeting decision",
        )
    if next_review is not None and stored.next_review_date != next_review:
        stored.next_review_date = next_review
        _save(stored, ["next_review_date"])
        _event(
            stored,
            by,
            Action.ALTERATION,
            "Next review date set by a meeting",
            changed_fields=["next_review_date"],
        )
    return stored


@transaction.atomic
def nominal_change_lead_agency(
    *,
    nominal: Nominal,
    lead_agency: Agency | None,
    reason: str,
    reason_detail: str = "",
    effective_date: date | None,
    version: int,
    by: "User",
) -> Nominal:
    """Change the lead agency. A case manager who is not a member of the new lead is cleared."""
    _require_manage(by, nominal)
    reason = _reason(reason, reason_detail, REASONS_FOR[ChangedField.LEAD_AGENCY])
    effective = _effective_date(effective_date)
    stored = _locked(nominal, version)
    lead = _lead_agency(lead_agency, stored.area)
    if lead.pk == stored.lead_agency_id:
        raise ApplicationError("Select a different agency: this agency already leads", field="lead_agency")
    old = stored.lead_agency
    stored.lead_agency = lead
    fields = ["lead_agency"]
    manager = stored.case_manager
    if manager is not None and not manager.memberships.filter(agency=lead, is_active=True).exists():
        stored.case_manager = None
        fields.append("case_manager")
    return _commit_change(
        stored,
        field=ChangedField.LEAD_AGENCY,
        saved=fields,
        before=(old.pk, old.name),
        after=(lead.pk, lead.name),
        reason=reason,
        reason_detail=reason_detail,
        effective=effective,
        by=by,
        summary="Nominal lead agency changed",
    )


@transaction.atomic
def nominal_change_status(
    *,
    nominal: Nominal,
    status: str,
    reason: str,
    reason_detail: str = "",
    effective_date: date | None,
    version: int,
    by: "User",
) -> Nominal:
    """Custody, community or hospital. Exiting MAPPA is its own transition: nominal_exit."""
    _require_manage(by, nominal)
    if status not in Status.values or status == Status.EXITED:
        raise ApplicationError("Select where the nominal is now", field="status")
    reason = _reason(reason, reason_detail, REASONS_FOR[ChangedField.STATUS])
    effective = _effective_date(effective_date)
    stored = _locked(nominal, version)
    if stored.status == status:
        raise ApplicationError("Select a different status: the nominal already has this one", field="status")
    old = stored.status
    stored.status = status
    return _commit_change(
        stored,
        field=ChangedField.STATUS,
        saved=["status"],
        before=(old, str(Status(old).label)),
        after=(status, str(Status(status).label)),
        reason=reason,
        reason_detail=reason_detail,
        effective=effective,
        by=by,
        summary="Nominal status changed",
    )


@transaction.atomic
def nominal_update_details(
    *,
    nominal: Nominal,
    version: int,
    case_manager: "User | None",
    sentence_date: date | None,
    release_date: date | None,
    licence_end_date: date | None,
    notification_end_date: date | None,
    order_start_date: date | None,
    order_end_date: date | None,
    index_offence: str,
    restrictive_orders: str,
    cppc: bool,
    by: "User",
) -> Nominal:
    """Key dates, index offence, restrictive orders, CPPC flag and case manager (no history row)."""
    _require_manage(by, nominal)
    _check_dates(
        sentence_date=sentence_date,
        release_date=release_date,
        licence_end_date=licence_end_date,
        order_start_date=order_start_date,
        order_end_date=order_end_date,
    )
    stored = _locked(nominal, version)
    values: dict[str, Any] = {
        "case_manager": _case_manager(case_manager, stored.lead_agency),
        "sentence_date": sentence_date,
        "release_date": release_date,
        "licence_end_date": licence_end_date,
        "notification_end_date": notification_end_date,
        "order_start_date": order_start_date,
        "order_end_date": order_end_date,
        "index_offence": _text(index_offence, field="index_offence", label="Index offence"),
        "restrictive_orders": _text(
            restrictive_orders, field="restrictive_orders", label="Restrictive orders"
        ),
        "cppc": bool(cppc),
    }
    changed = [field for field, value in values.items() if getattr(stored, field) != value]
    if not changed:
        return stored
    for field in changed:
        setattr(stored, field, values[field])
    _save(stored, changed)
    _event(stored, by, Action.ALTERATION, "Nominal details changed", changed_fields=changed)
    return stored


# Exit


@transaction.atomic
def nominal_exit(
    *,
    nominal: Nominal,
    reason: str,
    reason_detail: str = "",
    effective_date: date | None,
    version: int,
    by: "User",
) -> Nominal:
    """End MAPPA management: the record stays, closed, with the reason and the date."""
    _require_manage(by, nominal)
    reason = _reason(reason, reason_detail, EXIT_REASONS)
    effective = _effective_date(effective_date, "the date they left MAPPA")
    stored = _locked(nominal, version)
    if stored.transfers.filter(status__in=[TransferStatus.REQUESTED, TransferStatus.ACCEPTED]).exists():
        raise ApplicationError("This nominal has a transfer in progress. Complete the transfer first")
    old = stored.status
    stored.status = Status.EXITED
    stored.exited_on = effective
    stored.next_review_date = None
    _save(stored, ["status", "exited_on", "next_review_date"])
    _history(
        stored,
        field=ChangedField.STATUS,
        from_value=old,
        from_label=str(Status(old).label),
        to_value=Status.EXITED,
        to_label=str(Status.EXITED.label),
        reason=reason,
        reason_detail=reason_detail,
        effective_date=effective,
        by=by,
    )
    _event(
        stored,
        by,
        Action.ALTERATION,
        "Nominal exited MAPPA",
        changed_fields=["status", "exited_on", "next_review_date"],
    )
    return stored


# Transfers between areas


def _transfer_event(
    transfer: NominalTransfer, by: "User", action: Action, summary: str, **kwargs: Any
) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="nominal_transfer",
        object_id=transfer.pk,
        object_agency_id=transfer.nominal.lead_agency_id,
        nominal_id=transfer.nominal_id,
        **kwargs,
    )


@transaction.atomic
def nominal_transfer_request(
    *,
    nominal: Nominal,
    to_area: MappaArea | None,
    reason: str,
    reason_detail: str = "",
    proposed_date: date | None,
    version: int,
    by: "User",
) -> NominalTransfer:
    """Ask to move the nominal's MAPPA management to another area.

    The sending side records it; the receiving area acknowledges it (nominal_transfer_accept).
    Neither area can refuse: MAPPA areas cannot oblige or prevent transfers (Guidance §17.1).
    """
    if not can_request_transfer(by, nominal):
        raise PermissionDenied("You cannot transfer this nominal")
    if to_area is None:
        raise ApplicationError("Select the area the nominal is moving to", field="to_area")
    reason = _reason(reason, reason_detail, tuple(TransferReason))
    if proposed_date is None:
        raise ApplicationError("Enter the proposed transfer date", field="proposed_date")
    if proposed_date < EARLIEST_DATE:
        raise ApplicationError(f"The date must be after {EARLIEST_DATE.year}", field="proposed_date")
    stored = _locked(nominal, version)
    if to_area.pk == stored.area_id:
        raise ApplicationError(
            "Select a different area: the nominal is already managed there", field="to_area"
        )
    if stored.transfers.filter(status__in=[TransferStatus.REQUESTED, TransferStatus.ACCEPTED]).exists():
        raise ApplicationError("This nominal already has a transfer in progress")
    transfer = NominalTransfer(
        nominal=stored,
        from_area=stored.area,
        to_area=to_area,
        reason=reason,
        reason_detail=reason_detail.strip(),
        proposed_date=proposed_date,
        requested_by=by,
    )
    transfer.save(override=True)
    # The nominal's version moves on too, so a change based on the page before the request shows
    # the conflict rather than ignoring the pending transfer.
    _save(stored, [])
    _transfer_event(transfer, by, Action.COLLECTION, f"Transfer requested to area {to_area.code}")
    return transfer


@transaction.atomic
def nominal_transfer_accept(*, transfer: NominalTransfer, note: str = "", by: "User") -> NominalTransfer:
    """The receiving area's co-ordinator acknowledges the transfer."""
    if not can_accept_transfer(by, transfer):
        raise PermissionDenied("Only a co-ordinator of the receiving area can acknowledge this transfer")
    stored = NominalTransfer.objects.select_for_update().select_related("nominal").get(pk=transfer.pk)
    if stored.status != TransferStatus.REQUESTED:
        raise ApplicationError("This transfer has already been acknowledged")
    stored.status = TransferStatus.ACCEPTED
    stored.accepted_by = by
    stored.accepted_at = timezone.now()
    stored.acceptance_note = _text(note, field="note", label="The note")
    stored.save(override=True)
    _transfer_event(
        stored,
        by,
        Action.ALTERATION,
        "Transfer acknowledged by the receiving area",
        changed_fields=["status", "accepted_by", "accepted_at", "acceptance_note"],
    )
    return stored


@transaction.atomic
def nominal_transfer_make_effective(
    *, transfer: NominalTransfer, effective_date: date | None, lead_agency: Agency | None = None, by: "User"
) -> NominalTransfer:
    """The transfer takes effect: the nominal is now managed in the receiving area.

    The lead agency must serve the receiving area: a lead agency sees its cases wherever they
    are, so one left behind in the old area would go on seeing a case it no longer manages.
    Naming `lead_agency` changes it (and clears the case manager, who belonged to the old one);
    it is required when the current lead does not serve the receiving area.
    """
    if not can_make_transfer_effective(by, transfer):
        raise PermissionDenied("You cannot complete this transfer")
    effective = _effective_date(effective_date)
    stored = NominalTransfer.objects.select_for_update().get(pk=transfer.pk)
    if stored.status != TransferStatus.ACCEPTED:
        raise ApplicationError("The receiving area must acknowledge the transfer before it takes effect")
    if stored.accepted_at is not None and effective < timezone.localdate(stored.accepted_at):
        raise ApplicationError(
            "The transfer cannot take effect before it was acknowledged", field="effective_date"
        )
    nominal = (
        Nominal.objects.select_for_update().select_related("area", "lead_agency").get(pk=stored.nominal_id)
    )
    if nominal.status == Status.EXITED:
        raise ApplicationError(EXITED_MESSAGE)
    old_area, old_lead = nominal.area, nominal.lead_agency
    if lead_agency is None and not old_lead.areas.filter(pk=stored.to_area_id).exists():
        raise ApplicationError(
            f"{old_lead.name} does not serve {stored.to_area.name}. "
            "Choose the agency that will lead the case there",
            field="lead_agency",
        )
    new_lead = _lead_agency(lead_agency, stored.to_area) if lead_agency is not None else old_lead
    stored.status = TransferStatus.EFFECTIVE
    stored.effective_by = by
    stored.effective_date = effective
    stored.save(override=True)
    nominal.area = stored.to_area
    changed = ["area"]
    if new_lead.pk != old_lead.pk:
        nominal.lead_agency, nominal.case_manager = new_lead, None
        changed += ["lead_agency", "case_manager"]
        _history(
            nominal,
            field=ChangedField.LEAD_AGENCY,
            from_value=old_lead.pk,
            from_label=old_lead.name,
            to_value=new_lead.pk,
            to_label=new_lead.name,
            reason=ChangeReason.TRANSFERRED,
            reason_detail="",
            effective_date=effective,
            by=by,
        )
    _save(nominal, changed)
    _history(
        nominal,
        field=ChangedField.AREA,
        from_value=old_area.pk,
        from_label=old_area.name,
        to_value=stored.to_area.pk,
        to_label=stored.to_area.name,
        reason=ChangeReason.TRANSFERRED,
        reason_detail="",
        effective_date=effective,
        by=by,
    )
    stored.nominal = nominal
    _transfer_event(
        stored, by, Action.ALTERATION, "Transfer took effect", changed_fields=["status", "effective_date"]
    )
    _event(nominal, by, Action.ALTERATION, "Nominal transferred to another area", changed_fields=changed)
    return stored


@transaction.atomic
def register_consulted(*, by: "User", nominal_ids: list[int], filters: dict[str, Any]) -> None:
    """Record that a page of the register was shown: names, categories and levels were seen.

    One event per page, listing the nominals shown (DPA 2018 s.62: consultation of each of them),
    with the filters used; the register is read before this is written so the two agree.
    """
    record_event(
        action=Action.CONSULTATION,
        actor=by,
        summary=f"Nominal register viewed ({len(nominal_ids)} shown)",
        object_type="nominal_register",
        justification="MAPPA register of the area",
        detail={"nominal_ids": nominal_ids, "filters": {k: str(v) for k, v in filters.items()}},
    )
