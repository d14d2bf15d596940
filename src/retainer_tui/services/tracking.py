"""A client's tracked-from month set on its own: the reports queue's "not needed before
MONTH", recorded as the month reports and payments are owed from (never as made-up sent
dates), undoable.

SQLAlchemy is imported inside the function: the reports screen imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services.entry_common import read_field
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.undo import Change, Recorder, UndoStack, record


@dataclass(frozen=True, slots=True)
class TrackedFromSet:
    client_id: int
    name: str
    month: Month
    """Reports and payments are owed from this month on."""
    change: Change


def set_tracked_from(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    latest: Month | None = None,
    undo: UndoStack | None = None,
) -> TrackedFromSet:
    """Owe the client's reports and payments only from `month` on (one transaction).

    Refused (FormInvalid on "tracked_from") for a month that is not YYYY-MM, one before the
    client's start month, or one after `latest` (the queue passes the current month). The
    start month itself is stored as unset, which means the same."""
    from sqlalchemy import select, update
    from sqlmodel import col

    from retainer_tui.db.models import Client

    m = read_field("tracked_from", lambda: v.month(month, "month"))
    if latest is not None and m > latest:
        raise FormInvalid({"tracked_from": f"the month must not be after {latest}"})
    with db.writing() as session:
        row = session.execute(
            select(col(Client.name), col(Client.start_month)).where(col(Client.id) == client_id)
        ).first()
        if row is None:
            raise NotFound("That client no longer exists")
        name, start_text = row
        start = Month.stored(start_text) if start_text else None
        if start is not None and m < start:
            raise FormInvalid(
                {"tracked_from": f"{name} starts in {start}: the month must not be before it"}
            )
        rec = Recorder(session)
        rec.touch("client", (client_id,))
        session.execute(
            update(Client)
            .where(col(Client.id) == client_id)
            .values(tracked_from=None if m == start else str(m))
        )
        change = rec.finish(f"{name}: not needed before {m.label()}")
    return TrackedFromSet(client_id, str(name), m, record(undo, change))
