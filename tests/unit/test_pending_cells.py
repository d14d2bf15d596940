"""The results grid's bookkeeping of cells being saved: what a cell shows when its saves
are stored or refused, in any order, and across a reload."""

from __future__ import annotations

from retainer_tui.tui.widgets.pending_cells import PendingCells

CELL = (1, "posts")


def test_a_refused_save_shows_what_is_stored_again() -> None:
    pending = PendingCells()
    pending.start(CELL, 5)
    assert CELL in pending
    assert pending.refused(CELL, 9) == 5
    assert CELL not in pending


def test_two_saves_of_a_cell_the_first_refused_the_second_still_shown() -> None:
    pending = PendingCells()
    pending.start(CELL, 5)  # typed 7
    pending.start(CELL, 7)  # then 9, while 7 was still under way
    assert pending.refused(CELL, 9) == 9, "the later save is still under way"
    assert CELL in pending
    assert pending.saved(CELL, 9) is True
    assert CELL not in pending


def test_two_saves_the_first_stored_the_second_refused_shows_the_first() -> None:
    pending = PendingCells()
    pending.start(CELL, None)
    pending.start(CELL, 7)
    assert pending.saved(CELL, 7) is False, "another save of the cell is under way"
    assert pending.refused(CELL, 9) == 7


def test_a_reload_meanwhile_keeps_the_typed_value_and_learns_what_is_stored() -> None:
    pending = PendingCells()
    pending.start(CELL, 5)
    values: dict[tuple[int, str], int | None] = {CELL: 6, (2, "posts"): 1}
    pending.reloaded(values, {CELL: 8})
    assert values == {CELL: 8, (2, "posts"): 1}
    assert pending.refused(CELL, 8) == 6, "back to what the reload read"
