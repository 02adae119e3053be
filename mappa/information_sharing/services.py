"""Writes of information items, shares and requests: one transaction each, audited inside.

The sharing rules (DESIGN.md §5, disclosure_dp.md §5.3) are all checked here, whatever page or
command calls: the items must be the sharer's own, or passable on under a share it holds; the
recipient must serve the case's area and be a party, with the sharer, to an active information
sharing agreement covering the purpose; s.325(4) is a gateway only between Responsible
Authority and duty-to-co-operate agencies; the necessity, proportionality and relevance
statements must be written; special category content needs a "strictly necessary"
justification or it stays out. A refusal raises ApplicationError with words a practitioner can
act on, naming the form field where it belongs.

A share may go into a MAPPA meeting instead of to an agency (issue 5): its attendees read the
items once they have signed the meeting's confidentiality statement. The same four tests and
special category rules apply, with the meeting's own: see `_check_meeting`.

Audit events name each item's owner (object_agency_id), so every owner's auditors see what
happened to their information, and list changed fields by name, never their values.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from mappa.agencies.models import (
    Agency,
    AgencyGroup,
    AgencyKind,
    AgreementPurpose,
    AgreementStatus,
    InformationSharingAgreement,
)
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.information_sharing.attributes import (
    DETAIL,
    MAX_VALUE_LENGTH,
    attribute,
    attributes_for,
    field_label,
    shareable_fields,
)
from mappa.information_sharing.models import (
    AccessRequest,
    Gateway,
    HandlingCode,
    InformationItem,
    IntelligenceAssessment,
    ItemKind,
    ItemStatus,
    OnwardShareRequest,
    OnwardTerms,
    ProtectiveMarking,
    RequestStatus,
    Share,
    ShareItem,
    SourceEvaluation,
    SpecialCategory,
)
from mappa.information_sharing.selectors import held_share_links, item_list, onward_allowed
from mappa.meetings.models import AgendaItem, Meeting, MeetingStatus
from mappa.meetings.selectors import meeting_list
from mappa.nominals.models import Nominal
from mappa.nominals.selectors import acting_agency, nominal_list
from mappa.people.models import Person

if TYPE_CHECKING:
    from mappa.accounts.models import User

_R = TypeVar("_R", AccessRequest, OnwardShareRequest)

ITEM_CONFLICT_MESSAGE = (
    "Someone else changed this item while you were working on it. Your changes have not been "
    "saved. The item now shows their version: check it, then make your change again"
)
MIN_STATEMENT_LENGTH = 20
MAX_TEXT_LENGTH = 5000

# Gateways open to an agency by its group (disclosure_dp.md §5.3 rule 29): s.325(4) is the
# duty to co-operate between the Responsible Authority and duty-to-co-operate agencies, so an
# associate agency can neither share nor receive under it.
_S325_GROUPS = frozenset({AgencyGroup.RESPONSIBLE_AUTHORITY, AgencyGroup.DUTY_TO_COOPERATE})


# --- small validators -------------------------------------------------------------------------


def _acting_agency(by: "User", permission: Permission) -> Agency:
    if not has_permission(by, permission):
        raise PermissionDenied("You do not have permission to do this")
    agency = acting_agency(by)
    if agency is None:
        raise PermissionDenied("You are not acting for an active agency")
    return agency


def _text(
    value: str, *, field: str, label: str, required: bool = False, max_length: int = MAX_TEXT_LENGTH
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise ApplicationError(
            f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field
        )
    return text


def _statement(value: str, *, field: str, label: str) -> str:
    text = _text(value, field=field, label=label, required=True)
    if len(text) < MIN_STATEMENT_LENGTH:
        raise ApplicationError(
            f"Explain {label} in a sentence or more: it is the record of why this sharing is lawful",
            field=field,
        )
    return text


def _choice(value: str, choices: Any, *, field: str, message: str, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        raise ApplicationError(message, field=field)
    return str(value)


def _special_categories(values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in SpecialCategory.values]
    if unknown:
        raise ApplicationError("Choose special categories from the list", field="special_categories")
    return sorted(values)


def _attributes(kind: str, values: Mapping[str, str]) -> dict[str, str]:
    known = {a.name for a in attributes_for(kind)}
    unknown = set(values) - known
    if unknown:
        raise ApplicationError(f"{ItemKind(kind).label} items have no field {sorted(unknown)[0]!r}")
    cleaned = {}
    for name in sorted(known):
        text = (values.get(name) or "").strip()
        if len(text) > MAX_VALUE_LENGTH:
            raise ApplicationError(
                f"{field_label(kind, name)} must be {MAX_VALUE_LENGTH} characters or fewer",
                field=f"attr_{name}",
            )
        if text:
            cleaned[name] = text
    return cleaned


@dataclass
class ItemContent:
    """What a practitioner writes in an item: everything but its subject and owner."""

    kind: str
    summary: str
    detail: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    special_categories: Sequence[str] = ()
    protective_marking: str = ProtectiveMarking.OFFICIAL_SENSITIVE
    source_evaluation: str = ""
    intelligence_assessment: str = ""
    handling_code: str = ""

    def cleaned(self) -> dict[str, Any]:
        kind = _choice(self.kind, ItemKind, field="kind", message="Choose what kind of information this is")
        grading = [self.source_evaluation, self.intelligence_assessment, self.handling_code]
        if any(grading) and not all(grading):
            raise ApplicationError(
                "Give all three parts of the source grading (source, intelligence and handling) or none",
                field="source_evaluation",
            )
        detail = _text(self.detail, field="detail", label="the detail")
        special = _special_categories(self.special_categories)
        if special and not detail:
            raise ApplicationError(
                "You said the detail contains special category information, but there is no detail",
                field="special_categories",
            )
        return {
            "kind": kind,
            "summary": _text(self.summary, field="summary", label="a summary", required=True, max_length=200),
            "detail": detail,
            "attributes": _attributes(kind, self.attributes),
            "special_categories": special,
            "protective_marking": _choice(
                self.protective_marking,
                ProtectiveMarking,
                field="protective_marking",
                message="Choose a marking",
            ),
            "source_evaluation": _choice(
                self.source_evaluation,
                SourceEvaluation,
                field="source_evaluation",
                message="Choose a source grade",
                blank=True,
            ),
            "intelligence_assessment": _choice(
                self.intelligence_assessment,
                IntelligenceAssessment,
                field="intelligence_assessment",
                message="Choose an intelligence grade",
                blank=True,
            ),
            "handling_code": _choice(
                self.handling_code,
                HandlingCode,
                field="handling_code",
                message="Choose a handling code",
                blank=True,
            ),
        }


def _item_event(item: InformationItem, by: "User", action: Action, summary: str, **kwargs: Any) -> None:
    record_event(
        action=action,
        actor=by,
        summary=summary,
        object_type="information_item",
        object_id=item.pk,
        object_agency_id=item.owner_agency_id,
        nominal_id=item.nominal_id,
        **kwargs,
    )


# --- items ------------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *, nominal: Nominal | None = None, person: Person | None = None, content: ItemContent, by: "User"
) -> InformationItem:
    """Record an item owned by the user's acting agency, about a nominal or another person."""
    agency = _acting_agency(by, Permission.ITEM_RECORD)
    if (nominal is None) == (person is None):
        raise ApplicationError("An item is about one nominal or one person")
    if nominal is not None and not nominal_list(fetched_by=by).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You cannot record information about this nominal")
    if person is not None:
        from mappa.people.selectors import person_list

        if not person_list(fetched_by=by).filter(pk=person.pk).exists():
            raise PermissionDenied("You cannot record information about this person")
    item = InformationItem(
        owner_agency=agency, author=by, nominal=nominal, person=person, **content.cleaned()
    )
    item.save(override=True)
    _item_event(item, by, Action.COLLECTION, "Information item recorded", detail={"kind": item.kind})
    return item


