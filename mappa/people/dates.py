"""Dates of birth as people write them, possibly partial."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("day", "month", "year")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("year", "month")),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), ("month", "year")),
    (re.compile(r"^(\d{4})$"), ("year",)),
)

MESSAGE = "Enter a date of birth as YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY"


def parse_partial_date(text: str, *, today: date | None = None) -> PartialDate:
    """Parse "1980-02-29", "29/02/1980", "1980-02" or "1980"; raise ValidationError otherwise."""
    value = text.strip()
    for pattern, parts in _FORMATS:
        match = pattern.match(value)
        if match:
            fields = {part: int(number) for part, number in zip(parts, match.groups(), strict=True)}
            return check_partial_date(fields["year"], fields.get("month"), fields.get("day"), today=today)
    raise ValidationError(f"{MESSAGE}, not {text.strip()[:20]!r}")


def check_partial_date(
    year: int, month: int | None, day: int | None, *, today: date | None = None
) -> PartialDate:
    today = today or date.today()  # noqa: DTZ011 - a calendar date, not a time
    if not 1900 <= year <= today.year:
        raise ValidationError(f"Year of birth must be between 1900 and {today.year}")
    if month is None and day is not None:
        raise ValidationError("A date of birth with a day must have a month")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError("Month of birth must be between 1 and 12")
    if day is not None and month is not None:
        try:
            full = date(year, month, day)
        except ValueError:
            raise ValidationError("Date of birth must be a real date") from None
        if full > today:
            raise ValidationError("Date of birth must be in the past")
    return PartialDate(year, month, day)


# --- ages from partial dates --------------------------------------------------------------------
#
# A partial date of birth (only a year, or a year and month) spans several possible birthdays, so
# "is this person under 18?" has two honest answers, and each rule must say which it asks:
# - certainly under: every day they could have been born makes them under that age (a person at
#   risk is flagged as a child on this reading, so the flag is a fact, not a guess);
# - possibly under: some day they could have been born does (a decision that needs a youth
#   justice consultation "if the nominal may be under 18" asks this, the cautious reading).
# With several recorded dates (a disputed date of birth) either reading counts any one of them.


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February: the birthday falls on 1 March in other years
        return date(born.year + years, 3, 1)


def earliest_birth(value: PartialDate) -> date:
    """The first day a partial date could mean: the start of its month, or of its year."""
    try:
        return date(value.year, value.month or 1, value.day or 1)
    except ValueError:  # an impossible day recorded (31 April): the month's start stands in
        return date(value.year, value.month or 1, 1)


def latest_birth(value: PartialDate) -> date:
    """The last day a partial date could mean: the end of its month, or of its year."""
    if value.day is not None and value.month is not None:
        try:
            return date(value.year, value.month, value.day)
        except ValueError:  # an impossible day recorded (31 April): the month's end stands in
            pass
    if value.month is not None:
        following = date(value.year + (value.month == 12), value.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return date(value.year, 12, 31)


def certainly_under(dates: Iterable[PartialDate], years: int, *, today: date) -> bool:
    """Some recorded date of birth makes the person under `years` today, however it is read."""
    return any(_birthday(earliest_birth(d), years) > today for d in dates)


def possibly_under(dates: Iterable[PartialDate], years: int, *, today: date) -> bool:
    """Some recorded date of birth could make the person under `years` today."""
    return any(_birthday(latest_birth(d), years) > today for d in dates)
