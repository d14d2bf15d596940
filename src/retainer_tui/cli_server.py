"""`retainer import` into a PostgreSQL database (cli.py's import, for a server): its
schema is made when it is empty, and a dry run into an empty one makes nothing."""

from __future__ import annotations

import argparse
import sys
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
    from retainer_tui.cli import CommandError, _open
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
        lines = (f"{source}: {line}" for line in str(exc).splitlines())
        raise CommandError("\n".join(lines)) from None
    verb = "would import" if args.dry_run else "imported"
    where = f" into a new database {db.label}" if new else ""
    sys.stdout.write(f"{source}: {verb}{where}: {summary.describe()}\n")
    if summary.backup is not None:
        sys.stdout.write(f"the database before --replace is backed up in {summary.backup}\n")
    return 0


def _dry_run_into_new(
    args: argparse.Namespace,
    source: Path,
    text: str,
    fmt: str,
    settings: Settings,
    where: str,
) -> int:
    """What an import into a new database would do, checked against an empty scratch one."""
    import tempfile

    from retainer_tui.cli import CommandError
    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.data_file import DataFileError, import_data

    try:
        with tempfile.TemporaryDirectory(prefix="retainer-import-") as folder:
            scratch = open_database(Path(folder) / "check.db", currency=settings.currency)
            try:
                summary = import_data(
                    scratch, text, fmt=fmt, dry_run=True, replace=args.replace,
                    new_database=True,
                )  # fmt: skip
            finally:
                scratch.dispose()
    except DataFileError as exc:
        lines = (f"{source}: {line}" for line in str(exc).splitlines())
        raise CommandError("\n".join(lines)) from None
    sys.stdout.write(f"{source}: would import into a new database {where}: "
                     f"{summary.describe()}\n")  # fmt: skip
    return 0