def _owned_for_change(item: InformationItem, version: int, by: "User") -> InformationItem:
    """The stored item, locked, if the user's agency owns it, it is active and still at `version`."""
    agency = _acting_agency(by, Permission.ITEM_RECORD)
    stored = InformationItem.objects.select_for_update().get(pk=item.pk)
    if stored.owner_agency_id != agency.pk:
        raise PermissionDenied("Only the agency that owns this item can change it")
    if stored.status != ItemStatus.ACTIVE:
        raise ApplicationError(
            f"This item has been {stored.get_status_display().lower()} and can no longer be changed"
        )
    if stored.version != version:
        raise ApplicationError(ITEM_CONFLICT_MESSAGE)
    return stored


@transaction.atomic
def item_update(*, item: InformationItem, version: int, content: ItemContent, by: "User") -> InformationItem:
    """Change an item in place (the owner only); recipients of shares see the new version."""
    stored = _owned_for_change(item, version, by)
    values = content.cleaned()
    if values["kind"] != stored.kind:
        raise ApplicationError("An item's kind cannot change: record a new item instead", field="kind")
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    if not changed:
        return stored
    for name in changed:
        setattr(stored, name, values[name])
    stored.version += 1
    stored.save(override=True)
    _item_event(stored, by, Action.ALTERATION, "Information item changed", changed_fields=changed)
    return stored


@transaction.atomic
def item_supersede(
    *, item: InformationItem, version: int, content: ItemContent, reason: str, by: "User"
) -> InformationItem:
    """Replace an item with a new one, keeping the old as history (say, a new address)."""
    stored = _owned_for_change(item, version, by)
    reason = _text(reason, field="reason", label="why it is superseded", required=True, max_length=2000)
    values = content.cleaned()
    successor = InformationItem(
        owner_agency_id=stored.owner_agency_id,
        author=by,
        nominal=stored.nominal,
        person=stored.person,
        **values,
    )
    successor.save(override=True)
    stored.status = ItemStatus.SUPERSEDED
    stored.superseded_by = successor
    stored.status_reason = reason
    stored.status_changed_at = timezone.now()
    stored.status_changed_by = by
    stored.version += 1
    stored.save(override=True)
    _item_event(
        successor, by, Action.COLLECTION, "Information item recorded", detail={"supersedes": stored.pk}
    )
    _item_event(
        stored,
        by,
        Action.ALTERATION,
        "Information item superseded",
        changed_fields=["status", "superseded_by"],
        justification=reason,
    )
    return successor


