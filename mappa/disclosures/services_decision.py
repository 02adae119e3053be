"""A disclosure from proposal to decision: what must be recorded first, the decision, its
ratification after an emergency, and withdrawal (MAPPA Guidance ch. 10; disclosure_dp.md §5.1).

A practitioner of the proposing agency, the lead agency or a Responsible Authority agency of the
area (access.can_record) fills in the proposal: the recipients and how each was identified, the
alternatives considered, the information to disclose (items, with their owners' agreement), the
risk to the offender, the four tests and joint disclosure, and, where a child is involved, the
consultation of a senior youth justice or children's services manager. None of it can change
once decided: it is the grounds of the decision.

A meeting chair of a Responsible Authority agency of the area (access.can_decide) decides, at a
level 2 or 3 meeting, which they chaired, with its minutes named; or in an emergency outside a
meeting, with at least two agencies consulted (or a reason why one agency decided alone, which
flags the decision) and a ratification item for the next meeting. `decision_blockers` lists,
in words, in the task list's order, everything the decision still needs; `disclosure_decide`
refuses while the list is not empty. A decision not to disclose needs the same care, less what
only telling someone requires (the information, the tests, what will be said).

Every write locks the record (services.stored), checks the version the page showed where it
sends one, adds a step to the record's history and writes an audit event naming field names
only: who is at risk and what they will be told stay on the record, where its readers are
controlled (services.py says the same).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.types import AnyUser
from mappa.disclosures.access import can_agree_item, can_decide, can_record
from mappa.disclosures.models import (
    Disclosure,
    DisclosureAlternative,
    DisclosureConsultation,
    DisclosureGateway,
    DisclosureItem,
    DisclosureRecipient,
    DisclosureStatus,
    Forum,
    JointDisclosure,
    Outcome,
    RatificationStatus,
    RecipientKind,
    Scheme,
)
from mappa.disclosures.selectors import (
    DECISION_LEVELS,
    YOUTH_AGENCY_KINDS,
    disclosure_list,
    linkable_persons_at_risk,
    linkable_plans,
)
from mappa.disclosures.services import audit, bump, save, scheme_refusal, step, stored, text
from mappa.information_sharing.attributes import SUMMARY, shareable_fields
from mappa.information_sharing.models import InformationItem, ItemStatus, SpecialCategory
from mappa.information_sharing.selectors import item_list, item_views
from mappa.information_sharing.services import special_categories_in
from mappa.meetings.models import MeetingStatus, Minutes, MinutesStatus
from mappa.meetings.selectors_meetings import is_chair
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list
from mappa.people.dates import possibly_under
from mappa.people.models import Person
from mappa.people.selectors import person_list
from mappa.risk_management.models import PersonAtRisk, RiskManagementPlan

if TYPE_CHECKING:
    from mappa.accounts.models import User

# The decision is the record of why someone outside MAPPA was (or was not) told: a word or two
# is not a reason anyone can review later.
MIN_RATIONALE = 20
ADULT_AGE = 18

STEP_PROPOSED = "proposed"
STEP_DETAILS = "details_changed"
STEP_RECIPIENT_ADDED = "recipient_added"
STEP_RECIPIENT_CHANGED = "recipient_changed"
STEP_RECIPIENT_REMOVED = "recipient_removed"
STEP_ALTERNATIVE_ADDED = "alternative_added"
STEP_ALTERNATIVE_REMOVED = "alternative_removed"
STEP_ITEM_ADDED = "item_added"
STEP_ITEM_REMOVED = "item_removed"
STEP_ITEM_AGREED = "item_agreed"
STEP_ITEM_REFUSED = "item_refused"
STEP_OFFENDER_RISK = "offender_risk_recorded"
STEP_TESTS = "tests_recorded"
STEP_YOUTH = "youth_consultation_recorded"
STEP_CONSULTATION_ADDED = "consultation_added"
STEP_CONSULTATION_REMOVED = "consultation_removed"
STEP_DECIDED = "decided"
STEP_RATIFIED = "ratified"
STEP_NOT_RATIFIED = "not_ratified"
STEP_WITHDRAWN = "withdrawn"

STEP_LABELS = {
    STEP_PROPOSED: "Disclosure proposed",
    STEP_DETAILS: "Purpose or what will be said changed",
    STEP_RECIPIENT_ADDED: "Recipient added",
    STEP_RECIPIENT_CHANGED: "Recipient changed",
    STEP_RECIPIENT_REMOVED: "Recipient removed",
    STEP_ALTERNATIVE_ADDED: "Alternative recorded",
    STEP_ALTERNATIVE_REMOVED: "Alternative removed",
    STEP_ITEM_ADDED: "Information chosen",
    STEP_ITEM_REMOVED: "Information removed",
    STEP_ITEM_AGREED: "Owning agency agreed",
    STEP_ITEM_REFUSED: "Owning agency did not agree",
    STEP_OFFENDER_RISK: "Risk to the offender recorded",
    STEP_TESTS: "Tests and joint disclosure recorded",
    STEP_YOUTH: "Youth consultation recorded",
    STEP_CONSULTATION_ADDED: "Agency consulted",
    STEP_CONSULTATION_REMOVED: "Consultation removed",
    STEP_DECIDED: "Decision recorded",
    STEP_RATIFIED: "Emergency decision ratified",
    STEP_NOT_RATIFIED: "Emergency decision not ratified",
    STEP_WITHDRAWN: "Proposal withdrawn",
}

RECORD_REFUSAL = (
    "Only staff of the proposing agency, the lead agency or a Responsible Authority agency of the "
    "nominal's area can fill in this disclosure"
)
DECIDE_REFUSAL = (
    "Only a meeting chair of a police, probation or prison service of the nominal's area can decide "
    "a disclosure"
)


def record_refusal(disclosure: Disclosure) -> str:
    """RECORD_REFUSAL, or who fills in a scheme disclosure (services.scheme_refusal)."""
    if not disclosure.is_scheme:
        return RECORD_REFUSAL
    return scheme_refusal(
        disclosure,
        to="fill in this disclosure",
        mappa_too="staff of the lead agency or a Responsible Authority agency of the nominal's area",
    )


def decide_refusal(disclosure: Disclosure) -> str:
    """DECIDE_REFUSAL, or who decides on a scheme disclosure (services.scheme_refusal)."""
    if not disclosure.is_scheme:
        return DECIDE_REFUSAL
    return scheme_refusal(
        disclosure,
        to="decide on this disclosure",
        mappa_too="a meeting chair of a police, probation or prison service of the nominal's area",
    )


class DecisionBlocked(ApplicationError):
    """The decision was refused: `blockers` lists what is missing, each in words."""

    def __init__(self, blockers: Sequence[str]) -> None:
        super().__init__(
            "The decision cannot be recorded yet. " + " ".join(f"{b}." for b in blockers), field=None
        )
        self.blockers = list(blockers)


# --- shared checks -------------------------------------------------------------------------------


def _locked(
    disclosure: Disclosure,
    *,
    by: "User",
    allowed: Callable[[AnyUser, Disclosure], bool],
    refusal: Callable[[Disclosure], str],
    version: int | None = None,
    statuses: Sequence[str] = (DisclosureStatus.PROPOSED,),
) -> Disclosure:
    """The stored record, locked, after the permission (before the version and status, so a
    refusal is never reported as a conflict), then as services.stored checks it."""
    row = stored(disclosure)
    # Permission on the record as it is now (the lead agency may have changed since the page).
    if not disclosure_list(fetched_by=by).filter(pk=row.pk).exists() or not allowed(by, row):
        raise PermissionDenied(refusal(row))
    return stored(row, version=version, statuses=statuses)


def _recordable(disclosure: Disclosure, *, version: int | None, by: "User") -> Disclosure:
    return _locked(disclosure, by=by, allowed=can_record, refusal=record_refusal, version=version)


def _assign(row: Any, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _choice(value: str, *, allowed: Iterable[str], field: str, message: str, blank: bool = False) -> str:
    value = (value or "").strip()
    if blank and not value:
        return ""
    if value not in set(allowed):
        raise ApplicationError(message, field=field)
    return value


def _not_future_date(value: date | None, *, field: str, missing: str, label: str) -> date:
    if value is None:
        raise ApplicationError(missing, field=field)
    if value > timezone.localdate():
        raise ApplicationError(f"{label} must be today or in the past", field=field)
    return value


# --- proposing ------------------------------------------------------------------------------------


@transaction.atomic
def disclosure_propose(
    *,
    nominal: Nominal,
    purpose: str,
    risk_addressed: str = "",
    person_at_risk: PersonAtRisk | None = None,
    plan: RiskManagementPlan | None = None,
    scheme: str = Scheme.MAPPA,
    by: "User",
) -> Disclosure:
    """Propose telling someone outside MAPPA about the nominal. The proposing agency is the one
    the user acts for; it fills in the rest, with the lead agency and the Responsible Authority."""
    if not has_permission(by, Permission.DISCLOSURE_RECORD):
        raise PermissionDenied("You cannot propose disclosures")
    agency = acting_agency(by)
    if agency is None:
        raise PermissionDenied("You cannot propose disclosures")
    if not nominal_list(fetched_by=by).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You cannot see this nominal")
    current = Nominal.objects.get(pk=nominal.pk)
    if current.is_exited:
        raise ApplicationError("This nominal has exited MAPPA, so no disclosure can be proposed about them")
    scheme = _choice(scheme, allowed=Scheme.values, field="scheme", message="Choose the scheme")
    purpose = text(
        purpose,
        field="purpose",
        missing="Enter the purpose of the disclosure: who it protects, and from what",
    )
    risk_addressed = text(risk_addressed, field="risk_addressed")
    # A link must be to this case's own records, readable by the proposer (RISK_VIEW).
    if (
        person_at_risk is not None
        and not linkable_persons_at_risk(nominal=current, fetched_by=by).filter(pk=person_at_risk.pk).exists()
    ):
        raise ApplicationError(
            "Choose a person at risk recorded on this nominal's case", field="person_at_risk"
        )
    if plan is not None and not linkable_plans(nominal=current, fetched_by=by).filter(pk=plan.pk).exists():
        raise ApplicationError("Choose a risk management plan of this nominal", field="plan")
    disclosure = Disclosure(
        subject_id=current.person_id,
        nominal=current,
        scheme=scheme,
        proposing_agency=agency,
        proposed_by=by,
        purpose=purpose,
        risk_addressed=risk_addressed,
        person_at_risk=person_at_risk,
        plan=plan,
    )
    save(disclosure)
    step(disclosure, STEP_PROPOSED, by=by)
    audit(
        disclosure,
        by=by,
        action=Action.COLLECTION,
        summary=f"Disclosure {disclosure.reference} proposed",
        detail={"person_at_risk": person_at_risk is not None, "plan": plan is not None},
    )
    return disclosure


@transaction.atomic
def disclosure_update(
    *,
    disclosure: Disclosure,
    version: int,
    purpose: str,
    risk_addressed: str,
    information_summary: str,
    by: "User",
) -> Disclosure:
    """The purpose, the risk addressed, and what the recipients will be told, in the words to use."""
    row = _recordable(disclosure, version=version, by=by)
    values = {
        "purpose": text(
            purpose,
            field="purpose",
            missing="Enter the purpose of the disclosure: who it protects, and from what",
        ),
        "risk_addressed": text(risk_addressed, field="risk_addressed"),
        "information_summary": text(information_summary, field="information_summary"),
    }
    changed = _assign(row, values)
    if not changed:
        return row
    bump(row, changed)
    step(row, STEP_DETAILS, by=by)
    audit(row, by=by, summary=f"Disclosure {row.reference}: details changed", changed_fields=changed)
    return row


# --- recipients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RecipientValues:
    kind: str
    name: str
    relationship: str
    organisation: str
    is_under_18: bool
    person: Person | None
    identity_confirmed_how: str
    why_right_person: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "relationship": self.relationship,
            "organisation": self.organisation,
            "is_under_18": self.is_under_18,
            "person": self.person,
            "identity_confirmed_how": self.identity_confirmed_how,
            "why_right_person": self.why_right_person,
        }


def _recipient_values(
    row: Disclosure,
    *,
    kind: str,
    name: str,
    relationship: str,
    organisation: str,
    is_under_18: bool,
    person: Person | None,
    identity_confirmed_how: str,
    why_right_person: str,
    by: "User",
) -> _RecipientValues:
    kind = _choice(kind, allowed=RecipientKind.values, field="kind", message="Choose who the recipient is")
    name = text(name, field="name", max_length=200)
    relationship = text(relationship, field="relationship", max_length=300)
    if not name and not relationship:
        # Identification may be completed later, but a recipient must be someone in particular.
        raise ApplicationError(
            "Enter the recipient's name, or their role if you do not know their name yet", field="name"
        )
    if person is not None and not _person_allowed(row, person, by):
        raise ApplicationError("Choose a person from the list", field="person")
    return _RecipientValues(
        kind=kind,
        name=name,
        relationship=relationship,
        organisation=text(organisation, field="organisation", max_length=200),
        is_under_18=bool(is_under_18),
        person=person,
        identity_confirmed_how=text(identity_confirmed_how, field="identity_confirmed_how"),
        why_right_person=text(why_right_person, field="why_right_person"),
    )


def _person_allowed(row: Disclosure, person: Person, by: "User") -> bool:
    # A person record the user may see, or one recorded as at risk on this case (the page offers
    # those): never a record the recipient link would reveal to them. A scheme disclosure about
    # someone who is not a nominal has no case, so no persons at risk.
    if (
        row.nominal is not None
        and linkable_persons_at_risk(nominal=row.nominal, fetched_by=by).filter(person_id=person.pk).exists()
    ):
        return True
    return person_list(fetched_by=by).filter(pk=person.pk).exists()


@transaction.atomic
def recipient_add(
    *,
    disclosure: Disclosure,
    version: int,
    kind: str,
    name: str,
    relationship: str,
    organisation: str = "",
    is_under_18: bool = False,
    person: Person | None = None,
    identity_confirmed_how: str,
    why_right_person: str,
    by: "User",
) -> DisclosureRecipient:
    """Who would be told. How their identity was confirmed and why they are the right person may
    be left blank while drafting; the decision needs them (decision_blockers)."""
    row = _recordable(disclosure, version=version, by=by)
    values = _recipient_values(
        row,
        kind=kind,
        name=name,
        relationship=relationship,
        organisation=organisation,
        is_under_18=is_under_18,
        person=person,
        identity_confirmed_how=identity_confirmed_how,
        why_right_person=why_right_person,
        by=by,
    )
    recipient = DisclosureRecipient(disclosure=row, **values.as_dict())
    save(recipient)
    bump(row, [])
    step(row, STEP_RECIPIENT_ADDED, by=by)
    audit(
        row,
        by=by,
        action=Action.COLLECTION,
        summary=f"Disclosure {row.reference}: recipient added",
        changed_fields=["recipients"],
        detail={"recipient": recipient.pk},
    )
    return recipient


def _part_of(row: Disclosure, part: Any, model: Any) -> Any:
    found = model.objects.filter(pk=part.pk, disclosure_id=row.pk).first()
    if found is None:
        raise ApplicationError("This has already been removed from the disclosure")
    return found


@transaction.atomic
def recipient_update(
    *,
    recipient: DisclosureRecipient,
    version: int,
    kind: str,
    name: str,
    relationship: str,
    organisation: str = "",
    is_under_18: bool = False,
    person: Person | None = None,
    identity_confirmed_how: str,
    why_right_person: str,
    by: "User",
) -> DisclosureRecipient:
    row = _recordable(recipient.disclosure, version=version, by=by)
    current: DisclosureRecipient = _part_of(row, recipient, DisclosureRecipient)
    values = _recipient_values(
        row,
        kind=kind,
        name=name,
        relationship=relationship,
        organisation=organisation,
        is_under_18=is_under_18,
        person=person,
        identity_confirmed_how=identity_confirmed_how,
        why_right_person=why_right_person,
        by=by,
    )
    changed = _assign(current, values.as_dict())
    if not changed:
        return current
    save(current, [*changed, "updated_at"])
    bump(row, [])
    step(row, STEP_RECIPIENT_CHANGED, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: recipient changed",
        changed_fields=[f"recipient.{name}" for name in changed],
        detail={"recipient": current.pk},
    )
    return current


def _remove_part(
    part: DisclosureRecipient | DisclosureAlternative | DisclosureConsultation,
    *,
    version: int,
    by: "User",
    step_name: str,
    noun: str,
) -> Disclosure:
    """Remove a row the proposal is still being written with; an erasure of that row's content."""
    row = _recordable(part.disclosure, version=version, by=by)
    current = _part_of(row, part, type(part))
    pk = current.pk
    current.delete(override=True)
    bump(row, [])
    step(row, step_name, by=by)
    audit(
        row,
        by=by,
        action=Action.ERASURE,
        summary=f"Disclosure {row.reference}: {noun} removed",
        changed_fields=[f"{noun}s"],
        detail={noun: pk},
    )
    return row


