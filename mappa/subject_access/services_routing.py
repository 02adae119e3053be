"""Finding the data subject's records across the whole system and routing the request to every
agency that owns something about them (issue 8).

The search is the one place a SAR officer looks beyond what their agency may see: the right of
access is owed by every controller that holds the data (DPA 2018 s.45; UK GDPR Art 15), and MAPPA
owns nothing, so the receiving agency must find what every agency holds in order to pass the
request on. It is recorded with that purpose, and it returns references only: the person
record's reference, name and date of birth (to compare with the request) and, per owning
agency, how many records it holds. Content goes only into the owning agency's part.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mappa.agencies.models import Agency, AgencyKind
from mappa.audit.models import Action, AuditEvent
from mappa.audit.services import record_event
from mappa.core.exceptions import ApplicationError
from mappa.people.models import LinkKind, Person, PersonLink
from mappa.people.search import person_search_all
from mappa.subject_access import providers
from mappa.subject_access.models import (
    ChairConsultation,
    PartItem,
    Regime,
    RequestPart,
    RequestStatus,
    SubjectAccessRequest,
    SubjectRecord,
)
from mappa.subject_access.services_requests import event, locked, require_manager, save

if TYPE_CHECKING:
    from mappa.accounts.models import User

# Competent authorities processing for law enforcement purposes (DPA 2018 Sch. 7): their part is
# answered under Part 3 by default; every other agency answers under the UK GDPR.
LAW_ENFORCEMENT_KINDS = frozenset(
    {AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON, AgencyKind.YOUTH_JUSTICE}
)


def default_regime(agency: Agency) -> str:
    return Regime.LAW_ENFORCEMENT if agency.kind in LAW_ENFORCEMENT_KINDS else Regime.UK_GDPR


def search_justification(request: SubjectAccessRequest) -> str:
    return (
        f"Subject access request {request.reference}: finding the data subject's records "
        "(DPA 2018 s.45 / UK GDPR Art 15)"
    )


@dataclass(frozen=True)
class AgencyCount:
    agency: str
    count: int


@dataclass
class SearchResult:
    """One candidate: references and counts only, never content."""

    person_id: int
    source_ref: str
    name: str
    date_of_birth: str
    score: float
    reasons: list[str]
    record_refs: list[str] = field(default_factory=list)  # the linked records' references
    person_ids: list[int] = field(default_factory=list)
    holdings: list[AgencyCount] = field(default_factory=list)


def same_person_ids(person_ids: Iterable[int]) -> set[int]:
    """The records and every record joined to them by a standing "same person" link (as
    disclosure_schemes.services_outcome._same_person_ids, for several records at once)."""
    ids = set(person_ids)
    frontier = set(ids)
    while frontier:
        links = PersonLink.objects.filter(kind=LinkKind.SAME, revoked_at__isnull=True).filter(
            person_a_id__in=frontier
        ) | PersonLink.objects.filter(kind=LinkKind.SAME, revoked_at__isnull=True, person_b_id__in=frontier)
        found = {pk for link in links for pk in (link.person_a_id, link.person_b_id)} - ids
        ids |= found
        frontier = found
    return ids


def _holdings(found: list[providers.Found]) -> list[AgencyCount]:
    counts = Counter(item.owner_agency_id for item in found)
    names = dict(Agency.objects.filter(pk__in=counts).values_list("pk", "name"))
    return sorted((AgencyCount(names[pk], n) for pk, n in counts.items()), key=lambda c: c.agency)


@transaction.atomic
def subject_search(
    *,
    request: SubjectAccessRequest,
    by: "User",
    name: str | None = None,
    dob: str | None = None,
    postcode: str | None = None,
) -> list[SearchResult]:
    """Search every person record for the data subject (the request's details unless others are
    typed), recorded as one consultation with the request's data-protection purpose."""
    require_manager(by, request)
    if request.status != RequestStatus.FINDING:
        raise ApplicationError("The subject's records can be searched for only once identity is verified")
    if dob is None and request.subject_date_of_birth is not None:
        dob = request.subject_date_of_birth.isoformat()
    try:
        candidates = person_search_all(
            fetched_by=by,
            name=name if name is not None else request.subject_name,
            dob=dob,
            postcode=postcode if postcode is not None else request.subject_postcode,
        )
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="name") from error
    results = []
    for candidate in candidates:
        ids = [record.id for record in candidate.records] or [candidate.id]
        found = providers.collect(ids, request.scope_from, request.scope_to)
        results.append(
            SearchResult(
                person_id=candidate.id,
                source_ref=candidate.source_ref,
                name=candidate.name,
                date_of_birth=candidate.date_of_birth,
                score=candidate.score,
                reasons=candidate.reasons,
                record_refs=[record.source_ref for record in candidate.records],
                person_ids=ids,
                holdings=_holdings(found),
            )
        )
    record_event(
        action=Action.CONSULTATION,
        actor=by,
        summary=f"Person search for a subject access request: {request.reference}",
        object_type="subject_access_request",
        object_id=request.pk,
        object_agency_id=request.receiving_agency_id,
        justification=search_justification(request),
        detail={"via": "subject_access", "candidates": [r.person_id for r in results]},
    )
    return results


