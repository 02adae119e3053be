import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mappa.people import identifiers as ids
from mappa.people.models import IdentifierKind


@given(year=st.integers(0, 99), serial=st.integers(1, 9_999_999))
def test_pnc_with_its_check_letter_is_accepted_and_canonical(year, serial):
    yy = f"{year:02d}"
    check = ids.pnc_check_character(yy, str(serial))
    assert ids.pnc(f"{yy}/{serial}{check.lower()}") == f"{yy}/{serial:07d}{check}"


@given(year=st.integers(0, 99), serial=st.integers(1, 9_999_999), data=st.data())
def test_pnc_with_a_wrong_check_letter_is_refused(year, serial, data):
    yy = f"{year:02d}"
    right = ids.pnc_check_character(yy, str(serial))
    wrong = data.draw(st.sampled_from([c for c in ids.PNC_CHECK_ALPHABET if c != right]))
    with pytest.raises(ValidationError, match="check letter"):
        ids.pnc(f"{yy}/{serial:07d}{wrong}")


def test_pnc_known_value_and_four_digit_year():
    # 12 0012345 -> 120012345 % 23 = 1 -> "A"
    assert ids.pnc("2012/0012345A") == "12/0012345A"


@pytest.mark.parametrize("bad", ["", "12-0012345A", "12/00123456789A", "ABC", "12/0012345"])
def test_pnc_malformed(bad):
    with pytest.raises(ValidationError, match="format"):
        ids.pnc(bad)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nhs_number_check_digit(first_nine):
    check = ids.nhs_check_digit(first_nine)
    if check is None:
        for digit in "0123456789":
            with pytest.raises(ValidationError):
                ids.nhs_number(first_nine + digit)
    else:
        assert ids.nhs_number(f"{first_nine[:3]} {first_nine[3:6]} {first_nine[6:]}{check}") == (
            first_nine + str(check)
        )
        wrong = (check + 1) % 10
        with pytest.raises(ValidationError, match="check digit"):
            ids.nhs_number(first_nine + str(wrong))


def test_nhs_number_known_good_and_malformed():
    assert ids.nhs_number("943 476 5919") == "9434765919"
    with pytest.raises(ValidationError, match="10 digits"):
        ids.nhs_number("94347659")


@pytest.mark.parametrize(
    ("kind", "text", "canonical"),
    [
        (IdentifierKind.CRO, "12345/99a", "012345/99A"),
        (IdentifierKind.CRO, "SF93/123456A", "SF93/123456A"),
        (IdentifierKind.NDELIUS_CRN, "x123456", "X123456"),
        (IdentifierKind.PRISON_NUMBER, "a1234bc", "A1234BC"),
        (IdentifierKind.VISOR_REF, "vis/00123", "VIS/00123"),
        (IdentifierKind.NI_NUMBER, "ab 12 34 56 c", "AB123456C"),
    ],
)
def test_other_identifiers_canonical(kind, text, canonical):
    assert ids.canonical(kind, text) == canonical


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (IdentifierKind.CRO, "1234567/99A"),
        (IdentifierKind.NDELIUS_CRN, "12345678"),
        (IdentifierKind.PRISON_NUMBER, "A12345BC"),
        (IdentifierKind.VISOR_REF, "AB"),
        (IdentifierKind.NI_NUMBER, "AB123456E"),
        (IdentifierKind.NI_NUMBER, "QQ123456C"),
        (IdentifierKind.NI_NUMBER, "AO123456C"),
        (IdentifierKind.NI_NUMBER, "GB123456A"),
        ("passport", "123"),
    ],
)
def test_other_identifiers_refused(kind, text):
    with pytest.raises(ValidationError):
        ids.canonical(kind, text)
