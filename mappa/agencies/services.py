"""Writes about MAPPA areas, agencies and information sharing agreements.

Each service is one transaction that checks the permission, checks the object lies within the
areas the acting agency serves (callers have usually scoped it already, but an API endpoint or
command may not have), validates the domain rules, writes and audits. Nothing here deletes:
memberships, shares and the audit log refer to agencies and agreements, so agencies are
deactivated and agreements ended instead.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from mappa.agencies.models import (
    Agency,
    AgencyKind,
    AgreementStatus,
    InformationSharingAgreement,
    MappaArea,
)
from mappa.agencies.selectors import agency_list, agreement_list, area_list
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES
from mappa.authorization.utils import acting_membership, has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    # Only for annotations: accounts depends on agencies, not the other way round.
    from mappa.accounts.models import User

AGENCY_CODE_PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
AREA_CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

CONFLICT_MESSAGE = (
    "Someone else changed this agreement while you were editing it. Your changes have not been "
    "saved. Go back to the agreement to see the current version, then make your changes again"
)

# Ended is final: an agreement that has ended is replaced by a new one, never reopened, so the
# record of what was agreed when stays as it was.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.ACTIVE, AgreementStatus.ENDED}),
    AgreementStatus.ACTIVE: frozenset({AgreementStatus.SUSPENDED, AgreementStatus.ENDED}),
    AgreementStatus.SUSPENDED: frozenset({AgreementStatus.ACTIVE, AgreementStatus.ENDED}),
    AgreementStatus.ENDED: frozenset(),
}


def next_statuses(status: str) -> list[str]:
    """The statuses an agreement in `status` may move to, in the order of AgreementStatus."""
    allowed = STATUS_TRANSITIONS[AgreementStatus(status)]
    return [value for value in AgreementStatus.values if value in allowed]


def _require(by: "User", permission: Permission, message: str) -> None:
    if not has_permission(by, permission):
        raise PermissionDenied(message)


def _require_within(reachable: "models.QuerySet[Any]", obj: models.Model, message: str) -> None:
    if not reachable.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def _text(value: str, *, field: str, label: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise ApplicationError(f"Enter the {label}", field=field)
    if len(text) > max_length:
        raise ApplicationError(f"{label.capitalize()} must be {max_length} characters or fewer", field=field)
    return text


def _unique(queryset: "models.QuerySet[Any]", exclude: models.Model | None, message: str, field: str) -> None:
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    if queryset.exists():
        raise ApplicationError(message, field=field)


# Areas


def _area_fields(*, name: str, code: str, area: MappaArea | None) -> tuple[str, str]:
    name = _text(name, field="name", label="area name", max_length=120)
    code = code.strip().lower()
    if not code:
        raise ApplicationError("Enter the area code", field="code")
    if len(code) > 32 or not AREA_CODE_PATTERN.match(code):
        raise ApplicationError(
            "Area code must be 32 characters or fewer and use only letters, numbers and hyphens",
            field="code",
        )
    areas = MappaArea.objects.all()
    _unique(areas.filter(name__iexact=name), area, "An area with that name already exists", "name")
    _unique(areas.filter(code=code), area, "An area with that code already exists", "code")
    return name, code


@transaction.atomic
def area_create(*, name: str, code: str, by: "User") -> MappaArea:
    """Create a MAPPA area, served by the co-ordinator's own agency.

    Only a Responsible Authority co-ordinator may create one, and the RA runs the area's MAPPA
    unit (CJA 2003 s.325), so their agency serves it from the start. Without that the new area
    would be invisible to its creator, and could never be given agencies or agreements.
    """
    _require(by, Permission.AGENCY_MANAGE, "You cannot manage MAPPA areas")
    membership = acting_membership(by)
    agency = Agency.objects.filter(pk=membership.agency_id, is_active=True).first() if membership else None
    if agency is None:
        raise PermissionDenied("You cannot manage MAPPA areas")
    name, code = _area_fields(name=name, code=code, area=None)
    area = MappaArea(name=name, code=code)
    area.save(override=True)
    agency.areas.add(area)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"MAPPA area created: {code}",
        object_type="area",
        object_id=area.pk,
    )
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary=f"Agency now serves area {code}",
        object_type="agency",
        object_id=agency.pk,
        object_agency_id=agency.pk,
        changed_fields=["areas"],
    )
    return area


@transaction.atomic
def area_update(*, area: MappaArea, name: str, code: str, by: "User") -> MappaArea:
    _require(by, Permission.AGENCY_MANAGE, "You cannot manage MAPPA areas")
    _require_within(area_list(fetched_by=by), area, "You can only change areas your agency serves")
    name, code = _area_fields(name=name, code=code, area=area)
    changed = [field for field, value in (("name", name), ("code", code)) if getattr(area, field) != value]
    if not changed:
        return area
    area.name, area.code = name, code
    area.save(override=True, update_fields=[*changed, "updated_at"])
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary=f"MAPPA area changed: {code}",
        object_type="area",
        object_id=area.pk,
        changed_fields=changed,
    )
    return area


# Agencies


def _agency_kind(kind: str) -> str:
    if kind not in AgencyKind.values:
        raise ApplicationError("Select the kind of agency", field="kind")
    return kind


def _agency_areas(*, agency: Agency | None, areas: Iterable[MappaArea], by: "User") -> set[int]:
    """The agency's full set of area ids after the change.

    `areas` are chosen among the areas `by`'s agency serves. An agency may also serve areas
    beyond them (a probation region covers several police force areas); those are kept as they
    are, since `by` can neither see nor change them.
    """
    reachable = set(area_list(fetched_by=by).values_list("pk", flat=True))
    chosen = {area.pk for area in areas}
    if not chosen:
        raise ApplicationError("Select at least one area", field="areas")
    if not chosen <= reachable:
        raise PermissionDenied("You can only choose areas your agency serves")
    current = set(agency.areas.values_list("pk", flat=True)) if agency is not None else set()
    return (current - reachable) | chosen


def _check_kind_change(agency: Agency, kind: str) -> None:
    """Refuse a kind that some of the agency's users hold roles for which it does not allow.

    Roles are restricted by agency kind (a MAPPA co-ordinator only in the Responsible Authority),
    so turning a police force into a health agency would otherwise leave it with co-ordinators.
    """
    if kind == agency.kind:
        return
    holders = sum(
        1
        for roles in agency.memberships.filter(is_active=True).values_list("roles", flat=True)
        if any(code in ROLES and not ROLES[code].allowed_in(kind) for code in roles)
    )
    if holders:
        label = AgencyKind(kind).label.lower()
        raise ApplicationError(
            f"{holders} of this agency's users hold roles a {label} agency cannot have. "
            "Their roles must be changed first",
            field="kind",
        )


def _check_area_removal(agency: Agency, removed: set[int]) -> None:
    if not removed:
        return
    # An agreement's parties must serve its area, so leaving the area would break the agreement.
    blocking = agency.agreements.filter(area_id__in=removed).exclude(status=AgreementStatus.ENDED).first()
    if blocking is not None:
        raise ApplicationError(
            f"{agency.name} is a party to {blocking.title} in {blocking.area.name}. "
            "Remove it from that agreement, or end the agreement, first",
            field="areas",
        )


@transaction.atomic
def agency_create(*, name: str, code: str, kind: str, areas: Iterable[MappaArea], by: "User") -> Agency:
    _require(by, Permission.AGENCY_MANAGE, "You cannot manage agencies")
    name = _text(name, field="name", label="agency name", max_length=200)
    code = code.strip().upper()
    if not code:
        raise ApplicationError("Enter the agency code", field="code")
    if len(code) > 32 or not AGENCY_CODE_PATTERN.match(code):
        raise ApplicationError(
            "Agency code must be 32 characters or fewer and use only letters, numbers and hyphens",
            field="code",
        )
    kind = _agency_kind(kind)
    area_ids = _agency_areas(agency=None, areas=areas, by=by)
    _unique(Agency.objects.filter(name__iexact=name), None, "An agency with that name already exists", "name")
    _unique(Agency.objects.filter(code__iexact=code), None, "An agency with that code already exists", "code")
    agency = Agency(name=name, code=code, kind=kind)
    agency.save(override=True)
    agency.areas.set(area_ids)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"Agency created: {code}",
        object_type="agency",
        object_id=agency.pk,
        object_agency_id=agency.pk,
    )
    return agency


@transaction.atomic
def agency_update(
    *, agency: Agency, name: str, kind: str, areas: Iterable[MappaArea], is_active: bool, by: "User"
) -> Agency:
    """Change an agency; its code stays fixed, being what audit events and imports refer to.

    Deactivating stops the agency's users signing in (accounts.selectors.active_memberships) and
    keeps it out of new agreements; its records and audit trail stay.
    """
    _require(by, Permission.AGENCY_MANAGE, "You cannot manage agencies")
    _require_within(agency_list(fetched_by=by), agency, "You can only change agencies in your areas")
    name = _text(name, field="name", label="agency name", max_length=200)
    _unique(
        Agency.objects.filter(name__iexact=name), agency, "An agency with that name already exists", "name"
    )
    kind = _agency_kind(kind)
    _check_kind_change(agency, kind)
    area_ids = _agency_areas(agency=agency, areas=areas, by=by)
    current_area_ids = set(agency.areas.values_list("pk", flat=True))
    _check_area_removal(agency, current_area_ids - area_ids)
    membership = acting_membership(by)
    if not is_active and membership is not None and membership.agency_id == agency.pk:
        # It would sign the co-ordinator out mid-task, and nobody could reactivate it from here.
        raise ApplicationError("You cannot deactivate the agency you are acting for", field="is_active")

    changed = [
        field
        for field, value in (("name", name), ("kind", kind), ("is_active", is_active))
        if getattr(agency, field) != value
    ]
    if changed:
        agency.name, agency.kind, agency.is_active = name, kind, is_active
        agency.save(override=True, update_fields=[*changed, "updated_at"])
    if area_ids != current_area_ids:
        agency.areas.set(area_ids)
        changed.append("areas")
    if changed:
        record_event(
            action=Action.ALTERATION,
            actor=by,
            summary=f"Agency changed: {agency.code}",
            object_type="agency",
            object_id=agency.pk,
            object_agency_id=agency.pk,
            changed_fields=changed,
        )
    return agency


# Information sharing agreements


_LIST_MESSAGES = {
    "purposes": "Select at least one purpose",
    "lawful_bases": "Select at least one lawful basis",
    "data_categories": "Select at least one category of data",
}


def _choice_list(field: str, values: Iterable[str]) -> list[str]:
    choices = InformationSharingAgreement.LIST_FIELDS[field]
    chosen = set(values)
    if not chosen:
        raise ApplicationError(_LIST_MESSAGES[field], field=field)
    if not chosen <= set(choices.values):
        raise ApplicationError(f"{_LIST_MESSAGES[field]} from the list", field=field)
    # Stored in the order of the choices, so an unchanged selection compares equal.
    return [value for value in choices.values if value in chosen]


def _check_dates(start_date: date, review_date: date) -> None:
    if review_date <= start_date:
        raise ApplicationError("The review date must be after the start date", field="review_date")


def _party_ids(*, area: MappaArea, parties: Iterable[Agency], existing: set[int], status: str) -> set[int]:
    wanted = {agency.pk for agency in parties}
    # Re-read from the database rather than trusting the objects passed in: whether an agency
    # serves the area or is active is the stored fact, not what a form last saw.
    serving = {agency.pk: agency for agency in area.agencies.filter(pk__in=wanted)}
    if wanted - set(serving):
        raise ApplicationError(f"Parties must be agencies of {area.name}", field="parties")
    for pk, agency in serving.items():
        if not agency.is_active and pk not in existing:
            raise ApplicationError(f"{agency.name} is inactive and cannot become a party", field="parties")
    if status == AgreementStatus.ACTIVE and len(wanted) < 2:
        raise ApplicationError("An active agreement needs at least two parties", field="parties")
    return wanted


def _check_reference(reference: str, agreement: InformationSharingAgreement | None) -> str:
    reference = _text(reference, field="reference", label="reference", max_length=40)
    _unique(
        InformationSharingAgreement.objects.filter(reference__iexact=reference),
        agreement,
        "An agreement with that reference already exists",
        "reference",
    )
    return reference


def _agreement_event(agreement: InformationSharingAgreement, by: "User", action: Action, **kw: Any) -> None:
    # Agreements belong to the area, not to one agency, so no object_agency_id: the actor's
    # agency is recorded with every event anyway.
    record_event(action=action, actor=by, object_type="agreement", object_id=agreement.pk, **kw)


def _locked(agreement: InformationSharingAgreement, version: int) -> InformationSharingAgreement:
    """The stored agreement, locked for this transaction, if it is still at `version`.

    The row lock makes the version check and the write one step: two people saving at once
    cannot both pass the check against the same version.
    """
    stored = InformationSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if stored.version != version:
        raise ApplicationError(CONFLICT_MESSAGE)
    return stored


@transaction.atomic
def agreement_create(
    *,
    area: MappaArea,
    title: str,
    reference: str,
    parties: Iterable[Agency],
    purposes: Iterable[str],
    lawful_bases: Iterable[str],
    data_categories: Iterable[str],
    start_date: date,
    review_date: date,
    notes: str = "",
    by: "User",
) -> InformationSharingAgreement:
    """Record a new agreement as a draft: it takes effect only when made active."""
    _require(by, Permission.AGREEMENT_MANAGE, "You cannot manage information sharing agreements")
    _require_within(area_list(fetched_by=by), area, "You can only make agreements for your areas")
    agreement = InformationSharingAgreement(
        area=area,
        title=_text(title, field="title", label="title", max_length=200),
        reference=_check_reference(reference, None),
        purposes=_choice_list("purposes", purposes),
        lawful_bases=_choice_list("lawful_bases", lawful_bases),
        data_categories=_choice_list("data_categories", data_categories),
        start_date=start_date,
        review_date=review_date,
        status=AgreementStatus.DRAFT,
        notes=notes.strip(),
    )
    _check_dates(start_date, review_date)
    party_ids = _party_ids(area=area, parties=parties, existing=set(), status=AgreementStatus.DRAFT)
    agreement.save(override=True)
    agreement.parties.set(party_ids)
    _agreement_event(agreement, by, Action.COLLECTION, summary=f"Agreement created: {agreement.reference}")
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: InformationSharingAgreement,
    version: int,
    title: str,
    reference: str,
    parties: Iterable[Agency],
    purposes: Iterable[str],
    lawful_bases: Iterable[str],
    data_categories: Iterable[str],
    start_date: date,
    review_date: date,
    notes: str,
    by: "User",
) -> InformationSharingAgreement:
    """Change an agreement edited from `version`; refused if someone saved a newer one meanwhile.

    Several co-ordinators and senior managers edit the same agreement, so a save based on an
    older version is refused rather than silently overwriting theirs (DESIGN.md §4.5). A save
    that changes nothing writes nothing, keeping the version and the audit log meaningful.
    """
    _require(by, Permission.AGREEMENT_MANAGE, "You cannot manage information sharing agreements")
    _require_within(agreement_list(fetched_by=by), agreement, "You can only change agreements of your areas")
    stored = _locked(agreement, version)
    if stored.status == AgreementStatus.ENDED:
        raise ApplicationError("This agreement has ended and can no longer be changed")
    new: dict[str, Any] = {
        "title": _text(title, field="title", label="title", max_length=200),
        "reference": _check_reference(reference, stored),
        "purposes": _choice_list("purposes", purposes),
        "lawful_bases": _choice_list("lawful_bases", lawful_bases),
        "data_categories": _choice_list("data_categories", data_categories),
        "start_date": start_date,
        "review_date": review_date,
        "notes": notes.strip(),
    }
    _check_dates(start_date, review_date)
    existing = set(stored.parties.values_list("pk", flat=True))
    party_ids = _party_ids(area=stored.area, parties=parties, existing=existing, status=stored.status)

    changed = [field for field, value in new.items() if getattr(stored, field) != value]
    if party_ids != existing:
        changed.append("parties")
    if not changed:
        return stored
    for field, value in new.items():
        setattr(stored, field, value)
    stored.version += 1
    stored.save(override=True)
    stored.parties.set(party_ids)
    _agreement_event(
        stored,
        by,
        Action.ALTERATION,
        summary=f"Agreement changed: {stored.reference}",
        changed_fields=changed,
        detail={"version": stored.version},
    )
    return stored


@transaction.atomic
def agreement_set_status(
    *, agreement: InformationSharingAgreement, status: str, version: int, by: "User"
) -> InformationSharingAgreement:
    """Move an agreement along draft → active ⇄ suspended → ended (see STATUS_TRANSITIONS).

    Shares are later refused unless an *active* agreement names both agencies, so activating is
    where the agreement must be complete: two parties at least and a review date still ahead.
    """
    _require(by, Permission.AGREEMENT_MANAGE, "You cannot manage information sharing agreements")
    _require_within(agreement_list(fetched_by=by), agreement, "You can only change agreements of your areas")
    stored = _locked(agreement, version)
    if status not in AgreementStatus.values:
        raise ApplicationError("Select a status", field="status")
    if status == stored.status:
        return stored
    before, after = AgreementStatus(stored.status), AgreementStatus(status)
    if after not in STATUS_TRANSITIONS[before]:
        raise ApplicationError(
            f"A {before.label.lower()} agreement cannot become {after.label.lower()}", field="status"
        )
    if after == AgreementStatus.ACTIVE:
        if stored.parties.count() < 2:
            raise ApplicationError(
                "An agreement needs at least two parties before it can be made active", field="status"
            )
        if stored.review_date < timezone.localdate():
            raise ApplicationError(
                "The review date has passed. Change the review date before making this agreement active",
                field="status",
            )
    stored.status = status
    stored.version += 1
    stored.save(override=True, update_fields=["status", "version", "updated_at"])
    _agreement_event(
        stored,
        by,
        Action.ALTERATION,
        summary=f"Agreement {after.label.lower()}: {stored.reference}",
        changed_fields=["status"],
        detail={"from": before.value, "to": after.value, "version": stored.version},
    )
    return stored
