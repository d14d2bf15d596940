"""CSV both ways: `retainer export --table NAME [--excel]` and `retainer import FILE.csv`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.cli import main
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.services.csv_cells import safe_cell, unguard
from retainer_tui.services.csv_import import column_letter, decimal_comma
from retainer_tui.services.data_file import export_data, import_data
from tests.factories import add_client, set_result
from tests.raw import db_arg, raw

pytestmark = pytest.mark.both_engines


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def export(capsys, db: Database, *options: str) -> str:
    code, out, err = run(capsys, "export", "--db", db_arg(db), *options)
    assert (code, err) == (0, "")
    return out


def backups(db: Database) -> list[Path]:
    folder = paths.backups_dir(db.file)
    return sorted(folder.iterdir()) if folder.exists() else []


def backed_up(backup: Path) -> str:
    """What a backup holds, as a data file: SQLite's copy opened, or a server's TOML."""
    return export_data(SqliteDatabase(backup)) if backup.suffix == ".db" else backup.read_text()


@pytest.fixture
def other_target(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty place for a database on the test's engine."""
    if engine == "postgresql":
        return str(request.getfixturevalue("db_target"))
    return str(tmp_path / "other.db")


# ---------------------------------------------------------------- export


def test_plain_csv_export_is_unchanged(sample_db: Database, capsys) -> None:
    out = export(capsys, sample_db, "--format", "csv")
    assert out.startswith("client,month,metric,target,actual\r\n")
    assert out == export_data(sample_db, "csv")


@pytest.mark.parametrize(
    ("table", "header", "row"),
    [
        (
            "clients",
            "name,company,decision_maker,email,phone,status,tier,monthly_fee,start,end,"
            "billing_day,report_due_day,service_type,stage,next_action,next_action_on,notes",
            ["Enoteca Verdi", "Verdi Vini S.r.l.", "Alessandra Verdi",
             "alessandra@enotecaverdi.example", "'+39 06 4782 9015", "active", "Tier 3",
             "10000.00", "2025-12", "", "1", "5", "social media", "", "", ""],
        ),
        ("goals", "client,month,metric,target",
         ["Enoteca Verdi", "2025-12", "new_followers", "1200"]),
        ("results", "client,month,metric,actual",
         ["Enoteca Verdi", "2025-12", "conversions", "19"]),
        ("hours", "client,month,hours", ["Enoteca Verdi", "2025-12", "52.75"]),
        ("payments", "client,month,amount,received",
         ["Enoteca Verdi", "2026-01", "10000.00", "2026-01-02"]),
        ("reports", "client,month,sent,highlights",
         ["Enoteca Verdi", "2026-01", "2026-02-03",
          "Partnership with a Roman food blogger went live."]),
        (
            "wide",
            "client,month,fee,hours,payment,received,report_sent,new_followers,posts_shared,"
            "conversions,blog_posts,newsletters",
            ["Enoteca Verdi", "2025-12", "10000.00", "52.75", "10000.00", "2025-12-02",
             "2026-01-04", "1620", "77", "19", "", ""],
        ),
    ],
)  # fmt: skip
def test_each_table_has_its_sheet(
    sample_db: Database, capsys, table: str, header: str, row: list[str]
) -> None:
    out = export(capsys, sample_db, "--table", table)
    assert out.startswith(header + "\r\n")
    sheet = rows(out)
    width = len(sheet[0])
    assert all(len(r) == width for r in sheet)
    if table == "clients":
        assert [r[: len(row)] for r in sheet if r[0] == row[0]] == [row]
    else:
        assert row in sheet
    # --format csv --table gives the same bytes; names come in the client list's order.
    assert export(capsys, sample_db, "--format", "csv", "--table", table) == out
    names = [r[0] for r in sheet[1:]]
    assert names == sorted(names, key=str.lower)


def test_a_metric_named_like_a_wide_column_is_prefixed(db: Database, capsys) -> None:
    with raw(db, write=True) as conn:
        conn.execute(
            "INSERT INTO metric (key, label, unit, builtin, position) "
            "VALUES ('fee', 'Fee leads', 'leads', FALSE, 99)"
        )
    cid = add_client(db, "Rossi Bakery")
    set_result(db, cid, "fee", "2026-11", 3)
    sheet = rows(export(capsys, db, "--table", "wide"))
    assert sheet[0][-1] == "metric:fee" and sheet[1][-1] == "3"


