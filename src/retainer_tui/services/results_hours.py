"""Results and hours: what was delivered for a metric in a month, and the hours worked.

Like every entry module it imports SQLAlchemy inside its functions (services.entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services.entry_common import block_session as _session
from retainer_tui.services.entry_common import month_row_write
from retainer_tui.services.entry_common import read_field as _field
from retainer_tui.services.entry_common import read_month as _month
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class ResultSaved:
    client_id: int
    metric: str
    month: Month
    actual: int | None
    change: Change


@dataclass(frozen=True, slots=True)
class HoursSaved:
    client_id: int
    month: Month
    hours_x100: int | None
    change: Change


def _names(session: Session, client_id: int, metric: str) -> tuple[str, str]:
    """The client's name and the metric's label (NotFound / FormInvalid when missing), in
    one statement: a grid save runs this on every cell."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Metric

    name, label = session.execute(
        select(
            select(col(Client.name)).where(col(Client.id) == client_id).scalar_subquery(),
            select(col(Metric.label)).where(col(Metric.key) == metric).scalar_subquery(),
        )
    ).one()
    if name is None:
        raise NotFound("That client no longer exists")
    if label is None:
        raise FormInvalid({"metric": f"there is no metric {metric!r}"})
    return str(name), str(label)


def set_result(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    actual: str | int,
    undo: UndoStack | None = None,
) -> ResultSaved:
    """Record (or correct) what was delivered for a metric in a month."""
    m = _month(month)
    value = _field("actual", lambda: v.count(actual, "result"))
    return _write_result(db, client_id, metric, m, value, undo)


def clear_result(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    undo: UndoStack | None = None,
) -> ResultSaved:
    """Remove a result (back to 'not entered')."""
    return _write_result(db, client_id, metric, _month(month), None, undo)


def _write_result(
    db: Database, client_id: int, metric: str, m: Month, value: int | None, undo: UndoStack | None
) -> ResultSaved:
    """The month's result for the metric stored, or removed when value is None; one
    transaction, recorded for undo."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Result
    from retainer_tui.db.statements import upsert

    with db.writing() as conn:
        session = _session(conn)
        name, label = _names(session, client_id, metric)
        rec = Recorder(conn)
        rec.touch("result", (client_id, metric, str(m)))
        if value is None:
            session.execute(
                delete(Result).where(
                    col(Result.client_id) == client_id,
                    col(Result.metric_key) == metric,
                    col(Result.month) == str(m),
                )
            )
            what = "cleared"
        else:
            session.execute(
                upsert(
                    session, Result, keys=["client_id", "metric_key", "month"], update=["actual"]
                ),
                {"client_id": client_id, "metric_key": metric, "month": str(m), "actual": value},
            )
            what = f"{value:,}"
        change = rec.finish(f"{name}: {label} {what} in {m.short_label()}")
    return ResultSaved(client_id, metric, m, value, record(undo, change))


def set_hours(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    hours: str | int,
    undo: UndoStack | None = None,
) -> HoursSaved:
    """Record the hours worked for a client in a month ('12.5' or 12)."""
    m = _month(month)
    value = _field("hours", lambda: v.hours_x100(hours, "hours"))
    return _write_hours(db, client_id, m, value, undo)


def clear_hours(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> HoursSaved:
    """Remove the hours recorded for a month."""
    return _write_hours(db, client_id, _month(month), None, undo)


def _write_hours(
    db: Database, client_id: int, m: Month, value: int | None, undo: UndoStack | None
) -> HoursSaved:
    """The month's hours stored, or removed when value is None; one transaction, recorded
    for undo."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Hours
    from retainer_tui.db.statements import upsert

    with month_row_write(db, "hours", client_id, m) as (session, name, rec):
        if value is None:
            session.execute(
                delete(Hours).where(col(Hours.client_id) == client_id, col(Hours.month) == str(m))
            )
            what = "hours cleared"
        else:
            session.execute(
                upsert(session, Hours, keys=["client_id", "month"], update=["hours_x100"]),
                {"client_id": client_id, "month": str(m), "hours_x100": value},
            )
            what = f"{format_hours(value)} h"
        change = rec.finish(f"{name}: {what} in {m.short_label()}")
    return HoursSaved(client_id, m, value, record(undo, change))


def format_hours(hours_x100: int) -> str:
    """1250 -> '12.5', 1200 -> '12', 1225 -> '12.25'."""
    whole, frac = divmod(hours_x100, 100)
    if not frac:
        return str(whole)
    return f"{whole}.{frac:02d}".rstrip("0")
