"""The data file (export / import): its public API, problems, summary and format detection.

This module is light on purpose (the CLI and the TUI import it at start-up); the work is
done in services/export.py and services/importer.py, imported on first use.

Places in problems count from 1, as a person reading the file does: `clients[3]` is the
third [[clients]] entry, `clients[3] "Rossi Bakery".payments[2].amount` the amount of
its second payment.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retainer_tui.db.engine import Database

FORMAT_ID = "retainer-tui/1"
EXPORT_FORMATS = ("toml", "json", "csv")
IMPORT_FORMATS = ("toml", "json")
# The sheets `export --format csv --table NAME` writes (services/csv_export.py).
CSV_TABLES = ("clients", "goals", "results", "hours", "payments", "reports", "wide")
# Beyond this many, str(DataFileError) summarises the rest in one line.
MAX_PROBLEMS_SHOWN = 200
# The largest file `retainer import` reads (a 10,000-client export is about 150 MiB).
MAX_IMPORT_BYTES = 512 * 1024 * 1024


def printable(text: str) -> str:
    """The text with every character a terminal would act on (C0 and C1 controls, DEL,
    line breaks, bidi and other format characters) written as a \\u escape (\\u200b)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with the file: where (a key path or `line N`) and why.

    Both are made printable when the problem is made, whoever quotes the file's text in
    them: a key holding ESC]0;…BEL reaches the terminal as \\u001b]0;…\\u0007.
    """

    place: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "place", printable(self.place))
        object.__setattr__(self, "message", printable(self.message))

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


class ImportFileRefused(ValueError):
    """The path given to import is not a data file that can be read; str() is one line."""


@dataclass(frozen=True, slots=True)
class Tally:
    """What the import does (or would do) to the rows of one kind."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # only with --replace: rows of a named client the file leaves out

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.unchanged or self.removed)

    def describe(self) -> str:
        text = f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged"
        return text + (f", {self.removed:,} removed" if self.removed else "")


class Count:
    """The rows of one kind an import adds, updates, leaves or removes, as it counts them;
    tally() gives the result."""

    __slots__ = ("added", "updated", "unchanged", "removed")

    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.removed = 0

    def one(self, stored: object, wanted: object) -> bool:
        """Count one row; True when it must be written."""
        if stored is None:
            self.added += 1
            return True
        if stored == wanted:
            self.unchanged += 1
            return False
        self.updated += 1
        return True

    def tally(self) -> Tally:
        return Tally(self.added, self.updated, self.unchanged, self.removed)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """Per kind, what was (or, for a dry run, would be) added, updated and left unchanged."""

    clients: Tally = Tally()
    tiers: Tally = Tally()
    metrics: Tally = Tally()
    goals: Tally = Tally()
    results: Tally = Tally()
    hours: Tally = Tally()
    payments: Tally = Tally()
    reports: Tally = Tally()
    prospects: Tally = Tally()
    objections: Tally = Tally()
    backup: Path | None = None  # the copy taken before --replace

    def describe(self) -> str:
        """'clients 1 added, 2 updated, 0 unchanged; results 12 added, …' (kinds with
        nothing in the file left out)."""
        parts = [
            f"{f.name} {tally.describe()}"
            for f in fields(self)
            if isinstance(tally := getattr(self, f.name), Tally) and tally
        ]
        return "; ".join(parts) or "nothing (the file holds no records)"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, on again after (if it was).

    An import or export of a large file makes millions of small values (rows, entries)
    and keeps many of them until it ends: every few thousand of them the collector walks
    what is kept, which cost an import of 3.6 M rows about 14% of its time, an export
    about 8%. They hold no reference cycles; the few SQLAlchemy's objects make are
    collected at the next collection after the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def export_data(db: Database, fmt: str = "toml") -> str:
    """All data as the text of a data file: 'toml', 'json' or 'csv' (a flat sheet)."""
    from retainer_tui.services.export import export_text

    return export_text(db, fmt)


def import_data(
    db: Database,
    text: str,
    *,
    fmt: str,
    dry_run: bool = False,
    replace: bool = False,
    new_database: bool = False,
    backup_dir: Path | None = None,
    wipe: bool = False,
) -> ImportSummary:
    """Import a data file all-or-nothing, merging it into what is stored (replace: the
    file is the whole truth for the clients and tiers it names, after a backup into
    backup_dir); raise DataFileError listing every problem. new_database: the database
    was created for this import, so it keeps none of a new database's default tiers.
    wipe: the file replaces everything the database holds (a restore; back up first)."""
    from retainer_tui.services.importer import import_text

    return import_text(
        db,
        text,
        fmt=fmt,
        dry_run=dry_run,
        replace=replace,
        new_database=new_database,
        backup_dir=backup_dir,
        wipe=wipe,
    )


def read_import_file(path: Path, *, limit: int | None = None) -> str:
    """The text of a data file to import; ImportFileRefused (one line) for a folder, a
    device, a FIFO or socket, a file over MAX_IMPORT_BYTES, or text that is not UTF-8.

    The kind of file is checked before it is opened, and it is opened without blocking,
    so a FIFO with no writer or an endless device never holds the command up.
    """
    limit = MAX_IMPORT_BYTES if limit is None else limit
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportFileRefused(f"{path}: no such file") from None
    except ValueError:  # os.stat's "embedded null byte"
        raise ImportFileRefused(f"{path}: no file name holds a NUL character") from None
    except OSError as exc:
        raise ImportFileRefused(f"{path}: cannot be read ({exc.strerror})") from None
    _refuse_unless_regular(path, info.st_mode)
    if info.st_size > limit:
        raise ImportFileRefused(_too_large(path, limit))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ImportFileRefused(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        # Swapped for something else between the look and the open: looked at again.
        _refuse_unless_regular(path, os.fstat(fd).st_mode)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ImportFileRefused(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise ImportFileRefused(_too_large(path, limit))
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if path.suffix.lower() == ".csv":
            raise ImportFileRefused(
                f"{path}: not UTF-8 text (byte {exc.start:,}); save the sheet as "
                '"CSV UTF-8" (Excel) or with the UTF-8 character set (LibreOffice)'
            ) from None
        raise ImportFileRefused(
            f"{path}: not UTF-8 text (byte {exc.start:,}); is it a retainer data file?"
        ) from None


def _refuse_unless_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "a folder"
    elif stat.S_ISFIFO(mode):
        what = "a pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        what = "a device"
    raise ImportFileRefused(f"{path}: is {what}, not a data file; give the path of a .toml, "
                            ".json or .csv file")  # fmt: skip


def _too_large(path: Path, limit: int) -> str:
    return (
        f"{path}: is larger than {_size(limit)}, the most an import reads; "
        "is it a retainer data file?"
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024):,} MiB"
    return f"{count:,} bytes"


def import_format(path: Path, text: str) -> str:
    """The format of a file being imported: its suffix, else its first characters."""
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json", ".csv"):
        return suffix[1:]
    return sniff_format(text[:4096])


def sniff_format(text: str) -> str:
    """'json' when the text is a JSON object, else 'toml'."""
    return "json" if text.lstrip("\ufeff \t\r\n").startswith("{") else "toml"


def detect_format(path: Path) -> str:
    """The format of a file on disk from its suffix (.toml, .json, .csv), else its first bytes."""
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json", ".csv"):
        return suffix[1:]
    with path.open("rb") as fh:
        head = fh.read(4096)
    return sniff_format(head.decode("utf-8", errors="replace"))
