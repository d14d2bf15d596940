"""`retainer report` and `retainer reports`: the Markdown, the queue, one-line errors."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.cli import main
from retainer_tui.domain.month import Month
from retainer_tui.services.reports import (
    default_export_path,
    export_report,
    find_client,
    report_markdown,
)
from tests.factories import add_client, set_goal, set_result
from tests.raw import db_arg

pytestmark = pytest.mark.both_engines

AS_OF = "2026-11-20"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_prints_last_months_markdown(sample_db, capsys) -> None:
    code, out, err = run(
        capsys, "report", "enoteca VERDI", "--db", db_arg(sample_db), "--as-of", AS_OF
    )
    assert (code, err) == (0, "")
    assert out.startswith("# Enoteca Verdi: progress report, October 2026\n")
    assert "| Conversions | 30 | 31 | 103% | -5 (-14%) |" in out
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_report_for_a_chosen_month(sample_db, capsys) -> None:
    code, out, _ = run(
        capsys, "report", "Enoteca Verdi", "--month", "2026-09", "--db", db_arg(sample_db),
        "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0
    assert out.startswith("# Enoteca Verdi: progress report, September 2026\n")
    assert "| New followers | 1,200 | 1,344 | 112% |" in out


def test_report_output_equals_the_export_byte_for_byte(sample_db, capsys, tmp_path: Path) -> None:
    """stdout, -o FILE and the app's export (services.export_report) are the same bytes."""
    client = find_client(sample_db, "Studio Bianchi Architetti")
    text = report_markdown(
        sample_db, client_id=client.id, month=Month(2026, 10), as_of=date(2026, 11, 20)
    )
    documents = paths.documents_dir()
    exported = export_report(
        default_export_path(client.name, Month(2026, 10), folder=documents),
        text,
        documents=documents,
    )
    code, out, _ = run(
        capsys, "report", "studio bianchi architetti", "--db", db_arg(sample_db), "--as-of", AS_OF
    )
    assert code == 0
    assert out.encode("utf-8") == exported.read_bytes()
    target = tmp_path / "out" / "bianchi.md"
    target.parent.mkdir()
    code, out, _ = run(
        capsys, "report", "Studio Bianchi Architetti", "-o", str(target), "--db", db_arg(sample_db),
        "--as-of", AS_OF,
    )  # fmt: skip
    assert (code, out) == (0, "")
    assert target.read_bytes() == exported.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_unknown_client_is_one_line_naming_it(sample_db, capsys) -> None:
    code, out, err = run(capsys, "report", "Acme Widgets", "--db", db_arg(sample_db))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "'Acme Widgets'" in err and err.startswith("retainer: ")


def test_bad_month_and_month_out_of_service(db, capsys) -> None:
    add_client(db, "Rossi Bakery", start="2026-06")
    code, _, err = run(capsys, "report", "rossi bakery", "--month", "2026-13", "--db", db_arg(db))
    assert code == 2 and "--month must be a month written YYYY-MM, not '2026-13'" in err
    code, _, err = run(capsys, "report", "rossi bakery", "--month", "2026-05", "--db", db_arg(db))
    assert code == 2 and err.count("\n") == 1 and "not in service in 2026-05" in err


def test_a_month_that_has_not_started_is_refused_plainly(db, capsys) -> None:
    add_client(db, "Rossi Bakery", start="2026-06")
    code, out, err = run(
        capsys, "report", "rossi bakery", "--month", "2026-12", "--db", db_arg(db),
        "--as-of", AS_OF,
    )  # fmt: skip
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "December 2026 has not started yet (today is 2026-11-20)" in err


def test_missing_database_is_not_created(tmp_path: Path, capsys) -> None:
    path = tmp_path / "none.db"
    code, _, err = run(capsys, "reports", "--db", str(path))
    assert code == 2 and "no such database" in err
    assert not path.exists()


def test_report_help_says_the_default_month(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert "default: the month before the as-of date, the latest report that can be due" in out


def test_reports_json_is_the_queue(sample_db, capsys) -> None:
    code, out, err = run(capsys, "reports", "--json", "--db", db_arg(sample_db), "--as-of", AS_OF)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["as_of"] == AS_OF
    assert data["counts"] == {"owed": 3, "overdue": 2, "due": 1}
    assert data["reports"] == [
        {
            "client": "Enoteca Verdi",
            "month": "2026-09",
            "due": "2026-10-05",
            "state": "overdue",
            "days_overdue": 46,
            "month_status": "met",
        },
        {
            "client": "Enoteca Verdi",
            "month": "2026-10",
            "due": "2026-11-05",
            "state": "overdue",
            "days_overdue": 15,
            "month_status": "met",
        },
        {
            "client": "Studio Bianchi Architetti",
            "month": "2026-10",
            "due": "2026-11-25",
            "state": "due",
            "days_overdue": 0,
            "month_status": "missed",
        },
    ]


def test_reports_table(sample_db, capsys) -> None:
    code, out, _ = run(capsys, "reports", "--db", db_arg(sample_db), "--as-of", AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Reports owed as of 2026-11-20"
    assert lines[4].split() == ["Enoteca", "Verdi", "2026-09", "2026-10-05", "overdue", "46", "met"]
    assert lines[-1] == "3 owed: 2 overdue, 1 due."


def test_reports_when_nothing_is_owed(db, capsys) -> None:
    c = add_client(db, "Fresh", start="2026-11")
    set_goal(db, c, "posts_shared", "2026-11", 10)
    set_result(db, c, "posts_shared", "2026-11", 3)
    code, out, _ = run(capsys, "reports", "--db", db_arg(db), "--as-of", AS_OF)
    assert (code, out) == (0, "No reports owed as of 2026-11-20.\n")
    code, out, _ = run(capsys, "reports", "--json", "--db", db_arg(db), "--as-of", AS_OF)
    assert json.loads(out)["reports"] == []
