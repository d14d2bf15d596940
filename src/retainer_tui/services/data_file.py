"""The data file (export / import): its public API, problems and format detection.

This module is light on purpose (the CLI and the TUI import it at start-up); the work is
done in services/export.py and services/importer.py, imported on first use.

Places in problems count from 1, as a person reading the file does: `clients[3]` is the
third [[clients]] entry, `clients[3] "Rossi Bakery".payments[2].amount` the amount of
its second payment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retainer_tui.db.engine import Database

FORMAT_ID = "retainer-tui/1"
EXPORT_FORMATS = ("toml", "json", "csv")
IMPORT_FORMATS = ("toml", "json")
# Beyond this many, str(DataFileError) summarises the rest in one line.
MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with the file: where (a key path or `line N`) and why."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class DataFileError(ValueError):
    """The file was refused; nothing was written. str() is one line per problem."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(f"… and {hidden:,} more problems")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What the file holds (and, unless a dry run, what was written)."""

    metrics: int = 0
    tiers: int = 0
    clients: int = 0
    goals: int = 0
    results: int = 0
    hours: int = 0
    payments: int = 0
    reports: int = 0
    clients_replaced: int = 0
    tiers_updated: int = 0

    def describe(self) -> str:
        """'2 clients (1 replaced), 3 tiers (3 updated), 1 metric, 40 goals, …' for the CLI."""

        def n(count: int, one: str, many: str | None = None) -> str:
            return f"{count:,} {one if count == 1 else many or one + 's'}"

        clients = n(self.clients, "client")
        if self.clients_replaced:
            clients += f" ({self.clients_replaced:,} replaced)"
        tiers = n(self.tiers, "tier")
        if self.tiers_updated:
            tiers += f" ({self.tiers_updated:,} updated)"
        return ", ".join(
            (
                clients,
                tiers,
                n(self.metrics, "metric"),
                n(self.goals, "goal"),
                n(self.results, "result"),
                n(self.hours, "month of hours", "months of hours"),
                n(self.payments, "payment"),
                n(self.reports, "report"),
            )
        )


def export_data(db: Database, fmt: str = "toml") -> str:
    """All data as the text of a data file: 'toml', 'json' or 'csv' (a flat sheet)."""
    from retainer_tui.services.export import export_text

    return export_text(db, fmt)


def import_data(db: Database, text: str, *, fmt: str, dry_run: bool = False) -> ImportSummary:
    """Import a data file all-or-nothing; raise DataFileError listing every problem."""
    from retainer_tui.services.importer import import_text

    return import_text(db, text, fmt=fmt, dry_run=dry_run)


def sniff_format(text: str) -> str:
    """'json' when the text is a JSON object, else 'toml'."""
    return "json" if text.lstrip("\ufeff \t\r\n").startswith("{") else "toml"


def detect_format(path: Path) -> str:
    """The file's format from its suffix (.toml, .json, .csv), else from its first bytes."""
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json", ".csv"):
        return suffix[1:]
    with path.open("rb") as fh:
        head = fh.read(4096)
    return sniff_format(head.decode("utf-8", errors="replace"))