@transaction.atomic
def subject_records_confirm(
    *, request: SubjectAccessRequest, version: int, person_ids: Iterable[int], note: str, by: "User"
) -> list[SubjectRecord]:
    """The officer confirms which person records are the subject's; records linked to them as the
    same person are confirmed with them, so nothing held under another record is missed."""
    require_manager(by, request)
    stored = locked(request, version, statuses=(RequestStatus.FINDING,))
    chosen = set(person_ids)
    if not chosen:
        raise ApplicationError("Select at least one record that is the data subject's", field="person_ids")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("Enter why you are satisfied the records are the subject's", field="note")
    wanted = same_person_ids(Person.objects.filter(pk__in=chosen).values_list("pk", flat=True))
    if not wanted:
        raise ApplicationError("Select at least one record that is the data subject's", field="person_ids")
    existing = set(stored.subject_records.values_list("person_id", flat=True))
    now = timezone.now()
    made = []
    for pk in sorted(wanted - existing):
        record = SubjectRecord(
            request=stored,
            person_id=pk,
            confirmed_by=by,
            confirmed_at=now,
            note=note if pk in chosen else f"Linked as the same person. {note}",
        )
        record.save(override=True)
        made.append(record)
    save(stored, [])
    event(
        stored,
        by,
        "Subject access request: subject's records confirmed",
        ["subject_records"],
        persons=sorted(r.person_id for r in made),
    )
    return made


@dataclass(frozen=True)
class PlannedPart:
    agency: Agency
    regime: str
    count: int


def routing_plan(request: SubjectAccessRequest) -> list[PlannedPart]:
    """Which agencies would get a part and how many records each: counts only, for the
    check-your-answers page."""
    found = providers.collect(_confirmed_ids(request), request.scope_from, request.scope_to)
    counts = Counter(item.owner_agency_id for item in found)
    agencies = Agency.objects.in_bulk(list(counts))
    return sorted(
        (PlannedPart(agencies[pk], default_regime(agencies[pk]), n) for pk, n in counts.items()),
        key=lambda p: p.agency.name,
    )


def _confirmed_ids(request: SubjectAccessRequest) -> set[int]:
    return same_person_ids(SubjectRecord.objects.filter(request=request).values_list("person_id", flat=True))


