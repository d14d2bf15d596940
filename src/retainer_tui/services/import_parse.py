"""Reading a data file's text (TOML or JSON) into Python values, and quoting its text in
problems so that a message stays one line a terminal shows as it is."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from retainer_tui.services.data_file import (
    IMPORT_FORMATS,
    DataFileError,
    ImportProblem,
    printable,
)

_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def quote(text: str) -> str:
    """The text as a JSON string with every control and format character escaped too
    (DEL, C1 controls, bidi overrides): a message quoting the file stays one line that a
    terminal shows as it is, whatever the file holds."""
    return printable(json.dumps(text, ensure_ascii=False))


def key_part(key: object) -> str:
    """A key as it appears in a place: bare when it can be, quoted otherwise."""
    text = str(key)
    return text if _BARE_KEY.match(text) else quote(text)


def month_place(place: str, key: object) -> str:
    return f"{place}.{quote(str(key))}"


def entry_place(section: str, index: int, raw: object, name_key: str = "name") -> str:
    """'clients[3] "Rossi Bakery"' (1-based), or 'clients[3]' when the name is unusable."""
    place = f"{section}[{index}]"
    name = raw.get(name_key) if isinstance(raw, dict) else None
    if isinstance(name, str) and name.strip():
        shown = name.strip()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        place += f" {quote(shown)}"
    return place


def parse_text(text: str, fmt: str) -> tuple[Any, list[ImportProblem]]:
    """The file's data, plus problems the parser noticed but survived (JSON duplicate keys).

    A syntax error raises DataFileError at once: nothing else can be checked.
    """
    fmt = fmt.lower()
    if fmt == "csv":
        raise DataFileError(
            [
                ImportProblem(
                    "file",
                    "a CSV sheet is not a data file: it holds results and hours only, "
                    "and `retainer import FILE.csv` reads them",
                )
            ]
        )
    if fmt not in IMPORT_FORMATS:
        raise DataFileError([ImportProblem("file", f"unknown format {fmt!r}; use toml or json")])
    text = text.removeprefix("\ufeff")
    if fmt == "toml":
        return _toml(text), []
    return _json(text)


def _toml(text: str) -> Any:
    fast = _fast_toml(text)
    if fast is not None:
        return fast
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        if where:
            problem = ImportProblem(
                f"line {where.group(1)}",
                f"{message[: where.start()]} (column {where.group(2)})",
            )
        else:
            problem = ImportProblem("file", message)
        raise DataFileError([problem]) from None
    except RecursionError:
        raise DataFileError([ImportProblem("file", "is nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise DataFileError([ImportProblem("file", _unreadable(exc))]) from None


def _json(text: str) -> tuple[Any, list[ImportProblem]]:
    duplicates: list[ImportProblem] = []

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append(
                        ImportProblem("file", f"key {quote(key)} appears twice in one object")
                    )
                seen.add(key)
        return obj

    try:
        return json.loads(text, object_pairs_hook=no_duplicates), duplicates
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [ImportProblem(f"line {exc.lineno}", f"{exc.msg} (column {exc.colno})")]
        ) from None
    except RecursionError:
        raise DataFileError([ImportProblem("file", "is nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise DataFileError([ImportProblem("file", _unreadable(exc))]) from None


def _unreadable(exc: ValueError) -> str:
    """The parser's complaint without Python's own advice (sys.set_int_max_str_digits…)."""
    if "digits" in str(exc):
        return "cannot be read: it holds a number with thousands of digits"
    return f"cannot be read: {str(exc).split(';')[0]}"


def _fast_toml(text: str) -> dict[str, Any] | None:
    """Parse with rtoml (compiled, ~5x faster on big files) when the file is valid; None
    sends the caller to tomllib, whose errors name the line and column."""
    import rtoml

    try:
        data = rtoml.loads(text)
    except Exception:
        return None
    return data if isinstance(data, dict) else None