@transaction.atomic
def recipient_remove(*, recipient: DisclosureRecipient, version: int, by: "User") -> Disclosure:
    # The recipient's details are erased with the row: a draft never disclosed to anyone.
    return _remove_part(recipient, version=version, by=by, step_name=STEP_RECIPIENT_REMOVED, noun="recipient")


# --- alternatives ---------------------------------------------------------------------------------


@transaction.atomic
def alternative_add(
    *, disclosure: Disclosure, version: int, alternative: str, why_rejected: str, by: "User"
) -> DisclosureAlternative:
    """An alternative to disclosure and why it was rejected ("This must be recorded"). For a
    decision not to disclose, the same rows record what will be done instead, and why."""
    row = _recordable(disclosure, version=version, by=by)
    entry = DisclosureAlternative(
        disclosure=row,
        alternative=text(alternative, field="alternative", missing="Enter the alternative to disclosure"),
        why_rejected=text(
            why_rejected, field="why_rejected", missing="Enter why this alternative is not enough on its own"
        ),
    )
    save(entry)
    bump(row, [])
    step(row, STEP_ALTERNATIVE_ADDED, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: alternative recorded",
        changed_fields=["alternatives"],
        detail={"alternative": entry.pk},
    )
    return entry


@transaction.atomic
def alternative_remove(*, alternative: DisclosureAlternative, version: int, by: "User") -> Disclosure:
    return _remove_part(
        alternative, version=version, by=by, step_name=STEP_ALTERNATIVE_REMOVED, noun="alternative"
    )


