"""Month: a (year, month) value written YYYY-MM."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthError(ValueError):
    """A month that cannot be read."""


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ordered, hashable, and written 'YYYY-MM'."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise MonthError(f"month {self.month} is not between 1 and 12")
        if not 1 <= self.year <= 9999:
            raise MonthError(f"year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read 'YYYY-MM'."""
        match = _MONTH_RE.match(str(text).strip())
        if not match:
            raise MonthError(f"{text!r} is not a month (expected YYYY-MM)")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise MonthError(f"{text!r} is not a month (month must be 01-12)")
        if year < 1:
            raise MonthError(f"{text!r} is not a month (year must be 0001-9999)")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0, so that differences are plain subtraction."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def next(self) -> Month:
        return self.plus(1)

    def previous(self) -> Month:
        return self.plus(-1)

    @property
    def days(self) -> int:
        """Number of days in this month."""
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def day(self, day: int) -> date:
        """The given day of this month, clamped to the month's last day."""
        return date(self.year, self.month, min(max(day, 1), self.days))

    def label(self) -> str:
        """'November 2026'."""
        return f"{calendar.month_name[self.month]} {self.year}"

    def short_label(self) -> str:
        """'Nov 2026'."""
        return f"{calendar.month_abbr[self.month]} {self.year}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, inclusive (empty when last < first)."""
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]
