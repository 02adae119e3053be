"""Person search: candidate generation per database, then one shared scorer.

1. Candidates. Cheap indexed "blocks" find every record that could plausibly match, each
   capped at BLOCK_LIMIT rows and all sent as one SQL statement, the same on both databases:
   the same identifier; the same full date of birth; the same phonetic surname key with the
   same nickname group or phonetic forename key (either way round, for swapped names); the
   same surname key and forename initial within a year of the date of birth; the same
   postcode. Only when none of these scores FUZZY_UNLESS or more does the fallback run: the
   year-shifted or transposed date of birth whatever the name, the same initials among
   records with a partial date, and a fuzzy block for typing errors that defeat the keys (on
   PostgreSQL a pg_trgm similarity search over "surname forenames", GIN index, migration
   0003; on SQLite rapidfuzz over the names sharing a prefix or a year of birth, in Python).
   The candidates' names, dates, postcodes, identifiers and links are then read as plain rows
   in one more query (`_load`), not as model instances.
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
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from mappa.core.types import AnyUser
from mappa.people import identifiers as ids
from mappa.people import normalise
from mappa.people.dates import PartialDate, parse_partial_date
from mappa.people.models import (
    IdentifierKind,
    NameKind,
    Person,
    PersonDateOfBirth,
    PersonName,
)
from mappa.people.nicknames import are_nicknames, equivalent_keys
from mappa.people.selectors import person_list

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


class NameRow(NamedTuple):
    """One recorded name, as search reads it (the columns of PersonName it needs)."""

    kind: str
    forenames: str
    surname: str
    forenames_norm: str
    surname_norm: str
    full_name_norm: str

    @property
    def display(self) -> str:
        return PersonName(forenames=self.forenames, surname=self.surname).display


@dataclass
class Record:
    """One person record's searchable details, loaded as plain rows rather than model instances."""

    id: int
    source_ref: str
    agency: str
    names: list[NameRow] = field(default_factory=list)
    dates_of_birth: list[PartialDate] = field(default_factory=list)
    postcodes: set[str] = field(default_factory=set)
    identifiers: set[tuple[str, str]] = field(default_factory=set)

    @property
    def display_name(self) -> str:
        """The current name if recorded, else the birth name, else the first (as Person.primary_name)."""
        for kind in (NameKind.CURRENT, NameKind.BIRTH):
            for name in self.names:
                if name.kind == kind:
                    return name.display
        return self.names[0].display if self.names else f"Person {self.id}"

    @property
    def date_of_birth_display(self) -> str:
        if not self.dates_of_birth:
            return ""
        first = self.dates_of_birth[0]
        return PersonDateOfBirth(year=first.year, month=first.month, day=first.day).display


# Every name, date of birth, postcode and identifier of the candidate records, and the standing
# "same person" links touching them, in one query: tag, person id, row id (for a link: the two
# record ids), six text columns, three integer columns.
_DETAILS_SQL = """
SELECT 'n', person_id, id, kind, forenames, surname, forenames_norm, surname_norm, full_name_norm,
       CAST(NULL AS integer), CAST(NULL AS integer), CAST(NULL AS integer)
  FROM people_personname WHERE {where}
UNION ALL
SELECT 'd', person_id, id, NULL, NULL, NULL, NULL, NULL, NULL, year, month, day
  FROM people_persondateofbirth WHERE {where}
UNION ALL
SELECT 'a', person_id, id, postcode_norm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM people_personaddress WHERE {where}
UNION ALL
SELECT 'i', person_id, id, kind, value, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM people_personidentifier WHERE {where}
UNION ALL
SELECT 'l', person_a_id, person_b_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM people_personlink
 WHERE kind = 'same' AND revoked_at IS NULL AND ({where_a} OR {where_b})
"""


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


def _keys(value: str) -> frozenset[str]:
    return normalise.phonetic_parts(value)


# A block is a condition on one table's rows, as SQL with its parameters; all of a query's
# blocks go to the database as one statement (`candidate_ids`), the same on both databases.
Block = tuple[str, str, list[Any]]  # table, WHERE condition, parameters
_NAMES = "people_personname"
_DATES = "people_persondateofbirth"