# --- the information to disclose ------------------------------------------------------------------


def _special_labels(categories: Iterable[str]) -> str:
    return " and ".join(str(SpecialCategory(c).label).lower() for c in categories)


def disclosable_fields(item: InformationItem) -> tuple[str, ...]:
    """The fields of an item a disclosure may include: its summary, its detail and its kind's
    structured fields (information_sharing.attributes)."""
    return (SUMMARY, *shareable_fields(item.kind))


@transaction.atomic
def item_add(
    *,
    disclosure: Disclosure,
    version: int,
    item: InformationItem,
    fields: Sequence[str],
    strictly_necessary: str = "",
    by: "User",
) -> DisclosureItem:
    """Draw on an item: only one the user can read, about this nominal, and only the fields they
    can read (the sharing rule). Fields carrying special category data (attributes.py) need a
    "strictly necessary" justification, as for a share (information_sharing.services._prepare);
    the categories carried are stored with it. An item another agency owns waits for that
    agency's agreement, unless the user adding it acts for the owner and may share its
    information, which is the owner agreeing."""
    row = _recordable(disclosure, version=version, by=by)
    readable = list(item_list(fetched_by=by).filter(pk=item.pk))
    views = item_views(readable, fetched_by=by)
    if not views:
        raise PermissionDenied("You cannot disclose information you cannot read")
    view = views[0]
    current = view.item
    if current.nominal_id != row.nominal_id:
        raise ApplicationError("Choose information about this nominal", field="item")
    if current.status != ItemStatus.ACTIVE:
        raise ApplicationError(
            f"{current.reference} is {current.get_status_display().lower()}, so it cannot be disclosed",
            field="item",
        )
    if DisclosureItem.objects.filter(disclosure=row, item=current).exists():
        raise ApplicationError(
            f"{current.reference} is already part of this disclosure. Remove it first to choose other fields",
            field="item",
        )
    chosen = list(dict.fromkeys(fields))
    if not chosen:
        raise ApplicationError("Choose at least one part of the item to disclose", field="fields")
    if set(chosen) - set(disclosable_fields(current)):
        raise ApplicationError("Choose the parts to disclose from the list", field="fields")
    if any(name != SUMMARY and not view.shows(name) for name in chosen):
        # A recipient of a share reads only the fields shared with it, and can propose no more.
        raise ApplicationError(
            f"You can choose only the parts of {current.reference} your agency can read", field="fields"
        )
    special = special_categories_in(current, chosen)
    justification = text(strictly_necessary, field="strictly_necessary")
    if special and not justification:
        raise ApplicationError(
            f"{current.reference} would include {_special_labels(special)}, which is special category "
            "information. Leave those parts out, or explain why disclosing them is strictly necessary",
            field="strictly_necessary",
        )
    entry = DisclosureItem(
        disclosure=row,
        item=current,
        fields=chosen,
        special_categories=special,
        strictly_necessary=justification if special else "",
    )
    owner_agrees = current.owner_agency_id != row.proposing_agency_id and _acts_for_owner(by, current)
    if owner_agrees:
        entry.owner_agreed_by = by
        entry.owner_agreed_at = timezone.now()
        entry.owner_agreement_note = "Chosen by the owning agency"
    try:
        with transaction.atomic():
            save(entry)
    except IntegrityError:
        raise ApplicationError(
            f"{current.reference} is already part of this disclosure", field="item"
        ) from None
    bump(row, [])
    step(row, STEP_ITEM_ADDED, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: information chosen",
        changed_fields=["items"],
        detail={
            "item": current.pk,
            "fields": chosen,
            "special_categories": special,
            "owner_agreed": owner_agrees,
        },
    )
    return entry


