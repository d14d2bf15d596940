"""The CSV import against hostile sheets (Hypothesis): a valid sheet with one cell replaced,
or the text damaged. Whatever comes in: no crash (only a DataFileError), every problem
names its line (and column) in one clean line, a refused sheet changes nothing, a dry run
agrees with the import and writes nothing, and an accepted sheet leaves a sound database
with only results and hours changed."""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retainer_tui.db.backup import backup_database
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.csv_import import import_csv
from retainer_tui.services.data_file import DataFileError
from tests.trust import tally
from tests.trust.helpers import checks, read_tables
from tests.trust.hostile import hostile_text

LONG = [
    ["client", "month", "metric", "actual"],
    ["Fuzz Client", "2026-10", "new_followers", "120"],
    ["fuzz client", "2026-10", "hours", "12.5"],
    ["Fuzz Client", "2026-11", "posts_shared", "7"],
]
WIDE = [
    ["client", "month", "fee", "hours", "new_followers", "conversions"],
    ["Fuzz Client", "2026-10", "1000.00", "3.25", "5", ""],
    ["Fuzz Client", "2026-11", "", "", "6", "1"],
]
# Only these tables may change when a sheet is accepted.
WRITTEN = {"result", "hours"}


def sheet_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("fuzz-csv")
    db = open_database(folder / "live.db")
    save_client(db, draft=ClientDraft(name="Fuzz Client", start_month="2026-01"))
    save_client(db, draft=ClientDraft(name="Untouched Client"))
    path = backup_database(db, folder / "template.db")
    return path, read_tables(path)


class Fresh:
    def __init__(self, folder: Path, template: Path) -> None:
        self.folder, self.template, self.n = folder, template, 0

    def __call__(self) -> Database:
        self.n += 1
        path = self.folder / f"db-{self.n}.db"
        shutil.copyfile(self.template, path)
        return SqliteDatabase(path)


def clean_line(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def try_import(db: Database, text: str, before: Any) -> str:
    tally.tried()
    outcomes = []
    for dry_run in (True, False):
        try:
            import_csv(db, text, dry_run=dry_run)
        except DataFileError as exc:
            assert exc.problems, "a refusal names at least one problem"
            for problem in exc.problems:
                assert problem.place.startswith("line "), problem
                assert problem.message.strip(), problem
                assert clean_line(str(problem)), repr(str(problem))
            assert read_tables(db.path) == before, "a refused sheet changed the database"
            outcomes.append("refused")
        except Exception:
            tally.crashed()
            raise
        else:
            if dry_run:
                assert read_tables(db.path) == before, "a dry run wrote"
            outcomes.append("imported")
    assert outcomes[0] == outcomes[1], f"dry run {outcomes[0]}, import {outcomes[1]}"
    if outcomes[1] == "imported":
        assert checks(db.path) == ("ok", [])
        after = read_tables(db.path)
        assert {name for name in after if after[name] != before[name]} <= WRITTEN
    return outcomes[1]


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_base_sheets_import(template, tmp_path: Path) -> None:
    path, before = template
    fresh = Fresh(tmp_path, path)
    for rows in (LONG, WIDE):
        assert try_import(fresh(), sheet_text(rows), before) == "imported"
    assert try_import(fresh(), sheet_text(WIDE, ";"), before) == "imported"


@settings(SETTINGS, max_examples=200)
@given(data=st.data(), shape=st.sampled_from(["long", "wide"]))
def test_a_hostile_cell_anywhere(template, tmp_path: Path, data: st.DataObject, shape: str):
    path, before = template
    rows = [list(row) for row in (LONG if shape == "long" else WIDE)]
    line = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="line")
    column = data.draw(st.integers(min_value=0, max_value=len(rows[0])), label="column")
    value = data.draw(hostile_text(), label="value")
    if column == len(rows[line]):
        rows[line].append(value)
    else:
        rows[line][column] = value
    delimiter = data.draw(st.sampled_from([",", ";"]), label="delimiter")
    try_import(Fresh(tmp_path, path)(), sheet_text(rows, delimiter), before)


@settings(SETTINGS, max_examples=100)
@given(data=st.data())
def test_a_damaged_sheet(template, tmp_path: Path, data: st.DataObject) -> None:
    path, before = template
    text = sheet_text(data.draw(st.sampled_from([LONG, WIDE]), label="sheet"))
    where = data.draw(st.integers(min_value=0, max_value=len(text)), label="where")
    how = data.draw(st.sampled_from(["cut", "insert", "replace"]), label="how")
    if how == "cut":
        text = text[:where]
    else:
        piece = data.draw(hostile_text(), label="piece")
        text = text[:where] + piece + text[where + (1 if how == "replace" else 0) :]
    try_import(Fresh(tmp_path, path)(), text, before)
