"""The results grid's cells whose save is under way: the value shown meanwhile, and what
is stored underneath (shown again when the database refuses the save)."""

from __future__ import annotations

Cell = tuple[int, str]  # (client id, column key)


class PendingCells:
    """How many saves of each cell are under way, and the value stored beneath them."""

    def __init__(self) -> None:
        self._count: dict[Cell, int] = {}
        self._stored: dict[Cell, int | None] = {}

    def __contains__(self, cell: object) -> bool:
        return cell in self._count

    def clear(self) -> None:
        self._count.clear()
        self._stored.clear()

    def start(self, cell: Cell, shown: int | None) -> None:
        """A save of the cell began; `shown` is what it showed (and is stored) before."""
        if cell not in self._count:
            self._stored[cell] = shown
        self._count[cell] = self._count.get(cell, 0) + 1

    def reloaded(self, values: dict[Cell, int | None], shown: dict[Cell, int | None]) -> None:
        """A fresh read of the month: it is what is stored; a cell being saved keeps
        showing the value typed (values is changed in place)."""
        for cell in self._count:
            if cell in values:
                self._stored[cell] = values[cell]
                values[cell] = shown.get(cell)

    def _settled(self, cell: Cell) -> bool:
        left = self._count.get(cell, 0) - 1
        if left > 0:
            self._count[cell] = left
            return False
        self._count.pop(cell, None)
        return True

    def saved(self, cell: Cell, value: int | None) -> bool:
        """One save of the cell is stored; True when the cell shows `value` now (no other
        save of it is under way)."""
        if self._settled(cell):
            self._stored.pop(cell, None)
            return True
        self._stored[cell] = value
        return False

    def refused(self, cell: Cell, shown: int | None) -> int | None:
        """One save of the cell was refused: what the cell shows now (what is stored, once
        no other save of it is under way)."""
        if self._settled(cell):
            return self._stored.pop(cell, shown)
        return shown