@transaction.atomic
def route(*, request: SubjectAccessRequest, version: int, by: "User") -> list[RequestPart]:
    """Split the request into one part per owning agency, with a copy of each record's text as it
    stands now, and a consultation task for the chair of every meeting whose minutes are in it.
    With nothing found anywhere in scope, the request routes with no parts and is closed
    "nothing held" (a subject with no record at all is closed "nothing held" without routing)."""
    require_manager(by, request)
    stored = locked(request, version, statuses=(RequestStatus.FINDING,))
    if not stored.subject_records.exists():
        raise ApplicationError("Confirm at least one of the subject's records before routing the request")
    found = providers.collect(_confirmed_ids(stored), stored.scope_from, stored.scope_to)
    agencies = Agency.objects.in_bulk({item.owner_agency_id for item in found})
    parts: dict[int, RequestPart] = {}
    for agency_id in sorted(agencies, key=lambda pk: agencies[pk].name):
        part = RequestPart(
            request=stored, agency=agencies[agency_id], regime=default_regime(agencies[agency_id])
        )
        part.save(override=True)
        parts[agency_id] = part
    consultations = 0
    for item in found:
        row = PartItem(
            part=parts[item.owner_agency_id],
            kind=item.kind,
            object_id=item.object_id,
            label=item.label[:300],
            content=item.content,
        )
        row.save(override=True)
        if item.chair_id is not None:
            ChairConsultation(item=row, chair_id=item.chair_id).save(override=True)
            consultations += 1
    stored.status = RequestStatus.ROUTED
    stored.routed_at = timezone.now()
    stored.routed_by = by
    changed = ["status", "routed_at", "routed_by"]
    save(stored, changed)
    event(
        stored,
        by,
        "Subject access request routed to the owning agencies",
        changed,
        # Agencies and counts only: the audit log is read more widely than the parts.
        parts={str(pk): sum(1 for i in found if i.owner_agency_id == pk) for pk in parts},
        chair_consultations=consultations,
    )
    for part in parts.values():
        record_event(
            action=Action.ALTERATION,
            actor=by,
            summary=f"Subject access request part created: {stored.reference}",
            object_type="subject_access_part",
            object_id=part.pk,
            object_agency_id=part.agency_id,
            detail={"request": stored.pk, "regime": part.regime},
        )
    return list(parts.values())


def _searched(request: SubjectAccessRequest) -> bool:
    """Whether a whole-system search for the subject has been recorded for this request (the
    consultation event subject_search writes): the evidence that "nothing held" was looked for."""
    return AuditEvent.objects.filter(
        action=Action.CONSULTATION,
        object_type="subject_access_request",
        object_id=str(request.pk),
        detail__via="subject_access",
    ).exists()


def nothing_held_possible(request: SubjectAccessRequest) -> bool:
    """Whether the request may be closed "nothing held" now (for the request page's task list)."""
    if request.status == RequestStatus.ROUTED:
        return not request.parts.exists()
    if request.status == RequestStatus.FINDING:
        return not request.subject_records.exists() and _searched(request)
    return False


@transaction.atomic
def nothing_held(
    *, request: SubjectAccessRequest, version: int, note: str, by: "User"
) -> SubjectAccessRequest:
    """Close a request that found nothing anywhere: the requester is told nothing is held.

    Either it was routed and no agency held anything in scope, or the subject is not in the
    people index at all: the search was made (and recorded) and no record was the subject's, so
    there is nothing to confirm or route. The second closes straight from "finding", stamped as
    routed to no agency, as a routing that found nothing would be."""
    require_manager(by, request)
    stored = locked(request, version, statuses=(RequestStatus.FINDING, RequestStatus.ROUTED))
    if stored.status == RequestStatus.FINDING:
        if stored.subject_records.exists():
            raise ApplicationError(
                "Records were confirmed as the data subject's: send the request to the agencies "
                "that hold them"
            )
        if not _searched(stored):
            raise ApplicationError(
                "Search for the data subject's records before telling the requester nothing is held"
            )
    elif stored.parts.exists():
        raise ApplicationError(
            "Records were found: the request closes when every agency has answered its part"
        )
    note = (note or "").strip()
    if not note:
        raise ApplicationError("Enter when and how the requester was told nothing is held", field="note")
    not_in_index = stored.status == RequestStatus.FINDING
    now = timezone.now()
    changed = ["status", "closed_at"]
    if not_in_index:
        stored.routed_at = now
        stored.routed_by = by
        changed += ["routed_at", "routed_by"]
    stored.status = RequestStatus.CLOSED
    stored.closed_at = now
    save(stored, changed)
    event(
        stored,
        by,
        "Subject access request closed: nothing held",
        changed,
        note=note[:500],
        no_record_found=not_in_index,
    )
    return stored
