"""Reports in the app: the queue, a report's preview, highlights, export, copy, mark sent."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from textual.widgets import Markdown, Static, TextArea

from retainer_tui import paths
from retainer_tui.cli import main
from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import load_month
from retainer_tui.services.reports import find_client, report_markdown
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.report_preview import (
    HighlightsScreen,
    PathScreen,
    ReportPreviewScreen,
    SentDateScreen,
)
from retainer_tui.tui.screens.reports_queue import ReportsScreen
from tests.raw import db_arg, raw
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines

OCT, SEP = Month(2026, 10), Month(2026, 9)


def queue(app: RetainerApp) -> list[tuple[str, str]]:
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    return [(item.client, str(item.month)) for item in screen.queue]


def text_of(app: RetainerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def report_cell(app: RetainerApp, client: str) -> str:
    table = app.dashboard.table
    column = table.column_keys.index("report")
    for index in range(table.row_count):
        row = table.row_cells(index)
        if row[0].plain.startswith(client[:15]):
            return row[column].plain
    raise AssertionError(f"{client} is not on the dashboard")


def sent_on(db: Database, client: str, month: Month) -> str | None:
    cid = find_client(db, client).id
    with raw(db) as conn:
        row = conn.execute(
            "SELECT sent_on FROM report WHERE client_id = ? AND month = ?", (cid, str(month))
        ).fetchone()
    return str(row[0]) if row and row[0] is not None else None  # a date on PostgreSQL


async def open_queue(app: RetainerApp, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("R")
    await settle(app, pilot)
    assert isinstance(app.screen, ReportsScreen)


async def test_queue_open_write_export_mark_sent(
    sample_db: Database, make_app: AppMaker, as_of: date, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole round: R, enter, h (write, ctrl+s), x (enter), c, s (enter), back."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "+2" in report_cell(app, "Enoteca Verdi")
        dashboard_counts = text_of(app, "#count-reports")
        await open_queue(app, pilot)
        assert queue(app) == [
            ("Enoteca Verdi", "2026-09"),
            ("Enoteca Verdi", "2026-10"),
            ("Studio Bianchi Architetti", "2026-10"),
        ]
        assert text_of(app, "#queue-summary").startswith(
            "3 reports owed (2 clients): 2 overdue (1 client), 1 due (1 client)."
        )

        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        assert isinstance(preview, ReportPreviewScreen)
        assert (preview.month, preview.data and preview.data.client) == (SEP, "Enoteca Verdi")
        assert text_of(app, "#report-state") == "Overdue since 2026-10-05 (46 days)"
        markdown = preview.query_one("#report-preview", Markdown)
        assert markdown.source == preview.text
        assert preview.text.startswith("# Enoteca Verdi: progress report, September 2026\n")
        assert preview.query_one("#report-hint").display  # no highlights yet

        # Highlights: written in the app, kept per client and month.
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HighlightsScreen)
        app.screen.query_one(TextArea).insert("Wine club: **36** new members.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is preview
        assert "## Highlights\n\nWine club: **36** new members.\n" in preview.text
        assert markdown.source == preview.text
        assert not preview.query_one("#report-hint").display
        cid = find_client(sample_db, "Enoteca Verdi").id
        with raw(sample_db) as conn:
            assert conn.execute(
                "SELECT highlights FROM report WHERE client_id = ? AND month = '2026-09'", (cid,)
            ).fetchone() == ("Wine club: **36** new members.",)

        # Export: the documents folder by default, file owner-only, path in a toast.
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, PathScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        exported = paths.documents_dir() / "enoteca-verdi-2026-09.md"
        assert exported.read_text(encoding="utf-8") == preview.text
        assert stat.S_IMODE(exported.stat().st_mode) == 0o600
        assert any(str(exported) in n.message for n in app._notifications)

        # Copy: the same Markdown on the clipboard.
        await pilot.press("c")
        assert app.clipboard == preview.text

        # Mark sent: the date defaults to today.
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SentDateScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is preview
        assert sent_on(sample_db, "Enoteca Verdi", SEP) == as_of.isoformat()
        assert text_of(app, "#report-state") == "Sent 2026-11-20"

        # The queue and the dashboard change at once.
        await pilot.press("escape")
        await settle(app, pilot)
        assert queue(app) == [
            ("Enoteca Verdi", "2026-10"),
            ("Studio Bianchi Architetti", "2026-10"),
        ]
        assert text_of(app, "#queue-summary").startswith(
            "2 reports owed (2 clients): 1 overdue (1 client), 1 due (1 client)."
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert "+1" in report_cell(app, "Enoteca Verdi")
        # Reports are counted as reports: Verdi still owes October, and 1 client still owes.
        assert dashboard_counts.startswith("✉ 2 overdue reports, 1 client · 1 due")
        assert text_of(app, "#count-reports").startswith("✉ 1 overdue report, 1 client · 1 due")

    # `retainer report` prints the very bytes the app exported.
    code = main(
        ["report", "enoteca verdi", "--month", "2026-09", "--db", db_arg(sample_db),
         "--as-of", as_of.isoformat()]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.encode("utf-8") == exported.read_bytes()


async def test_mark_sent_from_the_queue_updates_the_dashboard_counts(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert text_of(app, "#count-reports").startswith("✉ 2 overdue reports, 1 client · 1 due")
        await open_queue(app, pilot)
        await pilot.press("down", "down", "m")
        await settle(app, pilot)
        assert isinstance(app.screen, SentDateScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert queue(app) == [("Enoteca Verdi", "2026-09"), ("Enoteca Verdi", "2026-10")]
        assert sent_on(sample_db, "Studio Bianchi Architetti", OCT) == as_of.isoformat()
        # The dashboard under the queue has already reloaded.
        assert str(app.dashboard.query_one("#count-reports", Static).render()).startswith(
            "✉ 2 overdue reports, 1 client · 0 due"
        )
        view = load_month(sample_db, month=Month.of(as_of), as_of=as_of)
        assert (view.counts["reports_due"], view.counts["reports_overdue"]) == (0, 1)


async def test_unmark_puts_the_report_back_in_the_queue(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("tab")  # the sent table: Fiori di Sara, October, sent 2026-11-03
        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        assert isinstance(preview, ReportPreviewScreen)
        assert preview.data is not None and preview.data.client == "Fiori di Sara"
        assert text_of(app, "#report-state") == "Sent 2026-11-03"
        await pilot.press("u")
        await settle(app, pilot)
        assert sent_on(sample_db, "Fiori di Sara", OCT) is None
        assert text_of(app, "#report-state") == "Overdue since 2026-11-05 (15 days)"
        await pilot.press("escape")
        await settle(app, pilot)
        assert ("Fiori di Sara", "2026-10") in queue(app)


async def test_sent_date_is_checked_and_escape_keeps_unsaved_highlights(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SentDateScreen)
        await pilot.press(*["backspace"] * 10, *"2026-12-01", "enter")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "after today" in text_of(app, "#sent-error")
        await pilot.press(*["backspace"] * 10, *"2026-08-31", "enter")
        await settle(app, pilot)
        assert "before September 2026 starts" in text_of(app, "#sent-error")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is preview
        assert sent_on(sample_db, "Enoteca Verdi", SEP) is None

        await pilot.press("h")
        await settle(app, pilot)
        await pilot.press(*"draft")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HighlightsScreen)  # asked first, nothing lost
        assert "escape again" in text_of(app, "#highlights-error")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is preview
        assert "## Highlights" not in preview.text


async def test_month_keys_walk_the_clients_reports(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        assert isinstance(preview, ReportPreviewScreen)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert preview.month == OCT
        cid = find_client(sample_db, "Enoteca Verdi").id
        assert preview.text == report_markdown(sample_db, client_id=cid, month=OCT, as_of=as_of)


async def test_empty_queue_says_so(db: Database, make_app: AppMaker) -> None:
    from tests.factories import add_client

    add_client(db, "Fresh Start", start="2026-11")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        assert queue(app) == []
        assert text_of(app, "#queue-summary") == (
            "Nothing owed: every report up to October 2026 is sent."
        )
        await pilot.press("enter", "m")  # nothing to open or mark: no error
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)


async def test_ctrl_z_undoes_a_mark_sent(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert sent_on(sample_db, "Enoteca Verdi", SEP) is not None
        assert ("Enoteca Verdi", "2026-09") not in queue(app)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert sent_on(sample_db, "Enoteca Verdi", SEP) is None
        assert queue(app)[0] == ("Enoteca Verdi", "2026-09")


async def test_help_and_palette_know_the_report_keys(
    sample_db: Database, make_app: AppMaker
) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    from retainer_tui.tui.screens.help import HelpScreen

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        preview = app.screen
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for phrase in ("Export the report", "Copy the report", "Mark the report sent"):
            assert phrase in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is preview
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"export the report")
        for _ in range(20):  # the palette searches in the background
            await pilot.pause(0.05)
            if app.screen.query_one(OptionList).option_count:
                break
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PathScreen)
