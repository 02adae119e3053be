"""Person records for tests, written with the services' row builders (so search keys are set)."""

from collections.abc import Sequence
from itertools import count
from typing import Any

from mappa.agencies.models import Agency
from mappa.people.dates import PartialDate
from mappa.people.models import LinkKind, NameKind, Person, PersonIdentifier, PersonLink
from mappa.people.services import AddressData, NameData, address_row, dob_row, name_row

_refs = count(1)


def make_person(
    agency: Agency,
    forenames: str = "John",
    surname: str = "Smith",
    dob: tuple[int, int | None, int | None] | None = (1980, 5, 17),
    postcode: str = "",
    aliases: Sequence[tuple[str, str]] = (),
    identifiers: Sequence[tuple[str, str]] = (),
    source_ref: str | None = None,
    gender: str = "unknown",
) -> Person:
    person = Person(source_agency=agency, source_ref=source_ref or f"REF-{next(_refs)}", gender=gender)
    person.save(override=True)
    name_row(person, NameData(surname, forenames)).save()
    for alias_forenames, alias_surname in aliases:
        name_row(person, NameData(alias_surname, alias_forenames, NameKind.ALIAS)).save()
    if dob is not None:
        dob_row(person, PartialDate(*dob)).save()
    if postcode:
        address_row(person, AddressData(postcode=postcode)).save()
    for kind, value in identifiers:
        PersonIdentifier.objects.create(person=person, kind=kind, value=value)
    return person


def make_link(a: Person, b: Person, by: Any, kind: str = LinkKind.SAME) -> PersonLink:
    from django.utils import timezone

    first, second = sorted((a, b), key=lambda p: p.pk)
    link = PersonLink(
        person_a=first, person_b=second, kind=kind, reason="test", decided_by=by, decided_at=timezone.now()
    )
    link.save(override=True)
    return link
