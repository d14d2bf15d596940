"""The `retainer` command line. Textual is imported only by the commands that open the app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from retainer_tui import __version__, paths
from retainer_tui.cli_backup import cmd_backup, cmd_restore
from retainer_tui.cli_csv import csv_format, export_csv, export_options
from retainer_tui.cli_import import cmd_import
from retainer_tui.cli_log import add_log_parser, cmd_log

if TYPE_CHECKING:
    from retainer_tui.config import Settings
    from retainer_tui.db.engine import Database, SqliteDatabase

EXIT_USAGE = 2


class CommandError(Exception):
    """A one-line error for the user; exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"retainer: {message} (see `retainer --help`)\n")


def _as_of(text: str) -> date:
    """--as-of: a real date from 1990-01-01 to 2099-12-31."""
    from retainer_tui.domain.validation import InvalidValue, a_date

    try:
        return a_date(text, "--as-of")
    except InvalidValue as exc:
        # argparse names the option itself: "argument --as-of: must be …".
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--as-of ")) from None


def _common() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH-OR-URL",
        default=argparse.SUPPRESS,
        help="an SQLite file, or a postgresql:// URL for a shared database "
        f"(default: ${paths.DB_ENV}, config.toml's database, or {paths.default_db_path()})",
    )
    common.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_as_of,
        default=argparse.SUPPRESS,
        help="compute everything as of this date instead of today",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog="retainer",
        description="Monthly retainers: clients, goals, results and reports, in the terminal.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"retainer-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sub.add_parser("demo", parents=[common], help="the app on a throw-away sample database")

    status = sub.add_parser("status", parents=[common], help="every client's status for a month")
    status.add_argument("--month", metavar="YYYY-MM", help="the month (default: this month)")
    status.add_argument("--json", action="store_true", help="print the JSON object")

    export = sub.add_parser("export", parents=[common], help="write all data to a file")
    export.add_argument("--format", choices=("toml", "json", "csv"), default=None)
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    export_options(export)

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="merge a TOML or JSON data file, or a CSV sheet of results, into the database",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--format",
        choices=("toml", "json", "csv"),
        default=None,
        help="the file's format (default: from its extension, else its first characters)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    imp.add_argument(
        "--replace",
        action="store_true",
        help="make the file the whole truth for the clients and tiers it names (a backup "
        "is taken first); without it the file is merged and nothing is deleted",
    )
    backup = sub.add_parser("backup", parents=[common], help="a consistent copy of the database")
    backup.add_argument("-o", "--output", metavar="FILE", help="file to write")
    backup.add_argument("--list", action="store_true", help="list the backups kept")

    add_log_parser(sub, common)

    restore = sub.add_parser("restore", parents=[common], help="put a backup back in place")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    report = sub.add_parser(
        "report",
        parents=[common],
        help="a client's monthly progress report, in Markdown",
        description="Print (or write with -o) a client's monthly progress report in Markdown, "
        "the same text the app exports.",
    )
    report.add_argument("client", metavar="CLIENT", help="client name (any letter case)")
    report.add_argument(
        "--month",
        metavar="YYYY-MM",
        help="the report's month (default: the month before the as-of date, "
        "the latest report that can be due)",
    )
    report.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")

    reports = sub.add_parser(
        "reports",
        parents=[common],
        help="the reports owed (due or overdue), overdue first",
        description="List every monthly report owed as of today (or --as-of), overdue first; "
        "suitable for cron.",
    )
    reports.add_argument("--json", action="store_true", help="print a JSON object")

    pipeline = sub.add_parser(
        "pipeline",
        parents=[common],
        help="prospects by stage, trial conversion, income if every proposal signs",
        description="The sales pipeline as of today (or --as-of): number and monthly value of "
        "prospects by stage, the trial-to-retainer conversion rate and the guaranteed monthly "
        "income if every open proposal signs, then every prospect with its next action.",
    )
    pipeline.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


