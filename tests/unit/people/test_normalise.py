import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mappa.people import normalise
from mappa.people.dates import PartialDate, parse_partial_date
from mappa.people.nicknames import are_nicknames, equivalent_keys, group_count, nickname_key


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("O'Brien-Smyth", "obrien smyth"),
        ("  José   Núñez ", "jose nunez"),
        ("ST. JOHN", "st john"),
        ("D\u2019Arcy", "darcy"),
    ],
)
def test_name(raw, normal):
    assert normalise.name(raw) == normal


@given(st.text())
def test_name_is_idempotent(text):
    once = normalise.name(text)
    assert normalise.name(once) == once


def test_postcode():
    assert normalise.postcode(" dh1 1aa ") == "DH11AA"
    assert normalise.is_valid_postcode("DH11AA")
    assert not normalise.is_valid_postcode("XXXX")
    assert normalise.postcode_display("DH11AA") == "DH1 1AA"
    assert normalise.postcode_district("DH11AA") == "DH1"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("smith", "smyth"),
        ("philips", "fillips"),
        ("catherine", "kathryn"),
        ("knight", "night"),
        ("mcdonald", "macdonald"),
    ],
)
def test_phonetic_equal(a, b):
    assert normalise.phonetic(a) == normalise.phonetic(b)


def test_phonetic_parts_of_double_barrelled():
    assert normalise.phonetic("jones") in normalise.phonetic_parts("smith jones")


@pytest.mark.parametrize(
    ("a", "b"), [("bill", "william"), ("peggy", "margaret"), ("bob", "robert"), ("jim", "james")]
)
def test_nicknames(a, b):
    assert are_nicknames(a, b)
    assert nickname_key(a) in equivalent_keys(b)


def test_nickname_table_is_large_and_not_reflexive():
    assert group_count() >= 150
    assert not are_nicknames("john", "john")
    assert not are_nicknames("john", "mary")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980-02-29", PartialDate(1980, 2, 29)),
        ("29/02/1980", PartialDate(1980, 2, 29)),
        ("1980-02", PartialDate(1980, 2)),
        ("1980", PartialDate(1980)),
    ],
)
def test_partial_dates(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["1981-02-29", "31/31/1980", "1880", "3000-01-01", "yesterday", "1980-13"])
def test_bad_dates(text):
    with pytest.raises(ValidationError):
        parse_partial_date(text)
