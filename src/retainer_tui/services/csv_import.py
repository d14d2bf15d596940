"""Importing monthly results (and hours) from a spreadsheet's CSV.

Two shapes are read, told apart by the header line:

- long: `client,month,metric,actual`, a row per client, month and metric (what
  `export --table results` writes); the metric `hours` (when no metric has that key) is
  the hours worked, so `client,month,hours` rows can go in the same sheet;
- wide: `client,month` then `hours` and/or one column per metric key (what `export --table
  hours` and `export --table wide` write). The wide sheet's fee, payment, received and
  report_sent columns are there to be read and are left out of the import (the summary
  says so).

Clients must be stored already (matched by name as the data file matches them: letter
case and the way of writing an accent do not matter); metrics too. An empty cell leaves
what is stored as it is; nothing is deleted. A cell's formula guard (the `'` the export
puts before a cell that would start a spreadsheet formula) is taken off again.

Every problem is reported at once as "line N, column X (name): …" and then nothing is
written; otherwise the rows are merged through import_write.apply, the data file's own
merge, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.names import name_key
from retainer_tui.services.csv_cells import unguard
from retainer_tui.services.csv_export import METRIC_PREFIX, WIDE_READ_ONLY
from retainer_tui.services.data_file import DataFileError, ImportProblem, ImportSummary
from retainer_tui.services.import_parse import quote
from retainer_tui.services.import_plan import ClientPlan, Context, Plan, StoredClient, read_context
from retainer_tui.services.import_write import apply

HOURS = "hours"
LONG_COLUMNS = ("client", "month", "metric", "actual")
# Beyond this many the metric keys are not all listed in a message.
_KEYS_LISTED = 12


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class _Row:
    line: int  # where the record starts, counting from 1
    cells: list[str]


@dataclass(frozen=True, slots=True)
class _Sheet:
    header: list[str]  # names as given, guard taken off and stripped
    rows: list[_Row]
    delimiter: str = ","


def _delimiter(first_line: str) -> str:
    """',' unless the header line has none and uses ';' (a spreadsheet set up for a
    comma as decimal sign writes that: its numbers are read as decimal_comma says) or a tab."""
    if "," in first_line:
        return ","
    if ";" in first_line:
        return ";"
    return "\t" if "\t" in first_line else ","


def read_sheet(text: str) -> _Sheet:
    """The header and rows of a CSV text; DataFileError for a sheet that cannot be read."""
    text = text.removeprefix("\ufeff")
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[_Row] = []
    header: list[str] | None = None
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataFileError([ImportProblem(f"line {line}", f"not valid CSV ({exc})")]) from None
        if header is None:
            header = [unguard(cell).strip() for cell in cells]
            continue
        if any(cell.strip() for cell in cells):
            rows.append(_Row(line, cells))
    if header is None or not any(header):
        raise DataFileError(
            [
                ImportProblem(
                    "line 1",
                    "the file is empty; a results sheet starts with the header line "
                    "client,month,metric,actual (or client,month,hours)",
                )
            ]
        )
    return _Sheet(header, rows, delimiter)


_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?")


def decimal_comma(text: str) -> str:
    """A number from a sheet separated by ';' (a spreadsheet whose decimal sign is the
    comma): '12,5' -> '12.5', '1.250' and '1 250' -> '1250'. A point that is not a
    thousands group ('52.75') is left for the parser to judge."""
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "." in text:
        if not _GROUPED.fullmatch(text):
            return text
        text = text.replace(".", "")
    return text.replace(",", ".")


@dataclass(slots=True)
class _Columns:
    """Where each column the import reads is (0-based), and the columns it leaves out."""

    client: int
    month: int
    metric: int | None = None  # the long shape
    actual: int | None = None
    hours: int | None = None  # the wide shape
    metrics: dict[int, str] | None = None  # index -> metric key
    left_out: tuple[str, ...] = ()


def _place(line: int, index: int, header: list[str]) -> str:
    name = header[index] if index < len(header) else ""
    where = f"line {line}, column {column_letter(index)}"
    return f"{where} ({quote(name)[1:-1]})" if name else where


def _known(ctx: Context) -> str:
    keys = sorted(ctx.metrics)
    shown = ", ".join(keys[:_KEYS_LISTED])
    return shown + (", …" if len(keys) > _KEYS_LISTED else "")


class _Check:
    """The checks of one sheet against what is stored: every problem, and the plan."""

    def __init__(self, sheet: _Sheet, ctx: Context) -> None:
        self.sheet = sheet
        self.ctx = ctx
        self.problems: list[ImportProblem] = []
        self.plans: dict[int, ClientPlan] = {}  # stored id -> plan
        self.seen: dict[tuple[int, str, str], int] = {}  # (client, month, what) -> line
        # What a cell's text gave (value, problem): the same names and months recur on
        # thousands of rows.
        self.clients: dict[str, tuple[StoredClient | None, str | None]] = {}
        self.months: dict[str, tuple[str | None, str | None]] = {}

    def problem(self, line: int, index: int | None, message: str) -> None:
        place = f"line {line}" if index is None else _place(line, index, self.sheet.header)
        self.problems.append(ImportProblem(place, message))

    # ------------------------------------------------------------ the header

    def columns(self) -> _Columns | None:
        header = self.sheet.header
        lowered = [name.lower() for name in header]
        where: dict[str, int] = {}
        for index, name in enumerate(lowered):
            if not name:
                continue
            if name in where:
                self.problem(1, index, f"column {quote(header[index])} appears twice")
            where.setdefault(name, index)
        long = "metric" in where
        needed = LONG_COLUMNS if long else ("client", "month")
        missing = [name for name in needed if name not in where]
        if missing:
            shape = "client,month,metric,actual" if long else "client,month then hours or metrics"
            names = ", ".join(missing)
            self.problem(1, None, f"missing column {names} (a results sheet has {shape})")
            return None
        cols = _Columns(where["client"], where["month"])
        if long:
            cols.metric, cols.actual = where["metric"], where["actual"]
        else:
            cols.metrics = {}
        left_out: list[str] = []
        for index, name in enumerate(lowered):
            if not name or where[name] != index or index in (cols.client, cols.month):
                continue
            if long and index in (cols.metric, cols.actual):
                continue
            if name in WIDE_READ_ONLY and not long:
                left_out.append(header[index])
            elif not long and name == HOURS:
                cols.hours = index
            elif not long and self.metric_key(name) is not None:
                assert cols.metrics is not None
                cols.metrics[index] = self.metric_key(name) or ""
            elif name == "target":
                self.problem(1, index, "targets are not imported from CSV (they are goals: set "
                             "them in the app or a data file); leave the column out")  # fmt: skip
            else:
                self.problem(1, index, self.unknown_column(header[index], long))
        cols.left_out = tuple(left_out)
        return cols

    def metric_key(self, name: str) -> str | None:
        key = name.removeprefix(METRIC_PREFIX)
        return key if key in self.ctx.metrics else None

    def unknown_column(self, name: str, long: bool) -> str:
        if long:
            return (
                f"unknown column {quote(name)}; a results sheet has client, month, metric, actual"
            )
        return f"unknown column {quote(name)}: not hours and not a metric key ({_known(self.ctx)})"

    # ------------------------------------------------------------ the rows

    def rows(self, cols: _Columns) -> None:
        width = len(self.sheet.header)
        unnamed = [i for i, name in enumerate(self.sheet.header) if not name]
        for row in self.sheet.rows:
            cells = [unguard(cell) for cell in row.cells]
            for index in range(width, len(cells)):
                if cells[index].strip():
                    self.problem(row.line, index, "a cell beyond the header's last column")
            cells += [""] * (width - len(cells))
            for index in unnamed:
                if cells[index].strip():
                    self.problem(row.line, index, "a cell in a column the header gives no name")
            client = self.client(row.line, cols.client, cells[cols.client])
            month = self.month(row.line, cols.month, cells[cols.month])
            if cols.metrics is None:
                assert cols.metric is not None and cols.actual is not None
                self.long_row(row.line, cols, cells, client, month)
                continue
            if cols.hours is not None:
                self.value(row.line, cols.hours, cells[cols.hours], client, month, HOURS)
            for index, key in cols.metrics.items():
                self.value(row.line, index, cells[index], client, month, key)

    def long_row(
        self,
        line: int,
        cols: _Columns,
        cells: list[str],
        client: StoredClient | None,
        month: str | None,
    ) -> None:
        assert cols.metric is not None and cols.actual is not None
        text = cells[cols.metric].strip()
        if not text:
            self.problem(line, cols.metric, "metric is required")
            return
        key = self.metric_key(text.lower())  # keys are written in lower case
        if key is None and text.lower() == HOURS:
            key = HOURS
        if key is None:
            self.problem(line, cols.metric, f"unknown metric {quote(text)} ({_known(self.ctx)})")
            return
        self.value(line, cols.actual, cells[cols.actual], client, month, key)

    def client(self, line: int, index: int, cell: str) -> StoredClient | None:
        found = self.clients.get(cell)
        if found is None:
            found = self.clients[cell] = self.find_client(cell.strip())
        stored, message = found
        if message is not None:
            self.problem(line, index, message)
        return stored

    def find_client(self, text: str) -> tuple[StoredClient | None, str | None]:
        if not text:
            return None, "client is required"
        key = name_key(text)
        found = self.ctx.ambiguous.get(key)
        if found is not None:
            if text in found:
                return found[text], None
            names = ", ".join(quote(n) for n in sorted(found))
            return None, (f"matches {len(found)} stored clients ({names}); give the name "
                          "exactly as stored")  # fmt: skip
        stored = self.ctx.clients.get(key)
        if stored is None:
            return None, (f"unknown client {quote(text)} (add the client in the app or with a "
                          "data file first)")  # fmt: skip
        return stored, None

    def month(self, line: int, index: int, cell: str) -> str | None:
        found = self.months.get(cell)
        if found is None:
            try:
                found = (str(v.month(cell.strip(), "month")), None)
            except v.InvalidValue as exc:
                found = (None, str(exc))
            self.months[cell] = found
        month, message = found
        if message is not None:
            self.problem(line, index, message)
        return month

    def value(
        self,
        line: int,
        index: int,
        cell: str,
        client: StoredClient | None,
        month: str | None,
        key: str,
    ) -> None:
        """One actual (or hours) cell: empty leaves what is stored."""
        text = cell.strip()
        if not text:
            return
        if self.sheet.delimiter == ";":
            text = decimal_comma(text)
        try:
            if key == HOURS:
                number = v.hours_x100(text, "hours")
            elif text.isdigit() and text.isascii() and len(text) < 10:
                number = int(text)  # the common case, well inside count's limit
            else:
                number = v.count(text, "actual")
        except v.InvalidValue as exc:
            self.problem(line, index, str(exc))
            return
        if client is None or month is None:
            return
        earlier = self.seen.setdefault((client.id, month, key), line)
        if earlier != line:
            what = "hours" if key == HOURS else key
            self.problem(line, index, f"{quote(client.name)} {month} {what} is also on line "
                         f"{earlier}")  # fmt: skip
            return
        plan = self.plans.get(client.id)
        if plan is None:
            plan = self.plans[client.id] = ClientPlan(client.name, name_key(client.name), client)
        if key == HOURS:
            plan.hours.append((month, number))
        else:
            plan.results.append((key, month, number))


@dataclass(frozen=True, slots=True)
class CsvImport:
    """What a CSV import did (or would do), and the columns it left out."""

    summary: ImportSummary
    left_out: tuple[str, ...] = ()


def _validate(sheet: _Sheet, ctx: Context) -> tuple[Plan, tuple[str, ...]]:
    check = _Check(sheet, ctx)
    cols = check.columns()
    if cols is not None and not check.problems:
        check.rows(cols)
    if check.problems:
        raise DataFileError(check.problems)
    assert cols is not None
    return Plan(clients=list(check.plans.values())), cols.left_out


def import_csv(
    db: Database, text: str, *, dry_run: bool = False, backup_dir: Path | None = None
) -> CsvImport:
    """Check the whole sheet against the stored clients and metrics, then (unless dry_run)
    back the database up into backup_dir, when anything changes, and merge the rows in one
    transaction. DataFileError lists every problem; then nothing is written."""
    sheet = read_sheet(text)
    with db.reading() as session:
        ctx = read_context(session)
        plan, left_out = _validate(sheet, ctx)
        counts: dict[str, Any] = apply(session, plan, ctx, replace=False, write=False)
    changes = any(counts[k].added or counts[k].updated for k in ("results", "hours"))
    backup = None
    if not dry_run and changes:
        if backup_dir is not None:
            backup = _backup(db, backup_dir)
        with db.writing() as session:
            # Read again under the write lock: a client renamed or removed since is
            # checked again against what is stored now.
            fresh = read_context(session)
            if fresh != ctx:
                plan, left_out = _validate(sheet, fresh)
            counts = apply(session, plan, fresh, replace=False, write=True)
            from retainer_tui.services.change_log import sign_action

            done = ImportSummary(results=counts["results"], hours=counts["hours"])
            sign_action(session, f"CSV import: {done.describe()}")
    summary = ImportSummary(results=counts["results"], hours=counts["hours"], backup=backup)
    return CsvImport(summary, left_out)


def _backup(db: Database, folder: Path) -> Path:
    """A copy of the database before the import changes it."""
    from retainer_tui.db.errors import DatabaseError
    from retainer_tui.services.backups import take_backup

    try:
        return take_backup(db, folder, "before-import")
    except DatabaseError as exc:
        raise DatabaseError(f"{exc}; nothing was imported (the import backs up first)") from None
