"""Person search: candidate generation per database, then one shared scorer.

1. Candidates. Cheap indexed "blocks" find every record that could plausibly match: the same
   identifier; the same, transposed or year-shifted date of birth; the same phonetic surname key
   with the same nickname group or phonetic forename key (either way round, for swapped
   names); the same surname key within a year of the date of birth; the same postcode. Then a
   fuzzy block for typing errors that defeat the keys: on PostgreSQL a pg_trgm similarity
   search over "surname forenames" (GIN index, migration 0003); on SQLite rapidfuzz over the
   names sharing a prefix or a year of birth, in Python.
2. Visibility. Candidates pass through `person_list(fetched_by=...)`: a match never shows a
   record the user could not otherwise open.
3. Scoring. `score_person` compares the query with every name, date of birth, postcode and
   identifier of a record and says why ("surname sounds like", "year of birth ±1"...). It is
   the same Python on both databases, so ranking logic is shared and, for the same candidate
   set, the same list comes back.
4. Grouping. Records joined by a standing "same person" decision are one candidate, with all
   their source records listed; "not the same person" decisions simply never join records.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from mappa.core.types import AnyUser
from mappa.people import identifiers as ids
from mappa.people import normalise
from mappa.people.dates import PartialDate, parse_partial_date
from mappa.people.models import IdentifierKind, NameKind, Person, PersonName
from mappa.people.nicknames import are_nicknames, equivalent_keys
from mappa.people.selectors import person_list, standing_same_links

BLOCK_LIMIT = 300
FUZZY_LIMIT = 50
# PostgreSQL trigram similarity threshold for the fuzzy block, and the matching rapidfuzz
# cut-off (0-100) on SQLite: a one- or two-letter typing error in a name stays above both.
TRIGRAM_THRESHOLD = 0.45
RAPIDFUZZ_CUTOFF = 70
MIN_SCORE = 0.5
# Below this best score from the keyed blocks, the fuzzy block runs too.
FUZZY_UNLESS = 0.85
WEIGHTS = {"name": 0.55, "dob": 0.35, "postcode": 0.10}
_ALIAS_KINDS = {NameKind.ALIAS, NameKind.NICKNAME, NameKind.MAIDEN}


@dataclass(frozen=True)
class Query:
    forenames: str = ""  # normalised
    surname: str = ""  # normalised
    dob: PartialDate | None = None
    postcode: str = ""  # normalised
    identifiers: tuple[tuple[str, str], ...] = ()

    @property
    def first_forename(self) -> str:
        return normalise.first_forename(self.forenames)

    @property
    def full(self) -> str:
        return normalise.full_name(self.forenames, self.surname)


@dataclass
class SourceRecord:
    id: int
    source_ref: str
    agency: str


@dataclass
class Candidate:
    id: int
    source_ref: str
    name: str
    date_of_birth: str
    score: float
    reasons: list[str]
    identifier_match: bool = False
    records: list[SourceRecord] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_ref": self.source_ref,
            "name": self.name,
            "date_of_birth": self.date_of_birth,
            "score": self.score,
            "reasons": self.reasons,
            "records": [record.__dict__ for record in self.records],
        }


def parse_name(text: str) -> tuple[str, str]:
    """ "Forenames Surname" or "Surname, Forenames" -> (forenames, surname), normalised.

    Without a comma the last word is the surname; a hyphenated surname is one word.
    """
    text = text.strip()
    if "," in text:
        surname, forenames = text.split(",", 1)
        return normalise.name(forenames), normalise.name(surname)
    words = text.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", normalise.name(words[0])
    return normalise.name(" ".join(words[:-1])), normalise.name(words[-1])


def build_query(
    *,
    name: str | None = None,
    dob: str | PartialDate | None = None,
    postcode: str | None = None,
    pnc: str | None = None,
    identifier: tuple[str, str] | None = None,
) -> Query:
    """A query from what was typed; ValidationError for a malformed date or identifier."""
    forenames, surname = parse_name(name or "")
    partial = parse_partial_date(dob) if isinstance(dob, str) and dob.strip() else None
    if isinstance(dob, PartialDate):
        partial = dob
    wanted: list[tuple[str, str]] = []
    if pnc and pnc.strip():
        wanted.append((IdentifierKind.PNC, ids.pnc(pnc)))
    if identifier is not None and identifier[1].strip():
        wanted.append((identifier[0], ids.canonical(identifier[0], identifier[1])))
    query = Query(forenames, surname, partial, normalise.postcode(postcode or ""), tuple(wanted))
    if not (query.surname or query.dob or query.postcode or query.identifiers):
        raise ValidationError("Enter a name, date of birth, postcode or identifier to search for")
    return query


# Candidate generation


def _keys(value: str) -> set[str]:
    return normalise.phonetic_parts(value)


def _name_blocks(query: Query) -> list[Q]:
    """Conditions on PersonName rows; each is selective enough to use alone."""
    blocks: list[Q] = []
    sur_keys = _keys(query.surname)
    first = query.first_forename
    if not sur_keys:
        return blocks
    surname_matches = Q(surname_key__in=sur_keys) | Q(surname_key2__in=sur_keys)
    if first:
        fore_key = normalise.phonetic(first)
        groups = equivalent_keys(first)
        blocks.append(surname_matches & (Q(forename_group__in=groups) | Q(forename_key=fore_key)))
        # Forename and surname swapped: the typed forename is the recorded surname.
        fore_keys = _keys(query.forenames)
        blocks.append(
            (Q(surname_key__in=fore_keys) | Q(surname_key2__in=fore_keys))
            & (Q(forename_key__in=sur_keys) | Q(forename_group__in=equivalent_keys(query.surname)))
        )
    else:
        blocks.append(surname_matches)
    if query.dob is not None:
        # The same surname within a year of birth, whatever the forename. A full date of birth
        # is already covered by the date block, so this looks only where one side is partial.
        years = [query.dob.year - 1, query.dob.year, query.dob.year + 1]
        near = Q(person__dates_of_birth__year__in=years)
        if query.dob.day is not None:
            near &= Q(person__dates_of_birth__day__isnull=True)
        blocks.append(surname_matches & near)
    return blocks


def _dob_block(dob: PartialDate) -> Q | None:
    if dob.month is None or dob.day is None:
        return None
    y, m, d = dob.year, dob.month, dob.day
    block = Q(year=y, month=m, day=d) | Q(month=m, day=d, year__in=[y - 1, y + 1])
    if d <= 12 and d != m:
        block |= Q(year=y, month=d, day=m)
    return block


def _ids(queryset: QuerySet[Any], column: str = "person_id", limit: int = BLOCK_LIMIT) -> list[int]:
    return list(queryset.values_list(column, flat=True)[:limit])


def _fuzzy_postgresql(query: Query) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_limit(%s)", [TRIGRAM_THRESHOLD])
        cursor.execute(
            "SELECT person_id FROM people_personname WHERE full_name_norm %% %s "
            "ORDER BY similarity(full_name_norm, %s) DESC LIMIT %s",
            [query.full, query.full, FUZZY_LIMIT],
        )
        return [row[0] for row in cursor.fetchall()]


def _fuzzy_python(query: Query) -> list[int]:
    """rapidfuzz over names sharing a two-letter prefix with the query, or a year of birth."""
    prefixes = {part[:2] for part in (query.surname, query.first_forename) if part}
    block = Q()
    for prefix in prefixes:
        block |= Q(surname_norm__startswith=prefix) | Q(forenames_norm__startswith=prefix)
    if query.dob is not None:
        years = [query.dob.year - 1, query.dob.year, query.dob.year + 1]
        block |= Q(person__dates_of_birth__year__in=years)
    rows = list(PersonName.objects.filter(block).values_list("person_id", "full_name_norm"))
    choices = [full for _, full in rows]
    found = process.extract(
        query.full, choices, scorer=fuzz.token_sort_ratio, score_cutoff=RAPIDFUZZ_CUTOFF, limit=FUZZY_LIMIT
    )
    return [rows[index][0] for _, _, index in found]


def candidate_ids(query: Query) -> set[int]:
    found: set[int] = set()
    for kind, value in query.identifiers:
        found.update(_ids(Person.objects.filter(identifiers__kind=kind, identifiers__value=value), "pk"))
    if query.dob is not None:
        block = _dob_block(query.dob)
        if block is not None:
            from mappa.people.models import PersonDateOfBirth

            found.update(_ids(PersonDateOfBirth.objects.filter(block)))
    for block in _name_blocks(query):
        found.update(_ids(PersonName.objects.filter(block)))
    if query.postcode:
        from mappa.people.models import PersonAddress

        found.update(_ids(PersonAddress.objects.filter(postcode_norm=query.postcode)))
    return found


def fuzzy_candidate_ids(query: Query) -> set[int]:
    """Names within a few typing errors of the query: pg_trgm, or rapidfuzz on SQLite."""
    if not query.surname:
        return set()
    return set(_fuzzy_postgresql(query) if connection.vendor == "postgresql" else _fuzzy_python(query))


# Scoring


def _ratio(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b)) / 100


def surname_similarity(typed: str, recorded: str) -> tuple[float, str]:
    if not typed or not recorded:
        return 0.0, ""
    if typed == recorded:
        return 1.0, "surname matches"
    typed_parts, recorded_parts = set(typed.split()), set(recorded.split())
    if typed_parts & recorded_parts:
        return 0.9, "surname matches part of a double-barrelled surname"
    if typed.replace(" ", "") == recorded.replace(" ", ""):
        return 0.95, "surname matches"
    ratio = _ratio(typed, recorded)
    if _keys(typed) & _keys(recorded):
        return max(0.85, ratio), "surname sounds like"
    return ratio, "surname spelled similarly" if ratio >= 0.75 else ""


def forename_similarity(typed: str, recorded: str) -> tuple[float, str]:
    if not typed:
        return 0.5, ""
    if not recorded:
        return 0.3, ""
    if typed == recorded:
        return 1.0, "forename matches"
    if are_nicknames(typed, recorded):
        return 0.9, "forename is a nickname of"
    ratio = _ratio(typed, recorded)
    if normalise.phonetic(typed) == normalise.phonetic(recorded):
        return max(0.85, ratio), "forename sounds like"
    if (len(typed) == 1 or len(recorded) == 1) and typed[0] == recorded[0]:
        return 0.7, "forename initial matches"
    return ratio, "forename spelled similarly" if ratio >= 0.75 else ""


def name_similarity(query: Query, name: PersonName) -> tuple[float, list[str]]:
    recorded_first = normalise.first_forename(name.forenames_norm)
    sur, sur_reason = surname_similarity(query.surname, name.surname_norm)
    fore, fore_reason = forename_similarity(query.first_forename, recorded_first)
    best = (0.6 * sur + 0.4 * fore, [r for r in (sur_reason, fore_reason) if r])
    if query.first_forename:
        sur2, sur2_reason = surname_similarity(query.first_forename, name.surname_norm)
        fore2, fore2_reason = forename_similarity(query.surname, recorded_first)
        swapped = 0.95 * (0.6 * sur2 + 0.4 * fore2)
        if swapped > best[0]:
            best = (swapped, ["forename/surname swapped", *[r for r in (sur2_reason, fore2_reason) if r]])
    # Double-barrelled surnames typed without a hyphen, or names split differently.
    whole = 0.9 * float(fuzz.token_set_ratio(query.full, name.full_name_norm)) / 100
    if whole > best[0]:
        best = (whole, ["name similar"])
    score, reasons = best
    if name.kind in _ALIAS_KINDS and score >= 0.7:
        reasons = ["alias matches", *reasons]
    return score, reasons


def dob_similarity(typed: PartialDate, recorded: Any) -> tuple[float, str]:
    ty, tm, td = typed.year, typed.month, typed.day
    ry, rm, rd = recorded.year, recorded.month, recorded.day
    if tm is not None and td is not None and rm is not None and rd is not None:
        if (ty, tm, td) == (ry, rm, rd):
            return 1.0, "date of birth matches"
        if ty == ry and (tm, td) == (rd, rm):
            return 0.85, "date of birth day/month transposed"
        if (tm, td) == (rm, rd) and abs(ty - ry) == 1:
            return 0.8, "year of birth ±1"
        if ty == ry and tm == rm:
            return 0.45, "month and year of birth match"
        if ty == ry:
            return 0.3, "year of birth matches"
        return 0.0, ""
    # One side is partial: compare what both have.
    if ty == ry:
        if tm is not None and rm is not None:
            return (0.85, "partial date of birth agrees") if tm == rm else (0.3, "year of birth matches")
        return 0.8, "partial date of birth agrees"
    if abs(ty - ry) == 1:
        return 0.5, "partial date of birth within a year"
    return 0.0, ""


_ID_LABELS: dict[str, str] = {
    IdentifierKind.PNC: "PNC",
    IdentifierKind.CRO: "CRO number",
    IdentifierKind.NDELIUS_CRN: "CRN",
    IdentifierKind.PRISON_NUMBER: "prison number",
    IdentifierKind.NHS_NUMBER: "NHS number",
    IdentifierKind.VISOR_REF: "ViSOR reference",
    IdentifierKind.NI_NUMBER: "NI number",
}


def score_person(query: Query, person: Person) -> tuple[float, list[str], bool]:
    """(score 0..1, reasons, identifier matched) for one record; the shared ranking logic."""
    reasons: list[str] = []
    parts: dict[str, float] = {}
    if query.surname:
        best = max((name_similarity(query, name) for name in person.names.all()), default=(0.0, []))
        parts["name"] = best[0]
        reasons += best[1]
    if query.dob is not None:
        dob = max(
            (dob_similarity(query.dob, recorded) for recorded in person.dates_of_birth.all()),
            default=(0.0, ""),
        )
        parts["dob"] = dob[0]
        reasons += [dob[1]] if dob[1] else []
    if query.postcode:
        codes = {address.postcode_norm for address in person.addresses.all()}
        if query.postcode in codes:
            parts["postcode"] = 1.0
            reasons.append("postcode matches")
        elif normalise.postcode_district(query.postcode) in {normalise.postcode_district(c) for c in codes}:
            parts["postcode"] = 0.5
            reasons.append("postcode district matches")
        else:
            parts["postcode"] = 0.0
    weight = sum(WEIGHTS[part] for part in parts)
    score = sum(WEIGHTS[part] * value for part, value in parts.items()) / weight if weight else 0.0
    held = {(i.kind, i.value) for i in person.identifiers.all()}
    held_kinds = {kind for kind, _ in held}
    matched = False
    for kind, value in query.identifiers:
        label = _ID_LABELS.get(kind, kind)
        if (kind, value) in held:
            matched = True
            reasons.insert(0, f"{label} matches")
        elif kind in held_kinds:
            score *= 0.8
            reasons.append(f"{label} differs")
    if matched:
        score = 1.0 if not parts else max(score, 0.9) * 0.1 + 0.9
    return round(min(score, 1.0), 3), reasons, matched


# Putting it together


def _group(person_ids: set[int], links: list[tuple[int, int]]) -> dict[int, int]:
    """Union-find over standing "same person" links: record id -> group root."""
    parent = {pk: pk for pk in person_ids}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in links:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    return {pk: root(pk) for pk in person_ids}


def _load(visible: QuerySet[Person], pks: Iterable[int]) -> list[Person]:
    return list(
        visible.filter(pk__in=list(pks)).prefetch_related(
            "names", "dates_of_birth", "addresses", "identifiers"
        )
    )


def run_query(query: Query, *, fetched_by: AnyUser, limit: int = 10) -> list[Candidate]:
    visible = person_list(fetched_by=fetched_by)
    persons = {person.pk: person for person in _load(visible, candidate_ids(query))}
    scored = {pk: score_person(query, person) for pk, person in persons.items()}
    # The fuzzy block is the dearest, and only needed when the keyed blocks found nobody
    # convincing (a typing error that changed the phonetic key, with no date of birth to block
    # on). The rule is the same on both databases, so both return the same candidates.
    if not any(score >= FUZZY_UNLESS or matched for score, _, matched in scored.values()):
        extra = fuzzy_candidate_ids(query) - set(persons)
        if extra:
            persons.update({person.pk: person for person in _load(visible, extra)})
            scored.update({pk: score_person(query, persons[pk]) for pk in extra if pk in persons})
    if not persons:
        return []
    # Bring in visible records linked to a candidate, so the group shows all its records.
    links = standing_same_links(set(persons))
    linked = {pk for pair in links for pk in pair} - set(persons)
    if linked:
        persons.update({person.pk: person for person in _load(visible, linked)})
        scored.update({pk: score_person(query, persons[pk]) for pk in linked if pk in persons})
    groups: dict[int, list[int]] = {}
    for pk, group in _group(set(persons), links).items():
        groups.setdefault(group, []).append(pk)
    candidates = []
    for members in groups.values():
        best = max(members, key=lambda pk: (scored[pk][2], scored[pk][0], -pk))
        score, reasons, matched = scored[best]
        if score < MIN_SCORE and not matched:
            continue
        person = persons[best]
        dob = person.primary_date_of_birth
        reasons = list(dict.fromkeys(reasons))
        if len(members) > 1:
            reasons.append(f"linked to {len(members) - 1} other record{'s' if len(members) > 2 else ''}")
        candidates.append(
            Candidate(
                id=person.pk,
                source_ref=person.source_ref,
                name=person.display_name,
                date_of_birth=dob.display if dob else "",
                score=score,
                reasons=reasons,
                identifier_match=matched,
                records=[
                    SourceRecord(pk, persons[pk].source_ref, persons[pk].source_agency.code)
                    for pk in sorted(members)
                ],
            )
        )
    candidates.sort(key=lambda c: (not c.identifier_match, -c.score, c.id))
    return candidates[:limit]


def person_search(
    *,
    fetched_by: AnyUser,
    name: str | None = None,
    dob: str | PartialDate | None = None,
    postcode: str | None = None,
    pnc: str | None = None,
    identifier: tuple[str, str] | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Ranked candidates the user may see; ValidationError if the query is malformed or empty."""
    query = build_query(name=name, dob=dob, postcode=postcode, pnc=pnc, identifier=identifier)
    return run_query(query, fetched_by=fetched_by, limit=limit)
