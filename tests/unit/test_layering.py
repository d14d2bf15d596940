"""Dependencies point one way: the lower layers never import Textual (nor the domain SQL).

Each module is imported in a fresh interpreter, so that nothing the test run itself has
imported can hide (or fake) a dependency. The interpreters run side by side to stay fast.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import retainer_tui.domain

SRC = Path(__file__).resolve().parents[2] / "src"

DOMAIN_MODULES = ["retainer_tui.domain"] + sorted(
    f"retainer_tui.domain.{info.name}"
    for info in pkgutil.iter_modules(retainer_tui.domain.__path__)
)
OTHER_MODULES = [
    "retainer_tui.db.models",
    "retainer_tui.db.engine",
    "retainer_tui.db.migrate",
    "retainer_tui.services.month_view",
    "retainer_tui.config",
]
# Storage libraries the pure domain must not need.
STORAGE_PREFIXES = ("sqlite3", "_sqlite3", "sqlalchemy", "sqlmodel", "alembic")

CONTROL = "textual.app"  # the probe must see Textual when it is imported
PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def loaded_modules() -> dict[str, list[str]]:
    """For every module under test, the sys.modules keys after importing it alone."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    procs = {
        module: subprocess.Popen(
            [sys.executable, "-c", PROBE, module],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for module in [*DOMAIN_MODULES, *OTHER_MODULES, CONTROL]
    }
    loaded = {}
    for module, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"importing {module} failed:\n{err}"
        loaded[module] = json.loads(out)
    return loaded


def test_every_domain_module_is_probed() -> None:
    # The discovery must find the known modules, so a broken glob cannot pass vacuously.
    for name in ("money", "month", "status", "reports", "payments", "clients", "income"):
        assert f"retainer_tui.domain.{name}" in DOMAIN_MODULES
    assert "retainer_tui.domain.validation" in DOMAIN_MODULES


@pytest.mark.parametrize("module", DOMAIN_MODULES + OTHER_MODULES)
def test_module_does_not_import_textual(module: str, loaded_modules: dict[str, list[str]]) -> None:
    names = loaded_modules[module]
    assert module in names  # the probe really imported it
    textual = [name for name in names if name.startswith("textual")]
    assert textual == [], f"{module} pulls in {textual[:5]}"


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_storage(
    module: str, loaded_modules: dict[str, list[str]]
) -> None:
    storage = [name for name in loaded_modules[module] if name.startswith(STORAGE_PREFIXES)]
    assert storage == [], f"{module} pulls in {storage[:5]}"


def test_the_probe_would_notice_textual(loaded_modules: dict[str, list[str]]) -> None:
    """A control: the same probe on Textual itself does report it."""
    assert any(name.startswith("textual") for name in loaded_modules[CONTROL])


def test_app_and_status_paths_do_not_import_the_orm() -> None:
    """The app (every screen) and `retainer status` read through sqlite3: no sqlalchemy,
    sqlmodel or alembic on their start-up path (those load only for a migration)."""
    import subprocess
    import sys

    code = (
        "import sys, retainer_tui.cli, retainer_tui.tui.app;"
        "import importlib, pkgutil, retainer_tui.tui.screens as s;"
        "[importlib.import_module(i.name)"
        " for i in pkgutil.walk_packages(s.__path__, s.__name__ + '.')];"
        "import retainer_tui.services.month_view, retainer_tui.services.status_json;"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
