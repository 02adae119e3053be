"""Validation and canonical forms of the identifiers a person may carry.

`canonical(kind, text)` returns the stored form, or raises ValidationError saying what is wrong,
so two ways of writing one identifier ("2012/12345K", "12/0012345k") compare equal.
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError

from mappa.people.models import IdentifierKind

# PNC (Police National Computer) numbers: YY/NNNNNNNC. The check character is the remainder
# of the year and zero-padded serial, read as one number, divided by 23, indexed into this
# alphabet (no I, O or S, which read as digits).
PNC_CHECK_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
_NHS = re.compile(r"^\d{10}$")
_CRO = re.compile(r"^(\d{1,6})/(\d{2})([A-Z])$")
_CRO_SF = re.compile(r"^SF(\d{2})/(\d{1,6})([A-Z])$")
_CRN = re.compile(r"^[A-Z]\d{6}$")
_PRISON = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
_VISOR = re.compile(r"^[A-Z0-9/-]{4,20}$")
_NINO = re.compile(r"^([A-Z]{2})(\d{6})([A-D])$")
# HMRC never issues these: D, F, I, Q, U and V as either letter, O as the second, and these pairs.
_NINO_BAD_LETTERS = set("DFIQUV")
_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def pnc_check_character(year: str, serial: str) -> str:
    return PNC_CHECK_ALPHABET[int(f"{year[-2:]}{int(serial):07d}") % 23]


def pnc(text: str) -> str:
    value = _compact(text)
    match = _PNC.match(value)
    if not match:
        raise ValidationError("Enter a PNC number in the format YY/NNNNNNNA, like 12/0012345K")
    year, serial, check = match.groups()
    expected = pnc_check_character(year, serial)
    if check != expected:
        raise ValidationError("PNC number check letter does not match: check the number")
    return f"{year[-2:]}/{int(serial):07d}{check}"


def nhs_check_digit(first_nine: str) -> int | None:
    """The mod-11 check digit of the first nine digits, or None when no number can have it."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number(text: str) -> str:
    value = re.sub(r"[\s-]", "", text)
    if not _NHS.match(value):
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919")
    if nhs_check_digit(value[:9]) != int(value[9]):
        raise ValidationError("NHS number check digit does not match: check the number")
    return value


def cro(text: str) -> str:
    # The CRO check letter's algorithm is not published; we check the format only.
    value = _compact(text)
    match = _CRO.match(value)
    if match:
        serial, year, check = match.groups()
        return f"{int(serial):06d}/{year}{check}"
    match = _CRO_SF.match(value)
    if match:
        year, serial, check = match.groups()
        return f"SF{year}/{int(serial):06d}{check}"
    raise ValidationError("Enter a CRO number like 123456/99A, or SF99/123456A")


def crn(text: str) -> str:
    value = _compact(text)
    if not _CRN.match(value):
        raise ValidationError("Enter an nDelius CRN of a letter and 6 digits, like X123456")
    return value


def prison_number(text: str) -> str:
    value = _compact(text)
    if not _PRISON.match(value):
        raise ValidationError("Enter a prison number of a letter, 4 digits and 2 letters, like A1234BC")
    return value


def visor_ref(text: str) -> str:
    value = _compact(text)
    if not _VISOR.match(value):
        raise ValidationError("Enter a ViSOR reference of 4 to 20 letters, digits, / or -")
    return value


def ni_number(text: str) -> str:
    value = _compact(text)
    match = _NINO.match(value)
    if not match:
        raise ValidationError("Enter a National Insurance number like AB 12 34 56 C")
    prefix = match.group(1)
    if prefix[0] in _NINO_BAD_LETTERS or prefix[1] in _NINO_BAD_LETTERS | {"O"}:
        raise ValidationError("That National Insurance number prefix is never issued")
    if prefix in _NINO_BAD_PREFIXES:
        raise ValidationError("That National Insurance number prefix is never issued")
    return value


VALIDATORS: dict[str, Callable[[str], str]] = {
    IdentifierKind.PNC: pnc,
    IdentifierKind.CRO: cro,
    IdentifierKind.NDELIUS_CRN: crn,
    IdentifierKind.PRISON_NUMBER: prison_number,
    IdentifierKind.NHS_NUMBER: nhs_number,
    IdentifierKind.VISOR_REF: visor_ref,
    IdentifierKind.NI_NUMBER: ni_number,
}


def canonical(kind: str, text: str) -> str:
    """The stored form of an identifier of `kind`; ValidationError if it is malformed."""
    try:
        validator = VALIDATORS[kind]
    except KeyError:
        raise ValidationError(f"Unknown identifier kind {kind!r}") from None
    return validator(text)
