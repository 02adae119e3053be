"""When a subject access request must be answered: pure arithmetic, no database.

DPA 2018 s.54 and UK GDPR Art 12(3), as the ICO applies them (disclosure_dp.md §3.2, §5.4 rule 35):
- the clock starts at the latest of receipt and identity verification (no fee is charged);
- the deadline is the corresponding date one month later; where that month has no such date
  (31 January + 1 month), the last day of that month;
- the clock stops from the day clarification is asked for until the day it arrives (s.54(3C)):
  each paused day moves the deadline a day later, and while a pause is open there is no date;
- an extension (by up to two further months, for complexity or number of requests) counts the
  months from the same start, and is allowed only by a notice with reasons sent on or before the
  first month's deadline (s.54(3A)-(3B));
- a deadline falling on a weekend or an England and Wales bank holiday moves to the next working
  day.

Bank holidays are the published England and Wales list, kept in bank_holidays.txt beside this
module; a year missing from it counts weekends only (test_deadlines checks the list is current).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

MAX_EXTENSION_MONTHS = 2


@dataclass(frozen=True)
class Pause:
    requested_on: date
    answered_on: date | None  # None: still waiting


@cache
def bank_holidays() -> frozenset[date]:
    text = (Path(__file__).with_name("bank_holidays.txt")).read_text(encoding="utf-8")
    days = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            days.add(date.fromisoformat(line))
    return frozenset(days)


def add_months(start: date, months: int) -> date:
    """The corresponding date `months` later, or the last day of that month if it has none."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def clock_start(received_on: date, identity_verified_on: date | None) -> date:
    """The "relevant time": the later of receipt and identity verification. Until identity is
    verified it is the receipt date, so a provisional deadline can be shown."""
    if identity_verified_on is None:
        return received_on
    return max(received_on, identity_verified_on)


def paused_days(pauses: Iterable[Pause], *, today: date) -> int:
    """Days the clock stood still: from each request for clarification to its answer (an open
    pause counts to today). Overlapping pauses count each day once."""
    days: set[date] = set()
    for pause in pauses:
        end = pause.answered_on if pause.answered_on is not None else today
        days.update(pause.requested_on + timedelta(days=n) for n in range((end - pause.requested_on).days))
    return len(days)


def is_paused(pauses: Iterable[Pause]) -> bool:
    return any(pause.answered_on is None for pause in pauses)


def first_month_due(
    received_on: date, identity_verified_on: date | None, pauses: Iterable[Pause] = (), *, today: date
) -> date:
    """The deadline without any extension: the date an extension notice must be sent by."""
    return _due(clock_start(received_on, identity_verified_on), 1, list(pauses), today)


def due_date(
    received_on: date,
    identity_verified_on: date | None,
    pauses: Iterable[Pause] = (),
    *,
    extension_months: int = 0,
    today: date,
) -> date:
    """The date the response is due, counting the months of any extension recorded."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is 0 to {MAX_EXTENSION_MONTHS} months, not {extension_months}")
    return _due(clock_start(received_on, identity_verified_on), 1 + extension_months, list(pauses), today)


def _due(start: date, months: int, pauses: list[Pause], today: date) -> date:
    return next_working_day(add_months(start, months) + timedelta(days=paused_days(pauses, today=today)))


def extension_allowed(
    notice_on: date,
    received_on: date,
    identity_verified_on: date | None,
    pauses: Iterable[Pause] = (),
    *,
    today: date,
) -> bool:
    """An extension notice counts only if sent on or before the first month's deadline."""
    return notice_on <= first_month_due(received_on, identity_verified_on, pauses, today=today)


def is_late(due: date, *, answered_on: date | None, today: date) -> bool:
    """Answered after the deadline, or still unanswered once it has passed."""
    return (answered_on or today) > due
