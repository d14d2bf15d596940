"""The undo stack and undoing changes: exact restores, conflicts, order."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.services import entries as e
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.errors import UndoConflict
from retainer_tui.services.undo import (
    Change,
    Recorder,
    RowChange,
    UndoStack,
    read_row,
    undo_change,
    undo_last,
)
from tests.raw import dump, raw, raw_connect

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def change(label: str) -> Change:
    return Change(label, (RowChange("meta", ("x",), None, (("key", "x"), ("value", label))),))


def test_stack_is_last_in_first_out() -> None:
    stack = UndoStack()
    assert stack.pop() is None and stack.peek() is None and not stack
    for label in "abc":
        stack.push(change(label))
    assert stack.labels == ("c", "b", "a")
    assert stack.peek() == change("c")
    assert [stack.pop().label for _ in range(3)] == ["c", "b", "a"]  # type: ignore[union-attr]


def test_empty_changes_are_not_pushed() -> None:
    stack = UndoStack()
    stack.push(Change("nothing", ()))
    assert len(stack) == 0


def test_stack_keeps_a_limited_number() -> None:
    stack = UndoStack(limit=3)
    for label in "abcde":
        stack.push(change(label))
    assert stack.labels == ("e", "d", "c")
    stack.clear()
    assert not stack


def test_recorder_keeps_the_first_before(db: Database) -> None:
    with raw(db, write=True) as conn:
        rec = Recorder(conn)
        assert rec.touch("meta", ("currency",)) == (("key", "currency"), ("value", "USD"))
        conn.execute("UPDATE meta SET value = 'EUR'")
        rec.touch("meta", ("currency",))
        conn.execute("UPDATE meta SET value = 'GBP'")
        done = rec.finish("currency")
    assert done.rows == (
        RowChange(
            "meta",
            ("currency",),
            (("key", "currency"), ("value", "USD")),
            (("key", "currency"), ("value", "GBP")),
        ),
    )


def test_recorder_drops_rows_left_unchanged(db: Database) -> None:
    with raw(db, write=True) as conn:
        rec = Recorder(conn)
        rec.touch("meta", ("currency",))
        assert not rec.finish("nothing")


def test_undo_refuses_when_the_row_changed_since(db: Database) -> None:
    cid = save_client(db, draft=ClientDraft(name="A")).id
    stack = UndoStack()
    e.set_result(db, client_id=cid, metric="conversions", month="2026-11", actual=3, undo=stack)
    e.set_result(db, client_id=cid, metric="conversions", month="2026-11", actual=9)  # no undo
    before = dump(db)
    with pytest.raises(UndoConflict, match="changed since"):
        undo_last(db, stack=stack)
    assert dump(db) == before
    assert not stack  # a change that can never be undone is dropped


def test_undo_of_new_client_refuses_when_data_was_added_since(db: Database) -> None:
    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="A"), undo=stack).id
    e.set_hours(db, client_id=cid, month="2026-11", hours=3)  # not on the stack
    before = dump(db)
    with pytest.raises(UndoConflict, match="data was entered for it since"):
        undo_last(db, stack=stack)
    assert dump(db) == before


def test_undo_of_delete_refuses_when_the_name_is_taken_again(db: Database) -> None:
    from retainer_tui.services.clients import delete_client

    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="A")).id
    save_client(db, draft=ClientDraft(name="Z"))
    delete_client(db, client_id=cid, undo=stack)
    save_client(db, draft=ClientDraft(name="a"))
    before = dump(db)
    with pytest.raises(UndoConflict, match="clashes"):
        undo_last(db, stack=stack)
    assert dump(db) == before


def test_undo_of_delete_refuses_when_the_id_was_reused(db: Database, engine: str) -> None:
    from retainer_tui.services.clients import delete_client

    if engine == "postgresql":
        pytest.skip("a PostgreSQL sequence never hands out a deleted id again: no reuse to refuse")

    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="A")).id
    delete_client(db, client_id=cid, undo=stack)
    assert save_client(db, draft=ClientDraft(name="B")).id == cid  # SQLite reuses the id
    with pytest.raises(UndoConflict, match="changed since"):
        undo_last(db, stack=stack)


def test_undo_change_restores_in_one_transaction(db: Database) -> None:
    a = save_client(db, draft=ClientDraft(name="A", tier="Tier 1")).id
    b = save_client(db, draft=ClientDraft(name="B", tier="Tier 1")).id
    before = dump(db)
    with raw(db, write=True) as conn:
        rec = Recorder(conn)
        for cid in (a, b):
            rec.touch("client", (cid,))
        conn.execute("UPDATE client SET fee_override_cents = 1")
        done = rec.finish("both")
    undo_change(db, change=done)
    assert dump(db) == before


def test_read_row_missing(db: Database) -> None:
    with db.reading() as session:
        assert read_row(session, "client", (1,)) is None


def test_interleaved_clients_undo_in_reverse(db: Database) -> None:
    stack = UndoStack()
    a = save_client(db, draft=ClientDraft(name="A", tier="Tier 1"), undo=stack).id
    b = save_client(db, draft=ClientDraft(name="B", tier="Tier 2"), undo=stack).id
    e.set_goal(db, client_id=a, metric="conversions", month="2026-01", target=3, undo=stack)
    e.set_result(db, client_id=b, metric="conversions", month="2026-11", actual=1, undo=stack)
    e.mark_payment(db, client_id=a, month="2026-11", today=TODAY, undo=stack)
    while stack:
        undo_last(db, stack=stack)
    conn = raw_connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 0
    finally:
        conn.close()


def test_delete_client_and_undo_bring_back_pipeline_rows(db: Database) -> None:
    from retainer_tui.services.clients import client_data, delete_client

    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="P", status="prospect")).id
    with raw(db, write=True) as conn:
        conn.execute(
            "INSERT INTO prospect (client_id, recommended_tier_id, workload) VALUES (?, 2, 'lots')",
            (cid,),
        )
        conn.execute(
            "INSERT INTO objection (client_id, position, kind, text) VALUES (?, 0, 'money', 'x')",
            (cid,),
        )
    assert client_data(db, client_id=cid).pipeline == 2
    assert "2 pipeline records" in client_data(db, client_id=cid).describe()
    before = dump(db)
    delete_client(db, client_id=cid, undo=stack)
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_delete_tier_and_undo_restore_a_proposal_that_recommended_it(db: Database) -> None:
    from retainer_tui.services.tiers import delete_tier

    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="P", status="prospect")).id
    with raw(db, write=True) as conn:
        conn.execute("INSERT INTO prospect (client_id, recommended_tier_id) VALUES (?, 3)", (cid,))
    before = dump(db)
    delete_tier(db, tier_id=3, undo=stack)
    conn = raw_connect(db)
    assert conn.execute("SELECT recommended_tier_id FROM prospect").fetchone() == (None,)
    conn.close()
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_undo_puts_back_json_text_dates_and_flags_exactly(db: Database) -> None:
    from retainer_tui.services.clients import delete_client
    from retainer_tui.services.tiers import delete_tier

    stack = UndoStack()
    cid = save_client(db, draft=ClientDraft(name="P", status="prospect")).id
    with raw(db, write=True) as conn:
        # Compact, non-ASCII JSON as another writer may store it: not what json.dumps gives.
        conn.execute('UPDATE tier SET services = \'["Café","x"]\' WHERE id = 3')
        conn.execute(
            "INSERT INTO prospect (client_id, extra_services, targets, proposal_sent_on, "
            "proposal_markdown) VALUES (?, '[\"Événement\"]', '{\"conversions\":3}', "
            "'2026-11-02', TRUE)",
            (cid,),
        )
    before = dump(db)
    delete_client(db, client_id=cid, undo=stack)
    delete_tier(db, tier_id=3, undo=stack)
    while stack:
        undo_last(db, stack=stack)
    assert dump(db) == before


def test_recorder_takes_a_session_and_a_clause(db: Database) -> None:
    from sqlalchemy import update

    from retainer_tui.db.models import Meta

    with db.writing() as session:
        rec = Recorder(session)
        assert rec.touch_where("meta", Meta.key == "currency") == [
            (("key", "currency"), ("value", "USD"))
        ]
        session.execute(update(Meta).where(Meta.key == "currency").values(value="EUR"))
        done = rec.finish("currency")
    assert [(rc.before, rc.after) for rc in done.rows] == [
        ((("key", "currency"), ("value", "USD")), (("key", "currency"), ("value", "EUR")))
    ]
    undo_change(db, change=done)
    with db.reading() as session:
        assert read_row(session, "meta", ("currency",)) == (("key", "currency"), ("value", "USD"))
