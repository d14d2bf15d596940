"""The dashboard's footer shows the keys that fit, whole, most used first: at 80 columns
the last ones are left out (not cut mid-word), at 120 all are there, and a resize
recomputes it."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from retainer_tui.db.base import Database
from retainer_tui.tui.widgets.fitting_footer import FittingFooter
from tests.ui.conftest import AppMaker, settle


def shown(app) -> list[str]:  # noqa: ANN001
    footer = app.dashboard.query_one(FittingFooter)
    return [k.description for k in footer.query(FooterKey)]


async def test_the_keys_that_fit_whole_and_in_order(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        wide = shown(app)
        assert wide[:4] == ["New", "Edit", "Results", "Goals"]
        assert {"Reports", "Pipeline", "Help", "Quit", "palette"} <= set(wide)

        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        narrow = shown(app)
        assert narrow[-1] == "palette", "the palette key stays"
        assert narrow[:-1] == wide[: len(narrow) - 1], "a prefix: most used first"
        assert len(narrow) < len(wide)
        footer = app.dashboard.query_one(FittingFooter)
        used = sum(k.outer_size.width for k in footer.query(FooterKey))
        assert used <= 80, "nothing runs past the edge"