def test_excel_sheet_has_a_bom_crlf_and_utf8_accents(db: Database, capsys, tmp_path) -> None:
    cid = add_client(db, "Café Élan, Søndergård")
    set_result(db, cid, "conversions", "2026-11", 7)
    with raw(db, write=True) as conn:
        conn.execute("UPDATE client SET notes = 'first line\nsecond: naïve' WHERE id = ?", (cid,))
    for table in ("results", "clients", "wide"):
        target = tmp_path / f"{table}.csv"
        code, _, err = run(capsys, "export", "--db", db_arg(db), "--table", table,
                           "--excel", "-o", str(target))  # fmt: skip
        assert (code, err) == (0, "")
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert "Café Élan, Søndergård".encode() in data
        plain = export(capsys, db, "--table", table)
        assert data == b"\xef\xbb\xbf" + plain.encode("utf-8")
        # Every record ends in CRLF; a line feed inside a cell stays inside its quotes.
        assert data.endswith(b"\r\n") and data.count(b"\n") - data.count(b"\r\n") == (
            1 if table == "clients" else 0
        )
    # --excel alone is the flat sheet with a BOM.
    assert export(capsys, db, "--excel") == "\ufeff" + export_data(db, "csv")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--format", "toml", "--table", "results"), "--table is for CSV"),
        (("--format", "json", "--excel"), "--excel is for CSV"),
    ],
)
def test_table_and_excel_need_csv(db: Database, capsys, options, message) -> None:
    code, out, err = run(capsys, "export", "--db", db_arg(db), *options)
    assert code == 2 and out == ""
    assert err.startswith(f"retainer: {message}") and err.count("\n") == 1


def test_unknown_table_is_a_usage_error(db: Database, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--db", db_arg(db), "--table", "tiers"])
    assert exc.value.code == 2
    assert "invalid choice: 'tiers'" in capsys.readouterr().err


# ---------------------------------------------------------------- round trip


def _without_results(source: Database, target: str) -> Database:
    """A database holding all of source but its results and hours."""
    doc = json.loads(export_data(source, "json"))
    for client in doc["clients"]:
        client.pop("results", None)
        client.pop("hours", None)
    other = open_database(target)
    import_data(other, json.dumps(doc), fmt="json", new_database=True)
    assert export_data(other) != export_data(source)
    return other


@pytest.mark.parametrize("sheets", [("results", "hours"), ("wide",)])
def test_round_trip_export_then_import_gives_the_same_database(
    sample_db: Database, capsys, tmp_path: Path, other_target: str, sheets: tuple[str, ...]
) -> None:
    other = _without_results(sample_db, other_target)
    for table in sheets:
        file = tmp_path / f"{table}.csv"
        code, _, _ = run(capsys, "export", "--db", db_arg(sample_db), "--table", table,
                         "--excel", "-o", str(file))  # fmt: skip
        assert code == 0
        code, out, err = run(capsys, "import", "--db", db_arg(other), str(file))
        assert (code, err) == (0, "")
        assert f"{file}: imported: " in out and "added" in out
    assert export_data(other, "toml") == export_data(sample_db, "toml")
    assert export_data(other, "json") == export_data(sample_db, "json")
    # Imported again: nothing changes, and no backup is taken for nothing.
    taken = backups(other)
    file = tmp_path / f"{sheets[0]}.csv"
    code, out, _ = run(capsys, "import", "--db", db_arg(other), str(file))
    assert code == 0 and " 0 added, 0 updated, " in out
    assert backups(other) == taken


def test_wide_import_says_which_columns_it_left_out(sample_db: Database, capsys, tmp_path) -> None:
    file = tmp_path / "wide.csv"
    file.write_text(export(capsys, sample_db, "--table", "wide"), newline="")
    code, out, _ = run(capsys, "import", "--db", db_arg(sample_db), str(file), "--dry-run")
    assert code == 0
    assert out.splitlines()[-1] == (
        "not imported (read-only in the wide sheet): fee, payment, received, report_sent"
    )


# ---------------------------------------------------------------- import


@pytest.fixture
def rossi(db: Database) -> Database:
    cid = add_client(db, "Rossi Bakery")
    set_result(db, cid, "new_followers", "2026-10", 100)
    add_client(db, "Café Bleu")
    return db


def _import(capsys, db: Database, tmp_path: Path, text: str, *options: str, name="in.csv"):
    file = tmp_path / name
    file.write_bytes(text.encode("utf-8"))
    return run(capsys, "import", "--db", db_arg(db), str(file), *options)


def test_import_merges_actuals_and_hours_with_a_backup_first(rossi, capsys, tmp_path) -> None:
    before = export_data(rossi)
    text = (
        "Client,Month,Metric,Actual\r\n"
        "rossi bakery,2026-10,new_followers,120\r\n"
        'ROSSI BAKERY,2026-11,Posts_Shared,"1,200"\r\n'
        "Cafe\u0301 Bleu,2026-11,Hours,12.5\r\n"
        ",,,\r\n"
        "Rossi Bakery,2026-11,conversions,\r\n"
    )
    code, out, err = _import(capsys, rossi, tmp_path, text)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].endswith(
        "imported: results 1 added, 1 updated, 0 unchanged; hours 1 added, 0 updated, 0 unchanged"
    )
    [backup] = backups(rossi)
    assert f"backed up in {backup}" in out
    assert backed_up(backup) == before
    with raw(rossi) as conn:
        got = conn.execute("SELECT metric_key, month, actual FROM result ORDER BY month").fetchall()
        hours = conn.execute("SELECT month, hours_x100 FROM hours").fetchall()
    assert got == [("new_followers", "2026-10", 120), ("posts_shared", "2026-11", 1200)]
    assert hours == [("2026-11", 1250)]