def _acts_for_owner(by: "User", item: InformationItem) -> bool:
    agency = acting_agency(by)
    return (
        agency is not None
        and agency.pk == item.owner_agency_id
        and has_permission(by, Permission.SHARE_CREATE)
    )


@transaction.atomic
def item_remove(*, disclosure_item: DisclosureItem, version: int, by: "User") -> Disclosure:
    row = _recordable(disclosure_item.disclosure, version=version, by=by)
    current: DisclosureItem = _part_of(row, disclosure_item, DisclosureItem)
    item_id = current.item_id
    current.delete(override=True)
    bump(row, [])
    step(row, STEP_ITEM_REMOVED, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: information removed",
        changed_fields=["items"],
        detail={"item": item_id},
    )
    return row


@transaction.atomic
def item_agree(
    *, disclosure_item: DisclosureItem, agree: bool, note: str, by: "User", version: int | None = None
) -> DisclosureItem:
    """The owning agency agrees, or not, to its item being disclosed as the proposal says.

    MAPPA owns nothing (DESIGN.md §5): the agency that supplied the information decides whether
    it goes to someone outside MAPPA, as it decides every share. A refusal is recorded with its
    reason (golden rule 7: record the decision not to share too) and blocks the decision until
    the item is removed. The owner may change its answer while the proposal is open.
    """
    row = stored(disclosure_item.disclosure)
    current = (
        DisclosureItem.objects.select_related("item", "disclosure")
        .filter(pk=disclosure_item.pk, disclosure_id=row.pk)
        .first()
    )
    if current is None:
        raise ApplicationError("This information has been removed from the disclosure")
    current.disclosure = row
    if not disclosure_list(fetched_by=by).filter(pk=row.pk).exists() or not can_agree_item(by, current):
        raise PermissionDenied(
            f"Only {current.item.owner_agency.name} can agree to its information being disclosed"
        )
    stored(row, version=version, statuses=(DisclosureStatus.PROPOSED,))
    note = text(note, field="note")
    if not agree and not note:
        raise ApplicationError("Explain why your agency does not agree to this being disclosed", field="note")
    # owner_agreed_by/at record an agreement only (the decision and the documents read them so);
    # who refused, and when, is on the step and the audit event.
    changed = _assign(
        current,
        {
            "owner_agreed_by": by if agree else None,
            "owner_agreed_at": timezone.now() if agree else None,
            "owner_agreement_note": note,
            "owner_refused": not agree,
        },
    )
    save(current, [*changed, "updated_at"])
    bump(row, [])
    step(row, STEP_ITEM_AGREED if agree else STEP_ITEM_REFUSED, by=by, note=note)
    record_for = current.item
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: owning agency {'agreed' if agree else 'did not agree'}",
        changed_fields=[f"item.{name}" for name in changed],
        detail={"item": record_for.pk, "agreed": agree},
    )
    return current


