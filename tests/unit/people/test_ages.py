"""Ages from partial dates of birth: the two readings every age rule chooses between."""

from datetime import date

import pytest

from mappa.people.dates import PartialDate, certainly_under, earliest_birth, latest_birth, possibly_under

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("dob", "certainly", "possibly"),
    [
        (PartialDate(2008, 6, 16), True, True),  # 18 tomorrow
        (PartialDate(2008, 6, 15), False, False),  # 18 today
        (PartialDate(2009), True, True),  # 16 or 17 whichever day
        (PartialDate(2008), False, True),  # 17 or 18: perhaps not yet 18
        (PartialDate(2007), False, False),
        (PartialDate(2008, 6), False, True),  # 18 this month: perhaps not yet
        (PartialDate(2008, 7), True, True),
        (PartialDate(2008, 5), False, False),
    ],
)
def test_the_two_readings_of_a_partial_date(dob: PartialDate, certainly: bool, possibly: bool) -> None:
    assert certainly_under([dob], 18, today=TODAY) is certainly
    assert possibly_under([dob], 18, today=TODAY) is possibly


def test_born_on_29_february_comes_of_age_on_1_march_in_a_common_year() -> None:
    leap = [PartialDate(2008, 2, 29)]
    assert certainly_under(leap, 18, today=date(2026, 2, 28)) and possibly_under(
        leap, 18, today=date(2026, 2, 28)
    )
    assert not certainly_under(leap, 18, today=date(2026, 3, 1))
    assert not possibly_under(leap, 18, today=date(2026, 3, 1))


def test_any_one_of_several_recorded_dates_counts_and_none_gives_no() -> None:
    disputed = [PartialDate(1990, 1, 1), PartialDate(2012, 1, 1)]
    assert certainly_under(disputed, 18, today=TODAY) and possibly_under(disputed, 18, today=TODAY)
    assert not certainly_under([], 18, today=TODAY) and not possibly_under([], 18, today=TODAY)


def test_the_span_of_a_partial_date() -> None:
    assert (earliest_birth(PartialDate(2008)), latest_birth(PartialDate(2008))) == (
        date(2008, 1, 1),
        date(2008, 12, 31),
    )
    assert latest_birth(PartialDate(2008, 2)) == date(2008, 2, 29)
    assert latest_birth(PartialDate(2007, 12)) == date(2007, 12, 31)
    assert latest_birth(PartialDate(2008, 4, 31)) == date(2008, 4, 30)  # an impossible day recorded
