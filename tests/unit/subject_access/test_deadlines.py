"""Deadline arithmetic (deadlines.py): month ends, pauses, extensions, working days."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mappa.subject_access import deadlines
from mappa.subject_access.deadlines import Pause

TODAY = date(2027, 6, 1)
starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 3, 31))


def test_month_ends() -> None:
    assert deadlines.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert deadlines.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert deadlines.add_months(date(2027, 4, 30), 1) == date(2027, 5, 30)
    assert deadlines.add_months(date(2027, 3, 31), 1) == date(2027, 4, 30)
    assert deadlines.add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)
    assert deadlines.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_due_from_later_of_receipt_and_identity() -> None:
    # 3 Feb 2027 + 1 month = 3 Mar 2027 (a Wednesday).
    assert deadlines.due_date(date(2027, 2, 1), date(2027, 2, 3), today=TODAY) == date(2027, 3, 3)
    assert deadlines.due_date(date(2027, 2, 3), None, today=TODAY) == date(2027, 3, 3)


def test_weekend_and_bank_holiday_roll() -> None:
    # 6 Feb 2027 + 1 month = Saturday 6 March -> Monday 8 March.
    assert deadlines.due_date(date(2027, 2, 6), None, today=TODAY) == date(2027, 3, 8)
    # 26 Feb 2027 + 1 month = Good Friday 26 March; Easter Monday 29 March -> Tuesday 30 March.
    assert deadlines.due_date(date(2027, 2, 26), None, today=TODAY) == date(2027, 3, 30)


def test_pauses_add_days_and_overlaps_count_once() -> None:
    start = date(2027, 2, 3)
    closed = [Pause(date(2027, 2, 10), date(2027, 2, 14))]
    assert deadlines.paused_days(closed, today=TODAY) == 4
    assert deadlines.due_date(start, None, closed, today=TODAY) == date(2027, 3, 8)  # 7 Mar is a Sunday
    overlapping = [Pause(date(2027, 2, 10), date(2027, 2, 14)), Pause(date(2027, 2, 12), date(2027, 2, 16))]
    assert deadlines.paused_days(overlapping, today=TODAY) == 6
    still_open = [Pause(date(2027, 2, 10), None)]
    assert deadlines.is_paused(still_open)
    assert deadlines.paused_days(still_open, today=date(2027, 2, 20)) == 10


def test_extension_one_or_two_months() -> None:
    start = date(2027, 2, 3)
    assert deadlines.due_date(start, None, extension_months=1, today=TODAY) == date(2027, 4, 5)  # 3 Apr Sat
    assert deadlines.due_date(start, None, extension_months=2, today=TODAY) == date(
        2027, 5, 4
    )  # 3 May holiday
    with pytest.raises(ValueError):
        deadlines.due_date(start, None, extension_months=3, today=TODAY)


@given(start=starts)
def test_due_at_least_28_days_after_start(start: date) -> None:
    assert deadlines.due_date(start, None, today=TODAY) >= start + timedelta(days=28)


@given(a=starts, b=starts)
def test_due_monotonic_in_start(a: date, b: date) -> None:
    early, late = sorted((a, b))
    assert deadlines.due_date(early, None, today=TODAY) <= deadlines.due_date(late, None, today=TODAY)


@given(start=starts, months=st.integers(min_value=0, max_value=1))
def test_extension_never_earlier(start: date, months: int) -> None:
    assert deadlines.due_date(start, None, extension_months=months + 1, today=TODAY) >= deadlines.due_date(
        start, None, extension_months=months, today=TODAY
    )


@given(
    start=starts, length=st.integers(min_value=0, max_value=40), offset=st.integers(min_value=0, max_value=20)
)
def test_pause_never_makes_it_earlier(start: date, length: int, offset: int) -> None:
    pause = Pause(start + timedelta(days=offset), start + timedelta(days=offset + length))
    assert deadlines.due_date(start, None, [pause], today=TODAY) >= deadlines.due_date(
        start, None, today=TODAY
    )


@given(start=starts, late_by=st.integers(min_value=1, max_value=60))
def test_notice_after_first_month_refused(start: date, late_by: int) -> None:
    first = deadlines.first_month_due(start, None, today=TODAY)
    assert deadlines.extension_allowed(first, start, None, today=TODAY)
    assert not deadlines.extension_allowed(first + timedelta(days=late_by), start, None, today=TODAY)


def test_is_late() -> None:
    due = date(2027, 3, 3)
    assert not deadlines.is_late(due, answered_on=due, today=TODAY)
    assert deadlines.is_late(due, answered_on=due + timedelta(days=1), today=TODAY)
    assert deadlines.is_late(due, answered_on=None, today=due + timedelta(days=1))
    assert not deadlines.is_late(due, answered_on=None, today=due)


def test_bank_holiday_list_covers_the_current_year() -> None:
    years = {day.year for day in deadlines.bank_holidays()}
    assert timezone.localdate().year in years
    # Every year listed has the eight England and Wales holidays (or more, with a special one).
    for year in years:
        assert len([d for d in deadlines.bank_holidays() if d.year == year]) >= 8
