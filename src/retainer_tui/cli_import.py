"""`retainer import FILE`: a data file (TOML, JSON) or a CSV of results into the database,
merged by default; the dry run and the summary say what it did (or would do) per kind."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from retainer_tui import paths

if TYPE_CHECKING:
    from retainer_tui.cli import CommandError
    from retainer_tui.config import Settings
    from retainer_tui.services.data_file import ImportSummary


def cmd_import(args: argparse.Namespace) -> int:
    from retainer_tui.cli import CommandError, _open_file, _settings
    from retainer_tui.cli_csv import import_csv
    from retainer_tui.services.data_file import (
        DataFileError,
        ImportFileRefused,
        import_data,
        import_format,
        read_import_file,
    )

    source = Path(args.file).expanduser()
    try:
        text = read_import_file(source)
    except ImportFileRefused as exc:
        raise CommandError(str(exc)) from None
    fmt = args.format or import_format(source, text)
    if fmt == "csv":
        return import_csv(args, source, text)
    settings = _settings()
    target = paths.db_target(getattr(args, "db", None), settings.database)
    if isinstance(target, str):
        from retainer_tui.cli_server import import_to_server

        return import_to_server(args, source, text, fmt, settings)
    path = target
    new = not path.exists()
    if new and not path.parent.is_dir() and path != paths.default_db_path():
        # Even a dry run: "would import into a new database" at a path that cannot hold
        # one would let a typo in --db pass a check.
        raise CommandError(
            f"{path}: the folder {path.parent} does not exist; check --db (nothing was created)"
        )
    try:
        if new:
            # Checked against an empty database first, so a refused file creates nothing;
            # a dry run goes no further.
            summary = checked_as_new(text, fmt=fmt, replace=args.replace, settings=settings)
        if not (new and args.dry_run):
            db = _open_file(path, settings)
            summary = import_data(
                db, text, fmt=fmt, dry_run=args.dry_run, replace=args.replace,
                new_database=new, backup_dir=paths.backups_dir(db.path),
            )  # fmt: skip
    except DataFileError as exc:
        raise refused_file(source, exc) from None
    return said_imported(source, summary, dry_run=args.dry_run, new=str(path) if new else None)


def checked_as_new(text: str, *, fmt: str, replace: bool, settings: Settings) -> ImportSummary:
    """A dry run of the file against an empty scratch database: what an import into a new
    database would do; DataFileError when the file is refused (nothing is created)."""
    import tempfile

    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.data_file import import_data

    with tempfile.TemporaryDirectory(prefix="retainer-import-") as folder:
        scratch = open_database(Path(folder) / "check.db", currency=settings.currency)
        try:
            return import_data(
                scratch, text, fmt=fmt, dry_run=True, replace=replace, new_database=True
            )
        finally:
            scratch.dispose()


def refused_file(source: Path, exc: Exception) -> CommandError:
    """A refused data file: file: place: problem, one line each, as compilers write it."""
    from retainer_tui.cli import CommandError

    return CommandError("\n".join(f"{source}: {line}" for line in str(exc).splitlines()))


def said_imported(source: Path, summary: ImportSummary, *, dry_run: bool, new: str | None) -> int:
    """What an import did (or would do): one line, and where the backup went."""
    verb = "would import" if dry_run else "imported"
    where = f" into a new database {new}" if new else ""
    sys.stdout.write(f"{source}: {verb}{where}: {summary.describe()}\n")
    if summary.backup is not None:
        sys.stdout.write(f"the database before --replace is backed up in {summary.backup}\n")
    return 0
