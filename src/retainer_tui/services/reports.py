"""Monthly progress reports: one report's data and text, and its actions (highlights, sent
or not, export). The queue of reports owed lives in reports_queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation
from retainer_tui.domain.clients import ClientStatus, in_service
from retainer_tui.domain.month import Month
from retainer_tui.domain.names import NameLookupError, resolve_name
from retainer_tui.domain.report_text import (
    PlannedTarget,
    ReportData,
    ReportMetric,
    render_report,
    report_file_name,
)
from retainer_tui.domain.reports import report_due_date, report_state
from retainer_tui.domain.status import as_fraction, expected_by_now, metric_status
from retainer_tui.services.catalog import services_text
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.month_view import read_metrics
from retainer_tui.services.report_marks import mark_report_sent, unmark_report

# The report screens reach the queue through this module (reports.report_queue).
from retainer_tui.services.reports_queue import recent_sent as recent_sent
from retainer_tui.services.reports_queue import report_queue as report_queue
from retainer_tui.services.undo import Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session

# SQLAlchemy, the models and db.statements are imported inside the functions that run
# statements: the app's start-up path (the report screens import this module) loads no
# ORM (test_layering).


class ReportError(ValueError):
    """A report that cannot be made or changed; str() is a one-line message."""


@dataclass(frozen=True, slots=True)
class ClientRef:
    id: int
    name: str


# ---------------------------------------------------------------- one report


def find_client(db: Database, name: str) -> ClientRef:
    """The client this name (or the start of one) means, compared by name_key; ReportError
    listing the candidates, or suggesting close names, when it means none or several."""
    from sqlmodel import col, func, select

    from retainer_tui.db.models import Client

    with db.reading() as session:
        # lower(): the NOCASE order the candidates were listed in (ASCII folding, as
        # NOCASE; PostgreSQL's lower() folds more, which only reorders its candidates).
        rows = session.execute(
            select(Client.id, Client.name).order_by(func.lower(Client.name), col(Client.id))
        ).all()
    try:
        index = resolve_name(name, [str(n) for _, n in rows])
    except NameLookupError as exc:
        hint = "" if exc.candidates else "; `retainer status` lists them"
        raise ReportError(f"{exc}{hint}") from None
    cid, client_name = rows[index]
    return ClientRef(cid, client_name)


def _targets(session: Session, client_id: int, month: Month) -> dict[str, int]:
    """Targets in force in the month (0 stops tracking, so it is left out)."""
    from sqlmodel import select

    from retainer_tui.db.models import Goal
    from retainer_tui.services.carry_forward import goal_in_force

    rows = session.execute(
        select(Goal.metric_key, Goal.target).where(
            Goal.client_id == client_id, goal_in_force(month)
        )
    ).all()
    return {key: target for key, target in rows if target > 0}


def _actuals(session: Session, client_id: int, month: Month) -> dict[str, int]:
    from sqlmodel import select

    from retainer_tui.db.models import Result

    rows = session.execute(
        select(Result.metric_key, Result.actual).where(
            Result.client_id == client_id, Result.month == str(month)
        )
    ).all()
    return dict(rows)


def _month_or_none(text: str | None) -> Month | None:
    return Month.stored(text) if text else None


def load_report_data(
    db: Database, *, client_id: int, month: Month, as_of: date, tolerance: float = 0.2
) -> ReportData:
    """The data for one client's report for a month; ReportError when it owes none."""
    from sqlalchemy import select as select_wide  # typed for more than sqlmodel's 4 columns
    from sqlmodel import col, select

    from retainer_tui.db.models import Client, Hours, Report, Tier
    from retainer_tui.db.statements import session_of

    with db.reading() as conn:
        session = session_of(conn)
        row = session.execute(
            select_wide(
                col(Client.name),
                col(Client.company),
                col(Client.status),
                col(Client.start_month),
                col(Client.end_month),
                col(Client.report_due_day),
                col(Tier.name),
                services_text(Tier.services),
                col(Tier.included_hours),
            )
            .outerjoin(Tier, col(Tier.id) == col(Client.tier_id))
            .where(col(Client.id) == client_id)
        ).first()
        if row is None:
            raise ReportError(f"client #{client_id} no longer exists")
        (name, company, status_text, start_t, end_t, due_day,
         tier, stored_services, included) = row  # fmt: skip
        status = ClientStatus(status_text)
        start, end = _month_or_none(start_t), _month_or_none(end_t)
        if not in_service(status, start, end, month):
            raise ReportError(
                f"{name} was not in service in {month} ({status}); there is no report for it"
            )
        if month.first_day > as_of:
            raise ReportError(
                f"{month.label()} has not started yet (today is {as_of.isoformat()}); "
                "a report is written once the month has begun"
            )
        metrics = {m.key: m for m in read_metrics(conn)}
        order = {key: i for i, key in enumerate(metrics)}
        targets = _targets(session, client_id, month)
        actuals = _actuals(session, client_id, month)
        previous = month.previous()
        had_previous = in_service(status, start, end, previous)
        previous_actuals = _actuals(session, client_id, previous) if had_previous else {}
        next_month = month.next()
        continues = in_service(status, start, end, next_month)
        next_targets = _targets(session, client_id, next_month) if continues else {}
        hours_x100 = session.scalar(
            select(Hours.hours_x100).where(Hours.client_id == client_id, Hours.month == str(month))
        )
        report_row = session.execute(
            select(col(Report.sent_on), Report.highlights).where(
                Report.client_id == client_id, Report.month == str(month)
            )
        ).first()

    tol = as_fraction(tolerance)

    def info(key: str) -> tuple[str, str]:
        m = metrics.get(key)
        return (m.label, m.unit) if m else (key, "")

    def sort_key(key: str) -> tuple[int, str]:
        return (order.get(key, len(order)), key)

    report_metrics = tuple(
        ReportMetric(
            key=key,
            label=info(key)[0],
            unit=info(key)[1],
            target=targets[key],
            actual=actuals.get(key),
            status=metric_status(targets[key], actuals.get(key), month, as_of, tol),
            expected_by_now=expected_by_now(targets[key], month, as_of),
            previous_actual=previous_actuals.get(key),
        )
        for key in sorted(targets, key=sort_key)
    )
    planned: tuple[PlannedTarget, ...] | None = None
    dropped: tuple[str, ...] = ()
    if continues:
        planned = tuple(
            PlannedTarget(key, *info(key), next_targets[key], targets.get(key))
            for key in sorted(next_targets, key=sort_key)
        )
        dropped = tuple(info(k)[0] for k in sorted(targets, key=sort_key) if k not in next_targets)
    services: tuple[str, ...] = ()
    if stored_services:
        try:
            data = (
                json.loads(stored_services) if isinstance(stored_services, str) else stored_services
            )
            services = tuple(str(s) for s in data)
        except (ValueError, TypeError):
            services = ()
    sent_on = report_row[0] if report_row else None
    return ReportData(
        client=name,
        company=company or "",
        month=month,
        as_of=as_of,
        tier=tier,
        services=services,
        metrics=report_metrics,
        hours_x100=hours_x100,
        included_hours=included if tier is not None else None,
        planned=planned,
        dropped=dropped,
        highlights=report_row[1] if report_row else "",
        sent_on=sent_on,
        state=report_state(month, as_of, report_due_day=due_day, sent_on=sent_on),
        due_on=report_due_date(month, due_day),
        first_month=not had_previous,
    )


