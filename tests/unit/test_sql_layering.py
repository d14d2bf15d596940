"""Where SQL may live: only db/ talks to sqlite3 or writes SQL text; services build their
statements from the table classes; tui/ runs none. Read from the source (AST), so an
import hidden in a function counts too; imports under `if TYPE_CHECKING:` do not.

The modules still to be ported are listed by name: the test fails when one of them is
ported and not taken off the list (so the list only shrinks), and when any other module
starts writing SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "retainer_tui"

# Modules still on raw sqlite3 connections and SQL strings: none since issue 12's port
# (a module listed here must hold some, so the list can only shrink).
PENDING: set[str] = set()

# An SQL statement written as text: a keyword that starts a statement, upper case.
_SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|PRAGMA|BEGIN|CREATE|DROP|ALTER|WITH)\s",
)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def violations(source: str) -> list[str]:
    """What a module does that only db/ may: import sqlite3 at run time, hold SQL text."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if ("sqlite3" in names or module == "sqlite3") and not _type_checking_only(
                node, parents
            ):
                found.append(f"line {node.lineno}: imports sqlite3")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parent = parents.get(node)
            is_docstring = isinstance(parent, ast.Expr)
            if not is_docstring and _SQL.match(node.value):
                found.append(f"line {node.lineno}: SQL text {node.value.strip()[:40]!r}")
    return found


def modules() -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "db"
    )


def test_the_checker_finds_a_planted_violation() -> None:
    planted = (
        "import sqlite3\n"
        "def f(conn):\n"
        "    import sqlite3 as s\n"
        "    return conn.execute('SELECT name FROM client')\n"
    )
    assert len(violations(planted)) == 3
    clean = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import sqlite3\n"
        "def f():\n"
        "    '''SELECT in a docstring is prose.'''\n"
        "    return 'Select a client'\n"
    )
    assert violations(clean) == []


def test_every_pending_module_exists() -> None:
    assert set(modules()) >= PENDING


@pytest.mark.parametrize("module", modules())
def test_no_sql_above_db(module: str) -> None:
    found = violations((PACKAGE / module).read_text(encoding="utf-8"))
    if module in PENDING:
        assert found, f"{module} has no raw SQL left: take it off PENDING"
    else:
        assert found == [], f"{module}: {found}"
