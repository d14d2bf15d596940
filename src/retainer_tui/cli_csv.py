"""The CSV side of `retainer export` and `retainer import`: a sheet per table (--table,
--excel) and monthly results and hours read back from a sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from retainer_tui import paths


def export_options(export: argparse.ArgumentParser) -> None:
    from retainer_tui.services.data_file import CSV_TABLES

    export.add_argument(
        "--table",
        choices=CSV_TABLES,
        default=None,
        help="CSV: one table (wide: a row per client and month with fee, hours, payment, "
        "report and each metric); without it, the flat goals-and-results sheet",
    )
    export.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel and LibreOffice: a UTF-8 byte order mark first (CRLF line ends)",
    )


def csv_format(args: argparse.Namespace, fmt: str | None) -> str | None:
    """The export format once --table and --excel are taken into account (they mean CSV);
    CommandError when they are given with another format."""
    from retainer_tui.cli import CommandError

    wants_csv = args.table is not None or args.excel
    if not wants_csv:
        return fmt
    if fmt not in (None, "csv"):
        option = "--table" if args.table is not None else "--excel"
        raise CommandError(f"{option} is for CSV; use it with --format csv (not {fmt})")
    return "csv"


def export_csv(args: argparse.Namespace) -> int:
    from retainer_tui.cli import _open, _settings, _write_output
    from retainer_tui.services.csv_export import csv_export

    db = _open(args, _settings(), create=False)
    _write_output(csv_export(db, args.table, excel=args.excel), args.output, db)
    return 0


def import_csv(args: argparse.Namespace, source: Path, text: str) -> int:
    """Results and hours from a sheet, merged into the stored clients; a backup first."""
    from retainer_tui.cli import CommandError, _open, _settings
    from retainer_tui.services.csv_import import import_csv as merge_csv
    from retainer_tui.services.data_file import DataFileError

    if args.replace:
        raise CommandError(
            f"{source}: --replace is for data files; a CSV import merges results and hours "
            "into the stored clients and deletes nothing"
        )
    target = paths.db_target(getattr(args, "db", None), _settings().database)
    path = target
    if isinstance(path, Path) and not path.exists():
        raise CommandError(
            f"{path}: no such database; a CSV import adds results to clients already "
            "stored (nothing was created; check --db)"
        )
    db = _open(args, _settings(), create=False)
    try:
        done = merge_csv(db, text, dry_run=args.dry_run, backup_dir=paths.backups_dir(db.file))
    except DataFileError as exc:
        lines = (f"{source}: {line}" for line in str(exc).splitlines())
        raise CommandError("\n".join(lines)) from None
    verb = "would import" if args.dry_run else "imported"
    sys.stdout.write(f"{source}: {verb}: {done.summary.describe()}\n")
    if done.left_out:
        names = ", ".join(done.left_out)
        sys.stdout.write(f"not imported (read-only in the wide sheet): {names}\n")
    if done.summary.backup is not None:
        sys.stdout.write(f"the database before the import is backed up in {done.summary.backup}\n")
    return 0
