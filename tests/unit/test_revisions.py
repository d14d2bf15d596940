"""The schema's head and revisions, read from the revision files without Alembic: the same
answer as Alembic's, and a refusal for a folder that is not one line of revisions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from retainer_tui.db import migrate
from retainer_tui.db.revisions import VERSIONS, RevisionError, read_revisions


def _write(folder: Path, name: str, revision: str, down: object, *, style: str = "plain") -> None:
    header = f'"""{name}\n\nRevision ID: {revision}\n"""\n\nfrom alembic import op\n\n'
    if style == "plain":
        names = f"revision = {revision!r}\ndown_revision = {down!r}\n"
        body = names + "branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n"
        text = header + body + "    op.execute('SELECT 1')\n"
    elif style == "annotated":
        # Alembic's own template since 1.13.
        text = header + (
            f"revision: str = {revision!r}\n"
            f"down_revision: str | tuple[str, ...] | None = {down!r}\n\n\n"
            "def upgrade() -> None:\n    pass\n"
        )
    elif style == "late":
        # The names after the functions, and a docstring line that looks like one.
        text = (
            f'"""{name}\n\nrevision = "not_this"\ndown_revision = "nor_this"\n\nmore\n"""\n\n'
            "def upgrade() -> None:\n    pass\n\n\n"
            f"revision = {revision!r}\n\ndown_revision = {down!r}\n"
        )
    else:
        raise AssertionError(style)
    (folder / f"{name}.py").write_text(text, encoding="utf-8")


def _alembic_view(folder: Path) -> tuple[str | None, frozenset[str]]:
    scripts = ScriptDirectory(str(folder), version_locations=[str(folder)])
    return scripts.get_current_head(), frozenset(s.revision for s in scripts.walk_revisions())


def test_the_package_revisions_are_alembics() -> None:
    assert read_revisions() == _alembic_view(VERSIONS)
    assert read_revisions() == (migrate.SCHEMA_HEAD, migrate.KNOWN_REVISIONS)


def test_a_merge_and_other_spellings_read_as_alembic_reads_them(tmp_path: Path) -> None:
    _write(tmp_path, "a", "0001_a", None)
    _write(tmp_path, "b", "0002_b", "0001_a", style="annotated")
    _write(tmp_path, "c", "0003_c", "0001_a", style="late")
    _write(tmp_path, "d", "0004_d", ("0002_b", "0003_c"))
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("revision = 'x'\n", encoding="utf-8")
    assert read_revisions(tmp_path) == (
        "0004_d",
        frozenset({"0001_a", "0002_b", "0003_c", "0004_d"}),
    )
    assert read_revisions(tmp_path) == _alembic_view(tmp_path)


def test_two_heads_are_refused_with_both_named(tmp_path: Path) -> None:
    _write(tmp_path, "a", "0001_a", None)
    _write(tmp_path, "b", "0002_b", "0001_a")
    _write(tmp_path, "c", "0002_c", "0001_a")
    with pytest.raises(RevisionError, match=r"2 heads \(0002_b, 0002_c\)"):
        read_revisions(tmp_path)


def test_a_gap_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a", "0001_a", None)
    _write(tmp_path, "c", "0003_c", "0002_b")
    with pytest.raises(RevisionError, match=r"c\.py: revises 0002_b, which no file"):
        read_revisions(tmp_path)


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a", "0001_a", "0002_b")
    _write(tmp_path, "b", "0002_b", "0001_a")
    with pytest.raises(RevisionError, match="revise each other"):
        read_revisions(tmp_path)


def test_one_id_in_two_files_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a", "0001_a", None)
    _write(tmp_path, "b", "0001_a", None)
    with pytest.raises(RevisionError, match="also a.py"):
        read_revisions(tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("down_revision = None\n", "no revision"),
        ("revision = '0001_a'\n", "no down_revision"),
        ("revision = '0001_a'\ndown_revision = PREVIOUS\n", "must be written out"),
        ("revision = '0001_a'\ndown_revision = 7\n", "must be None, a revision"),
        ("revision = '0001_a'\ndown_revision = (\n", "not valid Python"),
    ],
)
def test_a_file_that_does_not_say_its_place_is_refused(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "0001_a.py").write_text(text, encoding="utf-8")
    with pytest.raises(RevisionError, match=problem):
        read_revisions(tmp_path)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RevisionError, match="holds no revision"):
        read_revisions(tmp_path)


def test_reading_them_loads_neither_alembic_nor_sqlalchemy() -> None:
    code = (
        "import sys; from retainer_tui.db.revisions import read_revisions; read_revisions();"
        "print(sorted(m for m in ('alembic', 'sqlalchemy', 'sqlmodel') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
