"""The reports queue and one report's figures, against hand-computed values."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.domain.report_text import DASH, render_report
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus
from retainer_tui.services.month_view import load_month
from retainer_tui.services.reports import (
    ReportError,
    default_export_path,
    default_report_month,
    export_report,
    find_client,
    load_report_data,
    mark_sent,
    report_markdown,
    set_highlights,
    unmark_sent,
)
from retainer_tui.services.reports_queue import queue_object, recent_sent, report_queue
from tests.factories import add_client, set_goal, set_result
from tests.factories import mark_sent as sent_on
from tests.raw import raw

pytestmark = pytest.mark.both_engines

AS_OF = date(2026, 11, 20)
SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)


def set_hours(db: Database, client_id: int, month: str, hours_x100: int) -> None:
    with raw(db, write=True) as conn:
        conn.execute(
            "INSERT INTO hours (client_id, month, hours_x100) VALUES (?, ?, ?) "
            "ON CONFLICT (client_id, month) DO UPDATE SET hours_x100 = excluded.hours_x100",
            (client_id, month, hours_x100),
        )


def add_metric(db: Database, key: str, label: str, unit: str) -> None:
    with raw(db, write=True) as conn:
        conn.execute(
            "INSERT INTO metric (key, label, unit, builtin, position) VALUES (?, ?, ?, FALSE, 50)",
            (key, label, unit),
        )


def queue_rows(db: Database, as_of: date = AS_OF) -> list[tuple[str, str, str, str, int, str]]:
    return [
        (
            i.client,
            str(i.month),
            i.due_on.isoformat(),
            str(i.state),
            i.days_overdue,
            str(i.month_status),
        )
        for i in report_queue(db, as_of=as_of)
    ]


# ---------------------------------------------------------------- the queue, sample data


def test_sample_queue_as_of_2026_11_20(sample_db: Database) -> None:
    """Hand-computed from the sample's story on 2026-11-20:

    - Enoteca Verdi never sent September's or October's report (report day 5):
      September was due 2026-10-05, 46 days ago; October 2026-11-05, 15 days ago.
      Both months met every target (Sep: 1,344/1,200, 74/60, 36/30; Oct: +5% each).
    - Studio Bianchi Architetti's October report is unsent, but its report day is the
      25th: due 2026-11-25, so only due. It missed October's conversions (4 of 6).
    - Everyone else sent October's report in early November; the paused client
      (Northwind), the ended one (Moretti, up to July) and the prospect owe nothing;
      the trial client (Fiori di Sara, from October) sent its report.
    """
    assert queue_rows(sample_db) == [
        ("Enoteca Verdi", "2026-09", "2026-10-05", "overdue", 46, "met"),
        ("Enoteca Verdi", "2026-10", "2026-11-05", "overdue", 15, "met"),
        ("Studio Bianchi Architetti", "2026-10", "2026-11-25", "due", 0, "missed"),
    ]


def test_sample_queue_matches_the_dashboard_counts(sample_db: Database) -> None:
    view = load_month(sample_db, month=NOV, as_of=AS_OF)
    assert view.counts["reports_overdue"] == 1  # clients, not reports
    assert view.counts["reports_due"] == 1
    owed = {c.name: [str(m) for m in c.reports_owed] for c in view.clients if c.reports_owed}
    queued: dict[str, list[str]] = {}
    for item in report_queue(sample_db, as_of=AS_OF):
        queued.setdefault(item.client, []).append(str(item.month))
    assert queued == owed


def test_marking_sent_removes_from_the_queue_and_the_dashboard(sample_db: Database) -> None:
    verdi = find_client(sample_db, "enoteca verdi")
    mark_sent(sample_db, client_id=verdi.id, month=SEP, on=AS_OF)
    assert [r[:2] for r in queue_rows(sample_db)] == [
        ("Enoteca Verdi", "2026-10"),
        ("Studio Bianchi Architetti", "2026-10"),
    ]
    view = load_month(sample_db, month=OCT, as_of=AS_OF)
    row = next(c for c in view.clients if c.id == verdi.id)
    assert row.reports_owed == (OCT,)
    mark_sent(sample_db, client_id=verdi.id, month=OCT, on=AS_OF)
    view = load_month(sample_db, month=OCT, as_of=AS_OF)
    row = next(c for c in view.clients if c.id == verdi.id)
    assert (row.reports_owed, row.report, row.report_sent_on) == ((), ReportState.SENT, AS_OF)
    assert view.counts["reports_overdue"] == 0
    unmark_sent(sample_db, client_id=verdi.id, month=SEP)
    assert [r[:2] for r in queue_rows(sample_db)][0] == ("Enoteca Verdi", "2026-09")


def test_sample_recent_sent(sample_db: Database) -> None:
    items = recent_sent(sample_db, as_of=AS_OF, months=1)
    assert {str(i.month) for i in items} == {"2026-10"}
    assert {i.client for i in items} == {
        "Fiori di Sara",
        "Greco Dental Clinic",
        "Harbor & Pine Coffee",
        "Rossi Bakery",
    }
    assert [i.sent_on for i in items] == sorted((i.sent_on for i in items), reverse=True)
    assert recent_sent(sample_db, as_of=AS_OF, months=1, limit=2) == items[:2]


# ---------------------------------------------------------------- the queue, by hand


def test_queue_order_states_and_service_months(db: Database) -> None:
    """Overdue (oldest first) before due; trials owe reports; paused, pre-start and
    post-end months do not."""
    a = add_client(db, "Alpha", start="2026-09")
    sent_on(db, a, "2026-09", "2026-10-03")  # only October owed, due day 5: overdue
    b = add_client(db, "Bravo", start="2026-10", status="trial", report_due_day=25)
    add_client(db, "Charlie", start="2026-10", report_due_day=20)  # due 11-20: still due
    add_client(db, "Paused Co", start="2026-01", status="paused")
    add_client(db, "Ended Co", start="2026-06", end="2026-08", status="ended")
    for month in ("2026-06", "2026-07"):
        sent_on(db, 5, month, "2026-09-01")  # Ended Co: August, two months back, unsent
    add_client(db, "Future Co", start="2026-12")
    add_client(db, "Prospect Co", start=None, status="prospect")
    assert queue_rows(db) == [
        ("Ended Co", "2026-08", "2026-09-05", "overdue", 76, "no_goals"),
        ("Alpha", "2026-10", "2026-11-05", "overdue", 15, "no_goals"),
        ("Charlie", "2026-10", "2026-11-20", "due", 0, "no_goals"),
        ("Bravo", "2026-10", "2026-11-25", "due", 0, "no_goals"),
    ]
    assert b  # the trial client is in the queue above
    obj = queue_object(report_queue(db, as_of=AS_OF), AS_OF)
    assert obj["counts"] == {"owed": 4, "overdue": 2, "due": 2}


def test_queue_month_status_is_that_months(db: Database) -> None:
    """The status shown is the client's status in the owed month, not this month."""
    c = add_client(db, "Delta", start="2026-09")
    set_goal(db, c, "posts_shared", "2026-09", 40)
    set_result(db, c, "posts_shared", "2026-09", 20)  # missed in September
    set_result(db, c, "posts_shared", "2026-10", 45)  # met in October
    assert [(r[1], r[5]) for r in queue_rows(db)] == [
        ("2026-09", "missed"),
        ("2026-10", "met"),
    ]