@transaction.atomic
def item_erase(*, item: InformationItem, version: int, reason: str, by: "User") -> InformationItem:
    """Erase an item's content (the owner only). The row stays, empty, so shares and the audit
    log still point at something; recipients stop seeing it at once."""
    stored = _owned_for_change(item, version, by)
    reason = _text(reason, field="reason", label="why it is erased", required=True, max_length=2000)
    stored.summary = "Erased"
    stored.detail = ""
    stored.attributes = {}
    stored.special_categories = []
    stored.status = ItemStatus.ERASED
    stored.status_reason = reason
    stored.status_changed_at = timezone.now()
    stored.status_changed_by = by
    stored.version += 1
    stored.save(override=True)
    _item_event(stored, by, Action.ERASURE, "Information item erased", justification=reason)
    return stored


# --- shares -----------------------------------------------------------------------------------


@dataclass
class ItemSelection:
    """One item to share, the fields to include beyond the summary, and any justification."""

    item: InformationItem
    fields: Sequence[str] = ()
    strictly_necessary: str = ""


@dataclass
class ShareTerms:
    """Who receives a share, and the decision: to an agency (`recipient`) or into a MAPPA
    meeting (`meeting`, with `recipient` None), never both."""

    recipient: Agency | None
    purpose: str
    gateway: str
    necessity: str
    proportionality: str
    relevance: str
    purpose_detail: str = ""
    gateway_detail: str = ""
    onward_terms: str = OnwardTerms.NONE
    onward_agencies: Sequence[Agency] = ()
    expires_on: date | None = None
    meeting: Meeting | None = None

    @property
    def recipient_name(self) -> str:
        """The recipient in words, for messages: the agency, or the meeting's signed attendees."""
        if self.meeting is not None:
            return f"the attendees of {self.meeting.reference}"
        return self.recipient.name if self.recipient is not None else ""


def special_categories_in(item: InformationItem, fields: Iterable[str]) -> list[str]:
    """The special categories a selection of an item's fields carries."""
    found: set[str] = set()
    for name in fields:
        if name == DETAIL:
            found.update(item.special_categories)
        else:
            spec = attribute(item.kind, name)
            if spec is not None and spec.special_category:
                found.add(spec.special_category)
    return sorted(found)


def _subject(items: Sequence[InformationItem]) -> tuple[int | None, int | None]:
    subjects = {(item.nominal_id, item.person_id) for item in items}
    if len(subjects) != 1:
        raise ApplicationError(
            "A share is about one case: choose items about the same nominal or person", field="items"
        )
    return subjects.pop()


def _share_areas(sharer: Agency, nominal_id: int | None) -> list[int]:
    """The areas the share is made in: the nominal's, or (for another person) the sharer's."""
    if nominal_id is not None:
        return [Nominal.objects.values_list("area_id", flat=True).get(pk=nominal_id)]
    return list(sharer.areas.values_list("pk", flat=True))


def _agreements(*parties: Agency, area_ids: Sequence[int]) -> QuerySet[InformationSharingAgreement]:
    """Active, started agreements of the areas naming every one of `parties`, newest first."""
    candidates = InformationSharingAgreement.objects.filter(
        area_id__in=area_ids, status=AgreementStatus.ACTIVE, start_date__lte=timezone.localdate()
    )
    for party in parties:
        candidates = candidates.filter(parties=party)
    return candidates.order_by("-start_date", "pk")


def covering_agreement(
    *, sharer: Agency, recipient: Agency, purpose: str, area_ids: Sequence[int]
) -> InformationSharingAgreement | None:
    """An active, started agreement of the area naming both agencies and covering the purpose."""
    # Purposes are a JSON list; filtered here rather than in SQL so both databases agree.
    return next((a for a in _agreements(sharer, recipient, area_ids=area_ids) if purpose in a.purposes), None)


def covering_agreement_for(
    *, sharer: Agency, purpose: str, area_ids: Sequence[int]
) -> InformationSharingAgreement | None:
    """An active, started agreement of the area naming the sharer and covering the purpose.

    For a share into a meeting: there is no one recipient agency to name. The attendees come
    from whichever agencies the meeting invites, and what binds each of them is the meeting's
    confidentiality statement, signed before anything opens; the area's agreement is what
    binds the sharer to the MAPPA arrangements the meeting belongs to.
    """
    return next((a for a in _agreements(sharer, area_ids=area_ids) if purpose in a.purposes), None)


def _check_recipient(sharer: Agency, recipient: Agency, area_ids: Sequence[int]) -> None:
    if recipient.pk == sharer.pk:
        raise ApplicationError(
            "Choose another agency: your own agency already holds this information", field="recipient"
        )
    if not recipient.is_active:
        raise ApplicationError(f"{recipient.name} is no longer an active agency", field="recipient")
    if not recipient.areas.filter(pk__in=area_ids).exists():
        raise ApplicationError(
            f"{recipient.name} does not take part in MAPPA in this case's area, so it cannot receive this",
            field="recipient",
        )


