"""Every write to the people index: one transaction, permission checked, audited.

Services compute the normalised columns and search keys (`normalise`, `nicknames`) so that
both databases search the same values, whatever wrote the row.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mappa.agencies.models import Agency
from mappa.audit.models import Action
from mappa.audit.services import record_event
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.types import AnyUser
from mappa.people import identifiers as ids
from mappa.people import normalise
from mappa.people.dates import PartialDate, check_partial_date
from mappa.people.models import (
    Gender,
    LinkKind,
    NameKind,
    Person,
    PersonAddress,
    PersonDateOfBirth,
    PersonIdentifier,
    PersonLink,
    PersonName,
)
from mappa.people.nicknames import nickname_key

if TYPE_CHECKING:
    from mappa.accounts.models import User
    from mappa.people.search import Candidate

IMPORT_ACTOR = "system:import"


@dataclass(frozen=True)
class NameData:
    surname: str
    forenames: str = ""
    kind: str = NameKind.CURRENT


@dataclass(frozen=True)
class AddressData:
    postcode: str = ""
    line1: str = ""
    line2: str = ""
    town: str = ""
    from_date: date | None = None
    to_date: date | None = None


@dataclass
class PersonData:
    """A person record as validated, ready to write."""

    source_ref: str
    names: list[NameData]
    dates_of_birth: list[PartialDate] = field(default_factory=list)
    gender: str = Gender.UNKNOWN
    addresses: list[AddressData] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)


# Building rows (shared with the importer and the benchmark's bulk loader)


def name_row(person: Person, data: NameData) -> PersonName:
    forenames_norm = normalise.name(data.forenames)
    surname_norm = normalise.name(data.surname)
    parts = surname_norm.split(" ")
    first_forename = normalise.first_forename(forenames_norm)
    return PersonName(
        person=person,
        kind=data.kind,
        forenames=data.forenames.strip(),
        surname=data.surname.strip(),
        forenames_norm=forenames_norm,
        surname_norm=surname_norm,
        full_name_norm=normalise.full_name(forenames_norm, surname_norm),
        surname_key=normalise.phonetic(parts[0]),
        surname_key2=normalise.phonetic(parts[-1]),
        forename_key=normalise.phonetic(first_forename),
        forename_group=nickname_key(first_forename)[:40],
        forename_initial=forenames_norm[:1],
    )


def dob_row(person: Person, value: PartialDate) -> PersonDateOfBirth:
    return PersonDateOfBirth(person=person, year=value.year, month=value.month, day=value.day)


def address_row(person: Person, data: AddressData) -> PersonAddress:
    postcode_norm = normalise.postcode(data.postcode)
    return PersonAddress(
        person=person,
        line1=data.line1.strip(),
        line2=data.line2.strip(),
        town=data.town.strip(),
        postcode=normalise.postcode_display(postcode_norm),
        postcode_norm=postcode_norm,
        from_date=data.from_date,
        to_date=data.to_date,
    )


# Validation


def clean_person_data(
    *,
    source_ref: str,
    names: Sequence[NameData],
    dates_of_birth: Sequence[PartialDate],
    gender: str,
    addresses: Sequence[AddressData],
    identifiers: Sequence[tuple[str, str]],
) -> PersonData:
    """Check every field; raise ApplicationError naming the first problem."""
    source_ref = source_ref.strip()
    if not source_ref:
        raise ApplicationError("Enter your agency's reference for this person", field="source_ref")
    if len(source_ref) > 64:
        raise ApplicationError("Reference must be 64 characters or fewer", field="source_ref")
    if not names:
        raise ApplicationError("Enter the person's name", field="surname")
    clean_names = []
    for name in names:
        if not normalise.name(name.surname):
            raise ApplicationError("Enter a surname with at least one letter", field="surname")
        if name.kind not in NameKind.values:
            raise ApplicationError(f"Unknown kind of name: {name.kind}", field="surname")
        if len(name.surname) > 150 or len(name.forenames) > 150:
            raise ApplicationError("Names must be 150 characters or fewer", field="surname")
        clean_names.append(name)
    clean_dobs = []
    for dob in dates_of_birth:
        try:
            clean_dobs.append(check_partial_date(dob.year, dob.month, dob.day))
        except ValidationError as error:
            raise ApplicationError(error.messages[0], field="date_of_birth") from None
    if gender not in Gender.values:
        raise ApplicationError("Choose a gender from the list", field="gender")
    clean_addresses = []
    for address in addresses:
        postcode_norm = normalise.postcode(address.postcode)
        if postcode_norm and not normalise.is_valid_postcode(postcode_norm):
            raise ApplicationError(f"Enter a real postcode, not {address.postcode!r}", field="postcode")
        if address.from_date and address.to_date and address.to_date < address.from_date:
            raise ApplicationError("An address cannot end before it starts", field="postcode")
        clean_addresses.append(address)
    clean_ids: list[tuple[str, str]] = []
    for kind, value in identifiers:
        try:
            canonical = ids.canonical(kind, value)
        except ValidationError as error:
            raise ApplicationError(error.messages[0], field=str(kind)) from None
        if (kind, canonical) not in clean_ids:
            clean_ids.append((kind, canonical))
    return PersonData(source_ref, clean_names, clean_dobs, gender, clean_addresses, clean_ids)


def _require(user: AnyUser, permission: Permission, message: str, **context: Any) -> None:
    if not has_permission(user, permission, **context):
        raise PermissionDenied(message)


def _write_details(person: Person, data: PersonData) -> None:
    PersonName.objects.bulk_create([name_row(person, name) for name in data.names])
    PersonDateOfBirth.objects.bulk_create([dob_row(person, dob) for dob in data.dates_of_birth])
    PersonAddress.objects.bulk_create([address_row(person, address) for address in data.addresses])
    PersonIdentifier.objects.bulk_create(
        [PersonIdentifier(person=person, kind=kind, value=value) for kind, value in data.identifiers]
    )


def _insert(*, source_agency: Agency, data: PersonData) -> Person:
    if Person.objects.filter(source_agency=source_agency, source_ref=data.source_ref).exists():
        raise ApplicationError(
            f"{source_agency.code} already holds a person with reference {data.source_ref}",
            field="source_ref",
        )
    person = Person(source_agency=source_agency, source_ref=data.source_ref, gender=data.gender)
    person.save(override=True)
    _write_details(person, data)
    return person


@transaction.atomic
def person_create(
    *,
    source_agency: Agency,
    source_ref: str,
    names: Sequence[NameData],
    dates_of_birth: Sequence[PartialDate] = (),
    gender: str = Gender.UNKNOWN,
    addresses: Sequence[AddressData] = (),
    identifiers: Sequence[tuple[str, str]] = (),
    by: "User",
) -> Person:
    """Record a person for the user's own acting agency."""
    _require(
        by, Permission.PERSON_CREATE, "You can only record people for your own agency", agency=source_agency
    )
    data = clean_person_data(
        source_ref=source_ref,
        names=names,
        dates_of_birth=dates_of_birth,
        gender=gender,
        addresses=addresses,
        identifiers=identifiers,
    )
    person = _insert(source_agency=source_agency, data=data)
    record_event(
        action=Action.COLLECTION,
        actor=by,
        summary=f"Person record added: {source_agency.code} {person.pk}",
        object_type="person",
        object_id=person.pk,
        object_agency_id=source_agency.pk,
    )
    return person