def test_dry_run_writes_nothing(rossi, capsys, tmp_path) -> None:
    before = export_data(rossi)
    text = "client,month,metric,actual\nRossi Bakery,2026-11,conversions,4\n"
    code, out, _ = _import(capsys, rossi, tmp_path, text, "--dry-run")
    assert code == 0 and "would import: results 1 added" in out
    assert export_data(rossi) == before and backups(rossi) == []


def test_semicolon_sheets_read_decimal_commas(rossi, capsys, tmp_path) -> None:
    text = "\ufeffclient;month;hours;new_followers\r\nRossi Bakery;2026-11;12,5;1.250\r\n"
    code, out, err = _import(capsys, rossi, tmp_path, text, "--format", "csv", name="in.txt")
    assert (code, err) == (0, "")
    with raw(rossi) as conn:
        assert conn.execute("SELECT hours_x100 FROM hours").fetchall() == [(1250,)]
        assert (1250,) in conn.execute("SELECT actual FROM result").fetchall()
    assert decimal_comma("52.75") == "52.75" and decimal_comma("1 250,5") == "1250.5"


BAD = [
    ("client,month,metric,actual\nNobody,2026-11,conversions,3\n",
     'line 2, column A (client): unknown client "Nobody" (add the client in the app'),
    ("client,month,metric,actual\nRossi Bakery,2026-13,conversions,3\n",
     "line 2, column B (month): month must be a month written YYYY-MM, not '2026-13'"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,reach,3\n",
     'line 2, column C (metric): unknown metric "reach" (blog_posts, conversions,'),
    ("client,month,metric,actual\nRossi Bakery,2026-11,conversions,three\n",
     "line 2, column D (actual): actual must be a number, not 'three'"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,conversions,-3\n",
     "line 2, column D (actual): actual cannot be negative"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,conversions,2.5\n",
     "line 2, column D (actual): actual must be a whole number"),
    ("client,month,hours\nRossi Bakery,2026-11,800\n",
     "line 2, column C (hours): hours is more than a month has (at most 744)"),
    ("client,month,hours\nRossi Bakery,2026-11,1.234\n",
     "line 2, column C (hours): hours has at most two decimals"),
    ("client,month,metric,actual\n,2026-11,conversions,3\n",
     "line 2, column A (client): client is required"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,,3\n",
     "line 2, column C (metric): metric is required"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,conversions,3,4\n",
     "line 2, column E: a cell beyond the header's last column"),
    ("client,month,metric,actual\nRossi Bakery,2026-11,conversions,3\n"
     "rossi bakery,2026-11,conversions,4\n",
     'line 3, column D (actual): "Rossi Bakery" 2026-11 conversions is also on line 2'),
    ("client,month,,hours\nRossi Bakery,2026-11,x,3\n",
     "line 2, column C: a cell in a column the header gives no name"),
    ("client,month,metric\nRossi Bakery,2026-11,conversions\n",
     "line 1: missing column actual (a results sheet has client,month,metric,actual)"),
    ("name,month,hours\n", "line 1: missing column client"),
    ("client,month,reach\n",
     'line 1, column C (reach): unknown column "reach": not hours and not a metric key'),
    ("client,month,metric,target,actual\n",
     "line 1, column D (target): targets are not imported from CSV"),
    ("client,month,hours,hours\n", 'line 1, column D (hours): column "hours" appears twice'),
    ("", "line 1: the file is empty"),
    ('client,month,metric,actual\n"Rossi Bakery,2026-11\n', "line 2: not valid CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_names_line_and_column_and_writes_nothing(
    rossi, capsys, tmp_path, text: str, message: str
) -> None:
    before = export_data(rossi)
    code, out, err = _import(capsys, rossi, tmp_path, text)
    assert code == 2 and out == ""
    assert err.startswith(f"retainer: {tmp_path / 'in.csv'}: {message}")
    assert export_data(rossi) == before and backups(rossi) == []


def test_every_problem_is_listed_and_nothing_is_written(rossi, capsys, tmp_path) -> None:
    before = export_data(rossi)
    text = (
        "client,month,metric,actual\n"
        "Rossi Bakery,2026-11,conversions,5\n"  # good, but not written
        "Nobody,2026-11,conversions,5\n"
        "Rossi Bakery,2026-11,posts_shared,x\n"
    )
    code, _, err = _import(capsys, rossi, tmp_path, text)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert "line 3, column A (client)" in lines[0] and "line 4, column D (actual)" in lines[1]
    assert export_data(rossi) == before


def test_csv_import_refuses_replace_and_a_missing_database(rossi, capsys, tmp_path) -> None:
    text = "client,month,metric,actual\nRossi Bakery,2026-11,conversions,5\n"
    code, _, err = _import(capsys, rossi, tmp_path, text, "--replace")
    assert code == 2 and "--replace is for data files" in err
    missing = tmp_path / "missing.db"
    file = tmp_path / "in.csv"
    code, _, err = run(capsys, "import", "--db", str(missing), str(file))
    assert code == 2 and f"{missing}: no such database" in err
    assert not missing.exists()


def test_a_sheet_not_in_utf8_says_how_to_save_it(rossi, capsys, tmp_path) -> None:
    file = tmp_path / "in.csv"
    file.write_bytes("client,month,hours\nCafé Bleu,2026-11,3\n".encode("cp1252"))
    code, out, err = run(capsys, "import", "--db", db_arg(rossi), str(file))
    assert code == 2 and out == ""
    assert err == (
        f'retainer: {file}: not UTF-8 text (byte 22); save the sheet as "CSV UTF-8" (Excel) '
        "or with the UTF-8 character set (LibreOffice)\n"
    )


# ---------------------------------------------------------------- the formula guard


def test_formula_guard_is_stripped_on_import(db: Database, capsys, tmp_path) -> None:
    cid = add_client(db, "=Evil Corp")
    set_result(db, cid, "conversions", "2026-11", 1)
    plain = add_client(db, "'Til Dawn")
    set_result(db, plain, "conversions", "2026-11", 1)
    sheet = export(capsys, db, "--table", "results")
    assert "'=Evil Corp,2026-11,conversions,1" in sheet
    assert "'Til Dawn,2026-11,conversions,1" in sheet
    code, _, err = _import(capsys, db, tmp_path, sheet.replace(",1\r\n", ",9\r\n"))
    assert (code, err) == (0, "")
    with raw(db) as conn:
        assert conn.execute("SELECT actual FROM result").fetchall() == [(9,), (9,)]


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-5", "@x", "\u200b=x", "'=x", "''+1", "'Til", "plain", "", "'"]
)
def test_unguard_is_the_inverse_of_safe_cell(cell: str) -> None:
    assert unguard(str(safe_cell(cell))) == cell


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 3, 25, 26, 27, 701, 702)] == [
        "A", "D", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


def test_a_client_renamed_before_the_write_is_checked_again(
    rossi, capsys, tmp_path, monkeypatch
) -> None:
    """Checked, then someone renames the client before the write: the sheet is checked
    again under the write lock, refused, and nothing is written."""
    from retainer_tui.services import csv_import

    def rename_then_back_up(db: Database, folder: Path) -> Path:
        with raw(db, write=True) as conn:
            conn.execute("UPDATE client SET name = 'Rossi & Figli' WHERE name = 'Rossi Bakery'")
        return folder / "stand-in.db"

    monkeypatch.setattr(csv_import, "_backup", rename_then_back_up)
    before = export_data(rossi)
    text = "client,month,metric,actual\nRossi Bakery,2026-11,conversions,5\n"
    code, _, err = _import(capsys, rossi, tmp_path, text)
    assert code == 2 and 'line 2, column A (client): unknown client "Rossi Bakery"' in err
    assert export_data(rossi) == before.replace("Rossi Bakery", "Rossi & Figli")
