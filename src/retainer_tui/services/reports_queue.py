"""The queue of monthly reports owed (due or overdue, with each month's status), the
reports recently sent, and the queue as `retainer reports` prints it (JSON or a table)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.domain.reports import ReportState, report_due_date, report_state
from retainer_tui.domain.status import MetricStatus, as_fraction, metric_status, worst_status
from retainer_tui.domain.terminal_text import visible
from retainer_tui.services.month_view import load_month_from

if TYPE_CHECKING:
    from sqlmodel import Session

# SQLAlchemy, the models and db.statements are imported inside the functions that run
# statements: the app's start-up path (the report screens import this module) loads no
# ORM (test_layering).


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A report owed as of the as-of date: due, or overdue since its due date."""

    client_id: int
    client: str
    month: Month
    due_on: date
    state: ReportState
    month_status: MetricStatus
    as_of: date

    @property
    def days_overdue(self) -> int:
        """Days past the due date; 0 while only due."""
        return max(0, (self.as_of - self.due_on).days)

    @property
    def overdue(self) -> bool:
        return self.state is ReportState.OVERDUE


@dataclass(frozen=True, slots=True)
class SentItem:
    """A report already sent."""

    client_id: int
    client: str
    month: Month
    sent_on: date


def sort_queue(items: list[QueueItem]) -> list[QueueItem]:
    """Overdue first, then due; oldest due date first; then by client name."""
    return sorted(items, key=lambda i: (not i.overdue, i.due_on, i.client.casefold(), i.month))


def report_queue(
    db: Database, *, as_of: date, tolerance: float = 0.2, grace_days: int = 7
) -> list[QueueItem]:
    """Every report owed as of the date (due or overdue, not sent), overdue first."""
    from sqlmodel import select

    from retainer_tui.db.models import Client
    from retainer_tui.db.statements import session_of

    last = Month.of(as_of).previous()
    with db.reading() as conn:
        session = session_of(conn)
        view = load_month_from(
            conn, month=last, as_of=as_of, tolerance=tolerance, grace_days=grace_days
        )
        owing = {c.id: c.reports_owed for c in view.clients if c.reports_owed}
        statuses = _owed_statuses(session, owing, as_of, as_fraction(tolerance))
        due_days = dict(session.execute(select(Client.id, Client.report_due_day)).all())
    items: list[QueueItem] = []
    for client in view.clients:
        due_day = due_days.get(client.id, 5)
        for month in client.reports_owed:
            items.append(
                QueueItem(
                    client_id=client.id,
                    client=client.name,
                    month=month,
                    due_on=report_due_date(month, due_day),
                    state=report_state(month, as_of, report_due_day=due_day, sent_on=None),
                    month_status=statuses[client.id, month],
                    as_of=as_of,
                )
            )
    return sort_queue(items)


def _owed_statuses(
    session: Session,
    owing: dict[int, tuple[Month, ...]],
    as_of: date,
    tolerance: Fraction,
) -> dict[tuple[int, Month], MetricStatus]:
    """Each owing client's status in each owed month, from its goals and results read once.

    The same rule as the month view (targets carry forward, 0 stops tracking, worst
    metric wins) without building a whole month view per owed month: a client in service
    since 1990 owes hundreds of months, and a view each made `reports` quadratic."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Goal, Result

    goals: dict[int, dict[str, list[tuple[str, int]]]] = {cid: {} for cid in owing}
    actuals: dict[int, dict[tuple[str, str], int]] = {cid: {} for cid in owing}
    ids = list(owing)
    for start in range(0, len(ids), 500):
        # In chunks: each id is one bound parameter, and engines cap how many there are.
        chunk = ids[start : start + 500]
        for cid, key, month_t, target in session.execute(
            select(Goal.client_id, Goal.metric_key, Goal.month, Goal.target)
            .where(col(Goal.client_id).in_(chunk))
            .order_by(Goal.month)
        ):
            goals[cid].setdefault(key, []).append((month_t, target))
        for cid, key, month_t, actual in session.execute(
            select(Result.client_id, Result.metric_key, Result.month, Result.actual).where(
                col(Result.client_id).in_(chunk)
            )
        ):
            actuals[cid][key, month_t] = actual
    statuses: dict[tuple[int, Month], MetricStatus] = {}
    for cid, months in owing.items():
        history = {key: ([m for m, _ in steps], [t for _, t in steps])
                   for key, steps in goals[cid].items()}  # fmt: skip
        delivered = actuals[cid]
        for month in months:
            text = str(month)
            cells = []
            for key, (set_in, targets) in history.items():
                # The latest target set in this month or before (months compare as text,
                # as the month view's SQL compares them).
                found = bisect_right(set_in, text)
                if found and targets[found - 1] > 0:
                    target = targets[found - 1]
                    actual = delivered.get((key, text))
                    cells.append(metric_status(target, actual, month, as_of, tolerance))
            statuses[cid, month] = worst_status(cells)
    return statuses


def recent_sent(
    db: Database, *, as_of: date, months: int = 3, limit: int | None = None
) -> list[SentItem]:
    """Reports sent for the last `months` months up to the as-of month, newest first."""
    from sqlmodel import col, func, select

    from retainer_tui.db.models import Client, Report

    first = Month.of(as_of).plus(-months)
    sent_on = col(Report.sent_on)
    stmt = (
        select(Report.client_id, Client.name, Report.month, sent_on)
        .join(Client, col(Client.id) == col(Report.client_id))
        .where(
            sent_on.is_not(None),
            Report.month >= str(first),
            Report.month <= str(Month.of(as_of)),
        )
        # lower() for the NOCASE order the name had (SQLite's lower() folds ASCII only,
        # as NOCASE does); in SQL, not Python, so that LIMIT keeps the same rows.
        .order_by(sent_on.desc(), col(Report.month).desc(), func.lower(Client.name))
        .limit(limit)
    )
    with db.reading() as session:
        rows = session.execute(stmt).all()
    return [SentItem(cid, name, Month.stored(m), sent) for cid, name, m, sent in rows]


def queue_object(items: list[QueueItem], as_of: date) -> dict[str, object]:
    """The `retainer reports --json` object."""
    return {
        "as_of": as_of.isoformat(),
        "counts": {
            "owed": len(items),
            "overdue": sum(1 for i in items if i.overdue),
            "due": sum(1 for i in items if not i.overdue),
        },
        "reports": [
            {
                "client": i.client,
                "month": str(i.month),
                "due": i.due_on.isoformat(),
                "state": str(i.state),
                "days_overdue": i.days_overdue,
                "month_status": str(i.month_status),
            }
            for i in items
        ],
    }


def queue_table(items: list[QueueItem], as_of: date) -> str:
    """The queue as a plain-text table for people."""
    if not items:
        return f"No reports owed as of {as_of.isoformat()}."
    header = ("Client", "Month", "Due", "State", "Days overdue", "Month status")
    rows = [
        (
            visible(i.client),  # from the database: shown, never obeyed
            str(i.month),
            i.due_on.isoformat(),
            str(i.state),
            str(i.days_overdue) if i.overdue else "-",
            i.month_status.label,
        )
        for i in items
    ]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        f"Reports owed as of {as_of.isoformat()}",
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    overdue = sum(1 for i in items if i.overdue)
    lines += ["", f"{len(items)} owed: {overdue} overdue, {len(items) - overdue} due."]
    return "\n".join(lines)