def _check_gateway(terms: ShareTerms, sharer: Agency) -> str:
    gateway = _choice(terms.gateway, Gateway, field="gateway", message="Choose the lawful gateway")
    # Into a meeting only the sharer's group counts: a level 2 or 3 meeting is the Responsible
    # Authority's arrangement for co-operating under s.325 (MAPPA Guidance ch. 13), so an RA or
    # duty-to-co-operate agency sharing into it is co-operating with the Responsible Authority,
    # whoever else attends. An associate agency has no s.325 duty and names another gateway.
    parties = [sharer] if terms.recipient is None else [sharer, terms.recipient]
    if gateway == Gateway.CJA_2003_S325 and any(party.group not in _S325_GROUPS for party in parties):
        other = next(party for party in reversed(parties) if party.group not in _S325_GROUPS)
        raise ApplicationError(
            f"The duty to co-operate (CJA 2003 s.325(4)) applies only between Responsible Authority and "
            f"duty-to-co-operate agencies; {other.name} is an associate agency. Choose another gateway",
            field="gateway",
        )
    if gateway == Gateway.COMMON_LAW_POLICE and sharer.kind != AgencyKind.POLICE:
        raise ApplicationError("Only a police force can rely on common law police powers", field="gateway")
    if gateway == Gateway.OTHER and not terms.gateway_detail.strip():
        raise ApplicationError("Name the statutory power you are relying on", field="gateway_detail")
    return gateway


@dataclass
class ShareCheck:
    """What a share would include, and the warnings to show before it is confirmed."""

    included: list[tuple[ItemSelection, list[str]]]
    agreement: InformationSharingAgreement | None
    warnings: list[str]


def proportionality_warnings(
    selections: Sequence[ItemSelection], recipient: Agency | Meeting, purpose: str
) -> list[str]:
    """Plain-words prompts for a share that looks more than its purpose needs.

    Warnings, not refusals: the practitioner decides, but sees the question first. The seed's
    example is the model: names and addresses may be needed, race and religion rarely are.
    A meeting is warned about as a mixed audience: its attendees may come from any agency it
    invites, duty-to-co-operate and associate agencies included.
    """
    if isinstance(recipient, Meeting):
        name, associate = f"the meeting ({recipient.reference})", False
        leaving = "going into a meeting that agencies outside the Responsible Authority may attend"
    else:
        name, associate = recipient.name, recipient.group == AgencyGroup.ASSOCIATE
        leaving = (
            "going outside the Responsible Authority"
            if recipient.group != AgencyGroup.RESPONSIBLE_AUTHORITY
            else ""
        )
    warnings: list[str] = []
    for selection in selections:
        item = selection.item
        special = special_categories_in(item, selection.fields)
        if special:
            labels = " and ".join(str(SpecialCategory(s).label).lower() for s in special)
            warnings.append(
                f"“{item.summary}” includes {labels}. This is special category information: share it only "
                f"if {name} cannot do their part without it, and say why it is strictly necessary."
            )
        if DETAIL in selection.fields and attributes_for(item.kind) and item.detail:
            warnings.append(
                f"You are sharing the full detail of “{item.summary}” as well as its fields. If the fields "
                "say what the recipient needs, leave the detail out."
            )
        if item.kind == ItemKind.VICTIM_INFORMATION and any(
            name in selection.fields for name in ("address", "victim_name")
        ):
            warnings.append(
                f"“{item.summary}” identifies a victim. Share a victim's name or address only when the "
                "recipient needs it to protect them."
            )
        if item.kind == ItemKind.INTELLIGENCE and item.handling_code == HandlingCode.CONDITIONS:
            warnings.append(
                f"“{item.summary}” is intelligence graded for sharing with conditions. Record the conditions "
                "in the proportionality statement."
            )
        if item.kind == ItemKind.INTELLIGENCE and leaving:
            warnings.append(
                f"“{item.summary}” is police intelligence {leaving}. Check "
                "it can be shared in this form, or share a sanitised summary instead."
            )
    if len(selections) > 10:
        warnings.append(
            f"You are sharing {len(selections)} items. Check that every one is relevant to the purpose."
        )
    if purpose != AgreementPurpose.MAPPA and associate:
        warnings.append(f"{name} is an associate agency: check the purpose is one it has agreed to.")
    return warnings


def _receiver(terms: ShareTerms) -> Agency | Meeting:
    """The share's one recipient: an agency, or a meeting (the Share's check constraint too)."""
    if terms.meeting is not None and terms.recipient is None:
        return terms.meeting
    if terms.recipient is not None and terms.meeting is None:
        return terms.recipient
    raise ApplicationError("Choose who to share with: an agency or a MAPPA meeting", field="recipient")


def _check_agency_recipient(
    terms: ShareTerms, recipient: Agency, *, sharer: Agency, area_ids: Sequence[int]
) -> InformationSharingAgreement:
    """A share to an agency: the recipient, the purpose and the agreement covering both."""
    _check_recipient(sharer, recipient, area_ids)
    purpose = _choice(
        terms.purpose, AgreementPurpose, field="purpose", message="Choose the purpose of sharing"
    )
    if purpose != AgreementPurpose.MAPPA and not terms.purpose_detail.strip():
        raise ApplicationError("Say what the information will be used for", field="purpose_detail")
    agreement = covering_agreement(sharer=sharer, recipient=recipient, purpose=purpose, area_ids=area_ids)
    if agreement is None:
        raise ApplicationError(
            f"There is no active information sharing agreement between {sharer.name} and "
            f"{recipient.name} for {AgreementPurpose(purpose).label.lower()}. Ask your MAPPA "
            "co-ordinator to check the agreement and its parties",
            field="recipient",
        )
    return agreement


