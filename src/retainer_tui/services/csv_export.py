"""Spreadsheet sheets (CSV): one per table, or one wide sheet with a row per client-month.

`retainer export --format csv` alone writes the flat goals-and-results sheet
(flat_sheet, what export_text(db, "csv") has always written); `--table NAME` picks one
of CSV_TABLES. Every sheet
has a header line, RFC 4180 quoting and CRLF line ends; clients come in the client list's
name order, months ascending, metrics in catalogue order, so the same database always
gives the same bytes. Text cells go through csv_cells.safe_cell: a cell that would start a
spreadsheet formula gets a leading `'` (the CSV import takes it off again).

`excel`: a UTF-8 byte order mark first, so that Excel and LibreOffice read accents right
(without it Excel guesses the system's code page).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Connection
from sqlmodel import col

from retainer_tui.db.engine import Database
from retainer_tui.db.models import Client, Goal, Hours, Metric, Payment, Report, Result, Tier
from retainer_tui.domain.money import decimal_string
from retainer_tui.domain.month import Month
from retainer_tui.services.csv_cells import safe_cell
from retainer_tui.services.data_file import CSV_TABLES
from retainer_tui.services.export import (
    _as_text,
    _by_client,
    _by_month,
    _chunks,
    _in_name_order,
    _metric_rank,
    _month_values,
    _select,
)

BOM = "\ufeff"
CLIENTS_HEADER = (
    "name", "company", "decision_maker", "email", "phone", "status", "tier", "monthly_fee",
    "start", "end", "billing_day", "report_due_day", "service_type", "stage", "next_action",
    "next_action_on", "notes",
)  # fmt: skip
FLAT_HEADER = ("client", "month", "metric", "target", "actual")
GOALS_HEADER = ("client", "month", "metric", "target")
RESULTS_HEADER = ("client", "month", "metric", "actual")
HOURS_HEADER = ("client", "month", "hours")
PAYMENTS_HEADER = ("client", "month", "amount", "received")
REPORTS_HEADER = ("client", "month", "sent", "highlights")
# The wide sheet's columns before one column per metric (its actual for the month). Only
# hours and the metrics are read back by the CSV import; the others are for reading.
WIDE_FIXED = ("client", "month", "fee", "hours", "payment", "received", "report_sent")
WIDE_READ_ONLY = ("fee", "payment", "received", "report_sent")
# A metric whose key is one of the fixed columns is written as "metric:KEY".
METRIC_PREFIX = "metric:"


def csv_export(db: Database, table: str | None = None, *, excel: bool = False) -> str:
    """The sheet of the table (None: the flat goals-and-results sheet), read in one
    consistent snapshot; excel puts a UTF-8 byte order mark first."""
    if table is not None and table not in CSV_TABLES:
        raise ValueError(f"unknown table {table!r}; use {', '.join(CSV_TABLES)}")
    with db.reading() as session:
        text = (flat_sheet if table is None else _SHEETS[table])(session.connection())
    return BOM + text if excel else text


def hours_text(hours_x100: int) -> str:
    """Hundredths of an hour as the shortest exact decimal: 1250 -> '12.5', 1200 -> '12'."""
    whole, cents = divmod(hours_x100, 100)
    return str(whole) if not cents else f"{whole}.{cents:02d}".rstrip("0")


def wide_metric_column(key: str) -> str:
    return METRIC_PREFIX + key if key in WIDE_FIXED else key


class _Sheet:
    """A CSV writer with CRLF line ends whose text cells are made formula-safe."""

    def __init__(self, header: Iterable[str]) -> None:
        self.buffer = io.StringIO()
        # RFC 4180 line ends: with "\r\n" as terminator, csv quotes a cell holding either.
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.row(header)

    def row(self, cells: Iterable[object]) -> None:
        self.writer.writerow([safe_cell(cell) for cell in cells])

    def text(self) -> str:
        return self.buffer.getvalue()


def flat_sheet(conn: Connection) -> str:
    """client,month,metric,target,actual (`export --format csv`): one row per month and
    metric with a target (carried forward) or a result, from the client's first goal or
    result month to its last one."""
    rank = _metric_rank(conn)
    sheet = _Sheet(FLAT_HEADER)
    for chunk in _chunks(_clients_in_order(conn)):
        ids = [client_id for client_id, _ in chunk]
        goals_of = _month_values(conn, Goal, Goal.target, ids)
        results_of = _month_values(conn, Result, Result.actual, ids)
        for client_id, name in chunk:
            _flat_client(sheet, name, goals_of[client_id], results_of[client_id], rank)
    return sheet.text()


def _flat_client(
    sheet: _Sheet,
    name: str,
    goal_rows: list[tuple[Any, ...]],
    result_rows: list[tuple[Any, ...]],
    rank: dict[str, int],
) -> None:
    """The client's rows, from its first goal or result month to its last one."""
    goals = _by_month(goal_rows, rank)
    results = _by_month(result_rows, rank)
    months = sorted({*goals, *results})
    if not months:
        return
    first, last = Month.stored(months[0]), Month.stored(months[-1])
    current: dict[str, int] = {}
    for index in range(first.index, last.index + 1):
        month = str(Month.from_index(index))
        current.update(goals.get(month, {}))
        actuals = results.get(month, {})
        keys = sorted({*current, *actuals}, key=lambda k: (rank.get(k, len(rank)), k))
        for key in keys:
            sheet.row((name, month, key, current.get(key, ""), actuals.get(key, "")))


