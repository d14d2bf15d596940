"""Month: a (year, month) value written YYYY-MM."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# The months a user may type, a data file may hold and the app navigates to. Outside them a
# month is a typo ("0226-01", "9999-12") and enumerating months of service from it would cost
# thousands of iterations per client.
FIRST_ACCEPTED = (1990, 1)
LAST_ACCEPTED = (2099, 12)
RANGE_TEXT = "from 1990-01 to 2099-12"


class MonthError(ValueError):
    """A month that cannot be read."""


class MonthOutOfRange(MonthError):
    """A month written correctly but outside 1990-01..2099-12."""


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ordered, hashable, and written 'YYYY-MM'."""

    year: int
    month: int

    MIN: ClassVar[Month]
    MAX: ClassVar[Month]

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise MonthError(f"month {self.month} is not between 1 and 12")
        if not 1 <= self.year <= 9999:
            raise MonthError(f"year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read 'YYYY-MM' typed by a user or held in a data file: 1990-01 to 2099-12 only."""
        found = cls._read(text)
        if not cls.MIN <= found <= cls.MAX:
            raise MonthOutOfRange(f"{_shown(text)} must be a month {RANGE_TEXT}")
        return found

    @classmethod
    def stored(cls, text: str) -> Month:
        """Read a month from the database, which another tool may have written: any year
        0001-9999, brought into 1990-01..2099-12 so that nothing enumerates 24,000 months."""
        return min(max(cls._read(text), cls.MIN), cls.MAX)

    @classmethod
    def _read(cls, text: str) -> Month:
        match = _MONTH_RE.match(str(text).strip())
        if not match:
            raise MonthError(f"{_shown(text)} is not a month (expected YYYY-MM)")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise MonthError(f"{_shown(text)} is not a month (month must be 01-12)")
        if year < 1:
            raise MonthOutOfRange(f"{_shown(text)} must be a month {RANGE_TEXT}")
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
    def accepted(self) -> bool:
        """Whether the month lies in the range users may type and navigate (1990-01..2099-12)."""
        return Month.MIN <= self <= Month.MAX

    def step(self, months: int) -> Month:
        """The month `months` away, for navigation: MonthError (saying where the range ends)
        when that leaves 1990-01..2099-12."""
        index = self.index + months
        if index > Month.MAX.index:
            raise MonthError(f"{Month.MAX.label()} is the last month the app goes to")
        if index < Month.MIN.index:
            raise MonthError(f"{Month.MIN.label()} is the first month the app goes to")
        return Month.from_index(index)

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


Month.MIN = Month(*FIRST_ACCEPTED)
Month.MAX = Month(*LAST_ACCEPTED)


def _shown(text: object) -> str:
    """The typed text for a message: quoted, and cut short when someone pasted a novel."""
    written = str(text).strip()
    return repr(written if len(written) <= 30 else written[:30] + "…")


def accepted_date(day: date) -> bool:
    """Whether a date falls in an accepted month (1990-01-01 to 2099-12-31)."""
    return Month.of(day).accepted


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, inclusive (empty when last < first)."""
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]
