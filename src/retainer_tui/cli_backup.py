"""`retainer backup` and `retainer restore`: copies of the database, and putting one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from retainer_tui import paths

if TYPE_CHECKING:
    from retainer_tui.db.engine import SqliteDatabase


def _stamp() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y%m%d-%H%M%S")


def cmd_backup(args: argparse.Namespace) -> int:
    from retainer_tui.cli import _open_file, _settings
    from retainer_tui.db.backup import backup_database, unique_backup_path

    target = paths.db_target(getattr(args, "db", None), _settings().database)
    if isinstance(target, str):
        return _backup_server(args)
    path = target
    if args.list:
        return _list_backups(paths.backups_dir(path))
    db = _open_file(path, _settings(), create=False)
    if not args.output:
        target = unique_backup_path(paths.backups_dir(db.path), db.path.stem, "manual", _stamp())
        sys.stdout.write(f"{backup_database(db, target)}\n")
        return 0
    import tempfile

    from retainer_tui.services.output_file import OutputRefused, resolve_output, write_output

    # The -o rules, but the backups folder is a backup's own home: allowed here.
    try:
        out = resolve_output(args.output, database=db.path)
        if out.real is not None and out.kind in ("file", "new"):
            written = backup_database(db, out.real)  # atomic and 0600 itself
        else:  # standard output, a device or a pipe: copied in place from a checked copy
            with tempfile.TemporaryDirectory(prefix="retainer-backup-") as scratch:
                copy = backup_database(db, Path(scratch) / "backup.db")
                write_output(out, copy)
            if out.real is None:
                return 0  # the bytes are the output: nothing else goes to stdout
            written = out.real
    except OutputRefused as exc:
        from retainer_tui.cli import CommandError

        raise CommandError(str(exc)) from None
    sys.stdout.write(f"{written}\n")
    return 0


def _list_backups(folder: Path) -> int:
    """`retainer backup --list`: each backup in the folder with when it was taken and its size."""
    from retainer_tui.db.backup import backup_taken, list_backups

    found = list_backups(folder)
    if not found:
        sys.stdout.write(f"No backups in {folder}\n")
    for item in found:
        size = item.stat().st_size
        sys.stdout.write(f"{backup_taken(item)}  {size / 1024:>9,.0f} KiB  {item}\n")
    return 0


def _backup_server(args: argparse.Namespace) -> int:
    """A server database's backup: a data file written from one snapshot, into the
    backups folder or -o (standard output included). --list lists that folder."""
    from retainer_tui.cli import CommandError, _open, _settings
    from retainer_tui.services.backups import take_backup
    from retainer_tui.services.export import export_text
    from retainer_tui.services.output_file import OutputRefused, write_output

    folder = paths.backups_dir()
    if args.list:
        return _list_backups(folder)
    db = _open(args, _settings())
    if not args.output:
        sys.stdout.write(f"{take_backup(db, folder, 'manual')}\n")
        return 0
    try:
        written = write_output(args.output, export_text(db, "toml"), database=None, backups=None)
    except OutputRefused as exc:
        raise CommandError(str(exc)) from None
    if written is not None:
        sys.stdout.write(f"{written}\n")
    return 0


def _restore_server(args: argparse.Namespace, source: Path) -> int:
    """Load a data file into a server database: an empty one at once; one holding data
    only with --yes, after a backup of what it holds (the file then replaces it)."""
    from retainer_tui.cli import CommandError, _open, _settings
    from retainer_tui.services.backups import take_backup
    from retainer_tui.services.catalog import startup_facts
    from retainer_tui.services.data_file import (
        DataFileError,
        ImportFileRefused,
        import_data,
        import_format,
        read_import_file,
    )

    try:
        text = read_import_file(source)
    except ImportFileRefused as exc:
        raise CommandError(str(exc)) from None
    db = _open(args, _settings())
    holds_data = startup_facts(db).has_clients
    if holds_data and not args.yes:
        raise CommandError(
            f"{db.label}: the database holds data; restore replaces it: confirm with --yes "
            "(what it holds is backed up first)"
        )
    safety = take_backup(db, paths.backups_dir(), "before-restore") if holds_data else None
    try:
        import_data(db, text, fmt=import_format(source, text), wipe=True)
    except DataFileError as exc:
        lines = (f"{source}: {line}" for line in str(exc).splitlines())
        raise CommandError("\n".join(lines)) from None
    kept = f"; the previous data is in {safety}" if safety else ""
    sys.stdout.write(f"Restored {source} into {db.label}{kept}\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from retainer_tui.cli import CommandError, _open_file, _settings
    from retainer_tui.db.backup import (
        check_backup_file,
        restore_backup,
        restore_over_unusable,
    )
    from retainer_tui.db.errors import DatabaseError

    source = Path(args.file).expanduser()
    target = paths.db_target(getattr(args, "db", None), _settings().database)
    if isinstance(target, str):
        return _restore_server(args, source)
    check_backup_file(source)
    # The file db_target chose (config.toml's `database` included): the one replaced,
    # moved aside when unusable, and named in the question.
    path = target
    settings = _settings()
    try:
        db: SqliteDatabase | None = _open_file(target, settings)
    except DatabaseError as exc:
        if not path.is_file():
            raise
        # Damaged, or from a newer app: exactly when a restore is wanted. The file is
        # moved aside whole instead of copied.
        db, problem = None, str(exc).removeprefix(f"{path}: ")
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError("restore replaces the database: confirm with --yes")
        kept = "The current data is backed up first."
        if db is None:
            kept = f"It cannot be opened ({problem}); it is moved to the backups folder."
        answer = input(f"Replace {path} with {source}? {kept} Type yes: ")
        if answer.strip().lower() != "yes":
            sys.stdout.write("Nothing was changed.\n")
            return 1
    safety_dir = paths.backups_dir(path)
    if db is None:
        safety = restore_over_unusable(path, source, safety_dir=safety_dir, stamp=_stamp())
    else:
        safety = restore_backup(db, source, safety_dir=safety_dir, stamp=_stamp())
    sys.stdout.write(f"Restored {source} into {path}; the previous data is in {safety}\n")
    return 0
