"""Report marks: a month's report marked sent (or not after all), and the date it was sent.

Like every entry module it imports SQLAlchemy inside its functions (services.entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services.edit_guard import (
    EditVersion,
    Watch,
    opened,
    watch,
)
from retainer_tui.services.entry_common import month_row_write
from retainer_tui.services.entry_common import not_future as _not_future
from retainer_tui.services.entry_common import read_field as _field
from retainer_tui.services.entry_common import read_month as _month
from retainer_tui.services.undo import Change, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class ReportSaved:
    client_id: int
    month: Month
    sent_on: date | None
    change: Change


def report_sent_on(db: Database, *, client_id: int, month: Month | str) -> date | None:
    """The day the month's report was marked sent; None when it was not."""
    with db.reading() as session:
        return read_sent_on(session, client_id, _month(month))


def read_sent_on(session: Session, client_id: int, month: Month) -> date | None:
    """report_sent_on() inside the caller's unit of work."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Report

    sent: date | None = session.execute(
        select(col(Report.sent_on)).where(
            col(Report.client_id) == client_id, col(Report.month) == str(month)
        )
    ).scalar()
    return sent


def mark_report_sent(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    today: date,
    sent_on: str | date | None = None,
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> ReportSaved:
    """Mark a month's report sent (date defaults to today); its highlights are kept.

    `expected` is the month's mark as the form opened it (report_version): changed since,
    EditConflict and nothing written."""
    from retainer_tui.db.models import Report
    from retainer_tui.db.statements import upsert

    m = _month(month)

    def read_day() -> date:
        if sent_on is None or (isinstance(sent_on, str) and not sent_on.strip()):
            day = today
        else:
            day = _not_future(v.a_date(sent_on, "sent date"), today, "sent date")
        if day < m.first_day:
            raise v.InvalidValue(f"a report for {m} cannot be sent before the month starts")
        return day

    day = _field("sent_on", read_day)
    with month_row_write(db, "report", client_id, m, expected) as (session, name, rec):
        session.execute(
            upsert(session, Report, keys=["client_id", "month"], update=["sent_on"]),
            {"client_id": client_id, "month": str(m), "sent_on": day, "highlights": ""},
        )
        change = rec.finish(f"{name}'s {m.short_label()} report marked sent")
    return ReportSaved(client_id, m, day, record(undo, change))


def unmark_report(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> ReportSaved:
    """The report was not sent after all (its highlights, if any, are kept)."""
    from sqlalchemy import delete, update
    from sqlmodel import col

    from retainer_tui.db.models import Report

    m = _month(month)
    this_month = (col(Report.client_id) == client_id, col(Report.month) == str(m))
    with month_row_write(db, "report", client_id, m, expected) as (session, name, rec):
        session.execute(update(Report).where(*this_month).values(sent_on=None))
        session.execute(delete(Report).where(*this_month, col(Report.highlights) == ""))
        change = rec.finish(f"unmarking {name}'s {m.short_label()} report")
    return ReportSaved(client_id, m, None, record(undo, change))


def report_watch(client_id: int, month: Month) -> Watch:
    """The rows the report form edits: the month's mark (its sent date)."""
    return watch("report", columns=("sent_on",), client_id=client_id, month=str(month))


def report_version(db: Database, *, client_id: int, month: Month | str) -> EditVersion:
    """The month's report mark (its sent date) as a form opens it, for expected=."""
    return opened(db, report_watch(client_id, _month(month)))
