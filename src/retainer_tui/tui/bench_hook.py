"""`make bench` only: report when the app's first frames have been drawn.

With RETAINER_BENCH_EXIT_AFTER_FIRST_FRAME=1 the app prints RETAINER_BENCH_FRAME on stdout
(Textual draws on stderr) after its first frame (header, summary, table header: the app is
there and takes keys), then RETAINER_BENCH_FIRST_FRAME right after the first frame with the
month's data, and exits. With `=filled` it
prints that marker, waits until every row is in the client table, prints
RETAINER_BENCH_TABLE_FILLED and exits (the peak memory of a full table).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retainer_tui.tui.app import RetainerApp

ENV = "RETAINER_BENCH_EXIT_AFTER_FIRST_FRAME"
FRAME = "RETAINER_BENCH_FRAME"
FIRST_FRAME = "RETAINER_BENCH_FIRST_FRAME"
FILLED = "RETAINER_BENCH_TABLE_FILLED"

_seen: set[int] = set()
_drawn: set[int] = set()


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def _say(marker: str) -> None:
    out = sys.__stdout__
    if out is not None:
        out.write(marker + "\n")
        out.flush()


def dashboard_drawn(app: RetainerApp) -> None:
    """The dashboard's first frame, data or not, has been drawn."""
    if enabled() and id(app) not in _drawn:
        _drawn.add(id(app))
        _say(FRAME)


def month_loaded(app: RetainerApp) -> None:
    """The dashboard has just shown its first month: act after that frame is drawn."""
    if id(app) in _seen:
        return
    _seen.add(id(app))
    app.call_after_refresh(_first_frame, app)


def _first_frame(app: RetainerApp) -> None:
    _say(FIRST_FRAME)
    if os.environ.get(ENV) != "filled":
        app.exit()
        return

    def check() -> None:
        if not app.dashboard.table.filling:
            timer.stop()
            app.call_after_refresh(_filled, app)

    timer = app.set_interval(0.01, check)


def _filled(app: RetainerApp) -> None:
    _say(FILLED)
    app.exit()