def _clients_in_order(conn: Connection) -> list[tuple[int, str]]:
    return _in_name_order(conn.execute(_select(Client.id, Client.name)).all())


def _per_client(
    conn: Connection,
    header: Iterable[str],
    stmt_of: Callable[[list[int]], Any],
    cells: Callable[[tuple[Any, ...]], Iterable[object]],
) -> str:
    """A sheet of (client, *cells(row)) for each row stmt_of(ids) selects (client_id first,
    then in the statement's order), clients in name order."""
    sheet = _Sheet(header)
    for chunk in _chunks(_clients_in_order(conn)):
        ids = [client_id for client_id, _ in chunk]
        rows_of = _by_client(conn, stmt_of(ids), ids)
        for client_id, name in chunk:
            for row in rows_of[client_id]:
                sheet.row((name, *cells(row)))
    return sheet.text()


def _clients_sheet(conn: Connection) -> str:
    rows = conn.execute(
        _select(
            Client.id,
            Client.name,
            Client.company,
            Client.decision_maker,
            Client.email,
            Client.phone,
            Client.status,
            Tier.name,
            Client.fee_override_cents,
            Tier.monthly_fee_cents,
            Client.start_month,
            Client.end_month,
            Client.billing_day,
            Client.report_due_day,
            Client.service_type,
            Client.stage,
            Client.next_action,
            _as_text(Client.next_action_on),
            Client.notes,
        ).outerjoin(Tier, col(Tier.id) == Client.tier_id)
    ).all()
    sheet = _Sheet(CLIENTS_HEADER)
    for row in _in_name_order(rows):
        (_, name, company, decision_maker, email, phone, status, tier, override, tier_fee,
         start, end, billing_day, report_due_day, service_type, stage, next_action,
         next_action_on, notes) = row  # fmt: skip
        fee = override if override is not None else tier_fee
        sheet.row(
            (
                name,
                company,
                decision_maker,
                email,
                phone,
                status,
                tier or "",
                "" if fee is None else decimal_string(fee),
                start or "",
                end or "",
                billing_day,
                report_due_day,
                service_type,
                stage,
                next_action,
                next_action_on or "",
                notes,
            )  # fmt: skip
        )
    return sheet.text()


def _month_metric_sheet(conn: Connection, model: Any, value: Any, header: tuple[str, ...]) -> str:
    rank = _metric_rank(conn)
    sheet = _Sheet(header)
    for chunk in _chunks(_clients_in_order(conn)):
        ids = [client_id for client_id, _ in chunk]
        rows_of = _by_client(
            conn,
            _select(model.client_id, model.month, model.metric_key, value).where(
                col(model.client_id).in_(ids)
            ),
            ids,
        )
        for client_id, name in chunk:
            rows = sorted(rows_of[client_id], key=lambda r: (r[0], rank.get(r[1], len(rank)), r[1]))
            for month, key, number in rows:
                sheet.row((name, month, key, number))
    return sheet.text()


def _goals_sheet(conn: Connection) -> str:
    return _month_metric_sheet(conn, Goal, Goal.target, GOALS_HEADER)


