"""The one-way rule between the packages, read from every module's source (AST: an
import inside a function counts, one under `if TYPE_CHECKING:` too):

- domain/ imports nothing of ours but domain/;
- db/ never imports services/ or tui/;
- services/ never imports tui/, Textual or paths (folders are the caller's arguments);
- tui/ never imports db/, sqlite3, SQLAlchemy or SQLModel (services/database.py names
  what the screens need).

cli*.py wires them and may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "retainer_tui"

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": ("retainer_tui",),
    "db": ("retainer_tui.services", "retainer_tui.tui"),
    "services": ("retainer_tui.tui", "textual", "retainer_tui.paths"),
    "tui": ("retainer_tui.db", "sqlite3", "sqlalchemy", "sqlmodel"),
}
ALLOWED = {"domain": ("retainer_tui.domain",)}

# Modules that still break the rule, by name: the test fails when one is fixed and left
# here (so the list only shrinks), and when any other module breaks it.
PENDING: set[str] = set()


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def imported(source: str) -> list[tuple[int, str]]:
    """Every absolute import in the source: (line, module)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from retainer_tui import paths` imports retainer_tui.paths.
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def violations(area: str, source: str) -> list[str]:
    return [
        f"line {line}: imports {module}"
        for line, module in imported(source)
        if any(_inside(module, bad) for bad in FORBIDDEN[area])
        and not any(_inside(module, ok) for ok in ALLOWED.get(area, ()))
    ]


def modules() -> list[tuple[str, str]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) > 1 and parts[0] in FORBIDDEN:
            out.append((parts[0], "/".join(parts)))
    return out


def test_the_checker_finds_planted_violations() -> None:
    planted = (
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "if TYPE_CHECKING:\n"
        "    from retainer_tui.db.engine import Database\n"
        "def f():\n"
        "    from retainer_tui.db import errors\n"
        "    import sqlite3\n"
    )
    assert len(violations("tui", planted)) == 4
    assert violations("domain", "from retainer_tui.db.models import Client\n")
    assert not violations("domain", "from retainer_tui.domain.month import Month\n")
    assert violations("services", "def f():\n    from retainer_tui import paths\n")
    assert violations("services", "def f():\n    import retainer_tui.paths\n")
    assert not violations("services", "from retainer_tui.db.models import Client\n")


def test_every_pending_module_exists() -> None:
    assert {name for _, name in modules()} >= PENDING


@pytest.mark.parametrize(("area", "module"), modules())
def test_each_package_imports_only_below_it(area: str, module: str) -> None:
    found = violations(area, (PACKAGE / module).read_text(encoding="utf-8"))
    if module in PENDING:
        assert found, f"{module} keeps the rule now: take it off PENDING"
    else:
        assert found == [], f"{module}: {found}"