def _check_meeting(
    terms: ShareTerms, meeting: Meeting, *, sharer: Agency, nominal_id: int | None, by: "User"
) -> InformationSharingAgreement:
    """A share into a meeting: what makes the meeting a lawful, fitting place for these items.

    The meeting must be one the sharer can see, still to be held (papers go to a meeting before
    it meets; a held meeting is minuted, and a cancelled one has no purpose), with the case on
    its agenda, in the case's area: its attendees then read the items for the one purpose a
    MAPPA meeting has, risk assessment and management, so no other purpose is accepted. The
    area's agreement must name the sharer (covering_agreement_for says why not a recipient).
    """
    # Read afresh rather than trusting the object passed in: the wizard kept only its pk, and the
    # meeting may have been cancelled since. A cancellation racing this share does no harm:
    # selectors stop opening a cancelled meeting's shares whatever they were made in.
    current = meeting_list(fetched_by=by).filter(pk=meeting.pk).first()
    if current is None:
        raise PermissionDenied("You cannot share into a meeting you cannot see")
    meeting = current
    reference = meeting.reference
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError(f"{reference} has been cancelled: choose another meeting", field="recipient")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError(
            f"{reference} has already been held. Share into the next meeting about this case",
            field="recipient",
        )
    if nominal_id is None:
        raise ApplicationError(
            "Only information about a nominal can be shared into a meeting: the meeting discusses "
            "the nominals on its agenda",
            field="items",
        )
    area_id = Nominal.objects.values_list("area_id", flat=True).get(pk=nominal_id)
    if meeting.area_id != area_id:
        raise ApplicationError(
            f"{reference} is a meeting of another MAPPA area than this case's: choose a meeting of "
            "the case's area",
            field="recipient",
        )
    if not AgendaItem.objects.filter(meeting=meeting, nominal_id=nominal_id).exists():
        raise ApplicationError(
            f"This case is not on the agenda of {reference}. Choose a meeting that discusses it, or "
            "ask the MAPPA co-ordinator to add it to the agenda",
            field="recipient",
        )
    if terms.purpose != AgreementPurpose.MAPPA:
        raise ApplicationError(
            "Information shared into a MAPPA meeting is for MAPPA risk assessment and management only",
            field="purpose",
        )
    agreement = covering_agreement_for(sharer=sharer, purpose=AgreementPurpose.MAPPA, area_ids=[area_id])
    if agreement is None:
        raise ApplicationError(
            f"{sharer.name} is not a party to an active information sharing agreement of this area "
            "for MAPPA risk assessment and management. Ask your MAPPA co-ordinator to check the "
            "agreement and its parties",
            field="recipient",
        )
    return agreement