def test_empty_database_owes_nothing(db: Database) -> None:
    assert report_queue(db, as_of=AS_OF) == []
    assert recent_sent(db, as_of=AS_OF) == []


# ---------------------------------------------------------------- one report's figures


@pytest.fixture
def rossi(db: Database) -> int:
    """Goals from January, raised for December; results for September and October."""
    c = add_client(db, "Rossi Bakery", company="Panificio Rossi", start="2026-01")
    set_goal(db, c, "new_followers", "2026-01", 300)
    set_goal(db, c, "new_followers", "2026-05", 500)
    set_goal(db, c, "posts_shared", "2026-01", 40)
    set_goal(db, c, "conversions", "2026-01", 10)
    set_goal(db, c, "new_followers", "2026-12", 600)  # next month's only: not in Oct/Nov
    set_goal(db, c, "conversions", "2026-11", 0)  # stops being tracked in November
    set_result(db, c, "new_followers", "2026-09", 460)
    set_result(db, c, "posts_shared", "2026-09", 40)
    set_result(db, c, "new_followers", "2026-10", 520)
    set_result(db, c, "posts_shared", "2026-10", 36)
    # October's conversions were never entered.
    set_hours(db, c, "2026-10", 2450)
    return c


def test_report_numbers_against_goals_and_results(db: Database, rossi: int) -> None:
    data = load_report_data(db, client_id=rossi, month=OCT, as_of=AS_OF)
    rows = [(m.key, m.target, m.actual, m.previous_actual, m.status) for m in data.metrics]
    assert rows == [
        ("new_followers", 500, 520, 460, MetricStatus.MET),  # 500 carried from May
        ("posts_shared", 40, 36, 40, MetricStatus.MISSED),
        ("conversions", 10, None, None, MetricStatus.MISSING),
    ]
    assert (data.hours_x100, data.included_hours, data.tier) == (2450, 20, "Tier 1")
    assert data.services[0] == "Content creation"
    # November's plan: followers 500 (December's 600 is not yet in force); conversions stop.
    assert [(p.key, p.target, p.current_target) for p in data.planned or ()] == [
        ("new_followers", 500, 500),
        ("posts_shared", 40, 40),
    ]
    assert data.dropped == ("Conversions",)
    assert data.state is ReportState.OVERDUE
    text = render_report(data)
    assert "| New followers | 500 | 520 | 104% | +60 (+13%) |" in text
    assert "| Posts shared | 40 | 36 | 90% | -4 (-10%) |" in text
    assert f"| Conversions | 10 | {DASH} | {DASH} | {DASH} |" in text
    assert "- **Posts shared:** Missed by 4 posts: 36 of 40 (90%)." in text
    assert "- **Conversions:** Not entered: no result was recorded (target 10 conversions)." in text
    assert "24.5 of 20 included hours used (123%): 4.5 over the retainer." in text
    assert "No longer tracked: Conversions." in text