def _settings() -> Settings:
    from retainer_tui.config import load_settings

    return load_settings()


def _open(args: argparse.Namespace, settings: Settings, *, create: bool = True) -> Database:
    """The command's database; create=False refuses a missing one. No folder is ever made
    but the default data folder (a mistyped --db must leave nothing behind)."""
    from retainer_tui.db.migrate import open_database

    target = paths.db_target(getattr(args, "db", None), settings.database)
    if not isinstance(target, str):
        return _open_file(target, settings, create=create)
    # A server database: its schema is made when it is empty.
    db = open_database(target, backup_dir=paths.backups_dir(), currency=settings.currency)
    db.author = settings.user
    return db


def _open_file(path: Path, settings: Settings, *, create: bool = True) -> SqliteDatabase:
    """_open for a command whose --db target is already known to be a file (backups and
    restores copy it; an import beside it takes its backups folder)."""
    from retainer_tui.db.migrate import open_database

    if create and not path.exists() and path.absolute() == paths.default_db_path().absolute():
        paths.make_data_dir()
    db = open_database(
        path, create=create, backup_dir=paths.backups_dir(path), currency=settings.currency
    )
    db.author = settings.user
    return db


def _today(args: argparse.Namespace) -> date:
    return getattr(args, "as_of", None) or date.today()


def _write_output(text: str, output: str | None, db: Database) -> None:
    """Standard output, or the -o file by the rules in services/output_file.py."""
    from retainer_tui.services.output_file import STDOUT, OutputRefused, write_output

    if not output or output == STDOUT:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_output(output, text, database=db.file, backups=paths.backups_dir(db.file))
    except OutputRefused as exc:
        raise CommandError(str(exc)) from None