# --- risk to the offender, the tests, consultations ------------------------------------------------


@transaction.atomic
def offender_risk_record(
    *, disclosure: Disclosure, version: int, offender_risk: str, outweighed: bool, by: "User"
) -> Disclosure:
    """The risk disclosure poses to the offender (vigilantism, self-harm, their family), and the
    confirmation that it does not outweigh the risk to others (disclosure_dp.md §5.1 rule 5).

    `outweighed` is the stored confirmation (Disclosure.offender_risk_outweighed): True means
    the recorder confirms the risk to the offender does NOT outweigh the risk to others.
    """
    row = _recordable(disclosure, version=version, by=by)
    values = {
        "offender_risk": text(
            offender_risk,
            field="offender_risk",
            missing="Enter the risk the disclosure poses to the offender, such as vigilantism, "
            "self-harm or the effect on their family",
        ),
        "offender_risk_outweighed": bool(outweighed),
    }
    changed = _assign(row, values)
    if not changed:
        return row
    bump(row, changed)
    step(row, STEP_OFFENDER_RISK, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: risk to the offender recorded",
        changed_fields=changed,
    )
    return row


@transaction.atomic
def tests_record(
    *,
    disclosure: Disclosure,
    version: int,
    gateway: str,
    gateway_detail: str,
    necessary: str,
    proportionate: str,
    relevant: str,
    joint_disclosure: str,
    joint_disclosure_reason: str,
    by: "User",
) -> Disclosure:
    """The four tests (lawful, necessary, proportionate, relevant) and the joint disclosure
    choice (rules 3 and 15). Any may be saved blank and finished later; what is given must be
    valid, and the decision needs them all."""
    row = _recordable(disclosure, version=version, by=by)
    gateway = _choice(
        gateway,
        allowed=DisclosureGateway.values,
        field="gateway",
        message="Choose the lawful basis from the list",
        blank=True,
    )
    detail = text(gateway_detail, field="gateway_detail")
    if gateway == DisclosureGateway.OTHER and not detail:
        raise ApplicationError("Name the statutory power the disclosure relies on", field="gateway_detail")
    values = {
        "gateway": gateway,
        "gateway_detail": detail if gateway == DisclosureGateway.OTHER else "",
        "necessary": text(necessary, field="necessary"),
        "proportionate": text(proportionate, field="proportionate"),
        "relevant": text(relevant, field="relevant"),
        "joint_disclosure": _choice(
            joint_disclosure,
            allowed=JointDisclosure.values,
            field="joint_disclosure",
            message="Choose whether the disclosure will be made jointly or by one agency",
            blank=True,
        ),
        "joint_disclosure_reason": text(joint_disclosure_reason, field="joint_disclosure_reason"),
    }
    changed = _assign(row, values)
    if not changed:
        return row
    bump(row, changed)
    step(row, STEP_TESTS, by=by)
    audit(row, by=by, summary=f"Disclosure {row.reference}: tests recorded", changed_fields=changed)
    return row


@transaction.atomic
def youth_consultation_record(
    *,
    disclosure: Disclosure,
    version: int,
    name: str,
    role: str,
    agency: Agency | None,
    consulted_on: date | None,
    view: str,
    by: "User",
) -> Disclosure:
    """The senior Youth Offending Service or Children's Services manager consulted where a child
    is involved (rule 11): who, their role, their agency, when, and their view."""
    row = _recordable(disclosure, version=version, by=by)
    if agency is None or agency.kind not in YOUTH_AGENCY_KINDS or not agency.is_active:
        raise ApplicationError(
            "Choose the youth justice or children's services agency of the manager consulted", field="agency"
        )
    values = {
        "youth_consultee_name": text(
            name, field="name", missing="Enter the name of the senior manager consulted", max_length=200
        ),
        "youth_consultee_role": text(role, field="role", missing="Enter their role", max_length=200),
        "youth_consultee_agency": agency,
        "youth_consulted_on": _not_future_date(
            consulted_on,
            field="consulted_on",
            missing="Enter the date they were consulted",
            label="The date they were consulted",
        ),
        "youth_consultee_view": text(view, field="view", missing="Enter their view on the disclosure"),
    }
    changed = _assign(row, values)
    if not changed:
        return row
    bump(row, changed)
    step(row, STEP_YOUTH, by=by)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: youth consultation recorded",
        changed_fields=changed,
        detail={"agency": agency.code},
    )
    return row


