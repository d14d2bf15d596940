"""`retainer import` into a PostgreSQL database (cli.py's import, for a server): its
schema is made when it is empty, and a dry run into an empty one makes nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from retainer_tui import paths

if TYPE_CHECKING:
    from retainer_tui.config import Settings


def import_to_server(
    args: argparse.Namespace, source: Path, text: str, fmt: str, settings: Settings
) -> int:
    """Import into a PostgreSQL database: its schema is made first when it is empty (the
    database itself exists: createdb made it), so the file is checked against it."""
    from retainer_tui.cli import _open
    from retainer_tui.cli_import import refused_file, said_imported
    from retainer_tui.db.pg_migrate import holds_nothing
    from retainer_tui.db.pg_url import parse
    from retainer_tui.services.data_file import DataFileError, import_data

    target = paths.db_target(getattr(args, "db", None), settings.database)
    if args.dry_run and isinstance(target, str) and holds_nothing(target):
        # As for a new file: checked against a scratch database, the schema not made (a
        # dry run that made it would turn the import after it into a merge).
        return _dry_run_into_new(args, source, text, fmt, settings, parse(target).label)
    db = _open(args, settings)
    new = bool(getattr(db, "created", False))
    try:
        summary = import_data(
            db, text, fmt=fmt, dry_run=args.dry_run, replace=args.replace,
            new_database=new, backup_dir=paths.backups_dir(),
        )  # fmt: skip
    except DataFileError as exc:
        raise refused_file(source, exc) from None
    return said_imported(source, summary, dry_run=args.dry_run, new=db.label if new else None)


def _dry_run_into_new(
    args: argparse.Namespace,
    source: Path,
    text: str,
    fmt: str,
    settings: Settings,
    where: str,
) -> int:
    """What an import into a new database would do, checked against an empty scratch one."""
    from retainer_tui.cli_import import checked_as_new, refused_file, said_imported
    from retainer_tui.services.data_file import DataFileError

    try:
        summary = checked_as_new(text, fmt=fmt, replace=args.replace, settings=settings)
    except DataFileError as exc:
        raise refused_file(source, exc) from None
    return said_imported(source, summary, dry_run=True, new=where)