def _in(column: str, values: Iterable[Any]) -> tuple[str, list[Any]]:
    wanted = sorted(set(values))
    if not wanted:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(wanted))})", wanted


def _any_of(*conditions: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    sql = " OR ".join(condition for condition, _ in conditions)
    return f"({sql})", [param for _, params in conditions for param in params]


def _surname_key_in(keys: Iterable[str]) -> list[tuple[str, list[Any]]]:
    return [_in("surname_key", keys), _in("surname_key2", keys)]


def _both(lefts: list[tuple[str, list[Any]]], rights: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """(l1 OR l2) AND (r1 OR r2), written as (l1 AND r1) OR (l1 AND r2) OR ...: so PostgreSQL
    reads each pair from its two-column index instead of every row with the same surname key."""
    pairs = [(f"{left} AND {right}", lp + rp) for left, lp in lefts for right, rp in rights]
    return _any_of(*[(f"({sql})", params) for sql, params in pairs])


def _name_blocks(query: Query) -> list[Block]:
    """Conditions on PersonName rows; each is selective enough to use alone."""
    blocks: list[Block] = []
    sur_keys = _keys(query.surname)
    first = query.first_forename
    if not sur_keys:
        return blocks
    surname = _surname_key_in(sur_keys)
    if first:
        forename = [
            _in("forename_group", equivalent_keys(first)),
            _in("forename_key", [normalise.phonetic(first)]),
        ]
        blocks.append((_NAMES, *_both(surname, forename)))
        # Forename and surname swapped: the typed forename is the recorded surname.
        recorded_first = [
            _in("forename_key", sur_keys),
            _in("forename_group", equivalent_keys(query.surname)),
        ]
        blocks.append((_NAMES, *_both(_surname_key_in(_keys(query.forenames)), recorded_first)))
    else:
        blocks.append((_NAMES, *_any_of(*surname)))
    if query.dob is not None:
        blocks.append(_near_block(query, query.dob, surname))
    return blocks


def _near_block(query: Query, dob: PartialDate, surname: list[tuple[str, list[Any]]]) -> Block:
    """The same surname key within a year of birth, for forenames the keyed blocks miss (a
    typing error that changed the forename's phonetic key): so the same forename initial, or no
    forename recorded. A full date of birth is already covered by the date block, so with one
    this looks only at records whose date is partial.
    """
    years, years_params = _in("year", [dob.year - 1, dob.year, dob.year + 1])
    dated = f"SELECT person_id FROM {_DATES} WHERE {years}"  # noqa: S608 (placeholders only)
    if dob.day is not None:
        dated += " AND day IS NULL"
    if query.first_forename:
        sql, params = _both(surname, [_in("forename_initial", [query.first_forename[0], ""])])
    else:
        sql, params = _any_of(*surname)
    return (_NAMES, f"{sql} AND person_id IN ({dated})", params + years_params)


def _initials_block(query: Query) -> Block | None:
    """For a full date typed: records with a partial date within a year and the same initials.

    Typing errors in both names can defeat the phonetic keys and the trigram threshold, and a
    partial date leaves the date block nothing to match. Part of the fallback, on both
    databases: it reads every partial date within a year (the partial index dob_partial_year).
    """
    dob, first = query.dob, query.first_forename
    if dob is None or dob.day is None or not first or not query.surname:
        return None
    years, years_params = _in("year", [dob.year - 1, dob.year, dob.year + 1])
    dated = f"SELECT person_id FROM {_DATES} WHERE {years} AND day IS NULL"  # noqa: S608
    sql = f"forename_initial = %s AND SUBSTR(surname_norm, 1, 1) = %s AND person_id IN ({dated})"
    return (_NAMES, sql, [first[0], query.surname[0], *years_params])


def _dob_block(dob: PartialDate) -> Block | None:
    """The same full date of birth, whatever the name (typing errors that defeat the keys)."""
    if dob.month is None or dob.day is None:
        return None
    return (_DATES, "year = %s AND month = %s AND day = %s", [dob.year, dob.month, dob.day])


def _dob_variants_block(dob: PartialDate) -> Block | None:
    """Year of birth off by one, or day and month transposed, whatever the name: part of the
    fallback. With the name right, the name blocks already find these; this is for when the
    name is wrong too, and it is several times larger than the same-date block."""
    if dob.month is None or dob.day is None:
        return None
    y, m, d = dob.year, dob.month, dob.day
    sql = "(month = %s AND day = %s AND year IN (%s, %s))"
    params: list[Any] = [m, d, y - 1, y + 1]
    if d <= 12 and d != m:
        sql += " OR (year = %s AND month = %s AND day = %s)"
        params += [y, d, m]
    return (_DATES, sql, params)


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
    """Person ids from every keyed block, each capped at BLOCK_LIMIT rows, in one statement."""
    blocks: list[Block] = [
        ("people_personidentifier", "kind = %s AND value = %s", [kind, value])
        for kind, value in query.identifiers
    ]
    if query.dob is not None and (dob_block := _dob_block(query.dob)) is not None:
        blocks.append(dob_block)
    blocks += _name_blocks(query)
    if query.postcode:
        blocks.append(("people_personaddress", "postcode_norm = %s", [query.postcode]))
    return _run_blocks(blocks)


def _run_blocks(blocks: list[Block]) -> set[int]:
    if not blocks:
        return set()
    # Only our own table and column names are formatted in; every value is a parameter.
    sql = " UNION ".join(
        f"SELECT person_id FROM (SELECT person_id FROM {table} WHERE {where} LIMIT {BLOCK_LIMIT}) AS b{n}"  # noqa: S608
        for n, (table, where, _) in enumerate(blocks)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, _, params in blocks for param in params])
        return {row[0] for row in cursor.fetchall()}


def fuzzy_candidate_ids(query: Query) -> set[int]:
    """The fallback when the keyed blocks found nobody convincing: names within a few typing
    errors of the query (pg_trgm, or rapidfuzz on SQLite), and the shared blocks for a wrong
    name with a near date (`_dob_variants_block`, `_initials_block`)."""
    blocks = (
        [block for block in (_dob_variants_block(query.dob), _initials_block(query)) if block]
        if query.dob
        else []
    )
    found = _run_blocks(blocks)
    if query.surname:
        found.update(_fuzzy_postgresql(query) if connection.vendor == "postgresql" else _fuzzy_python(query))
    return found


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


def name_similarity(query: Query, name: NameRow) -> tuple[float, list[str]]:
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


def score_person(query: Query, person: Record) -> tuple[float, list[str], bool]:
    """(score 0..1, reasons, identifier matched) for one record; the shared ranking logic."""
    reasons: list[str] = []
    parts: dict[str, float] = {}
    if query.surname:
        best = max((name_similarity(query, name) for name in person.names), default=(0.0, []))
        parts["name"] = best[0]
        reasons += best[1]
    if query.dob is not None:
        dob = max(
            (dob_similarity(query.dob, recorded) for recorded in person.dates_of_birth),
            default=(0.0, ""),
        )
        parts["dob"] = dob[0]
        reasons += [dob[1]] if dob[1] else []
    if query.postcode:
        codes = person.postcodes
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
    held = person.identifiers
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


def _id_in(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _load(visible: QuerySet[Person], pks: Iterable[int]) -> tuple[dict[int, Record], set[tuple[int, int]]]:
    """The visible records among `pks` as plain rows, and the standing "same person" links
    touching them: one query for the records (through the visibility filter), one for the rest."""
    wanted = list(pks)
    if not wanted:
        return {}, set()
    records = {
        pk: Record(pk, source_ref, agency)
        for pk, source_ref, agency in visible.filter(pk__in=wanted).values_list(
            "pk", "source_ref", "source_agency__code"
        )
    }
    if not records:
        return records, set()
    ids = sorted(records)
    where, params = _id_in("person_id", ids)
    where_a, params_a = _id_in("person_a_id", ids)
    where_b, params_b = _id_in("person_b_id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            _DETAILS_SQL.format(where=where, where_a=where_a, where_b=where_b),
            params * 4 + params_a + params_b,
        )
        rows = cursor.fetchall()
    links = set()
    # Names and dates in the order they were recorded (the first is shown), like the models' ordering.
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    for tag, person_id, row_id, t1, t2, t3, t4, t5, t6, year, month, day in rows:
        if tag == "l":
            links.add((person_id, row_id))
            continue
        record = records[person_id]
        if tag == "n":
            record.names.append(NameRow(t1, t2, t3, t4, t5, t6))
        elif tag == "d":
            record.dates_of_birth.append(PartialDate(year, month, day))
        elif tag == "a":
            record.postcodes.add(t1)
        else:
            record.identifiers.add((t1, t2))
    return records, links


def run_query(
    query: Query, *, fetched_by: AnyUser, limit: int = 10, scope: QuerySet[Person] | None = None
) -> list[Candidate]:
    # `scope` replaces the user's visible set only for person_search_all (a recorded
    # data-protection purpose); every other caller searches what the user may see.
    visible = person_list(fetched_by=fetched_by) if scope is None else scope
    persons, links = _load(visible, candidate_ids(query))
    scored = {pk: score_person(query, person) for pk, person in persons.items()}
    # The fuzzy block is the dearest, and only needed when the keyed blocks found nobody
    # convincing (a typing error that changed the phonetic key, with no date of birth to block
    # on). The rule is the same on both databases, so both return the same candidates.
    if not any(score >= FUZZY_UNLESS or matched for score, _, matched in scored.values()):
        extra, extra_links = _load(visible, fuzzy_candidate_ids(query) - set(persons))
        persons.update(extra)
        links |= extra_links
        scored.update({pk: score_person(query, person) for pk, person in extra.items()})
    if not persons:
        return []
    # Bring in visible records linked to a candidate, so the group shows all its records.
    linked, linked_links = _load(visible, {pk for pair in links for pk in pair} - set(persons))
    persons.update(linked)
    links |= linked_links
    scored.update({pk: score_person(query, person) for pk, person in linked.items()})
    groups: dict[int, list[int]] = {}
    for pk, group in _group(set(persons), sorted(links)).items():
        groups.setdefault(group, []).append(pk)
    candidates = []
    for members in groups.values():
        best = max(members, key=lambda pk: (scored[pk][2], scored[pk][0], -pk))
        score, reasons, matched = scored[best]
        if score < MIN_SCORE and not matched:
            continue
        reasons = list(dict.fromkeys(reasons))
        if len(members) > 1:
            reasons.append(f"linked to {len(members) - 1} other record{'s' if len(members) > 2 else ''}")
        candidates.append((best, score, reasons, matched, sorted(members)))
    candidates.sort(key=lambda c: (not c[3], -c[1], c[0]))
    # Display names and dates only for the candidates returned.
    return [
        Candidate(
            id=pk,
            source_ref=persons[pk].source_ref,
            name=persons[pk].display_name,
            date_of_birth=persons[pk].date_of_birth_display,
            score=score,
            reasons=reasons,
            identifier_match=matched,
            records=[SourceRecord(m, persons[m].source_ref, persons[m].agency) for m in members],
        )
        for pk, score, reasons, matched, members in candidates[:limit]
    ]


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


def person_search_all(
    *,
    fetched_by: AnyUser,
    name: str | None = None,
    dob: str | PartialDate | None = None,
    postcode: str | None = None,
    pnc: str | None = None,
    identifier: tuple[str, str] | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Ranked candidates over EVERY person record, whoever holds it.

    Only for finding a data subject's records for a subject access request (DPA 2018 s.45, UK
    GDPR Art 15), where the receiving agency must find what every agency holds: the caller
    (subject_access.services_routing.subject_search) checks the officer's permission, records
    the search as a consultation with that purpose, and shows only references and counts.
    """
    query = build_query(name=name, dob=dob, postcode=postcode, pnc=pnc, identifier=identifier)
    return run_query(query, fetched_by=fetched_by, limit=limit, scope=Person.objects.all())
