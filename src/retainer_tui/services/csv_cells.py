"""The formula guard of CSV cells: put on by every export, taken off by the CSV import.

"Exported CSV cells never start a spreadsheet formula" (PRODUCT.md): a text cell whose
first visible character is a formula sign gets a leading `'`, which Excel and
LibreOffice read as "this is text". unguard is the exact inverse of safe_cell.
"""

from __future__ import annotations

import unicodedata

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _hidden(char: str) -> bool:
    """Invisible to the eye (ZWSP, BOM, LRM, WJ: category Cf), blank, or a control."""
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc")


def _runs_as_formula(text: str) -> bool:
    """The text, past any leading apostrophes and invisible characters, starts with a
    formula sign."""
    for char in text.lstrip("'"):
        if char.startswith(FORMULA_START):
            return True
        if not _hidden(char):
            return False
    return False


def safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (a leading quote defuses it), even
    when invisible characters come before the formula sign. A cell that already starts
    with quotes before a formula sign gets one more, so that unguard can take the guard
    off again exactly."""
    if isinstance(value, str) and _runs_as_formula(value):
        return "'" + value
    return value


def unguard(cell: str) -> str:
    """The cell without the export's formula guard: one leading `'` is taken off when what
    follows it would start a formula, the exact inverse of safe_cell. "'Til dawn" keeps
    its apostrophe."""
    if cell.startswith("'") and _runs_as_formula(cell[1:]):
        return cell[1:]
    return cell