def _prepare(
    *, selections: Sequence[ItemSelection], terms: ShareTerms, by: "User"
) -> tuple[
    Agency, list[tuple[ItemSelection, list[str], ShareItem | None]], InformationSharingAgreement, list[int]
]:
    """Every rule a share must satisfy; returns what the share will record or raises."""
    sharer = _acting_agency(by, Permission.SHARE_CREATE)
    receiver = _receiver(terms)
    if not selections:
        raise ApplicationError("Choose at least one item to share", field="items")
    if len({s.item.pk for s in selections}) != len(selections):
        raise ApplicationError("Each item can be chosen only once", field="items")
    readable = set(
        item_list(fetched_by=by).filter(pk__in=[s.item.pk for s in selections]).values_list("pk", flat=True)
    )
    # Every active link per item: the agency may hold an item under several shares, on different
    # terms, and any one that allows passing it on (with the fields chosen) is enough.
    held: dict[int, list[ShareItem]] = {}
    for link in held_share_links(item_ids=[s.item.pk for s in selections], fetched_by=by):
        held.setdefault(link.item_id, []).append(link)
    prepared = []
    for selection in selections:
        item = selection.item
        if item.pk not in readable:
            raise PermissionDenied("You cannot share an item you cannot see")
        if item.status != ItemStatus.ACTIVE:
            raise ApplicationError(
                f"“{item.summary}” is {item.get_status_display().lower()} and cannot be shared", field="items"
            )
        fields = list(dict.fromkeys(selection.fields))
        allowed = set(shareable_fields(item.kind))
        if set(fields) - allowed:
            raise ApplicationError(f"“{item.summary}” has no such field to share", field="items")
        source_link = None
        if item.owner_agency_id != sharer.pk and isinstance(receiver, Meeting):
            # Into a meeting, only the owner shares: the owner then decides, and answers for,
            # what every attendee reads. An agency holding another's item under a share asks
            # the owner to share it into the meeting itself.
            raise ApplicationError(
                f"“{item.summary}” belongs to {item.owner_agency.name}. Only your agency's own "
                f"information can be shared into a meeting: ask {item.owner_agency.name} to share it",
                field="items",
            )
        if item.owner_agency_id != sharer.pk and isinstance(receiver, Agency):
            # Onward sharing: only what the sharer holds, only to agencies its share names
            # (disclosure_dp.md §5.3 rule 28). Anything more needs the owner's permission.
            # Held means held by the agency: an item the user reads as a meeting's attendee is
            # in no link here, so a share into a meeting never lets anyone pass it on.
            allowing = [link for link in held.get(item.pk, []) if onward_allowed(link, receiver)]
            if not allowing:
                raise ApplicationError(
                    f"“{item.summary}” belongs to {item.owner_agency.name}, and the terms it was shared "
                    f"on do not let you pass it to {receiver.name}. Ask "
                    f"{item.owner_agency.name} for permission instead",
                    field="items",
                )
            source_link = next((link for link in allowing if set(fields) <= set(link.fields)), None)
            if source_link is None:
                raise ApplicationError(
                    f"You can pass on only the fields of “{item.summary}” that were shared with you",
                    field="items",
                )
        special = special_categories_in(item, fields)
        if special and not selection.strictly_necessary.strip():
            labels = ", ".join(str(SpecialCategory(s).label).lower() for s in special)
            raise ApplicationError(
                f"“{item.summary}” would include {labels}, which is special category information. "
                "Leave those fields out, or explain why including them is strictly necessary",
                field=f"strictly_necessary_{item.pk}",
            )
        prepared.append((selection, special, source_link))
    nominal_id, person_id = _subject([s.item for s in selections])
    area_ids = _share_areas(sharer, nominal_id)
    if isinstance(receiver, Meeting):
        agreement = _check_meeting(terms, receiver, sharer=sharer, nominal_id=nominal_id, by=by)
    else:
        agreement = _check_agency_recipient(terms, receiver, sharer=sharer, area_ids=area_ids)
    _check_gateway(terms, sharer)
    # Checked here as well as where share_create stores them, so the check-your-answers page
    # (share_check) never passes a share that confirming would then refuse.
    _statement(terms.necessity, field="necessity", label="why sharing is necessary")
    _statement(terms.proportionality, field="proportionality", label="why it is proportionate")
    _statement(terms.relevance, field="relevance", label="why it is relevant")
    onward = _choice(
        terms.onward_terms, OnwardTerms, field="onward_terms", message="Choose whether it may be passed on"
    )
    if isinstance(receiver, Meeting) and onward != OnwardTerms.NONE:
        # The meeting's confidentiality (MAPPA D): what its attendees learn there stays there,
        # unless the owner shares it again, or the chair permits a disclosure of the minutes.
        raise ApplicationError(
            "What is shared into a MAPPA meeting cannot be passed on by its attendees: the meeting "
            "is confidential. Choose “Not to be passed on”",
            field="onward_terms",
        )
    if any(link is not None for _, _, link in prepared) and onward != OnwardTerms.NONE:
        raise ApplicationError(
            "Information you are passing on from another agency cannot be passed on again",
            field="onward_terms",
        )
    if onward == OnwardTerms.NAMED_AGENCIES:
        names = [a for a in terms.onward_agencies if a.pk not in (sharer.pk, receiver.pk)]
        if not names:
            raise ApplicationError("Name the agencies it may be passed on to", field="onward_agencies")
    if terms.expires_on is not None and terms.expires_on <= timezone.localdate():
        raise ApplicationError("The end date must be in the future", field="expires_on")
    return sharer, prepared, agreement, [nominal_id or 0, person_id or 0]


def share_check(*, selections: Sequence[ItemSelection], terms: ShareTerms, by: "User") -> ShareCheck:
    """Validate a proposed share without making it: the check-your-answers page."""
    _, prepared, agreement, _ = _prepare(selections=selections, terms=terms, by=by)
    return ShareCheck(
        included=[(selection, special) for selection, special, _ in prepared],
        agreement=agreement,
        warnings=proportionality_warnings(selections, _receiver(terms), terms.purpose),
    )