@transaction.atomic
def persons_import(
    *, agency: Agency, records: Iterable[PersonData], progress: Callable[[int], None] | None = None
) -> list[Person]:
    """Load already validated records for `agency`, all or nothing; an operator task (no user).

    Each record is audited as a collection by the operator actor "system:import".
    """
    created = []
    for data in records:
        person = _insert(source_agency=agency, data=data)
        record_event(
            action=Action.COLLECTION,
            actor_username=IMPORT_ACTOR,
            summary=f"Person record imported: {agency.code} {person.pk}",
            object_type="person",
            object_id=person.pk,
            object_agency_id=agency.pk,
            detail={"import": True},
        )
        created.append(person)
        if progress is not None:
            progress(len(created))
    return created


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "gender": person.gender,
        "names": sorted((n.kind, n.forenames, n.surname) for n in person.names.all()),
        "dates_of_birth": sorted((d.year, d.month or 0, d.day or 0) for d in person.dates_of_birth.all()),
        "addresses": sorted(
            (a.line1, a.line2, a.town, a.postcode_norm, str(a.from_date), str(a.to_date))
            for a in person.addresses.all()
        ),
        "identifiers": sorted((i.kind, i.value) for i in person.identifiers.all()),
    }


@transaction.atomic
def person_update(
    *,
    person: Person,
    by: "User",
    names: Sequence[NameData] | None = None,
    dates_of_birth: Sequence[PartialDate] | None = None,
    gender: str | None = None,
    addresses: Sequence[AddressData] | None = None,
    identifiers: Sequence[tuple[str, str]] | None = None,
) -> Person:
    """Replace the given parts of a record; only its own agency may change it."""
    _require(
        by,
        Permission.PERSON_CREATE,
        "Only the agency that recorded this person can change the record",
        agency=person.source_agency,
    )
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = _snapshot(person)
    data = clean_person_data(
        source_ref=person.source_ref,
        names=names
        if names is not None
        else [NameData(n.surname, n.forenames, n.kind) for n in person.names.all()],
        dates_of_birth=dates_of_birth
        if dates_of_birth is not None
        else [PartialDate(d.year, d.month, d.day) for d in person.dates_of_birth.all()],
        gender=gender if gender is not None else person.gender,
        addresses=addresses if addresses is not None else [],
        identifiers=identifiers if identifiers is not None else [],
    )
    changed = []
    if data.gender != person.gender:
        changed.append("gender")
    probe = Person(pk=person.pk)
    for part, given in (
        ("names", names),
        ("dates_of_birth", dates_of_birth),
        ("addresses", addresses),
        ("identifiers", identifiers),
    ):
        if given is None:
            continue
        new = _snapshot_part(part, data, probe)
        if new != before[part]:
            changed.append(part)
    if not changed:
        return person
    person.gender = data.gender
    person.save(override=True, update_fields=["gender", "updated_at"])
    for part in changed:
        if part == "gender":
            continue
        getattr(person, part).all().delete()
        if part == "names":
            PersonName.objects.bulk_create([name_row(person, n) for n in data.names])
        elif part == "dates_of_birth":
            PersonDateOfBirth.objects.bulk_create([dob_row(person, d) for d in data.dates_of_birth])
        elif part == "addresses":
            PersonAddress.objects.bulk_create([address_row(person, a) for a in data.addresses])
        else:
            PersonIdentifier.objects.bulk_create(
                [PersonIdentifier(person=person, kind=k, value=v) for k, v in data.identifiers]
            )
    record_event(
        action=Action.ALTERATION,
        actor=by,
        summary=f"Person record changed: {person.source_agency.code} {person.pk}",
        object_type="person",
        object_id=person.pk,
        object_agency_id=person.source_agency_id,
        changed_fields=changed,
    )
    return person