def cmd_app(args: argparse.Namespace) -> int:
    from retainer_tui.db.backup import BackupNotWritten, daily_backup
    from retainer_tui.db.engine import SqliteDatabase

    settings = _settings()
    db = _open(args, settings)
    notices: tuple[str, ...] = ()
    try:
        if isinstance(db, SqliteDatabase):  # a server's backups are its administrator's
            daily_backup(
                db,
                paths.backups_dir(db.path),
                today=date.today().isoformat(),
                keep=settings.backups_kept,
            )
    except BackupNotWritten as exc:  # a full disk: warn and open; only damage stops
        notices = (f"Today's backup was not made: {exc}",)
        sys.stderr.write(f"warning: today's backup was not made: {exc}\n")
    from retainer_tui.tui.app import build_app

    # Without --as-of the day moves on with the clock (an app left open past midnight).
    clock = None if getattr(args, "as_of", None) else date.today
    build_app(db, settings, today=_today(args), notices=notices, clock=clock).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.sample import load_sample_data

    settings = _settings()
    today = _today(args)
    with tempfile.TemporaryDirectory(prefix="retainer-demo-") as folder:
        db = open_database(Path(folder) / "demo.db", currency=settings.currency)
        load_sample_data(db, as_of=today)
        from retainer_tui.tui.app import build_app

        build_app(db, settings, today=today).run()
        db.dispose()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from retainer_tui.domain import validation
    from retainer_tui.domain.month import Month
    from retainer_tui.services.month_view import load_month
    from retainer_tui.services.status_json import status_object
    from retainer_tui.services.status_table import status_table

    settings = _settings()
    today = _today(args)
    month = Month.of(today) if args.month is None else validation.month(args.month, "--month")
    db = _open(args, settings, create=False)
    view = load_month(
        db,
        month=month,
        as_of=today,
        tolerance=settings.tolerance,
        grace_days=settings.late_payment_grace_days,
    )
    if args.json:
        sys.stdout.write(json.dumps(status_object(view), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(status_table(view, _terminal_width()) + "\n")
    return 0


def _terminal_width() -> int | None:
    """The terminal's width ($COLUMNS first); None when the output goes to a pipe or a file
    and no width was asked for, so that nothing is cut."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return max(40, int(os.environ["COLUMNS"]))
    if not sys.stdout.isatty():
        return None
    return max(40, shutil.get_terminal_size().columns)


def cmd_export(args: argparse.Namespace) -> int:
    from retainer_tui.services.data_file import export_data

    fmt = csv_format(args, args.format)
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in ("toml", "json", "csv") else "toml"
    if fmt == "csv":
        return export_csv(args)
    db = _open(args, _settings(), create=False)
    _write_output(export_data(db, fmt), args.output, db)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from retainer_tui.domain import validation
    from retainer_tui.services.reports import (
        ReportError,
        default_report_month,
        find_client,
        report_markdown,
    )

    settings = _settings()
    today = _today(args)
    month = (
        default_report_month(today)
        if args.month is None
        else validation.month(args.month, "--month")
    )
    db = _open(args, settings, create=False)
    try:
        client = find_client(db, args.client)
        text = report_markdown(
            db, client_id=client.id, month=month, as_of=today, tolerance=settings.tolerance
        )
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    if not args.output or args.output == "-":
        from retainer_tui.domain.terminal_text import visible

        text = visible(text, multiline=True)  # printed: a terminal reads it
    _write_output(text, args.output, db)
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from retainer_tui.services.reports_queue import queue_object, queue_table, report_queue

    settings = _settings()
    today = _today(args)
    db = _open(args, settings, create=False)
    items = report_queue(
        db, as_of=today, tolerance=settings.tolerance, grace_days=settings.late_payment_grace_days
    )
    if args.json:
        sys.stdout.write(json.dumps(queue_object(items, today), indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(queue_table(items, today) + "\n")
    return 0


def cmd_pipeline(args: argparse.Namespace) -> int:
    from retainer_tui.services.pipeline import load_pipeline
    from retainer_tui.services.pipeline_text import pipeline_object, pipeline_table

    today = _today(args)
    db = _open(args, _settings(), create=False)
    view = load_pipeline(db, as_of=today)
    if args.json:
        sys.stdout.write(json.dumps(pipeline_object(view), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(pipeline_table(view) + "\n")
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_app,
    "demo": cmd_demo,
    "status": cmd_status,
    "export": cmd_export,
    "import": cmd_import,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "log": cmd_log,
    "report": cmd_report,
    "reports": cmd_reports,
    "pipeline": cmd_pipeline,
}


def _known_errors() -> tuple[type[BaseException], ...]:
    from retainer_tui.config import ConfigError
    from retainer_tui.db.errors import DatabaseError
    from retainer_tui.domain.validation import InvalidValue
    from retainer_tui.services.data_file import DataFileError

    return (CommandError, ConfigError, DatabaseError, InvalidValue, DataFileError)


# An error line longer than this (a path thousands of characters deep) keeps its start
# and its end, where the file's name and what to do are, with "…" between.
LONGEST_LINE = 400


def _shown(lines: list[str]) -> list[str]:
    """Error lines as a terminal may show them: names quoted from the database or a data
    file can hold escape sequences; a line of thousands of characters is cut in the middle."""
    from retainer_tui.domain.terminal_text import visible

    out = []
    for line in (visible(line) for line in lines):
        if len(line) > LONGEST_LINE:
            half = LONGEST_LINE // 2
            line = f"{line[:half]} … {line[-half:]}"
        out.append(line)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if isinstance(exc, (*_known_errors(), paths.EmptyPath)):
            lines = str(exc).strip().splitlines() or [type(exc).__name__]
            lines = _shown(lines)
            sys.stderr.write(f"retainer: {lines[0]}\n")
            for line in lines[1:]:
                sys.stderr.write(f"  {line}\n")
            return EXIT_USAGE
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            sys.stderr.write(f"retainer: {_shown([f'{where}{exc.strerror or exc}'])[0]}\n")
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    raise SystemExit(main())