def test_next_month_plan_reads_next_months_targets(db: Database, rossi: int) -> None:
    data = load_report_data(db, client_id=rossi, month=NOV, as_of=AS_OF)
    assert [(p.key, p.target, p.current_target) for p in data.planned or ()] == [
        ("new_followers", 600, 500),
        ("posts_shared", 40, 40),
    ]
    text = render_report(data)
    assert "| New followers | 600 | up from 500 |" in text
    assert "_The month is still open: figures as of 2026-11-20._" in text


def test_new_client_has_no_previous_month(db: Database) -> None:
    """A client starting in October: no change column values, even with old stray data."""
    c = add_client(db, "Newco", start="2026-10")
    set_goal(db, c, "posts_shared", "2026-10", 20)
    set_result(db, c, "posts_shared", "2026-09", 99)  # before the start: ignored
    set_result(db, c, "posts_shared", "2026-10", 25)
    data = load_report_data(db, client_id=c, month=OCT, as_of=AS_OF)
    assert [(m.actual, m.previous_actual) for m in data.metrics] == [(25, None)]
    text = render_report(data)
    assert data.first_month
    # The first month has nothing to compare with: no "Change from Sep" column.
    assert "| Posts shared | 20 | 25 | 125% |\n" in text
    assert "Change from" not in text and DASH + " |" not in text.split("## Hours")[0]
    assert "_October 2026 is the first month of the retainer._" in text
    # The month after it compares with it.
    set_goal(db, c, "posts_shared", "2026-11", 20)
    nov = render_report(load_report_data(db, client_id=c, month=NOV, as_of=AS_OF))
    assert "Change from Oct" in nov and "first month" not in nov


def test_a_month_that_has_not_started_has_no_report(db: Database) -> None:
    c = add_client(db, "Newco", start="2026-10")
    with pytest.raises(ReportError, match="December 2026 has not started yet"):
        load_report_data(db, client_id=c, month=DEC, as_of=AS_OF)


def test_custom_metric(db: Database) -> None:
    add_metric(db, "reels", "Reels published", "reels")
    c = add_client(db, "Reelco", start="2026-01")
    set_goal(db, c, "reels", "2026-03", 12)
    set_goal(db, c, "posts_shared", "2026-03", 10)
    set_result(db, c, "reels", "2026-09", 10)
    set_result(db, c, "reels", "2026-10", 11)
    set_result(db, c, "posts_shared", "2026-10", 10)
    data = load_report_data(db, client_id=c, month=OCT, as_of=AS_OF)
    # Built-ins come first (catalogue order), the custom metric after them.
    assert [(m.key, m.label, m.unit) for m in data.metrics] == [
        ("posts_shared", "Posts shared", "posts"),
        ("reels", "Reels published", "reels"),
    ]
    text = render_report(data)
    assert "| Reels published | 12 | 11 | 92% | +1 (+10%) |" in text
    assert "- **Reels published:** Missed by 1 reel: 11 of 12 (92%)." in text


def test_report_for_month_out_of_service_is_refused(db: Database) -> None:
    c = add_client(db, "Late Starter", start="2026-10")
    p = add_client(db, "Paused Co", status="paused")
    with pytest.raises(ReportError, match="not in service in 2026-09"):
        load_report_data(db, client_id=c, month=SEP, as_of=AS_OF)
    with pytest.raises(ReportError, match="Paused Co was not in service"):
        load_report_data(db, client_id=p, month=OCT, as_of=AS_OF)