def _snapshot_part(part: str, data: PersonData, probe: Person) -> list[Any]:
    if part == "names":
        return sorted((n.kind, n.forenames.strip(), n.surname.strip()) for n in data.names)
    if part == "dates_of_birth":
        return sorted((d.year, d.month or 0, d.day or 0) for d in data.dates_of_birth)
    if part == "addresses":
        rows = [address_row(probe, a) for a in data.addresses]
        return sorted(
            (a.line1, a.line2, a.town, a.postcode_norm, str(a.from_date), str(a.to_date)) for a in rows
        )
    return sorted(data.identifiers)


def person_consulted(*, person: Person, by: AnyUser) -> None:
    """Record that `by` opened a person record, with why they may (see selectors)."""
    from mappa.people.selectors import person_justification

    with transaction.atomic():
        record_event(
            action=Action.CONSULTATION,
            actor=by,
            summary=f"Person record viewed: {person.source_agency.code} {person.pk}",
            object_type="person",
            object_id=person.pk,
            object_agency_id=person.source_agency_id,
            justification=person_justification(by, person),
        )


@transaction.atomic
def person_link(*, a: Person, b: Person, kind: str, reason: str, by: "User") -> PersonLink:
    """Record a human decision that two records are, or are not, the same person."""
    from mappa.people.selectors import person_list

    _require(by, Permission.PERSON_LINK, "You cannot link person records")
    if kind not in LinkKind.values:
        raise ApplicationError("Choose whether these are the same person", field="kind")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Enter the reason for your decision", field="reason")
    if a.pk == b.pk:
        raise ApplicationError("A record cannot be linked to itself", field="other")
    visible = person_list(fetched_by=by).filter(pk__in=[a.pk, b.pk]).count()
    if visible != 2:
        # The same words whether the record is missing or not visible: existence never leaks.
        raise ApplicationError("You can only link records you can see", field="other")
    first, second = (a, b) if a.pk < b.pk else (b, a)
    standing = PersonLink.objects.select_for_update().filter(
        Q(person_a=first, person_b=second), revoked_at__isnull=True
    )
    if standing.exists():
        raise ApplicationError(
            "A decision about these two records already stands: revoke it first", field="other"
        )
    link = PersonLink(
        person_a=first, person_b=second, kind=kind, reason=reason, decided_by=by, decided_at=timezone.now()
    )
    link.save(override=True)
    record_event(
        action=Action.COMBINATION,
        actor=by,
        summary=f"Person records linked ({LinkKind(kind).label.lower()}): {first.pk} and {second.pk}",
        object_type="person_link",
        object_id=link.pk,
        object_agency_id=first.source_agency_id,
        detail={"kind": kind, "person_a": first.pk, "person_b": second.pk},
    )
    return link


