"""The app's report export by the -o rules, as a user meets them: an existing file is
replaced only after "Replace the file?" is answered yes; the database and the backups
folder are refused where the path was typed; the documents folder it creates is 0700."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from textual.widgets import Input

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.confirm import ChoiceScreen
from retainer_tui.tui.screens.report_preview import PathScreen, ReportPreviewScreen
from tests.trust.helpers import read_tables
from tests.ui.conftest import SIZE, AppMaker, settle


async def open_preview(app: RetainerApp, pilot) -> ReportPreviewScreen:
    await settle(app, pilot)
    await pilot.press("R")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ReportPreviewScreen)
    return app.screen


async def export_to(app: RetainerApp, pilot, path: Path | None) -> None:
    """x, then the path typed over the default (or the default kept), then enter."""
    await pilot.press("x")
    await settle(app, pilot)
    assert isinstance(app.screen, PathScreen)
    if path is not None:
        app.screen.query_one("#export-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(app, pilot)


def toasts(app: RetainerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_an_existing_file_is_replaced_only_when_the_user_says_yes(
    sample_db: Database, make_app: AppMaker, tmp_path: Path
) -> None:
    target = tmp_path / "report.md"
    target.write_text("another client's report", encoding="utf-8")
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        preview = await open_preview(app, pilot)
        await export_to(app, pilot, target)
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.title_text == "Replace the file?"
        assert str(target) in app.screen.message
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is preview
        assert target.read_text(encoding="utf-8") == "another client's report"
        assert any("was left as it was" in t for t in toasts(app))

        await export_to(app, pilot, target)
        await pilot.press("escape")  # escape keeps the file too
        await settle(app, pilot)
        assert target.read_text(encoding="utf-8") == "another client's report"

        await export_to(app, pilot, target)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is preview
        assert target.read_text(encoding="utf-8") == preview.text
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert any(str(target) in t for t in toasts(app))


async def test_the_database_and_the_backups_folder_are_refused(
    sample_db: Database, make_app: AppMaker
) -> None:
    before = read_tables(sample_db.path)
    backups = paths.backups_dir(sample_db.path)
    backups.mkdir(exist_ok=True)
    refused = [
        (sample_db.path, "is the database itself"),
        (Path(f"{sample_db.path}-wal"), "-wal file"),
        (backups / "report.md", "backups folder"),
    ]
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        preview = await open_preview(app, pilot)
        for target, message in refused:
            await export_to(app, pilot, target)
            assert app.screen is preview, f"{target} was not refused"
            assert any(message in t for t in toasts(app)), (target, toasts(app))
    assert read_tables(sample_db.path) == before
    assert list(backups.iterdir()) == []


async def test_the_documents_folder_is_made_owner_only_whatever_the_umask(
    sample_db: Database, make_app: AppMaker
) -> None:
    documents = paths.documents_dir()
    assert not documents.exists()
    app = make_app(sample_db)
    old = os.umask(0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_preview(app, pilot)
            await export_to(app, pilot, None)  # the default: the documents folder
    finally:
        os.umask(old)
    written = list(documents.iterdir())
    assert len(written) == 1 and written[0].suffix == ".md"
    assert stat.S_IMODE(documents.stat().st_mode) == 0o700
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o600