@transaction.atomic
def consultation_add(
    *,
    disclosure: Disclosure,
    version: int,
    agency: Agency | None,
    person_name: str,
    person_role: str,
    consulted_at: datetime | None,
    view: str,
    by: "User",
) -> DisclosureConsultation:
    """An agency consulted on an emergency decision outside a meeting (rule 2)."""
    row = _recordable(disclosure, version=version, by=by)
    if agency is None or not agency.is_active:
        raise ApplicationError("Choose the agency consulted", field="agency")
    if consulted_at is None:
        raise ApplicationError("Enter when they were consulted", field="consulted_at")
    if consulted_at > timezone.now():
        raise ApplicationError("When they were consulted must be now or in the past", field="consulted_at")
    consultation = DisclosureConsultation(
        disclosure=row,
        agency=agency,
        person_name=text(
            person_name, field="person_name", missing="Enter the name of the person consulted", max_length=200
        ),
        person_role=text(person_role, field="person_role", missing="Enter their role", max_length=200),
        consulted_at=consulted_at,
        view=text(view, field="view", missing="Enter their view on the disclosure"),
    )
    save(consultation)
    bump(row, [])
    step(row, STEP_CONSULTATION_ADDED, by=by)
    audit(
        row,
        by=by,
        action=Action.COLLECTION,
        summary=f"Disclosure {row.reference}: agency consulted",
        changed_fields=["consultations"],
        detail={"consultation": consultation.pk, "agency": agency.code},
    )
    return consultation


@transaction.atomic
def consultation_remove(*, consultation: DisclosureConsultation, version: int, by: "User") -> Disclosure:
    return _remove_part(
        consultation, version=version, by=by, step_name=STEP_CONSULTATION_REMOVED, noun="consultation"
    )


# --- under-18s -------------------------------------------------------------------------------------


def _could_be_under_18(person: Person, today: date) -> bool:
    """Conservative by design: the cautious reading of a partial date (people/dates.py), and any
    one of several recorded dates is enough. No recorded date gives no answer (the lead agency's
    kind still counts), rather than treating every nominal without one as a child."""
    return possibly_under([dob.partial for dob in person.dates_of_birth.all()], ADULT_AGE, today=today)


def youth_consultation_reasons(disclosure: Disclosure, *, today: date | None = None) -> list[str]:
    """Why the decision needs a senior youth justice or children's services manager consulted
    (disclosure_dp.md §5.1 rule 11), in words; empty when it does not."""
    today = today or timezone.localdate()
    reasons = []
    recipients = list(disclosure.recipients.all())
    if any(recipient.is_under_18 for recipient in recipients):
        reasons.append("a recipient is under 18")
    if disclosure.person_at_risk is not None and disclosure.person_at_risk.is_child:
        reasons.append("the person it protects is a child")
    nominal = disclosure.nominal
    if nominal is None:
        # A scheme disclosure about someone who is not a nominal: its decision, and any youth
        # consultation it needed, were made on the application; it is never proposed here.
        return reasons
    person_ids = {recipient.person_id for recipient in recipients if recipient.person_id}
    if (
        person_ids
        and PersonAtRisk.objects.filter(
            nominal_id=nominal.pk, is_child=True, ended_on__isnull=True, person_id__in=person_ids
        ).exists()
    ):
        reasons.append("a recipient is a child recorded as at risk from the nominal")
    if _could_be_under_18(nominal.person, today):
        reasons.append("the nominal is, or may be, under 18")
    if nominal.lead_agency.kind == AgencyKind.YOUTH_JUSTICE:
        reasons.append("the case is led by youth justice")
    return reasons


def needs_youth_consultation(disclosure: Disclosure) -> bool:
    return bool(youth_consultation_reasons(disclosure))


def youth_consultation_recorded(disclosure: Disclosure) -> bool:
    return bool(
        disclosure.youth_consultee_name
        and disclosure.youth_consultee_role
        and disclosure.youth_consultee_agency_id
        and disclosure.youth_consulted_on
        and disclosure.youth_consultee_view
    )


# --- what the decision needs ------------------------------------------------------------------------


def recipient_gaps(recipient: DisclosureRecipient) -> list[str]:
    """What identifying a recipient still lacks (rule 6), in words."""
    gaps = []
    if not recipient.name.strip():
        gaps.append("their name")
    if not recipient.relationship.strip():
        gaps.append("their role or relationship")
    if not recipient.identity_confirmed_how.strip():
        gaps.append("how their identity was confirmed")
    if not recipient.why_right_person.strip():
        gaps.append("why they are the right person to tell")
    return gaps


