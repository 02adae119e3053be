"""Dates of birth as people write them, possibly partial."""

import re
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
