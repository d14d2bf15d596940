"""ARCHITECTURE.md stays true to the code: every module, function, class and method it
names in `code` exists where it says (a rename that leaves the map behind fails here)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "retainer_tui"
LAYERS = ("db", "services", "tui", "domain")
CODE = re.compile(r"`([^`\s]+)`")


def _named() -> list[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    # `upsert(...)`, `goal_in_force(month)`: the name without what it is called with.
    return sorted({re.sub(r"\(.*\)$", "", m) for m in CODE.findall(text)})


def _classes() -> dict[str, set[str]]:
    """Every class of the package with the names defined in its body."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                body = found.setdefault(node.name, set())
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        body.add(item.name)
                    elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        body.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def _dotted(name: str) -> bool:
    """`services.month_view.load_month`, `tui.key_order.keys_held_for_save`…"""
    return name.split(".")[0] in LAYERS and "/" not in name and not name.endswith(".py")


def _resolve(name: str) -> object:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module("retainer_tui." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            target = getattr(target, attr)
        return target
    raise ModuleNotFoundError(name)


DOTTED = [n for n in _named() if _dotted(n)]
METHODS = [n for n in _named() if re.fullmatch(r"[A-Z]\w+\.\w+", n)]
FILES = [n for n in _named() if re.fullmatch(r"[\w/<>]+(\.(py|md|tcss)|/)", n) and "<" not in n]


def test_the_map_names_code_at_all() -> None:
    assert len(DOTTED) > 15 and len(METHODS) > 8 and len(FILES) > 8


@pytest.mark.parametrize("name", DOTTED)
def test_a_module_path_it_names_exists(name: str) -> None:
    assert _resolve(name) is not None


@pytest.mark.parametrize("name", METHODS)
def test_a_class_member_it_names_exists(name: str) -> None:
    cls, member = name.split(".")
    classes = _classes()
    assert cls in classes, f"no class {cls}"
    assert member in classes[cls], f"{cls} has no {member}"


@pytest.mark.parametrize("name", FILES)
def test_a_file_it_names_exists(name: str) -> None:
    places = [ROOT / name, PACKAGE / name, ROOT / "src" / name]
    if not any(p.exists() for p in places):
        assert list(PACKAGE.rglob(name.rstrip("/"))), f"{name} is nowhere"
