"""What the entry modules share: a typed value read or refused as FormInvalid on its
field (or its refusal kept with the form's others), the Session of a db.write() block,
the names a change is described by, and the opening of a write on a client's month row.

SQLAlchemy is imported inside the functions: the app's start-up path imports this module
(through services.entries) and must not wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services.edit_guard import EditVersion, check_unchanged
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.undo import Recorder

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.engine import Database
    from retainer_tui.db.statements import RawConnection

T = TypeVar("T")


def read_field(field: str, read: Callable[[], T]) -> T:
    """Run a reader; a refused value becomes FormInvalid on that field."""
    try:
        return read()
    except v.InvalidValue as exc:
        raise FormInvalid({field: str(exc)}) from None


def check_field(errors: dict[str, str], field: str, read: Callable[..., Any]) -> Any:
    """Run a reader; a refused value's message is kept in errors under its field (None is
    returned), so that a form's every refused field is told at once."""
    try:
        return read()
    except v.InvalidValue as exc:
        errors[field] = str(exc)
        return None


def read_month(value: Month | str) -> Month:
    """The month typed or given; refused as FormInvalid on "month"."""
    return read_field("month", lambda: v.month(value))


def block_session(conn: RawConnection) -> Session:
    """The Session of a db.read()/db.write() block (Recorder still takes its connection)."""
    from retainer_tui.db.statements import session_of

    return session_of(conn)


def client_name(session: Session, client_id: int) -> str:
    """The client's name; NotFound when it no longer exists."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client

    name = session.execute(select(col(Client.name)).where(col(Client.id) == client_id)).scalar()
    if name is None:
        raise NotFound("That client no longer exists")
    return str(name)


@contextmanager
def month_row_write(
    db: Database, table: str, client_id: int, month: Month, expected: EditVersion | None = None
) -> Iterator[tuple[Session, str, Recorder]]:
    """One write transaction on the client's `table` row for the month: the Session, the
    client's name (NotFound when it no longer exists) and a Recorder that has touched the
    row, after `expected` is checked (EditConflict, nothing written, when it changed)."""
    with db.writing() as conn:
        session = block_session(conn)
        name = client_name(session, client_id)
        check_unchanged(conn, expected)
        rec = Recorder(conn)
        rec.touch(table, (client_id, str(month)))
        yield session, name, rec


def metric_label(session: Session, key: str) -> str:
    """The metric's label; FormInvalid on "metric" when there is no such metric."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Metric

    label = session.execute(select(col(Metric.label)).where(col(Metric.key) == key)).scalar()
    if label is None:
        raise FormInvalid({"metric": f"there is no metric {key!r}"})
    return str(label)


def not_future(day: date, today: date, what: str) -> date:
    """The day, refused when it is after today (`what` names it in the message)."""
    if day > today:
        raise v.InvalidValue(f"{what} cannot be after today ({today.isoformat()})")
    return day
