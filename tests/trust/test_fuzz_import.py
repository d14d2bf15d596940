"""The importer against hostile data files (Hypothesis): a valid file with one value, key
or piece of text replaced by something hostile. Whatever comes in: no crash (only a
DataFileError is allowed), every problem names its place in one clean line, a refused
file changes nothing, a dry run agrees with the real import, and an accepted file leaves
a sound database."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retainer_tui.db.backup import backup_database
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.data_file import DataFileError, import_data
from tests.trust import tally
from tests.trust.helpers import checks, read_tables
from tests.trust.hostile import hostile_text, hostile_value

BASE: dict[str, Any] = {
    "format": "retainer-tui/1",
    "currency": "USD",
    "metrics": [{"key": "reels", "label": "Reels published", "unit": "reels"}],
    "tiers": [
        {
            "name": "Tier 9",
            "monthly_fee": "900.00",
            "included_hours": 5,
            "services": ["Posts", "Reels"],
            "description": "Nine",
        }
    ],
    "clients": [
        {
            "name": "Fuzz Client",
            "tier": "Tier 9",
            "monthly_fee": "1000.00",
            "status": "active",
            "start": "2026-01",
            "end": "2026-12",
            "billing_day": 1,
            "report_due_day": 5,
            "company": "Fuzz Co",
            "decision_maker": "Dee",
            "email": "dee@fuzz.example",
            "phone": "+1 555",
            "service_type": "other",
            "stage": "",
            "next_action": "Call",
            "next_action_on": dt.date(2026, 11, 30),
            "objections": "",
            "notes": "Some notes",
            "goals": {"2026-01": {"new_followers": 10, "reels": 2}},
            "results": {"2026-02": {"new_followers": 5, "reels": 1}},
            "hours": {"2026-02": 2.5},
            "payments": [
                {"month": "2026-02", "amount": "1000.00", "received": dt.date(2026, 2, 2)}
            ],
            "reports": [{"month": "2026-01", "sent": dt.date(2026, 2, 3), "highlights": "Good"}],
        },
        {"name": "Existing Client", "status": "prospect", "stage": "first call"},
    ],
}


def leaves(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document: values, and ("key", …) for a table's keys."""
    found: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.append(("key", *path, key))
            found.extend(leaves(value, (*path, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found.extend(leaves(value, (*path, i)))
    if path:
        found.append(path)
    return found


PLACES = leaves(BASE)


def replace(doc: Any, place: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(doc)
    if place[0] == "key":
        *parents, key = place[1:]
        target = out
        for step in parents:
            target = target[step]
        new_key = value if isinstance(value, str) else str(value)
        target[new_key] = target.pop(key)
        return out
    *parents, last = place
    target = out
    for step in parents:
        target = target[step]
    target[last] = value
    return out


def to_text(doc: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, default=str, ensure_ascii=False)
    return tomli_w.dumps(doc)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A database with one client the file replaces ("Existing Client") and one it
    leaves alone; and its rows."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    db = open_database(folder / "live.db")
    save_client(db, draft=ClientDraft(name="Existing Client", status="prospect"))
    save_client(db, draft=ClientDraft(name="Untouched Client", company="Keep me"))
    path = backup_database(db, folder / "template.db")
    return path, read_tables(path)


class Fresh:
    """A new copy of the template per example (Hypothesis reuses the test's tmp_path)."""

    def __init__(self, folder: Path, template: Path) -> None:
        self.folder, self.template, self.n = folder, template, 0

    def __call__(self) -> Database:
        self.n += 1
        path = self.folder / f"db-{self.n}.db"
        shutil.copyfile(self.template, path)
        return SqliteDatabase(path)


def clean_line(text: str) -> bool:
    """One line a terminal shows as it is: no control or format characters in it."""
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def try_import(db: Database, text: str, fmt: str, before: Any) -> str:
    """Dry run, then the import; the checks every input must pass. 'refused' or 'imported'."""
    tally.tried()
    outcomes = []
    for dry_run in (True, False):
        try:
            import_data(db, text, fmt=fmt, dry_run=dry_run)
        except DataFileError as exc:
            assert exc.problems, "a refusal names at least one problem"
            for problem in exc.problems:
                assert problem.place.strip() and problem.message.strip(), problem
                assert clean_line(str(problem)), repr(str(problem))
            assert read_tables(db.path) == before, "a refused file changed the database"
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
        names = {row[1] for row in after["client"][1]}
        assert "Untouched Client" in names, "a client the file does not name was touched"
    return outcomes[1]


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_base_file_imports(template, tmp_path: Path) -> None:
    path, before = template
    fresh = Fresh(tmp_path, path)
    for fmt in ("toml", "json"):
        assert try_import(fresh(), to_text(BASE, fmt), fmt, before) == "imported"


@settings(SETTINGS, max_examples=400)
@given(data=st.data(), fmt=st.sampled_from(["toml", "json"]))
def test_a_hostile_value_anywhere(template, tmp_path: Path, data: st.DataObject, fmt: str):
    path, before = template
    place = data.draw(st.sampled_from(PLACES), label="place")
    value = data.draw(
        hostile_text() if place[0] == "key" else hostile_value(json=fmt == "json"),
        label="value",
    )
    doc = replace(BASE, place, value)
    try:
        text = to_text(doc, fmt)
    except (TypeError, ValueError):
        return  # not writable as a file of that format (e.g. TOML has no null)
    try_import(Fresh(tmp_path, path)(), text, fmt, before)


@settings(SETTINGS, max_examples=200)
@given(data=st.data(), fmt=st.sampled_from(["toml", "json"]))
def test_a_damaged_file(template, tmp_path: Path, data: st.DataObject, fmt: str) -> None:
    """Cut short, something pasted in the middle, or a character replaced."""
    path, before = template
    text = to_text(BASE, fmt)
    where = data.draw(st.integers(min_value=0, max_value=len(text)), label="where")
    how = data.draw(st.sampled_from(["cut", "insert", "replace"]), label="how")
    if how == "cut":
        text = text[:where]
    else:
        piece = data.draw(hostile_text(), label="piece")
        text = text[:where] + piece + text[where + (1 if how == "replace" else 0) :]
    try_import(Fresh(tmp_path, path)(), text, fmt, before)