def test_last_month_of_a_retainer_plans_nothing(db: Database) -> None:
    c = add_client(db, "Ending", start="2026-01", end="2026-10")
    set_goal(db, c, "posts_shared", "2026-01", 10)
    data = load_report_data(db, client_id=c, month=OCT, as_of=AS_OF)
    assert data.planned is None
    assert "The retainer ends with October 2026" in render_report(data)


def test_trial_client_gets_a_report(db: Database) -> None:
    c = add_client(db, "Trial Co", start="2026-10", status="trial", fee_cents=1_500_00)
    set_goal(db, c, "new_followers", "2026-10", 150)
    set_result(db, c, "new_followers", "2026-10", 150)
    text = report_markdown(db, client_id=c, month=OCT, as_of=AS_OF)
    assert "Met: 150 of 150 followers (100%)." in text


# ---------------------------------------------------------------- actions


def test_highlights_are_kept_per_client_and_month(db: Database, rossi: int) -> None:
    other = add_client(db, "Other")
    assert set_highlights(db, client_id=rossi, month=OCT, text="Big win\r\nsecond line  ") == (
        "Big win\nsecond line"
    )
    mark_sent(db, client_id=rossi, month=OCT, on=date(2026, 11, 21))
    set_highlights(db, client_id=rossi, month=OCT, text="Edited after sending")
    data = load_report_data(db, client_id=rossi, month=OCT, as_of=AS_OF)
    assert (data.highlights, data.sent_on) == ("Edited after sending", date(2026, 11, 21))
    assert load_report_data(db, client_id=rossi, month=SEP, as_of=AS_OF).highlights == ""
    assert load_report_data(db, client_id=other, month=OCT, as_of=AS_OF).highlights == ""
    unmark_sent(db, client_id=rossi, month=OCT)
    data = load_report_data(db, client_id=rossi, month=OCT, as_of=AS_OF)
    assert (data.highlights, data.sent_on, data.state) == (
        "Edited after sending",
        None,
        ReportState.OVERDUE,
    )
    assert "## Highlights\n\nEdited after sending\n" in render_report(data)
    set_highlights(db, client_id=rossi, month=OCT, text="")
    with raw(db) as conn:  # neither sent nor written: no row left behind
        assert conn.execute("SELECT count(*) FROM report").fetchone()[0] == 0


def test_bad_highlights_write_nothing(db: Database, rossi: int) -> None:
    from retainer_tui.domain.validation import InvalidValue

    with pytest.raises(InvalidValue):
        set_highlights(db, client_id=rossi, month=OCT, text="bell\x07")
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM report").fetchone()[0] == 0


def test_export_writes_an_owner_only_file(db: Database, rossi: int) -> None:
    documents = paths.documents_dir()
    path = default_export_path("Rossi Bakery", OCT, folder=documents)
    assert path == documents / "rossi-bakery-2026-10.md"
    text = report_markdown(db, client_id=rossi, month=OCT, as_of=AS_OF)
    written = export_report(path, text, documents=documents)
    assert written.read_bytes() == text.encode("utf-8")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    export_report(path, "again\n")  # replaces the file whole
    assert path.read_text() == "again\n"
    assert [p.name for p in path.parent.iterdir()] == ["rossi-bakery-2026-10.md"]
    with pytest.raises(ReportError, match="is a folder"):
        export_report(path.parent, text)


def test_find_client_ignores_case_and_spacing(db: Database, rossi: int) -> None:
    assert find_client(db, "ROSSI bakery").id == rossi
    assert find_client(db, "  rossi   bakery ").name == "Rossi Bakery"
    with pytest.raises(ReportError, match="no client named 'Nobody'"):
        find_client(db, "Nobody")


def test_default_report_month_is_the_previous_month() -> None:
    assert default_report_month(AS_OF) == OCT
    assert default_report_month(date(2027, 1, 1)) == Month(2026, 12)


def test_writes_can_be_undone(db: Database, rossi: int) -> None:
    from retainer_tui.services.undo import UndoStack, undo_last

    stack = UndoStack()
    set_highlights(db, client_id=rossi, month=OCT, text="first", undo=stack)
    mark_sent(db, client_id=rossi, month=OCT, on=AS_OF, undo=stack)
    assert stack.labels == (
        "Rossi Bakery's Oct 2026 report marked sent",
        "Rossi Bakery's Oct 2026 highlights",
    )
    undo_last(db, stack=stack)
    data = load_report_data(db, client_id=rossi, month=OCT, as_of=AS_OF)
    assert (data.sent_on, data.highlights) == (None, "first")
    undo_last(db, stack=stack)
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM report").fetchone()[0] == 0