def _results_sheet(conn: Connection) -> str:
    return _month_metric_sheet(conn, Result, Result.actual, RESULTS_HEADER)


def _hours_of(ids: list[int]) -> Any:
    return (
        _select(Hours.client_id, Hours.month, Hours.hours_x100)
        .where(col(Hours.client_id).in_(ids))
        .order_by(col(Hours.client_id), col(Hours.month))
    )


def _payments_of(ids: list[int]) -> Any:
    return (
        _select(
            Payment.client_id, Payment.month, Payment.amount_cents, _as_text(Payment.received_on)
        )
        .where(col(Payment.client_id).in_(ids))
        .order_by(col(Payment.client_id), col(Payment.month))
    )


def _reports_of(ids: list[int]) -> Any:
    return (
        _select(Report.client_id, Report.month, _as_text(Report.sent_on), Report.highlights)
        .where(col(Report.client_id).in_(ids))
        .order_by(col(Report.client_id), col(Report.month))
    )


def _hours_sheet(conn: Connection) -> str:
    return _per_client(conn, HOURS_HEADER, _hours_of, lambda r: (r[0], hours_text(r[1])))


def _payments_sheet(conn: Connection) -> str:
    return _per_client(
        conn, PAYMENTS_HEADER, _payments_of, lambda r: (r[0], decimal_string(r[1]), r[2])
    )


def _reports_sheet(conn: Connection) -> str:
    return _per_client(conn, REPORTS_HEADER, _reports_of, lambda r: (r[0], r[1] or "", r[2]))


def _wide_sheet(conn: Connection) -> str:
    """A row per client and month with any result, hours, payment or report: the client's
    fee, hours, payment (amount and date), report sent date and each metric's actual."""
    keys = [
        key
        for (key,) in conn.execute(
            _select(Metric.key).order_by(col(Metric.position), col(Metric.key))
        )
    ]
    sheet = _Sheet((*WIDE_FIXED, *(wide_metric_column(key) for key in keys)))
    fees = {
        client_id: (override if override is not None else tier_fee)
        for client_id, override, tier_fee in conn.execute(
            _select(Client.id, Client.fee_override_cents, Tier.monthly_fee_cents).outerjoin(
                Tier, col(Tier.id) == Client.tier_id
            )
        )
    }
    for chunk in _chunks(_clients_in_order(conn)):
        ids = [client_id for client_id, _ in chunk]
        results_of = _by_client(
            conn,
            _select(Result.client_id, Result.month, Result.metric_key, Result.actual).where(
                col(Result.client_id).in_(ids)
            ),
            ids,
        )
        hours_of = _by_client(conn, _hours_of(ids), ids)
        payments_of = _by_client(conn, _payments_of(ids), ids)
        reports_of = _by_client(conn, _reports_of(ids), ids)
        for client_id, name in chunk:
            fee = fees.get(client_id)
            for row in _wide_rows(
                keys,
                results_of[client_id],
                dict(hours_of[client_id]),
                {m: (a, r) for m, a, r in payments_of[client_id]},
                {m: s for m, s, _ in reports_of[client_id]},
            ):
                sheet.row((name, row[0], "" if fee is None else decimal_string(fee), *row[1:]))
    return sheet.text()


def _wide_rows(
    keys: list[str],
    results: list[tuple[Any, ...]],
    hours: dict[str, int],
    payments: dict[str, tuple[int, str]],
    reports: dict[str, str | None],
) -> Iterator[tuple[object, ...]]:
    actuals: dict[str, dict[str, int]] = {}
    for month, key, actual in results:
        actuals.setdefault(month, {})[key] = actual
    for month in sorted({*actuals, *hours, *payments, *reports}):
        paid = payments.get(month)
        worked = hours.get(month)
        of_month = actuals.get(month, {})
        yield (
            month,
            "" if worked is None else hours_text(worked),
            "" if paid is None else decimal_string(paid[0]),
            "" if paid is None else paid[1],
            reports.get(month) or "",
            *(of_month.get(key, "") for key in keys),
        )


_SHEETS: dict[str, Callable[[Connection], str]] = {
    "clients": _clients_sheet,
    "goals": _goals_sheet,
    "results": _results_sheet,
    "hours": _hours_sheet,
    "payments": _payments_sheet,
    "reports": _reports_sheet,
    "wide": _wide_sheet,
}