@transaction.atomic
def person_link_revoke(*, link: PersonLink, reason: str, by: "User") -> PersonLink:
    """Withdraw a link decision; it is kept, marked revoked, as history."""
    from mappa.people.selectors import person_list

    _require(by, Permission.PERSON_LINK, "You cannot change links between person records")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Enter the reason for revoking this decision", field="reason")
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ApplicationError("This decision has already been revoked")
    if person_list(fetched_by=by).filter(pk__in=[link.person_a_id, link.person_b_id]).count() != 2:
        raise ApplicationError("You can only change links between records you can see")
    link.revoked_at, link.revoked_by, link.revoke_reason = timezone.now(), by, reason
    link.save(override=True, update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    record_event(
        action=Action.COMBINATION,
        actor=by,
        summary=f"Person link revoked: {link.person_a_id} and {link.person_b_id}",
        object_type="person_link",
        object_id=link.pk,
        object_agency_id=link.person_a.source_agency_id,
        changed_fields=["revoked_at", "revoked_by", "revoke_reason"],
        detail={"kind": link.kind, "person_a": link.person_a_id, "person_b": link.person_b_id},
    )
    return link


# Searching is consulting: each search is recorded (DPA 2018 s.62), with the fields searched on
# but never the values typed (DEVELOPERS.md, "Audit"), and the records it returned.
SEARCH_FIELD_LABELS = {"name": "name", "dob": "date of birth", "postcode": "postcode", "pnc": "PNC number"}
SEARCH_JUSTIFICATION = "Person search"


@transaction.atomic
def persons_search(
    *,
    by: AnyUser,
    name: str | None = None,
    dob: str | PartialDate | None = None,
    postcode: str | None = None,
    pnc: str | None = None,
    limit: int = 10,
    via: str = "page",
) -> "list[Candidate]":
    """Search the people index as `by` and record the search as one consultation.

    The search and its event share one transaction: no results without the record of them. A
    malformed or empty query raises ValidationError before anything is searched or recorded.
    """
    from mappa.people.search import person_search

    candidates = person_search(fetched_by=by, name=name, dob=dob, postcode=postcode, pnc=pnc, limit=limit)
    given = {"name": name, "dob": dob, "postcode": postcode, "pnc": pnc}
    fields = [field for field, value in given.items() if value and str(value).strip()]
    labels = [SEARCH_FIELD_LABELS[field] for field in fields]
    searched_on = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    shown = [candidate.id for candidate in candidates]
    linked = sorted({r.id for candidate in candidates for r in candidate.records} - set(shown))
    record_event(
        action=Action.CONSULTATION,
        actor=by,
        summary=f"Person search by {searched_on}",
        object_type="person_search",
        justification=SEARCH_JUSTIFICATION,
        detail={
            "fields": fields,
            "candidates": len(candidates),
            "person_ids": shown,
            "linked_record_ids": linked,
            "via": via,
        },
    )
    return candidates