def listed(parts: Sequence[str]) -> str:
    """ "a, b and c", for the reasons and gaps the pages and messages list in a sentence."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def recipient_label(recipient: DisclosureRecipient, position: int) -> str:
    return recipient.name.strip() or f"recipient {position} ({recipient.get_kind_display().lower()})"


def item_problems(entry: DisclosureItem, disclosure: Disclosure) -> list[str]:
    """What stops an item being disclosed: its owner's answer, or special category content
    without a "strictly necessary" reason (rule 7). Items are named by reference, never by
    their content, since not everyone reading the record may read the item."""
    item = entry.item
    owner = item.owner_agency.name
    problems = []
    if entry.owner_refused:
        problems.append(f"{owner} did not agree to {item.reference} being disclosed: remove it")
    elif item.owner_agency_id != disclosure.proposing_agency_id and entry.owner_agreed_by_id is None:
        problems.append(f"{owner} has not yet agreed to {item.reference} being disclosed")
    if entry.special_categories and not entry.strictly_necessary.strip():
        problems.append(
            f"{item.reference} includes {_special_labels(entry.special_categories)}, which is special "
            "category information: explain why it is strictly necessary, or leave it out"
        )
    if item.status != ItemStatus.ACTIVE:
        problems.append(f"{item.reference} is {item.get_status_display().lower()}: remove it")
    return problems


def tests_gaps(disclosure: Disclosure) -> list[str]:
    gaps = []
    if not disclosure.gateway:
        gaps.append("Choose the lawful basis for the disclosure")
    elif disclosure.gateway == DisclosureGateway.OTHER and not disclosure.gateway_detail.strip():
        gaps.append("Name the statutory power the disclosure relies on")
    if not disclosure.necessary.strip():
        gaps.append("Explain why the disclosure is necessary")
    if not disclosure.proportionate.strip():
        gaps.append("Explain why the disclosure is proportionate: why less intrusive options would not work")
    if not disclosure.relevant.strip():
        gaps.append("Explain why the information to be disclosed is relevant")
    if not disclosure.joint_disclosure:
        gaps.append(
            "Record whether the disclosure will be made jointly (for example by police and probation "
            "together) or by one agency"
        )
    elif not disclosure.joint_disclosure_reason.strip():
        gaps.append(
            "Explain why the disclosure will be made jointly"
            if disclosure.joint_disclosure == JointDisclosure.JOINT
            else "Explain why the disclosure will be made by one agency"
        )
    return gaps


def minutes_problems(
    minutes: Minutes, *, disclosure: Disclosure, by: "User | None" = None, after: datetime | None = None
) -> list[str]:
    """Why these minutes cannot carry the decision (or, with `after`, its ratification): a
    level 2 or 3 meeting about this nominal (rule 1), that has started and was not cancelled, in
    minutes not superseded by a correction, chaired by the one recording it."""
    item = minutes.agenda_item
    meeting = item.meeting
    problems = []
    if item.nominal_id != disclosure.nominal_id:
        problems.append("Those minutes are about another nominal: choose minutes of this nominal's case")
    if meeting.level not in DECISION_LEVELS:
        problems.append("Only a level 2 or 3 meeting can decide a disclosure")
    if meeting.status == MeetingStatus.CANCELLED:
        problems.append(f"{meeting.reference} was cancelled")
    elif meeting.starts_at > timezone.now():
        problems.append(
            f"{meeting.reference} has not started yet: record the decision at or after the meeting"
        )
    if after is not None and meeting.starts_at <= after:
        problems.append(
            f"{meeting.reference} was not held after the emergency decision: choose a later meeting"
        )
    if minutes.status == MinutesStatus.SUPERSEDED:
        problems.append("Those minutes have been superseded by a correction: choose the current version")
    if by is not None and not is_chair(by, meeting):
        problems.append(f"Only the chair of {meeting.reference} can record a decision made at it")
    return problems


def emergency_agencies(disclosure: Disclosure, by: "User | None") -> set[int]:
    agencies = set(disclosure.consultations.values_list("agency_id", flat=True))
    agency = acting_agency(by) if by is not None else None
    if agency is not None:
        agencies.add(agency.pk)
    return agencies


def is_single_agency(disclosure: Disclosure, by: "User | None") -> bool:
    """Fewer than two agencies take part in an emergency decision: the consultations recorded
    and the decider's own (rule 2, multi-agency even in an emergency)."""
    return len(emergency_agencies(disclosure, by)) < 2


def decision_blockers(
    disclosure: Disclosure,
    *,
    outcome: str,
    forum: str | None,
    minutes: Minutes | None = None,
    by: "User | None" = None,
    emergency_reason: str | None = None,
    single_agency_reason: str | None = None,
) -> list[str]:
    """Everything the decision still needs, in words, in the task list's order.

    Both outcomes need the recipients identified, an alternative (for a decision not to
    disclose: what will be done instead), the risk to the offender considered, the youth
    consultation where a child is involved, and the forum. A decision to disclose also needs
    what will be said, the information (agreed by its owners, special categories justified),
    the confirmation that the risk to the offender does not outweigh the risk to others, the
    four tests and joint disclosure.

    `forum` None leaves the forum out (the record page, before one is chosen). Emergency
    decisions: `emergency_reason` and `single_agency_reason` None are not checked (not asked yet);
    given, they are. `by` is the decider: the meeting's chair, and their agency counts as one of
    the two an emergency decision needs.
    """
    if outcome not in Outcome.values:
        return ["Choose whether to disclose or not to disclose"]
    disclose = outcome == Outcome.DISCLOSE
    blockers: list[str] = []
    # Purpose and what will be said.
    if disclose and not disclosure.information_summary.strip():
        blockers.append("Enter what the recipients will be told, in the words to be used")
    # Recipients.
    recipients = list(disclosure.recipients.order_by("id"))
    if not recipients:
        blockers.append("Add at least one recipient")
    for position, recipient in enumerate(recipients, start=1):
        gaps = recipient_gaps(recipient)
        if gaps:
            blockers.append(
                f"Complete the identification of {recipient_label(recipient, position)}: {listed(gaps)}"
            )
    # Alternatives considered.
    if not disclosure.alternatives.exists():
        blockers.append(
            "Record at least one alternative to disclosure and why it was rejected"
            if disclose
            else "Record what will be done instead of disclosure, and why"
        )
    # Information to disclose.
    if disclose:
        entries = list(disclosure.items.select_related("item", "item__owner_agency").order_by("id"))
        if not entries:
            blockers.append("Choose at least one item of information to disclose")
        for entry in entries:
            blockers.extend(item_problems(entry, disclosure))
    # Risk to the offender.
    if not disclosure.offender_risk.strip():
        blockers.append(
            "Record the risk the disclosure poses to the offender, such as vigilantism, self-harm or "
            "the effect on their family"
        )
    if disclose and not disclosure.offender_risk_outweighed:
        blockers.append("Confirm that the risk to the offender does not outweigh the risk to others")
    # The four tests and joint disclosure.
    if disclose:
        blockers.extend(tests_gaps(disclosure))
    # Youth consultation.
    reasons = youth_consultation_reasons(disclosure)
    if reasons and not youth_consultation_recorded(disclosure):
        blockers.append(
            "Record the consultation of a senior manager of the Youth Offending Service or Children's "
            f"Services: required because {listed(reasons)}"
        )
    # The forum.
    if forum is None:
        return blockers
    if forum == Forum.MEETING:
        if minutes is None:
            blockers.append("Choose the minutes of the level 2 or 3 meeting at which the decision was made")
        else:
            blockers.extend(minutes_problems(minutes, disclosure=disclosure, by=by))
    elif forum == Forum.EMERGENCY:
        if emergency_reason is not None and not emergency_reason.strip():
            blockers.append("Explain why the decision could not wait for a level 2 or 3 meeting")
        if is_single_agency(disclosure, by) and not (single_agency_reason or "").strip():
            blockers.append(
                "Record at least two agencies consulted on the emergency decision, or explain why one "
                "agency decided alone"
            )
    else:
        blockers.append("Choose whether the decision is made at a meeting or in an emergency outside one")
    return blockers


