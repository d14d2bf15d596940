"""Every screen shows the database's currency, not the setting's: a EUR database opened
with the default (USD) settings shows € in the dashboard and in every form."""

from __future__ import annotations

from pathlib import Path

import pytest

from retainer_tui.db.migrate import open_database
from tests.factories import add_client
from tests.ui.conftest import SIZE, AppMaker, settle


@pytest.mark.parametrize(
    "keys",
    [
        ("e",),  # editing a client
        ("p",),  # the payment form: the amount
        ("T",),  # the tiers screen
        ("T", "enter"),  # a tier's form
    ],
    ids=" ".join,
)
async def test_a_eur_database_shows_euros_everywhere(
    tmp_path: Path, make_app: AppMaker, keys: tuple[str, ...]
) -> None:
    db = open_database(tmp_path / "eur.db", currency="EUR")
    add_client(db, "Rossi Bakery", fee_cents=250_000)
    app = make_app(db)  # the settings say USD
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "€2,500" in app.export_screenshot()
        await pilot.press(*keys)
        await settle(app, pilot)
        screen = app.export_screenshot()
        assert "€" in screen, f"{keys}: no € on {type(app.screen).__name__}"
        assert "$" not in screen, f"{keys}: a $ on {type(app.screen).__name__}"
