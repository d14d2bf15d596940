"""The reports queue's "not needed before MONTH": stored as tracked_from, undoable."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.reports_queue import report_queue
from retainer_tui.services.tracking import set_tracked_from
from retainer_tui.services.undo import UndoStack, undo_last
from tests.factories import add_client, mark_sent

AS_OF = date(2026, 12, 3)


def tracked(db: Database, cid: int) -> str | None:
    with db.read() as conn:
        return conn.execute("SELECT tracked_from FROM client WHERE id = ?", (cid,)).fetchone()[0]


def test_not_needed_before_a_month_empties_the_queue_before_it_and_undo_restores(
    db: Database,
) -> None:
    rossi = add_client(db, "Rossi Bakery")
    mark_sent(db, rossi, "2026-02", "2026-03-02")
    undo = UndoStack()
    assert len(report_queue(db, as_of=AS_OF)) == 10
    result = set_tracked_from(
        db, client_id=rossi, month="2026-11", latest=Month(2026, 12), undo=undo
    )
    assert (result.name, result.month) == ("Rossi Bakery", Month(2026, 11))
    assert tracked(db, rossi) == "2026-11"
    assert [str(i.month) for i in report_queue(db, as_of=AS_OF)] == ["2026-11"]
    with db.read() as conn:  # no made-up sent dates
        assert conn.execute("SELECT month FROM report").fetchall() == [("2026-02",)]
    change = undo_last(db, stack=undo)
    assert change is not None and change.label == "Rossi Bakery: not needed before November 2026"
    assert tracked(db, rossi) is None
    assert len(report_queue(db, as_of=AS_OF)) == 10


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2025-12", "starts in 2026-01: the month must not be before it"),
        ("2027-01", "must not be after 2026-12"),
        ("Dec", "YYYY-MM"),
    ],
)
def test_a_bad_month_is_refused_and_nothing_is_written(
    db: Database, month: str, message: str
) -> None:
    rossi = add_client(db, "Rossi Bakery")
    with pytest.raises(FormInvalid) as info:
        set_tracked_from(db, client_id=rossi, month=month, latest=Month(2026, 12))
    assert message in info.value.errors["tracked_from"]
    assert tracked(db, rossi) is None


def test_the_start_month_is_stored_as_unset_and_a_missing_client_is_not_found(
    db: Database,
) -> None:
    rossi = add_client(db, "Rossi Bakery")
    set_tracked_from(db, client_id=rossi, month="2026-06")
    set_tracked_from(db, client_id=rossi, month="2026-01")
    assert tracked(db, rossi) is None
    with pytest.raises(NotFound):
        set_tracked_from(db, client_id=999, month="2026-06")