@transaction.atomic
def share_create(
    *,
    selections: Sequence[ItemSelection],
    terms: ShareTerms,
    by: "User",
    access_request: AccessRequest | None = None,
    onward_request: OnwardShareRequest | None = None,
) -> Share:
    """Share items with another agency, or into a meeting, after checking every rule; answers a
    request if given (with a share to the agency that asked: never into a meeting)."""
    sharer, prepared, agreement, (nominal_id, person_id) = _prepare(selections=selections, terms=terms, by=by)
    for request in (access_request, onward_request):
        if request is None:
            continue
        locked = type(request).objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.PENDING:
            raise ApplicationError("This request has already been decided")
        if locked.owner_agency_id != sharer.pk:
            raise PermissionDenied("Only the agency that owns the information can answer this request")
    # A meeting share answers no request: the agency asked for itself, and a meeting's
    # attendees are neither that agency nor bound to it.
    recipient_id = terms.recipient.pk if terms.recipient is not None else None
    if access_request is not None and access_request.requesting_agency_id != recipient_id:
        raise ApplicationError("Share with the agency that asked", field="recipient")
    if onward_request is not None and onward_request.target_agency_id != recipient_id:
        raise ApplicationError("Share with the agency named in the request", field="recipient")
    # A share about another case would mark the request answered while giving nothing on it.
    asked_about = []
    if access_request is not None:
        asked_about.append((access_request.nominal_id, 0))
    if onward_request is not None:
        source = onward_request.source_share
        asked_about.append((source.nominal_id or 0, source.person_id or 0))
    if any(subject != (nominal_id, person_id) for subject in asked_about):
        raise ApplicationError("Choose items about the case the request is about", field="items")
    source_shares = {link.share_id for _, _, link in prepared if link is not None}
    now = timezone.now()
    share = Share(
        sharing_agency=sharer,
        recipient_agency=terms.recipient,
        meeting=terms.meeting,
        nominal_id=nominal_id or None,
        person_id=person_id or None,
        purpose=terms.purpose,
        purpose_detail=terms.purpose_detail.strip(),
        agreement=agreement,
        gateway=terms.gateway,
        gateway_detail=terms.gateway_detail.strip() if terms.gateway == Gateway.OTHER else "",
        necessity=_statement(terms.necessity, field="necessity", label="why sharing is necessary"),
        proportionality=_statement(
            terms.proportionality, field="proportionality", label="why it is proportionate"
        ),
        relevance=_statement(terms.relevance, field="relevance", label="why it is relevant"),
        onward_terms=terms.onward_terms,
        expires_on=terms.expires_on,
        source_share_id=min(source_shares) if source_shares else None,
        decided_by=by,
        decided_at=now,
    )
    share.save(override=True)
    if terms.onward_terms == OnwardTerms.NAMED_AGENCIES:
        share.onward_agencies.set([a for a in terms.onward_agencies if a.pk not in (sharer.pk, recipient_id)])
    for selection, special, _ in prepared:
        ShareItem(
            share=share,
            item=selection.item,
            fields=[name for name in shareable_fields(selection.item.kind) if name in selection.fields],
            special_categories=special,
            strictly_necessary=selection.strictly_necessary.strip() if special else "",
        ).save(override=True)
    # One disclosure event per owning agency, so each owner's auditors see their items leave.
    # Into a meeting the recipient named is the meeting's reference: who then reads the items
    # is recorded item by item, as each attendee's consultation (access.item_basis).
    by_owner: dict[int, list[int]] = {}
    for selection, _, _ in prepared:
        by_owner.setdefault(selection.item.owner_agency_id, []).append(selection.item.pk)
    for owner_id, item_ids in sorted(by_owner.items()):
        record_event(
            action=Action.DISCLOSURE,
            actor=by,
            summary="Information shared into a MAPPA meeting"
            if share.meeting_id is not None
            else "Information shared with another agency",
            object_type="share",
            object_id=share.pk,
            object_agency_id=owner_id,
            nominal_id=share.nominal_id,
            justification=f"{share.get_gateway_display()}; purpose: {share.get_purpose_display()}",
            recipients=[share.recipient_code],
            detail={"items": item_ids, "onward": owner_id != sharer.pk},
        )
    for request in (access_request, onward_request):
        if request is not None:
            request.status = RequestStatus.GRANTED
            request.share = share
            request.decided_by = by
            request.decided_at = now
            request.save(override=True)
            _request_event(request, by, "granted")
    return share


@transaction.atomic
def share_revoke(*, share: Share, reason: str, by: "User") -> Share:
    """Withdraw a share at once: from this moment the recipient sees none of its items."""
    agency = _acting_agency(by, Permission.SHARE_CREATE)
    stored = Share.objects.select_for_update().get(pk=share.pk)
    owners = set(stored.share_items.values_list("item__owner_agency_id", flat=True))
    # The sharer revokes; so may the owner of items passed on by someone else.
    if agency.pk != stored.sharing_agency_id and agency.pk not in owners:
        raise PermissionDenied("Only the agency that made this share, or owns its items, can revoke it")
    if stored.revoked_at is not None:
        raise ApplicationError("This share has already been revoked")
    stored.revocation_reason = _text(
        reason, field="reason", label="why you are revoking it", required=True, max_length=2000
    )
    stored.revoked_at = timezone.now()
    stored.revoked_by = by
    stored.save(override=True)
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary="Share revoked",
        object_type="share",
        object_id=stored.pk,
        object_agency_id=stored.sharing_agency_id,
        nominal_id=stored.nominal_id,
        changed_fields=["revoked_at"],
        justification=stored.revocation_reason,
        recipients=[stored.recipient_code],
    )
    return stored


# --- requests ---------------------------------------------------------------------------------


def _request_event(request: AccessRequest | OnwardShareRequest, by: "User", what: str, **kwargs: Any) -> None:
    kind = "access_request" if isinstance(request, AccessRequest) else "onward_share_request"
    nominal_id = request.nominal_id if isinstance(request, AccessRequest) else request.source_share.nominal_id
    record_event(
        action=Action.ALTERATION if what != "made" else Action.COLLECTION,
        actor=by,
        summary=f"{'Access' if kind == 'access_request' else 'Onward sharing'} request {what}",
        object_type=kind,
        object_id=request.pk,
        object_agency_id=request.owner_agency_id,
        nominal_id=nominal_id,
        **kwargs,
    )


