"""Checking a client's month-by-month rows in a data file: goals, results, hours, payments
and reports (the part of the import's validator that runs thousands of times per file)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from retainer_tui.domain import validation as v
from retainer_tui.services.import_parse import key_part, month_place, quote
from retainer_tui.services.import_plan import ClientPlan

PAYMENT_KEYS = ("month", "amount", "received")
REPORT_KEYS = ("month", "sent", "highlights")
_PAYMENT_KEYS = frozenset(PAYMENT_KEYS)
_REPORT_KEYS = frozenset(REPORT_KEYS)
# A value that was refused (its problem is already recorded); pipeline_data knows it as
# a bare object().
BAD: Any = object()


@dataclass(frozen=True, slots=True)
class Verdict:
    """A refusal, memoised like a parsed value."""

    message: str


def a_date(value: object, what: str) -> date:
    """A TOML date, or a 'YYYY-MM-DD' string (JSON); never a date-time."""
    if isinstance(value, datetime):
        raise v.InvalidValue(f"{what} must be a date without a time (YYYY-MM-DD)")
    if isinstance(value, date | str):
        return v.a_date(value, what)
    raise v.InvalidValue(f"{what} must be a date written YYYY-MM-DD")


def money(value: object, what: str) -> int:
    """Cents from a decimal string (a float would have lost its exact value already)."""
    if isinstance(value, float):
        raise v.InvalidValue(f'{what} must be written as a decimal string such as "2000.00"')
    return v.money(value, what)


def _memo_key(value: object) -> bool:
    """A date or text, which a memo of dates may be keyed by: hashable, and a datetime
    (which a_date refuses) is never equal to one."""
    return type(value) is date or type(value) is str


class RowReader:
    """The month tables of one client; the validator supplies check, problem and tables."""

    metric_keys: set[str]
    check: Callable[..., Any]
    problem: Callable[[str, str], None]
    tables: Callable[[str, object], list[tuple[int, dict[str, Any]]]]
    unknown_keys: Callable[[str, dict[str, Any], tuple[str, ...]], None]

    def __init__(self) -> None:
        self.months: dict[object, str] = {}
        # Values of entries already found good, to what they give (amounts in cents,
        # dates as ISO text, highlights as kept): a large file repeats them thousands
        # of times.
        self.amounts: dict[object, int] = {}
        self.dates: dict[object, str] = {}
        self.texts: dict[object, str] = {}

    def client_rows(self, plan: ClientPlan, place: str, raw: dict[str, Any]) -> None:
        plan.goals = self.month_metrics(f"{place}.goals", raw.get("goals"), "target")
        plan.results = self.month_metrics(f"{place}.results", raw.get("results"), "actual")
        plan.hours = self.hours(f"{place}.hours", raw.get("hours"))
        plan.payments = self.payments(f"{place}.payments", raw.get("payments"))
        plan.reports = self.reports(f"{place}.reports", raw.get("reports"))

    def month(self, place: str, raw: object) -> str | Any:
        """A 'YYYY-MM' month (memoised: the same few months recur thousands of times)."""
        try:
            return self.months[raw]
        except (KeyError, TypeError):
            pass
        month = self.check(place, v.month, raw)
        if month is BAD:
            return BAD
        text = str(month)
        if isinstance(raw, str):
            self.months[raw] = text
        return text

    def month_table(self, place: str, raw: object) -> Iterator[tuple[str, str, object]]:
        """(key, month, value) for each valid month key of a month -> value table."""
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.problem(place, 'must be a table of "YYYY-MM" months')
            return
        seen: set[str] = set()
        months = self.months
        for key, value in raw.items():
            month = months.get(key)
            if month is None:
                month = self.month(month_place(place, key), key)
                if month is BAD:
                    continue
            if month in seen:
                self.problem(month_place(place, key), f"month {month} appears twice")
                continue
            seen.add(month)
            yield key, month, value

    def month_metrics(self, place: str, raw: object, what: str) -> list[tuple[str, str, int]]:
        """goals / results: month -> metric -> whole number."""
        rows: list[tuple[str, str, int]] = []
        known = self.metric_keys
        limit = v.MAX_COUNT
        for month_key, month, values in self.month_table(place, raw):
            if not isinstance(values, dict):
                self.problem(month_place(place, month_key), f"must be a table of metric = {what}")
                continue
            for key, value in values.items():
                if key not in known:
                    self.problem(
                        f"{month_place(place, month_key)}.{key_part(key)}",
                        f"unknown metric {quote(str(key))} "
                        "(not built-in, not in [[metrics]], not in the database)",
                    )
                    continue
                if type(value) is int and 0 <= value <= limit:
                    rows.append((key, month, value))
                    continue
                number = self.check(
                    f"{month_place(place, month_key)}.{key_part(key)}", v.count, value, what
                )
                if number is not BAD:
                    rows.append((key, month, number))
        return rows

    def hours(self, place: str, raw: object) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        limit = v.MAX_HOURS_X100
        for month_key, month, value in self.month_table(place, raw):
            # Fast path for the common case; anything else gets hours_x100's verdict.
            if type(value) is float and 0 <= value <= limit:
                scaled = round(value * 100)
                if scaled <= limit and scaled / 100 == value:
                    rows.append((month, scaled))
                    continue
            elif type(value) is int and 0 <= value * 100 <= limit:
                rows.append((month, value * 100))
                continue
            hundredths = self.check(month_place(place, month_key), v.hours_x100, value, "hours")
            if hundredths is not BAD:
                rows.append((month, hundredths))
        return rows

    def payments(self, place: str, raw: object) -> list[tuple[str, int, str]]:
        rows: list[tuple[str, int, str]] = []
        seen: set[str] = set()
        months, amounts, dates = self.months, self.amounts, self.dates
        for index, entry in self.entries(place, raw):
            # Fast path: known keys, and a month, amount and date already found good in
            # this file; anything else is checked (and its problems found) in full.
            if entry.keys() <= _PAYMENT_KEYS and len(entry) == 3:
                month = months.get(entry["month"]) if type(entry["month"]) is str else None
                amount = amounts.get(entry["amount"]) if type(entry["amount"]) is str else None
                received = dates.get(entry["received"]) if _memo_key(entry["received"]) else None
                if (
                    month is not None
                    and amount is not None
                    and received is not None
                    and month not in seen
                ):
                    seen.add(month)
                    rows.append((month, amount, received))
                    continue
            row = self.payment(f"{place}[{index}]", entry, seen)
            if row is not None:
                rows.append(row)
        return rows

    def payment(
        self, where: str, entry: dict[str, Any], seen: set[str]
    ) -> tuple[str, int, str] | None:
        self.unknown_keys(where, entry, PAYMENT_KEYS)
        month = self.entry_month(where, entry, seen)
        if "amount" in entry:
            amount = self.check(f"{where}.amount", money, entry["amount"], "amount")
            if amount is not BAD and type(entry["amount"]) is str:
                self.amounts[entry["amount"]] = amount
        else:
            self.problem(f"{where}.amount", "is required")
            amount = BAD
        if "received" in entry:
            received = self.a_date(f"{where}.received", entry["received"], "received")
        else:
            self.problem(f"{where}.received", "is required (the date it was received)")
            received = BAD
        if BAD in (month, amount, received):
            return None
        return month, amount, received

    def reports(self, place: str, raw: object) -> list[tuple[str, str | None, str]]:
        rows: list[tuple[str, str | None, str]] = []
        seen: set[str] = set()
        months, dates, texts = self.months, self.dates, self.texts
        for index, entry in self.entries(place, raw):
            # Fast path as for payments; an empty sent is no date, as below.
            if entry.keys() <= _REPORT_KEYS and "month" in entry:
                month = months.get(entry["month"]) if type(entry["month"]) is str else None
                raw_sent = entry.get("sent")
                sent = None
                if raw_sent not in (None, "") and _memo_key(raw_sent):
                    sent = dates.get(raw_sent)
                raw_text = entry.get("highlights")
                highlights = None
                if raw_text is None or type(raw_text) is str:
                    highlights = texts.get(raw_text)
                if (
                    month is not None
                    and (sent is not None or raw_sent in (None, ""))
                    and highlights is not None
                    and month not in seen
                ):
                    seen.add(month)
                    rows.append((month, sent, highlights))
                    continue
            row = self.report(f"{place}[{index}]", entry, seen)
            if row is not None:
                rows.append(row)
        return rows

    def report(
        self, where: str, entry: dict[str, Any], seen: set[str]
    ) -> tuple[str, str | None, str] | None:
        self.unknown_keys(where, entry, REPORT_KEYS)
        month = self.entry_month(where, entry, seen)
        sent = None
        if entry.get("sent") not in (None, ""):
            sent = self.a_date(f"{where}.sent", entry["sent"], "sent")
        raw = entry.get("highlights")
        highlights = self.check(f"{where}.highlights", v.long_text, raw, "highlights")
        if highlights is not BAD and (raw is None or type(raw) is str):
            self.texts[raw] = highlights
        if BAD in (month, sent, highlights):
            return None
        return month, sent, highlights

    def a_date(self, place: str, raw: object, what: str) -> str | Any:
        """A date's ISO text (memoised by value for a date or a str: a datetime is never
        equal to a date, so one cannot stand for the other)."""
        day = self.check(place, a_date, raw, what)
        if day is BAD:
            return BAD
        text: str = day.isoformat()
        if _memo_key(raw):
            self.dates[raw] = text
        return text

    def entries(self, place: str, raw: object) -> Iterator[tuple[int, dict[str, Any]]]:
        """The entries of an array of tables, 1-based, as tables() gives them, without
        building the list first when each one is a table."""
        if type(raw) is list and all(type(entry) is dict for entry in raw):
            return enumerate(raw, start=1)
        return iter(self.tables(place, raw))

    def entry_month(self, where: str, entry: dict[str, Any], seen: set[str]) -> str | Any:
        if "month" not in entry:
            self.problem(f"{where}.month", "is required (YYYY-MM)")
            return BAD
        month = self.month(f"{where}.month", entry["month"])
        if month is not BAD:
            if month in seen:
                self.problem(f"{where}.month", f"month {month} appears twice")
                return BAD
            seen.add(month)
        return month
