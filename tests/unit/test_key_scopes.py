"""The key registry names every screen's scope by itself: help, the palette and the README
table read it without a screen imported first (nothing is registered by an import)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.screen import Screen

from retainer_tui.tui import screens

README = Path(__file__).resolve().parents[2] / "README.md"

# Imports what reads the registry (keys, the palette, the README table) and nothing else.
_PROBE = """
import json, sys
from retainer_tui.tui import commands, keymap_doc
from retainer_tui.tui.keys import KEYS_BY_SCREEN, check_keymap
print(json.dumps({
    "scopes": {scope: [spec.id for spec in specs] for scope, specs in KEYS_BY_SCREEN.items()},
    "accepted": check_keymap({"objection-add": "ctrl+o"}).accepted,
    "markdown": keymap_doc.keymap_markdown(),
    "screens": sorted(m for m in sys.modules if m.startswith("retainer_tui.tui.screens")),
}))
"""


@pytest.fixture(scope="module")
def registry_alone() -> dict[str, object]:
    """What the registry holds in a fresh interpreter that imported no screen."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def _scopes_of_the_screens() -> dict[str, str]:
    """Each screen class's KEY_SCOPE (the scope help and the palette look up), by class."""
    found: dict[str, str] = {}
    # Every module under tui/screens/, area packages (pipeline/) included.
    for info in pkgutil.walk_packages(screens.__path__, f"{screens.__name__}."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, Screen)
                and cls.__module__ == module.__name__
            ):
                scope = getattr(cls, "KEY_SCOPE", None)
                if scope is not None:
                    found[f"{info.name.removeprefix(screens.__name__ + '.')}.{name}"] = scope
    return found


def test_the_probe_imported_no_screen(registry_alone: dict[str, object]) -> None:
    assert registry_alone["screens"] == []


def test_every_scope_a_screen_uses_is_in_the_registry(registry_alone: dict[str, object]) -> None:
    used = _scopes_of_the_screens()
    # The discovery must reach the feature screens, so that a broken walk cannot pass.
    for scope in ("dashboard", "results", "report-dialog", "objections", "tier-form"):
        assert scope in used.values()
    listed = registry_alone["scopes"]
    assert isinstance(listed, dict)
    missing = {where: scope for where, scope in used.items() if scope not in listed}
    assert missing == {}, "add these scopes to keys.KEYS_BY_SCREEN"
    assert sorted(set(listed) - set(used.values())) == [], "scopes no screen uses"


def test_the_feature_screens_keys_are_there_without_their_screens(
    registry_alone: dict[str, object],
) -> None:
    listed = registry_alone["scopes"]
    assert isinstance(listed, dict)
    assert "grid-save" in listed["results"]
    assert "objection-add" in listed["objections"]
    assert "report-export" in listed["report"]
    # config.toml [keymap] knows the feature screens' ids too.
    assert registry_alone["accepted"] == {"objection-add": "ctrl+o"}


def test_the_readme_key_table_is_written_without_the_screens(
    registry_alone: dict[str, object],
) -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- keymap:start -->\n", 1)[1].split("<!-- keymap:end -->", 1)[0]
    assert registry_alone["markdown"] == block
