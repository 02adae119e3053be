"""Reading a CSV file of person records for `mappa persons import`.

The whole file is read and checked before anything is written, and every bad row is reported
as "line N: reason" (N counts the header as line 1), so an operator fixes the file in one go.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from mappa.core.exceptions import ApplicationError
from mappa.people.dates import parse_partial_date
from mappa.people.models import Gender, IdentifierKind, NameKind
from mappa.people.services import AddressData, NameData, PersonData, clean_person_data

REQUIRED = ("source_ref", "forenames", "surname", "date_of_birth", "postcode", "aliases", "pnc")
OPTIONAL_IDENTIFIERS = {
    "nhs_number": IdentifierKind.NHS_NUMBER,
    "crn": IdentifierKind.NDELIUS_CRN,
    "cro": IdentifierKind.CRO,
    "prison_number": IdentifierKind.PRISON_NUMBER,
    "ni_number": IdentifierKind.NI_NUMBER,
    "visor_ref": IdentifierKind.VISOR_REF,
}
OPTIONAL = ("gender", *OPTIONAL_IDENTIFIERS)
_GENDERS = {
    "": Gender.UNKNOWN,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "other": Gender.OTHER,
    "unknown": Gender.UNKNOWN,
}


class ImportFileError(Exception):
    """The file cannot be read at all (encoding, header): one message."""


@dataclass
class ParsedFile:
    records: list[PersonData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without a byte order mark, else Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is neither UTF-8 nor Windows-1252 text (byte {error.start + 1} cannot be read): "
            "save it as CSV UTF-8 and try again"
        ) from None


def parse_alias(text: str) -> NameData:
    """ "Forenames Surname" or "Surname, Forenames"."""
    text = text.strip()
    if "," in text:
        surname, forenames = (part.strip() for part in text.split(",", 1))
    else:
        words = text.split()
        forenames, surname = " ".join(words[:-1]), words[-1] if words else ""
    return NameData(surname=surname, forenames=forenames, kind=NameKind.ALIAS)


def _row(row: dict[str, str]) -> PersonData:
    def value(column: str) -> str:
        return (row.get(column) or "").strip()

    names = [NameData(surname=value("surname"), forenames=value("forenames"))]
    names += [parse_alias(alias) for alias in value("aliases").split(";") if alias.strip()]
    dobs = []
    if value("date_of_birth"):
        try:
            dobs.append(parse_partial_date(value("date_of_birth")))
        except ValidationError as error:
            raise ApplicationError(error.messages[0]) from None
    gender = _GENDERS.get(value("gender").lower())
    if gender is None:
        raise ApplicationError(f"gender must be female, male, other or unknown, not {value('gender')!r}")
    identifiers = [(IdentifierKind.PNC.value, value("pnc"))] if value("pnc") else []
    identifiers += [(kind.value, value(col)) for col, kind in OPTIONAL_IDENTIFIERS.items() if value(col)]
    addresses = [AddressData(postcode=value("postcode"))] if value("postcode") else []
    return clean_person_data(
        source_ref=value("source_ref"),
        names=names,
        dates_of_birth=dobs,
        gender=gender,
        addresses=addresses,
        identifiers=identifiers,
    )


def parse(raw: bytes, *, existing_refs: set[str]) -> ParsedFile:
    """Check every row; the result has either records (all good) or errors (one per bad row)."""
    text, encoding = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise ImportFileError("The file is empty: it needs a header row")
    reader.fieldnames = header
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            f"The header is missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
        )
    unknown = [column for column in header if column not in REQUIRED and column not in OPTIONAL]
    if unknown:
        raise ImportFileError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(allowed: {', '.join(REQUIRED + OPTIONAL)})"
        )
    result = ParsedFile(encoding=encoding)
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            result.errors.append(f"line {line}: more values than columns")
            continue
        try:
            record = _row(row)
        except ApplicationError as error:
            result.errors.append(f"line {line}: {error.message}")
            continue
        if record.source_ref in seen:
            result.errors.append(
                f"line {line}: source_ref {record.source_ref} repeats line {seen[record.source_ref]}"
            )
            continue
        if record.source_ref in existing_refs:
            result.errors.append(
                f"line {line}: source_ref {record.source_ref} is already held by this agency"
            )
            continue
        seen[record.source_ref] = line
        result.records.append(record)
    if result.errors:
        result.records = []
    return result
