"""The wheel ships the styles and migrations, and runs from any working directory."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("retainer_tui-*.whl")
    return found


def test_wheel_contains_styles_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = {Path(n).name for n in names if n.startswith("retainer_tui/styles/")}
    assert "app.tcss" in styles
    assert {Path(p).name for p in (ROOT / "styles").glob("*.tcss")} <= styles
    assert "retainer_tui/db/migrations/env.py" in names
    assert "retainer_tui/db/migrations/versions/0001_initial.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The installed copy first, then this environment's dependencies; not the source tree.
    deps = sysconfig.get_paths()["purelib"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), deps]),
        "PYTHONNOUSERSITE": "1",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("RETAINER_DB", None)
    code = (
        "import sys, retainer_tui, retainer_tui.paths as p;"
        "print(retainer_tui.__file__); print(p.styles_dir());"
        "from retainer_tui.db.migrate import open_database;"
        "p.make_data_dir(); open_database(p.default_db_path()).dispose();"
        "from retainer_tui.cli import main; sys.argv=['retainer'];"
        "raise SystemExit(main(['status', '--json', '--as-of', '2026-11-20']))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd="/tmp",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module_file, styles, *json_lines = result.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert styles.startswith(str(target))
    assert (Path(styles) / "app.tcss").is_file()
    assert '"as_of": "2026-11-20"' in "\n".join(json_lines)
