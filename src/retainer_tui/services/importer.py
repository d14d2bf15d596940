"""Reading a data file into the database: check everything first, then one transaction.

Import merges: metrics are matched by key, tiers and clients by name (names.name_key:
the way of writing an accent and letter case do not matter). For a stored one, the fields
the file gives replace the stored ones and its goals, results, hours, payments and reports
replace the same month (and metric); everything the file does not mention is kept and
nothing is deleted. With replace, the file is the whole truth for the clients and tiers it
names (a backup is taken first). Every problem is collected and reported at once; when
there is any, nothing is written.

The work is split by phase: import_parse (text to values), import_check and import_rows
(the checks, building an import_plan.Plan), import_write (the merge and the counts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retainer_tui.db.engine import Database
from retainer_tui.db.errors import DatabaseError
from retainer_tui.services.change_log import sign_action
from retainer_tui.services.data_file import DataFileError, ImportSummary, collector_paused
from retainer_tui.services.import_check import validate
from retainer_tui.services.import_parse import parse_text
from retainer_tui.services.import_plan import Context
from retainer_tui.services.import_plan import read_context as _read_context
from retainer_tui.services.import_write import apply

__all__ = ["import_text", "parse_text", "validate"]


def import_text(
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
    """Check the whole file, then (unless dry_run) write it in one transaction.

    wipe: the file replaces everything (a restore): every client, tier and what hangs
    on them is deleted in the same transaction first (metrics and the database's facts
    stay); the caller has backed the database up.

    new_database: the database was created for this import; its default tiers are left
    out (when it still holds nothing else). replace: back the database up into
    backup_dir (required then, unless the database is new) before the write.
    """
    with collector_paused():
        return _import(db, text, fmt, dry_run, replace, new_database, backup_dir, wipe)


def _import(
    db: Database,
    text: str,
    fmt: str,
    dry_run: bool,
    replace: bool,
    new_database: bool,
    backup_dir: Path | None,
    wipe: bool,
) -> ImportSummary:
    doc, problems = parse_text(text, fmt)
    if wipe and not dry_run:
        return _wipe_and_import(db, doc, problems)
    with db.reading() as session:
        ctx = _context(_read_context(session), new_database)
    plan, found = validate(doc, ctx, replace=replace)
    problems.extend(found)
    if problems:
        raise DataFileError(problems)
    if dry_run:
        with db.reading() as session:
            counts: dict[str, Any] = apply(session, plan, ctx, replace=replace, write=False)
        return ImportSummary(**counts)
    backup = None
    if replace and not ctx.fresh:
        if backup_dir is None:
            raise ValueError("an import with replace needs a backup folder")
        backup = _backup(db, backup_dir)
    with db.writing() as session:
        # Read again under the write lock: what the file matches may have changed since,
        # and then the file is checked again against what is stored now.
        fresh = _context(_read_context(session), new_database)
        if fresh != ctx:
            plan, problems = validate(doc, fresh, replace=replace)
            if problems:
                raise DataFileError(problems)
        counts = apply(session, plan, fresh, replace=replace, write=True)
        done = ImportSummary(**counts, backup=backup)
        verb = "import --replace" if replace else "import"
        sign_action(session, f"{verb}: {done.describe()}")
    return done


# What a restore keeps: the metric definitions and the database's own facts (currency).
_KEPT_ON_WIPE = frozenset({"metric", "meta", "change_log"})


def _wipe_and_import(db: Database, doc: Any, problems: list[Any]) -> ImportSummary:
    from sqlalchemy import delete

    from retainer_tui.db.models import metadata

    if problems:
        raise DataFileError(problems)
    with db.writing() as session:
        for table in reversed(metadata.sorted_tables):
            if table.name not in _KEPT_ON_WIPE:
                session.execute(delete(table))
        ctx = _context(_read_context(session), True)
        plan, found = validate(doc, ctx, replace=False)
        if found:
            raise DataFileError(found)
        counts: dict[str, Any] = apply(session, plan, ctx, replace=False, write=True)
        sign_action(session, f"restore: {ImportSummary(**counts).describe()}")
    return ImportSummary(**counts)


def _context(ctx: Context, new_database: bool) -> Context:
    """For a database made for this import (and still holding nothing of the user's), the
    context without its default tiers, which the import removes."""
    untouched = not ctx.clients and not ctx.ambiguous
    if new_database and untouched and all(b for b, _, _ in ctx.metrics.values()):
        return ctx.without_tiers()
    return ctx


def _backup(db: Database, folder: Path) -> Path:
    """A copy of the database under a name no other backup has, before --replace."""
    from retainer_tui.services.backups import take_backup

    try:
        return take_backup(db, folder, "before-import")
    except DatabaseError as exc:
        raise DatabaseError(f"{exc}; nothing was imported (--replace backs up first)") from None