# --- deciding -----------------------------------------------------------------------------------------


@transaction.atomic
def disclosure_decide(
    *,
    disclosure: Disclosure,
    version: int,
    outcome: str,
    forum: str,
    rationale: str,
    minutes: Minutes | None = None,
    emergency_reason: str = "",
    single_agency_reason: str = "",
    by: "User",
) -> Disclosure:
    """Decide to disclose or not to disclose, refused with every blocker while any remains.

    At a meeting, the decision names the minutes of the meeting the decider chaired. Outside
    one, it records why it could not wait, and goes to the next level 2 or 3 meeting to be
    ratified; decided by one agency alone, it is flagged for governance (`single_agency`).
    """
    row = _locked(disclosure, by=by, allowed=can_decide, refusal=decide_refusal, version=version)
    outcome = _choice(
        outcome,
        allowed=Outcome.values,
        field="outcome",
        message="Choose whether to disclose or not to disclose",
    )
    forum = _choice(
        forum,
        allowed=Forum.values,
        field="forum",
        message="Choose whether the decision is made at a meeting or in an emergency outside one",
    )
    emergency = forum == Forum.EMERGENCY
    emergency_reason = text(emergency_reason, field="emergency_reason") if emergency else ""
    single_agency_reason = text(single_agency_reason, field="single_agency_reason") if emergency else ""
    chosen_minutes = minutes if not emergency else None
    blockers = decision_blockers(
        row,
        outcome=outcome,
        forum=forum,
        minutes=chosen_minutes,
        by=by,
        emergency_reason=emergency_reason,
        single_agency_reason=single_agency_reason,
    )
    if blockers:
        raise DecisionBlocked(blockers)
    rationale = text(rationale, field="rationale", missing="Enter the reasons for the decision")
    if len(rationale) < MIN_RATIONALE:
        raise ApplicationError(
            "Explain the reasons for the decision in a sentence or more", field="rationale"
        )
    single_agency = emergency and is_single_agency(row, by)
    values = {
        "outcome": outcome,
        "forum": forum,
        "decision_minutes": chosen_minutes,
        "emergency_reason": emergency_reason,
        # Kept only where it explains a flagged decision: two agencies need no such reason.
        "single_agency_reason": single_agency_reason if single_agency else "",
        "single_agency": single_agency,
        "decision_rationale": rationale,
        "decided_by": by,
        "decided_at": timezone.now(),
        "status": DisclosureStatus.DECIDED,
        # The ratification item for the next level 2 or 3 meeting (rule 2).
        "ratification": RatificationStatus.PENDING if emergency else RatificationStatus.NOT_NEEDED,
    }
    changed = _assign(row, values)
    bump(row, changed)
    step(row, STEP_DECIDED, by=by, note=f"{row.get_outcome_display()}: {row.get_forum_display().lower()}")
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference} decided: {row.get_outcome_display().lower()}",
        changed_fields=changed,
        detail={
            "outcome": outcome,
            "forum": forum,
            "single_agency": single_agency,
            "minutes": chosen_minutes.pk if chosen_minutes is not None else None,
        },
    )
    return row


@transaction.atomic
def disclosure_ratify(
    *,
    disclosure: Disclosure,
    minutes: Minutes | None,
    ratified: bool,
    note: str,
    by: "User",
    version: int | None = None,
) -> Disclosure:
    """A later level 2 or 3 meeting ratifies an emergency decision, or does not; its chair
    records which, with the meeting's minutes. Not ratified, the decision stands as recorded (it
    may already have been acted on) but is flagged for the co-ordinator, with the reason."""
    row = _locked(
        disclosure,
        by=by,
        allowed=can_decide,
        refusal=decide_refusal,
        version=version,
        statuses=(),
    )
    if row.ratification != RatificationStatus.PENDING or row.decided_at is None:
        raise ApplicationError("This decision is not awaiting ratification")
    if minutes is None:
        raise ApplicationError(
            "Choose the minutes of the level 2 or 3 meeting that considered the decision", field="minutes"
        )
    problems = minutes_problems(minutes, disclosure=row, by=by, after=row.decided_at)
    if problems:
        raise ApplicationError(". ".join(problems), field="minutes")
    note = text(note, field="note")
    if not ratified and not note:
        raise ApplicationError("Explain why the meeting did not ratify the decision", field="note")
    values = {
        "ratification": RatificationStatus.RATIFIED if ratified else RatificationStatus.NOT_RATIFIED,
        "ratified_minutes": minutes,
        "ratified_by": by,
        "ratified_at": timezone.now(),
        "ratification_note": note,
    }
    changed = _assign(row, values)
    bump(row, changed)
    step(row, STEP_RATIFIED if ratified else STEP_NOT_RATIFIED, by=by, note=note)
    audit(
        row,
        by=by,
        summary=f"Disclosure {row.reference}: emergency decision {'' if ratified else 'not '}ratified",
        changed_fields=changed,
        detail={"ratified": ratified, "minutes": minutes.pk},
    )
    return row


@transaction.atomic
def disclosure_withdraw(*, disclosure: Disclosure, version: int, reason: str, by: "User") -> Disclosure:
    """Withdraw a proposal before it is decided, saying why. A withdrawal is not a decision."""
    row = _recordable(disclosure, version=version, by=by)
    row.withdrawn_reason = text(reason, field="reason", missing="Enter why the proposal is withdrawn")
    row.status = DisclosureStatus.WITHDRAWN
    changed = ["status", "withdrawn_reason"]
    bump(row, changed)
    step(row, STEP_WITHDRAWN, by=by, note=row.withdrawn_reason)
    audit(row, by=by, summary=f"Disclosure {row.reference} withdrawn", changed_fields=changed)
    return row
