"""Errors at the command line: one line, no traceback, exit code 2, nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def retainer(*argv: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k != "RETAINER_DB"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "retainer_tui", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def home_env(tmp_path: Path) -> dict[str, str]:
    return {
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }


def test_text_file_as_database(tmp_path: Path, home_env) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n")
    result = retainer("status", "--db", str(path), env_extra=home_env)
    assert_one_line_error(result, str(path), "not an SQLite database")
    assert path.read_text() == "just some notes\n"


def test_corrupt_database(tmp_path: Path, home_env) -> None:
    path = tmp_path / "broken.db"
    good = tmp_path / "good.db"
    conn = sqlite3.connect(good)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    path.write_bytes(good.read_bytes()[:100] + b"\xff" * 3000)
    before = path.read_bytes()
    result = retainer("status", "--db", str(path), env_extra=home_env)
    assert_one_line_error(result, str(path))
    assert path.read_bytes() == before


def test_bad_as_of(tmp_path: Path, home_env) -> None:
    result = retainer(
        "status", "--as-of", "2026-02-30", "--db", str(tmp_path / "r.db"), env_extra=home_env
    )
    assert_one_line_error(result, "2026-02-30")
    assert not (tmp_path / "r.db").exists()


def test_bad_month(tmp_path: Path, home_env) -> None:
    result = retainer(
        "status", "--month", "2026-13", "--db", str(tmp_path / "r.db"), env_extra=home_env
    )
    assert_one_line_error(result, "2026-13", "YYYY-MM")


def test_folder_that_cannot_be_written(tmp_path: Path, home_env) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = retainer("status", "--db", str(blocker / "sub" / "r.db"), env_extra=home_env)
    assert_one_line_error(result, "no such database; check --db (nothing was created)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path: Path, home_env) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    data = tmp_path / "in.toml"
    data.write_text('format = "retainer-tui/1"\ncurrency = "USD"\n', encoding="utf-8")
    folder.chmod(0o500)
    try:
        # import may create a database (status refuses a missing one before this check).
        result = retainer("import", str(data), "--db", str(folder / "r.db"), env_extra=home_env)
    finally:
        folder.chmod(0o700)
    assert_one_line_error(result, "not writable")


def test_locked_database_reports_busy(db, db_path: Path, home_env) -> None:
    holder = sqlite3.connect(db_path)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # A backup needs a read; in WAL mode readers are not blocked by a writer, so use
        # an import, which needs the write lock.
        data = tmp_path_file(db_path.parent, 'format = "retainer-tui/1"\ncurrency = "USD"\n')
        env = {**home_env}
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import retainer_tui.db.engine as e; e.BUSY_TIMEOUT_MS = 200;"
                "from retainer_tui.cli import main; raise SystemExit(main())",
                "import",
                str(data),
                "--db",
                str(db_path),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )
    finally:
        holder.rollback()
        holder.close()
    assert_one_line_error(result, str(db_path), "busy")


def tmp_path_file(folder: Path, text: str) -> Path:
    path = folder / "data.toml"
    path.write_text(text)
    return path


def test_malformed_config(tmp_path: Path, home_env) -> None:
    config = tmp_path / "xdg-config" / "retainer-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('currency = "USD"\ntolerance = \n')
    result = retainer("status", "--db", str(tmp_path / "r.db"), env_extra=home_env)
    assert_one_line_error(result, str(config), "line 2")
    assert not (tmp_path / "r.db").exists()


def test_python_dash_m_and_help_work(home_env) -> None:
    result = retainer("--help", env_extra=home_env)
    assert result.returncode == 0
    for command in ("status", "export", "import", "backup", "demo"):
        assert command in result.stdout


def test_a_path_thousands_deep_is_cut_in_the_middle_of_its_line(tmp_path, capsys) -> None:
    deep = tmp_path.joinpath(*["a"] * 3000, "retainer.db")
    from retainer_tui.cli import main

    code = main(["--db", str(deep), "status"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert len(err[0]) <= 420 and " … " in err[0]
    assert err[0].startswith(f"retainer: {str(deep)[:100]}")  # where it starts, as typed
    assert "retainer.db" in err[0][-100:]  # the file's name and the reason, at the end