@transaction.atomic
def access_request_create(
    *, nominal: Nominal, owner_agency: Agency, reason: str, purpose: str = AgreementPurpose.MAPPA, by: "User"
) -> AccessRequest:
    """Ask an agency holding items on a case, which the user cannot read, to share them."""
    agency = _acting_agency(by, Permission.SHARE_REQUEST)
    if not nominal_list(fetched_by=by).filter(pk=nominal.pk).exists():
        raise PermissionDenied("You cannot see this nominal")
    if owner_agency.pk == agency.pk:
        raise ApplicationError("Your own agency already holds this information")
    readable = item_list(fetched_by=by).values("pk")
    unread = InformationItem.objects.filter(
        nominal=nominal, owner_agency=owner_agency, status=ItemStatus.ACTIVE
    )
    if not unread.exclude(pk__in=readable).exists():
        raise ApplicationError(f"{owner_agency.name} holds nothing on this case that you cannot already see")
    request = AccessRequest(
        nominal=nominal,
        owner_agency=owner_agency,
        requesting_agency=agency,
        requested_by=by,
        purpose=_choice(purpose, AgreementPurpose, field="purpose", message="Choose the purpose"),
        reason=_statement(reason, field="reason", label="why your agency needs this information"),
    )
    try:
        with transaction.atomic():
            request.save(override=True)
    except IntegrityError:
        raise ApplicationError(
            f"Your agency already has a request waiting for {owner_agency.name} on this case"
        ) from None
    _request_event(request, by, "made", recipients=[owner_agency.code])
    return request


def _decide(request: _R, by: "User") -> _R:
    agency = _acting_agency(by, Permission.SHARE_CREATE)
    locked = type(request).objects.select_for_update().get(pk=request.pk)
    if locked.owner_agency_id != agency.pk:
        raise PermissionDenied("Only the agency that owns the information can decide this request")
    if locked.status != RequestStatus.PENDING:
        raise ApplicationError("This request has already been decided")
    return locked


@transaction.atomic
def access_request_decline(*, request: AccessRequest, reason: str, by: "User") -> AccessRequest:
    """The owner declines to share, and says why: refusals are recorded like grants."""
    locked = _decide(request, by)
    locked.decision_reason = _statement(reason, field="reason", label="why you are declining")
    locked.status = RequestStatus.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(override=True)
    _request_event(locked, by, "declined", justification=locked.decision_reason, changed_fields=["status"])
    return locked


@transaction.atomic
def access_request_withdraw(*, request: AccessRequest, by: "User") -> AccessRequest:
    agency = _acting_agency(by, Permission.SHARE_REQUEST)
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.requesting_agency_id != agency.pk:
        raise PermissionDenied("Only the agency that asked can withdraw this request")
    if locked.status != RequestStatus.PENDING:
        raise ApplicationError("This request has already been decided")
    locked.status = RequestStatus.WITHDRAWN
    locked.save(override=True)
    _request_event(locked, by, "withdrawn", changed_fields=["status"])
    return locked


@transaction.atomic
def onward_request_create(
    *, source_share: Share, items: Sequence[InformationItem], target_agency: Agency, reason: str, by: "User"
) -> OnwardShareRequest:
    """A recipient asks the owner's permission to pass items on beyond the share's terms."""
    agency = _acting_agency(by, Permission.SHARE_REQUEST)
    # A share into a meeting has no recipient agency, so it never passes this: its attendees
    # read for the meeting alone and have nothing to ask to pass on.
    if source_share.recipient_agency_id != agency.pk or not source_share.is_active:
        raise PermissionDenied("You can ask to pass on only what an active share gave your agency")
    if not items:
        raise ApplicationError("Choose the items you want to pass on", field="items")
    in_share = set(source_share.share_items.values_list("item_id", flat=True))
    if any(item.pk not in in_share for item in items):
        raise ApplicationError("Choose items from this share", field="items")
    owners = {item.owner_agency_id for item in items}
    if len(owners) != 1:
        raise ApplicationError(
            "Ask one owner at a time: choose items owned by the same agency", field="items"
        )
    owner_id = owners.pop()
    if target_agency.pk in (agency.pk, owner_id):
        raise ApplicationError(
            "Choose an agency that does not already hold this information", field="target_agency"
        )
    links = list(held_share_links(item_ids=[i.pk for i in items], fetched_by=by))
    if all(
        any(link.item_id == item.pk and onward_allowed(link, target_agency) for link in links)
        for item in items
    ):
        raise ApplicationError(
            f"The share already lets you pass these items to {target_agency.name}: share them directly",
            field="target_agency",
        )
    request = OnwardShareRequest(
        source_share=source_share,
        requesting_agency=agency,
        owner_agency_id=owner_id,
        target_agency=target_agency,
        requested_by=by,
        reason=_statement(reason, field="reason", label="why the other agency needs it"),
    )
    request.save(override=True)
    request.items.set(items)
    _request_event(
        request, by, "made", recipients=[target_agency.code], detail={"items": [i.pk for i in items]}
    )
    return request


@transaction.atomic
def onward_request_refuse(*, request: OnwardShareRequest, reason: str, by: "User") -> OnwardShareRequest:
    locked = _decide(request, by)
    locked.decision_reason = _statement(reason, field="reason", label="why you are refusing")
    locked.status = RequestStatus.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(override=True)
    _request_event(locked, by, "refused", justification=locked.decision_reason, changed_fields=["status"])
    return locked


@transaction.atomic
def item_consulted(*, item: InformationItem, basis: str, by: "User") -> None:
    """Record that the user opened an item, and on what basis (DPA 2018 s.62(2))."""
    _item_event(item, by, Action.CONSULTATION, "Information item consulted", justification=basis)