def report_markdown(
    db: Database, *, client_id: int, month: Month, as_of: date, tolerance: float = 0.2
) -> str:
    """The report's Markdown, exactly as exported."""
    data = load_report_data(db, client_id=client_id, month=month, as_of=as_of, tolerance=tolerance)
    return render_report(data)


def default_report_month(as_of: date) -> Month:
    """The latest month whose report can be due: the month before the as-of date's (never
    before 1990-01, the first month the app knows)."""
    return max(Month.of(as_of).previous(), Month.MIN)


# ---------------------------------------------------------------- actions


def _client_name(session: Session, client_id: int) -> str:
    from sqlmodel import select

    from retainer_tui.db.models import Client

    name = session.scalar(select(Client.name).where(Client.id == client_id))
    if name is None:
        raise ReportError(f"client #{client_id} no longer exists")
    return str(name)


def _drop_if_empty(session: Session, client_id: int, month: Month) -> None:
    """A report row with no sent date and no highlights says nothing: remove it."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Report

    session.execute(
        delete(Report).where(
            col(Report.client_id) == client_id,
            col(Report.month) == str(month),
            col(Report.sent_on).is_(None),
            col(Report.highlights) == "",
        )
    )


def set_highlights(
    db: Database, *, client_id: int, month: Month, text: str, undo: UndoStack | None = None
) -> str:
    """Save the month's highlights (one transaction); returns the cleaned text."""
    from retainer_tui.db.models import Report
    from retainer_tui.db.statements import session_of, upsert

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    clean = validation.long_text(text, "highlights")
    with db.writing() as conn:
        session = session_of(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("report", (client_id, str(month)))
        row = {"client_id": client_id, "month": str(month), "sent_on": None, "highlights": clean}
        session.execute(
            upsert(session, Report, keys=["client_id", "month"], update=["highlights"]), [row]
        )
        _drop_if_empty(session, client_id, month)
        change = rec.finish(f"{name}'s {month.short_label()} highlights")
    record(undo, change)
    return clean


def _as_report_error(exc: Exception) -> ReportError:
    """The entry services' refusal, as this module's one-line error."""
    if isinstance(exc, FormInvalid):
        return ReportError("; ".join(exc.errors.values()))
    return ReportError(str(exc))


def mark_sent(
    db: Database, *, client_id: int, month: Month, on: date, undo: UndoStack | None = None
) -> None:
    """Record the report as sent on a date (one transaction); the same write as the `m` key."""
    try:
        mark_report_sent(db, client_id=client_id, month=month, today=on, sent_on=on, undo=undo)
    except (FormInvalid, NotFound) as exc:
        raise _as_report_error(exc) from None


def unmark_sent(
    db: Database, *, client_id: int, month: Month, undo: UndoStack | None = None
) -> None:
    """Forget the sent date (the highlights stay); one transaction."""
    try:
        unmark_report(db, client_id=client_id, month=month, undo=undo)
    except (FormInvalid, NotFound) as exc:
        raise _as_report_error(exc) from None


def default_export_path(client: str, month: Month, *, folder: Path) -> Path:
    """folder/client-YYYY-MM.md (the app offers the documents folder)."""
    return folder / report_file_name(client, month)


class ExportExists(ReportError):
    """The export's file exists and overwrite was not asked for (the app asks first)."""


def export_report(
    path: Path,
    text: str,
    *,
    database: Path | None = None,
    backups: Path | None = None,
    documents: Path | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the report to path by the -o rules (services/output_file.py): private (0600),
    replaced whole; the database file, its side files and the backups folder are refused;
    only the documents folder is made if missing (0700). overwrite=False refuses an
    existing file with ExportExists."""
    from retainer_tui.services.output_file import OutputExists, OutputRefused, write_output

    target = Path(path).expanduser().absolute()  # "-" is a file named "-": no stdout here
    try:
        written = write_output(
            target,
            text,
            database=database,
            backups=backups,
            make_folder=documents,
            overwrite=overwrite,
        )
    except OutputExists as exc:
        raise ExportExists(str(exc)) from None
    except OutputRefused as exc:
        raise ReportError(str(exc)) from None
    assert written is not None
    return written
